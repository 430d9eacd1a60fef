"""The fixer's golden pairs: ``golden/NAME.before.txt`` becomes ``golden/NAME.after.txt`` byte for byte.

Each before-text is written to ``test_NAME.py`` in a fresh project (a ``.git`` root marker, no flake8
configuration) and fixed through the console entry point with ``--extend-select=MXS001,MXS002`` (both are
opt-in codes). The findings left alone must be exactly the lines of ``golden/NAME.notes.txt`` (``line:col:
CODE not fixed: why``), and the exit status 1 exactly when there are some. Every pair is also checked with
CRLF line endings and without a final newline, and the after-text must be a fixed point.
"""
import io
import re
from pathlib import Path
from typing import List, Tuple

import pytest

from flake8_xdist_safety.fixer.cli import main

GOLDEN = Path(__file__).parent / "golden"
NAMES = sorted(p.name[:-len(".before.txt")] for p in GOLDEN.glob("*.before.txt"))
PAIRS = [n for n in NAMES if (GOLDEN / f"{n}.after.txt").exists()]
OPT_IN = "--extend-select=MXS001,MXS002"


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def no_final_newline(text: str) -> str:
    return text.rstrip("\n")


VARIANTS = {"lf": lambda t: t, "crlf": crlf, "no-final-newline": no_final_newline}


def expected_notes(name: str) -> List[str]:
    path = GOLDEN / f"{name}.notes.txt"
    return read(path).splitlines() if path.exists() else []


@pytest.fixture
def root(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fix(*argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["fix", OPT_IN, *argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", PAIRS)
def test_golden(root, name, variant):
    change = VARIANTS[variant]
    before, after = (change(read(GOLDEN / f"{name}.{side}.txt")) for side in ("before", "after"))
    path = root / f"test_{name}.py"
    path.write_bytes(before.encode("utf-8"))
    status, out, err = fix(path.name)
    assert read(path) == after
    notes = [line[len(path.name) + 1:] for line in err.splitlines()]
    assert notes == expected_notes(name)
    assert status == (1 if notes else 0), err
    assert ("fixed:" in out) == (before != after)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", PAIRS)
def test_golden_after_is_a_fixed_point(root, name, variant):
    after = VARIANTS[variant](read(GOLDEN / f"{name}.after.txt"))
    path = root / f"test_{name}.py"
    path.write_bytes(after.encode("utf-8"))
    status, out, err = fix(path.name)
    assert "error" not in err
    assert read(path) == after
    assert out == ""
    # The same findings are left, now on the lines of the fixed text.
    assert [reason(line) for line in err.splitlines()] == [reason(line) for line in expected_notes(name)]
    assert status == (1 if err else 0)


def reason(note: str) -> str:
    return re.sub(r"line \d+", "line N", note.split(" not fixed: ", 1)[1])


@pytest.mark.parametrize("name", PAIRS)
def test_golden_after_compiles(name):
    compile(read(GOLDEN / f"{name}.after.txt"), name, "exec", dont_inherit=True)


def test_syntax_error_file_is_untouched_and_reported(root):
    before = read(GOLDEN / "syntax_error.before.txt")
    path = root / "test_broken.py"
    path.write_text(before)
    status, out, err = fix(path.name)
    assert (status, out, read(path)) == (1, "", before)
    [line] = err.splitlines()  # the parser's wording differs between Python versions
    assert line.startswith("test_broken.py: error: cannot parse it (E999 SyntaxError: ")
    assert line.endswith("); left untouched")
