"""MXS002: a gc.collect() that can never run does not count (the teardown is not run as a plain
function, or the call stands after a return or raise). Exact reports and full messages: the
message names the teardown whose gc.collect() does not count, and why."""
import pytest

from cases import CASE, case

SELECT = "--select=MXS002"
HEAD = "import gc\nimport pytest\nimport unittest\nfrom unittest.mock import MagicMock\n\n\n"


def never_runs(line, col, reason, method="teardown_method", name="TestA", path="test_example.py"):
    """*reason*: why the gc.collect() in *method* never runs (the analysis's words)."""
    return (f"{path}:{line}:{col}: MXS002 test class {name} creates mocks but the gc.collect() in its "
            f"{method} does not count: {reason}")


def never_collects(line, col, method="teardown_method", name="TestA", path="test_example.py"):
    """The message when *method* has no gc.collect() at all."""
    return (f"{path}:{line}:{col}: MXS002 test class {name} creates mocks but its {method} never calls "
            "gc.collect(); call gc.collect() there")


ASYNC = "teardown_method is async def and is called without being awaited"
DECORATED = "teardown_method is decorated; its decorators decide whether and how it runs"


NEVER_RUNS = [
    case(HEAD + "class TestA:\n    async def teardown_method(self):\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, ASYNC), id="async-teardown-method-is-never-awaited"),
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        yield\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, "teardown_method is a generator, so calling it does not run its body"),
         id="generator-teardown-body-never-runs"),
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        return\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, "it comes after the return on line 9"), id="after-a-return"),
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        raise RuntimeError\n"
         "        gc.collect()\n\n    def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, "it comes after the raise on line 9"), id="after-a-raise"),
    case(HEAD + "class TestA:\n    @pytest.fixture\n    def teardown_method(self):\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, DECORATED), id="decorated-teardown"),
    case(HEAD + "class TestA(unittest.IsolatedAsyncioTestCase):\n    def asyncTearDown(self):\n"
         "        gc.collect()\n\n    async def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, "asyncTearDown is not async def", "asyncTearDown"),
         id="async-teardown-hook-not-async"),
    case(HEAD + "staticmethod = pytest.fixture\n\n\nclass TestA:\n    @staticmethod\n"
         "    def teardown_method():\n        gc.collect()\n\n    def test_it(self):\n        MagicMock()\n",
         never_runs(10, 1, DECORATED), id="staticmethod-rebound-by-the-module-is-another-decorator"),
    case(HEAD + "class TestA:\n    def teardown_method(self):\n        if self:\n"
         "            raise ValueError\n        try:\n            return\n        except ValueError:\n"
         "            return\n            if self:\n                gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, "it comes after the return on line 14"),
         id="after-a-return-in-an-enclosing-block"),
    case(HEAD + "class TestA:\n    @pytest.fixture\n    def teardown_method(self):\n"
         "        self._collect()\n\n    def _collect(self):\n        gc.collect()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(7, 1, DECORATED), id="decorated-teardown-collecting-through-a-helper"),
    case(HEAD + "class Base:\n    async def teardown_method(self):\n        gc.collect()\n\n\n"
         "class TestA(Base):\n    def teardown_method(self):\n        super().teardown_method()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(12, 1, ASYNC), id="in-the-base-teardown-it-hands-on-to"),
    case(HEAD + "class Base:\n    def teardown_method(self):\n        gc.collect()\n\n\n"
         "class TestA(Base):\n    async def teardown_method(self):\n        super().teardown_method()\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_runs(12, 1, ASYNC), id="handed-on-to-the-base-by-a-teardown-that-never-runs"),
]

#: "never calls gc.collect()": no gc.collect() in the teardown (or the ones it hands on to) to explain.
NO_COLLECT = [
    case(HEAD + "class TestA:\n    async def teardown_method(self):\n        pass\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_collects(7, 1), id="async-teardown-without-gc-collect"),
    case(HEAD + "class Base:\n    async def teardown_method(self):\n        gc.collect()\n\n\n"
         "class TestA(Base):\n    def teardown_method(self):\n        pass\n\n"
         "    def test_it(self):\n        MagicMock()\n",
         never_collects(12, 1), id="override-that-does-not-hand-on-to-the-base"),
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


@pytest.mark.parametrize(CASE, NO_COLLECT)
def test_a_teardown_without_a_collect_is_named_as_such(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


@pytest.mark.parametrize(CASE, STILL_RUNS)
def test_a_collect_that_can_run_is_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected
