"""The probes of the interpreter's state (cwd, import path, sys.modules, process settings, logging,
streams and warnings, threads, child processes): each leak found with its exact report, the
compliant forms silent. Leaky suites run in a subprocess: their leaks are this process's otherwise."""
import re

import pytest

pytest_plugins = ["pytester"]

KINDS = """
    import asyncio
    import gc
    import logging
    import os
    import signal
    import socket
    import subprocess
    import sys
    import threading
    import warnings

    EXISTING = logging.getLogger("mxs.existing")
    STOP = threading.Event()

    def test_cwd():
        os.chdir("/")

    def test_sys_path():
        sys.path.insert(0, "/mxs/added")

    def test_meta_path():
        sys.meta_path.append(object)

    def test_modules_replaced_and_removed():
        import json
        import csv
        sys.modules["json"] = type(sys)("json")
        del sys.modules["csv"]

    def test_socket_timeout():
        socket.setdefaulttimeout(5.0)

    def test_recursion_limit():
        sys.setrecursionlimit(5000)

    def test_signal_handler():
        signal.signal(signal.SIGUSR1, lambda *args: None)

    def test_logging():
        logging.getLogger().setLevel(logging.ERROR)
        EXISTING.setLevel(logging.DEBUG)
        logging.disable(logging.INFO)

    def test_gc():
        gc.disable()
        gc.set_threshold(1000, 20, 20)

    def test_umask():
        os.umask(0o077)

    class LoopPolicy(asyncio.DefaultEventLoopPolicy):
        pass

    def test_asyncio_policy():
        asyncio.get_event_loop_policy()  # the default, created on first use: no change
        asyncio.set_event_loop_policy(LoopPolicy())

    def test_excepthook():
        sys.excepthook = lambda *args: None

    def test_thread():
        threading.Thread(target=STOP.wait, name="mxs-worker", daemon=True).start()

    def test_child():
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])
"""

KIND_LEAKS = [
    ("MXS013", "test_kinds.py::test_modules_replaced_and_removed", "sys.modules['csv'] removed"),
    ("MXS013", "test_kinds.py::test_modules_replaced_and_removed",
     "sys.modules['json'] replaced by <module 'json'>"),
    ("MXS014", "test_kinds.py::test_cwd", "working directory changed from {root} to /"),
    ("MXS015", "test_kinds.py::test_meta_path", "sys.meta_path changed: added <class 'object'>"),
    ("MXS015", "test_kinds.py::test_sys_path", "sys.path changed: added '/mxs/added'"),
    ("MXS016", "test_kinds.py::test_asyncio_policy",
     "asyncio event loop policy changed from None to <test_kinds.LoopPolicy object>"),
    ("MXS016", "test_kinds.py::test_child",
     "child process PID ('{python} -c import time; time.sleep(3)') started and still running after teardown"),
    ("MXS016", "test_kinds.py::test_excepthook",
     "sys.excepthook changed from sys.excepthook to test_kinds.test_excepthook.<locals>.<lambda>"),
    ("MXS016", "test_kinds.py::test_gc", "gc thresholds changed from (700, 10, 10) to (1000, 20, 20)"),
    ("MXS016", "test_kinds.py::test_gc", "gc.isenabled() changed from True to False"),
    ("MXS016", "test_kinds.py::test_logging", "logger 'mxs.existing' changed: level 0 -> 10"),
    ("MXS016", "test_kinds.py::test_logging", "logging root level changed from 30 to 40"),
    ("MXS016", "test_kinds.py::test_logging", "logging.disable level changed from 0 to 20"),
    ("MXS016", "test_kinds.py::test_recursion_limit", "recursion limit changed from 1000 to 5000"),
    ("MXS016", "test_kinds.py::test_signal_handler",
     "signal handler of SIGUSR1 changed from <Handlers.SIG_DFL: 0> to "
     "test_kinds.test_signal_handler.<locals>.<lambda>"),
    ("MXS016", "test_kinds.py::test_socket_timeout", "socket default timeout changed from None to 5.0"),
    ("MXS016", "test_kinds.py::test_thread",
     "thread 'mxs-worker' (daemon) started and still running after teardown"),
    ("MXS016", "test_kinds.py::test_umask", "umask changed from 0o022 to 0o077"),
]


def _expected(pytester, leaks):
    import sys

    return sorted((code, where, detail.format(root=pytester.path, python=sys.executable))
                  for code, where, detail in leaks)


def _without_pids(run):
    return sorted((code, where, re.sub(r"child process \d+", "child process PID", detail))
                  for code, where, detail in run.leaks())


@pytest.mark.slow
def test_every_kind_of_leak_is_found_serial_and_under_xdist(pytester, run_checks):
    pytester.makepyfile(test_kinds=KINDS)
    serial = run_checks("-p", "no:randomly", "--xdist-safety-modules", subprocess=True)
    serial.result.assert_outcomes(passed=14)
    expected = [(code, where, _shorten(detail)) for code, where, detail in _expected(pytester, KIND_LEAKS)]
    assert _without_pids(serial) == expected
    parallel = run_checks("-n", "2", "--xdist-safety-modules", subprocess=True)
    parallel.result.assert_outcomes(passed=14)
    # sys.modules is compared only when asked for (it touches every module after every test).
    assert [leak for leak in _without_pids(run_checks("-p", "no:randomly", subprocess=True))
            if leak[0] == "MXS013"] == []
    assert _without_pids(parallel) == expected
    assert parallel.workers() == ["gw0", "gw1"]


def _shorten(detail):
    # The report cuts a repr at 60 characters: the child's command line is one.
    match = re.match(r"child process PID \('(.*)'\) (started.*)", detail)
    if match and len(repr(match.group(1))) > 60:
        return "child process PID ({}...) {}".format(repr(match.group(1))[:57], match.group(2))
    return detail


def test_the_compliant_forms_are_silent(pytester, run_checks):
    pytester.makepyfile(test_compliant="""
        import logging
        import os
        import signal
        import subprocess
        import sys
        import threading
        import warnings

        import pytest

        def test_monkeypatch(monkeypatch, tmp_path):
            monkeypatch.chdir(tmp_path)
            monkeypatch.syspath_prepend(str(tmp_path))
            monkeypatch.setitem(sys.modules, "json", type(sys)("json"))
            monkeypatch.setattr(sys, "excepthook", lambda *args: None)

        def test_caplog(caplog):
            caplog.set_level(logging.DEBUG)
            caplog.set_level(logging.DEBUG, logger="mxs.other")

        def test_new_imports_and_new_loggers_are_no_leak():
            import colorsys
            logging.getLogger("mxs.brand.new").setLevel(logging.DEBUG)

        def test_restored_by_hand():
            old = signal.signal(signal.SIGUSR2, lambda *args: None)
            try:
                pass
            finally:
                signal.signal(signal.SIGUSR2, old)

        def test_warnings_inside_pytests_own_restore():
            warnings.simplefilter("ignore")

        def test_thread_joined_and_child_waited():
            thread = threading.Thread(target=lambda: None)
            thread.start()
            thread.join()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
    """)
    run = run_checks()
    run.result.assert_outcomes(passed=6)
    assert run.leaks() == []


def test_what_pytest_restores_counts_only_when_it_outlives_pytest(pytester, run_checks):
    pytester.makepyfile(test_streams="""
        import os
        import sys
        import warnings

        def test_warnings_filter():
            warnings.filterwarnings("ignore", message="mxs")

        def test_stdout():
            sys.stdout = open(os.devnull, "w")
    """)
    # Inside pytest's capture and warnings plugin, both are put back: nothing to report.
    assert run_checks(subprocess=True).leaks() == []
    # Without them (-s, -p no:warnings) they outlive the test.
    run = run_checks("-s", "-p", "no:warnings", subprocess=True)
    assert run.leaks() == [
        ("MXS016", "test_streams.py::test_stdout",
         "sys.stdout replaced by <_io.TextIOWrapper name='/dev/null' mode='w' encoding='UT..."),
        ("MXS016", "test_streams.py::test_warnings_filter",
         "warnings filters changed: added ignore:mxs:Warning"),
    ]


