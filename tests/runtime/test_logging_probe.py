"""The logging probe in-process: what it is told of (the four attributes of a logger, its
handlers through addHandler/removeHandler), what it reads (the root and the loggers noted, never
the others), what it leaves out (loggers made during the window), and that ``logging.Logger``
is as it was once the probe is closed."""
import inspect
import logging
import logging.config

import pytest

from flake8_xdist_safety.runtime import logs

pytest_plugins = ["pytester"]


@pytest.fixture
def probe():
    probe = logs.LoggingProbe()
    yield probe
    probe.close()


def _described(probe, change):
    """The descriptions of what *change* left changed, and the two readings."""
    before = probe.snapshot()
    change()
    after = probe.snapshot(before)
    return [probe.describe(key, kind, before, after)[1] for key, kind in probe.changes(before, after)]


@pytest.fixture
def existing(monkeypatch):
    """A logger that exists before the probe's first reading, put back as it was after the test."""
    logger = logging.getLogger("mxs.unit.existing")
    for name in ("level", "propagate", "disabled"):
        monkeypatch.setattr(logger, name, getattr(logger, name))
    monkeypatch.setattr(logger, "handlers", list(logger.handlers))  # a list of the test's own
    return logger


def test_round_trip_reports_and_restores_the_root_disable_and_a_logger(probe, existing, monkeypatch):
    root = logging.getLogger()
    handler = logging.NullHandler()
    before = probe.snapshot()
    existing.setLevel(logging.DEBUG)
    existing.propagate = False
    root.addHandler(handler)  # noqa: MXS016 - put back by the probe's restore (asserted below)
    logging.disable(logging.INFO)  # noqa: MXS016 - the same
    # Made in the window: not a leak.
    monkeypatch.setattr(logging.getLogger("mxs.unit.created"), "level", logging.ERROR)
    after = probe.snapshot(before)
    found = probe.changes(before, after)
    assert sorted(probe.describe(key, kind, before, after)[1] for key, kind in found) == [
        "logger 'mxs.unit.existing' changed: level 0 -> 10, propagate True -> False",
        "logging root handlers changed: added <NullHandler (NOTSET)>",
        "logging.disable level changed from 0 to 20",
    ]
    assert [probe.restore(key, kind, before) for key, kind in found] == [True, True, True]
    assert (existing.level, existing.propagate, handler in root.handlers, root.manager.disable) == (
        0, True, False, 0)
    assert probe.changes(before, probe.snapshot()) == []
    monkeypatch.delitem(logging.sys.modules, "logging")
    assert probe.snapshot() == {}
    assert probe.restore("logging root level", "changed", before) is False


@pytest.mark.parametrize("change, expected", [
    (lambda logger: setattr(logger, "level", logging.ERROR), "level 0 -> 40"),
    (lambda logger: logger.setLevel("INFO"), "level 0 -> 20"),
    (lambda logger: setattr(logger, "propagate", False), "propagate True -> False"),
    (lambda logger: setattr(logger, "disabled", True), "disabled False -> True"),
    (lambda logger: setattr(logger, "handlers", [logging.NullHandler()]),
     "handlers () -> (<NullHandler (NOTSET)>,)"),
    (lambda logger: logger.addHandler(logging.NullHandler()), "handlers () -> (<NullHandler (NOTSET)>,)"),
], ids=["level", "setLevel", "propagate", "disabled", "handlers", "addHandler"])
def test_each_change_of_an_existing_logger_is_heard(probe, existing, change, expected):
    assert _described(probe, lambda: change(existing)) == [
        "logger 'mxs.unit.existing' changed: " + expected]


def test_remove_handler_is_heard(probe, existing):
    handler = logging.NullHandler()
    existing.addHandler(handler)
    assert _described(probe, lambda: existing.removeHandler(handler)) == [
        "logger 'mxs.unit.existing' changed: handlers (<NullHandler (NOTSET)>,) -> ()"]


