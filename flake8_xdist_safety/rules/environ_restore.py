"""MXS003: os.environ changed without a guaranteed restore."""
from typing import Dict, Iterator, Optional, Set

from flake8_xdist_safety.analysis.restores import Cleanup
from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.environ_changes import EnvChange, env_changes, restores_environ
from flake8_xdist_safety.analysis.undoing_fixtures import FixturesThatUndo
from flake8_xdist_safety.analysis.model import ENVIRON, FileModel, FunctionInfo, Site

__all__ = ["EnvChange", "check_environ", "env_changes"]


def _conftest_global(model: FileModel, site: Site) -> bool:
    """Changes every test of the directory sees alike in every worker."""
    if not model.is_conftest:
        return False
    if site.fn is None:
        return site.cls is None
    top = site.fn.outermost()
    if not top.module_level:
        return False
    if top.name.startswith("pytest_"):
        return True
    return top.is_fixture and top.autouse and top.fixture_scope == "session"


def _undone(change: EnvChange) -> bool:
    """Made inside a context that undoes it (for the names it changes)."""
    site = change.site
    for frame in site.withs:
        if frame.environ:
            return True
        if not change.opaque and change.keys and all(k in frame.strings for k in change.keys):
            return True
    return site.fn is not None and any(fn.env_undo for fn in site.fn.chain())


def check_environ(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS003."""
    changes = env_changes(model)
    if not changes:
        return
    cleanup = Cleanup(model)
    restoring = [c.site for c in changes if cleanup.is_restoring(c.site)]
    restoring += [s for s, _ in model.attr_stores if s.name == ENVIRON and cleanup.is_restoring(s)]
    restoring += [s for s in model.cleanup_refs if s.name and s.name.startswith(ENVIRON + ".")]
    fixtures = FixturesThatUndo(model, config, restores_environ,
                                lambda summary: summary.environ_restorers,
                                lambda summary: summary.environ_autouse)
    seen: Dict[Optional[FunctionInfo], Set[str]] = {}
    reported: Set[int] = set()  # statements: one report each
    for change in changes:
        site = change.site
        if cleanup.is_restoring(site) or _conftest_global(model, site) or _undone(change):
            continue
        if cleanup.any_restores(site, restoring) or fixtures.covers(site):
            continue
        # Without a guaranteed restore, a later change of a name this function already
        # changed is most likely the hand-written restore: the first change is the finding.
        done = seen.setdefault(site.fn, set())
        repeated = not change.opaque and all(k in done for k in change.keys)
        done.update(change.keys)
        if repeated or id(site.stmt) in reported:
            continue
        reported.add(id(site.stmt))
        yield finding("MXS003", site.stmt, change, target=change.target)
