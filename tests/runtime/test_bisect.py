"""``flake8-xdist-safety bisect``: replays the victim's worker order and narrows it to the polluter."""
import io
import json

import pytest

from flake8_xdist_safety.fixer.cli import main
from flake8_xdist_safety.runtime.bisect import UsageError, find_prefix, minimize
from flake8_xdist_safety.runtime.replay import strip_group

pytest_plugins = ["pytester"]


@pytest.mark.parametrize("culprits", [{7}, {0}, {15}, {3, 12}, {2, 5, 9}])
def test_minimize_finds_the_smallest_failing_set_in_order(culprits):
    tests = [str(n) for n in range(16)]
    runs = []

    def fails(subset):
        runs.append(subset)
        return {int(test) for test in subset} >= culprits

    assert minimize(tests, fails) == [str(n) for n in sorted(culprits)]
    if len(culprits) == 1:
        assert len(runs) <= 2 * 4  # halving: two trials per level at most


def test_the_prefix_is_the_victims_workers_and_group_suffixes_are_ignored():
    report = {"order": {"gw0": ["a.py::t1", "b.py::t2@grp", "b.py::victim@grp"], "gw1": ["c.py::t3"]}}
    assert find_prefix(report, "b.py::victim") == ("gw0", ["a.py::t1", "b.py::t2"])
    assert strip_group("m.py::t[a@b]") == "m.py::t[a@b]"
    assert strip_group("m.py::t[a@b]@g") == "m.py::t[a@b]"
    with pytest.raises(UsageError, match="c.py::nothing is in no worker's order"):
        find_prefix(report, "c.py::nothing")


VICTIM_FILE = """
    import os

    import pytest

    @pytest.fixture(scope="module")
    def connection():
        yield {"open": True}

    class TestCases:
        @pytest.fixture(scope="class")
        def prepared(self):
            return [1]

        @pytest.mark.parametrize("value", [1, "a b", "x[1]"])
        def test_param(self, value, prepared, connection):
            assert prepared == [1]

    def test_polluter(connection):
        os.environ["MXS_MODE"] = "broken"

    def test_between():
        pass

    def test_victim(connection):
        assert os.environ.get("MXS_MODE") != "broken"
"""

NOISE_FILE = """
    import os

    def test_noise_leaks():
        os.environ["MXS_NOISE"] = "1"

    def test_noise_quiet():
        pass
"""

#: Stands for pytest-randomly: reverses the collected order; the replay's order must win over it.
REORDERING_CONFTEST = """
    def pytest_collection_modifyitems(items):
        items.reverse()
"""


@pytest.mark.slow
def test_bisect_finds_the_polluter_in_the_victims_worker(pytester, run_checks, monkeypatch):
    pytester.makepyfile(test_victim_file=VICTIM_FILE, test_noise=NOISE_FILE)
    run = run_checks("-n", "2", "--dist", "loadfile", subprocess=True)
    run.result.assert_outcomes(passed=7, failed=1)
    report_path = pytester.path / "xdist-safety.json"
    report = json.loads(report_path.read_text())
    assert sorted(len(tests) for tests in report["order"].values()) == [2, 6]
    pytester.makeconftest(REORDERING_CONFTEST)
    monkeypatch.chdir(pytester.path)
    out, err = io.StringIO(), io.StringIO()
    status = main(["bisect", "test_victim_file.py::test_victim", "--report", str(report_path),
                   "--", "-p", "no:xdist_safety"], out, err)
    worker = next(name for name, tests in report["order"].items() if len(tests) == 6)
    assert out.getvalue().splitlines() == [
        "test_victim_file.py::test_victim ran in {} after 5 test(s)".format(worker),
        "alone: passed",
        "after its worker's 5 test(s): failed",
        "narrowed to 1 test(s) in 5 pytest runs",
        "test_victim_file.py::test_polluter left behind (from the report):",
        "    MXS003 os.environ['MXS_MODE'] added",
        "reproduce: python -m pytest -p no:randomly -n 0 -p no:xdist_safety "
        "test_victim_file.py::test_polluter test_victim_file.py::test_victim",
        "polluter: test_victim_file.py::test_polluter",
    ]
    assert (status, err.getvalue()) == (0, "")


@pytest.mark.slow
def test_bisect_says_why_when_there_is_no_polluter(pytester, monkeypatch):
    pytester.makepyfile(test_order="""
        def test_first():
            pass

        def test_fails_alone():
            assert False

        def test_passes():
            pass
    """)
    report = pytester.path / "report.json"
    order = ["test_order.py::test_first", "test_order.py::test_fails_alone", "test_order.py::test_passes"]
    report.write_text(json.dumps({"order": {"": order}, "rootdir": str(pytester.path), "findings": []}))
    monkeypatch.chdir(pytester.path)
    out = io.StringIO()
    status = main(["bisect", "test_order.py::test_fails_alone", "--report", str(report)], out, io.StringIO())
    assert status == 1
    assert out.getvalue().splitlines()[-1] == ("no polluter: the test does not pass alone (failed): "
                                               "not order-dependent")
    out = io.StringIO()
    assert main(["bisect", "test_order.py::test_passes", "--report", str(report)], out, io.StringIO()) == 1
    assert out.getvalue().splitlines()[-1] == (
        "no polluter: it does not fail after its worker's tests either (flaky, or it depends on something "
        "outside this worker's order)")


def test_bisect_usage_errors(tmp_path):
    err = io.StringIO()
    assert main(["bisect", "x.py::t", "--report", str(tmp_path / "missing.json")], io.StringIO(), err) == 2
    assert err.getvalue().startswith("flake8-xdist-safety bisect: error: cannot read ")
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"order": {"gw0": ["a.py::t"]}}))
    err = io.StringIO()
    assert main(["bisect", "x.py::t", "--report", str(report)], io.StringIO(), err) == 2
    assert "x.py::t is in no worker's order" in err.getvalue()
