"""The issue's "guaranteed restore": when is a restoring site sure to run after a change?

A restore is guaranteed when it is in a ``finally:`` block, after a fixture's ``yield`` or
inside an ``addCleanup``/``addfinalizer``/``ExitStack.callback`` registration of the
changing function (or a function it is nested in); in a nested function registered as a
finalizer there; or in a teardown hook of the changing class (or a same-file base) or of
the module.
"""
from typing import List, Optional

from flake8_xdist_safety.model import (
    CLASS_TEARDOWN_HOOKS, GUARANTEED, MODULE_TEARDOWN_HOOKS, ClassInfo, FunctionInfo, Site,
)


def _chain(fn: Optional[FunctionInfo]) -> List[Optional[FunctionInfo]]:
    return fn.chain() if fn is not None else [None]


def _registered_by(fn: Optional[FunctionInfo]) -> Optional[FunctionInfo]:
    """The function that registered *fn* (or a function enclosing it) as a finalizer."""
    while fn is not None:
        parent = fn.parent
        if parent is not None and fn.name in parent.finalizer_names:
            return parent
        fn = parent
    return None


def _hook(fn: Optional[FunctionInfo]) -> Optional[FunctionInfo]:
    """The teardown hook *fn* is (or is nested in), if any."""
    if fn is None:
        return None
    top = fn.outermost()
    if top.hook in MODULE_TEARDOWN_HOOKS and top.module_level:
        return top
    if top.hook in CLASS_TEARDOWN_HOOKS and top.cls is not None:
        return top
    return None


def class_of(site: Site) -> Optional[ClassInfo]:
    """The class whose method (or body) the site is in."""
    if site.fn is not None:
        return site.fn.owner_class()
    return site.cls


def is_restoring(site: Site) -> bool:
    """Is the site itself in a guaranteed (cleanup) position?"""
    return bool(site.flags & GUARANTEED) or _registered_by(site.fn) is not None \
        or _hook(site.fn) is not None


def restores(change: Site, restore: Site) -> bool:
    """Is *restore* guaranteed to run after *change*?"""
    chain = _chain(change.fn)
    if restore.flags & GUARANTEED and restore.fn in chain:
        return True
    registrar = _registered_by(restore.fn)
    if registrar is not None and registrar in chain:
        return True
    hook = _hook(restore.fn)
    if hook is None:
        return False
    if hook.module_level:
        return True
    owner = class_of(change)
    return owner is not None and hook.cls in owner.ancestors()


def any_restores(change: Site, candidates: List[Site]) -> bool:
    return any(restores(change, r) for r in candidates)
