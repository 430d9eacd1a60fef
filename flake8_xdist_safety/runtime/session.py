"""The working hooks, registered only when the runtime checks are enabled.

Around each test: snapshots just before its setup (a ``tryfirst`` setup hook) and just after
its teardown (a ``trylast`` teardown hook, so every function-scoped fixture has been torn
down, and raising there makes the test error at teardown in strict mode).

State changed by a fixture of wider scope belongs to that fixture (``fixtures.py``).
"""
import dataclasses
import os
import types
from typing import Any, Dict, Generator, List, Optional, Set, Tuple

import pytest

from flake8_xdist_safety.runtime import grouping, report
from flake8_xdist_safety.runtime.controller import WORKEROUTPUT_KEY, ControllerHooks
from flake8_xdist_safety.runtime.findings import (
    FAIL, KIND_MEMORY, KIND_MOCKS, Finding, dedupe,
)
from flake8_xdist_safety.runtime.fixtures import TestState, WideFixtureHooks, hook_wrapper
from flake8_xdist_safety.runtime.journal import RUN_DIRECTORY_KEY, Journal
from flake8_xdist_safety.runtime.locations import relative
from flake8_xdist_safety.runtime.memory import MB, live_mock_count, rss_reader
from flake8_xdist_safety.runtime.apps import OverrideProbe, find_apps
from flake8_xdist_safety.runtime.probes import EnvironProbe, PatcherProbe
from flake8_xdist_safety.runtime.logs import LoggingProbe
from flake8_xdist_safety.runtime.process import SettingsProbe, StreamsProbe
from flake8_xdist_safety.runtime.reloads import reload_probe
from flake8_xdist_safety.runtime.settings import Settings
from flake8_xdist_safety.runtime.state import (
    AttributesProbe, ChildrenProbe, CwdProbe, FilesProbe, ImportPathProbe, ModulesProbe, ThreadsProbe,
)
from flake8_xdist_safety.runtime.watcher import Leak, Snapshots, Watcher

#: Bound once: looked up on the pytest module before every test otherwise.
_Function = pytest.Function


