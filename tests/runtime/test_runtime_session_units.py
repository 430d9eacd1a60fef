"""``RuntimeChecks`` hook by hook, on hand-made configs, items and fixture definitions: the paths a
pytester run reaches only in a worker subprocess (coverage does not follow those) or on odd input."""
import io
import json
import os
import sys
import types
from unittest import mock

import pytest

from flake8_xdist_safety.runtime import grouping, locations
from flake8_xdist_safety.runtime.findings import FAIL, KIND_MEMORY, WARN, Finding
from flake8_xdist_safety.runtime.memory import MB
from flake8_xdist_safety.runtime.session import WORKEROUTPUT_KEY, RuntimeChecks
from flake8_xdist_safety.runtime.settings import Settings, Threshold

pytest_plugins = ["pytester"]

OFF = Threshold(None, None)


class FakePluginManager:
    def __init__(self, plugins):
        self.plugins = list(plugins)

    def get_plugins(self):
        return list(self.plugins)


class FakeConfig:
    """What RuntimeChecks reads of ``pytest.Config`` (a worker's has workerinput and workeroutput)."""

    def __init__(self, rootpath, workerid=None, loadgroup=False, plugins=()):
        if workerid is not None:
            self.workerinput = {"workerid": workerid}
            self.workeroutput = {}
        self.rootpath = rootpath
        self.loadgroup = loadgroup
        self.pluginmanager = FakePluginManager(plugins)

    def getvalue(self, name):
        assert name == "loadgroup"
        return self.loadgroup


class FakeItem:
    def __init__(self, nodeid, marks=(), module=None, root="/proj", line=0):
        relative = nodeid.split("::")[0]
        self.nodeid = nodeid
        self.marks = list(marks)
        self.path = os.path.join(str(root), relative)
        self.location = (relative, line, nodeid.split("::")[-1])
        self.module = module

    def iter_markers(self, name):
        return iter([mark for mark in self.marks if mark.name == name])


class ItemWithoutModule(FakeItem):
    """A non-Python item whose ``module`` raises (as some plugins' items do)."""

    @property
    def module(self):
        raise RuntimeError("no module here")

    @module.setter
    def module(self, value):
        pass


class FakeFixtureDef:
    def __init__(self, argname, scope, func):
        self.argname, self.scope, self.func = argname, scope, func
        self.finalizers = []

    def addfinalizer(self, finalizer):
        self.finalizers.append(finalizer)


def _settings(strict=True, json_path=None, test_growth=OFF, session_growth=OFF):
    return Settings(strict=strict, count_mocks=False, json_path=json_path,
                    test_growth=test_growth, session_growth=session_growth)


def _checks(tmp_path, settings=None, rss=None, **config):
    checks = RuntimeChecks(FakeConfig(tmp_path, **config), settings or _settings())
    if rss is not None:  # RSS readings in MB, in order
        readings = iter(rss)
        checks.read_rss = lambda: int(next(readings) * MB)
        checks.rss_source = "fake"
    else:
        checks.read_rss = None
    return checks


def _env_leak_detail(name):
    return "os.environ[{!r}] added".format(name)


# -- collection -------------------------------------------------------------------------------------------

GROUP = pytest.mark.xdist_group(name="db").mark


