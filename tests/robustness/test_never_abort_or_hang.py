"""Never hang on a file that is not a regular file, never abort on a value too big to show.

The hang cases run flake8 in a subprocess with a timeout, so a hang fails the test, not the
suite: a named pipe at a path the plugin reads blocks a plain ``open()`` forever.
"""
import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flake8.exceptions import PluginExecutionFailed

from flake8_xdist_safety import checker
from flake8_xdist_safety.analysis.project import pytest_config_for
from flake8_xdist_safety.analysis.regular_files import MAX_BYTES, read_regular_file
from flake8_xdist_safety.analysis.shown import shown, shown_value
from flake8_xdist_safety.checker import XdistSafetyChecker
from flake8_xdist_safety.findings import bounded_text

from cases import mxs_lines

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")

GROUPED = "import pytest\n\n\n@pytest.mark.xdist_group(name='api')\ndef test_one():\n    pass\n"
#: seconds: a flake8 run of two small files takes about one; a hang never ends
TIMEOUT = 60


def flake8_subprocess(root: Path, *args: str) -> subprocess.CompletedProcess:
    """flake8 on test_example.py only, ``--isolated``: flake8 itself opens ``tox.ini`` and
    ``setup.cfg`` (its own configuration) and every ``*.py`` under ``.`` (a ``noxfile.py``)
    with a plain ``open()``; what is tested here is the plugin's reading."""
    return subprocess.run([sys.executable, "-m", "flake8", "--isolated", *args, "test_example.py"], cwd=root,
                          capture_output=True, text=True, timeout=TIMEOUT)


# -- named pipes and devices -----------------------------------------------------------------

@needs_fifo
@pytest.mark.parametrize("name", [
    "Makefile", "noxfile.py", "tox.ini", "run_tests.sh", "scripts/ci.sh", ".gitlab-ci.yml",
    ".github/workflows/ci.yml", ".github/workflows/ci.yaml",
])
def test_a_named_pipe_at_a_command_file_is_skipped(project, name):
    # -n 2 in addopts: *no* loadgroup, unless a command file said otherwise; the pipe says nothing.
    project.write({"pytest.ini": "[pytest]\naddopts = -n 2\n", "test_example.py": GROUPED})
    (project.root / name).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(project.root / name)
    result = flake8_subprocess(project.root, "--select=MXS011")
    assert (mxs_lines(result.stdout), result.returncode, result.stderr) == (
        ["test_example.py:4:2: MXS011"], 1, "")


