"""A fixture whose teardown raises stops pytest's teardown hook before the checks' own:
the test is still checked (once the protocol ends), and strict mode adds no second error."""
pytest_plugins = ["pytester"]

SUITE = """
    import os

    import pytest

    @pytest.fixture
    def broken():
        yield
        raise RuntimeError("teardown failed")

    def test_leaks_with_broken_teardown(broken):
        os.environ["MXS_BROKEN"] = "1"

    def test_next():
        pass
"""


def test_leak_is_reported_when_a_teardown_raises(pytester, run_checks):
    pytester.makepyfile(test_broken=SUITE)
    run = run_checks("--xdist-safety-strict")
    run.result.assert_outcomes(passed=2, errors=1)
    assert run.leaks() == [
        ("MXS003", "test_broken.py::test_leaks_with_broken_teardown", "os.environ['MXS_BROKEN'] added")]
    assert "RuntimeError: teardown failed" in run.result.stdout.str()
    assert "flake8-xdist-safety: " not in run.result.stdout.str()
