"""pytest before and after ``fix`` on small suites written to break the MXS003 rewrite, one per cause.

Each suite is run with pytest (in a subprocess, JUnit XML for the outcomes) and a sentinel plugin that, after
every test's teardown, records the ``MXS_*`` variables the test left set. Then ``fix`` runs, and pytest
again. Every test that passed still passes; no test leaves a variable it did not leave before; the tests
listed as fixable no longer leave theirs (their change was rewritten); ``flake8`` (all plugins, the
suite's own configuration) reports no new finding of any code; a second ``fix`` changes nothing. Each suite
failed with the fixer before issue 16 (a test that passed failed after, or leaked, or was left unfixed).
"""
import collections
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Dict, List, NamedTuple, Set, Tuple

import pytest
from flake8.main.cli import main as flake8_main

from fix_harness import FixProject

pytestmark = pytest.mark.slow

SENTINEL = '''\
import json
import os

_before = {}
_leaks = {}


def pytest_runtest_logstart(nodeid, location):
    _before[nodeid] = {k for k in os.environ if k.startswith("MXS_")}


def pytest_runtest_logfinish(nodeid, location):
    left = sorted({k for k in os.environ if k.startswith("MXS_")} - _before.pop(nodeid, set()))
    if left:
        _leaks[nodeid] = left


def pytest_sessionfinish(session):
    with open(os.environ["MXS_SENTINEL_OUT"], "w") as out:
        json.dump(_leaks, out)
'''


class Suite(NamedTuple):
    files: Dict[str, str]
    #: tests whose leak the fix removes
    fixed: Tuple[str, ...]