class RuntimeChecks(ControllerHooks, WideFixtureHooks):
    """One per process (controller or worker); holds every finding of that process."""

    def __init__(self, config: Any, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        workerinput = getattr(config, "workerinput", None)
        self.worker: str = str(workerinput["workerid"]) if workerinput else ""
        self.notes: List[str] = []
        self.patchers = PatcherProbe()
        self.overrides = OverrideProbe([])
        self.children = ChildrenProbe()
        self.import_path = ImportPathProbe()
        self.reloads = reload_probe()  # importlib.reload wrapped from now on, for conftests too
        probes: List[Any] = [EnvironProbe(), self.patchers, self.overrides, CwdProbe(), self.import_path,
                             self.reloads, SettingsProbe(), ThreadsProbe(), self.children]
        if settings.modules:  # opt-in: comparing sys.modules touches every module, 20 µs a test
            probes.append(ModulesProbe())
        if settings.files:
            probes.append(FilesProbe([str(config.rootpath), os.getcwd()]))
        if settings.watch:
            probes.append(AttributesProbe(settings.watch))
        self.watcher = Watcher(probes, self.notes)
        #: Read around each test's whole protocol: what pytest changes in each phase of a test
        #: and restores after the teardown hooks (capture, warnings, its logging handlers).
        self.logging = LoggingProbe()
        self.outer = Watcher([StreamsProbe(), self.logging], self.notes)
        self.read_rss, self.rss_source = rss_reader()
        self.findings: List[Finding] = []
        #: Per worker id ("" without xdist): RSS at the first test, after the last, tests run.
        self.workers: Dict[str, Dict[str, Any]] = {}
        #: Per worker id: the node ids of the tests it ran, in order (for `bisect`).
        self.order: Dict[str, List[str]] = {self.worker: []}
        self.tests_run = 0
        #: [node id, RSS MB after teardown, growth MB] per test, kept only for --xdist-safety-json.
        self.rss_per_test: List[List[Any]] = []
        self.first_rss: Optional[int] = None
        self.last_rss: Optional[int] = None
        self.last_mocks: Optional[int] = None
        self._current: Optional[TestState] = None
        #: Below this growth of RSS in bytes no test is reported (neither level is reached).
        self._growth_floor = min([MB * level for level in (settings.test_growth.warn_mb,
                                                           settings.test_growth.fail_mb)
                                  if level is not None], default=float("inf"))
        #: The parent node of the last test item, its module, and the module the overrides'
        #: focus was set for: tests of one module follow each other, so both are asked once.
        self._module_parent: Any = None
        self._module: Optional[types.ModuleType] = None
        self._focused_module: Optional[types.ModuleType] = None
        self._last_after: Optional[Snapshots] = None
        self._last_outer: Optional[Snapshots] = None
        self._conftests: List[types.ModuleType] = []
        self._last_import: Tuple[Optional[Snapshots], Optional[Snapshots]] = (None, None)
        self._wide_fixtures = {}
        self._outer_excused = set()
        #: The findings of the test in progress, for the journal once its protocol is over.
        self._last_test_findings: List[Finding] = []
        self.journal: Optional[Journal] = None
        self.run_directory: Optional[str] = None
        if workerinput and workerinput.get(RUN_DIRECTORY_KEY):
            self.journal = Journal(str(workerinput[RUN_DIRECTORY_KEY]), self.worker)

    def _finding(self, leak: Leak, where: str, path: str, line: int, suffix: str = "",
                 restored: bool = False) -> Finding:
        return Finding(code=leak.probe.code, kind=leak.probe.kind, where=where, path=path, line=line,
                       detail=leak.text + suffix + (" [restored]" if restored else ""),
                       worker=self.worker, data={"subject": leak.subject, "change": leak.change})

    def _report(self, leaks: List[Leak], before: Snapshots, watcher: Watcher, where: str, path: str,
                line: int, suffix: str = "") -> List[Finding]:
        """Findings for *leaks*, each put back first under --xdist-safety-restore."""
        restore = self.settings.restore
        return [self._finding(leak, where, path, line, suffix, restore and watcher.restore(leak, before))
                for leak in leaks]

    # -- collection ----------------------------------------------------------------------------

    @hook_wrapper()
    def pytest_make_collect_report(self, collector: Any) -> Generator[None, Any, Any]:
        if not isinstance(collector, pytest.Module):
            return (yield)
        # pytest's "prepend" import mode puts the test module's base directory on sys.path.
        directory = os.path.dirname(str(collector.path))
        self.import_path.ignored_additions = lambda entry: directory.startswith(entry)
        # The warnings filters and sys.std* are restored by pytest after the whole collection.
        outer_kinds = {self.logging.kind}
        # Read afresh (a conftest may have been imported since the previous module), but offered
        # the previous module's reading to reuse where nothing changed.
        last, last_outer = self._last_import
        before = self.watcher.snapshot(last)
        outer_before = self.outer.snapshot(last_outer, kinds=outer_kinds)
        try:
            outcome = yield
        finally:
            self._after_import(collector, before, outer_before, outer_kinds)
        return outcome

    def _after_import(self, collector: Any, before: Snapshots, outer_before: Snapshots,
                      outer_kinds: Set[str]) -> None:
        after = self.watcher.snapshot(before)
        outer_after = self.outer.snapshot(outer_before, kinds=outer_kinds)
        self._last_import = (after, outer_after)
        leaks = self.watcher.leaks(before, after, set())
        self.import_path.ignored_additions = lambda entry: False
        outer_leaks = self.outer.leaks(outer_before, outer_after, set())
        if not (leaks or outer_leaks):
            return
        path = relative(str(collector.path), str(self.config.rootpath))
        found = self._report(leaks, before, self.watcher, collector.nodeid, path, 1, " at import time")
        found += self._report(outer_leaks, outer_before, self.outer, collector.nodeid, path, 1,
                              " at import time")
        if self.settings.restore:
            self._last_import = (None, None)  # what was put back is read again
        self.findings.extend(found)
        if self.journal is not None:
            self.journal.extra(found)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: Any) -> None:
        items = list(session.items)
        modules: Dict[int, types.ModuleType] = {}
        for item in items:
            try:
                module = self._module_of(item) if isinstance(item, _Function) else item.module
            except Exception:  # noqa: BLE001 - a non-Python item may fail to say
                module = None
            if isinstance(module, types.ModuleType):
                modules.setdefault(id(module), module)
        conftests = [plugin for plugin in self.config.pluginmanager.get_plugins()
                     if isinstance(plugin, types.ModuleType)
                     and os.path.basename(getattr(plugin, "__file__", "") or "") == "conftest.py"]
        conftests.sort(key=lambda module: str(module.__file__))
        self.overrides.apps = find_apps(list(modules.values()) + conftests)
        self._conftests = conftests
        self._focused_module = None
        found = grouping.conftest_pytestmark(conftests, items, str(self.config.rootpath))
        if self.worker and self.config.getvalue("loadgroup"):
            found += grouping.missing_group_suffix(items)
        found = [dataclasses.replace(finding, worker=self.worker) for finding in found]
        self.findings.extend(found)
        if self.journal is not None:
            self.journal.extra(found)

    # -- each test -----------------------------------------------------------------------------

    @hook_wrapper(tryfirst=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Generator[None, Any, Any]:
        # Outside pytest's own wrappers (capture, warnings: registered before this plugin, so
        # inside it), i.e. in the state the next test will start from.
        self.order[self.worker].append(item.nodeid)
        if self.journal is not None:
            self.journal.start(item.nodeid)
        # Nothing runs between two tests' protocols: the previous one's last reading is this one's.
        before = self._last_outer if self._last_outer is not None else self.outer.snapshot()
        try:
            outcome = yield
        finally:
            self._after_protocol(item, before)
        return outcome

    def _after_protocol(self, item: Any, before: Snapshots) -> None:
        if self._current is not None and self._current.item is item:
            # Still open only if a fixture's teardown raised before our teardown hook ran; the
            # test has its error already, so no strict failure on top.
            self._finish(strict=False)
        after = self._last_outer = self.outer.snapshot(before)
        found: List[Finding] = []
        leaks = self.outer.leaks(before, after, self._outer_excused) if after is not before else []
        if self._outer_excused:  # a wider fixture's, for this test only
            self._outer_excused = set()
        if leaks:
            found = self._report(leaks, before, self.outer, item.nodeid, *grouping._location(item))
            if self.settings.restore:
                self._last_outer = None
            if self.settings.strict:  # too late to error the test: its reports are out; fail the run
                found = [dataclasses.replace(finding, level=FAIL) for finding in found]
            self.findings.extend(found)
        if self.journal is not None:
            self.journal.done(item.nodeid, self._last_test_findings + found)
        if self._last_test_findings:
            self._last_test_findings = []

    def _module_of(self, item: Any) -> Any:
        """``item.module`` of a test function (a property that walks up the tree), asked once per
        parent node: the tests of a class or module follow each other. None for other items."""
        if not isinstance(item, _Function):
            return None
        parent = item.parent
        if parent is None or parent is not self._module_parent:
            self._module = getattr(item, "module", None)
            self._module_parent = parent
        return self._module

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
        # The previous test's reading after its teardown is this test's before: between the two,
        # only pytest's reporting runs (halves the cost; a restore makes it read afresh).
        before = self._last_after if self._last_after is not None else self.watcher.snapshot()
        module = self._module_of(item)
        if module is not None and module is not self._focused_module:
            self._focused_module = module
            if self.overrides.focus([module] + self._conftests):
                # Another set of apps than the previous test's reading: read this test's afresh.
                before = dict(before, **{self.overrides.kind: self.overrides.snapshot()})
        self._current = TestState(item, before, rss, mocks)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: Any, nextitem: Any) -> None:
        self._finish(strict=True)

    def _finish(self, strict: bool) -> None:
        state, self._current = self._current, None
        if state is None:
            return
        item, before = state.item, state.before
        after = self._last_after = self.watcher.snapshot(before)
        new: List[Finding] = []
        if after is not before:  # else every probe reused its reading: nothing changed
            leaks = self.watcher.leaks(before, after, state.excused)
            if leaks:
                new = self._report(leaks, before, self.watcher, item.nodeid, *grouping._location(item))
                if self.settings.restore:
                    self._last_after = None  # what was put back is read again before the next test
        failing = [finding.detail for finding in new] if self.settings.strict else []
        self.tests_run += 1
        if self.read_rss is not None and state.rss_before is not None:
            self.last_rss = self.read_rss()
            growth = self.last_rss - state.rss_before
            if self.settings.json_path:  # every test's figures, for the JSON report only
                self.rss_per_test.append([item.nodeid, round(self.last_rss / MB, 1), round(growth / MB, 1)])
            if growth >= self._growth_floor:
                failing += self._memory_finding(item, growth / MB, new)
        if state.mocks_before is not None:
            self.last_mocks = live_mock_count()
            alive = self.last_mocks - state.mocks_before
            if alive > 0:
                path, line = grouping._location(item)
                new.append(Finding(
                    code="memory", kind=KIND_MOCKS, where=item.nodeid, path=path, line=line,
                    detail="{} more mock object(s) alive after teardown and gc.collect() "
                           "({} in the worker)".format(alive, self.last_mocks),
                    worker=self.worker, data={"new_mocks": alive, "live_mocks": self.last_mocks}))
        if new:
            self.findings.extend(new)
        self._last_test_findings = state.findings + new if state.findings else new
        if strict and failing:
            pytest.fail("flake8-xdist-safety: " + "; ".join(failing), pytrace=False)

    def _memory_finding(self, item: Any, growth_mb: float, new: List[Finding]) -> List[str]:
        """Adds the finding of a test's RSS growth to *new*; the detail again if it fails the test."""
        level = self.settings.test_growth.level(growth_mb)
        if level is None:
            return []
        assert self.last_rss is not None
        path, line = grouping._location(item)
        new.append(Finding(
            code="memory", kind=KIND_MEMORY, where=item.nodeid, path=path, line=line,
            detail="worker RSS grew {:.1f} MB during the test ({})".format(
                growth_mb, self.settings.test_growth.describe()),
            level=level, worker=self.worker,
            data={"growth_mb": round(growth_mb, 1), "rss_mb": round(self.last_rss / MB, 1)}))
        return [new[-1].detail] if level == FAIL else []

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
        for probe in (self.patchers, self.children):
            if probe.unavailable and probe.unavailable not in self.notes:
                self.notes.append(probe.unavailable)
        if self.tests_run:
            self.workers[self.worker] = self._local_summary()
            self._session_growth_finding(self.worker, self.workers[self.worker])
        if self.worker:
            self.config.workeroutput[WORKEROUTPUT_KEY] = {
                "findings": [finding.to_dict() for finding in self.findings],
                "summary": self.workers.get(self.worker), "notes": self.notes,
                "order": self.order[self.worker]}
            return
        self.findings = dedupe(self.findings)
        order = {worker: tests for worker, tests in sorted(self.order.items()) if tests}
        if self.settings.json_path:
            report.write_json(self.settings.json_path, self.findings, self.workers, self.notes, order,
                              str(self.config.rootpath))
        if any(finding.level == FAIL for finding in self.findings) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_unconfigure(self, config: Any) -> None:
        self.logging.close()  # logging.Logger and importlib.reload as they were
        self.reloads.close()
        super().pytest_unconfigure(config)

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: Any, config: Any) -> None:
        if not self.worker:
            report.write_summary(terminalreporter, self.findings, self.workers, self.notes,
                                 self.settings)
