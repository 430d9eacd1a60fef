"""FastAPI ``dependency_overrides`` changes and cleanups: a view of the model."""
import ast
from typing import List, NamedTuple, Optional, Tuple

from flake8_xdist_safety.analysis.restores import Cleanup
from flake8_xdist_safety.analysis.model import FileModel, FunctionInfo, Site
from flake8_xdist_safety.analysis.vocabulary import indexed_calls

OVERRIDES = "dependency_overrides"
_CHANGE_METHODS = indexed_calls("update", "setdefault")
_CLEANUP_METHODS = indexed_calls("clear", "pop", "popitem")


class OverrideSites(NamedTuple):
    changes: List[Tuple[Site, ast.expr]]  # (site, the object whose overrides change)
    cleanups: List[Site]


def overrides_owner(node: ast.expr) -> Optional[ast.expr]:
    """``app`` for ``app.dependency_overrides``; None for anything else."""
    if isinstance(node, ast.Attribute) and node.attr == OVERRIDES:
        return node.value
    return None


def override_sites(model: FileModel) -> OverrideSites:
    changes: List[Tuple[Site, ast.expr]] = []
    cleanups: List[Site] = []
    for site, target, kind in model.subscript_stores:
        owner = overrides_owner(target.value)
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
        owner = overrides_owner(func.value) if isinstance(func, ast.Attribute) else None
        if owner is None:
            continue
        if func.attr in _CHANGE_METHODS:
            changes.append((site, owner))
        else:
            cleanups.append(site)
    for site in model.cleanup_refs:
        node = site.node
        if isinstance(node, ast.Attribute) and node.attr in _CLEANUP_METHODS \
                and overrides_owner(node.value) is not None:
            cleanups.append(site)
    return OverrideSites(changes, cleanups)


def clears_overrides(model: FileModel, fixture: FunctionInfo) -> bool:
    """Does a fixture clean dependency_overrides up after its test (after ``yield``, in a
    ``finally`` around it, or in a registered finalizer)?"""
    return Cleanup(model).after_its_test(fixture, override_sites(model).cleanups)