def test_collection_on_a_loadgroup_worker_checks_suffixes_apps_and_conftest_marks(tmp_path):
    app = types.SimpleNamespace(dependency_overrides={})
    test_module = types.ModuleType("test_api")
    test_module.app = app
    conftest = types.ModuleType("conftest")
    conftest.__file__ = str(tmp_path / "conftest.py")
    conftest.pytestmark = pytest.mark.xdist_group("all")
    conftest.settings_app = types.SimpleNamespace(dependency_overrides={})
    other_plugin = types.ModuleType("helpers")
    other_plugin.__file__ = str(tmp_path / "helpers.py")
    other_plugin.helper_app = types.SimpleNamespace(dependency_overrides={})
    items = [
        FakeItem("test_api.py::test_grouped", [GROUP], module=test_module, root=tmp_path),
        FakeItem("test_api.py::test_free", module=test_module, root=tmp_path),
        ItemWithoutModule("data.yaml::case", root=tmp_path),
        FakeItem("test_api.py::test_odd", [GROUP], module="not a module", root=tmp_path),
    ]
    checks = _checks(tmp_path, workerid="gw3", loadgroup=True, plugins=[conftest, other_plugin, object()])
    checks.pytest_collection_finish(types.SimpleNamespace(items=items))
    # Apps from the test modules and conftests, not from other plugin modules.
    assert checks.overrides.apps == [("conftest.settings_app", conftest.settings_app), ("test_api.app", app)]
    assert [(f.code, f.where, f.path, f.line, f.worker) for f in checks.findings] == [
        ("MXS011", "data.yaml", "conftest.py", 1, "gw3"),
        ("MXS011", "test_api.py", "conftest.py", 1, "gw3"),
        ("MXS011", "test_api.py::test_grouped", "test_api.py", 1, "gw3"),
    ]
    assert checks.findings[1].data == {"tests": ["test_api.py::test_free"]}
    assert checks.findings[2].data == {"tests": ["test_api.py::test_grouped", "test_api.py::test_odd"],
                                       "versions": grouping._versions()}


@pytest.mark.parametrize("config", [
    {"workerid": None, "loadgroup": True},
    {"workerid": "gw0", "loadgroup": False},
], ids=["controller", "worker-without-loadgroup"])
def test_suffixes_are_checked_only_on_a_loadgroup_worker(tmp_path, config):
    checks = _checks(tmp_path, **config)
    checks.pytest_collection_finish(types.SimpleNamespace(items=[FakeItem("test_a.py::test_one", [GROUP])]))
    assert checks.findings == []


# -- each test ---------------------------------------------------------------------------------------------

def test_a_setup_with_the_previous_test_still_open_finishes_it_without_failing(tmp_path, monkeypatch):
    checks = _checks(tmp_path)
    first, second = FakeItem("test_a.py::test_one", line=2), FakeItem("test_a.py::test_two", line=5)
    checks.pytest_runtest_setup(first)
    monkeypatch.setenv("MXS_SESSION_UNIT", "1")
    checks.pytest_runtest_setup(second)  # strict, yet no failure: the teardown of test_one never came
    assert checks.tests_run == 1
    assert [(f.code, f.where, f.path, f.line, f.detail) for f in checks.findings] == [
        ("MXS003", "test_a.py::test_one", "test_a.py", 3, _env_leak_detail("MXS_SESSION_UNIT"))]
    checks.pytest_runtest_teardown(second, None)
    assert checks.tests_run == 2 and len(checks.findings) == 1


def test_a_teardown_with_no_test_open_does_nothing(tmp_path):
    checks = _checks(tmp_path)
    item = FakeItem("test_a.py::test_one")
    checks.pytest_runtest_teardown(item, None)
    protocol = checks.pytest_runtest_protocol(item, None)
    next(protocol)
    with pytest.raises(StopIteration):
        protocol.send(None)
    assert (checks.tests_run, checks.findings) == (0, [])


def test_the_wrappers_are_new_style_and_hand_back_the_result_or_the_error(tmp_path, monkeypatch):
    assert [RuntimeChecks.pytest_runtest_protocol.pytest_impl[option] for option in (
        "wrapper", "hookwrapper", "tryfirst")] == [True, False, True]
    assert RuntimeChecks.pytest_fixture_setup.pytest_impl["wrapper"] is True
    assert RuntimeChecks.pytest_make_collect_report.pytest_impl["wrapper"] is True
    checks = _checks(tmp_path)
    first, second = FakeItem("test_p.py::test_one", line=1), FakeItem("test_p.py::test_two", line=4)
    protocol = checks.pytest_runtest_protocol(first, second)
    next(protocol)
    with pytest.raises(StopIteration) as done:
        protocol.send(True)
    assert done.value.value is True
    reading = checks._last_outer
    protocol = checks.pytest_runtest_protocol(second, None)
    next(protocol)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # left replaced when the protocol fails
    with pytest.raises(KeyboardInterrupt):
        protocol.throw(KeyboardInterrupt())
    # The protocol's end is still read and reported.
    assert checks._last_outer is not reading
    assert checks.order[""] == ["test_p.py::test_one", "test_p.py::test_two"]
    assert [(f.code, f.where, f.line, f.detail[:32]) for f in checks.findings] == [
        ("MXS016", "test_p.py::test_two", 5, "sys.stdout replaced by <_io.Stri")]


