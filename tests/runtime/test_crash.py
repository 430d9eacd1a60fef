"""A worker that dies mid-run loses nothing it had finished: each worker journals its findings
and its order as it goes, and the controller reads the journal of a worker that never reported."""
import os
import types

import pytest

from flake8_xdist_safety.runtime.findings import Finding
from flake8_xdist_safety.runtime.session import RuntimeChecks
from flake8_xdist_safety.runtime.settings import Settings, Threshold

pytest_plugins = ["pytester"]


@pytest.mark.slow
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


# -- a worker that dies ----------------------------------------------------------------------------------


def test_the_controller_recovers_a_dead_workers_journal(tmp_path):
    from flake8_xdist_safety.runtime.journal import RUN_DIRECTORY_KEY, Journal

    off = Threshold(None, None)
    config = types.SimpleNamespace(rootpath=tmp_path)  # a controller's: no workerinput
    controller = RuntimeChecks(config, Settings(strict=False, count_mocks=False, json_path=None,
                                                test_growth=off, session_growth=off))
    nodes = [types.SimpleNamespace(workerinput={}, gateway=types.SimpleNamespace(id=worker))
             for worker in ("gw0", "gw1", "gw2", "gw3")]
    for node in nodes:
        controller.pytest_configure_node(node)
    run_directory = nodes[0].workerinput[RUN_DIRECTORY_KEY]
    assert {node.workerinput[RUN_DIRECTORY_KEY] for node in nodes} == {run_directory}
    finding = Finding(code="MXS014", kind="cwd", where="t.py::a", path="t.py", line=1, detail="d")
    died_after = Journal(run_directory, "gw0")
    died_after.start("t.py::a")
    died_after.done("t.py::a", [finding])
    died_after.close()
    Journal(run_directory, "gw1").close()  # died before its first test
    for node in nodes:  # gw3 wrote nothing at all
        controller.pytest_testnodedown(node, "crashed")
    assert controller.notes == [
        "worker gw0 died after t.py::a (1 test(s) started); its findings and order up to then are kept",
        "worker gw1 died before its first test (0 test(s) started); its findings and order up to then "
        "are kept",
        "worker gw2 went down without sending its findings (crashed)",
        "worker gw3 went down without sending its findings (crashed)",
    ]
    assert [(f.where, f.worker) for f in controller.findings] == [("t.py::a", "gw0")]
    assert controller.order["gw0"] == ["t.py::a"]
    controller.pytest_unconfigure(controller.config)
    assert not os.path.exists(run_directory)
