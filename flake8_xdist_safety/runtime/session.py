"""The working hooks, registered only when the runtime checks are enabled.

Around each test: snapshots just before its setup (a ``tryfirst`` setup hook) and just after
its teardown (a ``trylast`` teardown hook, so every function-scoped fixture has been torn
down, and raising there makes the test error at teardown in strict mode).

State changed by a fixture of wider scope (class, module, package, session) while the test
sets it up or tears it down belongs to that fixture, not to the test: its keys are excused
for the test, and the fixture is checked against its own setup once it is finalized.
"""
import dataclasses
import inspect
import os
import types
from dataclasses import dataclass, field
from typing import Any, Dict, Generator, Hashable, List, Optional, Set, Tuple

import pytest

from flake8_xdist_safety.runtime import grouping, report
from flake8_xdist_safety.runtime.findings import (
    FAIL, KIND_MEMORY, KIND_MOCKS, Finding, dedupe,
)
from flake8_xdist_safety.runtime.memory import MB, live_mock_count, rss_reader
from flake8_xdist_safety.runtime.probes import (
    EnvironProbe, OverrideProbe, PatcherProbe, Snapshot, find_apps,
)
from flake8_xdist_safety.runtime.settings import Settings

#: The key of this plugin's data in ``config.workeroutput``.
WORKEROUTPUT_KEY = "xdist_safety"

Snapshots = Dict[str, Snapshot]  # probe kind -> snapshot
ExcusedKeys = Set[Tuple[str, Hashable]]  # (probe kind, key)


@dataclass
class _TestState:
    item: Any
    before: Snapshots
    rss_before: Optional[int]
    mocks_before: Optional[int]
    excused: ExcusedKeys = field(default_factory=set)


@dataclass
class _WideFixtureState:
    before_setup: Snapshots
    changed: ExcusedKeys
    before_finalize: Optional[Snapshots] = None


