"""The file model's data: classes, functions, recorded sites, and the model that holds them.

The builder (builder.py) fills it in one pass; it holds raw facts only, and nothing here
knows any particular kind of state: the topics (analysis/topics/) read these facts and
the rules decide. Calls are indexed by their last name (``patch(...).start()`` is filed
under ``start``), for the last names the caller of the builder asked for.
"""
import ast
from operator import attrgetter
from typing import Any, Callable, Dict, FrozenSet, List, NamedTuple, Optional, Set, Tuple, Union

from flake8_xdist_safety.analysis.scopes import Scope
from flake8_xdist_safety.analysis.vocabulary import UNITTEST_TEARDOWNS
from flake8_xdist_safety.config import Config

# -- context flags carried by every recorded site ------------------------------------------
MODULE_TIME = 1  # evaluated when the module is imported (not inside a def body or lambda)
IN_FN_DECORATOR = 2  # inside a function's decorator expressions
FINALLY = 4  # inside a ``finally:`` block of the enclosing function
AFTER_YIELD = 8  # after a ``yield`` of the enclosing function
CLEANUP = 16  # inside the arguments of addCleanup / addfinalizer / ExitStack.callback ...
IN_LAMBDA = 32  # inside a lambda body (not evaluated here)
UNREACHABLE = 64  # after a return or raise in its block: never runs
GUARANTEED = FINALLY | AFTER_YIELD | CLEANUP

TESTCASE_BASES = frozenset(
    {
        "unittest.TestCase", "unittest.IsolatedAsyncioTestCase",
        "unittest.case.TestCase", "unittest.async_case.IsolatedAsyncioTestCase",
    }
)
#: Bases that carry no markers, fixtures or teardown: seeing them hides nothing.
HARMLESS_BASES = frozenset(
    {"object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol"}
) | TESTCASE_BASES
FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})
ENVIRON = "os.environ"
XDIST_WORKER_VAR = "PYTEST_XDIST_WORKER"


class ClassInfo:
    __slots__ = (
        "node", "name", "parent", "fn", "is_test", "is_testcase", "base_classes",
        "unseen_base", "methods", "pytestmark", "decorators", "contexts", "nested", "_ancestors", "_memo",
    )

    def __init__(self, node: ast.ClassDef, parent: Optional["ClassInfo"], fn: Optional["FunctionInfo"]):
        self.node = node
        self.name = node.name
        self.parent = parent  # enclosing class, if any
        self.fn = fn  # enclosing function, if any
        self.is_test = False
        self.is_testcase = False
        self.base_classes: List["ClassInfo"] = []  # same-file bases
        self.unseen_base = False  # a base whose body flake8 cannot see
        self.methods: Dict[str, "FunctionInfo"] = {}
        self.pytestmark: List[ast.expr] = []  # values of ``pytestmark = ...`` in the body
        self.decorators = node.decorator_list
        #: call decorators (``@patch.dict(os.environ)``): unittest applies them to test methods
        self.contexts: List[Context] = []
        self.nested: List["ClassInfo"] = []
        self._ancestors: Optional[List["ClassInfo"]] = None
        self._memo: Dict[str, List["ClassInfo"]] = {}

    def ancestors(self) -> List["ClassInfo"]:
        """This class and its same-file bases, breadth first, each once (kept: asked for
        every change and every owner, and a file may chain a thousand classes)."""
        if self._ancestors is None:
            out: List[ClassInfo] = []
            seen: Set[int] = set()
            todo = [self]
            for cls in todo:
                if id(cls) not in seen:
                    seen.add(id(cls))
                    out.append(cls)
                    todo.extend(cls.base_classes)
            self._ancestors = out
        return self._ancestors

    def applying_classes(self) -> List["ClassInfo"]:
        """Classes whose markers and fixtures apply to this one, closest first: itself, its
        same-file bases, then each enclosing test class with its bases (pytest's node chain)."""
        return self.applying_where("all", lambda cls: True)

    def applying_where(self, key: str, wanted: Callable[["ClassInfo"], bool]) -> List["ClassInfo"]:
        """The applying classes for which *wanted* holds (*key* names the question), kept per
        class and built from the bases' answers: a chain of a thousand classes none of which
        has what is asked costs a thousand small steps, not a million."""
        memo = self._memo.get(key)
        if memo is None:
            out: List[ClassInfo] = [self] if wanted(self) else []
            for base in self.base_classes:
                out.extend(cls for cls in base._inherited(key, wanted) if cls not in out)
            self._memo["inherited:" + key] = list(out)
            parent = self.parent
            if parent is not None and parent.is_test:
                out.extend(cls for cls in parent.applying_where(key, wanted) if cls not in out)
            memo = self._memo[key] = out
        return memo

    def _inherited(self, key: str, wanted: Callable[["ClassInfo"], bool]) -> List["ClassInfo"]:
        """This class and its same-file bases for which *wanted* holds."""
        self.applying_where(key, wanted)
        return self._memo["inherited:" + key]

    def has_unseen_base(self) -> bool:
        return bool(self._inherited("unseen", lambda cls: cls.unseen_base))

    def runs_hook(self, hook: str) -> bool:
        """Is *hook* called on this class? unittest's tearDown & co run on TestCases, and
        may on a class with a base flake8 cannot see (``django.test.TestCase``: counting
        its tearDown is the safe side); teardown_method/teardown_class (pytest) and
        __exit__ run on any class."""
        return hook not in UNITTEST_TEARDOWNS or self.is_testcase or self.has_unseen_base()


