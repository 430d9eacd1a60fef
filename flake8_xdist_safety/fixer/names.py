"""Where a name is bound, and whether new code may use it to mean ``pytest``, ``gc`` or ``unittest.mock``.

The fixer writes code that uses names: ``@pytest.mark.xdist_group(...)`` on a class runs when the module is
imported, ``gc.collect()`` in a teardown runs when the test ends. A name is used only if every module-level
binding of it is an import of that same object (so nothing can rebind it to something else, in any branch,
before or after), one of those imports is an unconditional module-level statement (for code run at import
time: one above the place of use), and no enclosing class body or the function itself binds it. Otherwise
the fixer adds its own import at the top of the module, which is valid under the same conditions, or does
not fix. ``from x import *`` is assumed not to rebind the names the fixer uses (documented in docs/fix.md).
"""
import ast
from typing import Dict, Iterable, List, NamedTuple, Optional, Set, Tuple, Union

from flake8_xdist_safety.analysis.imports import split_dotted

AnyFunction = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class Binding(NamedTuple):
    line: int
    #: what an import binds the name to (``pytest``, ``gc.collect``); None for any other binding
    target: Optional[str]
    #: for ``import a.b.c``: ``a.b.c``, the module guaranteed loaded (the name is bound to ``a``)
    loads: Optional[str]
    #: a statement directly in the scope's body (not under if/try/for/with/while/match)
    unconditional: bool
    #: bound by a ``def`` or ``class`` statement of that name
    is_def: bool = False


class ScopeBindings:
    """Every binding of every name in one scope (a module, a class body or a function body)."""

    def __init__(self) -> None:
        self.by_name: Dict[str, List[Binding]] = {}
        #: names declared ``global`` in some function (only filled for the module)
        self.declared_global: Set[str] = set()

    def add(self, name: str, binding: Binding) -> None:
        self.by_name.setdefault(name, []).append(binding)

    def binds(self, name: str) -> bool:
        return name in self.by_name

    def first_other(self, name: str) -> Optional[Binding]:
        """A binding of ``name`` that is not an import (an assignment, def, loop target, ...)."""
        return next((b for b in self.by_name.get(name, ()) if b.target is None), None)

    def first_assignment(self, name: str) -> Optional[Binding]:
        """A binding of ``name`` that is neither an import nor a ``def``/``class`` statement."""
        return next((b for b in self.by_name.get(name, ()) if b.target is None and not b.is_def), None)

    def resolve(self, node: ast.expr) -> Optional[str]:
        """The dotted name of ``a.b.c`` with ``a`` resolved through this scope's imports, if ``a`` is bound
        only by imports of one object; None for anything else."""
        split = split_dotted(node)
        if split is None:
            return None
        name, parts = split
        targets = {b.target for b in self.by_name.get(name, ())}
        if len(targets) != 1 or None in targets:
            return None
        (target,) = targets
        return ".".join([str(target), *parts])


def module_bindings(tree: ast.Module) -> ScopeBindings:
    scope = ScopeBindings()
    _collect(tree.body, scope, True)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            scope.declared_global.update(node.names)
    return scope


def body_bindings(body: Iterable[ast.stmt]) -> ScopeBindings:
    """The bindings of a class body or of a function body (without its parameters)."""
    scope = ScopeBindings()
    _collect(list(body), scope, True)
    return scope


def function_locals(node: AnyFunction) -> Set[str]:
    """Names local to a function: its parameters and whatever its body binds (not declared global)."""
    args = node.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    names.update(body_bindings(node.body).by_name)
    declared = set()
    for child in own_nodes(node.body):
        if isinstance(child, (ast.Global, ast.Nonlocal)):
            declared.update(child.names)
    return names - declared


def references(node: AnyFunction, name: str) -> bool:
    """Does the function (nested code included) mention ``name`` at all?"""
    return any(isinstance(child, ast.Name) and child.id == name for child in ast.walk(node))


def own_nodes(body: List[ast.stmt]) -> Iterable[ast.AST]:
    """Every node of a body that belongs to its own scope (nested defs, classes and lambdas excluded,
    though their names and decorators are included). Iterative: expressions can nest thousands deep."""
    stack: List[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            children: List[ast.AST] = [*node.decorator_list, *args.defaults,
                                       *(d for d in args.kw_defaults if d is not None)]
            if node.returns is not None:
                children.append(node.returns)
        elif isinstance(node, ast.ClassDef):
            children = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Lambda):
            args = node.args
            children = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        else:
            children = list(ast.iter_child_nodes(node))
        stack.extend(reversed(children))


def _collect(body: List[ast.stmt], scope: ScopeBindings, unconditional: bool) -> None:
    for stmt in body:
        line = stmt.lineno
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    scope.add(alias.asname, Binding(line, alias.name, None, unconditional))
                else:
                    top = alias.name.split(".", 1)[0]
                    scope.add(top, Binding(line, top, alias.name, unconditional))
        elif isinstance(stmt, ast.ImportFrom):
            module = "." * (stmt.level or 0) + (stmt.module or "")
            for alias in stmt.names:
                if alias.name != "*":
                    target = module + ("." if module and not module.endswith(".") else "") + alias.name
                    scope.add(alias.asname or alias.name, Binding(line, target, None, unconditional))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope.add(stmt.name, Binding(line, None, None, unconditional, True))
        elif type(stmt).__name__ == "TypeAlias":  # Python 3.12+: ``type X = ...``
            alias_name: ast.AST = getattr(stmt, "name")
            _targets(alias_name, scope, line)
        for child in _statement_expressions(stmt):
            for node in own_nodes([child]) if isinstance(child, ast.stmt) else _expression_nodes(child):
                if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                    scope.add(node.target.id, Binding(line, None, None, False))
        for assigned in _statement_targets(stmt):
            _targets(assigned, scope, line)
        for handler in getattr(stmt, "handlers", ()):
            if handler.name:  # ``except E as name`` binds it, then deletes it
                scope.add(handler.name, Binding(handler.lineno, None, None, False))
            _collect(handler.body, scope, False)
        for case in getattr(stmt, "cases", ()):
            for node in ast.walk(case.pattern):
                for attr in ("name", "rest"):
                    captured = getattr(node, attr, None)
                    if isinstance(captured, str):
                        scope.add(captured, Binding(case.pattern.lineno, None, None, False))
            _collect(case.body, scope, False)
        if isinstance(stmt, _SCOPES):
            continue  # a def's or class's body is a scope of its own
        for field in ("body", "orelse", "finalbody"):
            nested = getattr(stmt, field, None)
            if isinstance(nested, list):
                _collect(nested, scope, False)


