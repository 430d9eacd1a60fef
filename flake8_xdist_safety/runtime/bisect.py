"""``flake8-xdist-safety bisect TEST_ID --report REPORT.json [-- PYTEST_ARGS...]``: which test that ran
before TEST_ID in its worker makes it fail?

The JSON report of a ``pytest --xdist-safety`` run holds each worker's test order. Under pytest-xdist
the order that matters is the victim's worker's, not the suite's. The command replays that worker's
tests up to the victim, in one fresh pytest process per trial (``-p no:randomly``, the order forced by
``runtime/replay.py``), checks that the victim passes alone and fails after the full prefix, then
narrows the prefix with delta debugging (halves first, as ``detect-test-pollution`` bisects) to the
smallest set of tests after which the victim still fails: usually one test. It prints what those
tests leaked according to the report, the command that reproduces the failure, and one
``polluter: NODE_ID`` line per polluter.

Exit status: 0 polluter(s) found; 1 none (the test fails alone, passes after the prefix, or the
failure did not reproduce); 2 usage error.
"""
import argparse
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import tempfile
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from flake8_xdist_safety.runtime.replay import strip_group

PLUGIN = "flake8_xdist_safety.runtime.replay"


class UsageError(Exception):
    pass


def find_prefix(report: Dict[str, Any], victim: str) -> Tuple[str, List[str]]:
    """(worker, the tests that ran before *victim* in that worker)."""
    wanted = strip_group(victim)
    for worker, tests in sorted(report.get("order", {}).items()):
        plain = [strip_group(str(nodeid)) for nodeid in tests]
        if wanted in plain:
            return worker, plain[:plain.index(wanted)]
    raise UsageError("{} is in no worker's order in the report (was the run made with --xdist-safety "
                     "--xdist-safety-json, and is the id exactly as pytest printed it?)".format(victim))


def minimize(tests: List[str], fails: Callable[[List[str]], bool]) -> List[str]:
    """The smallest subsequence of *tests* (which fails) that still fails: ddmin, order kept."""
    chunks = 2
    while len(tests) >= 2:
        size = -(-len(tests) // chunks)
        parts = [tests[start:start + size] for start in range(0, len(tests), size)]
        for part in parts:
            if fails(part):
                tests, chunks = part, 2
                break
        else:
            for index in range(len(parts)) if len(parts) > 2 else ():
                rest = [test for number, part in enumerate(parts) if number != index for test in part]
                if fails(rest):
                    tests, chunks = rest, max(chunks - 1, 2)
                    break
            else:
                if chunks >= len(tests):
                    break
                chunks = min(len(tests), chunks * 2)
    return tests


class Replayer:
    """Runs the victim after a given list of tests in a fresh pytest process; says if it failed."""

    def __init__(self, victim: str, rootdir: str, pytest_args: List[str], err: TextIO) -> None:
        self.victim = victim
        self.rootdir = rootdir
        self.pytest_args = pytest_args
        self.err = err
        self.runs = 0
        self.no_xdist = ["-n", "0"] if importlib.util.find_spec("xdist") is not None else []

    def files(self, tests: List[str]) -> List[str]:
        paths: List[str] = []
        for nodeid in tests + [self.victim]:
            path = os.path.join(self.rootdir, nodeid.split("::")[0])
            if path not in paths:
                paths.append(path)
        return paths

    def outcome(self, tests: List[str]) -> str:
        self.runs += 1
        with tempfile.TemporaryDirectory(prefix="xdist-safety-bisect-") as work:
            order, outcome = os.path.join(work, "order"), os.path.join(work, "outcome")
            with open(order, "w", encoding="utf-8") as out:
                out.writelines(nodeid + "\n" for nodeid in tests + [self.victim])
            # "--option=value": pytest takes arguments that are existing paths into account when it
            # picks the rootdir, and the node ids are relative to the run's rootdir.
            command = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", PLUGIN, *self.no_xdist,
                       "--rootdir=" + self.rootdir, "--xdist-safety-order=" + order,
                       "--xdist-safety-outcome=" + outcome, "-q", "-p", "no:cacheprovider",
                       *self.pytest_args, *self.files(tests)]
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                with open(outcome, encoding="utf-8") as result:
                    lines = result.read().splitlines()
            except OSError:
                return "not run"
        for line in lines[1:]:
            print("note: not found when replaying: " + line[len("missing "):], file=self.err)
        return lines[0] if lines else "not run"

    def fails(self, tests: List[str]) -> bool:
        return self.outcome(tests) == "failed"


