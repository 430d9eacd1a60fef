"""MXS003: os.environ changed without a guaranteed restore."""
from typing import Dict, Iterator, Optional, Set, Tuple

from flake8_xdist_safety.cleanup import any_restores, class_of, is_restoring
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


def _undone(site: Site, key: Optional[object]) -> bool:
    """Made inside a context that undoes it."""
    for frame in site.withs:
        if frame.environ or (isinstance(key, str) and key in frame.strings):
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
    restoring = [c.site for c in changes if is_restoring(c.site)]
    restoring += [s for s, _ in model.attr_stores if s.name == ENVIRON and is_restoring(s)]
    restoring += [s for s in model.cleanup_refs if s.name and s.name.startswith(ENVIRON + ".")]
    autouse = _AutouseRestores(model, config)
    seen: Dict[Optional[FunctionInfo], Set[str]] = {}
    for change in changes:
        site = change.site
        if is_restoring(site) or _conftest_global(model, site):
            continue
        keys = change.keys
        if keys is not None and keys and all(_undone(site, k) for k in keys) \
                or keys is None and _undone(site, None):
            continue
        if any_restores(site, restoring) or autouse.covers(site):
            continue
        literal = [k for k in keys if isinstance(k, str)] if keys else []
        done = seen.setdefault(site.fn, set())
        if keys and len(literal) == len(keys) and all(k in done for k in literal):
            continue
        done.update(literal)
        yield site.stmt.lineno, site.stmt.col_offset, message("MXS003", target=change.target)
