"""Faults around a writing run: temporary files a killed run left, a standard output that is closed, the
line numbers of "not fixed" lines, and the one line about the cost of MXS002's fix."""
import os
import subprocess
import sys

import pytest

from fix_harness import OPT_IN, FixProject

ENV = "import os\n\n\ndef test_env():\n    os.environ['A'] = '1'\n"
FIXED_ENV = "def test_env(monkeypatch):\n    monkeypatch.setenv('A', '1')\n"
MOCKS = "from unittest.mock import MagicMock\n\n\nclass TestA:\n    def test_it(self):\n        MagicMock()\n"


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path)


def dead_pid_leaving(directory, name_of_file):
    """Run a process that leaves a temporary file named as the fixer names them, and exits."""
    code = ("import os, sys; open(os.path.join(sys.argv[1], '.%s.%d.k9x2ab3q.mxs-tmp' % (sys.argv[2], "
            "os.getpid())), 'w').write('half')")
    subprocess.run([sys.executable, "-c", code, str(directory), name_of_file], check=True)
    [left] = [n for n in os.listdir(directory)
              if n.startswith(f".{name_of_file}.") and n.endswith(".mxs-tmp")]
    return left


def test_a_temporary_file_a_killed_run_left_is_removed_by_the_next_run_which_says_so(proj):
    proj.write({"test_a.py": ENV})
    stale = dead_pid_leaving(proj.root, "test_a.py")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = f".test_a.py.{sleeper.pid}.q8r7s6t5.mxs-tmp"
        (proj.root / running).write_text("a run still writing")
        status, out, err = proj.fix("test_a.py")
    finally:
        sleeper.kill()
        sleeper.wait()
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == (f"{stale}: removed: a temporary file an interrupted run left while fixing "
                                   "test_a.py")
    assert not (proj.root / stale).exists()
    assert (proj.root / running).read_text() == "a run still writing"  # its process still runs
    assert proj.read("test_a.py") == FIXED_ENV


def test_check_and_diff_remove_nothing(proj):
    proj.write({"test_a.py": ENV})
    stale = dead_pid_leaving(proj.root, "test_a.py")
    for mode in ("--check", "--diff"):
        status, out, _ = proj.fix(mode, "test_a.py")
        assert status == 1 and "removed" not in out
    assert (proj.root / stale).exists()


def test_the_temporary_file_is_named_after_the_file_and_the_writing_process(proj, monkeypatch):
    import tempfile
    names = []
    real = tempfile.mkstemp

    def recording(suffix, prefix, dir):
        names.append(prefix + "*" + suffix)
        return real(suffix=suffix, prefix=prefix, dir=dir)

    monkeypatch.setattr(tempfile, "mkstemp", recording)
    proj.write({"test_a.py": ENV})
    assert proj.fix("test_a.py")[0] == 0
    assert names == [f".test_a.py.{os.getpid()}.*.mxs-tmp"]


