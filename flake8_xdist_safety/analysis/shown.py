"""Show a node of the user's code in a message: bounded in length, never raising."""
import ast
from typing import Optional

from flake8_xdist_safety.findings import bounded_text

#: Larger expressions are not unparsed: ast.unparse recurses and a parsable file can nest
#: deeper than the recursion limit (a key of a few hundred ``+`` terms).
_MAX_NODES = 64


def shown(node: Optional[ast.AST], limit: int = 40) -> str:
    """A string literal as its repr, anything else as its source text, cut to *limit*."""
    if node is None:
        return "..."
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = repr(node.value[:max(limit, 80)])  # cut first: a megabyte literal is not repr'd whole
        limit = max(limit, 80)  # a key or path is the point of the message: show more of it
    elif isinstance(node, ast.Constant) and isinstance(node.value, int):
        return bounded_text(node.value, limit)  # unparse would str() it: past 4,300 digits it raises
    elif _small(node):
        try:
            text = ast.unparse(node)
        except Exception:  # a node no unparser version knows: show something, never fail
            return "..."
    else:
        return "..."
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _small(node: ast.AST) -> bool:
    count = 0
    stack = [node]
    while stack:
        count += 1
        if count > _MAX_NODES:
            return False
        stack.extend(ast.iter_child_nodes(stack.pop()))
    return True


def shown_value(value: object, limit: int = 80) -> str:
    """A value taken from the user's code (a constant's ``.value``) as bounded text, never
    raising: use it wherever a rule would write ``str(value)`` or an f-string of it."""
    return bounded_text(value, limit)
