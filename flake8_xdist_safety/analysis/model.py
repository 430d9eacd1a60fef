"""The file model: one pass over a module's AST records what every rule reads.

The builder walks statements recursively (their nesting is bounded by Python's own
indentation limit) and expressions iteratively (they can nest thousands deep), keeping
a small context: the enclosing function and class, the test that owns what is created,
whether we are in a ``finally:`` block, after a ``yield``, inside a cleanup registration,
or inside ``with`` blocks that undo environment or dependency-override changes.

It records raw facts only; rules decide. Calls are indexed by their last name
(``patch(...).start()`` is filed under ``start``), and only calls whose last name some
rule cares about are kept.
"""
import ast
import os
from typing import Dict, FrozenSet, List, Optional, Set, Tuple, Union

from flake8_xdist_safety.config import Config, normalise_path
from flake8_xdist_safety.analysis.imports import ImportTable
from flake8_xdist_safety.analysis.vocabulary import (
    CLASS_TEARDOWN_HOOKS, CLEANUP_REGISTRARS, MOCKER_FIXTURES, MODULE_TEARDOWN_HOOKS, PER_TEST_TEARDOWNS,
    UNITTEST_TEARDOWNS, indexed_call_names, indexed_calls, is_indexed,
)

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

# The builder itself reads these: patcher starts, gc, patch.dict under pytest-mock,
# teardowns that hand on to the base's, and cleanup registrations.
indexed_calls("start", "collect", "dict", *PER_TEST_TEARDOWNS, *CLEANUP_REGISTRARS)


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
        "super_calls", "helper_calls",
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

    __slots__ = ("node", "name", "stmt", "fn", "cls", "owner", "flags", "withs", "started",
                 "entered", "via_mocker")

    def __init__(self, node: ast.AST, name: Optional[str], builder: "_Builder", flags: int) -> None:
        self.node = node
        self.name = name  # resolved dotted name (calls, references), or None
        self.stmt: ast.stmt = builder.stmt  # the statement it is part of
        self.fn: Optional[FunctionInfo] = builder.fn
        self.cls: Optional[ClassInfo] = builder.cls
        self.owner: Optional[Owner] = builder.owner
        if builder.in_finally:
            flags |= FINALLY
        if builder.fn is not None:
            # Only pytest guarantees the code after a yield runs; a plain
            # @contextmanager skips it when the with-body raises.
            if builder.fn.has_yield and builder.fn.is_fixture:
                flags |= AFTER_YIELD
        elif not flags & IN_LAMBDA:
            flags |= MODULE_TIME
        self.flags = flags
        self.withs: Tuple["WithFrame", ...] = builder.withs
        self.started = False
        self.entered = False
        self.via_mocker = False

    @property
    def line(self) -> int:
        return self.node.lineno  # type: ignore[attr-defined]

    @property
    def col(self) -> int:
        return self.node.col_offset  # type: ignore[attr-defined]


class WithFrame:
    """What one ``with`` item may undo on exit."""

    __slots__ = ("environ", "overrides", "strings")

    def __init__(self, environ: bool, overrides: bool, strings: FrozenSet[str]) -> None:
        self.environ = environ
        self.overrides = overrides
        self.strings = strings


class FileModel:
    def __init__(self, filename: str, config: Config) -> None:
        self.filename = filename
        base = os.path.basename(filename)
        self.is_conftest = base == "conftest.py"
        self.stem = base[:-3] if base.endswith(".py") else base
        self.config = config
        #: last names of the configured mock factories: indexed for this run too
        self.factory_names = frozenset(n.rsplit(".", 1)[-1] for n in config.mock_factories)
        self.imports = ImportTable(package_of(filename))
        self.classes: List[ClassInfo] = []
        self.functions: List[FunctionInfo] = []
        self.module_classes: Dict[str, ClassInfo] = {}
        self.module_functions: Dict[str, FunctionInfo] = {}
        self.module_pytestmark: List[ast.expr] = []
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
        #: ``NAME = "literal"`` / ``PORT = 8000`` anywhere: (fn, name) -> value (last wins)
        self.constant_values: Dict[Tuple[Optional[FunctionInfo], str], Union[str, int]] = {}
        self._creations: Optional[list] = None

    def constant(self, fn: Optional[FunctionInfo], name: str) -> Optional[Union[str, int]]:
        """The literal a name is bound to in *fn* (or, failing that, at module level)."""
        value = self.constant_values.get((fn, name))
        return value if value is not None else self.constant_values.get((None, name))

    def calls_named(self, *names: str) -> List[Site]:
        """Recorded calls with these last names; each must be declared with indexed_calls."""
        out: List[Site] = []
        for name in names:
            if not is_indexed(name) and name not in self.factory_names:
                raise LookupError(f"call name {name!r} is read but not declared with indexed_calls()")
            out.extend(self.calls.get(name, ()))
        return out


