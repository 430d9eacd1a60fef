"""Fixtures of wider scope than a test (class, module, package, session): what one changes while
a test sets it up or tears it down belongs to the fixture, not to the test. Its keys are
excused for that test, and the fixture is checked against its own setup once it is finalized.

Also the one place that says how the plugin's wrappers are declared: pytest calls a wrapper of
``pytest_fixture_setup`` for every fixture of every test, and pluggy's new-style wrappers cost
half of the old style's dispatch (0.8 µs against 1.6 µs a call, measured with pluggy 1.7).
"""
from typing import Any, Callable, Dict, Generator, List, Optional, TypeVar

import pytest

from flake8_xdist_safety.runtime.findings import Finding
from flake8_xdist_safety.runtime.journal import Journal
from flake8_xdist_safety.runtime.locations import fixture_location
from flake8_xdist_safety.runtime.watcher import ExcusedKeys, Snapshots, Watcher


def _new_style_wrappers() -> bool:
    try:
        pytest.hookimpl(wrapper=True)
    except TypeError:  # pragma: no cover - pluggy < 1.1, possible only with pytest 7
        return False
    return True


_NEW_STYLE_WRAPPERS = _new_style_wrappers()
_F = TypeVar("_F", bound=Callable[..., Any])


def hook_wrapper(tryfirst: bool = False) -> Callable[[_F], _F]:
    """``pytest.hookimpl(wrapper=True)`` where pluggy has new-style wrappers, else an old-style
    ``hookwrapper``. The wrappers are written for both: ``outcome = yield`` in ``try``/``finally``
    and ``return outcome`` (new style: the hook's result, or its exception raised at the yield;
    old style: a result object, and what the wrapper returns is ignored)."""
    if _NEW_STYLE_WRAPPERS:
        return pytest.hookimpl(wrapper=True, tryfirst=tryfirst)
    return pytest.hookimpl(hookwrapper=True, tryfirst=tryfirst)  # pragma: no cover


class TestState:
    """What the checks hold of the test in progress."""

    __slots__ = ("item", "before", "rss_before", "mocks_before", "excused", "findings")

    def __init__(self, item: Any, before: Snapshots, rss_before: Optional[int],
                 mocks_before: Optional[int]) -> None:
        self.item = item
        self.before = before
        self.rss_before = rss_before
        self.mocks_before = mocks_before
        self.excused: ExcusedKeys = set()
        self.findings: List[Finding] = []


class _WideFixtureState:
    __slots__ = ("before_setup", "changed", "before_finalize")

    def __init__(self, before_setup: Snapshots, changed: ExcusedKeys) -> None:
        self.before_setup = before_setup
        self.changed = changed
        self.before_finalize: Optional[Snapshots] = None


class WideFixtureHooks:
    """Mixed into ``RuntimeChecks``, which owns these attributes."""

    config: Any
    watcher: Watcher
    findings: List[Finding]
    journal: Optional[Journal]
    _current: Optional[TestState]
    _wide_fixtures: Dict[int, _WideFixtureState]
    _report: Callable[..., List[Finding]]

    @hook_wrapper()
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Generator[None, Any, Any]:
        if self._current is None or fixturedef.scope == "function":
            return (yield)
        before = self.watcher.snapshot()
        try:
            outcome = yield
        finally:
            after = self.watcher.snapshot()
            changed = self.watcher.changed_keys(before, after)
            self._current.excused |= changed
            fixture_id = id(fixturedef)
            self._wide_fixtures[fixture_id] = _WideFixtureState(before, changed)
            # Finalizers run last-in first-out, so this one runs before the fixture's own teardown.
            fixturedef.addfinalizer(lambda: self._before_finalize(fixture_id))
        return outcome

    def _before_finalize(self, fixture_id: int) -> None:
        state = self._wide_fixtures.get(fixture_id)
        if state is not None:
            state.before_finalize = self.watcher.snapshot()

    def pytest_fixture_post_finalizer(self, fixturedef: Any, request: Any) -> None:
        if not self._wide_fixtures:  # after every function-scoped fixture: nothing to look up
            return
        state = self._wide_fixtures.pop(id(fixturedef), None)
        if state is None or state.before_finalize is None:
            return
        after = self.watcher.snapshot()
        changed = state.changed | self.watcher.changed_keys(state.before_finalize, after)
        if self._current is not None:
            self._current.excused |= changed
        where = "fixture {} (scope={})".format(fixturedef.argname, fixturedef.scope)
        path, line = fixture_location(fixturedef, request, str(self.config.rootpath))
        found = self._report(self.watcher.leaks(state.before_setup, after, set(), changed),
                             state.before_setup, self.watcher, where, path, line,
                             " (still so after the fixture's teardown)")
        self.findings.extend(found)
        if self._current is not None:
            self._current.findings.extend(found)
        elif self.journal is not None:
            self.journal.extra(found)
