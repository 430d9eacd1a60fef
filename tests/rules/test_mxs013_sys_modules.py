"""MXS013 - ``sys.modules`` changed (or a module reloaded) without a guaranteed restore
(exact reports and full messages from the fast ``lint``)."""
import pytest

from cases import CASE, case

SELECT = "--select=MXS013"
ADVICE = "use monkeypatch.setitem(sys.modules, ...) or mock.patch.dict(sys.modules)"
RELOAD = "reload it again in a finally block or teardown, or avoid the reload"


def msg(line, col, target, path="test_example.py"):
    return f"{path}:{line}:{col}: MXS013 {target} changes sys.modules without a guaranteed restore; {ADVICE}"


def reload_msg(line, col, target):
    return (f"test_example.py:{line}:{col}: MXS013 {target} replaces the module's objects for every "
            f"later test; {RELOAD}")


CHANGES = [
    case(
        """
        import sys

        def test_fake_module():
            sys.modules["celeryconfig"] = object()
            del sys.modules["json"]
        """,
        msg(4, 5, "sys.modules['celeryconfig']"),
        msg(5, 5, "sys.modules['json']"),
        id="item-assign-and-del"),
    case(
        """
        from sys import modules

        def test_methods(fake):
            modules.pop("a")
            modules.setdefault("b", fake)
            modules.update({"c": fake})
            modules.clear()
            modules.popitem()
        """,
        msg(4, 5, "sys.modules.pop('a')"),
        msg(5, 5, "sys.modules.setdefault('b')"),
        msg(6, 5, "sys.modules.update(...)"),
        msg(7, 5, "sys.modules.clear()"),
        msg(8, 5, "sys.modules.popitem()"),
        id="methods-through-from-import"),
    case(
        """
        import importlib
        import app.config as config

        def test_reload(monkeypatch):
            monkeypatch.setenv("MODE", "x")
            importlib.reload(config)
        """,
        reload_msg(6, 5, "importlib.reload(config)"),
        id="reload"),
    case(
        """
        import sys

        sys.modules["fake"] = object()
        """,
        msg(3, 1, "sys.modules['fake']"),
        id="import-time-in-a-test-module"),
]


@pytest.mark.parametrize(CASE, CHANGES)
def test_changes_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


COMPLIANT = [
    case(
        """
        import sys
        from unittest import mock

        def test_patch_dict():
            with mock.patch.dict(sys.modules, {"fake": object()}):
                sys.modules["other"] = object()

        @mock.patch.dict("sys.modules", {"fake": None})
        def test_decorator():
            del sys.modules["fake"]
        """,
        id="patch-dict"),
    case(
        """
        import sys

        def test_monkeypatch(monkeypatch):
            monkeypatch.setitem(sys.modules, "fake", object())
            monkeypatch.delitem(sys.modules, "json")
            sys.modules["fake"] = None
        """,
        id="monkeypatch-and-a-change-it-saved"),
    case(
        """
        import sys

        def test_finally():
            sys.modules["fake"] = object()
            try:
                run()
            finally:
                del sys.modules["fake"]
        """,
        id="restored-in-finally"),
    case(
        """
        import sys
        import unittest

        class TestIt(unittest.TestCase):
            def setUp(self):
                sys.modules["fake"] = object()
                self.addCleanup(sys.modules.pop, "fake")

            def test_it(self):
                pass
        """,
        id="addCleanup-pop"),
    case(
        """
        import importlib
        import app.config as config
        import pytest

        @pytest.fixture
        def reloaded(monkeypatch):
            monkeypatch.setenv("MODE", "x")
            importlib.reload(config)
            yield
            monkeypatch.undo()
            importlib.reload(config)
        """,
        id="reload-again-after-yield"),
]


@pytest.mark.parametrize(CASE, COMPLIANT)
def test_compliant_forms_are_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


def test_a_restore_of_another_module_is_not_reported_as_covering(lint):
    src = """
    import sys

    def test_it():
        try:
            sys.modules["a"] = object()
            sys.modules["b"] = object()
        finally:
            sys.modules.pop("a", None)
    """
    assert lint.messages(src, SELECT) == [msg(6, 9, "sys.modules['b']")]


def test_other_mappings_named_modules_are_not_reported(lint):
    src = """
    modules = {}

    def test_it(registry):
        modules["a"] = 1
        registry.modules["b"] = 2
    """
    assert lint(src, SELECT) == []
