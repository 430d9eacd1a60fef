"""Facts about fixtures and teardown code that the MXS003 rewrite needs, read from the AST of the test file
and of the conftest.py files pytest loads for it.

``monkeypatch`` undoes its changes when its fixture is finalized. Whatever pytest or unittest runs after
that, for the same test, sees the environment the rewrite restored rather than the one the original left:
code after ``yield`` in fixtures, finalizers, ``teardown_method``/``tearDown`` hooks, ``addCleanup``
callbacks. This module finds that code and says whether it may observe the environment: only statements
that cannot run code the fixer does not see (``pass``, a docstring, ``return``, assigning or deleting a
name or attribute from a constant or a name, ``gc.collect()``, ``super().<hook>()`` on a class whose bases
are all in the file) are known not to.
"""
import ast
import io
import os
import tokenize
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from flake8_xdist_safety.analysis.conftest_chain import conftest_paths
from flake8_xdist_safety.fixer.names import module_bindings, own_nodes

#: Resolves ``a.b`` through a module's imports to a dotted name (None: not an import).
Resolve = Callable[[ast.expr], Optional[str]]

_FIXTURE_DECORATORS = ("pytest.fixture", "pytest_asyncio.fixture")
#: Calls that register code to run after the test (or after the class, for the class variants).
_REGISTRARS = frozenset({"addfinalizer", "addCleanup", "addClassCleanup", "addModuleCleanup",
                         "addAsyncCleanup", "enterContext", "enterClassContext", "enterAsyncContext",
                         "callback", "push", "enter_context"})
_PLAIN_VALUES = (ast.Constant, ast.Name)


class FixtureDef(NamedTuple):
    name: str  # the name tests request it by (``name=`` of the decorator, else the function's)
    node: ast.AST  # the function definition
    autouse: bool
    where: str  # "line N" in the test file, or a conftest path and line
    #: why code of it that runs after the test may observe the environment; None if it cannot
    teardown: Optional[str]
    #: the fixtures it requests itself (its parameters; ``self``/``request`` excluded)
    requests: Tuple[str, ...]


def fixture_definitions(body: Sequence[ast.stmt], resolve: Resolve, where: str) -> Dict[str, FixtureDef]:
    """The fixtures a module or class body defines, by the name they are requested by (last one wins, as
    for pytest)."""
    out: Dict[str, FixtureDef] = {}
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        decorator = next((d for d in node.decorator_list if _is_fixture_decorator(d, resolve)), None)
        if decorator is None:
            continue
        name, autouse = node.name, False
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                value = keyword.value
                if keyword.arg == "name" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    name = value.value
                elif keyword.arg == "autouse":
                    # Anything but a literal False may switch it on.
                    autouse = not (isinstance(value, ast.Constant) and value.value is False)
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
        requests = tuple(p for p in params if p not in ("self", "cls", "request"))
        out[name] = FixtureDef(name, node, autouse, f"{where}{node.lineno}", teardown_risk(node, where),
                               requests)
    return out


def _is_fixture_decorator(node: ast.expr, resolve: Resolve) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = resolve(target)
    return name in _FIXTURE_DECORATORS


def teardown_risk(node: ast.AST, where: str = "line ") -> Optional[str]:
    """Why the part of a fixture that runs after its test may observe the environment; None if it has no
    such part or it cannot. ``where`` + a line number names a line of the fixture's file."""
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    registrar = _registrar_call(node.body)
    if registrar is not None:
        return f"registers a finalizer with {registrar}()"
    own = list(own_nodes(node.body))
    yields = [n for n in own if isinstance(n, (ast.Yield, ast.YieldFrom))]
    if not yields:
        return None
    for index, statement in enumerate(node.body):
        if _is_yield_statement(statement):
            after = node.body[index + 1:]
            bad = next((s for s in after if not harmless(s, None)), None)
            return None if bad is None else f"runs code after its yield ({where}{bad.lineno})"
    return "yields inside a block (with, try, if, loop) whose rest runs after the test"


def _is_yield_statement(statement: ast.stmt) -> bool:
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    return isinstance(value, (ast.Yield, ast.YieldFrom))