def run_with_stdout_closed(proj, *argv, close_at_start=False):
    command = [sys.executable, "-m", "flake8_xdist_safety", "fix", *argv]
    if close_at_start:
        command = ["sh", "-c", '"$0" "$@" >&-', *command]
    process = subprocess.Popen(command, cwd=proj.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    process.stdout.close()  # the reader goes away before the first line (`fix . | head -0`)
    err = process.stderr.read()
    return process.wait(timeout=120), err


@pytest.mark.parametrize("close_at_start", [False, True], ids=["reader-gone", "closed-at-start"])
def test_a_closed_standard_output_never_stops_a_writing_run_half_way(proj, close_at_start):
    proj.write({f"test_{n}.py": ENV for n in "abc"})
    status, err = run_with_stdout_closed(proj, ".", close_at_start=close_at_start)
    assert [proj.read(f"test_{n}.py") for n in "abc"] == [FIXED_ENV] * 3
    assert status == 1
    assert err == ("flake8-xdist-safety: error: standard output was closed; 3 line(s) were not printed, but "
                   "every file was fixed as if they had been\n")


def test_check_with_standard_output_closed_at_start_stops_before_anything(proj):
    proj.write({"test_a.py": ENV})
    status, err = run_with_stdout_closed(proj, "--check", ".", close_at_start=True)
    assert (status, proj.read("test_a.py")) == (2, ENV)
    assert err == "flake8-xdist-safety: error: standard output is closed; nothing to print the changes to\n"


def test_not_fixed_lines_name_the_line_of_the_file_as_written(proj):
    # MXS001 adds "import pytest" and a decorator above the refused change: it moves two lines down.
    source = MOCKS + "\n\ndef test_update():\n    os.environ.update(A='1')\n"
    proj.write({"test_a.py": "import os\n" + source})
    status, out, err = proj.fix(OPT_IN, "--select=MXS001,MXS003", "test_a.py")
    lines = proj.read("test_a.py").splitlines()
    [note] = err.splitlines()
    line = int(note.split(":")[1])
    assert status == 1
    assert note == (f"test_a.py:{line}:5: MXS003 not fixed: os.environ.update('A'): only os.environ[K] = V, "
                    "del os.environ[K] and os.environ.pop(K[, default]) statements are rewritten")
    assert lines[line - 1] == "    os.environ.update(A='1')"
    assert line == 13  # 11 in the file as it was read


def test_check_names_the_lines_of_the_file_as_it_is(proj):
    source = "import os\n" + MOCKS + "\n\ndef test_update():\n    os.environ.update(A='1')\n"
    proj.write({"test_a.py": source})
    status, out, err = proj.fix(OPT_IN, "--check", "--select=MXS001,MXS003", "test_a.py")
    assert err.startswith("test_a.py:11:5: MXS003 not fixed")


def test_the_cost_of_the_gc_teardowns_is_printed_once_per_run(proj):
    proj.write({"test_a.py": MOCKS, "test_b.py": MOCKS.replace("TestA", "TestB")})
    status, out, err = proj.fix(OPT_IN, "--select=MXS002", ".")
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == (
        "MXS002: made 2 per-test teardown(s) call gc.collect(); measured cost: 23-30 ms per test on a "
        "synthetic suite of mock-heavy tests, 7.2x the wall time (221 s -> 1,581 s) on a real suite; see "
        "`flake8-xdist-safety rule MXS002`")
    assert sum(line.startswith("MXS002: ") for line in out.splitlines()) == 1


def test_the_cost_line_says_would_with_check_and_is_absent_from_a_diff_or_without_gc_fixes(proj):
    proj.write({"test_a.py": MOCKS})
    assert proj.fix(OPT_IN, "--check", "--select=MXS002", ".")[1].splitlines()[-1].startswith(
        "MXS002: would make 1 per-test teardown(s) call gc.collect(); measured cost:")
    assert "MXS002: " not in proj.fix(OPT_IN, "--diff", "--select=MXS002", ".")[1]
    assert "MXS002: " not in proj.fix(OPT_IN, "--select=MXS001", ".")[1]


class _GoneReader:
    def __init__(self, error):
        self.error, self.written = error, []

    def write(self, text):
        if self.written:
            raise self.error
        self.written.append(text)

    def flush(self):
        pass


@pytest.mark.parametrize("error", [BrokenPipeError(32, "Broken pipe"),
                                   ValueError("I/O operation on closed file")])
def test_the_guarded_output_counts_the_lines_it_could_not_print(error):
    from flake8_xdist_safety.fixer.output import GuardedOutput
    stream = _GoneReader(error)
    guarded = GuardedOutput(stream)
    for line in ("one\n", "two\n", "three\n"):
        assert guarded.write(line) == len(line)
    assert (stream.written, guarded.lost, guarded.stream) == (["one\n"], 2, None)
    assert GuardedOutput(None).write("a\nb\n") == 4