_ARG_NAME = attrgetter("arg")


class FunctionInfo:
    __slots__ = (
        "node", "name", "parent", "cls", "is_test", "is_test_method", "is_fixture",
        "fixture_scope", "autouse", "params", "has_yield", "contexts", "yield_contexts",
        "finalizer_names", "hook", "module_level",
        "super_calls",
    )

    def __init__(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef],
                 parent: Optional["FunctionInfo"], cls: Optional[ClassInfo]):
        self.node = node
        self.name = node.name
        self.parent = parent  # enclosing function, if any
        self.cls = cls  # class whose body defines it directly, if any
        self.module_level = parent is None and cls is None
        self.is_test = False  # module-level test function
        self.is_test_method = False  # test* method of a test class
        self.is_fixture = False
        self.fixture_scope: Optional[str] = None  # "function" by default; None if not literal
        self.autouse = False
        args = node.args
        self.params: FrozenSet[str] = frozenset(map(_ARG_NAME, args.args))
        if args.posonlyargs or args.kwonlyargs:
            self.params |= frozenset(map(_ARG_NAME, (*args.posonlyargs, *args.kwonlyargs)))
        self.has_yield = False
        # The facts most functions never have start as shared empty immutables, replaced
        # when one is found: a suite has thousands of functions (allocation is most of a def's cost).
        #: what stays in effect for the rest of the call: call decorators (its own, and a
        #: test class's for test methods) and ``mocker.patch...(...)`` calls in its body
        self.contexts: Tuple[Context, ...] = ()
        #: the ``with`` contexts open around a ``yield`` (they undo after the test)
        self.yield_contexts: Tuple[Context, ...] = ()
        self.finalizer_names: FrozenSet[str] = frozenset()  # names passed to addfinalizer(...) & co
        self.hook: Optional[str] = None  # teardown hook name, if it is one
        self.super_calls: FrozenSet[str] = frozenset()  # hooks it hands on: super().teardown_method()

    def chain(self) -> List["FunctionInfo"]:
        """This function and the functions it is nested in, innermost first."""
        out = []
        fn: Optional[FunctionInfo] = self
        while fn is not None:
            out.append(fn)
            fn = fn.parent
        return out

    def outermost(self) -> "FunctionInfo":
        return self.chain()[-1]

    def owner_class(self) -> Optional[ClassInfo]:
        """The class whose method this function is or is nested in."""
        return self.outermost().cls


Owner = Union[ClassInfo, FunctionInfo]


class Site:
    """A recorded call, reference or store, with the context it appeared in."""

    __slots__ = ("node", "name", "stmt", "fn", "cls", "owner", "flags", "withs", "scope",
                 "started", "entered", "via_mocker")

    def __init__(self, node: ast.AST, name: Optional[str], stmt: ast.stmt, fn: Optional[FunctionInfo],
                 cls: Optional[ClassInfo], owner: Optional[Owner], flags: int,
                 withs: Tuple["Context", ...], scope: Scope) -> None:
        self.node = node
        self.name = name  # resolved dotted name (calls, references), or None
        self.stmt = stmt  # the statement it is part of
        self.fn = fn
        self.cls = cls
        self.owner = owner
        self.flags = flags
        self.withs = withs
        self.scope = scope  # where its names are resolved
        self.started = False
        self.entered = False
        self.via_mocker = False

    @property
    def line(self) -> int:
        return int(getattr(self.node, "lineno", 1))

    @property
    def col(self) -> int:
        return int(getattr(self.node, "col_offset", 0))


