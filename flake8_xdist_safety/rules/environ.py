"""MXS003: os.environ changed without a guaranteed restore."""
from typing import Dict, Iterator, Optional, Set, Tuple

from flake8_xdist_safety.cleanup import Cleanup, class_of
from flake8_xdist_safety.codes import message
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.conftests import summaries_for
from flake8_xdist_safety.environ import EnvChange, env_changes, restores_environ
from flake8_xdist_safety.fixtures import PER_TEST_SCOPES, autouse_per_test, visible_fixtures
from flake8_xdist_safety.model import ENVIRON, ClassInfo, FileModel, FunctionInfo, Site

__all__ = ["EnvChange", "check_environ", "env_changes"]

Finding = Tuple[int, int, str]


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
    fn: Optional[FunctionInfo] = site.fn
    while fn is not None:
        if fn.env_undo:
            return True
        fn = fn.parent
    return False


class _AutouseRestores:
    """Answers, once per file and class, whether an autouse per-test fixture puts os.environ
    back for the changes made while a test runs."""

    def __init__(self, model: FileModel, config: Config) -> None:
        self.model = model
        self.config = config
        self.by_class: Dict[Optional[ClassInfo], bool] = {}
        self.conftest: Optional[bool] = None

    def covers(self, site: Site) -> bool:
        if site.fn is None:
            return False  # import time: before any fixture's snapshot
        top = site.fn.outermost()
        if top.is_fixture and top.fixture_scope not in PER_TEST_SCOPES:
            return False  # set up before the per-test fixtures, torn down after them
        owner = class_of(site)
        if owner not in self.by_class:
            fixtures = autouse_per_test(visible_fixtures(self.model, owner))
            self.by_class[owner] = any(restores_environ(self.model, fn) for fn in fixtures)
        if self.by_class[owner]:
            return True
        if self.conftest is None:
            summaries = summaries_for(self.model.filename, self.config)
            self.conftest = any(summary.environ_autouse for summary in summaries)
        return self.conftest


def check_environ(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS003."""
    changes = env_changes(model)
    if not changes:
        return
    cleanup = Cleanup(model)
    restoring = [c.site for c in changes if cleanup.is_restoring(c.site)]
    restoring += [s for s, _ in model.attr_stores if s.name == ENVIRON and cleanup.is_restoring(s)]
    restoring += [s for s in model.cleanup_refs if s.name and s.name.startswith(ENVIRON + ".")]
    autouse = _AutouseRestores(model, config)
    seen: Dict[Optional[FunctionInfo], Set[str]] = {}
    reported: Set[int] = set()  # statements: one report each
    for change in changes:
        site = change.site
        if cleanup.is_restoring(site) or _conftest_global(model, site) or _undone(change):
            continue
        if cleanup.any_restores(site, restoring) or autouse.covers(site):
            continue
        # Without a guaranteed restore, a later change of a name this function already
        # changed is most likely the hand-written restore: the first change is the finding.
        done = seen.setdefault(site.fn, set())
        repeated = not change.opaque and all(k in done for k in change.keys)
        done.update(change.keys)
        if repeated or id(site.stmt) in reported:
            continue
        reported.add(id(site.stmt))
        yield site.stmt.lineno, site.stmt.col_offset, message("MXS003", target=change.target)
