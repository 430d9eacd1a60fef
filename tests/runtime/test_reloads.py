"""Modules reloaded by a test (MXS013 at run time): the probe hears of each ``importlib.reload``
and compares the module's namespace before the test's first reload of it with the one after."""
import importlib
import sys
import types

import pytest

from flake8_xdist_safety.runtime.reloads import ReloadProbe, reload_probe

pytest_plugins = ["pytester"]


@pytest.fixture
def probe():
    probe = reload_probe()
    yield probe
    probe.close()


@pytest.fixture
def module(tmp_path, monkeypatch):
    """A module of one function and one value, importable as ``mxs_reloaded``."""
    (tmp_path / "mxs_reloaded.py").write_text("import os\n\nVALUE = os.environ.get('MXS_VALUE', 'a')\n\n\n"
                                              "def helper():\n    return VALUE\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "mxs_reloaded", raising=False)
    imported = importlib.import_module("mxs_reloaded")
    yield imported
    sys.modules.pop("mxs_reloaded", None)


def test_a_reload_is_reported_with_what_it_replaced_and_put_back(probe, module, monkeypatch):
    helper = module.helper
    before = probe.snapshot()
    monkeypatch.setenv("MXS_VALUE", "b")
    importlib.reload(module)
    after = probe.snapshot(before)
    found = probe.changes(before, after)
    assert [probe.describe(key, kind, before, after) for key, kind in found] == [
        ("sys.modules['mxs_reloaded']",
         "module 'mxs_reloaded' reloaded: 2 of its attributes are other objects now (VALUE, helper)")]
    assert [probe.restore(key, kind, before) for key, kind in found] == [True]
    assert (module.VALUE, module.helper) == ("a", helper)


def test_nothing_is_read_while_nothing_is_reloaded(probe):
    first = probe.snapshot()
    assert probe.snapshot(first) is first
    assert probe.changes(first, first) == []


def test_a_module_of_values_reloaded_back_is_no_change(probe, tmp_path, monkeypatch):
    (tmp_path / "mxs_values.py").write_text("import os\n\nVALUE = os.environ.get('MXS_VALUE', 'a')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    values = importlib.import_module("mxs_values")
    try:
        before = probe.snapshot()
        with monkeypatch.context() as patched:
            patched.setenv("MXS_VALUE", "b")
            importlib.reload(values)
            assert values.VALUE == "b"
        importlib.reload(values)
        assert probe.changes(before, probe.snapshot(before)) == []
    finally:
        sys.modules.pop("mxs_values", None)


def test_readings_inside_the_window_take_nothing_from_it(probe, module):
    # A wider fixture's own readings inside a test's window (set up halfway through it).
    before = probe.snapshot()
    importlib.reload(module)
    inner_before = probe.snapshot()
    inner_after = probe.snapshot(inner_before)
    assert probe.changes(inner_before, inner_after) == []
    assert probe.changes(before, probe.snapshot(inner_after)) == [("mxs_reloaded", "reloaded")]


def test_the_wrapper_never_stands_in_the_way_and_close_puts_reload_back():
    original = importlib.reload
    probe = ReloadProbe()
    probe.install()
    try:
        assert importlib.reload is not original and importlib.reload.__wrapped__ is original
        nameless = types.ModuleType("mxs_nameless")
        del nameless.__name__
        with pytest.raises(Exception):  # noqa: B017 - whatever the reload itself raises
            importlib.reload(nameless)
        reading = probe.snapshot()
        assert (dict(reading), reading.heard, probe._heard._kept) == ({}, 1, [])  # the reading's own tick
    finally:
        probe.close()
    assert importlib.reload is original


def test_an_old_namespace_is_kept_only_while_a_window_can_ask_for_it(probe, module):
    import gc
    import weakref

    old_helper = weakref.ref(module.helper)
    before = probe.snapshot()
    for _ in range(3):  # one namespace kept for the window, not three
        importlib.reload(module)
    after = probe.snapshot(before)
    assert probe.changes(before, after) == [("mxs_reloaded", "reloaded")]
    assert len(probe._heard._kept) == 1
    del before, after
    probe.snapshot()  # a reading with no older one alive: nothing is kept
    gc.collect()
    assert (probe._heard._kept, old_helper()) == ([], None)


SUITE = """
    import importlib

    import pytest

    import mxs_app

    @pytest.fixture(scope="module")
    def reloaded_for_the_module():
        importlib.reload(mxs_app)

    def test_reloads():
        importlib.reload(mxs_app)

    def test_fixture(reloaded_for_the_module):
        pass

    def test_quiet():
        assert mxs_app.make()
"""


def test_reloads_found_the_same_serial_and_under_xdist_and_put_back(pytester, run_checks):
    pytester.makepyfile(mxs_app="class Thing:\n    pass\n\n\ndef make():\n    return Thing()\n",
                        test_reloading=SUITE)
    expected = [
        ("MXS013", "fixture reloaded_for_the_module (scope=module)",
         "module 'mxs_app' reloaded: 2 of its attributes are other objects now (Thing, make) "
         "(still so after the fixture's teardown)"),
        ("MXS013", "test_reloading.py::test_reloads",
         "module 'mxs_app' reloaded: 2 of its attributes are other objects now (Thing, make)"),
    ]
    serial = run_checks("-p", "no:randomly", subprocess=True)
    serial.result.assert_outcomes(passed=3)
    assert serial.leaks() == expected
    parallel = run_checks("-p", "no:randomly", "-n", "2", "--dist", "loadfile", subprocess=True)
    parallel.result.assert_outcomes(passed=3)
    assert parallel.leaks() == expected
    restored = run_checks("-p", "no:randomly", "--xdist-safety-restore", subprocess=True)
    assert [detail for _code, _where, detail in restored.leaks()] == [
        detail + " [restored]" for _code, _where, detail in expected]


def test_the_old_objects_of_a_reload_are_freed_as_without_the_checks(pytester, run_checks):
    pytester.makepyfile(mxs_gone="class C:\n    pass\n", test_freed="""
        import gc
        import importlib
        import weakref

        import mxs_gone

        def test_old_class_is_collected_after_reload():
            old = weakref.ref(mxs_gone.C)
            importlib.reload(mxs_gone)
            gc.collect()
            assert old() is None
    """)
    run = run_checks(subprocess=True)
    run.result.assert_outcomes(passed=1)
    assert [detail for _code, _where, detail in run.leaks()] == [
        "module 'mxs_gone' reloaded: 1 of its attributes are other objects now (C)"]
