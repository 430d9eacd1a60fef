"""Names resolve by scope, test names match as pytest matches them, and the same file gives
the same findings from anywhere."""
import fnmatch
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from flake8_xdist_safety.config import Config


def test_import_inside_one_helper_does_not_leak_into_another_function(lint):
    src = """
        def helper():
            from os import environ
            return environ

        def test_local_dict():
            environ = {}
            environ["A"] = "1"
    """
    assert lint(src, "--select=MXS003") == []


def test_class_attribute_does_not_hide_the_module_constant_from_methods(lint):
    src = """
        import socket

        PORT = 8080

        class TestServer:
            PORT = 0

            def test_bind(self):
                socket.socket().bind(("127.0.0.1", PORT))
    """
    assert lint(src, "--select=MXS008") == ["test_example.py:9:9: MXS008"]


def test_alias_imported_below_the_function_is_seen_inside_it(lint):
    src = """
        def test_set():
            environ["A"] = "1"

        from os import environ
    """
    assert lint(src, "--select=MXS003") == ["test_example.py:2:5: MXS003"]


def test_a_parameter_shadows_a_module_import(lint):
    src = """
        from os import environ

        def test_set(environ):
            environ["A"] = "1"
    """
    assert lint(src, "--select=MXS003") == []


# -- the same findings from any working directory and for any spelling of the path --------

HELPERS = "from unittest.mock import MagicMock\n\ndef make_mock():\n    return MagicMock()\n"
TEST = ("from .helpers import make_mock\n\nCLIENT = make_mock()\n\n\ndef test_it():\n    assert CLIENT\n"
        "\n\ndef test_too():\n    assert CLIENT\n")  # two tests share it
ARGS = ["--isolated", "--select=MXS005", "--mxs-mock-factories=tests.helpers.make_mock",
        "--format=%(row)d:%(col)d: %(code)s"]


def _flake8(cwd, *args, stdin=None):
    done = subprocess.run([sys.executable, "-m", "flake8", *ARGS, *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.split()


@pytest.mark.slow
def test_relative_imports_resolve_from_the_file_not_the_working_directory(tmp_path):
    root = tmp_path / "proj"
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (root / "tests" / "helpers.py").write_text(HELPERS)
    (root / "tests" / "test_a.py").write_text(TEST)
    target = root / "tests" / "test_a.py"
    expected = ["3:10:", "MXS005"]
    assert _flake8(root, "tests/test_a.py") == expected
    assert _flake8(root / "tests", "test_a.py") == expected
    assert _flake8(tmp_path, "proj/tests/test_a.py") == expected
    assert _flake8("/", str(target)) == expected
    assert _flake8(tmp_path, "--stdin-display-name", str(target), "-", stdin=TEST) == expected


def test_a_test_files_glob_with_a_slash_matches_an_absolute_path(project):
    project.write({"tests/check_env.py": "import os\n\n\ndef test_set():\n    os.environ['A'] = '1'\n"})
    absolute = str(project.root / "tests" / "check_env.py")
    found = project.codes("--select=MXS003", "--mxs-test-files=tests/check_*.py", paths=[absolute])
    assert found == [absolute + ":5:5: MXS003"]


@given(
    globs=st.lists(st.text(alphabet="tesTa*?[]!", max_size=6), max_size=3).map(tuple),
    name=st.text(alphabet="tesTa_\n", max_size=8),
)
def test_test_names_are_matched_as_fnmatchcase_matches_them(globs, name):
    # python_functions/python_classes globs: a fast path for plain ``prefix*``, a regex otherwise.
    config = Config(test_functions=globs, test_classes=globs)
    expected = any(fnmatch.fnmatchcase(name, glob) for glob in globs)
    assert config.is_test_function_name(name) is expected
    assert config.is_test_class_name(name) is expected
