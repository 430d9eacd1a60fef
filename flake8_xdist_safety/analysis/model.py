"""The file model's data: classes, functions, recorded sites, and the model that holds them.

The builder (builder.py) fills it in one pass; it holds raw facts only, rules decide.
Calls are indexed by their last name (``patch(...).start()`` is filed under ``start``).
"""
import ast
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple, Union

from flake8_xdist_safety.analysis.scopes import Scope
from flake8_xdist_safety.analysis.vocabulary import UNITTEST_TEARDOWNS, is_indexed
from flake8_xdist_safety.config import Config

# -- context flags carried by every recorded site ------------------------------------------
MODULE_TIME = 1  # evaluated when the module is imported (not inside a def body or lambda)
IN_FN_DECORATOR = 2  # inside a function's decorator expressions
FINALLY = 4  # inside a ``finally:`` block of the enclosing function
AFTER_YIELD = 8  # after a ``yield`` of the enclosing function
CLEANUP = 16  # inside the arguments of addCleanup / addfinalizer / ExitStack.callback ...
IN_LAMBDA = 32  # inside a lambda body (not evaluated here)
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
        "unseen_base", "methods", "pytestmark", "decorators", "env_undo_tests", "nested",
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
        self.env_undo_tests = False  # @patch.dict(os.environ) on the class
        self.nested: List["ClassInfo"] = []

    def ancestors(self) -> List["ClassInfo"]:
        """This class and its same-file bases, depth first, each once."""
        out: List[ClassInfo] = []
        todo = [self]
        while todo:
            cls = todo.pop(0)
            if cls not in out:
                out.append(cls)
                todo.extend(cls.base_classes)
        return out

    def applying_classes(self) -> List["ClassInfo"]:
        """Classes whose markers and fixtures apply to this one, closest first: itself, its
        same-file bases, then each enclosing test class with its bases (pytest's node chain)."""
        out: List[ClassInfo] = []
        current: Optional[ClassInfo] = self
        while current is not None:
            for klass in current.ancestors():
                if klass not in out:
                    out.append(klass)
            parent = current.parent
            current = parent if parent is not None and parent.is_test else None
        return out

    def has_unseen_base(self) -> bool:
        return any(cls.unseen_base for cls in self.ancestors())

    def runs_hook(self, hook: str) -> bool:
        """Is *hook* called on this class? unittest's tearDown & co run only on TestCases;
        teardown_method/teardown_class (pytest) and __exit__ run on any class."""
        return hook not in UNITTEST_TEARDOWNS or self.is_testcase


class FunctionInfo:
    __slots__ = (
        "node", "name", "parent", "cls", "is_test", "is_test_method", "is_fixture",
        "fixture_scope", "autouse", "params", "calls_gc", "has_yield", "env_undo", "ovr_undo",
        "finalizer_names", "call_assigned", "hook", "module_level", "env_guarded_yield",
        "super_calls", "helper_calls", "names_read",
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
        self.params: FrozenSet[str] = frozenset(
            a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
        )
        self.calls_gc = False
        self.has_yield = False
        self.env_undo = False  # @patch.dict(os.environ) / mocker.patch.dict(os.environ)
        self.ovr_undo = False  # mocker.patch.dict(x.dependency_overrides)
        self.finalizer_names: Set[str] = set()  # names passed to addfinalizer(...) & co
        self.call_assigned: Set[str] = set()  # local names assigned from a call
        self.hook: Optional[str] = None  # teardown hook name, if it is one
        self.env_guarded_yield = False  # yields inside ``with patch.dict(os.environ)``
        self.super_calls: Set[str] = set()  # hooks it hands on: super().teardown_method()
        #: helpers it calls by name: ``self._cleanup()`` -> "self._cleanup", ``reset()`` -> "reset"
        self.helper_calls: Set[str] = set()
        #: names and ``name.attr`` pairs its body reads (``CLIENT``, ``self.client``)
        self.names_read: Set[str] = set()

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
                 withs: Tuple["WithFrame", ...], scope: Scope) -> None:
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


class WithFrame:
    """What one ``with`` item may undo on exit."""

    __slots__ = ("environ", "overrides", "strings")

    def __init__(self, environ: bool, overrides: bool, strings: FrozenSet[str]) -> None:
        self.environ = environ
        self.overrides = overrides
        self.strings = strings


class FileModel:
    def __init__(self, filename: str, config: Config, package: Optional[str] = None) -> None:
        self.filename = filename
        base = filename.replace("\\", "/").rsplit("/", 1)[-1]
        self.is_conftest = base == "conftest.py"
        self.stem = base[:-3] if base.endswith(".py") else base
        self.config = config
        #: last names of the configured mock factories: indexed for this run too
        self.factory_names = frozenset(n.rsplit(".", 1)[-1] for n in config.mock_factories)
        #: the module's bindings; ``imports.resolve`` reads names at module level
        self.imports = Scope("module", None, package)
        self.classes: List[ClassInfo] = []
        self.functions: List[FunctionInfo] = []
        self.module_classes: Dict[str, ClassInfo] = {}
        self.module_functions: Dict[str, FunctionInfo] = {}
        self.module_pytestmark: List[ast.expr] = []
        #: id of a pytestmark value -> the statement that binds it (where marks are reported)
        self.mark_statements: Dict[int, ast.stmt] = {}
        #: module-level ``NAME = value`` (last binding wins)
        self.module_values: Dict[str, ast.expr] = {}
        #: module-level names whose value mentions PYTEST_XDIST_WORKER
        self.xdist_names: Set[str] = set()
        #: interesting calls by last name
        self.calls: Dict[str, List[Site]] = {}
        #: Attribute/Name references passed straight to a cleanup registrar
        self.cleanup_refs: List[Site] = []
        #: ``X[k] = v``, ``X[k] += v``, ``del X[k]`` where X ends in environ/dependency_overrides
        self.subscript_stores: List[Tuple[Site, ast.Subscript, str]] = []
        #: ``X = v`` / ``X |= v`` where X ends in environ/dependency_overrides
        self.attr_stores: List[Tuple[Site, str]] = []
        #: ``name = <call>`` / ``self.name = <call>``: (site of the value, key)
        self.call_assignments: List[Tuple[Site, str]] = []
        self._creations: Optional[List[Any]] = None  # mock_creations' cache

    def calls_named(self, *names: str) -> List[Site]:
        """Recorded calls with these last names; each must be declared with indexed_calls."""
        out: List[Site] = []
        for name in names:
            if not is_indexed(name) and name not in self.factory_names:
                raise LookupError(f"call name {name!r} is read but not declared with indexed_calls()")
            out.extend(self.calls.get(name, ()))
        return out
