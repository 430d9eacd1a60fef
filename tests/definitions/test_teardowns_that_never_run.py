"""MXS002: a gc.collect() that can never run does not count (the teardown is not run as a plain
function, or the call stands after a return or raise). Exact reports and full messages: the
class's teardown is named as one that never calls gc.collect()."""
import pytest

from cases import CASE, case

SELECT = "--select=MXS002"
HEAD = "import gc\nimport pytest\nimport unittest\nfrom unittest.mock import MagicMock\n\n\n"


def never_collects(line, col, method="teardown_method", name="TestA", path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS002 test class {name} creates mocks but its {method} never calls "
            "gc.collect(); call gc.collect() there")


NEVER_RUNS = [
    case(HEAD + "class TestA:\n    async def teardown_method(self):\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_collects(7, 1), id="async-teardown-method-is-never-awaited"),
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        yield\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_collects(7, 1), id="generator-teardown-body-never-runs"),
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        return\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_collects(7, 1), id="after-a-return"),
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        raise RuntimeError\n"
         "        gc.collect()\n\n    def test_it(self):\n        MagicMock()\n",
         never_collects(7, 1), id="after-a-raise"),
    case(HEAD + "class TestA:\n    @pytest.fixture\n    def teardown_method(self):\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_collects(7, 1), id="decorated-teardown"),
    case(HEAD + "class TestA(unittest.IsolatedAsyncioTestCase):\n    def asyncTearDown(self):\n"
         "        gc.collect()\n\n    async def test_it(self):\n        MagicMock()\n",
         never_collects(7, 1, "asyncTearDown"), id="async-teardown-hook-not-async"),
    case(HEAD + "staticmethod = pytest.fixture\n\n\nclass TestA:\n    @staticmethod\n"
         "    def teardown_method():\n        gc.collect()\n\n    def test_it(self):\n        MagicMock()\n",
         never_collects(10, 1), id="staticmethod-rebound-by-the-module-is-another-decorator"),
]

STILL_RUNS = [
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        if self:\n            return\n"
         "        gc.collect()\n\n    def test_it(self):\n        MagicMock()\n",
         id="after-a-return-in-an-if-it-can-run"),
    case(HEAD + "class TestA:\n    @staticmethod\n    def teardown_method():\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         id="staticmethod-teardown"),
    case("import builtins\n" + HEAD + "class TestA:\n    @builtins.staticmethod\n    def teardown_method():\n"
         "        gc.collect()\n\n    def test_it(self):\n        MagicMock()\n",
         id="builtins-staticmethod-teardown"),
    case(HEAD + "class TestA(unittest.IsolatedAsyncioTestCase):\n    async def asyncTearDown(self):\n"
         "        gc.collect()\n\n    async def test_it(self):\n        MagicMock()\n",
         id="async-teardown-hook-async"),
]


@pytest.mark.parametrize(CASE, NEVER_RUNS)
def test_a_collect_that_never_runs_does_not_satisfy_mxs002(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


@pytest.mark.parametrize(CASE, STILL_RUNS)
def test_a_collect_that_can_run_is_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected
