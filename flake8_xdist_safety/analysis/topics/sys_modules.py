"""MXS013's state: the module cache, ``sys.modules`` (and what ``importlib.reload`` replaces).

Changed by item assignment/deletion, ``pop``/``update``/``setdefault``/``clear``/``popitem``
and ``importlib.reload(module)`` (it re-runs the module in place: every later test gets new
class and function objects, and module state reset to import time). A fake module left in
``sys.modules`` is what every later ``import`` of that name returns; a removed one is
imported afresh, so two copies of its classes exist in the worker. Undone by the same put
back in a cleanup position (a reload by another reload), ``addCleanup(sys.modules.pop,
name)``, ``patch.dict(sys.modules)`` around it, and ``monkeypatch.setitem``/``delitem`` of
``sys.modules`` made before. Keys are module names.
"""
import ast
from typing import List, Optional

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.topics.base import (
    EVERYTHING, NOTHING, Change, Topic, Undo, keys_of, monkeypatch_method, names_mapping,
    patch_dict_target,
)

MODULES = "sys.modules"
_METHODS = ("pop", "update", "setdefault", "clear", "popitem")
_RELOADS = ("importlib.reload", "imp.reload")
_SAVERS = ("setitem", "delitem")


class SysModulesTopic(Topic):
    code = "MXS013"
    calls = (*_METHODS, "reload", *_SAVERS, "modules")

    def changes(self, model: FileModel) -> List[Change]:
        out = []
        for site, target, _kind in model.subscript_stores:
            if site.name == MODULES:
                out.append(_change(site, [target.slice], f"sys.modules[{shown(target.slice)}]"))
        for site in model.calls_named(*_METHODS):
            if site.name is not None and site.name.startswith(MODULES + "."):
                method = site.name[len(MODULES) + 1:]
                call: ast.Call = site.node  # type: ignore[assignment]
                keyed = method in ("pop", "setdefault") and call.args
                first = call.args[:1] if keyed else []
                listed = shown(call.args[0]) if keyed else ("..." if call.args or call.keywords else "")
                out.append(_change(site, first, f"sys.modules.{method}({listed})"))
        for site in model.calls_named("reload"):
            call = site.node  # type: ignore[assignment]
            if site.name in _RELOADS and call.args:
                module = site.scope.resolve(call.args[0]) or shown(call.args[0])
                out.append(Change(site, frozenset({module}), False,
                                  {"target": f"{site.name}({shown(call.args[0])})"}, "MXS013-reload"))
        return out

    def restores(self, model: FileModel) -> List[Change]:
        # ``sys.modules = saved``: a rebinding puts back whatever was saved.
        return [_change(site, [], MODULES) for site, kind in model.attr_stores
                if site.name == MODULES and kind != "aug"]

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        name = ref.site.name or ""
        if name in _RELOADS and len(ref.call.args) >= 2:
            module = ref.site.scope.resolve(ref.call.args[1]) or shown(ref.call.args[1])
            return Change(ref.site, frozenset({module}), False, {}, self.code)
        if not name.startswith(MODULES + "."):
            return None
        keys = ref.call.args[1:2] if name.endswith((".pop", ".__delitem__")) else []
        return _change(ref.site, keys, name)

    def context_undo(self, context: Context) -> Undo:
        return EVERYTHING if names_mapping(patch_dict_target(context), context, MODULES) else NOTHING

    def savers(self, model: FileModel) -> List[Change]:
        out = []
        for site in model.calls_named(*_SAVERS):
            call: ast.Call = site.node  # type: ignore[assignment]
            if monkeypatch_method(site) and len(call.args) >= 2 \
                    and site.scope.resolve(call.args[0]) == MODULES:
                out.append(_change(site, call.args[1:2], "monkeypatch"))
        return out


def _change(site: Site, key_nodes: List[ast.expr], target: str) -> Change:
    return Change(site, keys_of(key_nodes, site), not key_nodes, {"target": target}, "MXS013")
