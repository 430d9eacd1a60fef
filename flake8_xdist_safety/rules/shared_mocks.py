"""MXS005 (a mock evaluated once and shared), MXS006 (a broad-scoped fixture hands out a mock)."""
import ast
from typing import Iterator, Set

from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis import mock_creations as creations, mock_sharing
from flake8_xdist_safety.analysis.mock_creations import mock_creations
from flake8_xdist_safety.analysis.mock_sharing import is_shared
from flake8_xdist_safety.analysis.model import IN_FN_DECORATOR, IN_LAMBDA, MODULE_TIME, FileModel


_STARTS = ("start",)
#: the calls MXS005/MXS006 read
CALLS = (*_STARTS, *creations.CALLS, *mock_sharing.CALLS)


def check_module_mocks(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS005: created at import time (module body, class bodies, default values)."""
    started_at_import = _patchers_started_at_import(model)
    for creation in mock_creations(model):
        site = creation.site
        if not site.flags & MODULE_TIME or site.flags & IN_FN_DECORATOR:
            continue
        # A patcher only stored creates its mock when a test enters it.
        if creation.is_patch and not (site.started or site.entered) \
                and id(site.node) not in started_at_import:
            continue
        if not creation.is_patch and not is_shared(model, config, site):
            continue  # one plain test sees it, or a per-test fixture resets it
        if site.cls is not None:
            kind = "test class" if site.cls.is_test else "class"
            where = f"as a class attribute of {kind} {site.cls.name}"
        else:
            where = "at module level"
        yield finding("MXS005", site.node, creation, factory=creation.factory, where=where)


def _patchers_started_at_import(model: FileModel) -> Set[int]:
    """Patcher calls stored in a module-level name that the module body itself starts."""
    started = {
        start.node.func.value.id  # type: ignore[attr-defined]
        for start in model.calls_named(*_STARTS)
        if start.flags & MODULE_TIME and start.cls is None
        and isinstance(start.node.func, ast.Attribute)  # type: ignore[attr-defined]
        and isinstance(start.node.func.value, ast.Name)  # type: ignore[attr-defined]
    }
    return {
        id(site.node) for site, key in model.call_assignments
        if key in started and site.fn is None and site.cls is None
    }


def check_broad_fixtures(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS006."""
    reported: Set[int] = set()
    for creation in mock_creations(model):
        site = creation.site
        fn = site.fn
        if fn is None or not fn.is_fixture or site.flags & IN_LAMBDA or id(fn) in reported:
            continue
        if fn.fixture_scope not in config.broad_scopes:
            continue
        reported.add(id(fn))
        yield finding("MXS006", fn.node, fn, name=fn.name, scope=fn.fixture_scope)
