"""``--dist loadgroup`` in a monorepo: command files and CI workflows are read at the project
root and at the enclosing repository root, and only commands that run pytest for this
project count. Real flake8, run from ``server/`` as its developers run it.

The repository (``.git`` at its top) holds ``server/`` with ``server/pyproject.toml``; the
checked file has a named xdist_group mark (MXS011 reports it as doing nothing on *no*) and a
test creating a mock with no group (MXS001 reports it unless the answer is *no*).
"""
import os
from pathlib import Path
from typing import Dict, List, Optional

import pytest
from flake8.main.cli import main as flake8_main

from flake8_xdist_safety.analysis.project import pytest_config_for

from cases import code_only

TEST_API = """\
from unittest.mock import MagicMock

import pytest


@pytest.mark.xdist_group(name="api")
def test_grouped():
    pass


def test_mocks():
    MagicMock()
"""
SERVER_CONFIG = {"server/pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['tests']\n"}
#: What each answer gives for server/tests/test_api.py with --select=MXS001,MXS011.
YES_OR_UNKNOWN = ["tests/test_api.py:11:1: MXS001"]
NO = ["tests/test_api.py:6:2: MXS011"]


def workflow(*steps: str, defaults: str = "") -> str:
    lines = ["name: ci", "on: [push]", "jobs:", "  test:", "    runs-on: ubuntu-latest"]
    if defaults:
        lines += ["    defaults:", "      run:", f"        working-directory: {defaults}"]
    lines += ["    steps:", "      - uses: actions/checkout@v4"]
    for step in steps:
        lines += ["      " + line for line in step.splitlines()]
    return "\n".join(lines) + "\n"


def write(repository: Path, files: Dict[str, str]) -> None:
    (repository / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in {**SERVER_CONFIG, "server/tests/test_api.py": TEST_API, **files}.items():
        path = repository / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def flake8_from(directory: Path, *args: str) -> List[str]:
    """``flake8 *args .`` run in *directory*: its MXS lines, ``path:line:col: CODE``."""
    out = directory / ".flake8-output.txt"
    saved = os.getcwd()
    os.chdir(directory)
    try:
        flake8_main([*args, "--output-file", str(out), "."])
    finally:
        os.chdir(saved)
    lines = out.read_text().splitlines()
    return sorted(code_only(line[2:] if line.startswith("./") else line) for line in lines if " MXS" in line)


def lint_server(repository: Path, files: Dict[str, str]) -> List[str]:
    write(repository, files)
    return flake8_from(repository / "server", "--select=MXS001,MXS011")


def loadgroup(repository: Path) -> Optional[bool]:
    return pytest_config_for(str(repository / "server" / "tests" / "test_api.py")).loadgroup


STEP_IN_SERVER = "- name: tests\n  working-directory: ./server\n  run: |\n    pip install pytest-xdist\n" \
                 "    pytest -n auto --dist=loadgroup\n"


@pytest.mark.parametrize("files, expected, answer", [
    pytest.param({".github/workflows/ci.yml": workflow(STEP_IN_SERVER)}, YES_OR_UNKNOWN, True,
                 id="workflow-working-directory"),
    pytest.param({".github/workflows/ci.yml": workflow("- run: cd server && pytest -n 4 --dist loadgroup")},
                 YES_OR_UNKNOWN, True, id="workflow-cd"),
    pytest.param({".github/workflows/ci.yml": workflow("- run: pytest --dist loadgroup", defaults="server")},
                 YES_OR_UNKNOWN, True, id="workflow-defaults"),
    pytest.param({"Makefile": "test:\n\tcd server && \\\n\t  pytest -n 4 --dist loadgroup\n"},
                 YES_OR_UNKNOWN, True, id="makefile-at-repository-root"),
    pytest.param({".gitlab-ci.yml": "test:\n  script:\n    - cd server\n"
                                    "    - pytest -n 4 --dist=loadgroup\n"},
                 YES_OR_UNKNOWN, True, id="gitlab-script-lines"),
    pytest.param({"Makefile": "test:\n\tpytest server/tests -n 4 --dist loadgroup\n"},
                 YES_OR_UNKNOWN, True, id="a-path-argument-into-the-project"),
    pytest.param({"scripts/test.sh": "#!/bin/sh\npytest -n 4 --dist loadgroup\n"},
                 YES_OR_UNKNOWN, True, id="a-script-runs-anywhere"),
    pytest.param({"noxfile.py": "import nox\n\n\n@nox.session\ndef tests(session):\n"
                                "    session.chdir('server')\n"
                                "    session.run('pytest', '-n', '4', '--dist', 'loadgroup',"
                                " *session.posargs)\n"},
                 YES_OR_UNKNOWN, True, id="noxfile-chdir"),
    pytest.param({".github/workflows/ci.yml": workflow(
        "- working-directory: server\n  run: pytest -n 4",
        "- run: cd client && pytest -n 4 --dist loadgroup")},
                 NO, False, id="loadgroup-only-for-another-project"),
    pytest.param({"server/Makefile": "test:\n\tpytest -n 4\n"}, NO, False, id="project-makefile-without-it"),
    pytest.param({"server/Makefile": "test:\n\tCI=1 $(UV_RUN) pytest -n 4\n"}, NO, False,
                 id="a-variable-before-pytest-is-not-its-options"),
    pytest.param({".github/workflows/ci.yml": workflow(
        "- working-directory: server\n  run: pytest $PYTEST_ARGS")},
                 YES_OR_UNKNOWN, None, id="options-from-a-variable-are-unknown"),
    pytest.param({".github/workflows/ci.yml": workflow(
        "- working-directory: server\n  env:\n    PYTEST_ADDOPTS: --dist loadgroup\n  run: pytest -n 4")},
                 YES_OR_UNKNOWN, True, id="loadgroup-in-the-environment-of-our-step"),
    pytest.param({}, YES_OR_UNKNOWN, None, id="nothing-tells-how-pytest-runs"),
    pytest.param({"server/pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-n 4'\n"},
                 NO, False, id="addopts-runs-xdist-without-it"),
])
def test_loadgroup_is_read_for_the_project_from_both_roots(tmp_path, files, expected, answer):
    repository = tmp_path / "repo"
    assert lint_server(repository, files) == expected
    assert loadgroup(repository) is answer


def test_a_command_for_a_nested_project_does_not_count_for_the_outer_one(tmp_path):
    # pytest run in server/ finds server/pyproject.toml: that run is not the outer project's.
    repository = tmp_path / "repo"
    write(repository, {"pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-n 2'\n",
                       "tests/test_api.py": TEST_API,
                       "Makefile": "test:\n\tcd server && pytest --dist loadgroup\n"})
    assert flake8_from(repository, "--select=MXS001,MXS011") == [
        "server/tests/test_api.py:11:1: MXS001", "tests/test_api.py:6:2: MXS011"]
