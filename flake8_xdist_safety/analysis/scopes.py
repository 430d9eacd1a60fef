"""Which name means what where: a small scope-aware binding table, as Python resolves names.

Scopes are module, class and function. A function's body sees its own bindings, those of
the functions it is nested in and the module's, but never a class body's; the builder
reads function bodies after the module body (as they run: later), so a module-level
import or constant written below a function is seen inside it. Bindings are imports
(their canonical dotted target), literal constants (``PORT = 8080``), the value last
assigned to a name (``logger = logging.getLogger()``) and everything else that binds a
name locally (parameters, defs, ``with ... as``), which hides outer bindings. A name bound
more than once in a scope is asked for at a position: a use in that scope sees the binding
that ends before it (``log = getLogger("a"); log.setLevel(...); log = getLogger("b")``), and
a use before them all the last one (a loop carries it round).

This is the one binding model of the analysis: the builder binds, everyone else asks.
"""
import ast
from typing import Dict, Iterable, List, Optional, Tuple, Union

from flake8_xdist_safety.analysis.imports import import_bindings, split_dotted

Constant = Union[str, int]
#: (line, column) where a binding ends, or a use starts.
Position = Tuple[int, int]
_START: Position = (0, 0)


def _end(node: Optional[ast.AST]) -> Position:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0) if node else _START


class Scope:
    __slots__ = ("kind", "parent", "bindings", "constants", "values", "package", "history")

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
        #: name bound more than once here -> each binding's statement (where it ends; None: from
        #: the start) and value, in order; made for the first such name
        self.history: Optional[Dict[str, List[Tuple[Optional[ast.AST], Optional[ast.expr]]]]] = None

    # -- binding ------------------------------------------------------------------------
    def bind_import(self, node: Union[ast.Import, ast.ImportFrom]) -> List[str]:
        """Bind the names an import statement binds; returns the local names."""
        pairs = import_bindings(node, self.package)
        for local, target in pairs:
            self.bindings[local] = target
            self.constants.pop(local, None)
            self.values.pop(local, None)
            if self.history is not None:
                self.history.pop(local, None)
        return [local for local, _ in pairs]

    def bind_local(self, name: str, value: Optional[ast.expr] = None, at: Optional[ast.AST] = None) -> None:
        """A non-import binding, made by the statement or target *at* (it takes effect where that
        ends); a str or int literal value is remembered as a constant."""
        if at is not None and self.bindings.get(name, _START) is None:  # bound here before, not by an import
            if self.history is None:
                self.history = {}
            history = self.history.get(name)
            if history is None:
                # The previous binding ends where its value does (``name = value``); one with no
                # value (a parameter, a loop variable) counts from the start.
                previous = self.values.get(name)
                self.history[name] = [(previous, previous), (at, value)]
            else:
                history.append((at, value))
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

    def constant(self, name: str, at: Optional[ast.AST] = None) -> Optional[Constant]:
        """The str or int literal *name* is bound to (at the use *at*, where it is rebound)."""
        scope = self._binding_scope(name)
        if scope is None:
            return None
        if scope is self and at is not None and self.history is not None and name in self.history:
            value = self._value_at(name, at)
            literal = value.value if type(value) is ast.Constant else None
            return literal if type(literal) is str or type(literal) is int else None
        return scope.constants.get(name)

    def value(self, name: str, at: Optional[ast.AST] = None) -> Optional[ast.expr]:
        """The expression assigned to *name* where it is bound, if it was assigned: the last
        one, or where *name* is rebound in this scope, the one in effect at the use *at*."""
        scope = self._binding_scope(name)
        if scope is None:
            return None
        if scope is self and at is not None and self.history is not None and name in self.history:
            return self._value_at(name, at)
        return scope.values.get(name)

    def _value_at(self, name: str, at: ast.AST) -> Optional[ast.expr]:
        where = (getattr(at, "lineno", 0), getattr(at, "col_offset", 0))
        assert self.history is not None
        history = self.history[name]
        found = history[-1][1]  # before every binding: a loop carries the last one round
        for statement, value in history:
            if _end(statement) > where:
                break
            found = value
        return found

    def bound_to_local_value(self, name: str) -> bool:
        """Bound in a function or class scope, and not by an import: the object is that
        scope's own (a local, a parameter), not a module every test shares."""
        scope = self._binding_scope(name)
        return scope is not None and scope.kind != "module" and scope.bindings[name] is None

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