def package_of(filename: str) -> Optional[str]:
    """The dotted package a file sits in, taking the current directory as the import root
    (where flake8 is normally run); None when that cannot be told."""
    path = normalise_path(filename)
    if os.path.isabs(path):
        try:
            path = normalise_path(os.path.relpath(path))
        except ValueError:  # another drive (Windows)
            return None
    parts = path.split("/")[:-1]
    if not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def build_model(tree: ast.AST, filename: str, config: Config) -> FileModel:
    model = FileModel(filename, config)
    builder = _Builder(model)
    if isinstance(tree, ast.Module):
        builder.stmts(tree.body)
    return model


# -- the builder ---------------------------------------------------------------------------

_SKIP_FIELDS = frozenset({"ctx", "op", "type_comment", "kind", "conversion", "level"})
_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}
#: Node kinds never worth descending into (match patterns exist from Python 3.10 on).
_LEAF_BASES = tuple(
    getattr(ast, name) for name in ("expr_context", "operator", "pattern") if hasattr(ast, name)
)


def _child_fields(cls: type) -> Tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        if cls is ast.Constant or issubclass(cls, _LEAF_BASES):
            fields = ()
        else:
            fields = tuple(
                f for f in cls._fields
                if f not in _SKIP_FIELDS and f not in ("id", "attr", "arg", "name", "names",
                                                       "module", "asname", "is_async")
            )
        _CHILD_FIELDS[cls] = fields
    return fields


