"""MXS012's state: attributes of modules, classes and module-level objects, patched by
assignment (``settings.DEBUG = True``, ``Client.send = fake``).

Changed by ``X.a = v``, ``X.a += v``, ``del X.a``, ``setattr(X, "a", v)``, ``delattr(X, "a")``
where X (or the root of ``X.b.a``) is bound at module level: by an import, or by a class or
object of the test file itself. Not state of this kind: attributes of ``self``/``cls``, of
locals, parameters and fixture values, of classes defined inside the test, of mocks
(MXS005's), and the attributes another topic owns (``os.environ``, ``sys.path`` ...). A
module-level object of the file itself changed at import time is changed before any of its
tests (the only ones that see it), so only changes inside tests count for those.
Undone by the same attribute put back in a cleanup position, ``addCleanup(setattr, X,
"a", old)``, ``mock.patch("m.X.a")``/``patch.object(X, "a")``/``patch.multiple(X, a=...)``
around it, and ``monkeypatch.setattr``/``delattr`` of it made before. Keys are the
attribute's dotted name, resolved through the imports.
"""
import ast
from typing import Callable, List, Optional

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.topics.base import (
    NOTHING, Change, Topic, Undo, literal_key, monkeypatch_method, patch_target, xunit_setup,
)

_BUILTINS = ("setattr", "delattr")
_NOT_SHARED = frozenset({"self", "cls"})
#: objects that stand for the current request or app context: their attributes die with it
CONTEXT_LOCALS = frozenset({
    "flask.g", "flask.session", "flask.request", "flask.globals.g", "flask.globals.session",
    "flask.globals.request", "quart.g", "quart.session", "quart.request",
})


class ModuleAttrsTopic(Topic):
    code = "MXS012"
    calls = _BUILTINS

    def __init__(self, owned_elsewhere: Callable[[Site, ast.Attribute], bool]) -> None:
        #: does another topic report this attribute's changes (``os.environ``, a logger's)?
        self.owned_elsewhere = owned_elsewhere

    def changes(self, model: FileModel) -> List[Change]:
        out = []
        for site, kind in model.attr_stores:
            target = site.node
            if not isinstance(target, ast.Attribute) or not self._shared(site, target.value):
                continue
            key = _dotted(site, target.value, target.attr)
            if key is not None and not self.owned_elsewhere(site, target):
                out.append(_change(site, target.value, ast.Constant(target.attr), key, kind == "del"))
        for site in model.calls_named(*_BUILTINS):
            call: ast.Call = site.node  # type: ignore[assignment]
            if site.name not in _BUILTINS or site.scope.is_bound(site.name) or len(call.args) < 2:
                continue
            owner, attr = call.args[0], call.args[1]
            if not self._shared(site, owner):
                continue
            key = _dotted(site, owner, None, attr)
            name = attr.value if isinstance(attr, ast.Constant) and isinstance(attr.value, str) else ""
            as_node = ast.Attribute(value=owner, attr=name, ctx=ast.Load())
            if key is not None and not self.owned_elsewhere(site, as_node):
                out.append(_change(site, owner, attr, key, site.name == "delattr"))
        return out

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        args = ref.call.args
        if ref.site.name not in _BUILTINS or len(args) < 3:
            return None
        key = _dotted(ref.site, args[1], None, args[2])
        return _change(ref.site, args[1], args[2], key, False) if key is not None else None

    def context_undo(self, context: Context) -> Undo:
        target = patch_target(context)
        if target is not None:
            return Undo(frozenset({target}))
        if context.name == "unittest.mock.patch.multiple" and context.call.args:
            owner = context.scope.resolve(context.call.args[0])
            if owner is not None:
                return Undo(frozenset(f"{owner}.{kw.arg}" for kw in context.call.keywords if kw.arg))
        return NOTHING

    def savers(self, model: FileModel) -> List[Change]:
        out = []
        for site in model.calls_named(*_BUILTINS):
            if monkeypatch_method(site) is None:
                continue
            call: ast.Call = site.node  # type: ignore[assignment]
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):  # "pkg.mod.attr"
                out.append(Change(site, frozenset({first.value}), False, {}, self.code))
            elif first is not None and len(call.args) >= 2:
                key = _dotted(site, first, None, call.args[1])
                if key is not None:
                    out.append(Change(site, frozenset({key}), False, {}, self.code))
        return out

    def _shared(self, site: Site, owner: ast.expr) -> bool:
        """Is *owner* (the object whose attribute changes) shared beyond this test?"""
        root = owner
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name) or root.id in _NOT_SHARED:
            return False
        scope = site.scope
        if not scope.is_bound(root.id) or scope.bound_to_local_value(root.id):
            return False  # a local, a parameter (fixture value), a builtin, a star import
        dotted = scope.resolve(owner) or ""
        if any(dotted == name or dotted.startswith(name + ".") for name in CONTEXT_LOCALS):
            return False
        if scope.is_imported(root.id):
            return True
        owner_class = site.fn.owner_class() if site.fn is not None else site.cls
        if owner_class is not None and owner_class.name == root.id and owner_class.parent is None:
            return False  # ``Cls.x`` in Cls's own methods: as ``cls.x``
        if site.fn is None:
            return False  # this file's own object, changed before any of its tests
        value = scope.value(root.id, root)
        callee = scope.resolve(value.func) if isinstance(value, ast.Call) else None
        return not (callee or "").startswith("unittest.mock.")  # a shared mock is MXS005's


def _dotted(site: Site, owner: ast.expr, attr: Optional[str],
            attr_node: Optional[ast.expr] = None) -> Optional[str]:
    """``module.Class.attr`` (the owner resolved through the imports), or None."""
    resolved = site.scope.resolve(owner)
    if resolved is None:
        return None
    if attr is None:
        attr = literal_key(attr_node, site)
    return resolved + "." + attr


def _change(site: Site, owner: ast.expr, attr: ast.expr, key: str, deletes: bool) -> Change:
    spelled = shown(owner, limit=60)
    name = shown(attr, limit=60)
    if isinstance(attr, ast.Constant) and isinstance(attr.value, str):
        target = f"{spelled}.{attr.value}"
    else:
        target = f"attribute {name} of {spelled}"
    how = "deleted" if deletes else "patched by assignment"
    setup = xunit_setup(site)
    if setup is not None:  # no monkeypatch there: the matching teardown (or unittest's registrar)
        fields = {"target": target, "how": how, "setup": setup.hook, "teardown": setup.teardown}
        if setup.registrar is None:
            return Change(site, frozenset({key}), False, fields, "MXS012-setup")
        fields.update(receiver=setup.receiver, registrar=setup.registrar, owner=spelled, name=name)
        return Change(site, frozenset({key}), False, fields, "MXS012-unittest-setup")
    suggestion = (f"monkeypatch.delattr({spelled}, {name})" if deletes
                  else f"monkeypatch.setattr({spelled}, {name}, ...)")
    return Change(site, frozenset({key}), False, {"target": target, "how": how, "suggestion": suggestion},
                  "MXS012")
