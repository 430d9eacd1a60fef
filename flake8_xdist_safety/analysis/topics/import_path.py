"""MXS015's state: where imports are looked for, ``sys.path``, ``sys.meta_path`` and
``sys.path_hooks``.

Changed by ``insert``/``append``/``extend``/``remove``/``pop``/``clear``, ``+=``, item
assignment/deletion and rebinding. A directory left on the path makes every later
``import`` in the worker able to find (and prefer) the modules in it. Undone by the same
list put back in a cleanup position (``sys.path[:] = saved``, ``sys.path.remove(p)``),
``addCleanup(sys.path.remove, p)``, ``mock.patch.object(sys, "path", ...)``/
``mock.patch("sys.path", ...)`` around it, and ``monkeypatch.syspath_prepend``/
``monkeypatch.setattr(sys, "path", ...)`` made before. Keys are the three lists.

Not reported at import time of a test module: it runs at collection, in every worker
before any test, and is usually what makes the file's own imports work.
"""
import ast
from typing import List, Optional

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.topics.base import (
    NOTHING, Change, Topic, Undo, monkeypatch_method, patch_target,
)

LISTS = ("sys.path", "sys.meta_path", "sys.path_hooks")
_METHODS = ("insert", "append", "extend", "remove", "pop", "clear")


class ImportPathTopic(Topic):
    code = "MXS015"
    calls = (*_METHODS, "syspath_prepend", "setattr", "path", "meta_path", "path_hooks")
    import_time = False

    def changes(self, model: FileModel) -> List[Change]:
        out = []
        for site, target, _kind in model.subscript_stores:
            if site.name in LISTS:
                out.append(_change(site, site.name, f"{site.name}[{shown(target.slice)}]"))
        for site, kind in model.attr_stores:
            if site.name in LISTS:
                out.append(_change(site, site.name, site.name + (" += ..." if kind == "aug" else " = ...")))
        for site in model.calls_named(*_METHODS):
            owner, _, method = (site.name or "").rpartition(".")
            if owner in LISTS and method in _METHODS:
                out.append(_change(site, owner, shown(site.node, limit=60)))
        return out

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        owner = (ref.site.name or "").rpartition(".")[0]
        return _change(ref.site, owner, owner) if owner in LISTS else None

    def context_undo(self, context: Context) -> Undo:
        target = patch_target(context)
        return Undo(frozenset({target})) if target in LISTS else NOTHING

    def savers(self, model: FileModel) -> List[Change]:
        out = []
        for site in model.calls_named("syspath_prepend", "setattr"):
            method = monkeypatch_method(site)
            call: ast.Call = site.node  # type: ignore[assignment]
            if method == "syspath_prepend":
                out.append(Change(site, frozenset({"sys.path"}), False, {}, self.code))
            elif method == "setattr" and len(call.args) >= 2 and site.scope.resolve(call.args[0]) == "sys":
                name = call.args[1]
                literal = isinstance(name, ast.Constant) and isinstance(name.value, str)
                target = f"sys.{name.value}" if literal else ""  # type: ignore[attr-defined]
                if target in LISTS:
                    out.append(Change(site, frozenset({target}), False, {}, self.code))
        return out


def _change(site: Site, owner: str, target: str) -> Change:
    return Change(site, frozenset({owner}), False, {"target": target}, "MXS015")
