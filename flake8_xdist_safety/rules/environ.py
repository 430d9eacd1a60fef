"""MXS003: os.environ changed without a guaranteed restore."""
from typing import Dict, Iterator, Optional, Set, Tuple

from flake8_xdist_safety.cleanup import any_restores, class_of, is_restoring
from flake8_xdist_safety.codes import message
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.conftests import summaries_for
from flake8_xdist_safety.environ import EnvChange, env_changes, restores_environ
from flake8_xdist_safety.fixtures import PER_TEST_SCOPES, autouse_per_test, visible_fixtures
from flake8_xdist_safety.model import ENVIRON, FileModel, FunctionInfo, Site

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


def _restored_by_autouse_fixture(model: FileModel, site: Site, config: Config) -> bool:
    """An autouse, per-test fixture that puts os.environ back covers changes made while a
    test runs (not at import time, not in broader fixtures set up before it)."""
    if site.fn is None:
        return False
    top = site.fn.outermost()
    if top.is_fixture and top.fixture_scope not in PER_TEST_SCOPES:
        return False
    owner = class_of(site)
    if any(restores_environ(model, fn) for fn in autouse_per_test(visible_fixtures(model, owner))):
        return True
    return any(summary.environ_autouse for summary in summaries_for(model.filename, config))


def check_environ(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS003."""
    changes = env_changes(model)
    if not changes:
        return
    restoring = [c.site for c in changes if is_restoring(c.site)]
    restoring += [s for s, _ in model.attr_stores if s.name == ENVIRON and is_restoring(s)]
    restoring += [s for s in model.cleanup_refs if s.name and s.name.startswith(ENVIRON + ".")]
    seen: Dict[Optional[FunctionInfo], Set[str]] = {}
    for change in changes:
        site = change.site
        if is_restoring(site) or _conftest_global(model, site):
            continue
        keys = change.keys
        if keys is not None and keys and all(_undone(site, k) for k in keys) \
                or keys is None and _undone(site, None):
            continue
        if any_restores(site, restoring) or _restored_by_autouse_fixture(model, site, config):
            continue
        literal = [k for k in keys if isinstance(k, str)] if keys else []
        done = seen.setdefault(site.fn, set())
        if keys and len(literal) == len(keys) and all(k in done for k in literal):
            continue
        done.update(literal)
        yield site.stmt.lineno, site.stmt.col_offset, message("MXS003", target=change.target)
