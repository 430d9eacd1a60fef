"""MXS007: FastAPI dependency_overrides changed without a guaranteed cleanup."""
import ast
from typing import Iterator, List, Optional, Tuple

from flake8_xdist_safety.cleanup import Cleanup
from flake8_xdist_safety.codes import message
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.model import FileModel, FunctionInfo, Site

Finding = Tuple[int, int, str]
OVERRIDES = "dependency_overrides"
_CHANGE_METHODS = ("update", "setdefault")
_CLEANUP_METHODS = ("clear", "pop", "popitem")


def _overrides_owner(node: ast.expr) -> Optional[ast.expr]:
    """``app`` for ``app.dependency_overrides``; None for anything else."""
    if isinstance(node, ast.Attribute) and node.attr == OVERRIDES:
        return node.value
    return None


def _label(owner: ast.expr) -> str:
    try:
        return ast.unparse(owner) + "." + OVERRIDES
    except Exception:  # pragma: no cover
        return OVERRIDES


def check_overrides(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS007."""
    changes: List[Tuple[Site, ast.expr]] = []
    cleanups: List[Site] = []
    for site, target, kind in model.subscript_stores:
        owner = _overrides_owner(target.value)
        if owner is None:
            continue
        if kind == "del":
            cleanups.append(site)
        else:
            changes.append((site, owner))
    for site, kind in model.attr_stores:
        if site.name == OVERRIDES:
            if kind == "aug":  # app.dependency_overrides |= {...}
                changes.append((site, site.node.value))  # type: ignore[attr-defined]
            else:  # re-assignment or del
                cleanups.append(site)
    for site in model.calls_named(*_CHANGE_METHODS, *_CLEANUP_METHODS):
        func = site.node.func  # type: ignore[attr-defined]
        owner = _overrides_owner(func.value) if isinstance(func, ast.Attribute) else None
        if owner is None:
            continue
        if func.attr in _CHANGE_METHODS:
            changes.append((site, owner))
        else:
            cleanups.append(site)
    for site in model.cleanup_refs:
        node = site.node
        if isinstance(node, ast.Attribute) and node.attr in _CLEANUP_METHODS \
                and _overrides_owner(node.value) is not None:
            cleanups.append(site)
    if not changes:
        return
    cleanup = Cleanup(model)
    restoring = [s for s in cleanups if cleanup.is_restoring(s)]
    reported = set()  # statements: one report each
    for site, owner in sorted(changes, key=lambda c: (c[0].line, c[0].col)):
        if cleanup.is_restoring(site) or id(site.stmt) in reported:
            continue  # putting back a saved override is the cleanup itself
        if site.fn is not None:
            if _local_object(owner, site.fn) or _undone(site) or cleanup.any_restores(site, restoring):
                continue
        reported.add(id(site.stmt))
        yield site.stmt.lineno, site.stmt.col_offset, message("MXS007", target=_label(owner))


def _local_object(owner: ast.expr, fn: FunctionInfo) -> bool:
    """``app = FastAPI()`` in the same function: the overrides die with the test."""
    return isinstance(owner, ast.Name) and owner.id in fn.call_assigned


def _undone(site: Site) -> bool:
    if any(frame.overrides for frame in site.withs):
        return True
    fn: Optional[FunctionInfo] = site.fn
    while fn is not None:
        if fn.ovr_undo:
            return True
        fn = fn.parent
    return False