def _leaks_of(report: Dict[str, Any], nodeid: str) -> List[str]:
    return ["    {} {}".format(finding["code"], finding["detail"]) for finding in report.get("findings", [])
            if strip_group(str(finding.get("where", ""))) == nodeid]


def reproduce_command(polluters: List[str], victim: str, pytest_args: List[str], no_xdist: List[str]) -> str:
    # pytest runs node ids given on its command line in that order.
    words = ["python", "-m", "pytest", "-p", "no:randomly", *no_xdist, *pytest_args, *polluters, victim]
    return " ".join(shlex.quote(word) for word in words)


def bisect(victim: str, report: Dict[str, Any], pytest_args: List[str], out: TextIO, err: TextIO) -> int:
    victim = strip_group(victim)
    worker, prefix = find_prefix(report, victim)
    rootdir = str(report.get("rootdir") or os.getcwd())
    replay = Replayer(victim, rootdir, pytest_args, err)
    print("{} ran in {} after {} test(s)".format(victim, worker or "the main process", len(prefix)), file=out)
    if not prefix:
        print("no polluter: nothing ran before it in its worker", file=out)
        return 1
    alone = replay.outcome([])
    print("alone: {}".format(alone), file=out)
    if alone != "passed":
        print("no polluter: the test does not pass alone ({}): not order-dependent".format(alone), file=out)
        return 1
    after_all = replay.outcome(prefix)
    print("after its worker's {} test(s): {}".format(len(prefix), after_all), file=out)
    if after_all != "failed":
        print("no polluter: it does not fail after its worker's tests either "
              "(flaky, or it depends on something outside this worker's order)", file=out)
        return 1
    # Every set minimize() keeps has failed in a run of its own: no confirming run is needed.
    polluters = minimize(prefix, replay.fails)
    print("narrowed to {} test(s) in {} pytest runs".format(len(polluters), replay.runs), file=out)
    for polluter in polluters:
        print("{} left behind (from the report):".format(polluter), file=out)
        print("\n".join(_leaks_of(report, polluter)) or "    nothing the runtime checks saw", file=out)
    print("reproduce: " + reproduce_command(polluters, victim, pytest_args, replay.no_xdist), file=out)
    for polluter in polluters:
        print("polluter: " + polluter, file=out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flake8-xdist-safety bisect", allow_abbrev=False,
        description="Find the test(s) that ran before TEST_ID in its worker and make it fail.",
        usage="flake8-xdist-safety bisect TEST_ID --report REPORT.json [-- PYTEST_ARGS...]")
    parser.add_argument("test_id", metavar="TEST_ID")
    parser.add_argument("--report", required=True, metavar="REPORT.json",
                        help="the --xdist-safety-json report of the run in which TEST_ID failed")
    return parser


def main(argv: Sequence[str], out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    argv = list(argv)
    pytest_args: List[str] = []
    if "--" in argv:
        argv, pytest_args = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    args = _parser().parse_args(argv)  # usage errors exit 2
    try:
        with open(args.report, encoding="utf-8") as source:
            report = json.load(source)
        return bisect(args.test_id, report, pytest_args, out, err)
    except (OSError, ValueError) as error:
        print("flake8-xdist-safety bisect: error: cannot read {}: {}".format(args.report, error), file=err)
        return 2
    except UsageError as error:
        print("flake8-xdist-safety bisect: error: {}".format(error), file=err)
        return 2
