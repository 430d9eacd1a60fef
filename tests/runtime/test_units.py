"""The runtime plugin's pure parts: thresholds, patch targets, app discovery, findings."""
import abc
import inspect
import json
import os
import types
from unittest import mock

import pytest

from flake8_xdist_safety.runtime.findings import Finding, dedupe
from flake8_xdist_safety.runtime.memory import rss_reader
from flake8_xdist_safety.runtime.apps import find_apps
from flake8_xdist_safety.runtime.probes import EnvironProbe, patch_target
from flake8_xdist_safety.runtime.settings import Threshold, ThresholdError, parse_threshold


@pytest.mark.parametrize("text, expected", [
    ("100", Threshold(100.0, None)),
    ("300,600", Threshold(300.0, 600.0)),
    ("off,600", Threshold(None, 600.0)),
    ("off", Threshold(None, None)),
    (" 2.5 , 10 ", Threshold(2.5, 10.0)),
])
def test_parse_threshold(text, expected):
    assert parse_threshold(text, "--opt") == expected


@pytest.mark.parametrize("text, message", [
    ("x", "--opt: 'x' is not a number of megabytes"),
    ("-1", "--opt: '-1' must be above 0 (use 'off' to turn a level off)"),
    ("600,300", "--opt: the fail level 300 is below the warn level 600"),
    ("1,2,3", "--opt: expected WARN[,FAIL] in MB, got '1,2,3'"),
])
def test_parse_threshold_errors(text, message):
    with pytest.raises(ThresholdError) as error:
        parse_threshold(text, "--opt")
    assert str(error.value) == message


def test_threshold_levels():
    threshold = Threshold(100.0, 200.0)
    assert [threshold.level(mb) for mb in (99.9, 100.0, 199.0, 200.0)] == [None, "warn", "warn", "fail"]
    assert threshold.describe() == "warn at 100 MB, fail at 200 MB"
    assert Threshold(None, None).describe() == "off"


class Service:
    def call(self):
        pass


@pytest.mark.parametrize("make, expected", [
    (lambda: mock.patch("os.path.join", new=None), "os.path.join"),
    (lambda: mock.patch.object(os.path, "join", None), os.path.__name__ + ".join"),
    (lambda: mock.patch.object(Service, "call", None), __name__ + ".Service.call"),
    (lambda: mock.patch.object(Service(), "call", None), "<Service instance>.call"),
    (lambda: mock.patch.dict(os.environ, {}), "os.environ (patch.dict)"),
    (lambda: mock.patch.dict("os.environ", {}), "os.environ (patch.dict)"),
    (lambda: mock.patch.dict({}, {}), "<dict> (patch.dict)"),
    (lambda: mock.patch.multiple("os", getpid=None, getppid=None),
     "os.getpid, os.getppid"),
])
def test_patch_target(make, expected):
    # Patchers are built, never started: new= keeps them from making mocks.
    assert patch_target(make()) == expected


# A mock in a module's globals is the point of this test.
def test_find_apps_reads_globals_one_level_down_and_never_creates_mock_attributes():  # noqa: MXS001
    class App:
        def __init__(self):
            self.dependency_overrides = {}

    app_module = types.ModuleType("service.main")
    app_module.app = App()
    test_module = types.ModuleType("test_api")
    test_module.main = app_module
    test_module.client_mock = mock.MagicMock()
    test_module.same_app = app_module.app
    assert find_apps([test_module]) == [("service.main.app", app_module.app)]
    # A plain getattr() would have created the attribute on the mock.
    assert "dependency_overrides" not in dir(test_module.client_mock)


class App:
    def __init__(self):
        self.dependency_overrides = {}


class ClassLevelOverrides:
    dependency_overrides = {}


class OwnDictProperty:
    """Replaces the standard ``__dict__``: only getattr_static knows what it then looks at."""

    @property
    def __dict__(self):
        return {"dependency_overrides": {}}


class AbstractService(abc.ABC):
    pass


def test_find_apps_asks_getattr_static_only_about_unusual_objects(monkeypatch):
    def handler():
        pass

    handler.dependency_overrides = {}  # a function's own namespace is still read
    namespace = types.ModuleType("deps")
    namespace.dependency_overrides = {}
    quiet = types.ModuleType("quiet")
    test_module = types.ModuleType("test_api")
    app, by_class, odd = App(), ClassLevelOverrides(), OwnDictProperty()
    vars(test_module).update(handler=handler, plain=lambda: None, number=1, text="t", nothing=None,
                             builtin=len, method=str.join, slot=object.__init__, bound=[].append,
                             overrides={}, quiet=quiet, deps=namespace, App=App, app=app,
                             by_class=by_class, Holder=ClassLevelOverrides, odd=odd,
                             Abstract=AbstractService)
    asked = []
    real_getattr_static = inspect.getattr_static
    monkeypatch.setattr(inspect, "getattr_static",
                        lambda obj, *args: asked.append(obj) or real_getattr_static(obj, *args))
    # A module's own dependency_overrides global makes no app of the module (its values are read).
    assert find_apps([test_module]) == [
        ("test_api.Holder", ClassLevelOverrides), ("test_api.app", app), ("test_api.by_class", by_class),
        ("test_api.handler", handler)]
    # Asked: the class that names it, an instance of it, what replaces __dict__, an ABC.
    assert asked == [AbstractService, ClassLevelOverrides, by_class, odd]


def test_environ_probe_reports_keys_never_values(monkeypatch):
    probe = EnvironProbe()
    before = probe.snapshot()
    assert probe.snapshot(before) is before  # unchanged: the previous copy is reused
    monkeypatch.setenv("MXS_UNIT", "secret")
    after = probe.snapshot(before)
    assert after is not before
    [(key, change)] = probe.changes(before, after)
    assert probe.describe(key, change, before, after) == ("MXS_UNIT", "os.environ['MXS_UNIT'] added")


def test_findings_round_trip_and_dedupe():
    finding = Finding(code="MXS003", kind="environ", where="t.py::test", path="t.py", line=3,
                      detail="os.environ['A'] added", worker="gw1", data={"subject": "A"})
    raw = json.loads(json.dumps(finding.to_dict()))  # what execnet and the JSON report carry
    assert raw["rule_page"] == "docs/rules/MXS003.md"
    assert Finding.from_dict(raw) == finding
    session_gw0 = Finding(code="memory", kind="memory", where="session", path="", line=0,
                          detail="grew", worker="gw0")
    session_gw1 = Finding.from_dict(session_gw0.to_dict(), "gw1")
    same_fixture_twice = [Finding.from_dict(finding.to_dict(), worker) for worker in ("gw1", "gw0")]
    assert dedupe([session_gw1, session_gw0, *same_fixture_twice]) == [
        session_gw0, session_gw1, Finding.from_dict(finding.to_dict(), "gw0")]
    assert Finding(code="memory", kind="memory", where="s", path="", line=0, detail="").rule_page == ""


def test_rss_reader_names_its_source():
    reader, source = rss_reader()
    if reader is None:  # pragma: no cover - Windows
        assert source == "unavailable on this platform"
        return
    assert source in ("/proc/self/statm (current RSS)", "resource.getrusage ru_maxrss (peak RSS)")
    assert reader() > 1024 * 1024
