"""MXS014 - the working directory changed without a guaranteed restore (exact reports and
full messages from the fast ``lint``)."""
import pytest

from cases import CASE, case

SELECT = "--select=MXS014"
ADVICE = "use monkeypatch.chdir() or contextlib.chdir()"


def msg(line, col, target, path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS014 {target} changes the working directory without a "
            f"guaranteed restore; {ADVICE}")


CHANGES = [
    case(
        """
        import os

        def test_chdir(tmp_path):
            os.chdir(tmp_path)
        """,
        msg(4, 5, "os.chdir(tmp_path)"),
        id="chdir"),
    case(
        """
        from os import chdir as cd, fchdir

        def test_aliases(fd):
            cd("/tmp")
            fchdir(fd)
        """,
        msg(4, 5, "os.chdir('/tmp')"),
        id="aliases-and-fchdir"),
    case(
        """
        import os

        def test_restored_at_the_end_of_the_body(tmp_path):
            old = os.getcwd()
            os.chdir(tmp_path)
            run()
            os.chdir(old)
        """,
        msg(5, 5, "os.chdir(tmp_path)"),
        id="restored-at-the-end-of-the-body-not-in-finally"),
    case(
        """
        import os
        import pytest

        @pytest.fixture(scope="module")
        def in_data_dir():
            os.chdir("data")
        """,
        msg(6, 5, "os.chdir('data')"),
        id="module-scoped-fixture"),
]


@pytest.mark.parametrize(CASE, CHANGES)
def test_changes_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


COMPLIANT = [
    case(
        """
        import os

        def test_finally(tmp_path):
            old = os.getcwd()
            os.chdir(tmp_path)
            try:
                run()
            finally:
                os.chdir(old)
        """,
        id="restored-in-finally"),
    case(
        """
        import contextlib
        import os

        def test_blocks(tmp_path, tmpdir):
            with contextlib.chdir(tmp_path):
                os.chdir("sub")
            with tmpdir.as_cwd():
                os.chdir("sub")
        """,
        id="restoring-with-blocks"),
    case(
        """
        import os

        def test_monkeypatch(monkeypatch, tmp_path):
            monkeypatch.chdir(tmp_path)
            os.chdir("sub")
        """,
        id="monkeypatch-chdir"),
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def in_tmp(tmp_path):
            old = os.getcwd()
            os.chdir(tmp_path)
            yield tmp_path
            os.chdir(old)
        """,
        id="fixture-restores-after-yield"),
    case(
        """
        import os
        import unittest

        class TestIt(unittest.TestCase):
            def setUp(self):
                self.addCleanup(os.chdir, os.getcwd())
                os.chdir("/tmp")

            def test_it(self):
                pass
        """,
        id="addCleanup-chdir"),
    case(
        """
        import os

        class TestIt:
            def setup_method(self):
                self.old = os.getcwd()
                os.chdir("/tmp")

            def teardown_method(self):
                os.chdir(self.old)

            def test_it(self):
                pass
        """,
        id="teardown-method"),
]


@pytest.mark.parametrize(CASE, COMPLIANT)
def test_compliant_forms_are_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


def test_a_local_function_named_chdir_is_not_reported(lint):
    src = """
    def chdir(path):
        pass

    def test_it():
        chdir("/tmp")
    """
    assert lint(src, SELECT) == []


def test_noqa_on_the_reported_line(lint_flake8):
    src = """
    import os

    def test_it():
        os.chdir("/a")  # noqa: MXS014

    def test_other():
        os.chdir("/b")
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:7:5: MXS014"]


def test_a_change_in_a_lambda_body_is_not_reported(lint):
    # when a lambda's body runs is its caller's business (a probe, a callback, a cleanup)
    src = """
    import os

    def test_it(run_and_restore):
        run_and_restore(lambda: os.chdir("/tmp"))
    """
    assert lint(src, SELECT) == []
