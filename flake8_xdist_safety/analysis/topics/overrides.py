"""MXS007's state: FastAPI's ``app.dependency_overrides`` on an app that outlives the test.

Changed by item assignment, ``update``/``setdefault`` and ``|=``. Undone by ``clear()``,
``pop``/``popitem``, ``del overrides[k]``, rebinding to a dict (``= {}``, ``= saved``; not
``= None``, which breaks the app rather than cleaning it) in a cleanup position or passed to
a cleanup registrar, and by ``patch.dict(app.dependency_overrides)``. An app the test made
itself (``app = FastAPI()`` in the same function) dies with it. One app's overrides are one
state: any cleanup of them undoes every change.
"""
import ast
from typing import List, Optional, Tuple

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.reads import names_from_calls
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.topics.base import (
    EVERYTHING, NOTHING, Change, Topic, Undo, patch_dict_target,
)

OVERRIDES = "dependency_overrides"
_CHANGE_METHODS = ("update", "setdefault")
_CLEANUP_METHODS = ("clear", "pop", "popitem")


def overrides_owner(node: Optional[ast.expr]) -> Optional[ast.expr]:
    """``app`` for ``app.dependency_overrides``; None for anything else."""
    if isinstance(node, ast.Attribute) and node.attr == OVERRIDES:
        return node.value
    return None


class OverridesTopic(Topic):
    code = "MXS007"
    calls = (*_CHANGE_METHODS, *_CLEANUP_METHODS, OVERRIDES)
    #: every change statement is reported (an app's overrides are set key by key)
    repeats_are_restores = False

    def changes(self, model: FileModel) -> List[Change]:
        return [change for change, undoes in _sites(model) if not undoes]

    def restores(self, model: FileModel) -> List[Change]:
        return [change for change, undoes in _sites(model) if undoes]

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        node = ref.site.node
        if isinstance(node, ast.Attribute) and node.attr in _CLEANUP_METHODS:
            owner = overrides_owner(node.value)
            if owner is not None:
                return _change(ref.site, owner)
        return None

    def context_undo(self, context: Context) -> Undo:
        return EVERYTHING if overrides_owner(patch_dict_target(context)) is not None else NOTHING

    def exempt(self, model: FileModel, change: Change) -> bool:
        """``app = FastAPI()`` in the same function: the overrides die with the test."""
        owner = change.detail
        fn = change.site.fn
        return fn is not None and isinstance(owner, ast.Name) and owner.id in names_from_calls(model, fn)


def _sites(model: FileModel) -> List[Tuple[Change, bool]]:
    """Every change and cleanup of some app's overrides, with whether it cleans up."""
    out = []
    for site, target, kind in model.subscript_stores:
        owner = overrides_owner(target.value)
        if owner is not None:
            out.append((_change(site, owner), kind == "del"))
    for site, kind in model.attr_stores:
        owner = overrides_owner(site.node)  # type: ignore[arg-type]
        if owner is not None and (kind == "aug" or _cleans(site)):  # |= {...} changes
            out.append((_change(site, owner), kind != "aug"))
    for site in model.calls_named(*_CHANGE_METHODS, *_CLEANUP_METHODS):
        owner = _receiver_owner(site)
        if owner is not None:
            method = site.node.func.attr  # type: ignore[attr-defined]
            out.append((_change(site, owner), method in _CLEANUP_METHODS))
    return out


def _receiver_owner(site: Site) -> Optional[ast.expr]:
    func = site.node.func  # type: ignore[attr-defined]
    return overrides_owner(func.value) if isinstance(func, ast.Attribute) else None


def _cleans(site: Site) -> bool:
    """``overrides = {}`` / ``= dict()`` / ``= saved`` and ``del``; not ``= None``."""
    stmt = site.stmt
    if isinstance(stmt, ast.Delete):
        return True
    value = getattr(stmt, "value", None)
    return not (isinstance(value, ast.Constant) and value.value is None)


def _change(site: Site, owner: ast.expr) -> Change:
    return Change(site, frozenset(), True, {"target": shown(owner, limit=60) + "." + OVERRIDES},
                  "MXS007", owner)
