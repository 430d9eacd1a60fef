"""Shared harness: write a small project, run the real flake8 on it, read back MXS reports."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import pytest
from flake8.main.cli import main as flake8_main


class Project:
    """A throw-away project directory (with a `.git` root marker) to lint."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / ".git").mkdir(parents=True, exist_ok=True)

    def write(self, files: Dict[str, str]) -> None:
        for name, source in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source).lstrip("\n"))

    def flake8(self, *args: str, paths: Sequence[str] = (".",)) -> List[str]:
        """Run flake8 in-process in the project; return the MXS lines, messages included."""
        out = self.root / ".flake8-output.txt"
        if out.exists():  # flake8 appends to --output-file
            out.unlink()
        argv = [*args, "--output-file", str(out), *paths]
        cwd = os.getcwd()
        os.chdir(self.root)
        try:
            flake8_main(argv)
        except SystemExit:  # pragma: no cover - flake8 usage errors surface in the test
            raise
        finally:
            os.chdir(cwd)
        lines = out.read_text().splitlines() if out.exists() else []
        return sorted(_strip_dot(line) for line in lines if " MXS" in line)

    def codes(self, *args: str, paths: Sequence[str] = (".",)) -> List[str]:
        """Like :meth:`flake8`, but only ``path:line:col: CODE`` (no message text)."""
        return [line.split(" ")[0] + " " + line.split(" ")[1] for line in self.flake8(*args, paths=paths)]

    def run(self, *args: str, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
        """Run flake8 as a subprocess (entry points, -j, stdin)."""
        return subprocess.run(
            [sys.executable, "-m", "flake8", *args],
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


def _strip_dot(line: str) -> str:
    return line[2:] if line.startswith("./") else line


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj")


@pytest.fixture
def lint(project: Project):
    """``lint(source_or_files, *flake8_args)`` -> sorted ``["file:line:col: CODE", ...]``.

    A plain string is written to ``test_example.py``.
    """

    def run(files: Union[str, Dict[str, str]], *args: str) -> List[str]:
        if isinstance(files, str):
            files = {"test_example.py": files}
        project.write(files)
        return project.codes(*args)

    return run
