"""Fixtures of wider scope than a test (class, module, package, session): what one changes while
a test sets it up or tears it down belongs to the fixture, not to the test. Its keys are
excused for that test, and the fixture is checked against its own setup once it is finalized.

Also the one place that says how the plugin's wrappers are declared: pytest calls a wrapper of
``pytest_fixture_setup`` for every fixture of every test, and pluggy's new-style wrappers cost
half of the old style's dispatch (0.8 µs against 1.6 µs a call, measured with pluggy 1.7).
"""
from typing import Any, Callable, Dict, Generator, List, Optional, Tuple, TypeVar

import pytest

from flake8_xdist_safety.runtime.findings import Finding
from flake8_xdist_safety.runtime.journal import Journal
from flake8_xdist_safety.runtime.locations import fixture_location
from flake8_xdist_safety.runtime.logs import KIND_LOGGING
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


#: Of the probes read around the whole test protocol, those a fixture's window reads too (the
#: streams and warnings filters are pytest's own inside a phase, and put back after it).
_OUTER_KINDS = {KIND_LOGGING}


class _WideFixtureState:
    """The readings before the fixture's setup, the keys it changed, and the readings before
    its finalization; each a pair: the per-test probes', and the logging probe's."""

    __slots__ = ("before_setup", "changed", "before_finalize")

    def __init__(self, before_setup: Tuple[Snapshots, Snapshots],
                 changed: Tuple[ExcusedKeys, ExcusedKeys]) -> None:
        self.before_setup = before_setup
        self.changed = changed
        self.before_finalize: Optional[Tuple[Snapshots, Snapshots]] = None


class WideFixtureHooks:
    """Mixed into ``RuntimeChecks``, which owns these attributes."""

    config: Any
    watcher: Watcher
    outer: Watcher
    #: Keys of the outer probes (logging) that wider fixtures changed during the test in
    #: progress: excused at its end, read around the whole protocol.
    _outer_excused: ExcusedKeys
    findings: List[Finding]
    journal: Optional[Journal]
    _current: Optional[TestState]
    _wide_fixtures: Dict[int, _WideFixtureState]
    _report: Callable[..., List[Finding]]

    @hook_wrapper()
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Generator[None, Any, Any]:
        if self._current is None or fixturedef.scope == "function":
            return (yield)
        before = self._read()
        try:
            outcome = yield
        finally:
            changed = self._changed(before, self._read(before))
            self._current.excused |= changed[0]
            self._outer_excused |= changed[1]
            fixture_id = id(fixturedef)
            self._wide_fixtures[fixture_id] = _WideFixtureState(before, changed)
            # Finalizers run last-in first-out, so this one runs before the fixture's own teardown.
            fixturedef.addfinalizer(lambda: self._before_finalize(fixture_id))
        return outcome

    def _read(self, previous: Optional[Tuple[Snapshots, Snapshots]] = None) -> Tuple[Snapshots, Snapshots]:
        """The per-test probes' reading and the logging probe's."""
        return (self.watcher.snapshot(previous[0] if previous else None),
                self.outer.snapshot(previous[1] if previous else None, kinds=_OUTER_KINDS))

    def _changed(self, before: Tuple[Snapshots, Snapshots],
                 after: Tuple[Snapshots, Snapshots]) -> Tuple[ExcusedKeys, ExcusedKeys]:
        return self.watcher.changed_keys(before[0], after[0]), self.outer.changed_keys(before[1], after[1])

    def _before_finalize(self, fixture_id: int) -> None:
        state = self._wide_fixtures.get(fixture_id)
        if state is not None:
            state.before_finalize = self._read()

    def pytest_fixture_post_finalizer(self, fixturedef: Any, request: Any) -> None:
        if not self._wide_fixtures:  # after every function-scoped fixture: nothing to look up
            return
        state = self._wide_fixtures.pop(id(fixturedef), None)
        if state is None or state.before_finalize is None:
            return
        after = self._read(state.before_finalize)
        in_teardown = self._changed(state.before_finalize, after)
        changed = (state.changed[0] | in_teardown[0], state.changed[1] | in_teardown[1])
        if self._current is not None:
            self._current.excused |= changed[0]
        self._outer_excused |= changed[1]
        where = "fixture {} (scope={})".format(fixturedef.argname, fixturedef.scope)
        path, line = fixture_location(fixturedef, request, str(self.config.rootpath))
        found: List[Finding] = []
        for watcher, before, now, keys in ((self.watcher, state.before_setup[0], after[0], changed[0]),
                                           (self.outer, state.before_setup[1], after[1], changed[1])):
            found += self._report(watcher.leaks(before, now, set(), keys), before, watcher, where, path, line,
                                  " (still so after the fixture's teardown)")
        self.findings.extend(found)
        if self._current is not None:
            self._current.findings.extend(found)
        elif self.journal is not None:
            self.journal.extra(found)
