"""Which fixtures a test class (or a module-level test) can see in its own file."""
import ast
from typing import FrozenSet, List, Optional

from flake8_xdist_safety.analysis.model import UNREACHABLE, ClassInfo, FileModel, FunctionInfo
from flake8_xdist_safety.analysis.reads import helpers_called
from flake8_xdist_safety.analysis.vocabulary import statement_blocks

#: the calls this module reads
CALLS = ("collect",)

#: Scopes whose fixtures are set up and torn down around every test.
PER_TEST_SCOPES = ("function", None)  # None: a scope flake8 cannot read


def visible_fixtures(model: FileModel, cls: Optional[ClassInfo]) -> List[FunctionInfo]:
    """Fixtures defined in the visible classes and at module level."""
    classes = cls.applying_where("fixtures", _has_fixtures) if cls is not None else []
    fixtures = [fn for klass in classes for fn in klass.methods.values() if fn.is_fixture]
    return fixtures + [fn for fn in model.module_functions.values() if fn.is_fixture]


def _has_fixtures(cls: ClassInfo) -> bool:
    return any(fn.is_fixture for fn in cls.methods.values())


def autouse_per_test(fixtures: List[FunctionInfo]) -> List[FunctionInfo]:
    return [fn for fn in fixtures if fn.autouse and fn.fixture_scope in PER_TEST_SCOPES]


#: Decorators after which the hook is still a plain method call (builtins, resolved by name).
_PLAIN_DECORATORS = frozenset(
    {"staticmethod", "classmethod", "builtins.staticmethod", "builtins.classmethod"})


def why_teardown_never_runs(model: FileModel, fn: FunctionInfo, hook: str) -> Optional[str]:
    """Why *fn*'s body does not run when pytest or unittest call it as *hook*; None if it does.
    An ``async def`` teardown_method/tearDown (and a non-async asyncTearDown) is never awaited,
    a generator's body never runs, and another decorator may not call it at all."""
    node = fn.node
    is_async = isinstance(node, ast.AsyncFunctionDef)
    if hook == "asyncTearDown" and not is_async:
        return "asyncTearDown is not async def"
    if hook != "asyncTearDown" and is_async:
        return f"{hook} is async def and is called without being awaited"
    if fn.has_yield:
        return f"{hook} is a generator, so calling it does not run its body"
    # Resolved through the file's bindings: a module that rebinds ``staticmethod`` means another.
    if not all(model.imports.resolve(d) in _PLAIN_DECORATORS
               and not (isinstance(d, ast.Name) and model.imports.is_bound(d.id))
               for d in node.decorator_list):
        return f"{hook} is decorated; its decorators decide whether and how it runs"
    return None


def runs_as_plain_teardown(model: FileModel, fn: FunctionInfo, hook: str) -> bool:
    return why_teardown_never_runs(model, fn, hook) is None


def why_collect_never_runs(model: FileModel, fn: FunctionInfo, hook: str) -> Optional[str]:
    """Why the gc.collect() *fn* visibly calls (itself or through a helper, see
    :func:`collects_garbage`) does not run when *fn* is called as *hook*: the teardown is not
    run as a plain function, or every call stands after a return or raise. None if *fn* calls
    gc.collect() where it runs, or not at all."""
    stranded = [site for site in model.calls_named(*CALLS)
                if site.name == "gc.collect" and site.fn is fn and site.flags & UNREACHABLE]
    never = why_teardown_never_runs(model, fn, hook)
    if never is not None:
        return never if stranded or collects_garbage(model, fn) else None
    if not stranded or collects_garbage(model, fn):
        return None
    exit_ = _exit_before(fn.node.body, stranded[0].stmt)
    kind = "return" if isinstance(exit_, ast.Return) else "raise"
    return "it comes after " + (f"the {kind} on line {exit_.lineno}" if exit_ else "a return or raise")


def _exit_before(body: List[ast.stmt], stmt: ast.stmt) -> Optional[ast.stmt]:
    """The return or raise that makes *stmt* unreachable: the first one before it in its own
    block or in a block around it (the builder's rule: what follows one in a body never runs)."""
    for i, node in enumerate(body):
        if node is not stmt and not any(inner is stmt for inner in ast.walk(node)):
            continue
        exits = [n for n in body[:i] if isinstance(n, (ast.Return, ast.Raise))]
        exit_: Optional[ast.stmt] = exits[0] if exits else None
        if exit_ is not None or node is stmt:
            return exit_
        for block in statement_blocks(node):
            exit_ = _exit_before(block, stmt)
            if exit_ is not None:
                return exit_
        return None
    return None


def collects_garbage(model: FileModel, fn: FunctionInfo, depth: int = 3) -> bool:
    """Does *fn* call gc.collect(), itself or through a helper of this file it calls
    (``self._cleanup()`` on its class or a same-file base, or a module-level function)?"""
    if id(fn) in _gc_callers(model):
        return True
    if depth == 0:
        return False
    cls = fn.owner_class()
    for name in helpers_called(model, fn):
        if name.startswith("self."):
            method = name[5:]
            helpers = [k.methods[method] for k in (cls.ancestors() if cls else []) if method in k.methods]
        else:
            helpers = [model.module_functions[name]] if name in model.module_functions else []
        if any(helper is not fn and collects_garbage(model, helper, depth - 1) for helper in helpers):
            return True
    return False


def _gc_callers(model: FileModel) -> FrozenSet[int]:
    """The functions that call gc.collect() where it can run (not after a return/raise)."""
    callers = model.cache.get("gc_callers")
    if callers is None:
        callers = model.cache["gc_callers"] = frozenset(
            id(site.fn) for site in model.calls_named(*CALLS)
            if site.name == "gc.collect" and site.fn is not None and not site.flags & UNREACHABLE)
    return callers