class RuntimeChecks:
    """One per process (controller or worker); holds every finding of that process."""

    def __init__(self, config: Any, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        workerinput = getattr(config, "workerinput", None)
        self.worker: str = str(workerinput["workerid"]) if workerinput else ""
        self.patchers = PatcherProbe()
        self.overrides = OverrideProbe([])
        self.probes: List[Any] = [EnvironProbe(), self.patchers, self.overrides]
        self.read_rss, self.rss_source = rss_reader()
        self.findings: List[Finding] = []
        #: Per worker id ("" without xdist): RSS at the first test, after the last, tests run.
        self.workers: Dict[str, Dict[str, Any]] = {}
        self.notes: List[str] = []
        self.tests_run = 0
        #: [node id, RSS MB after teardown, growth MB] per test, kept only for --xdist-safety-json.
        self.rss_per_test: List[List[Any]] = []
        self.first_rss: Optional[int] = None
        self.last_rss: Optional[int] = None
        self.last_mocks: Optional[int] = None
        self._current: Optional[_TestState] = None
        self._last_after: Optional[Snapshots] = None
        self._wide_fixtures: Dict[int, _WideFixtureState] = {}

    # -- snapshots ---------------------------------------------------------------------------

    def _snapshot(self) -> Snapshots:
        return {probe.kind: probe.snapshot() for probe in self.probes}

    def _changed_keys(self, before: Snapshots, after: Snapshots) -> ExcusedKeys:
        return {(probe.kind, key) for probe in self.probes
                for key, _change in probe.changes(before[probe.kind], after[probe.kind])}

    def _leaks(self, before: Snapshots, after: Snapshots, excused: ExcusedKeys,
               only: Optional[ExcusedKeys] = None) -> List[Tuple[Any, str, str, str]]:
        """(probe, subject, description, change) for each key that differs, but not *excused*."""
        leaks = []
        for probe in self.probes:
            if before[probe.kind] is after[probe.kind]:  # a snapshot reused as unchanged
                continue
            for key, change in probe.changes(before[probe.kind], after[probe.kind]):
                if (probe.kind, key) in excused or (only is not None and (probe.kind, key) not in only):
                    continue
                subject, text = probe.describe(key, change, before[probe.kind], after[probe.kind])
                leaks.append((probe, subject, text, change))
        return sorted(leaks, key=lambda leak: (leak[0].code, leak[2]))

    # -- collection ----------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: Any) -> None:
        items = list(session.items)
        modules: Dict[int, types.ModuleType] = {}
        for item in items:
            try:
                module = getattr(item, "module", None)
            except Exception:  # noqa: BLE001 - a non-Python item may fail to say
                module = None
            if isinstance(module, types.ModuleType):
                modules.setdefault(id(module), module)
        conftests = [plugin for plugin in self.config.pluginmanager.get_plugins()
                     if isinstance(plugin, types.ModuleType)
                     and os.path.basename(getattr(plugin, "__file__", "") or "") == "conftest.py"]
        conftests.sort(key=lambda module: str(module.__file__))
        self.overrides.apps = find_apps(list(modules.values()) + conftests)
        found = grouping.conftest_pytestmark(conftests, items, str(self.config.rootpath))
        if self.worker and self.config.getvalue("loadgroup"):
            found += grouping.missing_group_suffix(items)
        self.findings.extend(dataclasses.replace(finding, worker=self.worker) for finding in found)

    # -- each test -----------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: Any) -> None:
        if self._current is not None:  # the previous test's teardown never reached our hook
            self._finish(strict=False)
        # The previous test's figures were taken after its teardown, i.e. in the same state as
        # now, unless something between two tests changed it: reuse them, which halves the cost.
        rss = self.last_rss
        if rss is None and self.read_rss is not None:
            rss = self.first_rss = self.read_rss()
        mocks = None
        if self.settings.count_mocks:
            mocks = self.last_mocks if self.last_mocks is not None else live_mock_count()
        previous = self._last_after or {}
        before = {probe.kind: probe.snapshot(previous.get(probe.kind)) for probe in self.probes}
        self._current = _TestState(item, before, rss, mocks)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Generator[None, Any, None]:
        if fixturedef.scope == "function" or self._current is None:
            yield
            return
        before = self._snapshot()
        yield
        after = self._snapshot()
        changed = self._changed_keys(before, after)
        self._current.excused |= changed
        fixture_id = id(fixturedef)
        self._wide_fixtures[fixture_id] = _WideFixtureState(before, changed)
        # Finalizers run last-in first-out, so this one runs before the fixture's own teardown.
        fixturedef.addfinalizer(lambda: self._before_finalize(fixture_id))

    def _before_finalize(self, fixture_id: int) -> None:
        state = self._wide_fixtures.get(fixture_id)
        if state is not None:
            state.before_finalize = self._snapshot()

    def pytest_fixture_post_finalizer(self, fixturedef: Any, request: Any) -> None:
        state = self._wide_fixtures.pop(id(fixturedef), None)
        if state is None or state.before_finalize is None:
            return
        after = self._snapshot()
        changed = state.changed | self._changed_keys(state.before_finalize, after)
        if self._current is not None:
            self._current.excused |= changed
        where = "fixture {} (scope={})".format(fixturedef.argname, fixturedef.scope)
        path, line = self._source_of(fixturedef.func)
        for probe, subject, text, _change in self._leaks(state.before_setup, after, set(), changed):
            self.findings.append(Finding(
                code=probe.code, kind=probe.kind, where=where, path=path, line=line,
                detail=text + " (still so after the fixture's teardown)", worker=self.worker,
                data={"subject": subject}))

    def _source_of(self, func: Any) -> Tuple[str, int]:
        try:
            source = inspect.getsourcefile(func) or "?"
            line = func.__code__.co_firstlineno
        except (TypeError, AttributeError):
            return "?", 0
        try:
            source = os.path.relpath(source, str(self.config.rootpath))
        except ValueError:  # another drive on Windows
            pass
        return source, int(line)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: Any, nextitem: Any) -> None:
        self._finish(strict=True)

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        # Reached with a test still open only if a fixture's teardown raised before our
        # teardown hook ran; the test has its error already, so no strict failure on top.
        if self._current is not None and self._current.item.nodeid == nodeid:
            self._finish(strict=False)

    def _finish(self, strict: bool) -> None:
        state, self._current = self._current, None
        if state is None:
            return
        item = state.item
        path, line = grouping._location(item)
        new = []
        after = self._last_after = {probe.kind: probe.snapshot(state.before[probe.kind])
                                    for probe in self.probes}
        for probe, subject, text, change in self._leaks(state.before, after, state.excused):
            new.append(Finding(
                code=probe.code, kind=probe.kind, where=item.nodeid, path=path, line=line,
                detail=text, worker=self.worker, data={"subject": subject, "change": change}))
        failing = [finding.detail for finding in new] if self.settings.strict else []
        self.tests_run += 1
        if self.read_rss is not None and state.rss_before is not None:
            self.last_rss = self.read_rss()
            growth_mb = (self.last_rss - state.rss_before) / MB
            if self.settings.json_path:  # every test's figures, for the JSON report only
                self.rss_per_test.append([item.nodeid, round(self.last_rss / MB, 1), round(growth_mb, 1)])
            level = self.settings.test_growth.level(growth_mb)
            if level is not None:
                new.append(Finding(
                    code="memory", kind=KIND_MEMORY, where=item.nodeid, path=path, line=line,
                    detail="worker RSS grew {:.1f} MB during the test ({})".format(
                        growth_mb, self.settings.test_growth.describe()),
                    level=level, worker=self.worker,
                    data={"growth_mb": round(growth_mb, 1), "rss_mb": round(self.last_rss / MB, 1)}))
                if level == FAIL:
                    failing.append(new[-1].detail)
        if state.mocks_before is not None:
            self.last_mocks = live_mock_count()
            alive = self.last_mocks - state.mocks_before
            if alive > 0:
                new.append(Finding(
                    code="memory", kind=KIND_MOCKS, where=item.nodeid, path=path, line=line,
                    detail="{} more mock object(s) alive after teardown and gc.collect() "
                           "({} in the worker)".format(alive, self.last_mocks),
                    worker=self.worker, data={"new_mocks": alive, "live_mocks": self.last_mocks}))
        self.findings.extend(new)
        if strict and failing:
            pytest.fail("flake8-xdist-safety: " + "; ".join(failing), pytrace=False)

    # -- session end -----------------------------------------------------------------------------

    def _local_summary(self) -> Dict[str, Any]:
        first = self.first_rss / MB if self.first_rss is not None else None
        last = self.last_rss / MB if self.last_rss is not None else None
        return {"rss_source": self.rss_source, "tests": self.tests_run,
                "first_mb": None if first is None else round(first, 1),
                "last_mb": None if last is None else round(last, 1),
                "rss_per_test": self.rss_per_test}

    def _session_growth_finding(self, worker: str, summary: Dict[str, Any]) -> None:
        if summary.get("first_mb") is None or summary.get("last_mb") is None:
            return
        growth_mb = float(summary["last_mb"]) - float(summary["first_mb"])
        level = self.settings.session_growth.level(growth_mb)
        if level is not None:
            self.findings.append(Finding(
                code="memory", kind=KIND_MEMORY, where="session", path="", line=0,
                detail="worker RSS grew {:.1f} MB over {} tests ({})".format(
                    growth_mb, summary["tests"], self.settings.session_growth.describe()),
                level=level, worker=worker, data={"growth_mb": round(growth_mb, 1)}))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        if self._current is not None:
            self._finish(strict=False)
        if self.patchers.unavailable:
            self.notes.append(self.patchers.unavailable)
        if self.tests_run:
            self.workers[self.worker] = self._local_summary()
            self._session_growth_finding(self.worker, self.workers[self.worker])
        if self.worker:
            self.config.workeroutput[WORKEROUTPUT_KEY] = {
                "findings": [finding.to_dict() for finding in self.findings],
                "summary": self.workers.get(self.worker), "notes": self.notes}
            return
        self.findings = dedupe(self.findings)
        if self.settings.json_path:
            report.write_json(self.settings.json_path, self.findings, self.workers, self.notes)
        if any(finding.level == FAIL for finding in self.findings) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        worker = str(getattr(node, "gateway", None) and node.gateway.id or "?")
        output = getattr(node, "workeroutput", None) or {}
        data = output.get(WORKEROUTPUT_KEY)
        if data is None:
            self.notes.append("worker {} went down without sending its findings ({})".format(
                worker, error or "no --xdist-safety data"))
            return
        self.findings.extend(Finding.from_dict(raw, worker) for raw in data.get("findings", []))
        if data.get("summary"):
            self.workers[worker] = dict(data["summary"])
        self.notes.extend(note for note in data.get("notes", []) if note not in self.notes)

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: Any, config: Any) -> None:
        if not self.worker:
            report.write_summary(terminalreporter, self.findings, self.workers, self.notes,
                                 self.settings)