SUITES: Dict[str, Suite] = {
    "restore-timing": Suite({
        "test_timing.py": """\
            import os

            import pytest


            @pytest.fixture
            def report():
                yield
                assert os.environ.get("MXS_T_FIXTURE") == "1"


            def test_fixture_sees_it(report):
                os.environ["MXS_T_FIXTURE"] = "1"


            def test_harmless_fixture(tmp_path):
                os.environ["MXS_T_FIXED"] = "1"


            class TestTeardownMethod:
                def teardown_method(self, method):
                    assert os.environ.get("MXS_T_METHOD") == "1"

                def test_it(self):
                    os.environ["MXS_T_METHOD"] = "1"


            class TestAutouse:
                @pytest.fixture(autouse=True)
                def check_after(self):
                    yield
                    assert os.environ.get("MXS_T_AUTOUSE") == "1"

                def test_it(self):
                    os.environ["MXS_T_AUTOUSE"] = "1"
            """,
        "test_unittest_timing.py": """\
            import os
            import unittest


            class TearDownReads(unittest.TestCase):
                def tearDown(self):
                    assert os.environ.get("MXS_U_TEARDOWN") == "1"

                def test_it(self):
                    os.environ["MXS_U_TEARDOWN"] = "1"


            class CleanupReads(unittest.TestCase):
                def setUp(self):
                    self.addCleanup(self.check)

                def check(self):
                    assert os.environ.get("MXS_U_CLEANUP") == "1"

                def test_it(self):
                    os.environ["MXS_U_CLEANUP"] = "1"


            class Plain(unittest.TestCase):
                def test_it(self):
                    os.environ["MXS_U_PLAIN"] = "1"
            """,
        "sub/conftest.py": """\
            import os

            import pytest


            @pytest.fixture(autouse=True)
            def audit():
                yield
                assert os.environ.get("MXS_T_CONFTEST") == "1"
            """,
        "sub/test_under_conftest.py": """\
            import os


            def test_it():
                os.environ["MXS_T_CONFTEST"] = "1"
            """,
    }, ("test_timing::test_harmless_fixture", "test_unittest_timing.Plain::test_it")),
    "cleanup-of-a-change-elsewhere": Suite({
        "test_cleanup.py": """\
            import os

            import pytest


            class TestSetUpElsewhere:
                def setup_method(self, method):
                    os.environ["MXS_E_SETUP"] = "1"

                def test_it(self):
                    assert os.environ["MXS_E_SETUP"] == "1"
                    del os.environ["MXS_E_SETUP"]


            @pytest.fixture
            def configured():
                os.environ["MXS_E_FIXTURE"] = "1"


            def test_cleans_up(configured):
                os.environ.pop("MXS_E_FIXTURE")


            def test_deletes_its_own():
                os.environ["MXS_E_OWN"] = "1"
                del os.environ["MXS_E_OWN"]
                os.environ["MXS_E_OWN"] = "2"
            """,
        "test_tc.py": """\
            import os
            import unittest


            class SetUpSets(unittest.TestCase):
                def setUp(self):
                    os.environ["MXS_E_TC"] = "1"

                def test_it(self):
                    del os.environ["MXS_E_TC"]


            class OwnChange(unittest.TestCase):
                def test_it(self):
                    os.environ["MXS_E_TC2"] = "1"
                    del os.environ["MXS_E_TC2"]
                    os.environ["MXS_E_TC2"] = "2"
            """,
    }, ("test_cleanup::test_deletes_its_own", "test_tc.OwnChange::test_it")),
    "pytest-is-the-caller": Suite({
        "base.py": """\
            import unittest


            class Base(unittest.TestCase):
                pass
            """,
        "test_callers.py": """\
            import os

            from base import Base


            class TestImportedTestCase(Base):
                def test_env(self):
                    os.environ["MXS_C_BASE"] = "1"


            def fixed_signature(cls):
                for name in [n for n in vars(cls) if n.startswith("test")]:
                    def wrapper(self, _original=getattr(cls, name)):
                        return _original(self)
                    setattr(cls, name, wrapper)
                return cls


            @fixed_signature
            class TestDecorated:
                def test_env(self):
                    os.environ["MXS_C_DECO"] = "1"


            def test_called_directly():
                os.environ["MXS_C_DIRECT"] = "1"


            def test_caller():
                test_called_directly()


            class TestParent:
                def test_env(self):
                    os.environ["MXS_C_SUPER"] = "1"


            class TestChild(TestParent):
                def test_env(self):
                    super().test_env()


            def test_default(monkeypatch=None):
                os.environ["MXS_C_DEFAULT"] = "1"


            def test_fixable():
                os.environ["MXS_C_FIXED"] = "1"


            if __name__ == "__main__":
                test_called_directly()
            """,
        "sub/conftest.py": """\
            import pytest


            @pytest.fixture
            def monkeypatch():
                return "the project's own"
            """,
        "sub/test_overridden.py": """\
            import os


            def test_it():
                os.environ["MXS_C_OVERRIDE"] = "1"
            """,
    }, ("test_callers::test_fixable",)),
    "values": Suite({
        "test_values.py": """\
            import os

            import pytest


            def test_none_raises():
                with pytest.raises(TypeError):
                    os.environ["MXS_V_NONE"] = None


            def test_bytes_raises():
                with pytest.raises(TypeError):
                    os.environ["MXS_V_BYTES"] = b"x"


            def test_strings():
                value = "a"
                os.environ["MXS_V_NAME"] = value
                os.environ["MXS_V_F"] = f"{value}-b"
                os.environ["MXS_V_FORMAT"] = "{}".format(1)
                os.environ["MXS_V_STR"] = str(2)
            """,
    }, ("test_values::test_strings",)),
    "narrower-context": Suite({
        "test_contexts.py": """\
            import os


            def test_context(monkeypatch):
                with monkeypatch.context() as m:
                    m.setenv("MXS_X_CTX", "a")
                    os.environ["MXS_X_CTX"] = "b"
                assert "MXS_X_CTX" not in os.environ


            def test_outside(monkeypatch):
                os.environ["MXS_X_OUT"] = "b"
            """,
    }, ("test_contexts::test_outside",)),
    "clean-lint": Suite({
        "setup.cfg": "[flake8]\nmax-line-length = 60\n",
        "test_lint.py": """\
            import os


            def test_long():
                os.environ[
                    "MXS_L_A_RATHER_LONG_NAME_OF_A_VARIABLE"
                ] = "a value"
            """,
    }, ("test_lint::test_long",)),
    "per-finding": Suite({
        "test_many.py": """\
            import os


            def test_many():
                os.environ["MXS_P_K"] = "1"
                del os.environ["MXS_P_K"]
                os.environ["MXS_P_K"] = "2"
                del os.environ["MXS_P_K"]
                os.environ["MXS_P_K"] = "3"
                del os.environ["MXS_P_K"]
                os.environ["MXS_P_K"] = "4"
                del os.environ["MXS_P_K"]
                os.environ["MXS_P_K"] = "5"


            def test_other():
                os.environ["MXS_P_J"] = "1"


            def test_refused():
                os.environ["MXS_P_N"] = None or "x"
            """,
    }, ("test_many::test_many", "test_many::test_other")),
}