def _statement_targets(stmt: ast.stmt) -> List[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return list(stmt.targets)
    if isinstance(stmt, ast.AnnAssign):
        return [stmt.target] if stmt.value is not None else []
    if isinstance(stmt, (ast.AugAssign, ast.For, ast.AsyncFor)):
        return [stmt.target]
    if isinstance(stmt, ast.Delete):
        return list(stmt.targets)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.optional_vars for item in stmt.items if item.optional_vars is not None]
    return []


def _statement_expressions(stmt: ast.stmt) -> List[ast.AST]:
    """The expressions a statement evaluates in its own scope (where a walrus would bind)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt]  # decorators, defaults, bases: _own_nodes keeps out of the body
    out: List[ast.AST] = []
    for field, value in ast.iter_fields(stmt):
        if field in ("body", "orelse", "finalbody", "handlers", "cases"):
            continue
        values = value if isinstance(value, list) else [value]
        out.extend(v for v in values if isinstance(v, ast.AST))
    return out


def _expression_nodes(root: ast.AST) -> Iterable[ast.AST]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Lambda):
            continue  # a walrus in a lambda binds in the lambda
        stack.extend(ast.iter_child_nodes(node))


def _targets(target: ast.AST, scope: ScopeBindings, line: int) -> None:
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            scope.add(node.id, Binding(line, None, None, False))
        elif isinstance(node, (ast.Tuple, ast.List)):
            stack.extend(node.elts)
        elif isinstance(node, ast.Starred):
            stack.append(node.value)


# -- choosing a name for new code --------------------------------------------------------------------

class Use(NamedTuple):
    """Where new code will use a name."""

    line: int  # the line the new code goes on (for code run at import time)
    at_import: bool  # run while the module is imported (a decorator, pytestmark), not later
    #: class bodies the code sits in, innermost first (their bindings would shadow the module's)
    classes: List[ast.ClassDef]
    #: the function the code runs in, if any (a local of that name would shadow the module's)
    function: Optional[AnyFunction] = None


def guaranteed_spelling(module: ScopeBindings, wanted: str, use: Use,
                        shadowing: Dict[int, ScopeBindings]) -> Optional[Tuple[str, int]]:
    """An existing name (or dotted name) that is bound to ``wanted`` wherever ``use`` runs, and the line of
    the import from which that holds; None if there is none. ``shadowing`` caches the bindings of class
    bodies and function locals by node id."""
    best: Optional[Tuple[str, int]] = None
    for name, bindings in module.by_name.items():
        found = _spelling(name, bindings, wanted)
        if found is None or name in module.declared_global or _shadowed(name, use, shadowing):
            continue
        if use.at_import and found[1] >= use.line:
            continue
        if best is None or (len(found[0]), found) < (len(best[0]), best):
            best = found
    return best


def _spelling(name: str, bindings: List[Binding], wanted: str) -> Optional[Tuple[str, int]]:
    """How ``name`` spells ``wanted`` (``pt`` for ``pytest``, ``mark`` for ``pytest.mark``, ``unittest.mock``
    after ``import unittest.mock``) and the first line from which that is guaranteed, if every binding of
    it is the same import and one that guarantees it is unconditional."""
    targets = {b.target for b in bindings}
    if None in targets or len(targets) != 1:
        return None
    (target,) = targets
    assert target is not None
    if target == wanted:
        guaranteeing = [b.line for b in bindings if b.unconditional]
        spelled = name
    elif wanted.startswith(target + "."):
        guaranteeing = [b.line for b in bindings if b.unconditional and b.loads is not None
                        and (b.loads + ".").startswith(wanted + ".")]
        spelled = name + wanted[len(target):]
    else:
        return None
    return (spelled, min(guaranteeing)) if guaranteeing else None


def can_import(module: ScopeBindings, name: str, use: Use, shadowing: Dict[int, ScopeBindings]) -> bool:
    """May a new ``import name`` at the top of the module serve ``use``? (No other kind of binding of
    ``name`` anywhere at module level, no ``global name``, no shadowing binding where it is used.)"""
    return (module.first_other(name) is None and name not in module.declared_global
            and not _shadowed(name, use, shadowing))


def _shadowed(name: str, use: Use, shadowing: Dict[int, ScopeBindings]) -> bool:
    if use.function is not None:
        key = id(use.function)
        if key not in shadowing:
            locals_scope = ScopeBindings()
            for local in function_locals(use.function):
                locals_scope.add(local, Binding(use.function.lineno, None, None, False))
            shadowing[key] = locals_scope
        if shadowing[key].binds(name):
            return True
        # Class bodies are not visible from inside a method: only the module's names are.
        return False
    for cls in use.classes:
        key = id(cls)
        if key not in shadowing:
            shadowing[key] = body_bindings(cls.body)
        if shadowing[key].binds(name):
            return True
    return False
