"""The pytest commands read from command files, and the directory each runs in."""
import os

import pytest

from flake8_xdist_safety.analysis.pytest_commands import has_expansion, read_command_file


def commands(tmp_path, name, text, checkout=None):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    read = read_command_file(str(path), str(checkout or tmp_path))
    return [(c.text, _relative(c.cwd, tmp_path), c.arguments) for c in read.commands]


def _relative(cwd, base):
    if cwd is None or not cwd.startswith(str(base)):
        return cwd
    return os.path.relpath(cwd, base)


@pytest.mark.parametrize("name, text, expected", [
    ("Makefile",
     "test:\n\tpip install pytest\n\tpython -m pytest -q\n\t@cd sub; py.test -x\nnot: a recipe pytest\n",
     [("python -m pytest -q", ".", ("-q",)), ("py.test -x", "sub", ("-x",))]),
    ("tox.ini", "[tox]\nenvlist = py\n[testenv]\nchangedir = {toxinidir}/server\ncommands =\n"
                "    pytest -n 2 {posargs}\n[testenv:other]\ncommands = pytest --dist loadgroup\n",
     [("pytest -n 2 {posargs}", "server", ("-n", "2", "{posargs}")),
      ("pytest --dist loadgroup", ".", ("--dist", "loadgroup"))]),
    ("tox.ini", "[testenv]\nchangedir = {envtmpdir}\ncommands = pytest\n", [("pytest", None, ())]),
    ("scripts/run.sh", '#!/bin/sh\ncd "$(dirname "$0")/.."\npytest -n 2\ncd $HOME && pytest\n',
     [("pytest -n 2", ".", ("-n", "2")), ("pytest", None, ())]),
    ("run.sh", "cd /abs/where && pytest\ncd ~ && pytest\n(cd sub && pytest)\n",
     [("pytest", "/abs/where", ()), ("pytest", None, ()), ("pytest", None, ())]),
    ("run.sh", "pytest \\\n  -n 2 'unbalanced\n",
     [("pytest    -n 2 'unbalanced", None, ("-n", "2", "'unbalanced"))]),
    ("noxfile.py", "import nox\n\n@nox.session\ndef t(session):\n    session.install('pytest')\n"
                   "    session.run('pytest', *ARGS)\n\nasync def u(session):\n    session.chdir(WHERE)\n"
                   "    session.run('python', '-m', 'pytest')\n",
     [("pytest $ARGS", ".", ("$ARGS",)), ("python -m pytest", None, ())]),
    ("noxfile.py", "def t(session:\n    session.run('pytest')\n", [("session.run('pytest')", None, ())]),
    (".gitlab-ci.yml",
     "test:\n  script: pytest -n 2\nother:\n  before_script:\n  - cd sub\n  - 'pytest -x'\n",
     [("pytest -n 2", ".", ("-n", "2")), ("pytest -x", "sub", ("-x",))]),
    (".github/workflows/ci.yml", "jobs:\n  a:\n    steps:\n      - name: t\n        run: >\n"
                                 "          pytest -n 2\n        working-directory: ${{ matrix.dir }}\n"
                                 "      - run: \"pytest -x\"\n",
     [("pytest -n 2", None, ("-n", "2")), ("pytest -x", ".", ("-x",))]),
    (".github/workflows/ci.yml", "jobs:\n  a:\n    defaults:\n      run:\n        working-directory: a\n"
                                 "  b:\n    defaults:\n      run:\n        working-directory: b\n"
                                 "    steps:\n      - run: pytest\n",
     [("pytest", None, ())]),
    (".github/workflows/ci.yml", "run: pytest --dist=loadgroup\n",
     [("pytest --dist=loadgroup", ".", ("--dist=loadgroup",))]),
    ("Makefile", "all:\n\techo nothing to see\n", []),
], ids=["makefile", "tox-changedir", "tox-unknown-changedir", "script-dirname", "script-cd",
        "script-continuation", "noxfile", "noxfile-unparsable", "gitlab", "workflow-block-and-expression",
        "workflow-two-defaults", "workflow-bare-run", "no-pytest"])
def test_commands_and_where_they_run(tmp_path, name, text, expected):
    assert commands(tmp_path, name, text) == expected


def test_a_ci_file_runs_from_the_checkout_it_was_found_at(tmp_path):
    workflow = "steps:\n  - run: pytest\n"
    assert commands(tmp_path, ".github/workflows/ci.yml", workflow, checkout=tmp_path / "repo") == [
        ("pytest", "repo", ())]


@pytest.mark.parametrize("text, expected", [
    ("-n $WORKERS", True), ("$(ARGS)", True), ("{env:ARGS}", True), ('"$@"', False), ("$*", False),
    ("{posargs}", False), ("$$HOME", False), ("-n 2", False),
])
def test_options_from_a_variable(text, expected):
    assert has_expansion(text) is expected