def test_leaks_at_import_time_are_reported_against_the_module(pytester, run_checks):
    pytester.makepyfile(test_imported="""
        import logging
        import os
        import sys

        os.environ["MXS_AT_IMPORT"] = "1"
        sys.path.append("/mxs/at-import")
        logging.getLogger().setLevel(logging.CRITICAL)

        def test_clean():
            pass
    """)
    expected = [
        ("MXS003", "test_imported.py", "os.environ['MXS_AT_IMPORT'] added at import time"),
        ("MXS015", "test_imported.py", "sys.path changed: added '/mxs/at-import' at import time"),
        ("MXS016", "test_imported.py", "logging root level changed from 30 to 50 at import time"),
    ]
    serial = run_checks(subprocess=True)
    assert serial.leaks() == expected
    assert {(f["path"], f["line"]) for f in serial.findings} == {("test_imported.py", 1)}
    # Every worker imports every module: reported once.
    assert run_checks("-n", "2", subprocess=True).leaks() == expected


def test_os_environ_rebound_in_a_conftest_and_in_a_test(pytester, run_checks):
    pytester.makeconftest("""
        import os

        os.environ = dict(os.environ)
    """)
    pytester.makepyfile(test_rebound="""
        import os

        def test_rebinds():
            os.environ = {"ONLY": "this"}

        def test_sets_afterwards():
            os.environ["MXS_LATER"] = "1"
    """)
    run = run_checks(subprocess=True)
    run.result.assert_outcomes(passed=2)
    assert "INTERNALERROR" not in run.result.stdout.str()
    leaks = run.leaks()
    assert leaks[0] == ("MXS003", "test_rebound.py::test_rebinds",
                        "os.environ rebound to another object (dict)")
    assert ("MXS003", "test_rebound.py::test_sets_afterwards", "os.environ['MXS_LATER'] added") in leaks


RESTORED_SUITE = """
    import logging
    import os
    import signal
    import sys

    def test_a_leaks():
        os.environ["MXS_RESTORED"] = "1"
        os.chdir("/")
        sys.path.insert(0, "/mxs/restored")
        sys.modules["json"] = None
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        logging.getLogger().setLevel(logging.CRITICAL)

    def test_b_sees_a_clean_process():
        assert "MXS_RESTORED" not in os.environ
        assert os.getcwd() != "/"
        assert "/mxs/restored" not in sys.path
        assert sys.modules["json"] is not None
        assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL
        assert logging.getLogger().level == logging.WARNING
"""

RESTORED_LEAKS = [
    ("MXS003", "test_restore.py::test_a_leaks", "os.environ['MXS_RESTORED'] added [restored]"),
    ("MXS013", "test_restore.py::test_a_leaks", "sys.modules['json'] replaced by None [restored]"),
    ("MXS014", "test_restore.py::test_a_leaks", "working directory changed from {root} to / [restored]"),
    ("MXS015", "test_restore.py::test_a_leaks", "sys.path changed: added '/mxs/restored' [restored]"),
    ("MXS016", "test_restore.py::test_a_leaks", "logging root level changed from 30 to 50 [restored]"),
    ("MXS016", "test_restore.py::test_a_leaks",
     "signal handler of SIGUSR1 changed from <Handlers.SIG_DFL: 0> to <Handlers.SIG_IGN: 1> [restored]"),
]


def test_restore_puts_back_what_a_test_leaked(pytester, run_checks):
    pytester.makepyfile(test_restore=RESTORED_SUITE)
    leaking = run_checks("-p", "no:randomly", subprocess=True)
    leaking.result.assert_outcomes(passed=1, failed=1)
    run = run_checks("-p", "no:randomly", "--xdist-safety-restore", "--xdist-safety-modules", subprocess=True)
    run.result.assert_outcomes(passed=2)
    assert run.leaks() == _expected(pytester, RESTORED_LEAKS)