def test_a_strict_leak_fails_the_test_at_teardown(tmp_path, monkeypatch):
    checks = _checks(tmp_path)
    item = FakeItem("test_a.py::test_one")
    checks.pytest_runtest_setup(item)
    monkeypatch.setenv("MXS_SESSION_UNIT", "1")
    with pytest.raises(pytest.fail.Exception) as failure:
        checks.pytest_runtest_teardown(item, None)
    assert str(failure.value) == "flake8-xdist-safety: " + _env_leak_detail("MXS_SESSION_UNIT")


def test_memory_growth_warns_then_fails_the_test_and_is_kept_for_the_json_report(tmp_path):
    settings = _settings(json_path=str(tmp_path / "r.json"), test_growth=Threshold(10.0, 20.0))
    # Readings: before the first test, after it, after the second (the second reuses the first's).
    checks = _checks(tmp_path, settings, rss=[100.0, 115.0, 140.0])
    one, two = FakeItem("test_m.py::test_one", line=3), FakeItem("test_m.py::test_two", line=8)
    checks.pytest_runtest_setup(one)
    checks.pytest_runtest_teardown(one, two)  # 15 MB: a warning only
    checks.pytest_runtest_setup(two)
    with pytest.raises(pytest.fail.Exception) as failure:
        checks.pytest_runtest_teardown(two, None)  # 25 MB: past the fail level
    assert str(failure.value) == ("flake8-xdist-safety: worker RSS grew 25.0 MB during the test "
                                  "(warn at 10 MB, fail at 20 MB)")
    assert [(f.kind, f.where, f.line, f.level, f.data) for f in checks.findings] == [
        (KIND_MEMORY, "test_m.py::test_one", 4, WARN, {"growth_mb": 15.0, "rss_mb": 115.0}),
        (KIND_MEMORY, "test_m.py::test_two", 9, FAIL, {"growth_mb": 25.0, "rss_mb": 140.0}),
    ]
    assert checks.findings[0].detail == ("worker RSS grew 15.0 MB during the test "
                                         "(warn at 10 MB, fail at 20 MB)")
    assert checks.rss_per_test == [["test_m.py::test_one", 115.0, 15.0], ["test_m.py::test_two", 140.0, 25.0]]
    assert checks._local_summary() == {"rss_source": "fake", "tests": 2, "first_mb": 100.0, "last_mb": 140.0,
                                       "rss_per_test": checks.rss_per_test}


def test_memory_fail_level_errors_the_test_without_strict_mode_but_leaks_do_not(tmp_path, monkeypatch):
    checks = _checks(tmp_path, _settings(strict=False, test_growth=Threshold(None, 5.0)), rss=[10.0, 16.0])
    item = FakeItem("test_m.py::test_one")
    checks.pytest_runtest_setup(item)
    monkeypatch.setenv("MXS_SESSION_UNIT", "1")
    with pytest.raises(pytest.fail.Exception) as failure:
        checks.pytest_runtest_teardown(item, None)
    assert str(failure.value) == "flake8-xdist-safety: worker RSS grew 6.0 MB during the test (fail at 5 MB)"
    assert [(f.code, f.level, f.detail) for f in checks.findings] == [
        ("MXS003", WARN, _env_leak_detail("MXS_SESSION_UNIT")),
        ("memory", FAIL, "worker RSS grew 6.0 MB during the test (fail at 5 MB)")]
    assert checks.rss_per_test == []  # no JSON report asked for