def _registrar_call(body: List[ast.stmt]) -> Optional[str]:
    for child in own_nodes(body):
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) \
                and child.func.attr in _REGISTRARS:
            return child.func.attr
    return None


def registers_cleanup(body: List[ast.stmt]) -> Optional[str]:
    """The name of an ``addCleanup``-like call in a body (nested functions included), if any."""
    for child in ast.walk(ast.Module(body=list(body), type_ignores=[])):
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) \
                and child.func.attr in _REGISTRARS:
            return child.func.attr
    return None


def harmless(statement: ast.stmt, resolve: Optional[Resolve], super_ok: bool = False) -> bool:
    """A statement that cannot run code the fixer does not see, so cannot observe the environment."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, (ast.Import, ast.ImportFrom)):  # ``import gc`` in a teardown, as MXS002 asks
        module = statement.module if isinstance(statement, ast.ImportFrom) else None
        wanted = "collect" if module else "gc"
        return module in (None, "gc") and all(a.name == wanted for a in statement.names)
    if isinstance(statement, ast.Return):
        return statement.value is None or isinstance(statement.value, ast.Constant)
    if isinstance(statement, ast.Expr):
        value = statement.value
        if isinstance(value, ast.Constant):
            return True
        return isinstance(value, ast.Call) \
            and (_is_gc_collect(value, resolve) or super_ok and _is_super_call(value))
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return all(_plain_target(t) for t in targets) and isinstance(statement.value, _PLAIN_VALUES)
    if isinstance(statement, ast.Delete):
        return all(_plain_target(t) for t in statement.targets)
    return False


def _plain_target(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) or isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)


def _is_gc_collect(call: ast.Call, resolve: Optional[Resolve]) -> bool:
    """``gc.collect()``, through the module's imports or a function-level ``import gc``."""
    if call.args or call.keywords:
        return False
    name = resolve(call.func) if resolve is not None else None
    return name == "gc.collect" or name is None and ast.unparse(call.func) == "gc.collect"


def _is_super_call(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) \
        and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"


# -- the conftest chain ---------------------------------------------------------------------------------

#: pytest hooks that run during or after a test's teardown phase: a conftest implementing one runs code
#: between monkeypatch's restore and the end of the test's teardown
TEARDOWN_HOOKS = frozenset({
    "pytest_runtest_protocol", "pytest_runtest_teardown", "pytest_fixture_post_finalizer",
    "pytest_runtest_makereport", "pytest_runtest_logreport", "pytest_runtest_logfinish",
})


class ConftestFixtures(NamedTuple):
    path: str
    fixtures: Dict[str, FixtureDef]
    #: ``path:N`` of each teardown-phase hook it implements, by hook name
    hooks: Dict[str, str]


_CACHE: Dict[str, Tuple[Tuple[int, int], Optional[ConftestFixtures]]] = {}


def conftest_fixtures(filename: str) -> List[ConftestFixtures]:
    """The fixtures of every conftest.py pytest loads for ``filename``, nearest first (a conftest that
    cannot be read or parsed is left out: pytest could not load it either)."""
    own = os.path.abspath(filename)
    out = []
    for path in conftest_paths(os.path.dirname(own)):
        if path == own:
            continue
        summary = _read_conftest(path)
        if summary is not None:
            out.append(summary)
    return out


def _read_conftest(path: str) -> Optional[ConftestFixtures]:
    try:
        status = os.stat(path)
        stamp = (status.st_mtime_ns, status.st_size)
        cached = _CACHE.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with open(path, "rb") as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        tree = ast.parse(data.decode(encoding), path)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError, LookupError, RecursionError):
        return None
    bindings = module_bindings(tree)
    shown = _shown_path(path)
    # "path:N": a "line N" in a reason is a line of the file being fixed (the CLI maps those to the file
    # as written)
    hooks = {node.name: f"{shown}:{node.lineno}" for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in TEARDOWN_HOOKS}
    result = ConftestFixtures(path, fixture_definitions(tree.body, bindings.resolve, f"{shown}:"), hooks)
    _CACHE[path] = (stamp, result)
    return result


def _shown_path(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
