"""The probes, the watcher, the journal and the replay plugin in-process: each probe's reading,
comparison, description and restore, on changes these tests make and undo themselves."""
import os
import signal
import socket
import sys
import threading
import types
import warnings

from flake8_xdist_safety.runtime import journal, locations, process, replay, state
from flake8_xdist_safety.runtime.findings import Finding
from flake8_xdist_safety.runtime.apps import OverrideProbe
from flake8_xdist_safety.runtime.probes import REBOUND, EnvironProbe, PatcherProbe
from flake8_xdist_safety.runtime.watcher import Watcher

pytest_plugins = ["pytester"]


def _round_trip(probe, change):
    """(descriptions of what *change* left, whether each restore worked); the state is put back."""
    before = probe.snapshot()
    change()
    after = probe.snapshot(before)
    found = probe.changes(before, after)
    described = sorted(probe.describe(key, kind, before, after)[1] for key, kind in found)
    restored = [probe.restore(key, kind, before) for key, kind in found]
    assert probe.changes(before, probe.snapshot()) == [] or not all(restored)
    return described, restored


def test_short_repr_names_functions_drops_addresses_and_cuts():
    assert state.short_repr(len) == "builtins.len"
    assert state.short_repr(object()) == "<object object>"
    assert state.short_repr("x" * 100) == "'" + "x" * 56 + "..."

    class Unprintable:
        def __repr__(self):
            raise RuntimeError("no")

    assert state.short_repr(Unprintable(), 200) == (
        "<test_short_repr_names_functions_drops_addresses_and_cuts.<locals>.Unprintable object>")


def test_cwd_probe_reads_a_removed_directory_and_restores(tmp_path, monkeypatch):
    probe = state.CwdProbe()
    here = os.getcwd()
    assert _round_trip(probe, lambda: os.chdir(str(tmp_path))) == (
        ["working directory changed from {} to {}".format(here, tmp_path)], [True])
    assert os.getcwd() == here
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    removed = probe.snapshot()
    assert removed == {"cwd": None}
    assert probe.restore("cwd", "changed", removed) is False
    assert probe.describe("cwd", "changed", {"cwd": "/a"}, removed)[1] == (
        "working directory changed from /a to a removed directory")


def test_import_path_probe(monkeypatch):
    monkeypatch.setattr(sys, "path", ["/mxs/old"] + sys.path)
    monkeypatch.setattr(sys, "path_hooks", list(sys.path_hooks))
    probe = state.ImportPathProbe()
    first = sys.path[0]
    described, restored = _round_trip(probe, lambda: (sys.path.insert(0, "/mxs/new"), sys.path.remove(first)))
    assert described == ["sys.path changed: added '/mxs/new'; removed {!r}".format(first)]
    assert restored == [True] and sys.path[0] == first
    assert _round_trip(probe, sys.path_hooks.reverse)[0] in (
        [], ["sys.path_hooks changed: reordered"])  # a single hook reversed is the same list
    probe.ignored_additions = lambda entry: entry == "/mxs/ignored"
    assert _round_trip(probe, lambda: sys.path.append("/mxs/ignored")) == ([], [])


def test_modules_probe(monkeypatch):
    import colorsys

    monkeypatch.setitem(sys.modules, "colorsys", colorsys)
    probe = state.ModulesProbe()
    stub = types.ModuleType("colorsys")
    assert _round_trip(probe, lambda: sys.modules.__setitem__("colorsys", stub)) == (
        ["sys.modules['colorsys'] replaced by <module 'colorsys'>"], [True])
    assert sys.modules["colorsys"] is colorsys
    assert _round_trip(probe, lambda: sys.modules.pop("colorsys")) == (
        ["sys.modules['colorsys'] removed"], [True])
    assert sys.modules["colorsys"] is colorsys
    unchanged = probe.snapshot()
    assert probe.snapshot(unchanged) is unchanged
    assert probe.changes(unchanged, unchanged) == []


def test_threads_probe_reports_and_never_stops():
    probe = state.ThreadsProbe()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="mxs-unit")
    try:
        described, restored = _round_trip(probe, thread.start)
        assert described == ["thread 'mxs-unit' started and still running after teardown"]
        assert restored == [False]
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join()
    assert probe.changes({}, {}) == []


