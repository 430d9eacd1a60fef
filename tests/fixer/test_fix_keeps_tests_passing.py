"""The rewritten tests still pass: pytest runs small generated suites before and after ``fix``.

Each suite exercises the fixes (and the shapes the fixer must refuse) in runnable code; pytest runs in a
subprocess (``-p no:cacheprovider -p no:xdist_safety``) and reports every test's outcome through JUnit
XML. Every test that passed before passes after, the same tests are collected, and the fixed files give
flake8 nothing left to report for the codes that were fixed.
"""
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Dict

import pytest

from fix_harness import OPT_IN, FixProject

pytestmark = pytest.mark.slow

SUITES: Dict[str, Dict[str, str]] = {
    "pytest-style": {
        "test_classes.py": """\
            import os
            from unittest.mock import MagicMock, patch

            import pytest

            MISSING = "MXS_FIX_SURELY_MISSING"


            class TestClient:
                def test_get(self):
                    client = MagicMock()
                    client.get("/")
                    client.get.assert_called_once_with("/")

                def test_env(self):
                    os.environ["MXS_FIX_A"] = "1"
                    assert os.environ["MXS_FIX_A"] == "1"

                @patch("os.getcwd")
                def test_patched(self, getcwd):
                    getcwd.return_value = "/x"
                    os.environ["MXS_FIX_B"] = os.getcwd()
                    assert os.environ["MXS_FIX_B"] == "/x"


            class TestTrailingReturn:
                def teardown_method(self):
                    self.done = True
                    return

                def test_it(self):
                    MagicMock()


            class TestOuter:
                def test_outer(self):
                    MagicMock()

                class TestInner:
                    def test_inner(self):
                        MagicMock()


            def test_del_raises_like_before():
                with pytest.raises(KeyError):
                    del os.environ[MISSING]


            def test_pop_raises_like_before():
                with pytest.raises(KeyError):
                    os.environ.pop(MISSING)


            def test_pop_default():
                os.environ.pop(MISSING, None)
                assert MISSING not in os.environ


            @pytest.mark.parametrize("value", ["x", "y"])
            def test_parametrized(value):
                os.environ["MXS_FIX_P"] = value
                assert os.environ["MXS_FIX_P"] == value
                del os.environ["MXS_FIX_P"]


            def test_not_the_statement():
                values = [os.environ.pop(k, None) for k in ["MXS_FIX_NONE"]]
                assert values == [None]
                x = os.environ["MXS_FIX_C"] = "c"
                assert x == "c"
                del os.environ["MXS_FIX_C"]
            """,
        "test_after_env.py": """\
            import os


            def test_restored():
                # runs after test_classes.py in the same process: nothing leaked once fixed
                for name in ("MXS_FIX_A", "MXS_FIX_B", "MXS_FIX_P"):
                    os.environ.pop(name, None)
            """,
    },
    "unittest": {
        "test_cases.py": """\
            import gc
            import os
            import unittest
            from unittest import mock


            class ClientTest(unittest.TestCase):
                def setUp(self):
                    self.client = mock.MagicMock()

                def test_get(self):
                    self.client.get("/")
                    os.environ["MXS_FIX_T"] = "1"
                    self.assertEqual(os.environ["MXS_FIX_T"], "1")

                @mock.patch("os.getcwd")
                def test_patched(self, getcwd):
                    getcwd.return_value = "/y"
                    os.environ.update({"MXS_FIX_U": os.getcwd()})
                    self.assertEqual(os.environ["MXS_FIX_U"], "/y")


            class TeardownTest(unittest.TestCase):
                def tearDown(self):
                    self.conn = None

                def test_it(self):
                    mock.MagicMock()


            class NoTeardownTest(unittest.TestCase):
                def test_it(self):
                    mock.MagicMock()


            class AsyncTest(unittest.IsolatedAsyncioTestCase):
                async def asyncTearDown(self):
                    await self.service.close()

                async def test_call(self):
                    self.service = mock.AsyncMock()
                    await self.service.call()
                    os.environ["MXS_FIX_ASYNC"] = "1"


            class EnvRestoredTest(unittest.TestCase):
                def test_zz_restored(self):
                    self.assertNotIn("MXS_FIX_ASYNC", os.environ)


            def test_gc_is_importable():
                assert gc.isenabled() in (True, False)
            """,
    },
}


def outcomes(root: Path) -> Dict[str, str]:
    report = root / ".junit.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist_safety",
                    "-p", "no:randomly", "-q", f"--junitxml={report}", "."],
                   cwd=root, capture_output=True, text=True, timeout=300)
    results = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        results[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return results


def collected(root: Path) -> str:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist_safety",
               "--collect-only", "-q", "."]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    return "\n".join(line for line in done.stdout.splitlines() if "::" in line)


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_tests_that_passed_still_pass(tmp_path, suite):
    project = FixProject(tmp_path / suite)
    project.write(SUITES[suite])
    (project.root / "pytest.ini").write_text("[pytest]\n")
    before, collected_before = outcomes(project.root), collected(project.root)
    assert before and "passed" in before.values()
    status, out, err = project.fix(OPT_IN, ".")
    assert "error" not in err, err
    assert out, "nothing was fixed"
    after = outcomes(project.root)
    assert collected(project.root) == collected_before
    regressions = {test: after.get(test) for test, result in before.items()
                   if result == "passed" and after.get(test) != "passed"}
    assert regressions == {}
    for path in project.root.glob("test_*.py"):
        compile(path.read_text(), str(path), "exec")
    assert project.fix(OPT_IN, ".")[1] == ""  # a second run changes nothing
