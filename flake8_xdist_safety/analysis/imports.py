"""What an import statement binds: local names and the canonical dotted names they mean."""
import ast
from typing import Dict, List, Optional, Tuple, Union

from flake8_xdist_safety.analysis.vocabulary import MOCK_MODULE, MOCK_STAR_NAMES

#: The ``mock`` backport on PyPI mirrors ``unittest.mock``; treat both as one.
_MODULE_SYNONYMS = {"mock": MOCK_MODULE}


def split_dotted(node: ast.expr) -> Optional[Tuple[str, List[str]]]:
    """``a.b.c`` -> ``("a", ["b", "c"])``; None for anything but a Name/Attribute chain."""
    parts: List[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return None
    parts.reverse()
    return node.id, parts


def canonical(dotted: str) -> str:
    """Fold module synonyms: ``mock.MagicMock`` -> ``unittest.mock.MagicMock``."""
    head, _, rest = dotted.partition(".")
    synonym = _MODULE_SYNONYMS.get(head)
    if synonym is None:
        return dotted
    return synonym + "." + rest if rest else synonym


def import_bindings(node: Union[ast.Import, ast.ImportFrom],
                    package: Optional[str]) -> List[Tuple[str, str]]:
    """(local name, canonical dotted target) for each name the statement binds.

    ``import a.b`` binds ``a``; a star-import of unittest.mock binds the names the rules
    read; other star-imports bind nothing we can name.
    """
    out: List[Tuple[str, str]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                out.append((alias.asname, canonical(alias.name)))
            else:
                top = alias.name.split(".", 1)[0]
                out.append((top, canonical(top)))
        return out
    module = absolute_module(node.module or "", node.level or 0, package)
    for alias in node.names:
        if alias.name == "*":
            if module == MOCK_MODULE:
                out.extend((name, module + "." + name) for name in MOCK_STAR_NAMES)
            continue
        prefix = module + "." if module and not module.endswith(".") else module
        out.append((alias.asname or alias.name, prefix + alias.name))
    return out


def absolute_module(module: str, level: int, package: Optional[str]) -> str:
    """``from .helpers import x`` in package ``tests`` -> ``tests.helpers``; unresolvable
    relative imports keep their dots (they then match no configured name)."""
    if not level:
        return canonical(module)
    if package is None:
        return "." * level + module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return "." * level + module
    parts = parts[:len(parts) - (level - 1)]
    if module:
        parts.append(module)
    return ".".join(parts)


def module_level_imports(tree: ast.Module, package: Optional[str] = None) -> Dict[str, str]:
    """local name -> canonical target for the imports of the module body (first binding)."""
    found: Dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, target in import_bindings(node, package):
                found.setdefault(local, target)
    return found
