"""Show a node of the user's code in a message: bounded in length, never raising."""
import ast
from typing import Optional

#: Larger expressions are not unparsed: ast.unparse recurses and a parsable file can nest
#: deeper than the recursion limit (a key of a few hundred ``+`` terms).
_MAX_NODES = 64


def shown(node: Optional[ast.AST], limit: int = 40) -> str:
    """A string literal as its repr, anything else as its source text, cut to *limit*."""
    if node is None:
        return "..."
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = repr(node.value)
        limit = max(limit, 80)  # a key or path is the point of the message: show more of it
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
