"""Which name means what where: a small scope-aware binding table, as Python resolves names.

Scopes are module, class and function. A function's body sees its own bindings, those of
the functions it is nested in and the module's, but never a class body's; the builder
reads function bodies after the module body (as they run: later), so a module-level
import or constant written below a function is seen inside it. Bindings are imports
(their canonical dotted target), literal constants (``PORT = 8080``), the value last
assigned to a name (``logger = logging.getLogger()``) and everything else that binds a
name locally (parameters, defs, ``with ... as``), which hides outer bindings.

This is the one binding model of the analysis: the builder binds, everyone else asks.
"""
import ast
from typing import Dict, Iterable, List, Optional, Union

from flake8_xdist_safety.analysis.imports import import_bindings, split_dotted

Constant = Union[str, int]


class Scope:
    __slots__ = ("kind", "parent", "bindings", "constants", "values", "package")

    def __init__(self, kind: str, parent: Optional["Scope"], package: Optional[str] = None,
                 parameters: Iterable[str] = ()) -> None:
        self.kind = kind  # "module", "class" or "function"
        self.parent = parent
        #: name -> the canonical dotted name it was imported as, or None: bound here otherwise
        #: (a function's parameters first)
        self.bindings: Dict[str, Optional[str]] = dict.fromkeys(parameters)
        self.constants: Dict[str, Constant] = {}
        #: name -> the expression last assigned to it here (``X = value``)
        self.values: Dict[str, ast.expr] = {}
        #: dotted package of the file, for relative imports (None: cannot be told)
        self.package: Optional[str] = package if parent is None else parent.package

    # -- binding ------------------------------------------------------------------------
    def bind_import(self, node: Union[ast.Import, ast.ImportFrom]) -> List[str]:
        """Bind the names an import statement binds; returns the local names."""
        pairs = import_bindings(node, self.package)
        for local, target in pairs:
            self.bindings[local] = target
            self.constants.pop(local, None)
            self.values.pop(local, None)
        return [local for local, _ in pairs]

    def bind_local(self, name: str, value: Optional[ast.expr] = None) -> None:
        """A non-import binding; a str or int literal value is remembered as a constant."""
        self.bindings[name] = None
        if value is None:
            if name in self.values:
                del self.values[name]
        else:
            self.values[name] = value
        literal = value.value if type(value) is ast.Constant else None
        if type(literal) is str or type(literal) is int:
            self.constants[name] = literal
        elif name in self.constants:
            del self.constants[name]

    # -- lookup -------------------------------------------------------------------------
    def _binding_scope(self, name: str) -> Optional["Scope"]:
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            if (first or scope.kind != "class") and name in scope.bindings:
                return scope
            first = False
            scope = scope.parent
        return None

    def target(self, name: str) -> Optional[str]:
        """The dotted name *name* was imported as, or None (not an import here)."""
        scope = self._binding_scope(name)
        return scope.bindings[name] if scope is not None else None

    def is_imported(self, name: str) -> bool:
        return self.target(name) is not None

    def is_bound(self, name: str) -> bool:
        return self._binding_scope(name) is not None

    def constant(self, name: str) -> Optional[Constant]:
        scope = self._binding_scope(name)
        return scope.constants.get(name) if scope is not None else None

    def value(self, name: str) -> Optional[ast.expr]:
        """The expression last assigned to *name* where it is bound, if it was assigned."""
        scope = self._binding_scope(name)
        return scope.values.get(name) if scope is not None else None

    def binding_kind(self, name: str) -> Optional[str]:
        """The kind of scope that binds *name* ("module", "class", "function"), or None."""
        scope = self._binding_scope(name)
        return scope.kind if scope is not None else None

    def resolve(self, node: ast.expr) -> Optional[str]:
        """Dotted name of a Name/Attribute chain with its root resolved through imports.

        A root no import bound stays as spelled (a local, a parameter, a builtin);
        anything else (calls, subscripts) gives None.
        """
        split = split_dotted(node)
        if split is None:
            return None
        name, parts = split
        return ".".join([self.target(name) or name, *parts])
