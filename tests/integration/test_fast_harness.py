"""The fast in-process ``lint`` (tests/conftest.py) reports exactly what the real flake8 reports,
and refuses the inputs it does not emulate."""
import pytest

from cases import MOCKING_CLASS, MOCKING_FN, at

#: One file per rule, a conftest.py chain, and files flake8 reads in its own ways.
PROJECT = {
    "conftest.py": """
        import gc
        import os

        import pytest

        os.environ["APP_ENV"] = "test"


        @pytest.fixture(scope="session")
        def client():
            from unittest.mock import MagicMock
            return MagicMock()
    """,
    "tests/conftest.py": """
        import gc

        import pytest


        @pytest.fixture(autouse=True)
        def _collect():
            yield
            gc.collect()
    """,
    "tests/test_classes.py": """
        import pytest
        from unittest.mock import MagicMock, patch


        class TestOuter:
            class TestInner:
                @patch("os.getcwd")
                def test_it(self, getcwd):
                    self.client = MagicMock()


        @pytest.mark.xdist_group
        def test_unnamed():
            MagicMock()
    """,
    "test_environ.py": """
        import os
        from unittest.mock import patch


        def test_env():
            os.environ["A"] = "1"
            patch("os.getpid").start()
    """,
    "test_shared.py": """
        import socket

        import pytest
        from unittest.mock import MagicMock

        CLIENT = {"api": MagicMock()}  # shared: stored where no one can follow it


        @pytest.fixture(scope="module")
        def broad():
            return MagicMock()


        @pytest.mark.performance
        def test_speed():
            socket.socket().bind(("", 8080))
            open("/tmp/out.txt", "w")
    """,
    "test_overrides.py": """
        from app import app, dep


        def test_override():
            app.dependency_overrides[dep] = lambda: 1
    """,
    "tests/unit/thing_test.py": MOCKING_FN,
    "app.py": MOCKING_CLASS,
    ".git/test_in_git.py": MOCKING_FN,
    "__pycache__/test_cached.py": MOCKING_FN,
    ".tox/py/test_in_tox.py": MOCKING_FN,
    "tests/test_notes.txt": MOCKING_FN,
    "tests/test_broken.py": "def test_(:\n",
}

IMPORT = b"from unittest.mock import MagicMock\n"
ODD_FILES = {
    "test_crlf.py": IMPORT.replace(b"\n", b"\r\n") + b"\r\n\r\ndef test_a():\r\n    MagicMock()\r\n",
    "test_bom.py": b"\xef\xbb\xbf" + IMPORT + b"\n\ndef test_a():\n    MagicMock()\n",
    "test_latin1.py": (b"# -*- coding: latin-1 -*-\n" + IMPORT
                       + b"NAME = 'caf\xe9'\n\n\ndef test_a():\n    MagicMock()\n"),
    "test_not_utf8.py": IMPORT + b"NAME = 'caf\xe9'\n\n\ndef test_a():\n    MagicMock()\n",
    "test_no_final_newline.py": IMPORT + b"\n\ndef test_a():\n    MagicMock()",
    "test_tabs.py": IMPORT + b"\n\nclass TestA:\n\tdef test_a(self):\n\t\tMagicMock()\n",
    "test_empty.py": b"",
}


def write_project(project):
    project.write(PROJECT)
    for name, data in ODD_FILES.items():
        (project.root / name).write_bytes(data)
    (project.root / "tests" / "unit" / "conftest.py").mkdir()  # a directory with a test file's name


@pytest.mark.parametrize("args", [
    (),
    ("--select=MXS",),
    ("--select=MXS001,MXS002",),
    ("--extend-select=MXS010",),
    ("--ignore=MXS001",),
    ("--extend-ignore=MXS002,MXS005",),
    ("--select=MXS", "--ignore=MXS00"),
    ("--select=MXS00", "--extend-ignore=MXS003"),
    ("--select=MXS", "--mxs-test-files=*.py", "--mxs-test-classes=Test*,*Inner",
     "--mxs-broad-scopes=session", "--mxs-performance-markers=slow", "--mxs-gc-fixtures=_collect"),
], ids=lambda args: " ".join(args) or "defaults")
def test_fast_harness_agrees_with_flake8(project, lint_fast, lint_flake8, args):
    write_project(project)
    assert lint_fast.messages({}, *args) == lint_flake8.messages({}, *args)


def test_fast_harness_reports_on_the_sample(lint_fast, project):
    write_project(project)
    assert lint_fast({}, "--extend-select=MXS001,MXS002") == sorted([
        at(10, 1, "MXS006", "conftest.py"),  # its module-level environ change is exempt
        at(4, 1, "MXS001", "test_bom.py"),
        at(4, 1, "MXS001", "test_crlf.py"),
        at(5, 1, "MXS001", "test_environ.py"),
        at(6, 5, "MXS003", "test_environ.py"),
        at(7, 5, "MXS004", "test_environ.py"),
        at(6, 1, "MXS001", "test_latin1.py"),
        at(4, 1, "MXS001", "test_no_final_newline.py"),
        at(5, 1, "MXS001", "test_not_utf8.py"),
        at(5, 5, "MXS007", "test_overrides.py"),
        at(6, 18, "MXS005", "test_shared.py"),
        at(10, 1, "MXS006", "test_shared.py"),
        at(15, 1, "MXS009", "test_shared.py"),
        at(16, 5, "MXS008", "test_shared.py"),
        at(17, 5, "MXS008", "test_shared.py"),
        at(4, 1, "MXS001", "test_tabs.py"),
        at(4, 1, "MXS002", "test_tabs.py"),
        at(6, 5, "MXS001", "tests/test_classes.py"),  # no MXS002: tests/conftest.py collects
        at(12, 2, "MXS011", "tests/test_classes.py"),  # unnamed: MXS011, not MXS001
        at(4, 1, "MXS001", "tests/unit/thing_test.py"),
    ])


@pytest.mark.parametrize("args", [
    ("-j", "2"), ("--jobs=2",), ("--per-file-ignores=test_example.py:MXS001",), ("--exclude=tests",),
    ("--extend-exclude=tests",), ("--config=setup.cfg",), ("--isolated",), ("--stdin-display-name=x.py",),
    ("-",), ("tests",), ("--select", "MXS001"), ("--disable-noqa",), ("--filename=*.py",),
])
def test_fast_harness_refuses_flake8_arguments_it_does_not_emulate(lint_fast, args):
    with pytest.raises(lint_fast.NotEmulated, match="does not emulate the flake8 argument .*use lint_flake8"):
        lint_fast(MOCKING_FN, *args)


@pytest.mark.parametrize("comment", ["  # noqa", "  # noqa: MXS001", "  # NOQA:MXS001", "  # flake8: noqa"])
def test_fast_harness_refuses_noqa_comments(lint_fast, comment):
    source = "from unittest.mock import MagicMock\n\n\ndef test_thing():" + comment + "\n    MagicMock()\n"
    with pytest.raises(lint_fast.NotEmulated, match="noqa comment: use lint_flake8"):
        lint_fast(source)


@pytest.mark.parametrize("config_name", ["setup.cfg", "tox.ini", ".flake8"])
def test_fast_harness_refuses_projects_with_a_flake8_config_file(lint_fast, config_name):
    message = r"config files \(" + config_name + r"\): use lint_flake8"
    with pytest.raises(lint_fast.NotEmulated, match=message):
        lint_fast({"test_example.py": MOCKING_FN, config_name: "[flake8]\nselect = MXS001\n"})