def test_children_probe(tmp_path):
    import subprocess

    probe = state.ChildrenProbe()
    children = []
    try:
        described, restored = _round_trip(probe, lambda: children.append(subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(5)"])))
        # The command line is cut at 60 characters, and may still be empty right after the fork.
        [text] = described
        assert text.startswith("child process {} (".format(children[0].pid))
        assert text.endswith(") started and still running after teardown")
        assert restored == [False] and children[0].poll() is None
    finally:
        for child in children:
            child.kill()
            child.wait()
    assert state._running(children[0].pid) is False
    assert state._command_line(2 ** 22 + 1) == "?"
    assert probe.changes({1: None}, {1: None}) == []


def test_children_probe_without_proc(monkeypatch):
    probe = state.ChildrenProbe()
    monkeypatch.setattr(state.os, "open", lambda *args: (_ for _ in ()).throw(OSError("no /proc")))
    assert probe.snapshot() == {}
    assert probe.unavailable == "child processes are not checked (no /proc/PID/task/TID/children here)"
    assert probe.snapshot() == {}


def test_files_probe(tmp_path):
    probe = state.FilesProbe([str(tmp_path), str(tmp_path / "missing")])
    described, restored = _round_trip(probe, lambda: (tmp_path / "left.txt").write_text("x"))
    assert (described, restored) == (["{} created and left behind".format(tmp_path / "left.txt")], [False])


def test_attributes_probe(monkeypatch):
    module = types.ModuleType("mxs_watched")
    module.FLAG = False
    module.DOOMED = 1
    monkeypatch.setitem(sys.modules, "mxs_watched", module)
    probe = state.AttributesProbe(["mxs_watched"])
    assert _round_trip(probe, lambda: setattr(module, "FLAG", True)) == (
        ["mxs_watched.FLAG rebound from False to True"], [True])
    assert module.FLAG is False
    assert _round_trip(probe, lambda: delattr(module, "DOOMED")) == (["mxs_watched.DOOMED deleted"], [True])
    assert _round_trip(probe, lambda: setattr(module, "NEW", 1)) == ([], [])
    before = probe.snapshot()
    del sys.modules["mxs_watched"]
    assert probe.restore(("mxs_watched", "FLAG"), "changed", before) is False


def test_attributes_probe_reuses_its_reading_and_never_lets_a_comparison_fail_the_test(monkeypatch):
    class Opinionated:
        def __eq__(self, other):
            raise ValueError("the truth value of an array is ambiguous")

        __hash__ = object.__hash__

    module = types.ModuleType("mxs_watched")
    config = {"debug": False}
    module.FLAG, module.CONFIG, module.ARRAY = False, config, Opinionated()
    monkeypatch.setitem(sys.modules, "mxs_watched", module)
    notes = []
    watcher = Watcher([state.AttributesProbe(["mxs_watched"])], notes)
    first = watcher.snapshot()
    assert watcher.snapshot(first) is first
    module.__warningregistry__ = {}  # noqa: MXS012 - a dunder: not an attribute the probe reports
    assert watcher.snapshot(first) is first
    module.CONFIG = {"debug": False}  # noqa: MXS012 - an equal value: as before, not a change
    assert watcher.snapshot(first) is first
    module.CONFIG = config  # noqa: MXS012 - the same object again
    module.FLAG = True  # noqa: MXS012 - a module made by this test
    second = watcher.snapshot(first)
    assert [leak.text for leak in watcher.leaks(first, second, set())] == [
        "mxs_watched.FLAG rebound from False to True"]
    module.ARRAY = Opinionated()  # noqa: MXS012 - compared with ==, which raises
    assert (watcher.snapshot(second), watcher.probes) == ({}, [])
    assert notes == ["the module attributes probe (MXS012) is switched off: ValueError: "
                     "the truth value of an array is ambiguous"]


def test_settings_probe_describes_and_restores(monkeypatch):
    probe = process.SettingsProbe()
    old_timeout = socket.getdefaulttimeout()
    try:
        assert _round_trip(probe, lambda: socket.setdefaulttimeout(7.0)) == (
            ["socket default timeout changed from None to 7.0"], [True])
    finally:
        socket.setdefaulttimeout(old_timeout)
    mask = os.umask(0o022)
    os.umask(mask)
    assert _round_trip(probe, lambda: os.umask(0o077)) == (
        ["umask changed from 0o{:03o} to 0o077".format(mask)], [True])
    previous = signal.getsignal(signal.SIGUSR2)
    try:
        assert _round_trip(probe, lambda: signal.signal(signal.SIGUSR2, signal.SIG_IGN)) == (
            ["signal handler of SIGUSR2 changed from {} to <Handlers.SIG_IGN: 1>".format(
                state.short_repr(previous))], [True])
    finally:
        signal.signal(signal.SIGUSR2, previous)
    # A handler installed from C reads as None: it cannot be put back.
    before = probe.snapshot()
    assert probe.restore("signal handler of SIGUSR2", "changed", dict(before, **{
        "signal handler of SIGUSR2": None})) is False
    # A module imported during the test is not a change of its setting.
    unimported = dict(before, **{"socket default timeout": process._NOT_IMPORTED})
    assert probe.changes(unimported, before) == []


def test_settings_of_modules_not_imported_are_not_read(monkeypatch):
    for name in ("socket", "locale", "asyncio.events"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    snapshot = process.SettingsProbe().snapshot()
    assert [name for name, value in snapshot.items() if value is process._NOT_IMPORTED] == [
        "socket default timeout", "locale LC_ALL", "asyncio event loop policy"]


def test_the_settings_reader_reads_what_each_setting_reads(monkeypatch):
    probe = process.SettingsProbe()
    sentinel = object()
    monkeypatch.setattr(sys, "excepthook", sentinel)
    monkeypatch.setattr(sys, "ps2", "... ", raising=False)
    expected = {name: setting.read() for name, setting in probe.settings.items()}
    assert dict(probe.snapshot()) == expected
    assert (expected["sys.excepthook"], expected["sys.ps2"], expected["sys.ps1"]) == (sentinel, "... ", None)
    monkeypatch.delitem(sys.modules, "threading")
    monkeypatch.delitem(sys.modules, "socket")
    assert dict(probe.snapshot()) == {name: setting.read() for name, setting in probe.settings.items()}
    assert [name for name, value in probe.snapshot().items() if value is process._NOT_IMPORTED][:4] == [
        "socket default timeout", "threading trace hook", "threading profile hook", "threading.excepthook"]


def test_pytests_own_thread_excepthook_of_each_phase_is_one_setting(monkeypatch):
    # pytest < 8.4 installs a threading.excepthook of a new object around each test phase.
    def phase_hook():
        namespace = {"__module__": "_pytest.threadexception", "_hook": lambda self, args: None}
        return type("catch_threading_exception", (), namespace)()._hook

    probe = process.SettingsProbe()
    monkeypatch.setattr(threading, "excepthook", phase_hook())
    before = probe.snapshot()
    monkeypatch.setattr(threading, "excepthook", phase_hook())
    after = probe.snapshot(before)
    assert (before["threading.excepthook"], probe.changes(before, after)) == (process.PYTEST_THREAD_HOOK, [])
    mine = phase_hook.__get__(object())  # a bound method of another module's object: the test's
    monkeypatch.setattr(threading, "excepthook", mine)
    assert [probe.describe(key, kind, before, probe.snapshot(after))[1]
            for key, kind in probe.changes(before, probe.snapshot(after))] == [
        "threading.excepthook changed from \"pytest's threading.excepthook of the test phase\" to "
        "test_state_units.test_pytests_own_thread_excepthook_of_ea..."]  # cut at 60 characters


def test_the_umask_is_read_with_one_call_while_it_is_unchanged(monkeypatch):
    real_umask = os.umask
    original = real_umask(0o022)
    real_umask(original)
    calls = []
    monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or real_umask(mask))
    probe = process.SettingsProbe()
    calls.clear()
    first = probe.snapshot()
    assert (first["umask"], calls) == (original, [original])
    real_umask(0o077)
    try:
        calls.clear()
        second = probe.snapshot(first)
        # Set to the last reading, found changed, put back as the test left it.
        assert (second["umask"], calls, real_umask(0o077)) == (0o077, [original, 0o077], 0o077)
        calls.clear()
        assert (probe.snapshot(second) is second, calls) == (True, [0o077])
    finally:
        real_umask(original)
    assert probe.snapshot(second)["umask"] == original


def test_streams_probe(monkeypatch):
    probe = process.StreamsProbe()
    monkeypatch.setattr(warnings, "filters", list(warnings.filters))
    replacement = open(os.devnull, "w")
    try:
        described, restored = _round_trip(probe, lambda: (
            warnings.filterwarnings("ignore", message="mxs", category=UserWarning),
            setattr(sys, "stderr", replacement)))
    finally:
        replacement.close()
    assert described == [
        "sys.stderr replaced by <_io.TextIOWrapper name='/dev/null' mode='w' encoding='UT...",
        "warnings filters changed: added ignore:mxs:UserWarning",
    ]
    assert restored == [True, True]
    assert sys.stderr is not replacement


def test_environ_probe_rebinding_and_restore(monkeypatch):
    probe = EnvironProbe()
    original = os.environ
    monkeypatch.setenv("MXS_UNIT_CHANGED", "1")
    monkeypatch.setenv("MXS_UNIT_REMOVED", "1")
    before = probe.snapshot()
    os.environ["MXS_UNIT_CHANGED"] = "2"
    del os.environ["MXS_UNIT_REMOVED"]
    os.environ["MXS_UNIT_ADDED"] = "1"
    after = probe.snapshot(before)
    for key, change in probe.changes(before, after):
        assert probe.restore(key, change, before) is True
    assert (os.environ["MXS_UNIT_CHANGED"], os.environ["MXS_UNIT_REMOVED"]) == ("1", "1")
    assert "MXS_UNIT_ADDED" not in os.environ
    try:
        os.environ = {"ONLY": "this"}
        rebound = probe.snapshot(before)
        changes = probe.changes(before, rebound)
        assert changes[0] == (REBOUND, "rebound")
        assert probe.describe(REBOUND, "rebound", before, rebound)[1] == (
            "os.environ rebound to another object (dict)")
        assert probe.restore(REBOUND, "rebound", before) is True
        assert os.environ is original
    finally:
        os.environ = original


def test_patcher_and_override_restore():
    from unittest import mock

    probe = PatcherProbe()
    before = probe.snapshot()
    patcher = mock.patch("os.getpid", new=lambda: 0)
    patcher.start()  # noqa: MXS004 - stopped by the probe's restore below (and the conftest's undo)
    after = probe.snapshot()
    [(key, change)] = probe.changes(before, after)
    assert probe.restore(key, change, before) is True
    assert os.getpid() != 0
    assert probe.restore(key, "removed", after) is False  # another's patcher is not restarted
    assert probe.restore(12345, "added", before) is False

    app = types.SimpleNamespace(dependency_overrides={"kept": len})
    overrides = OverrideProbe([("main.app", app)])
    before = overrides.snapshot()
    app.dependency_overrides["kept"] = max
    app.dependency_overrides["new"] = min
    after = overrides.snapshot()
    for key, change in overrides.changes(before, after):
        assert overrides.restore(key, change, before) is True
    assert app.dependency_overrides == {"kept": len}
    assert OverrideProbe([("x", types.SimpleNamespace())]).restore((0, "k"), "added", {}) is False


def test_a_reading_where_nothing_changed_is_the_previous_one(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    class Flaky:
        code, kind, fails = "MXS099", "flaky", False

        def snapshot(self, previous=None):
            if self.fails:
                raise OSError("closed descriptor")
            return previous if previous is not None else {"k": 1}

    notes, flaky = [], Flaky()
    watcher = Watcher([state.ImportPathProbe(), state.CwdProbe(), state.ThreadsProbe(), flaky], notes)
    first = watcher.snapshot()
    assert watcher.snapshot(first) is first
    assert watcher.leaks(first, first, set()) == []
    # A subset of kinds, or a previous reading of other probes, is never handed back whole.
    assert watcher.snapshot(first, kinds={"cwd"}) == {"cwd": first["cwd"]}
    partial = {"cwd": first["cwd"]}
    assert (watcher.snapshot(partial) is partial, watcher.snapshot(partial) == first) == (False, True)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    flaky.fails = True
    second = watcher.snapshot(first)
    assert [second[kind] is first[kind] for kind in ("import path", "cwd", "threads")] == [True, False, True]
    assert "flaky" not in second
    assert notes == ["the flaky probe (MXS099) is switched off: OSError: closed descriptor"]
    assert [leak.text for leak in watcher.leaks(first, second, set())] == [
        "working directory changed from {} to {}".format(tmp_path, tmp_path / "sub")]
    assert watcher.snapshot(second) is second
    # A probe that raises while nothing else changed: switched off, the rest reused.
    flaky.fails = False
    watcher = Watcher([flaky, state.CwdProbe()], notes)
    third = watcher.snapshot()
    flaky.fails = True
    fourth = watcher.snapshot(third)
    assert (fourth is third, fourth, fourth["cwd"] is third["cwd"], len(notes)) == (
        False, {"cwd": third["cwd"]}, True, 2)


def test_comparing_two_readings_never_fails_the_test():
    class Opinionated:
        def __eq__(self, other):
            raise ValueError("ambiguous")

        __hash__ = object.__hash__

    class FreshReadings:
        code, kind = "MXS099", "fresh"

        def snapshot(self, previous=None):
            return {"value": Opinionated()}  # a new dict each time, compared with the last

    notes = []
    watcher = Watcher([FreshReadings()], notes)
    assert watcher.snapshot(watcher.snapshot()) == {}
    assert notes == ["the fresh probe (MXS099) is switched off: ValueError: ambiguous"]


def test_a_probe_that_raises_is_switched_off_once(monkeypatch):
    class Broken:
        code, kind = "MXS099", "broken"

        def __init__(self):
            self.fail_at = "snapshot"

        def snapshot(self, previous=None):
            if self.fail_at == "snapshot":
                raise OSError("closed descriptor")
            return {"k": object()}

        def changes(self, before, after):
            raise ValueError("odd object")

        def restore(self, key, change, before):
            raise RuntimeError("cannot")

    notes = []
    broken = Broken()
    watcher = Watcher([broken, state.CwdProbe()], notes)
    assert list(watcher.snapshot()) == ["cwd"]
    assert notes == ["the broken probe (MXS099) is switched off: OSError: closed descriptor"]
    watcher.switch_off(broken, OSError("again"))  # already off: no second note
    assert len(notes) == 1
    second = Broken()
    second.fail_at = ""
    watcher = Watcher([second], notes)
    assert watcher.leaks(watcher.snapshot(), watcher.snapshot(), set()) == []
    assert notes[-1] == "the broken probe (MXS099) is switched off: ValueError: odd object"
    from flake8_xdist_safety.runtime.watcher import Leak

    leak = Leak(second, "k", "changed", "subject", "text")
    assert watcher.restore(leak, {"broken": {}}) is False
    assert notes[-1] == "could not restore subject (MXS099): RuntimeError: cannot"


def test_journal_round_trip_and_a_torn_last_line(tmp_path):
    record = journal.Journal(str(tmp_path), "gw3")
    finding = Finding(code="MXS014", kind="cwd", where="t.py::a", path="t.py", line=1, detail="d")
    record.start("t.py::a")
    record.done("t.py::a", [finding])
    record.extra([])
    record.extra([finding])
    record.start("t.py::b")
    record.close()
    with open(record.path, "a") as torn:
        torn.write('{"done": "t.py::')
    recovered = journal.read_journal(str(tmp_path), "gw3")
    assert recovered.order == ["t.py::a", "t.py::b"]
    assert [each.worker for each in recovered.findings] == ["gw3", "gw3"]
    assert (recovered.last_done, recovered.running) == ("t.py::a", "t.py::b")
    assert journal.read_journal(str(tmp_path), "gw9") is None


def test_xunit_location_falls_back_to_the_class(tmp_path):
    class NoHooks:
        pass

    request = types.SimpleNamespace(node=types.SimpleNamespace(obj=NoHooks))
    path, line = locations._user_location(request, str(tmp_path))
    assert path.endswith("test_state_units.py") and line > 0
    assert locations._user_location(types.SimpleNamespace(node=None), "/") == ("?", 0)
    builtin = types.SimpleNamespace(node=types.SimpleNamespace(obj=len))
    assert locations._user_location(builtin, "/") == ("?", 0)


def test_replay_runs_exactly_the_listed_order(pytester):
    pytester.makepyfile(test_replayed="""
        import pytest

        @pytest.mark.parametrize("n", [1, 2])
        def test_param(n):
            pass

        def test_victim():
            assert False

        def test_never():
            pass
    """)
    order = pytester.path / "order"
    order.write_text("test_replayed.py::test_param[2]\ntest_replayed.py::gone\n"
                     "test_replayed.py::test_victim@g\n")
    outcome = pytester.path / "outcome"
    result = pytester.runpytest("-p", "flake8_xdist_safety.runtime.replay", "-v",
                                "--xdist-safety-order={}".format(order),
                                "--xdist-safety-outcome={}".format(outcome))
    result.stdout.fnmatch_lines(["*test_param?2? PASSED*", "*test_victim FAILED*"])
    result.assert_outcomes(passed=1, failed=1, deselected=2)
    assert outcome.read_text().splitlines() == ["failed", "missing test_replayed.py::gone"]
    assert replay.read_order(str(order))[0] == "test_replayed.py::test_param[2]"
    # Without an order file the plugin changes nothing and writes nothing.
    outcome.unlink()
    pytester.runpytest("-p", "flake8_xdist_safety.runtime.replay").assert_outcomes(passed=3, failed=1)
    assert not outcome.exists()


def test_interactive_prompts_and_objects_that_print_alike():
    probe = process.SettingsProbe()
    assert not hasattr(sys, "ps1")
    try:
        assert _round_trip(probe, lambda: setattr(sys, "ps1", ">>> ")) == (
            ["sys.ps1 changed from None to '>>> '"], [True])
    finally:
        process._set_prompt("ps1", None)
    assert not hasattr(sys, "ps1")

    class Hook:
        def __repr__(self):
            return "<Hook>"

    before, after = {"sys.excepthook": Hook()}, {"sys.excepthook": Hook()}
    assert probe.describe("sys.excepthook", "changed", before, after)[1] == (
        "sys.excepthook replaced by another <Hook>")


def test_overrides_are_read_only_for_the_apps_a_test_can_reach():
    def module_with_app(name, **more):
        module = types.ModuleType(name)
        module.app = types.SimpleNamespace(dependency_overrides={})
        vars(module).update(more)
        return module

    shared = module_with_app("shared")
    first = module_with_app("test_first", shared=shared)  # reaches shared.app one module further
    second = module_with_app("test_second")
    conftest = module_with_app("conftest")
    apps = [("conftest.app", conftest.app), ("shared.app", shared.app), ("test_first.app", first.app),
            ("test_second.app", second.app)]
    probe = OverrideProbe(apps)
    for _label, app in apps:
        app.dependency_overrides["dep"] = len  # noqa: MXS007 - fakes made by this test
    assert sorted(index for index, _key in probe.snapshot()) == [0, 1, 2, 3]  # before any focus
    assert probe.focus([first, conftest]) is True
    assert probe.focus([first, conftest]) is False
    assert sorted(index for index, _key in probe.snapshot()) == [0, 1, 2]
    probe.focus([second, conftest])
    assert sorted(index for index, _key in probe.snapshot()) == [0, 3]
    # A module many test modules import is looked through once, not once per test module.
    third = module_with_app("test_third", shared=shared)
    probe.focus([third, conftest])
    assert sorted(index for index, _key in probe.snapshot()) == [0, 1]
    assert sorted(probe._in_globals) == sorted(map(id, [shared, first, second, conftest, third]))