def test_memory_growth_just_below_the_warn_level_is_no_finding(tmp_path):
    checks = _checks(tmp_path, _settings(test_growth=Threshold(10.0, None)), rss=[100.0, 109.5, 119.5])
    one, two = FakeItem("test_m.py::test_one"), FakeItem("test_m.py::test_two")
    for item in (one, two):
        checks.pytest_runtest_setup(item)
        checks.pytest_runtest_teardown(item, None)
    assert [(f.where, f.level, f.data) for f in checks.findings] == [
        ("test_m.py::test_two", WARN, {"growth_mb": 10.0, "rss_mb": 119.5})]


def test_a_test_functions_module_is_asked_once_per_parent_node(pytester, tmp_path, monkeypatch):
    pytester.makepyfile(test_one="class TestA:\n    def test_a(self): pass\n    def test_b(self): pass\n"
                                 "def test_c(): pass\ndef test_d(): pass\n",
                        test_two="def test_e(): pass\n")
    items, _records = pytester.inline_genitems()
    asked = []
    real = pytest.Function.module
    monkeypatch.setattr(pytest.Function, "module",
                        property(lambda item: asked.append(item.name) or real.fget(item)))
    checks = _checks(tmp_path)
    assert [checks._module_of(item).__name__ for item in items] == ["test_one"] * 4 + ["test_two"]
    assert asked == ["test_a", "test_c", "test_e"]
    assert checks._module_of(FakeItem("test_x.py::test_x", module=types.ModuleType("test_x"))) is None


def test_without_an_rss_reader_there_are_no_memory_figures(tmp_path):
    checks = _checks(tmp_path, _settings(test_growth=Threshold(0.001, None)))
    item = FakeItem("test_m.py::test_one")
    checks.pytest_runtest_setup(item)
    checks.pytest_runtest_teardown(item, None)
    assert (checks.tests_run, checks.findings, checks.first_rss, checks.last_rss) == (1, [], None, None)
    assert checks._local_summary() == {"rss_source": checks.rss_source, "tests": 1, "first_mb": None,
                                       "last_mb": None, "rss_per_test": []}


# -- wider fixtures ----------------------------------------------------------------------------------------

def configured():
    pass


def test_a_module_fixture_finalized_after_the_last_test_is_reported_as_the_fixture(tmp_path, monkeypatch):
    checks = _checks(tmp_path)
    item = FakeItem("test_f.py::test_one")
    fixturedef = FakeFixtureDef("configured", "module", configured)
    checks.pytest_runtest_setup(item)
    wrapper = checks.pytest_fixture_setup(fixturedef, None)
    next(wrapper)
    monkeypatch.setenv("MXS_SESSION_FIXTURE", "1")  # what the fixture sets up
    with pytest.raises(StopIteration):
        next(wrapper)
    # Keys are os.environ's own (encoded) keys: the probe copies its raw mapping.
    assert checks._current.excused == {("environ", os.environ.encodekey("MXS_SESSION_FIXTURE"))}
    checks.pytest_runtest_teardown(item, None)  # excused for the test
    assert checks.findings == []
    [finalizer] = fixturedef.finalizers
    finalizer()  # runs before the fixture's own teardown, which here restores nothing
    checks.pytest_fixture_post_finalizer(fixturedef, None)  # no test open any more
    path = os.path.relpath(__file__, str(tmp_path))
    assert [(f.code, f.where, f.path, f.line, f.detail, f.data) for f in checks.findings] == [
        ("MXS003", "fixture configured (scope=module)", path, configured.__code__.co_firstlineno,
         _env_leak_detail("MXS_SESSION_FIXTURE") + " (still so after the fixture's teardown)",
         {"subject": "MXS_SESSION_FIXTURE", "change": "added"})]
    # A second finalization of the same definition (its state is gone) reports nothing more.
    checks.pytest_fixture_post_finalizer(fixturedef, None)
    assert len(checks.findings) == 1


