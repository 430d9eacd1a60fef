"""What the runtime plugin (``pytest --xdist-safety``) costs a test run.

Generates a suite of small tests in a temporary directory and runs pytest on it in three
arms, interleaved round by round so that drift in the machine's load hits all of them alike:

- ``without``: ``-p no:xdist_safety``, as if the package were not installed;
- ``inert``: installed, not enabled (the default for everyone who installs the linter);
- ``active``: ``--xdist-safety``.

Reports the median wall and CPU time (user + system of the pytest process) of each arm, the
overhead against ``without`` in percent and in microseconds per test. CPU time is the
headline: on a shared machine another job's load shows in wall time, not in our CPU time.

    python benchmarks/runtime_overhead.py [--files 30] [--tests-per-file 100] [--rounds 7]
                                          [--active-args=--xdist-safety-mocks] [-- PYTEST_ARGS]

With ``--hook-time`` it also runs the active arm once more with the checks' own hooks timed
from inside (``time.perf_counter`` around each call): the plugin's cost without the noise of
a shared machine, less pluggy's dispatch and the fixture-setup wrapper's generator.
``--per-probe`` times each probe in a loop (warm caches), ``--in-place`` each probe's reading,
the RSS reading and the per-test hooks where they happen in a real run (cold caches).

Not a timed test: run it by hand and put the figures in benchmarks/README.md.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

TEST_FILE = '''\
import os

import pytest


@pytest.fixture
def number():
    return 2


class TestArithmetic:
{methods}

{functions}
'''


APP = '''

class App:
    """Shaped like a FastAPI application: the runtime checks watch its dependency_overrides."""

    def __init__(self):
        self.dependency_overrides = {}


app = App()
'''


def write_suite(root: Path, files: int, tests_per_file: int, apps: bool = False, loggers: int = 0) -> int:
    """A realistic mix of tiny tests: plain functions, methods, a fixture, a monkeypatch; with
    *apps*, one app with ``dependency_overrides`` per file (as a suite with an app per module);
    with *loggers*, a conftest that creates that many loggers (as an application's modules do)."""
    if loggers:
        (root / "conftest.py").write_text(
            "import logging\n\nfor index in range({}):\n"
            "    logging.getLogger('app{{}}.module{{}}'.format(index % 30, index))\n".format(loggers))
    for index in range(files):
        methods = "\n".join(
            "    def test_method_{0}(self, number):\n        assert number * {0} == {0} * 2\n".format(n)
            for n in range(tests_per_file // 2))
        functions = "\n".join(
            ("def test_env_{0}(monkeypatch):\n    monkeypatch.setenv('BENCH_{0}', '1')\n"
             "    assert os.environ['BENCH_{0}'] == '1'\n" if n % 10 == 0 else
             "def test_function_{0}():\n    assert sum(range({0})) >= 0\n").format(n)
            for n in range(tests_per_file - tests_per_file // 2))
        (root / "test_bench_{:03d}.py".format(index)).write_text(
            TEST_FILE.format(methods=methods, functions=functions) + (APP if apps else ""))
    return files * tests_per_file


def run_pytest(root: Path, args: List[str], env: Dict[str, str]) -> Tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one quiet pytest run; the run must pass."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "."],
                          cwd=str(root), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit("pytest {} failed:\n{}".format(" ".join(args), done.stdout.decode()[-3000:]))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# Run in a child: wraps the checks' plain hooks with timers, then runs pytest in-process.
HOOK_TIMER = """
import functools, gc, sys, time
import pytest
from flake8_xdist_safety.runtime import session
spent = [0.0]
# The cyclic collector's pauses inside the hooks, counted apart: a full collection (30 ms in
# a pytest process) falls in whichever code's allocation crosses the threshold, in the hooks
# in some runs and outside them in others.
collector = {"inside": False, "started": 0.0, "spent": 0.0}
def on_collection(phase, info):
    if collector["inside"]:
        if phase == "start":
            collector["started"] = time.perf_counter()
        else:
            collector["spent"] += time.perf_counter() - collector["started"]
gc.callbacks.append(on_collection)
def timed(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        collector["inside"] = True
        try:
            return method(*args, **kwargs)
        finally:
            collector["inside"] = False
            spent[0] += time.perf_counter() - start
    return wrapper
def timed_wrapper(method):
    # A hook wrapper is a generator: time its code before and after the yield, not the hooks
    # it wraps (pluggy reads the wrapper marker from the function, so copy it over). New style:
    # hand back what the wrapper returns, and the wrapped hooks' error (old style: both ignored).
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        collector["inside"] = True
        inner = method(*args, **kwargs)
        next(inner)
        collector["inside"] = False
        spent[0] += time.perf_counter() - start
        try:
            outcome = yield
        except BaseException as error:
            start = time.perf_counter()
            collector["inside"] = True
            try:
                inner.throw(error)
            finally:
                collector["inside"] = False
                spent[0] += time.perf_counter() - start
        start = time.perf_counter()
        collector["inside"] = True
        try:
            inner.send(outcome)
        except StopIteration as stop:
            return stop.value
        finally:
            collector["inside"] = False
            spent[0] += time.perf_counter() - start
    return wrapper
for name in ("pytest_runtest_setup", "pytest_runtest_teardown",
             "pytest_fixture_post_finalizer", "pytest_collection_finish", "pytest_sessionfinish"):
    setattr(session.RuntimeChecks, name, timed(getattr(session.RuntimeChecks, name)))
for name in ("pytest_runtest_protocol", "pytest_fixture_setup", "pytest_make_collect_report"):
    setattr(session.RuntimeChecks, name, timed_wrapper(getattr(session.RuntimeChecks, name)))
start = time.process_time()
code = pytest.main(sys.argv[1:])
print(spent[0], collector["spent"], time.process_time() - start, int(code))
"""


# Run in a child: after an in-process pytest run of the suite (so that sys.modules, loggers and
# the rest are what a real session holds), time each probe's per-test work: the snapshot before
# the test (offered the previous one to reuse), the one after, and the comparison.
PER_PROBE = """
import sys, time
import pytest
from flake8_xdist_safety.runtime.plugin import CHECKS_PLUGIN_NAME
class Timer:
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        checks = session.config.pluginmanager.get_plugin(CHECKS_PLUGIN_NAME)
        for probe in checks.watcher.probes + checks.outer.probes:
            previous = probe.snapshot()
            rounds = 2000
            start = time.perf_counter()
            for _ in range(rounds):
                before = probe.snapshot(previous)
                previous = probe.snapshot(before)
                probe.changes(before, previous)
            print("PROBE", probe.kind.replace(" ", "_"), probe.code,
                  1e6 * (time.perf_counter() - start) / rounds)
code = pytest.main(sys.argv[1:], plugins=[Timer()])
"""


# Run in a child: the active arm in-process, each probe's reading, the RSS reading and each of
# the checks' hooks timed where they happen (between tests pytest's own work evicts the caches,
# so a reading costs more there than in a loop). A timer adds about 0.1 µs to what it times.
IN_PLACE = """
import functools, statistics, sys, time
import pytest
from flake8_xdist_safety.runtime import session
from flake8_xdist_safety.runtime.plugin import CHECKS_PLUGIN_NAME
spent = {}
def timed(name, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.perf_counter_ns()
        try:
            return function(*args, **kwargs)
        finally:
            spent.setdefault(name, []).append(time.perf_counter_ns() - start)
    return wrapper
for name, label in (("pytest_runtest_setup", "setup hook"), ("pytest_runtest_teardown", "teardown hook"),
                    ("_after_protocol", "protocol wrapper, after the test")):
    setattr(session.RuntimeChecks, name, timed(label, getattr(session.RuntimeChecks, name)))
class Probes:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session):
        checks = session.config.pluginmanager.get_plugin(CHECKS_PLUGIN_NAME)
        for probe in checks.watcher.probes + checks.outer.probes:
            probe.snapshot = timed("{} probe".format(probe.kind), probe.snapshot)
        if checks.read_rss is not None:
            checks.read_rss = timed("rss reading", checks.read_rss)
pytest.main(sys.argv[1:], plugins=[Probes()])
for name, values in spent.items():
    print("INPLACE", name.replace(" ", "_"), len(values), statistics.median(values) / 1e3)
"""


def in_place(root: Path, args: List[str], env: Dict[str, str]) -> List[Tuple[str, int, float]]:
    done = subprocess.run([sys.executable, "-c", IN_PLACE, "-q", "-p", "no:cacheprovider", *args, "."],
                          cwd=str(root), env=env, stdout=subprocess.PIPE, check=True)
    rows = [line[line.index("INPLACE "):].split()[1:] for line in done.stdout.decode().splitlines()
            if "INPLACE " in line]
    return [(name.replace("_", " "), int(calls), float(micros)) for name, calls, micros in rows]


def per_probe(root: Path, args: List[str], env: Dict[str, str]) -> List[Tuple[str, str, float]]:
    done = subprocess.run([sys.executable, "-c", PER_PROBE, "-q", "-p", "no:cacheprovider", *args, "."],
                          cwd=str(root), env=env, stdout=subprocess.PIPE, check=True)
    # pytest's progress line has no newline at its end: a row may follow it on the same line.
    rows = [line[line.index("PROBE "):].split()[1:] for line in done.stdout.decode().splitlines()
            if "PROBE " in line]
    return [(kind.replace("_", " "), code, float(micros)) for kind, code, micros in rows]


def hook_time(root: Path, args: List[str], env: Dict[str, str]) -> Tuple[float, float, float]:
    """(seconds inside the checks' hooks, of which the cyclic collector's pauses, CPU seconds of
    the whole in-process run)."""
    done = subprocess.run([sys.executable, "-c", HOOK_TIMER, "-q", "-p", "no:cacheprovider", *args, "."],
                          cwd=str(root), env=env, stdout=subprocess.PIPE, check=True)
    spent, collecting, total, code = done.stdout.decode().split()[-4:]
    if code != "0":
        sys.exit("the timed run failed")
    return float(spent), float(collecting), float(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--tests-per-file", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--active-args", default="",
                        help="extra options of the active arm, e.g. --xdist-safety-mocks")
    parser.add_argument("--keep-hypothesis", action="store_true",
                        help="leave hypothesis's pytest plugin on (it imports hypothesis at the end "
                             "of every run, a fixed cost that only dilutes the percentages)")
    parser.add_argument("--hook-time", action="store_true",
                        help="also time the checks' hooks from inside (median of 5 runs)")
    parser.add_argument("--apps", action="store_true",
                        help="one app with dependency_overrides per test file (e.g. --files 250)")
    parser.add_argument("--loggers", type=int, default=0,
                        help="a conftest that creates this many loggers (the logging probe reads each)")
    parser.add_argument("--per-probe", action="store_true",
                        help="also time each probe's per-test work in a real session (median of 3)")
    parser.add_argument("--in-place", action="store_true",
                        help="also time each probe's reading and each per-test hook where they "
                             "happen in a real run (median per call; median of 3 runs)")
    parser.add_argument("pytest_args", nargs="*", help="passed to every arm, e.g. -- -n 2")
    options = parser.parse_args()

    common = list(options.pytest_args)
    if not options.keep_hypothesis:
        common += ["-p", "no:hypothesispytest"]
    arms = {
        "without": ["-p", "no:xdist_safety"] + common,
        "inert": common,
        "active": ["--xdist-safety"] + options.active_args.split() + common,
    }
    env = dict(os.environ)
    # Let Python and pytest cache bytecode of the generated suite: the steady state of a
    # developer's machine. (Some environments set this to keep source trees clean.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = Path(tempfile.mkdtemp(prefix="xdist-safety-bench-"))
    try:
        count = write_suite(root, options.files, options.tests_per_file, options.apps, options.loggers)
        for args in arms.values():  # warm-up: bytecode caches, page cache
            run_pytest(root, args, env)
        walls: Dict[str, List[float]] = {name: [] for name in arms}
        cpus: Dict[str, List[float]] = {name: [] for name in arms}
        for round_number in range(options.rounds):
            # Rotate the order each round so no arm always runs first.
            names = list(arms)[round_number % 3:] + list(arms)[:round_number % 3]
            for name in names:
                wall, cpu = run_pytest(root, arms[name], env)
                walls[name].append(wall)
                cpus[name].append(cpu)
        timed = [hook_time(root, arms["active"], env) for _ in range(5)] if options.hook_time else []
        probes = [per_probe(root, arms["active"], env) for _ in range(3)] if options.per_probe else []
        placed = [in_place(root, arms["active"], env) for _ in range(3)] if options.in_place else []
    finally:
        shutil.rmtree(str(root), ignore_errors=True)

    print("{} tests ({} files), {} rounds, Python {}, pytest args: {}".format(
        count, options.files, options.rounds, sys.version.split()[0], " ".join(common) or "-"))
    base_wall = statistics.median(walls["without"])
    base_cpu = statistics.median(cpus["without"])
    print("| arm | wall median (s) | CPU median (s) | CPU overhead | per test (CPU) | wall overhead |")
    print("|---|---|---|---|---|---|")
    for name in arms:
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        print("| {} | {:.3f} (min {:.3f}, max {:.3f}) | {:.3f} (min {:.3f}, max {:.3f}) | {:+.1f} % | "
              "{:+.0f} µs | {:+.1f} % |".format(
                  name, wall, min(walls[name]), max(walls[name]), cpu, min(cpus[name]),
                  max(cpus[name]), 100 * (cpu - base_cpu) / base_cpu,
                  1e6 * (cpu - base_cpu) / count, 100 * (wall - base_wall) / base_wall))
    if timed:
        spent = statistics.median(run[0] for run in timed)
        total = statistics.median(run[2] for run in timed)
        print("inside the checks' hooks: {:.3f} s of {:.3f} s CPU in-process = {:.1f} %, {:.0f} µs "
              "per test (median of 5 runs)".format(spent, total, 100 * spent / total, 1e6 * spent / count))
        own = statistics.median(run[0] - run[1] for run in timed)
        print("  without the cyclic collector's pauses that fell inside them ({}): {:.1f} %, {:.0f} µs "
              "per test".format(", ".join("{:.0f} ms".format(1e3 * run[1]) for run in timed),
                                100 * own / total, 1e6 * own / count))

    if probes:
        print("| probe | code | µs per test (median of 3 runs) |")
        print("|---|---|---|")
        for index, (kind, code, _micros) in enumerate(probes[0]):
            micros = statistics.median(run[index][2] for run in probes)
            print("| {} | {} | {:.1f} |".format(kind, code, micros))

    if placed:
        print("| read in place | calls | µs per call (median; median of 3 runs) |")
        print("|---|---|---|")
        for index, (name, calls, _micros) in enumerate(placed[0]):
            micros = statistics.median(run[index][2] for run in placed)
            print("| {} | {} | {:.1f} |".format(name, calls, micros))


if __name__ == "__main__":
    main()