def pytest_run(root: Path) -> Tuple[Dict[str, str], Dict[str, List[str]]]:
    """Outcome of every test, and the MXS_* variables each test left set."""
    report, leaks = root / ".junit.xml", root / ".leaks.json"
    plugin_dir = root.parent / f"{root.name}-sentinel"
    plugin_dir.mkdir(exist_ok=True)
    (plugin_dir / "mxs_sentinel.py").write_text(SENTINEL)
    env = {**os.environ, "MXS_SENTINEL_OUT": str(leaks),
           "PYTHONPATH": os.pathsep.join([str(plugin_dir), str(root)])}
    subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist_safety",
                    "-p", "no:randomly", "-p", "mxs_sentinel", "-q", f"--junitxml={report}", "."],
                   cwd=root, env=env, capture_output=True, text=True, timeout=300)
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = outcome
    left = json.loads(leaks.read_text())
    report.unlink()
    leaks.unlink()
    return outcomes, {_short(nodeid): names for nodeid, names in left.items()}


def _short(nodeid: str) -> str:
    """``sub/test_a.py::TestX::test_y`` as JUnit names it: ``sub.test_a.TestX::test_y``."""
    path, _, rest = nodeid.partition("::")
    module = path[:-3].replace("/", ".")
    head, _, name = rest.rpartition("::")
    return f"{module}.{head}::{name}" if head else f"{module}::{name}"


def flake8_codes(root: Path) -> collections.Counter:
    output = root / ".flake8.txt"
    saved = os.getcwd()
    os.chdir(root)
    try:
        flake8_main(["--format=%(path)s %(code)s", "--output-file", str(output), "--exclude=.git", "."])
    except SystemExit:
        pass
    finally:
        os.chdir(saved)
    found = collections.Counter(tuple(line.split()) for line in output.read_text().splitlines())
    output.unlink()
    return found


@pytest.mark.parametrize("name", sorted(SUITES))
def test_the_fix_keeps_outcomes_and_restore_points(tmp_path: Path, name: str) -> None:
    suite = SUITES[name]
    project = FixProject(tmp_path / name)
    project.write(suite.files)
    (project.root / "pytest.ini").write_text("[pytest]\n")
    before, leaks_before = pytest_run(project.root)
    lint_before = flake8_codes(project.root)
    assert "passed" in before.values()
    status, out, err = project.fix(".")
    assert "error" not in err, err
    after, leaks_after = pytest_run(project.root)
    assert set(after) == set(before)
    regressions = {t: after[t] for t, outcome in before.items()
                   if outcome == "passed" and after[t] != "passed"}
    assert regressions == {}
    new_leaks: Dict[str, Set[str]] = {t: set(names) - set(leaks_before.get(t, ()))
                                      for t, names in leaks_after.items()}
    assert {t: names for t, names in new_leaks.items() if names} == {}
    for test in suite.fixed:
        assert test in leaks_before, test  # it leaked as written: the fix is what stops it
        assert test not in leaks_after, test
    unfixed = {t for t in leaks_before if t not in suite.fixed}
    assert unfixed <= set(leaks_after)  # those are refused, with a reason each
    lint_after = flake8_codes(project.root)
    assert {k: n for k, n in lint_after.items() if n > lint_before.get(k, 0)} == {}
    assert project.fix(".")[1] == ""  # a second run changes nothing