@needs_fifo
@pytest.mark.parametrize("name", [
    "pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "setup.cfg"])
def test_a_named_pipe_at_a_pytest_configuration_is_skipped_as_pytest_skips_it(project, name):
    # pytest takes only regular files as configuration: it finds the tox.ini next to the pipe.
    project.write({"tox.ini": "[pytest]\naddopts = -n 2\n", "test_example.py": GROUPED})
    os.mkfifo(project.root / name)
    result = flake8_subprocess(project.root, "--select=MXS011")
    assert (mxs_lines(result.stdout), result.returncode, result.stderr) == (
        ["test_example.py:4:2: MXS011"], 1, "")
    assert pytest_config_for(str(project.root / "test_example.py")).path == str(project.root / "tox.ini")


@needs_fifo
def test_a_named_pipe_at_a_parent_conftest_is_skipped(project):
    # The conftest chain of tests/test_example.py passes through ./conftest.py: a pipe there is no
    # conftest pytest could load. (Modules followed from a conftest need the same care.)
    project.write({"pytest.ini": "[pytest]\naddopts = -n 2\n", "tests/test_example.py": GROUPED})
    os.mkfifo(project.root / "conftest.py")
    command = [sys.executable, "-m", "flake8", "--isolated", "--select=MXS011", "tests/test_example.py"]
    result = subprocess.run(command, cwd=project.root, capture_output=True, text=True, timeout=TIMEOUT)
    assert (mxs_lines(result.stdout), result.returncode, result.stderr) == (
        ["tests/test_example.py:4:2: MXS011"], 1, "")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_at_a_command_file_is_not_read(project):
    project.write({"pytest.ini": "[pytest]\naddopts = -n 2\n", "test_example.py": GROUPED})
    (project.root / "Makefile").symlink_to("/dev/zero")
    assert read_regular_file(str(project.root / "Makefile")) is None
    assert project.codes("--select=MXS011") == ["test_example.py:4:2: MXS011"]


def test_a_command_file_over_the_size_bound_makes_the_answer_unknown(project):
    # What it says past the bound cannot be known: not *no* (MXS011 silent), not read either.
    padding = "# padding line of a very long generated Makefile\n" * (MAX_BYTES // 40)
    project.write({"pytest.ini": "[pytest]\naddopts = -n 2\n", "test_example.py": GROUPED})
    (project.root / "Makefile").write_text(padding + "test:\n\tpytest --dist loadgroup\n")
    assert project.codes("--select=MXS011") == []
    assert pytest_config_for(str(project.root / "test_example.py")).loadgroup is None


def test_a_configuration_over_the_size_bound_is_unreadable(project):
    project.write({"tox.ini": "[pytest]\naddopts = -n 2\n", "sub/test_example.py": GROUPED})
    (project.root / "sub" / "pytest.ini").write_text("[pytest]\n" + "# padding\n" * (MAX_BYTES // 8))
    config = pytest_config_for(str(project.root / "sub" / "test_example.py"))
    assert (config.path, config.readable, config.loadgroup) == (
        str(project.root / "sub" / "pytest.ini"), False, None)


def test_the_reader_reads_a_regular_file_up_to_the_bound(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    assert read_regular_file(str(path), limit=10) == b"x" * 10
    assert read_regular_file(str(path), limit=9) is None
    assert read_regular_file(str(tmp_path)) is None  # a directory
    assert read_regular_file(str(tmp_path / "missing")) is None
    assert read_regular_file("nul\0byte") is None


# -- values too big to show ------------------------------------------------------------------

HUGE = "0x" + "f" * 4000  # a literal Python parses, whose str() raises past 4,300 digits
HUGE_SHOWN = "0x" + "f" * 195 + "..."


@pytest.mark.parametrize("literal, shown_as", [
    (HUGE, HUGE_SHOWN),
    ("1" * 4000, "1" * 197 + "..."),  # under the limit: str() works, the message is still bounded
], ids=["hex-past-the-str-limit", "decimal-4000-digits"])
def test_a_huge_integer_port_is_reported_with_a_bounded_value(project, literal, shown_as):
    project.write({"test_example.py": f"import socket\n\n\ndef test_bind():\n"
                                      f"    socket.socket().bind(('localhost', {literal}))\n"})
    assert project.flake8("--select=MXS008") == [
        f"test_example.py:5:5: MXS008 fixed port {shown_as} is shared by all xdist workers; "
        "bind port 0 or use a free-port fixture"]


def test_a_huge_integer_patch_attribute_does_not_abort(project):
    project.write({"test_example.py": f"import socket\nfrom unittest import mock\n\n\ndef test_patch():\n"
                                      f"    mock.patch.object(socket, {HUGE}).start()\n"})
    assert project.codes("--select=MXS004") == ["test_example.py:6:5: MXS004"]


def test_a_huge_integer_setting_does_not_abort(project):
    project.write({"test_example.py": f"import signal\n\n\ndef test_alarm():\n    signal.alarm({HUGE})\n"})
    assert project.codes("--select=MXS016") == ["test_example.py:5:5: MXS016"]


def test_a_message_that_fails_to_format_is_the_plugins_failure_not_a_traceback(checker_options, monkeypatch,
                                                                               tmp_path):
    checker_options("--select=MXS003")
    monkeypatch.chdir(tmp_path)

    def broken_format(item):
        raise ValueError("cannot format")

    monkeypatch.setattr(checker, "format_message", broken_format)
    source = "import os\n\n\ndef test_env():\n    os.environ['A'] = '1'\n"
    with pytest.raises(PluginExecutionFailed) as info:
        list(XdistSafetyChecker(ast.parse(source), "test_x.py").run())
    assert repr(info.value.original_exception) == "ValueError('cannot format')"


def test_reading_the_project_is_inside_the_guard(checker_options, monkeypatch):
    checker_options()

    def broken_file_config(config, filename):
        raise OSError("unreadable project")

    monkeypatch.setattr(checker, "file_config", broken_file_config)
    with pytest.raises(PluginExecutionFailed) as info:
        list(XdistSafetyChecker(ast.parse("x = 1\n"), "test_x.py").run())
    assert repr(info.value.original_exception) == "OSError('unreadable project')"


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize("value, limit, expected", [
    (int(HUGE, 16), 200, HUGE_SHOWN),
    (10 ** 300, 40, "1" + "0" * 36 + "..."),
    (5000, 40, "5000"),
    (True, 40, "True"),
    ("k" * 50, 10, "kkkkkkk..."),
    (_Unprintable(), 40, "..."),
], ids=["past-str-limit", "cut", "short", "bool", "str-cut", "broken-str"])
def test_bounded_text(value, limit, expected):
    assert bounded_text(value, limit) == expected


def test_shown_bounds_constants():
    huge = ast.parse(HUGE, mode="eval").body
    assert shown(huge) == "0x" + "f" * 35 + "..."
    assert shown_value(int(HUGE, 16), 10) == "0xfffff..."
    long_key = ast.Constant("K" * 1_000_000)
    assert shown(long_key) == "'" + "K" * 76 + "..."