class _Builder:
    def __init__(self, model: FileModel) -> None:
        self.model = model
        self.config = model.config
        self.resolve = model.imports.resolve
        #: last names wanted by some rule, and local names imported as one of them
        self.wanted = indexed_call_names() | model.factory_names
        self.call_names = set(self.wanted)
        self.fn: Optional[FunctionInfo] = None
        self.cls: Optional[ClassInfo] = None
        self.owner: Optional[Owner] = None
        self.in_finally = False
        self.withs: Tuple[WithFrame, ...] = ()
        self.mockers: FrozenSet[str] = frozenset()  # pytest-mock fixture params in scope
        #: classes defined in each enclosing scope (module first), for same-file bases
        self.class_scopes: List[Dict[str, ClassInfo]] = [model.module_classes]
        self.started: Set[int] = set()
        self.entered: Set[int] = set()
        self.mentions_xdist = False
        self.stmt: ast.stmt = ast.Pass(lineno=1, col_offset=0)

    # -- statements ------------------------------------------------------------------------
    def stmts(self, body: List[ast.stmt]) -> None:
        for node in body:
            self.stmt = node
            handler = self._handlers.get(type(node))
            if handler is not None:
                handler(self, node)
            else:
                self.generic(node, 0)

    def generic(self, node: ast.AST, flags: int) -> None:
        for field in _child_fields(type(node)):
            value = getattr(node, field, None)
            if value is None:
                continue
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.stmts(value)
                else:
                    for item in value:
                        if isinstance(item, ast.expr):
                            self.expr(item, flags)
                        elif isinstance(item, ast.AST):
                            self.generic(item, flags)
            elif isinstance(value, ast.expr):
                self.expr(value, flags)
            elif isinstance(value, ast.AST):
                self.generic(value, flags)

    def import_(self, node: ast.stmt) -> None:
        imports = self.model.imports
        imports.add(node)
        # ``from unittest.mock import MagicMock as MM``: calls of MM are interesting too.
        for alias in node.names:  # type: ignore[attr-defined]
            local = alias.asname or alias.name.split(".", 1)[0]
            target = imports.aliases.get(local)
            if target is not None and target.rsplit(".", 1)[-1] in self.wanted:
                self.call_names.add(local)

    def classdef(self, node: ast.ClassDef) -> None:
        model = self.model
        outer_cls, outer_fn = self.cls, self.fn
        info = ClassInfo(node, outer_cls if outer_fn is None else None, outer_fn)
        self._classify_bases(info)
        in_test_scope = outer_fn is None and (outer_cls is None or outer_cls.is_test)
        info.is_test = in_test_scope and (
            info.is_testcase or self.config.is_test_class_name(node.name)
        )
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and self._is_patch_dict(deco, ENVIRON):
                info.env_undo_tests = True
        model.classes.append(info)
        if outer_cls is not None and outer_fn is None:
            outer_cls.nested.append(info)
        outer_owner = self.owner
        owner = info if info.is_test else outer_owner
        # Decorators belong to the class (and to its owner, for MXS001).
        self.owner = owner
        for deco in node.decorator_list:
            self.expr(deco, 0)
        self.owner = outer_owner
        for base in node.bases:
            self.expr(base, 0)
        for kw in node.keywords:
            self.expr(kw.value, 0)
        self.class_scopes[-1][node.name] = info
        self.cls, self.owner = info, owner
        self.class_scopes.append({})
        self.stmts(node.body)
        self.class_scopes.pop()
        self.cls, self.owner = outer_cls, outer_owner

    def _classify_bases(self, info: ClassInfo) -> None:
        for base in info.node.bases:
            if isinstance(base, ast.Subscript):  # Generic[T]
                base = base.value
            same_file = self._same_file_class(base)
            if same_file is not None:
                info.base_classes.append(same_file)
                info.is_testcase = info.is_testcase or same_file.is_testcase
                continue
            name = self.resolve(base)
            if name in TESTCASE_BASES:
                info.is_testcase = True
            if name not in HARMLESS_BASES:
                info.unseen_base = True

    def _same_file_class(self, base: ast.expr) -> Optional[ClassInfo]:
        """The ClassInfo a base names: ``Base`` or ``Outer.Inner`` defined in this file."""
        path = []
        while isinstance(base, ast.Attribute):
            path.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name) or self.model.imports.is_imported(base.id):
            return None
        found = None
        for scope in reversed(self.class_scopes):
            if base.id in scope:
                found = scope[base.id]
                break
        for attr in reversed(path):
            if found is None:
                return None
            found = next((c for c in found.nested if c.name == attr), None)
        return found

    def funcdef(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        model = self.model
        outer_fn, cls = self.fn, self.cls
        direct_cls = cls if outer_fn is None else None
        info = FunctionInfo(node, outer_fn, direct_cls)
        name = node.name
        if info.module_level:
            info.is_test = name.startswith("test")
            if name in MODULE_TEARDOWN_HOOKS:
                info.hook = name
            model.module_functions[name] = info
        elif direct_cls is not None:
            direct_cls.methods[name] = info
            info.is_test_method = direct_cls.is_test and name.startswith("test")
            if name in CLASS_TEARDOWN_HOOKS:
                info.hook = name
            if direct_cls.env_undo_tests and name.startswith("test"):
                info.env_undo = True
        self._classify_decorators(info)
        model.functions.append(info)

        outer_owner = self.owner
        owner = info if info.is_test and outer_owner is None else outer_owner
        # Decorators and defaults are evaluated where the def stands, on behalf of the test.
        self.owner = owner
        for deco in node.decorator_list:
            self.expr(deco, IN_FN_DECORATOR)
        args = node.args
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None:
                self.expr(default, 0)
        saved = (self.fn, self.in_finally, self.withs, self.mockers)
        mockers = info.params & MOCKER_FIXTURES
        self.fn, self.in_finally, self.withs = info, False, ()
        if mockers:
            self.mockers = self.mockers | mockers
        self.class_scopes.append({})
        self.stmts(node.body)
        self.class_scopes.pop()
        self.fn, self.in_finally, self.withs, self.mockers = saved
        self.owner = outer_owner

    def _classify_decorators(self, info: FunctionInfo) -> None:
        for deco in info.node.decorator_list:
            call = deco if isinstance(deco, ast.Call) else None
            name = self.resolve(call.func if call is not None else deco)
            if name in FIXTURE_DECORATORS:
                info.is_fixture = True
                info.fixture_scope = "function"
                for kw in call.keywords if call is not None else ():
                    if kw.arg == "scope":
                        value = kw.value
                        is_str = isinstance(value, ast.Constant) and isinstance(value.value, str)
                        info.fixture_scope = value.value if is_str else None  # type: ignore
                    elif kw.arg == "autouse":
                        info.autouse = isinstance(kw.value, ast.Constant) and kw.value.value is True
            elif call is not None and self._is_patch_dict(call, ENVIRON):
                info.env_undo = True
            elif call is not None and self._is_patch_dict(call, "dependency_overrides"):
                info.ovr_undo = True

    def _is_patch_dict(self, call: ast.Call, target: str) -> bool:
        """``patch.dict(os.environ)`` (or ``"os.environ"``), or ``patch.dict(x.dependency_overrides)``."""
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "dict"):
            return False
        name = self._callee(call.func)[0]
        if name != "unittest.mock.patch.dict":
            return False
        first = call.args[0] if call.args else next(
            (kw.value for kw in call.keywords if kw.arg == "in_dict"), None)
        if first is None:
            return False
        if target == ENVIRON:
            if isinstance(first, ast.Constant):
                return first.value == ENVIRON
            return self.resolve(first) == ENVIRON
        return isinstance(first, ast.Attribute) and first.attr == "dependency_overrides"

    def _callee(self, func: ast.expr) -> Tuple[Optional[str], bool]:
        """Resolved name of a callee; pytest-mock fixtures map onto ``unittest.mock``."""
        name = self.resolve(func)
        if name is None:
            return None, False
        root, _, rest = name.partition(".")
        if root in self.mockers and not self.model.imports.is_imported(root):
            return ("unittest.mock." + rest if rest else "unittest.mock"), True
        return name, False

    def assign(self, node: Union[ast.Assign, ast.AnnAssign]) -> None:
        value = node.value
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        self.mentions_xdist = False
        if value is not None:
            self.expr(value, 0)
        for target in targets:
            self._store_target(target, "set")
        if value is None:
            return
        model = self.model
        for target in targets:
            if isinstance(target, ast.Name):
                name = target.id
                if self.fn is None and self.cls is None:
                    model.module_values[name] = value
                    if self.mentions_xdist:
                        model.xdist_names.add(name)
                    if name == "pytestmark":
                        model.module_pytestmark = [value]
                elif self.fn is None and self.cls is not None and name == "pytestmark":
                    self.cls.pytestmark = [value]  # a rebinding replaces, as at module level
                if isinstance(value, ast.Constant) and type(value.value) in (str, int):
                    model.constant_values[(self.fn, name)] = value.value
                elif (self.fn, name) in model.constant_values:
                    del model.constant_values[(self.fn, name)]
                if isinstance(value, ast.Call):
                    if self.fn is not None:
                        self.fn.call_assigned.add(name)
                    model.call_assignments.append((Site(value, None, self, 0), name))
                    if self.fn is None and self.cls is not None:  # reached as self.name too
                        model.call_assignments.append((Site(value, None, self, 0), "self." + name))
            elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, ast.Call):
                # ``app, dep = make_app()``: every name is created by the call
                if self.fn is not None:
                    self.fn.call_assigned.update(
                        e.id for e in target.elts if isinstance(e, ast.Name))
            elif isinstance(target, ast.Attribute) and isinstance(value, ast.Call) \
                    and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
                model.call_assignments.append((Site(value, None, self, 0), "self." + target.attr))

    def augassign(self, node: ast.AugAssign) -> None:
        self.expr(node.value, 0)
        target = node.target
        if isinstance(target, ast.Name) and target.id == "pytestmark" and self.fn is None:
            if self.cls is None:
                self.model.module_pytestmark.append(node.value)
            else:
                self.cls.pytestmark.append(node.value)
        self._store_target(target, "aug")

    def delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._store_target(target, "del")

    def _store_target(self, target: ast.expr, kind: str) -> None:
        if isinstance(target, ast.Subscript):
            self.expr(target.slice, 0)
            container = target.value
            if isinstance(container, ast.Attribute) and container.attr == "dependency_overrides" \
                    or self.resolve(container) == ENVIRON:
                self.model.subscript_stores.append(
                    (Site(target, self.resolve(container), self, 0), target, kind))
            self.expr(container, 0)
        elif isinstance(target, (ast.Attribute, ast.Name)):
            if isinstance(target, ast.Attribute):
                self.expr(target.value, 0)
                if target.attr == "dependency_overrides":
                    self.model.attr_stores.append((Site(target, "dependency_overrides", self, 0), kind))
                    return
            # Rebinding a bare name (``environ = {}``) changes no process state; ``|=`` does.
            if (isinstance(target, ast.Attribute) or kind == "aug") \
                    and self.resolve(target) == ENVIRON:
                self.model.attr_stores.append((Site(target, ENVIRON, self, 0), kind))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._store_target(element, kind)
        elif isinstance(target, ast.Starred):
            self._store_target(target.value, kind)
        else:
            self.expr(target, 0)

    def with_(self, node: Union[ast.With, ast.AsyncWith]) -> None:
        frames = []
        for item in node.items:
            expr = item.context_expr
            if isinstance(expr, ast.Call):
                self.entered.add(id(expr))
                frames.append(self._with_frame(expr))
            self.expr(expr, 0)
            if item.optional_vars is not None:
                self._store_target(item.optional_vars, "set")
        saved = self.withs
        if frames:
            self.withs = saved + tuple(frames)
        self.stmts(node.body)
        self.withs = saved

    def _with_frame(self, call: ast.Call) -> WithFrame:
        environ = self._is_patch_dict(call, ENVIRON)
        overrides = self._is_patch_dict(call, "dependency_overrides")
        strings = set()
        for arg in (*call.args, *(kw.value for kw in call.keywords)):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                strings.add(arg.value)
            elif self.resolve(arg) == ENVIRON:
                environ = True
        return WithFrame(environ, overrides, frozenset(strings))

    def try_(self, node: ast.Try) -> None:
        self.stmts(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.expr(handler.type, 0)
            self.stmts(handler.body)
        self.stmts(node.orelse)
        saved = self.in_finally
        self.in_finally = True
        self.stmts(node.finalbody)
        self.in_finally = saved

    def expr_stmt(self, node: ast.Expr) -> None:
        self.expr(node.value, 0)

    # -- expressions (iterative: they can nest deeper than the recursion limit) -------------
    def expr(self, root: ast.expr, flags: int) -> None:
        stack = [(root, flags)]
        pop, push = stack.pop, stack.append
        call_names = self.call_names
        while stack:
            node, flags = pop()
            cls = type(node)
            if cls is ast.Call:
                func = node.func  # type: ignore[attr-defined]
                cls_of_func = type(func)
                if cls_of_func is ast.Attribute:
                    last = func.attr
                elif cls_of_func is ast.Name:
                    last = func.id
                else:
                    last = None
                arg_flags = flags
                fn = self.fn
                if fn is not None and not flags & IN_LAMBDA:
                    if last is not None and cls_of_func is ast.Name:
                        fn.helper_calls.add(last)
                    elif cls_of_func is ast.Attribute and type(func.value) is ast.Name \
                            and func.value.id == "self":  # type: ignore[attr-defined]
                        fn.helper_calls.add("self." + last)  # type: ignore[operator]
                if last in call_names:
                    self._record_call(node, last, flags)  # type: ignore[arg-type]
                    if last in CLEANUP_REGISTRARS:
                        arg_flags |= CLEANUP
                push((func, flags))
                for arg in node.args:  # type: ignore[attr-defined]
                    push((arg, arg_flags))
                for kw in node.keywords:  # type: ignore[attr-defined]
                    push((kw.value, arg_flags))
            elif cls is ast.Name or cls is ast.Constant:
                if cls is ast.Constant and type(node.value) is str \
                        and XDIST_WORKER_VAR in node.value:  # type: ignore[attr-defined]
                    self.mentions_xdist = True
            elif cls is ast.Lambda:
                args = node.args  # type: ignore[attr-defined]
                for default in (*args.defaults, *args.kw_defaults):
                    if default is not None:
                        push((default, flags))
                push((node.body, flags | IN_LAMBDA))  # type: ignore[attr-defined]
            elif cls is ast.Yield or cls is ast.YieldFrom:
                if self.fn is not None and not flags & IN_LAMBDA:
                    self.fn.has_yield = True
                    if any(frame.environ for frame in self.withs):
                        self.fn.env_guarded_yield = True
                if node.value is not None:  # type: ignore[attr-defined]
                    push((node.value, flags))  # type: ignore[attr-defined]
            else:
                for field in _child_fields(cls):
                    value = getattr(node, field, None)
                    if value is None:
                        continue
                    if type(value) is list:
                        for item in value:
                            if item is not None and not isinstance(item, (str, int)):
                                push((item, flags))
                    elif isinstance(value, ast.AST):
                        push((value, flags))

    def _record_call(self, node: ast.Call, last: str, flags: int) -> None:
        model = self.model
        name, via_mocker = self._callee(node.func)
        if name is not None and isinstance(node.func, ast.Name):
            last = name.rsplit(".", 1)[-1]  # file an aliased import under its real name
        site = Site(node, name, self, flags)
        site.via_mocker = via_mocker
        key = id(node)
        if key in self.started:
            site.started = True
        if key in self.entered:
            site.entered = True
        if last == "start" and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Call):
            self.started.add(id(node.func.value))
        elif last in CLEANUP_REGISTRARS:
            self._record_cleanup_refs(node, flags)
            if last.startswith("enter") and node.args and isinstance(node.args[0], ast.Call):
                self.entered.add(id(node.args[0]))
        elif last == "collect" and name == "gc.collect" and self.fn is not None:
            self.fn.calls_gc = True
        elif last in PER_TEST_TEARDOWNS and self.fn is not None and isinstance(node.func, ast.Attribute):
            receiver = node.func.value  # super().teardown_method() or Base.teardown_method(self)
            if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) \
                    and receiver.func.id == "super" or isinstance(receiver, ast.Name) \
                    and receiver.id not in ("self", "cls"):
                self.fn.super_calls.add(last)
        elif last == "dict" and via_mocker and self.fn is not None:
            if self._is_patch_dict(node, ENVIRON):
                self.fn.env_undo = True
            elif self._is_patch_dict(node, "dependency_overrides"):
                self.fn.ovr_undo = True
        model.calls.setdefault(last, []).append(site)

    def _record_cleanup_refs(self, node: ast.Call, flags: int) -> None:
        for arg in node.args:
            if self.fn is not None:
                if isinstance(arg, ast.Name):
                    self.fn.finalizer_names.add(arg.id)
                elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) \
                        and arg.value.id in ("self", "cls"):
                    self.fn.finalizer_names.add(arg.attr)  # self._restore
            if isinstance(arg, (ast.Attribute, ast.Name)):
                site = Site(arg, self._callee(arg)[0], self, flags | CLEANUP)
                self.model.cleanup_refs.append(site)

    _handlers = {
        ast.Import: import_,
        ast.ImportFrom: import_,
        ast.ClassDef: classdef,
        ast.FunctionDef: funcdef,
        ast.AsyncFunctionDef: funcdef,
        ast.Assign: assign,
        ast.AnnAssign: assign,
        ast.AugAssign: augassign,
        ast.Delete: delete,
        ast.With: with_,
        ast.AsyncWith: with_,
        ast.Try: try_,
        ast.Expr: expr_stmt,
    }
    if hasattr(ast, "TryStar"):  # Python 3.11+
        _handlers[ast.TryStar] = try_  # type: ignore[attr-defined]
