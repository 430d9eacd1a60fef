"""The builder's store half: assignment, augmented assignment and ``del`` statements, and
what each store target means for the model (the stores some reader names, call assignments,
bindings, ``pytestmark``). The builder provides the context attributes, as for expressions.
"""
import ast
from typing import Any, FrozenSet, Optional, Union

from flake8_xdist_safety.analysis.expressions import ExpressionWalker
from flake8_xdist_safety.analysis.model import ClassInfo


class StoreWalker(ExpressionWalker):
    """Statements that store (mixed into the builder)."""

    cls: Optional[ClassInfo]
    wanted: FrozenSet[str]

    def assign(self, node: Union[ast.Assign, ast.AnnAssign]) -> None:
        value = node.value
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        self.mentions_xdist = False
        if value is None:
            for target in targets:
                self._store_target(target, "set")
            return
        self.expr(value, 0)
        if len(targets) > 1 or type(targets[0]) is not ast.Name:  # ``x = v`` is bound just below
            for target in targets:
                self._store_target(target, "set")
        model, fn, cls = self.model, self.fn, self.cls
        is_call = type(value) is ast.Call
        filed = is_call and self.files(value)  # type: ignore[arg-type]
        for target in targets:
            kind = type(target)
            if kind is ast.Name:
                name = target.id  # type: ignore[attr-defined]
                if fn is None and cls is None:
                    if self.mentions_xdist:
                        model.xdist_names.add(name)
                    if name == "pytestmark":
                        model.module_pytestmark = [value]
                        model.mark_statements[id(value)] = node
                elif fn is None and cls is not None and name == "pytestmark":
                    cls.pytestmark = [value]  # a rebinding replaces, as at module level
                    model.mark_statements[id(value)] = node
                self.scope.bind_local(name, value, node)
                if filed:
                    model.call_assignments.append((self.site(value, None, 0), name))
                    if fn is None and cls is not None:  # reached as self.name too
                        model.call_assignments.append((self.site(value, None, 0), "self." + name))
            elif not is_call:
                continue
            elif filed and kind is ast.Attribute:
                owner: Any = target.value  # type: ignore[attr-defined]
                if type(owner) is ast.Name and owner.id in ("self", "cls"):
                    key = "self." + target.attr  # type: ignore[attr-defined]
                    model.call_assignments.append((self.site(value, None, 0), key))

    def augassign(self, node: ast.AugAssign) -> None:
        self.expr(node.value, 0)
        target = node.target
        if isinstance(target, ast.Name) and target.id == "pytestmark" and self.fn is None:
            if self.cls is None:
                self.model.module_pytestmark.append(node.value)
            else:
                self.cls.pytestmark.append(node.value)
            self.model.mark_statements[id(node.value)] = node
        self._store_target(target, "aug")

    def delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._store_target(target, "del")

    def _store_target(self, target: ast.expr, kind: str) -> None:
        if isinstance(target, ast.Subscript):
            self.expr(target.slice, 0)
            container = target.value
            # Only containers some reader names (``environ``, ``modules``, ``path`` ...): a test
            # writes to many local dicts, and each recorded site costs.
            last = container.attr if isinstance(container, ast.Attribute) else \
                container.id if isinstance(container, ast.Name) else None
            if last is not None and (last in self.wanted or self.scope.target(last) is not None):
                site = self.site(target, self.resolve(container), 0)
                self.model.subscript_stores.append((site, target, kind))
            self.expr(container, 0)
        elif isinstance(target, ast.Attribute):
            self.expr(target.value, 0)
            # Whose state it is the topics decide. An attribute of self/cls or of a function's
            # own local or parameter is that object's, unless some reader names the attribute
            # (``self.app.dependency_overrides = {}``, ``logger.propagate = False``).
            root = target.value
            while isinstance(root, ast.Attribute):
                root = root.value
            own = isinstance(root, ast.Name) and (
                root.id in ("self", "cls") or self.scope.bound_to_local_value(root.id))
            if not own or target.attr in self.wanted:
                self.model.attr_stores.append((self.site(target, self.resolve(target), 0), kind))
        elif isinstance(target, ast.Name):
            # Rebinding a bare name (``environ = {}``) changes no process state; ``|=`` on an
            # imported mapping does.
            if kind == "aug" and self.scope.is_imported(target.id):
                self.model.attr_stores.append((self.site(target, self.resolve(target), 0), kind))
            elif kind == "set":
                self.scope.bind_local(target.id, None, target)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._store_target(element, kind)
        elif isinstance(target, ast.Starred):
            self._store_target(target.value, kind)
        else:
            self.expr(target, 0)
