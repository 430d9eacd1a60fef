"""MXS007: FastAPI dependency_overrides changed without a guaranteed cleanup."""
import ast
from typing import Iterator

from flake8_xdist_safety.analysis.restores import Cleanup
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.model import FileModel, FunctionInfo, Site
from flake8_xdist_safety.analysis.undoing_fixtures import FixturesThatUndo
from flake8_xdist_safety.analysis.override_changes import OVERRIDES, clears_overrides, override_sites


def _label(owner: ast.expr) -> str:
    return shown(owner, limit=60) + "." + OVERRIDES


def check_overrides(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS007."""
    changes, cleanups = override_sites(model)
    if not changes:
        return
    cleanup = Cleanup(model)
    restoring = [s for s in cleanups if cleanup.is_restoring(s)]
    fixtures = FixturesThatUndo(model, config, clears_overrides,
                                lambda summary: summary.override_cleaners,
                                lambda summary: summary.overrides_autouse)
    reported = set()  # statements: one report each
    for site, owner in sorted(changes, key=lambda c: (c[0].line, c[0].col)):
        if cleanup.is_restoring(site) or id(site.stmt) in reported:
            continue  # putting back a saved override is the cleanup itself
        if site.fn is not None:
            if _local_object(owner, site.fn) or _undone(site) \
                    or cleanup.any_restores(site, restoring) or fixtures.covers(site):
                continue
        reported.add(id(site.stmt))
        yield finding("MXS007", site.stmt, site, target=_label(owner))


def _local_object(owner: ast.expr, fn: FunctionInfo) -> bool:
    """``app = FastAPI()`` in the same function: the overrides die with the test."""
    return isinstance(owner, ast.Name) and owner.id in fn.call_assigned


def _undone(site: Site) -> bool:
    """Made inside ``with patch.dict(x.dependency_overrides)`` or under its decorator/mocker form."""
    if any(frame.overrides for frame in site.withs):
        return True
    return site.fn is not None and any(fn.ovr_undo for fn in site.fn.chain())
