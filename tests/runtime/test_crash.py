"""A worker that dies mid-run loses nothing it had finished: each worker journals its findings
and its order as it goes, and the controller reads the journal of a worker that never reported."""
import pytest

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.slow


def test_findings_and_order_of_a_crashed_worker_are_kept(pytester, run_checks):
    pytester.makepyfile(test_crash="""
        import os

        def test_leaks_first():
            os.environ["MXS_BEFORE_CRASH"] = "1"

        def test_dies():
            os._exit(3)
    """, test_other="""
        import os

        def test_elsewhere():
            os.chdir("/")
    """)
    # --dist loadfile: each file in one worker (loadgroup does not group on pytest 9.2).
    run = run_checks("-n", "2", "--dist", "loadfile", "-p", "no:randomly", "--max-worker-restart", "0",
                     subprocess=True)
    assert ("MXS003", "test_crash.py::test_leaks_first", "os.environ['MXS_BEFORE_CRASH'] added") \
        in run.leaks()
    assert ("MXS014", "test_other.py::test_elsewhere",
            "working directory changed from {} to /".format(pytester.path)) in run.leaks()
    doomed = next(worker for worker, tests in run.report["order"].items() if "test_crash.py::test_dies"
                  in tests)
    assert run.report["order"][doomed] == ["test_crash.py::test_leaks_first",
                                           "test_crash.py::test_dies"]
    note = ("worker {} died during test_crash.py::test_dies (2 test(s) started); its findings and "
            "order up to then are kept".format(doomed))
    assert note in run.report["notes"]
    run.result.stdout.fnmatch_lines(["note: " + note])