def test_strict_errors_the_leaking_test_and_with_restore_the_next_is_clean(pytester, run_checks):
    pytester.makepyfile(test_restore=RESTORED_SUITE)
    run = run_checks("-p", "no:randomly", "--xdist-safety-strict", "--xdist-safety-restore",
                     "--xdist-safety-modules", subprocess=True)
    run.result.assert_outcomes(passed=2, errors=1)
    run.result.stdout.fnmatch_lines(["ERROR test_restore.py::test_a_leaks - *"])
    assert run.leaks() == _expected(pytester, RESTORED_LEAKS)


def test_strict_fails_the_run_for_what_only_outlives_pytests_restoring(pytester, run_checks):
    pytester.makepyfile(test_strict="""
        import warnings

        def test_filter():
            warnings.simplefilter("error")
    """)
    run = run_checks("-p", "no:warnings", "--xdist-safety-strict", subprocess=True)
    run.result.assert_outcomes(passed=1)
    assert run.result.ret == 1
    assert [(f["code"], f["level"]) for f in run.findings] == [("MXS016", "fail")]


def test_a_probe_that_raises_switches_itself_off_with_one_note(pytester, run_checks):
    pytester.makepyfile(test_odd="""
        import logging
        import os

        ODD = logging.getLogger("mxs.odd")

        def test_one():
            os.environ["MXS_STILL_SEEN"] = "1"
            ODD.handlers = None  # an odd object: a logger whose handlers are not a list

        def test_two():
            pass
    """)
    run = run_checks(subprocess=True)
    run.result.assert_outcomes(passed=2)
    assert run.leaks() == [("MXS003", "test_odd.py::test_one", "os.environ['MXS_STILL_SEEN'] added")]
    assert run.report["notes"] == [
        "the logging probe (MXS016) is switched off: TypeError: 'NoneType' object is not iterable"]
    run.result.stdout.fnmatch_lines(["note: the logging probe (MXS016) is switched off: *"])


def test_setup_class_leak_is_located_at_the_users_setup_class(pytester, run_checks):
    pytester.makepyfile(test_xunit="""
        import os


        class TestThings:
            @classmethod
            def setup_class(cls):
                os.environ["MXS_CLASS"] = "1"

            def test_one(self):
                pass
    """)
    run = run_checks(subprocess=True)
    assert [(f["where"], f["path"], f["line"]) for f in run.findings] == [
        # The first line of the function, its decorator, as for any fixture.
        ("fixture _xunit_setup_class_fixture_TestThings (scope=class)", "test_xunit.py", 5)]


def test_files_and_watched_attributes_are_opt_in(pytester, run_checks):
    pytester.makepyfile(settingsmod="""
        DEBUG = False
        CACHE = {}
    """, test_opt_in="""
        import settingsmod

        def test_file():
            open("left-behind.txt", "w").close()

        def test_attribute():
            settingsmod.DEBUG = True
            settingsmod.CACHE["filled"] = 1  # a mutation, not a rebinding: not MXS012
    """)
    assert run_checks("-p", "no:randomly", subprocess=True).leaks() == []
    (pytester.path / "left-behind.txt").unlink()
    run = run_checks("-p", "no:randomly", "--xdist-safety-files", "--xdist-safety-watch=settingsmod",
                     subprocess=True)
    assert run.leaks() == [
        ("MXS012", "test_opt_in.py::test_attribute", "settingsmod.DEBUG rebound from False to True"),
        ("MXS014", "test_opt_in.py::test_file", "{} created and left behind".format(
            pytester.path / "left-behind.txt")),
    ]


def test_a_watched_attribute_rebound_to_an_equal_value_is_no_change_then_or_later(pytester, run_checks):
    pytester.makepyfile(wmod="""
        X = (1, 2)
        Y = 0
    """, test_equal="""
        import wmod

        def test_a_rebinds_x_to_an_equal_tuple():
            wmod.X = tuple([1, 2])

        def test_b_changes_only_y():
            wmod.Y = wmod.Y + 1
    """)
    run = run_checks("-p", "no:randomly", "--xdist-safety-watch=wmod", subprocess=True)
    assert run.leaks() == [("MXS012", "test_equal.py::test_b_changes_only_y", "wmod.Y rebound from 0 to 1")]
