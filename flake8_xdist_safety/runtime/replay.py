"""A tiny pytest plugin for ``flake8-xdist-safety bisect``: runs exactly the tests listed in a
file, in that order, and writes down what happened to the last one (the test under study).

    pytest -p no:randomly -p flake8_xdist_safety.runtime.replay \\
        --xdist-safety-order ORDER_FILE --xdist-safety-outcome OUTCOME_FILE FILES...

pytest runs items in the order ``pytest_collection_modifyitems`` leaves them, setting up and
tearing down class- and module-scoped fixtures wherever the order needs it, as a pytest-xdist
worker does with the items it is sent. This hook runs last, so the recorded order wins over any
plugin that reorders (pytest-randomly is also turned off with ``-p no:randomly``, for its
seeding).
"""
from typing import Any, Dict, List

import pytest


def strip_group(nodeid: str) -> str:
    """The node id without pytest-xdist's ``@group`` suffix (added under ``--dist loadgroup``)."""
    at = nodeid.rfind("@")
    return nodeid[:at] if at > nodeid.rfind("]") and at > nodeid.rfind("::") else nodeid


def read_order(path: str) -> List[str]:
    with open(path, encoding="utf-8") as lines:
        return [line.rstrip("\n") for line in lines if line.strip()]


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("xdist-safety-replay", "flake8-xdist-safety bisect replay")
    group.addoption("--xdist-safety-order", metavar="FILE", default=None,
                    help="run exactly the node ids in FILE (one per line), in that order")
    group.addoption("--xdist-safety-outcome", metavar="FILE", default=None,
                    help="write the outcome of the last test in the order to FILE")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: Any, config: Any, items: List[Any]) -> None:
    path = config.getoption("xdist_safety_order")
    if not path:
        return
    wanted = [strip_group(nodeid) for nodeid in read_order(path)]
    by_id: Dict[str, Any] = {strip_group(item.nodeid): item for item in items}
    chosen = [by_id[nodeid] for nodeid in wanted if nodeid in by_id]
    kept = {id(item) for item in chosen}
    config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept])
    items[:] = chosen
    config.stash[_STATE] = {"victim": wanted[-1] if wanted else "", "outcome": "not run",
                            "missing": [nodeid for nodeid in wanted if nodeid not in by_id]}


_STATE = pytest.StashKey[Dict[str, Any]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    state = item.config.stash.get(_STATE, None)
    if state is None or strip_group(item.nodeid) != state["victim"]:
        return
    report = outcome.get_result()
    if report.failed:
        state["outcome"] = "failed"
    elif report.when == "call" and state["outcome"] != "failed":
        state["outcome"] = "skipped" if report.skipped else "passed"
    elif report.skipped and state["outcome"] == "not run":
        state["outcome"] = "skipped"


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    config = session.config
    path = config.getoption("xdist_safety_outcome")
    state = config.stash.get(_STATE, None)
    if not path or state is None:
        return
    with open(path, "w", encoding="utf-8") as out:
        out.write(state["outcome"] + "\n")
        out.writelines("missing " + nodeid + "\n" for nodeid in state["missing"])
