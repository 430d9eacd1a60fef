"""Shared by the fixer's tests (imported as ``from fix_harness import ...``): a throw-away project,
the fixer's console entry point in-process, and real flake8 on the same project for comparison."""
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from flake8.main.cli import main as flake8_main

from flake8_xdist_safety.fixer.cli import main as fix_main

#: MXS001 and MXS002 are opt-in codes: the fixer, like flake8, acts on them only when selected.
OPT_IN = "--extend-select=MXS001,MXS002"


def dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


class FixProject:
    """A project directory (with a ``.git`` root marker) that the tests run in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / ".git").mkdir(parents=True, exist_ok=True)

    def write(self, files: Dict[str, str]) -> None:
        for name, source in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(dedent(source).encode("utf-8"))

    def read(self, name: str) -> str:
        return (self.root / name).read_bytes().decode("utf-8")

    def fix(self, *argv: str) -> Tuple[int, str, str]:
        """``flake8-xdist-safety fix *argv`` in the project: (status, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        saved = os.getcwd()
        os.chdir(self.root)
        try:
            status = fix_main(["fix", *argv], out=out, err=err)
        finally:
            os.chdir(saved)
        return status, out.getvalue(), err.getvalue()

    def flake8(self, *argv: str) -> List[str]:
        """What ``flake8 *argv`` reports for MXS in the project, ``path:line:col: CODE`` lines, sorted."""
        output = self.root / ".flake8-output.txt"
        if output.exists():
            output.unlink()
        saved = os.getcwd()
        os.chdir(self.root)
        try:
            flake8_main([*argv, "--output-file", str(output)])
        except SystemExit:
            pass
        finally:
            os.chdir(saved)
        lines = output.read_text().splitlines() if output.exists() else []
        return sorted(" ".join(line.split(" ")[:2]) for line in lines if " MXS" in line)

    def run(self, *argv: str, stdin: str = "") -> subprocess.CompletedProcess:
        """``python -m flake8_xdist_safety *argv`` as a subprocess."""
        return subprocess.run([sys.executable, "-m", "flake8_xdist_safety", *argv], cwd=self.root,
                              input=stdin, capture_output=True, text=True, timeout=120)


def codes_of(lines: Sequence[str]) -> List[str]:
    """``path:line:col: CODE`` from report lines (messages dropped)."""
    return sorted(" ".join(line.split(" ")[:2]) for line in lines)
