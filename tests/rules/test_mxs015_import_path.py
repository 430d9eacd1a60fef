"""MXS015 - ``sys.path``/``sys.meta_path``/``sys.path_hooks`` changed without a guaranteed
restore (exact reports and full messages from the fast ``lint``)."""
import pytest

from cases import CASE, case

SELECT = "--select=MXS015"
ADVICE = "use monkeypatch.syspath_prepend() or restore a saved copy in a finally block"


def msg(line, col, target, path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS015 {target} changes the import path without a guaranteed "
            f"restore; {ADVICE}")


CHANGES = [
    case(
        """
        import sys

        def test_methods(d, finder):
            sys.path.insert(0, d)
            sys.path.append(d)
            sys.meta_path.append(finder)
            sys.path_hooks.extend([finder])
        """,
        msg(4, 5, "sys.path.insert(0, d)"),
        msg(6, 5, "sys.meta_path.append(finder)"),
        msg(7, 5, "sys.path_hooks.extend([finder])"),
        id="methods-one-finding-per-list"),
    case(
        """
        import sys

        def test_assignments(d):
            sys.path += [d]

        def test_item(d):
            sys.path[0] = d

        def test_rebind(d):
            sys.path = [d]
        """,
        msg(4, 5, "sys.path += ..."),
        msg(7, 5, "sys.path[0]"),
        msg(10, 5, "sys.path = ..."),
        id="augmented-item-and-rebinding"),
    case(
        """
        import sys

        def test_removed_at_the_end(d):
            sys.path.insert(0, d)
            run()
            sys.path.remove(d)
        """,
        msg(4, 5, "sys.path.insert(0, d)"),
        id="removed-at-the-end-of-the-body-not-in-finally"),
]


@pytest.mark.parametrize(CASE, CHANGES)
def test_changes_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


COMPLIANT = [
    case(
        """
        import sys

        def test_finally(d):
            saved = sys.path[:]
            sys.path.insert(0, d)
            try:
                run()
            finally:
                sys.path[:] = saved
        """,
        id="saved-copy-restored-in-finally"),
    case(
        """
        import sys

        def test_monkeypatch(monkeypatch, d):
            monkeypatch.syspath_prepend(d)
            sys.path.append(d)

        def test_setattr(monkeypatch, d):
            monkeypatch.setattr(sys, "path", [d])
            sys.path.append(d)
        """,
        id="monkeypatch"),
    case(
        """
        import sys
        from unittest import mock

        def test_patch_object(d):
            with mock.patch.object(sys, "path", [d]):
                sys.path.append(d)

        @mock.patch("sys.path", [])
        def test_patch(d):
            sys.path.append(d)
        """,
        id="mock-patch"),
    case(
        """
        import sys
        import unittest

        class TestIt(unittest.TestCase):
            def setUp(self):
                sys.path.insert(0, "x")
                self.addCleanup(sys.path.remove, "x")

            def test_it(self):
                pass
        """,
        id="addCleanup-remove"),
    case(
        """
        import os
        import sys

        sys.path.insert(0, os.path.dirname(__file__))
        """,
        id="import-time-in-a-test-module"),
]


@pytest.mark.parametrize(CASE, COMPLIANT)
def test_compliant_forms_are_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


def test_other_lists_named_path_are_not_reported(lint):
    src = """
    import os

    def test_it(config):
        config.path.append("x")
        os.path.join("a", "b")
    """
    assert lint(src, SELECT) == []


def test_noqa_on_the_reported_line(lint_flake8):
    src = """
    import sys

    def test_it():
        sys.path.append("a")  # noqa: MXS015

    def test_other():
        sys.meta_path.append(object())
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:7:5: MXS015"]
