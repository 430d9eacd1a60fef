"""The fixer: golden before/after pairs, idempotence, modes, exit codes, directories, bad input.

Each ``tests/fix_golden/NAME.before.txt`` is copied to ``test_NAME.py`` in a fresh project
(so the group name is ``test_NAME``) and must become ``NAME.after.txt`` byte for byte. Every
pair is also checked with CRLF line endings and without a final newline.
"""
import ast
import io
import subprocess
import sys
from pathlib import Path
from typing import Tuple

import pytest

from flake8_xdist_safety.fixer.cli import main
from flake8_xdist_safety.config import make_config
from flake8_xdist_safety.fixer.rewrites import fix_source, findings
from flake8_xdist_safety.analysis.builder import build_model

GOLDEN = Path(__file__).parent / "fix_golden"
NAMES = sorted(p.name[:-len(".before.txt")] for p in GOLDEN.glob("*.before.txt"))
PAIRS = [n for n in NAMES if (GOLDEN / f"{n}.after.txt").exists()]
#: goldens whose after-text still has findings the fixer leaves alone (exit status 1)
WITH_LEFTOVERS = {"environ"}


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def no_final_newline(text: str) -> str:
    return text.rstrip("\n")


VARIANTS = {"lf": lambda t: t, "crlf": crlf, "no-final-newline": no_final_newline}


