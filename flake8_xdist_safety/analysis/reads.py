"""What a function's code reads and which helpers it calls by name.

Reads (``CLIENT``, ``self.client``, ``Api.x``) are asked only where a file stores a mock at
import time (who can see it) or a conftest function changes state (is it called); helper calls
(``self._cleanup()`` -> ``self._cleanup``, ``reset()`` -> ``reset``) only of teardowns and
fixtures, to follow a ``gc.collect()`` into the helpers they call. So both are read on first
use, not in the builder's walk over every expression of every file.

A function's code is its body with what is nested in it that runs as part of it or is
defined by it: lambdas, class bodies, and the decorators and defaults of nested defs (the body
of a nested def is that def's own). Reads are names in load context; annotations are not
reads. A lambda's body calls nothing when the function runs. Iterative: expressions can nest
deeper than the recursion limit.
"""
import ast
from typing import Dict, List, Set, Tuple

from flake8_xdist_safety.analysis.expressions import child_fields
from flake8_xdist_safety.analysis.model import FileModel, FunctionInfo
from flake8_xdist_safety.analysis.vocabulary import statement_blocks

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_NOT_READ = frozenset({"annotation", "returns"})


def names_read(model: FileModel, fn: FunctionInfo) -> Set[str]:
    return _code_of(model, fn)[0]


def helpers_called(model: FileModel, fn: FunctionInfo) -> Set[str]:
    return _code_of(model, fn)[1]


def names_from_calls(model: FileModel, fn: FunctionInfo) -> Set[str]:
    """Local names the function's code assigns from a call (``app = make_app()``, ``app, dep =
    make()``): an object it made, not a shared one. Asked only of a function that changes
    dependency overrides."""
    table: Dict[int, Set[str]] = model.memo("names_from_calls")
    names = table.get(id(fn))
    if names is None:
        names = table[id(fn)] = set()
        statements: List[ast.AST] = list(fn.node.body)
        while statements:
            node = statements.pop()
            if type(node) in _DEFS:
                continue  # its own
            value = getattr(node, "value", None)
            if type(node) in (ast.Assign, ast.AnnAssign) and type(value) is ast.Call:
                targets = node.targets if type(node) is ast.Assign else [node.target]  # type: ignore
                for target in targets:
                    elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                    names.update(e.id for e in elements if type(e) is ast.Name)
            for block in statement_blocks(node):
                statements.extend(block)
    return names


def _code_of(model: FileModel, fn: FunctionInfo) -> Tuple[Set[str], Set[str]]:
    table: Dict[int, Tuple[Set[str], Set[str]]] = model.memo("reads")
    found = table.get(id(fn))
    if found is None:
        found = table[id(fn)] = _walk(fn.node.body)
    return found


def _walk(body: List[ast.stmt]) -> Tuple[Set[str], Set[str]]:
    reads: Set[str] = set()
    helpers: Set[str] = set()
    calls = helpers
    stack: List[ast.AST] = list(body)
    lambda_bodies: List[ast.AST] = []  # walked last: a lambda's calls are not the function's
    while stack or lambda_bodies:
        if not stack:
            stack.append(lambda_bodies.pop())
            calls = set()
        node = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                reads.add(node.id)  # type: ignore[attr-defined]
            continue
        if kind is ast.Attribute:
            value = node.value  # type: ignore[attr-defined]
            if type(value) is ast.Name and type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                reads.add(value.id + "." + node.attr)  # type: ignore[attr-defined]
            stack.append(value)
            continue
        if kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if type(func) is ast.Name:
                calls.add(func.id)
            elif type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id == "self":
                calls.add("self." + func.attr)
        elif kind is ast.Lambda:
            args = node.args  # type: ignore[attr-defined]
            stack.extend(d for d in (*args.defaults, *args.kw_defaults) if d is not None)
            lambda_bodies.append(node.body)  # type: ignore[attr-defined]
            continue
        elif kind in _DEFS:
            args = node.args  # type: ignore[attr-defined]
            stack.extend(node.decorator_list)  # type: ignore[attr-defined]
            stack.extend(d for d in (*args.defaults, *args.kw_defaults) if d is not None)
            continue
        for field in child_fields(kind):
            if field in _NOT_READ:
                continue
            value = getattr(node, field, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return reads, helpers