def test_dict_config_disabling_existing_loggers_is_heard(probe, existing, monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    loggers = [logger for logger in root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    for logger in loggers:  # dictConfig disables every logger of this process
        monkeypatch.setattr(logger, "disabled", logger.disabled)
    found = _described(probe, lambda: logging.config.dictConfig({"version": 1}))
    assert "logger 'mxs.unit.existing' changed: disabled False -> True" in found


def test_a_change_undone_in_the_window_is_no_change(probe, existing, monkeypatch):
    first = probe.snapshot()
    assert probe.snapshot(first) is first
    existing.setLevel(logging.DEBUG)
    existing.setLevel(logging.NOTSET)  # as caplog.set_level does at teardown
    # Loggers made in the window, under a name a PlaceHolder held too: new, not a leak.
    monkeypatch.setattr(logging.getLogger("mxs.unit.existing.child.grandchild"), "level", logging.DEBUG)
    monkeypatch.setattr(logging.getLogger("mxs.unit.existing.child"), "propagate", False)
    assert probe.changes(first, probe.snapshot(first)) == []


def test_loggers_made_in_one_window_are_existing_ones_in_the_next(probe):
    first = probe.snapshot()
    made = logging.getLogger("mxs.unit.made.later")
    second = probe.snapshot(first)
    assert probe.changes(first, second) == []
    try:
        assert _described(probe, lambda: made.setLevel(logging.ERROR)) == [
            "logger 'mxs.unit.made.later' changed: level 0 -> 40"]
    finally:
        made.setLevel(logging.NOTSET)


def test_a_logger_removed_from_the_manager_is_reported_and_put_back(probe, existing):
    table = logging.root.manager.loggerDict
    before = probe.snapshot()
    del table["mxs.unit.existing"]
    try:
        after = probe.snapshot(before)
        found = probe.changes(before, after)
        assert [probe.describe(key, kind, before, after)[1] for key, kind in found] == [
            "logger 'mxs.unit.existing' removed from the logging manager"]
        assert [probe.restore(key, kind, before) for key, kind in found] == [True]
    finally:
        table.setdefault("mxs.unit.existing", existing)
    assert table["mxs.unit.existing"] is existing


def test_loggers_not_noted_are_never_read(probe):
    # An odd object that raises when read: a probe reading every logger would raise.
    class Unreadable:
        def __iter__(self):
            raise RuntimeError("read")

    odd = logging.getLogger("mxs.unit.unreadable")
    odd.handlers = Unreadable()  # before the first reading: in no window
    try:
        probe.snapshot()  # the first reading looks through the table only for its names
        first = probe.snapshot()
        assert probe.snapshot(first) is first
        # Once a test touches it, the reading raises (and the watcher switches the probe off).
        odd.level = logging.ERROR
        with pytest.raises(RuntimeError, match="read"):
            probe.changes(first, probe.snapshot(first))
    finally:
        odd.handlers, odd.level = [], logging.NOTSET


def test_a_handler_list_changed_in_place_is_not_heard(probe, existing):
    # Documented: only addHandler/removeHandler and attribute assignments are heard.
    assert _described(probe, lambda: existing.handlers.append(logging.NullHandler())) == []


def test_closing_puts_logging_logger_back(probe):
    original_add = logging.Logger.addHandler
    probe.snapshot()
    assert "__setattr__" in vars(logging.Logger)
    assert logging.Logger.addHandler is not original_add
    assert inspect.signature(logging.Logger.addHandler) == inspect.signature(original_add)
    probe.close()
    assert "__setattr__" not in vars(logging.Logger)
    assert (logging.Logger.addHandler, logging.Logger.removeHandler.__name__) == (
        original_add, "removeHandler")


def test_closing_leaves_a_later_replacement_alone(probe, monkeypatch):
    probe.snapshot()

    def theirs(logger, handler):
        pass

    monkeypatch.setattr(logging.Logger, "addHandler", theirs)
    probe.close()
    assert logging.Logger.addHandler is theirs
    assert "__setattr__" not in vars(logging.Logger)


SUITE = """
    import logging
    import logging.config

    import pytest

    QUIET = logging.getLogger("mxs.quiet")
    QUIET.propagate = False  # at import, before any test: pytest attaches its handlers to it
    APP = logging.getLogger("mxs.app")

    def test_handler_added():
        APP.addHandler(logging.NullHandler())

    def test_propagation_turned_on():
        QUIET.propagate = True

    def test_dict_config():
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False,
                                   "loggers": {"mxs.app": {"level": "ERROR"}}})

    def test_caplog(caplog):
        caplog.set_level(logging.DEBUG, logger="mxs.app")
        with caplog.at_level(logging.INFO, logger="mxs.quiet"):
            QUIET.info("seen")

    def test_handler_removed_again():
        handler = logging.NullHandler()
        APP.addHandler(handler)
        try:
            APP.warning("x")
        finally:
            APP.removeHandler(handler)
"""


def test_logger_leaks_found_the_same_serial_and_under_xdist(pytester, run_checks):
    pytester.makepyfile(test_loggers=SUITE)
    expected = [
        ("MXS016", "test_loggers.py::test_dict_config",
         "logger 'mxs.app' changed: level 0 -> 40, handlers (<NullHandler (NOTSET)>,) -> ()"),
        ("MXS016", "test_loggers.py::test_handler_added",
         "logger 'mxs.app' changed: handlers () -> (<NullHandler (NOTSET)>,)"),
        ("MXS016", "test_loggers.py::test_propagation_turned_on",
         "logger 'mxs.quiet' changed: propagate False -> True"),
    ]
    serial = run_checks("-p", "no:randomly", subprocess=True)
    serial.result.assert_outcomes(passed=5)
    assert serial.leaks() == expected
    parallel = run_checks("-n", "2", "-p", "no:randomly", "--dist", "loadfile", subprocess=True)
    parallel.result.assert_outcomes(passed=5)
    assert parallel.leaks() == expected


def test_an_in_process_run_puts_logging_logger_back(pytester, run_checks):
    pytester.makepyfile(test_quiet="""
        import logging

        def test_level_set_and_put_back():
            logger = logging.getLogger("mxs.in.process")
            logger.setLevel(logging.ERROR)
            logger.setLevel(logging.NOTSET)
    """)
    before = dict(vars(logging.Logger))
    run = run_checks()
    run.result.assert_outcomes(passed=1)
    assert (run.leaks(), dict(vars(logging.Logger))) == ([], before)


ODD_WAYS = """
    import logging

    APP = logging.getLogger("mxs.app")
    OLD = logging.getLogger("mxs.old")

    def test_1_handler_by_keyword():
        handler = logging.NullHandler()
        APP.addHandler(hdlr=handler)
        APP.removeHandler(hdlr=handler)

    def test_2_touches_and_restores():
        APP.setLevel(10)
        APP.setLevel(0)

    def test_3_appends_in_place():  # not seen (documented): and blamed on no later test
        APP.handlers.append(logging.NullHandler())

    def test_4_innocent(caplog):
        caplog.set_level(logging.DEBUG, logger="mxs.app")

    def test_5_removes_a_logger_and_makes_another():
        del logging.Logger.manager.loggerDict["mxs.old"]
        logging.getLogger("mxs.made")

    def test_6_innocent():
        logging.getLogger("mxs.innocent")
"""


def test_odd_ways_of_changing_loggers_blame_no_innocent_test(pytester, run_checks):
    pytester.makepyfile(test_odd_ways=ODD_WAYS)
    run = run_checks("-p", "no:randomly", subprocess=True)
    run.result.assert_outcomes(passed=6)
    assert run.leaks() == [("MXS016", "test_odd_ways.py::test_5_removes_a_logger_and_makes_another",
                            "logger 'mxs.old' removed from the logging manager")]


def test_loggers_made_by_a_class_with_its_own_setattr_are_new(pytester, run_checks):
    pytester.makepyfile(test_own_class="""
        import logging

        class OwnLogger(logging.Logger):
            def __setattr__(self, name, value):
                object.__setattr__(self, name, value)

        logging.setLoggerClass(OwnLogger)
        EXISTING = logging.getLogger("mxs.existing.own")

        def test_makes_a_logger_and_configures_it():
            made = logging.getLogger("mxs.brand.new")
            made.addHandler(logging.NullHandler())
            made.setLevel(logging.DEBUG)

        def test_adds_a_handler_to_one_that_existed():
            EXISTING.addHandler(logging.NullHandler())
    """)
    run = run_checks("-p", "no:randomly", subprocess=True)
    run.result.assert_outcomes(passed=2)
    assert run.leaks() == [("MXS016", "test_own_class.py::test_adds_a_handler_to_one_that_existed",
                            "logger 'mxs.existing.own' changed: handlers () -> (<NullHandler (NOTSET)>,)")]


WIDE = """
    import logging

    import pytest

    APP = logging.getLogger("mxs.app")

    @pytest.fixture(scope="module")
    def debug_logging():
        root = logging.getLogger()
        old = root.level
        root.setLevel(logging.DEBUG)
        yield
        root.setLevel(old)

    @pytest.fixture(scope="class")
    def quiet_app():
        APP.setLevel(logging.ERROR)  # never put back
        yield

    def test_a(debug_logging):
        assert logging.getLogger().isEnabledFor(logging.DEBUG)

    class TestQuiet:
        def test_k(self, quiet_app, debug_logging):
            assert logging.getLogger().isEnabledFor(logging.DEBUG)

    def test_b(debug_logging):
        assert logging.getLogger().isEnabledFor(logging.DEBUG)
"""


@pytest.mark.parametrize("mode", ["report", "--xdist-safety-restore", "--xdist-safety-strict"])
def test_a_wider_fixtures_logging_is_its_own_not_its_tests(pytester, run_checks, mode):
    pytester.makepyfile(test_wide=WIDE)
    args = ["-p", "no:randomly"] + ([mode] if mode != "report" else [])
    run = run_checks(*args, subprocess=True)
    run.result.assert_outcomes(passed=3)
    restored = " [restored]" if mode == "--xdist-safety-restore" else ""
    assert run.leaks() == [("MXS016", "fixture quiet_app (scope=class)",
                            "logger 'mxs.app' changed: level 0 -> 40 (still so after the fixture's teardown)"
                            + restored)]
    assert run.result.ret == 0  # a fixture's finding fails no test, as for the per-test probes


def test_after_logging_is_reloaded_the_new_logger_class_is_heard(pytester, run_checks):
    pytester.makepyfile(test_reload_logging="""
        import importlib
        import logging

        def test_1_reloads_logging():
            importlib.reload(logging)

        def test_2_makes_a_logger():
            logging.getLogger("mxs.post")

        def test_3_changes_it():
            logging.getLogger("mxs.post").setLevel(7)
    """)
    run = run_checks("-p", "no:randomly", subprocess=True)
    run.result.assert_outcomes(passed=3)
    assert [(where, detail) for code, where, detail in run.leaks() if code == "MXS016"
            and "mxs.post" in detail] == [
        ("test_reload_logging.py::test_3_changes_it", "logger 'mxs.post' changed: level 0 -> 7")]


def test_pytests_own_handlers_left_on_the_root_are_pytests_business(pytester, run_checks):
    # Shaped like flask's reset_logging: saves the root's handlers during the setup phase, when
    # pytest's capturing handlers are on it, turns pytest's logging plugin off (so it does not
    # take them off after the teardown) and writes that list back at teardown.
    pytester.makepyfile(test_pytests_handlers="""
        import logging

        import pytest

        @pytest.fixture
        def reset_logging(pytestconfig):
            handlers = logging.root.handlers[:]
            logging.root.handlers = []
            plugin = pytestconfig.pluginmanager.unregister(name="logging-plugin")
            yield
            logging.root.handlers[:] = handlers
            pytestconfig.pluginmanager.register(plugin, "logging-plugin")

        def test_1_keeps_pytests_handlers(reset_logging):
            pass

        def test_2_next():
            pass

        def test_3_adds_its_own():
            logging.root.addHandler(logging.NullHandler())
    """)
    run = run_checks("-p", "no:randomly", subprocess=True)
    run.result.assert_outcomes(passed=3)
    assert run.leaks() == [("MXS016", "test_pytests_handlers.py::test_3_adds_its_own",
                            "logging root handlers changed: added <NullHandler (NOTSET)>")]