@pytest.fixture
def root(tmp_path, monkeypatch):
    """An empty project (``.git`` stops the conftest walk), the current directory."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["fix", *argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# -- golden pairs ---------------------------------------------------------------------------

@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", PAIRS)
def test_golden(root, name, variant):
    change = VARIANTS[variant]
    before, after = (change(read(GOLDEN / f"{name}.{side}.txt")) for side in ("before", "after"))
    path = write(root / f"test_{name}.py", before)
    status, out, err = run(str(path))
    assert read(path) == after
    assert status == (1 if name in WITH_LEFTOVERS else 0), err
    assert ("fixed:" in out) == (before != after)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", PAIRS)
def test_golden_is_idempotent(root, name, variant):
    after = VARIANTS[variant](read(GOLDEN / f"{name}.after.txt"))
    path = write(root / f"test_{name}.py", after)
    status, out, _ = run(str(path))
    assert read(path) == after
    assert out == ""
    assert status == (1 if name in WITH_LEFTOVERS else 0)


@pytest.mark.parametrize("name", PAIRS)
def test_golden_after_has_no_fixable_findings(root, name):
    after = read(GOLDEN / f"{name}.after.txt")
    compile(after, name, "exec")
    counts = findings(build_model(ast.parse(after), str(root / f"test_{name}.py"), make_config()),
                      make_config())
    assert counts["MXS001"] == counts["MXS002"] == 0
    assert counts["MXS003"] == (3 if name in WITH_LEFTOVERS else 0)


def test_compliant_and_syntax_error_goldens_exist():
    assert "compliant" in PAIRS and read(GOLDEN / "compliant.before.txt") == read(
        GOLDEN / "compliant.after.txt")
    assert "syntax_error" in NAMES and "syntax_error" not in PAIRS


def test_syntax_error_file_is_untouched_and_reported(root):
    before = read(GOLDEN / "syntax_error.before.txt")
    path = write(root / "test_broken.py", before)
    status, out, err = run(str(path))
    assert status == 1
    assert read(path) == before
    assert out == ""
    [line] = err.splitlines()  # the parser's wording differs between Python versions
    assert line.startswith(f"{path}: error: syntax error, line 5: ")
    assert line.endswith("; left untouched")


def test_not_fixed_findings_are_reported_one_line_each(root):
    path = write(root / "test_environ.py", read(GOLDEN / "environ.before.txt"))
    _, out, err = run(str(path))
    assert err.splitlines() == [
        f"{path}:24:5: MXS003 not fixed: os.environ.update('A'): only os.environ[K] = V, "
        "del os.environ[K] and os.environ.pop(K) statements are rewritten",
        f"{path}:25:5: MXS003 not fixed: os.environ.setdefault('B'): only os.environ[K] = V, "
        "del os.environ[K] and os.environ.pop(K) statements are rewritten",
        f"{path}:39:9: MXS003 not fixed: os.environ['Y']: only changes made directly in a "
        "test function or method are rewritten",
    ]
    assert f"{path}:31:5: MXS003 fixed: test_restore_by_hand: " \
           'monkeypatch.delenv("TOKEN", raising=False)' in out.splitlines()


# -- modes and exit codes -------------------------------------------------------------------

def test_default_mode_prints_one_line_per_change(root):
    path = write(root / "test_api.py", read(GOLDEN / "decorator_stack.before.txt"))
    status, out, err = run(str(path))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"{path}:8:1: MXS001 fixed: test class TestDb: added "
        '@pytest.mark.xdist_group(name="test_api")',
        f"{path}:8:1: MXS002 fixed: test class TestDb: added teardown_method calling gc.collect()",
    ]


@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_check_and_diff_write_nothing_and_exit_1_when_changes_are_pending(root, mode):
    before = read(GOLDEN / "class_docstring.before.txt")
    path = write(root / "test_client.py", before)
    status, out, _ = run(mode, str(path))
    assert status == 1
    assert read(path) == before
    assert out


@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_check_and_diff_exit_0_when_nothing_to_do(root, mode):
    path = write(root / "test_ok.py", read(GOLDEN / "compliant.before.txt"))
    assert run(mode, str(path)) == (0, "", "")


def test_diff_is_a_unified_diff_that_patch_applies(root):
    path = write(root / "test_client.py", read(GOLDEN / "class_docstring.before.txt"))
    _, out, _ = run("--diff", str(path))
    assert out.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert '+@pytest.mark.xdist_group(name="test_client")\n' in out
    patched = subprocess.run(["patch", "-p0", "--dry-run", "-o", "-", str(path)], input=out,
                             capture_output=True, text=True)
    if patched.returncode == 0:  # `patch` may be missing; the text checks above still ran
        expected = read(GOLDEN / "class_docstring.after.txt").replace("test_class_docstring",
                                                                      "test_client")
        assert expected in patched.stdout


def test_diff_marks_a_missing_final_newline(root):
    source = "import gc\nfrom unittest.mock import MagicMock\n\n\nclass TestEnd:\n" \
             "    def test_it(self):\n        MagicMock()\n\n    def teardown_method(self):\n" \
             "        pass"
    path = write(root / "test_nl.py", source)
    _, out, _ = run("--diff", "--group", "g", str(path))
    assert out.endswith("-        pass\n\\ No newline at end of file\n+        pass\n"
                        "+        gc.collect()\n\\ No newline at end of file\n")


def test_group_option_names_every_group(root):
    path = write(root / "test_api.py", read(GOLDEN / "module_functions.before.txt"))
    assert run("--group", "db", str(path))[0] == 0
    assert 'pytestmark = pytest.mark.xdist_group(name="db")\n' in read(path)


@pytest.mark.parametrize("argv", [["fix"], ["fix", "--check", "--diff", "x.py"], ["nope", "x"],
                                  ["fix", "--group", " ", "x.py"]])
def test_usage_errors_exit_2(root, argv):
    err = io.StringIO()
    try:
        status = main(argv, out=io.StringIO(), err=err)
    except SystemExit as exc:  # argparse
        status = exc.code
    assert status == 2


# -- directories, config, bad input ---------------------------------------------------------

def test_directory_run_fixes_test_files_and_goes_on_after_bad_input(root):
    mocking = read(GOLDEN / "no_imports.before.txt")
    write(root / "tests" / "test_a.py", mocking)
    write(root / "tests" / "sub" / "b_test.py", mocking)
    write(root / "tests" / "helpers.py", mocking)  # not a test file
    write(root / "tests" / ".git" / "test_hidden.py", mocking)  # excluded like flake8 does
    write(root / "tests" / "test_broken.py", "def test(:\n")
    (root / "tests" / "test_latin1.py").write_bytes(b"# caf\xe9\n")
    status, out, err = run("tests", "missing.py")
    assert status == 1
    assert read(root / "tests" / "test_a.py") != mocking
    assert read(root / "tests" / "sub" / "b_test.py") != mocking
    assert read(root / "tests" / "helpers.py") == mocking
    assert read(root / "tests" / ".git" / "test_hidden.py") == mocking
    assert [line.split(":")[0] for line in err.splitlines()] == [
        "tests/test_broken.py", "tests/test_latin1.py", "missing.py"]
    assert "not UTF-8" in err and "no such file" in err
    assert len(out.splitlines()) == 4  # two changes in each of the two test files
    assert run("tests")[1] == ""  # a second run changes nothing


def test_settings_come_from_the_flake8_section(root):
    write(root / "setup.cfg",
          "[flake8]\nmxs_test_files =\n    check_*.py\nmxs-test-classes = Check*\n")
    source = "from unittest.mock import MagicMock\n\n\nclass CheckIt:\n    def test_it(self):\n" \
             "        MagicMock()\n"
    path = write(root / "suite" / "check_it.py", source)
    write(root / "suite" / "test_other.py", source)
    status, out, _ = run("suite")
    assert status == 0
    assert "@pytest.mark.xdist_group(name=\"check_it\")" in read(path)
    assert read(root / "suite" / "test_other.py") == source
    assert all(line.startswith(str(Path("suite") / "check_it.py")) for line in out.splitlines())


def test_invalid_setting_is_a_one_line_usage_error(root):
    write(root / "tox.ini", "[flake8]\nmxs-broad-scopes = modul\n")
    status, out, err = run("x.py")
    assert status == 2
    assert err == "flake8-xdist-safety: error: --mxs-broad-scopes: 'modul' is not a pytest scope " \
                  "(function, class, module, package, session)\n"


def test_byte_order_mark_is_kept(root):
    source = "\ufeff" + read(GOLDEN / "gc_alias.before.txt")
    path = write(root / "test_gc_alias.py", source)
    assert run(str(path))[0] == 0
    assert read(path) == "\ufeff" + read(GOLDEN / "gc_alias.after.txt")


def test_fix_is_rejected_when_the_result_would_not_be_clean():
    # A pytestmark bound to a name can't be extended: left alone and reported, not half-fixed.
    source = "from unittest.mock import MagicMock\nimport pytest\n\nMARKS = []\n" \
             "pytestmark = MARKS\n\n\ndef test_it():\n    MagicMock()\n"
    result = fix_source(source, "test_x.py", make_config())
    assert result.source == source and not result.changes
    assert [n.code for n in result.not_fixed] == ["MXS001"]


# -- the console entry points ---------------------------------------------------------------

def test_python_dash_m_entry_point(root):
    before = read(GOLDEN / "async_tests.before.txt")
    path = write(root / "test_async_tests.py", before)
    checked = subprocess.run([sys.executable, "-m", "flake8_xdist_safety", "fix", "--check",
                              str(path)], capture_output=True, text=True, cwd=root)
    assert checked.returncode == 1 and "would fix" in checked.stdout
    fixed = subprocess.run([sys.executable, "-m", "flake8_xdist_safety", "fix", str(path)],
                           capture_output=True, text=True, cwd=root)
    assert fixed.returncode == 0, fixed.stderr
    assert read(path) == read(GOLDEN / "async_tests.after.txt")