class Context:
    """A call whose effect lasts while code runs and is undone after it: a ``with`` item,
    a call decorator, a ``mocker.patch...(...)`` call. Topics decide what it undoes."""

    __slots__ = ("call", "name", "scope", "block", "bound", "last")

    def __init__(self, call: ast.Call, name: Optional[str], scope: Scope, block: bool = False,
                 bound: Optional[str] = None, last: Optional[ast.stmt] = None) -> None:
        self.call = call
        #: the callee's resolved name; pytest-mock's ``mocker.patch`` is ``unittest.mock.patch``
        self.name = name
        self.scope = scope  # where its arguments' names resolve
        self.block = block  # a ``with`` item (its end is the end of the block)
        self.bound = bound  # ``with ... as NAME``
        self.last = last  # the last statement of the ``with`` block


class CleanupRef(NamedTuple):
    """A callable handed to a cleanup registrar: ``addCleanup(os.chdir, old)``."""
    site: Site  # the callable's reference (flagged CLEANUP)
    call: ast.Call  # the registration, for the arguments the callable gets


class FileModel:
    def __init__(self, filename: str, config: Config, indexed: FrozenSet[str],
                 package: Optional[str] = None) -> None:
        self.filename = filename
        base = filename.replace("\\", "/").rsplit("/", 1)[-1]
        self.is_conftest = base == "conftest.py"
        self.config = config
        #: last names of the configured mock factories: indexed for this run too
        self.factory_names = frozenset(n.rsplit(".", 1)[-1] for n in config.mock_factories)
        #: the last names of calls the builder files (what the caller's readers declared)
        self.indexed = indexed | self.factory_names | config.undo_pair_names()
        #: the module's bindings; ``imports.resolve`` reads names at module level
        self.imports = Scope("module", None, package)
        self.classes: List[ClassInfo] = []
        self.functions: List[FunctionInfo] = []
        self.module_classes: Dict[str, ClassInfo] = {}
        self.module_functions: Dict[str, FunctionInfo] = {}
        self.module_pytestmark: List[ast.expr] = []
        #: id of a pytestmark value -> the statement that binds it (where marks are reported)
        self.mark_statements: Dict[int, ast.stmt] = {}
        #: module-level names whose value mentions PYTEST_XDIST_WORKER
        self.xdist_names: Set[str] = set()
        #: interesting calls by last name
        self.calls: Dict[str, List[Site]] = {}
        #: Attribute/Name references passed straight to a cleanup registrar
        self.cleanup_refs: List[CleanupRef] = []
        #: ``X[k] = v``, ``X[k] += v``, ``del X[k]`` ("set", "aug", "del") where X is a
        #: name or attribute chain (the site's name is X resolved)
        self.subscript_stores: List[Tuple[Site, ast.Subscript, str]] = []
        #: ``X.a = v``, ``X.a += v``, ``del X.a``, and ``X |= v`` for an imported X (the
        #: site's name is the target resolved, or None when it is not a dotted name)
        self.attr_stores: List[Tuple[Site, str]] = []
        #: ``name = <call>`` / ``self.name = <call>`` of a filed call: (site of the value, key)
        self.call_assignments: List[Tuple[Site, str]] = []
        #: modules the module body star-imports (``from tests.fixtures import *``), resolved
        self.star_imports: List[str] = []
        #: what readers derive once per file (keyed by the reader's own name)
        self.cache: Dict[str, Any] = {}

    def release(self) -> None:
        """Drop what points back into the model (derived facts, class memos, a class's methods)
        once the rules are done, so that reference counting frees it at once instead of the
        cyclic collector later, while a lint run keeps every other file's tree alive."""
        self.cache.clear()
        for cls in self.classes:
            cls._memo.clear()
            cls._ancestors = None
            cls.methods.clear()

    def memo(self, name: str) -> Dict[Any, Any]:
        """The table *name* in ``cache`` (derived facts kept until ``release()``), made once."""
        table = self.cache.get(name)
        if table is None:
            table = self.cache[name] = {}
        return table

    def calls_named(self, *names: str) -> List[Site]:
        """Recorded calls with these last names; each must be among those the builder was
        asked to index (a reader that did not declare its names would silently get none)."""
        if not self.indexed.issuperset(names):
            missing = sorted(set(names) - self.indexed)
            raise LookupError(f"call name {missing[0]!r} is read but was not indexed")
        out: List[Site] = []
        calls = self.calls
        for name in names:
            found = calls.get(name)
            if found:
                out += found
        return out
