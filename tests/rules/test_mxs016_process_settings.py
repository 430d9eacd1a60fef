"""MXS016 - a process-wide setting changed without a guaranteed restore, from the settings
table and the team's ``mxs-undo-pairs`` (exact reports and full messages from the fast ``lint``)."""
import pytest

from cases import CASE, case

SELECT = "--select=MXS016"
IN_CLEANUP = "in a finally block or teardown"


def msg(line, col, target, setting, undo, path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS016 {target} changes {setting} for the whole process without a "
            f"guaranteed restore; {undo}")


CHANGES = [
    case(
        """
        import signal

        def test_signal(handler):
            signal.signal(signal.SIGTERM, handler)
        """,
        msg(4, 5, "signal.signal(signal.SIGTERM, handler)", "the handler of signal.SIGTERM",
            "re-install the saved handler " + IN_CLEANUP),
        id="signal-handler"),
    case(
        """
        import gc
        import socket
        import sys

        def test_settings():
            gc.disable()
            socket.setdefaulttimeout(1)
            sys.setrecursionlimit(50)
        """,
        msg(6, 5, "gc.disable()", "automatic garbage collection", "call gc.enable() " + IN_CLEANUP),
        msg(7, 5, "socket.setdefaulttimeout(1)", "the default socket timeout",
            "put the saved value back " + IN_CLEANUP),
        msg(8, 5, "sys.setrecursionlimit(50)", "the recursion limit",
            "put the saved value back " + IN_CLEANUP),
        id="table-rows"),
    case(
        """
        import logging

        log = logging.getLogger("app")

        def test_loggers(handler):
            log.setLevel(logging.DEBUG)
            logging.getLogger().addHandler(handler)
            log.propagate = False
        """,
        msg(6, 5, "log.setLevel(logging.DEBUG)", "the level of logger 'app'",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        msg(7, 5, "logging.getLogger().addHandler(handler)", "the handlers of the root logger",
            "remove the handler " + IN_CLEANUP),
        msg(8, 5, "log.propagate = ...", "whether logger 'app' propagates",
            "put the saved value back " + IN_CLEANUP),
        id="loggers"),
    case(
        """
        import logging

        tmp_path = "shared"

        def test_near_misses(name):
            logging.getLogger().setLevel(logging.NOTSET)
            logging.getLogger(f"app.{name}").setLevel(logging.DEBUG)
            logging.getLogger("app").setLevel(logging.INFO)
            logging.getLogger(f"x.{tmp_path}").setLevel(logging.INFO)
        """,
        msg(6, 5, "logging.getLogger().setLevel(logging.NOTSET)", "the level of the root logger",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        msg(7, 5, "logging.getLogger(f'app.{name}').setLevel(logging.DEBUG)",
            "the level of logger f'app.{name}'",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        msg(8, 5, "logging.getLogger('app').setLevel(logging.INFO)", "the level of logger 'app'",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        msg(9, 5, "logging.getLogger(f'x.{tmp_path}').setLevel(logging.INFO)",
            "the level of logger f'x.{tmp_path}'",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        id="root-logger-NOTSET-and-names-not-unique-to-the-test"),
    case(
        """
        import sys

        def test_hook(hook):
            sys.excepthook = hook
        """,
        msg(4, 5, "sys.excepthook = ...", "the uncaught-exception hook",
            "put the saved hook back " + IN_CLEANUP),
        id="excepthook"),
    case(
        """
        import gc

        def test_enabled_again_at_the_end():
            gc.disable()
            run()
            gc.enable()
        """,
        msg(4, 5, "gc.disable()", "automatic garbage collection", "call gc.enable() " + IN_CLEANUP),
        id="undone-at-the-end-of-the-body-not-in-finally"),
    case(
        """
        import logging

        def test_two_loggers_one_name():
            log = logging.getLogger("a")
            log.setLevel(logging.DEBUG)
            log = logging.getLogger("b")
            log.setLevel(logging.DEBUG)
        """,
        msg(5, 5, "log.setLevel(logging.DEBUG)", "the level of logger 'a'",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        msg(7, 5, "log.setLevel(logging.DEBUG)", "the level of logger 'b'",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        id="name-rebound-to-another-logger"),
    case(
        """
        import logging

        def test_loop_carries_the_last_binding(names):
            for name in names:
                log.setLevel(logging.DEBUG)
                log = logging.getLogger("a")
        """,
        msg(5, 9, "log.setLevel(logging.DEBUG)", "the level of logger 'a'",
            "use caplog.set_level(), or put the saved level back " + IN_CLEANUP),
        id="use-before-the-binding-in-a-loop"),
]


@pytest.mark.parametrize(CASE, CHANGES)
def test_changes_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


COMPLIANT = [
    case(
        """
        import signal

        def test_signal(handler):
            old = signal.signal(signal.SIGTERM, handler)
            try:
                run()
            finally:
                signal.signal(signal.SIGTERM, old)
        """,
        id="handler-re-installed-in-finally"),
    case(
        """
        import gc
        import logging
        import signal
        import sys

        def test_resets():
            gc.enable()
            signal.alarm(0)
            logging.disable(logging.NOTSET)
            sys.settrace(None)
        """,
        id="calls-that-only-put-the-default-back"),
    case(
        """
        import logging

        def test_caplog(caplog):
            caplog.set_level(logging.DEBUG)
        """,
        id="caplog"),
    case(
        """
        import logging
        import pytest

        @pytest.fixture
        def handler():
            h = logging.StreamHandler()
            logging.getLogger("app").addHandler(h)
            yield h
            logging.getLogger("app").removeHandler(h)
        """,
        id="handler-removed-after-yield"),
    case(
        """
        import gc
        import unittest

        class TestIt(unittest.TestCase):
            def setUp(self):
                gc.disable()
                self.addCleanup(gc.enable)

            def test_it(self):
                pass
        """,
        id="addCleanup-undo"),
    case(
        """
        import warnings
        import sys
        import io

        def test_pytest_restores_these():
            warnings.simplefilter("error")
            sys.stdout = io.StringIO()
        """,
        id="warnings-and-std-streams-pytest-restores"),
    case(
        """
        import logging

        def test_other_objects(thing, level):
            thing.setLevel(level)
            thing.propagate = False
        """,
        id="setLevel-on-what-is-not-a-logger"),
    case(
        """
        import logging

        def test_level_reset(run):
            log = logging.getLogger("app")
            log.setLevel(logging.DEBUG)
            try:
                run()
            finally:
                log.setLevel(logging.NOTSET)
            logging.getLogger("other").setLevel(0)
        """,
        id="named-logger-level-reset-to-NOTSET-its-default"),
    case(
        """
        import logging
        import uuid

        def test_private_loggers(tmp_path, tmpdir, request, handler):
            logging.getLogger(f"app_{tmp_path.name}").setLevel(logging.DEBUG)
            logging.getLogger(str(tmpdir)).addHandler(handler)
            log = logging.getLogger("t." + request.node.name)
            log.propagate = False
            logging.getLogger(f"x{uuid.uuid4()}").setLevel(logging.INFO)
        """,
        id="a-logger-named-for-the-test-alone"),
]


@pytest.mark.parametrize(CASE, COMPLIANT)
def test_compliant_forms_are_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


PAIRS = "--mxs-undo-pairs=myapp.plugins.register:myapp.plugins.unregister,.connect:.disconnect"


def test_undo_pairs_from_the_option(lint):
    src = """
    from myapp import plugins
    from myapp.signals import task_sent

    def test_register(plugin, receiver):
        plugins.register(plugin)
        task_sent.connect(receiver)

    def test_undone(plugin, receiver):
        plugins.register(plugin)
        task_sent.connect(receiver)
        try:
            run()
        finally:
            plugins.unregister(plugin)
            task_sent.disconnect(receiver)
    """
    undo = f"call myapp.plugins.unregister {IN_CLEANUP}"
    assert lint.messages(src, SELECT, PAIRS) == [
        msg(5, 5, "plugins.register(plugin)", "what myapp.plugins.register registers", undo),
        msg(6, 5, "task_sent.connect(receiver)", "what .connect registers", f"call .disconnect {IN_CLEANUP}"),
    ]


def test_undo_pairs_on_a_name_rebound_to_another_object(lint):
    src = """
    from myapp import make_timer

    def test_two_timers():
        timer = make_timer("a")
        timer.start()
        timer.stop()
        timer = make_timer("b")
        timer.start()
        timer.stop()

    def test_two_timers_stopped():
        timer = make_timer("a")
        timer.start()
        try:
            run()
        finally:
            timer.stop()
        timer = make_timer("b")
        timer.start()
        try:
            run()
        finally:
            timer.stop()
    """
    undo = f"call .stop {IN_CLEANUP}"
    assert lint.messages(src, SELECT, "--mxs-undo-pairs=.start:.stop") == [
        msg(5, 5, "timer.start()", "what .start registers", undo),
        msg(8, 5, "timer.start()", "what .start registers", undo),
    ]


def test_undo_pairs_are_not_reported_without_the_option(lint):
    src = """
    from myapp import plugins

    def test_register(plugin):
        plugins.register(plugin)
    """
    assert lint(src, SELECT) == []


@pytest.mark.parametrize("value", ["register", "a.register:", ".connect:b.disconnect", "a b:c.d"])
def test_a_bad_undo_pair_is_a_config_error(project, value):
    project.write({"test_example.py": "x = 1\n"})
    result = project.run(f"--mxs-undo-pairs={value}", "--select=MXS016", ".")
    assert result.returncode != 0
    assert "--mxs-undo-pairs:" in result.stderr and "is not CALL:UNDO" in result.stderr


def test_noqa_on_the_reported_line(lint_flake8):
    src = """
    import gc

    def test_it():
        gc.disable()  # noqa: MXS016

    def test_other():
        gc.freeze()
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:7:5: MXS016"]


def test_logger_lists_put_back_after_yield_are_not_reported(lint):
    src = """
    import logging
    import pytest

    @pytest.fixture(autouse=True)
    def reset_logging():
        handlers = logging.root.handlers[:]
        logging.root.handlers = []
        yield
        logging.root.handlers[:] = handlers

    def test_adds_a_handler(handler):
        logging.getLogger().addHandler(handler)
    """
    assert lint(src, SELECT, "--select=MXS016,MXS012") == []


def test_a_logger_list_reset_in_a_test_is_reported(lint):
    src = """
    import logging

    def test_it():
        logging.root.handlers = []
    """
    assert lint.messages(src, SELECT) == [msg(
        4, 5, "logging.root.handlers = ...", "the handlers of the root logger",
        "put the saved value back " + IN_CLEANUP)]


def test_a_with_helper_named_for_restoring_is_not_reported(lint):
    src = """
    import sys
    from tests.common import restore_recursion_limit

    def test_deep():
        with restore_recursion_limit():
            sys.setrecursionlimit(100)
    """
    assert lint(src, SELECT) == []


# Warnings filters and the standard streams: pytest puts them back around every test, unless the
# project's configuration turns the plugin that does so off.
RESTORED_BY_PYTEST = """
import contextlib
import io
import sys
import warnings

import pytest


def test_filters():
    warnings.simplefilter("error")


def test_stream():
    sys.stdout = io.StringIO()


def test_compliant(capsys):
    sys.stderr = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore")
    with pytest.warns(UserWarning):
        warnings.resetwarnings()
    with contextlib.redirect_stdout(io.StringIO()):
        sys.stdout = io.StringIO()
"""


@pytest.mark.parametrize("addopts, expected", [
    ("-n 2", []),
    ("-p no:warnings", [
        msg(10, 5, "warnings.simplefilter('error')", "the warnings filters",
            "use warnings.catch_warnings() or pytest.warns(), or put warnings.filters back " + IN_CLEANUP),
    ]),
    ("-s", [
        msg(14, 5, "sys.stdout = ...", "sys.stdout",
            "use capsys or contextlib.redirect_stdout(), or put the saved stream back " + IN_CLEANUP),
    ]),
    ("--capture no -p no:warnings", [
        msg(10, 5, "warnings.simplefilter('error')", "the warnings filters",
            "use warnings.catch_warnings() or pytest.warns(), or put warnings.filters back " + IN_CLEANUP),
        msg(14, 5, "sys.stdout = ...", "sys.stdout",
            "use capsys or contextlib.redirect_stdout(), or put the saved stream back " + IN_CLEANUP),
    ]),
], ids=["plugins-on", "warnings-plugin-off", "capture-off", "both-off"])
def test_warnings_and_streams_only_where_pytest_does_not_restore_them(lint, addopts, expected):
    files = {"pytest.ini": f"[pytest]\naddopts = {addopts}\n", "test_example.py": RESTORED_BY_PYTEST}
    assert lint.messages(files, "--select=MXS016,MXS012") == expected