def test_function_fixtures_and_fixtures_outside_a_test_are_not_watched(tmp_path):
    checks = _checks(tmp_path)
    function_scoped = FakeFixtureDef("tmp", "function", configured)
    session_scoped = FakeFixtureDef("db", "session", configured)
    for fixturedef in (function_scoped, session_scoped):
        wrapper = checks.pytest_fixture_setup(fixturedef, None)  # no test open
        next(wrapper)
        with pytest.raises(StopIteration):
            next(wrapper)
        assert fixturedef.finalizers == []
    checks._before_finalize(12345)  # an id it never saw: nothing to record
    assert checks._wide_fixtures == {}


def test_source_of_what_has_no_python_source(tmp_path, monkeypatch):
    def location(func):
        return locations.fixture_location(types.SimpleNamespace(func=func), None, str(tmp_path))

    assert location(len) == ("?", 0)
    assert location(types.SimpleNamespace()) == ("?", 0)

    def other_drive(path, start):
        raise ValueError("path is on mount 'C:', start on mount 'D:'")

    monkeypatch.setattr(locations.os.path, "relpath", other_drive)
    assert location(configured) == (__file__, configured.__code__.co_firstlineno)


# -- the session's end -------------------------------------------------------------------------------------

def test_sessionfinish_on_the_controller_closes_the_test_totals_and_fails_the_run(tmp_path, monkeypatch):
    json_path = tmp_path / "report" / "xdist-safety.json"
    settings = _settings(json_path=str(json_path), session_growth=Threshold(10.0, 30.0))
    checks = _checks(tmp_path, settings, rss=[200.0, 240.0])
    checks.patchers.unavailable = "patchers are not checked"
    checks.pytest_runtest_setup(FakeItem("test_s.py::test_one"))  # never torn down
    monkeypatch.setenv("MXS_SESSION_END", "1")
    run = types.SimpleNamespace(exitstatus=0)
    checks.pytest_sessionfinish(run, 0)
    assert run.exitstatus == pytest.ExitCode.TESTS_FAILED
    assert [(f.code, f.where, f.level, f.detail) for f in checks.findings] == [
        ("memory", "session", FAIL, "worker RSS grew 40.0 MB over 1 tests (warn at 10 MB, fail at 30 MB)"),
        ("MXS003", "test_s.py::test_one", WARN, _env_leak_detail("MXS_SESSION_END")),
    ]
    assert checks.notes == ["patchers are not checked"]
    document = json.loads(json_path.read_text())
    assert document["workers"] == {"": {"rss_source": "fake", "tests": 1, "first_mb": 200.0, "last_mb": 240.0,
                                        "rss_per_test": [["test_s.py::test_one", 240.0, 40.0]]}}
    assert [f["detail"] for f in document["findings"]] == [f.detail for f in checks.findings]
    assert document["notes"] == ["patchers are not checked"]


def test_sessionfinish_keeps_a_failed_exit_status(tmp_path):
    checks = _checks(tmp_path, _settings(session_growth=Threshold(None, 1.0)), rss=[1.0, 5.0])
    item = FakeItem("test_s.py::test_one")
    checks.pytest_runtest_setup(item)
    checks.pytest_runtest_teardown(item, None)
    run = types.SimpleNamespace(exitstatus=pytest.ExitCode.INTERRUPTED)
    checks.pytest_sessionfinish(run, run.exitstatus)
    assert run.exitstatus == pytest.ExitCode.INTERRUPTED
    assert [(f.where, f.level) for f in checks.findings] == [("session", FAIL)]


