"""Which local names mean which imported objects: the file's import-alias table."""
import ast
from typing import Dict, Optional

from flake8_xdist_safety.analysis.vocabulary import MOCK_STAR_NAMES

#: The ``mock`` backport on PyPI mirrors ``unittest.mock``; treat both as one.
_MODULE_SYNONYMS = {"mock": "unittest.mock"}


def canonical(dotted: str) -> str:
    """Fold module synonyms: ``mock.MagicMock`` -> ``unittest.mock.MagicMock``."""
    head, _, rest = dotted.partition(".")
    synonym = _MODULE_SYNONYMS.get(head)
    if synonym is None:
        return dotted
    return synonym + "." + rest if rest else synonym


class ImportTable:
    """Maps local names bound by imports to canonical dotted names.

    Imports are recorded in source order while the file model is built, so a name
    resolves to what it was bound to by the imports seen so far (good enough for
    test modules, where imports come first; function-local imports are honoured
    from their line on).
    """

    __slots__ = ("aliases", "star_modules", "package")

    def __init__(self, package: Optional[str] = None) -> None:
        self.aliases: Dict[str, str] = {}
        self.star_modules: list = []
        #: dotted package of the file (from its path), for relative imports; None if unknown
        self.package = package

    def add(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = canonical(alias.name)
                else:
                    top = alias.name.split(".", 1)[0]
                    self.aliases[top] = canonical(top)
        elif isinstance(node, ast.ImportFrom):
            module = self._absolute(node.module or "", node.level or 0)
            for alias in node.names:
                if alias.name == "*":
                    self.star_modules.append(module)
                    if module == "unittest.mock":
                        for name in MOCK_STAR_NAMES:
                            self.aliases[name] = module + "." + name
                    continue
                prefix = module + "." if module and not module.endswith(".") else module
                self.aliases[alias.asname or alias.name] = prefix + alias.name

    def _absolute(self, module: str, level: int) -> str:
        """``from .helpers import x`` in tests/test_a.py -> ``tests.helpers``."""
        if not level:
            return canonical(module)
        if self.package is None:
            return "." * level + module
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            return "." * level + module
        parts = parts[:len(parts) - (level - 1)]
        if module:
            parts.append(module)
        return ".".join(parts)

    def is_imported(self, name: str) -> bool:
        return name in self.aliases

    def resolve(self, node: ast.expr) -> Optional[str]:
        """Dotted name of a Name/Attribute chain, its root resolved through imports.

        A root that no import bound stays as spelled (a local, a parameter, a builtin).
        Anything else (calls, subscripts) gives None.
        """
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        root = self.aliases.get(node.id, node.id)
        if not parts:
            return root
        parts.reverse()
        return root + "." + ".".join(parts)
