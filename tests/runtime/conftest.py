"""Harness of the runtime plugin's tests: run pytest on a written suite, read back its findings.

The suites run through pytest's ``pytester`` (each test module enables it with
``pytest_plugins``: a non-root conftest may not). In-process runs share this process's
``os.environ`` and ``unittest.mock`` patch registry with the suite under test, whose leaks
are the point; ``_undo_inner_leaks`` puts both back after each test.
"""
import json
import os
from typing import Any, Dict, Iterator, List, NamedTuple, Tuple
from unittest import mock

import pytest

#: (code, where, detail) of a finding: what the tests compare.
Leak = Tuple[str, str, str]


class Run(NamedTuple):
    result: Any  # pytest.RunResult
    report: Dict[str, Any]  # the --xdist-safety-json document

    @property
    def findings(self) -> List[Dict[str, Any]]:
        return list(self.report["findings"])

    def leaks(self) -> List[Leak]:
        return sorted((f["code"], f["where"], f["detail"]) for f in self.findings)

    def workers(self) -> List[str]:
        return sorted({f["worker"] for f in self.findings})


@pytest.fixture(autouse=True)
def _undo_inner_leaks() -> Iterator[None]:
    environ = dict(os.environ)
    active = list(mock._patch._active_patches)  # type: ignore[attr-defined]
    yield
    os.environ.clear()
    os.environ.update(environ)
    for patcher in list(mock._patch._active_patches):  # type: ignore[attr-defined]
        if patcher not in active:
            patcher.stop()


@pytest.fixture
def run_checks(pytester: pytest.Pytester):
    """Run the written suite with ``--xdist-safety`` and a JSON report; in a subprocess if asked."""

    def run(*args: str, subprocess: bool = False, enable: bool = True) -> Run:
        report_path = pytester.path / "xdist-safety.json"
        if report_path.exists():
            report_path.unlink()
        # hypothesis's plugin imports all of hypothesis in its terminal summary: seconds per
        # run where bytecode is not cached, and nothing these suites use.
        argv = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args]
        if enable:
            argv = ["--xdist-safety", "--xdist-safety-json", str(report_path), *argv]
        result = pytester.runpytest_subprocess(*argv) if subprocess else pytester.runpytest(*argv)
        report = json.loads(report_path.read_text()) if report_path.exists() else {"findings": []}
        return Run(result, report)

    return run