def test_sessionfinish_on_a_worker_sends_everything_to_the_controller(tmp_path, monkeypatch):
    checks = _checks(tmp_path, _settings(session_growth=Threshold(1.0, None)), rss=[50.0, 52.0],
                     workerid="gw1")
    checks.notes.append("a note")
    item = FakeItem("test_w.py::test_one")
    protocol = checks.pytest_runtest_protocol(item, None)
    next(protocol)
    checks.pytest_runtest_setup(item)
    monkeypatch.setenv("MXS_SESSION_WORKER", "1")
    # A fixture's teardown raised before our teardown hook: the test is closed when its protocol ends.
    with pytest.raises(StopIteration):
        protocol.send(None)
    run = types.SimpleNamespace(exitstatus=0)
    checks.pytest_sessionfinish(run, 0)
    assert run.exitstatus == 0  # the controller decides
    sent = checks.config.workeroutput[WORKEROUTPUT_KEY]
    assert [(f["code"], f["where"], f["worker"], f["detail"]) for f in sent["findings"]] == [
        ("MXS003", "test_w.py::test_one", "gw1", _env_leak_detail("MXS_SESSION_WORKER")),
        ("memory", "session", "gw1", "worker RSS grew 2.0 MB over 1 tests (warn at 1 MB)"),
    ]
    assert sent["summary"] == {"rss_source": "fake", "tests": 1, "first_mb": 50.0, "last_mb": 52.0,
                               "rss_per_test": []}
    assert sent["notes"] == ["a note"]
    terminal = types.SimpleNamespace(write_sep=mock.Mock(), write_line=mock.Mock())
    checks.pytest_terminal_summary(terminal, 0, checks.config)  # a worker prints nothing
    assert terminal.write_sep.call_count == terminal.write_line.call_count == 0


def test_sessionfinish_of_a_worker_that_ran_no_test_sends_no_summary(tmp_path):
    checks = _checks(tmp_path, workerid="gw2")
    checks.pytest_sessionfinish(types.SimpleNamespace(exitstatus=0), 0)
    assert checks.config.workeroutput[WORKEROUTPUT_KEY] == {"findings": [], "summary": None, "notes": [],
                                                            "order": []}
    assert checks.workers == {}


def test_no_session_growth_without_both_figures(tmp_path):
    checks = _checks(tmp_path, _settings(session_growth=Threshold(0.001, None)))
    checks._session_growth_finding("gw0", {"first_mb": None, "last_mb": 10.0, "tests": 1})
    checks._session_growth_finding("gw0", {"first_mb": 10.0, "tests": 1})
    checks._session_growth_finding("gw0", {"first_mb": 10.0, "last_mb": 10.0, "tests": 1})  # no growth
    assert checks.findings == []


class FakeNode:
    def __init__(self, gateway_id=None, workeroutput=None):
        if gateway_id is not None:
            self.gateway = types.SimpleNamespace(id=gateway_id)
        if workeroutput is not None:
            self.workeroutput = workeroutput


def test_testnodedown_merges_each_workers_findings_summary_and_notes(tmp_path):
    checks = _checks(tmp_path)
    finding = Finding(code="MXS003", kind="environ", where="t.py::test", path="t.py", line=3,
                      detail=_env_leak_detail("A"), worker="ignored")
    summary = {"rss_source": "fake", "tests": 2, "first_mb": 1.0, "last_mb": 2.0, "rss_per_test": []}
    checks.notes.append("shared note")
    checks.pytest_testnodedown(FakeNode("gw0", {WORKEROUTPUT_KEY: {
        "findings": [finding.to_dict()], "summary": summary, "notes": ["shared note", "gw0 note"]}}), None)
    checks.pytest_testnodedown(FakeNode("gw1", {WORKEROUTPUT_KEY: {"notes": ["gw0 note"]}}), None)
    checks.pytest_testnodedown(FakeNode("gw2", {"other_plugin": {}}), None)
    checks.pytest_testnodedown(FakeNode("gw3"), RuntimeError("worker crashed"))
    checks.pytest_testnodedown(FakeNode(), None)
    assert checks.findings == [Finding.from_dict(finding.to_dict(), "gw0")]
    assert checks.workers == {"gw0": summary}
    assert checks.workers["gw0"] is not summary  # a copy
    assert checks.notes == [
        "shared note", "gw0 note",
        "worker gw2 went down without sending its findings (no --xdist-safety data)",
        "worker gw3 went down without sending its findings (worker crashed)",
        "worker ? went down without sending its findings (no --xdist-safety data)",
    ]
