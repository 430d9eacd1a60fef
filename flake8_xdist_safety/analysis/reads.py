"""Which names a function's code reads: ``CLIENT``, ``self.client``, ``Api.x``.

Asked only where a file stores a mock at import time (who can see it) or where a conftest
function changes state (is it called), so it is read on first use, not in the builder's walk
over every expression of every file.

A function's reads are the names in load context in its body, with the code nested in it
that runs as part of it or is defined by it: lambdas, class bodies, and the decorators and
defaults of nested defs (the body of a nested def is that def's own). Annotations are not
reads. Iterative: expressions can nest deeper than the recursion limit.
"""
import ast
from typing import Dict, List, Set

from flake8_xdist_safety.analysis.expressions import child_fields
from flake8_xdist_safety.analysis.model import FileModel, FunctionInfo

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_NOT_READ = frozenset({"annotation", "returns"})


def names_read(model: FileModel, fn: FunctionInfo) -> Set[str]:
    table: Dict[int, Set[str]] = model.memo("names_read")
    names = table.get(id(fn))
    if names is None:
        names = table[id(fn)] = _reads(fn.node.body)
    return names


def _reads(body: List[ast.stmt]) -> Set[str]:
    out: Set[str] = set()
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                out.add(node.id)  # type: ignore[attr-defined]
            continue
        if kind is ast.Attribute:
            value = node.value  # type: ignore[attr-defined]
            if type(value) is ast.Name and type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                out.add(value.id + "." + node.attr)  # type: ignore[attr-defined]
            stack.append(value)
            continue
        if kind in _DEFS:
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
    return out
