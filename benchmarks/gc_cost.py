"""Measure what a per-test ``gc.collect()`` teardown (rule MXS002) costs and buys.

Generates, in a temporary directory, a mock-heavy pytest suite of --classes test classes
x --tests-per-class tests. Each test builds five ``MagicMock`` objects the way real tests
do (return values, side effects, one mock attached to another plus an explicit back
reference, ``patch.object`` of a module attribute, a ``pytest.raises`` block), and the
class's ``setup_method`` puts a sixth on ``self``. Two suites:

  light  no payload
  heavy  each of the five per-test mocks also holds a fresh --payload-kb KiB ``bytes``
         attribute (a stand-in for the big objects real mocks end up referencing)

The ``self`` mock gets no payload unless --payload-on-self: pytest keeps every test's class
instance (and so what setup_method stored on it) alive to the end of the session
(pytest-dev/pytest#11374), so that payload is retained in every variant and gc.collect()
cannot free it.

Three variants of each suite, identical except for the teardown:

  a  no teardown
  b  ``teardown_method(self, method): gc.collect()`` in every class
  c  an autouse function-scoped fixture in conftest.py: ``yield`` then ``gc.collect()``

Every variant is run as ``PYTHON -m pytest -q -p no:cacheprovider`` (mode "plain") and
with ``-n 2`` added (mode "n2"), in --rounds interleaved rounds (a b c, then b c a, ...;
the three variants of one (suite, mode) run back to back), after an untimed
``--collect-only`` warm-up of every directory. The interpreter's default gc thresholds
are left alone (no ``gc.freeze()``, no ``gc.set_threshold()``).

Time: the wall time and the CPU time (user+sys, from RUSAGE_CHILDREN, so the xdist
workers are included) of each pytest process tree. CPU time is the headline figure:
other load on a shared machine stretches wall time, not the CPU a process uses.

The generated conftest.py records, per test process (the single process, or each xdist
worker; the controller runs no tests and is left out), for the test phase only (from the
end of collection to the end of the session): the peak RSS (VmHWM, reset at the end of
collection through /proc/self/clear_refs), ``ru_maxrss`` of the whole process, the RSS
(/proc/self/statm) after collection and at the end, the objects the collector tracks
(``len(gc.get_objects())``) after collection and at the end, the number of collections per
generation (``gc.get_stats()`` difference), which of them were the teardown's explicit
``gc.collect()`` calls (told apart in a ``gc.callbacks`` hook by the calling frame's
function name), the objects each kind freed, and the CPU time spent inside the collector.

Reported per (suite, mode, variant): medians over rounds of the time, of the added time
against variant a (total, ms per test, % of a), of the test-phase peak RSS (the larger
worker's), and of the per-worker collector figures. The last line of output is one JSON
object with every figure.

  python benchmarks/gc_cost.py --python /path/to/venv/bin/python   # 300 x 10 tests, 5 rounds
  python benchmarks/gc_cost.py --classes 8 --rounds 5              # 80 tests: ~6 min on 2 busy cores
  python benchmarks/gc_cost.py --classes 3 --rounds 1              # smoke run
  python benchmarks/gc_cost.py --suites heavy --modes plain --payload-kb 200

Each explicit collection traverses every tracked object, so its cost grows with the
worker's heap: the default 3,000 tests take far longer than the 80-test run. The
interpreter given by --python needs pytest and (for mode n2) pytest-xdist; nothing else.
"""
import argparse
import glob
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Tuple

# One pytest run: wall s, CPU s of the process tree, one record per test process.
Run = Tuple[float, float, List[Dict[str, Any]]]

VARIANTS = ("a", "b", "c")
VARIANT_NAMES = {
    "a": "no teardown",
    "b": "teardown_method: gc.collect()",
    "c": "autouse fixture: gc.collect()",
}
EXPLICIT_FRAMES = ("teardown_method", "_gc_collect_after_test")

TARGET_MODULE = '''\
"""The code under test: module attributes that the tests patch."""
CLIENT = None
LOGGER = None


def fetch(path):
    response = CLIENT.get(path, timeout=5)
    if response.status_code != 200:
        raise RuntimeError(response.status_code)
    return response.json()


def process(repo, key):
    data = repo.load(key)
    LOGGER.info("loaded %s", key)
    if repo.cache.get(key) is None:
        repo.save(data)
    LOGGER.debug("done %s", data)
    return data
'''

CONFTEST = '''\
import gc
import json
import os
import resource
import resource
import sys
import time

import pytest

_OUT = os.environ["GC_COST_OUT"]
_PAGE = os.sysconf("SC_PAGE_SIZE")
_STATE = {"explicit": [0, 0, 0], "explicit_freed": 0, "auto_freed": 0,
          "explicit_s": 0.0, "auto_s": 0.0, "t0": 0.0, "kind": None,
          "passed": 0, "failed": 0}


def _rss_kib():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE // 1024


def _gc_callback(phase, info):
    if phase == "start":
        try:
            explicit = sys._getframe(1).f_code.co_name in EXPLICIT_FRAMES
        except ValueError:
            explicit = False
        _STATE["kind"] = "explicit" if explicit else "auto"
        _STATE["t0"] = time.process_time()
        return
    kind = _STATE["kind"]
    if kind is None:  # the hook was installed during a collection
        return
    _STATE[kind + "_s"] += time.process_time() - _STATE["t0"]
    _STATE[kind + "_freed"] += info["collected"]
    if kind == "explicit":
        _STATE["explicit"][info["generation"]] += 1
    _STATE["kind"] = None


def _hwm_kib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def _reset_hwm():
    # Linux >= 4.0: writing 5 resets the peak RSS (VmHWM) to the current RSS.
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pytest_collection_finish(session):
    _STATE["tracked0"] = len(gc.get_objects())
    _STATE["stats0"] = [s["collections"] for s in gc.get_stats()]
    _STATE["rss0"] = _rss_kib()
    _STATE["maxrss0"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _STATE["hwm_reset"] = _reset_hwm()
    _STATE["items"] = len(session.items)
    _STATE["start"] = time.perf_counter()
    _STATE["cpu0"] = _cpu_s()
    gc.callbacks.append(_gc_callback)


def pytest_runtest_logreport(report):
    if report.when == "call":
        _STATE["passed" if report.passed else "failed"] += 1
    elif report.failed:
        _STATE["failed"] += 1


def pytest_sessionfinish(session, exitstatus):
    if "stats0" not in _STATE:  # the xdist controller collects and runs nothing
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if _gc_callback in gc.callbacks:
        gc.callbacks.remove(_gc_callback)
    stats1 = [s["collections"] for s in gc.get_stats()]
    cpu = _cpu_s() - _STATE["cpu0"]
    total = [b - a for a, b in zip(_STATE["stats0"], stats1)]
    record = {
        "pid": os.getpid(),
        "worker": worker,
        "items": _STATE["items"],
        "passed": _STATE["passed"],
        "failed": _STATE["failed"],
        "test_phase_s": time.perf_counter() - _STATE["start"],
        "test_phase_cpu_s": cpu,
        "tracked_after_collection": _STATE["tracked0"],
        "tracked_end": len(gc.get_objects()),
        "threshold": list(gc.get_threshold()),
        "collections_total": total,
        "collections_explicit": _STATE["explicit"],
        "collections_auto": [t - e for t, e in zip(total, _STATE["explicit"])],
        "freed_auto": _STATE["auto_freed"],
        "freed_explicit": _STATE["explicit_freed"],
        "gc_auto_s": _STATE["auto_s"],
        "gc_explicit_s": _STATE["explicit_s"],
        "rss_after_collection_kib": _STATE["rss0"],
        "maxrss_after_collection_kib": _STATE["maxrss0"],
        "rss_end_kib": _rss_kib(),
        "hwm_reset": _STATE["hwm_reset"],
        "test_phase_peak_kib": _hwm_kib() if _STATE["hwm_reset"] else -1,
        "maxrss_kib": max(_STATE["maxrss0"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "python": sys.version.split()[0],
        "pytest": pytest.__version__,
    }
    path = os.path.join(_OUT, "proc-%d.json" % os.getpid())
    with open(path, "w") as fh:
        json.dump(record, fh)
'''

FIXTURE_C = '''

@pytest.fixture(autouse=True)
def _gc_collect_after_test():
    yield
    gc.collect()
'''

MODULE_HEAD = '''\
import gc  # noqa: F401  (used by the teardown variants)
from unittest import mock

import pytest

import gc_target

PAYLOAD = {payload}
SELF_PAYLOAD = {self_payload}


def _blob():
    # A new object on every call (bytes(0) is the shared empty bytes; fine for "light").
    return bytes(PAYLOAD)
'''

CLASS_HEAD = '''

class TestService{index}:
    def setup_method(self, method):
        self.client = mock.MagicMock(name="client")
        self.client.blob = bytes(SELF_PAYLOAD)
        self.client.get.return_value.status_code = 200
        self.client.get.return_value.json.return_value = {{"id": {index}, "items": list(range(20))}}
'''

TEARDOWN_B = '''
    def teardown_method(self, method):
        gc.collect()
'''

TEST_METHOD = '''
    def test_case_{j}(self):
        repo = mock.MagicMock(name="repo")
        repo.blob = _blob()
        repo.load.return_value = {{"key": {j}, "values": [1, 2, 3]}}
        repo.save.side_effect = lambda obj: dict(obj, saved=True)
        cache = mock.MagicMock(name="cache")
        cache.blob = _blob()
        cache.get.side_effect = [None, "hit"]
        repo.attach_mock(cache, "cache")
        cache.owner = repo
        logger = mock.MagicMock(name="logger")
        logger.blob = _blob()
        failing = mock.MagicMock(name="failing", side_effect=ValueError("boom"))
        failing.blob = _blob()
        with mock.patch.object(gc_target, "CLIENT", self.client):
            body = gc_target.fetch("/items/{j}")
        assert body["items"][:3] == [0, 1, 2]
        with mock.patch.object(gc_target, "LOGGER", logger):
            data = gc_target.process(repo, "k{j}")
        assert data["key"] == {j}
        repo.save.assert_called_once_with(data)
        logger.info.assert_called_once_with("loaded %s", "k{j}")
        assert repo.cache.get("again") == "hit"
        with pytest.raises(ValueError):
            failing(data)
        self.client.get.assert_called_once_with("/items/{j}", timeout=5)
'''


def write_suite(root: str, classes: int, per_class: int, payload: int, self_payload: int, variant: str,
                classes_per_file: int) -> None:
    os.makedirs(root)
    with open(os.path.join(root, "gc_target.py"), "w") as fh:
        fh.write(TARGET_MODULE)
    conftest = CONFTEST.replace("EXPLICIT_FRAMES", repr(EXPLICIT_FRAMES))
    if variant == "c":
        conftest += FIXTURE_C
    with open(os.path.join(root, "conftest.py"), "w") as fh:
        fh.write(conftest)
    with open(os.path.join(root, "pytest.ini"), "w") as fh:
        fh.write("[pytest]\n")
    for start in range(0, classes, classes_per_file):
        parts = [MODULE_HEAD.format(payload=payload, self_payload=self_payload)]
        for index in range(start, min(classes, start + classes_per_file)):
            parts.append(CLASS_HEAD.format(index=index))
            if variant == "b":
                parts.append(TEARDOWN_B)
            for j in range(per_class):
                parts.append(TEST_METHOD.format(j=j))
        name = "test_gen_%04d.py" % (start // classes_per_file)
        with open(os.path.join(root, name), "w") as fh:
            fh.write("".join(parts))


def run_pytest(python: str, suite_dir: str, mode: str, out_dir: str) -> Run:
    """One pytest run: (wall s, CPU s of the whole process tree, per-test-process records)."""
    for old in glob.glob(os.path.join(out_dir, "*.json")):
        os.remove(old)
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if mode == "n2":
        cmd += ["-n", "2"]
    env = dict(os.environ, GC_COST_OUT=out_dir)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=suite_dir, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:])
        raise SystemExit("pytest failed (rc %d) in %s" % (proc.returncode, suite_dir))
    records = []
    for path in sorted(glob.glob(os.path.join(out_dir, "*.json"))):
        with open(path) as fh:
            records.append(json.load(fh))
    return wall, cpu, records


def summarise(runs: List[Run], tests: int) -> Dict[str, Any]:
    """Medians over rounds; within a round, peaks are the maximum over workers, counts the mean."""
    med = statistics.median
    per_round = []
    for _, _, recs in runs:
        n = float(len(recs))
        explicit = sum(sum(r["collections_explicit"]) for r in recs)
        explicit_s = sum(r["gc_explicit_s"] for r in recs)
        tracked = sum((r["tracked_after_collection"] + r["tracked_end"]) / 2.0 for r in recs) / n
        per_round.append({
            "workers": len(recs),
            "passed": sum(r["passed"] for r in recs),
            "failed": sum(r["failed"] for r in recs),
            "peak_rss_mib": max(r["maxrss_kib"] for r in recs) / 1024.0,
            "test_peak_rss_mib": max(r["test_phase_peak_kib"] if r["hwm_reset"] else r["maxrss_kib"]
                                     for r in recs) / 1024.0,
            "test_peak_growth_mib": max((r["test_phase_peak_kib"] if r["hwm_reset"] else r["maxrss_kib"])
                                        - r["rss_after_collection_kib"] for r in recs) / 1024.0,
            "rss_after_collection_mib": max(r["rss_after_collection_kib"] for r in recs) / 1024.0,
            "rss_end_mib": max(r["rss_end_kib"] for r in recs) / 1024.0,
            "tracked_after_collection": sum(r["tracked_after_collection"] for r in recs) / n,
            "tracked_end": sum(r["tracked_end"] for r in recs) / n,
            "auto": [sum(r["collections_auto"][g] for r in recs) / n for g in range(3)],
            "explicit": explicit / n,
            "gc_auto_cpu_s": sum(r["gc_auto_s"] for r in recs) / n,
            "gc_explicit_cpu_s": explicit_s / n,
            "ms_per_explicit_collect": 1000.0 * explicit_s / explicit if explicit else 0.0,
            "ms_per_collect_per_100k_tracked":
                1000.0 * explicit_s / explicit / tracked * 1e5 if explicit else 0.0,
            "freed_auto": sum(r["freed_auto"] for r in recs) / n,
            "freed_explicit": sum(r["freed_explicit"] for r in recs) / n,
            "test_phase_cpu_s": sum(r["test_phase_cpu_s"] for r in recs) / n,
        })
    for pr in per_round:
        if pr["passed"] != tests or pr["failed"]:
            raise SystemExit("expected %d passed tests, the workers reported %d passed, %d failed"
                             % (tests, pr["passed"], pr["failed"]))
    out: Dict[str, Any] = {
        "wall_s": [w for w, _, _ in runs],
        "cpu_s": [c for _, c, _ in runs],
        "wall_median_s": med([w for w, _, _ in runs]),
        "cpu_median_s": med([c for _, c, _ in runs]),
        "workers": per_round[0]["workers"],
        "hwm_reset": all(r["hwm_reset"] for _, _, recs in runs for r in recs),
        "test_peak_rss_mib_rounds": [round(p["test_peak_rss_mib"], 1) for p in per_round],
    }
    for key in ("peak_rss_mib", "test_peak_rss_mib", "test_peak_growth_mib", "rss_after_collection_mib",
                "rss_end_mib", "tracked_after_collection", "tracked_end", "explicit", "gc_auto_cpu_s",
                "gc_explicit_cpu_s", "ms_per_explicit_collect",
                "ms_per_collect_per_100k_tracked", "freed_auto", "freed_explicit", "test_phase_cpu_s"):
        out[key] = med([p[key] for p in per_round])
    out["auto"] = [med([p["auto"][g] for p in per_round]) for g in range(3)]
    return out


def print_tables(results: Dict[str, Dict[str, Any]], suites: List[str], modes: List[str], tests: int) -> None:
    print()
    print("Time (medians over rounds; CPU = user+sys of the pytest process and its workers):")
    print()
    print("| suite | mode | variant | wall s | CPU s | added CPU s | CPU ms/test | CPU % "
          "| added wall s | wall ms/test | wall % |")
    print("|" + "---|" * 11)
    for suite in suites:
        for mode in modes:
            base = results.get("%s/%s/a" % (suite, mode))
            for variant in VARIANTS:
                r = results.get("%s/%s/%s" % (suite, mode, variant))
                if r is None:
                    continue
                cols = ["-"] * 6
                if variant != "a" and base is not None:
                    dc = r["cpu_median_s"] - base["cpu_median_s"]
                    dw = r["wall_median_s"] - base["wall_median_s"]
                    r.update(added_cpu_s=dc, added_cpu_ms_per_test=1000.0 * dc / tests,
                             added_cpu_pct=100.0 * dc / base["cpu_median_s"],
                             added_wall_s=dw, added_wall_ms_per_test=1000.0 * dw / tests,
                             added_wall_pct=100.0 * dw / base["wall_median_s"],
                             peak_rss_delta_mib=r["test_peak_rss_mib"] - base["test_peak_rss_mib"])
                    cols = ["%+.2f" % dc, "%+.2f" % r["added_cpu_ms_per_test"],
                            "%+.0f %%" % r["added_cpu_pct"], "%+.2f" % dw,
                            "%+.2f" % r["added_wall_ms_per_test"], "%+.0f %%" % r["added_wall_pct"]]
                print("| %s | %s | %s | %.2f | %.2f | %s |" % (
                    suite, mode, VARIANT_NAMES[variant], r["wall_median_s"], r["cpu_median_s"],
                    " | ".join(cols)))
    print()
    print("Memory and collector, per test process (plain: the one process; n2: each worker, peaks are")
    print("the larger worker's, counts and CPU the mean of the two). Test-phase peak: VmHWM reset at the")
    print("end of collection (/proc/self/clear_refs) and read at session end; growth = that peak minus")
    print("the RSS at the end of collection; ru_maxrss: the whole process, collection included. MiB.")
    print()
    print("| suite | mode | variant | test-phase peak RSS | vs a | growth | ru_maxrss "
          "| RSS after collection | RSS at end "
          "| tracked objects after collection / end | automatic collections gen0/gen1/gen2 "
          "| explicit collections | CPU s in automatic gc | CPU s in explicit gc | ms per explicit collect |")
    print("|" + "---|" * 15)
    for suite in suites:
        for mode in modes:
            for variant in VARIANTS:
                r = results.get("%s/%s/%s" % (suite, mode, variant))
                if r is None:
                    continue
                delta = "%+.1f" % r["peak_rss_delta_mib"] if "peak_rss_delta_mib" in r else "-"
                fmt = ("| %s | %s | %s | %.1f | %s | %.1f | %.1f | %.1f | %.1f | %.0fk / %.0fk | %s | %.0f "
                       "| %.2f | %.2f | %s |")
                print(fmt % (
                    suite, mode, VARIANT_NAMES[variant], r["test_peak_rss_mib"], delta,
                    r["test_peak_growth_mib"], r["peak_rss_mib"],
                    r["rss_after_collection_mib"], r["rss_end_mib"],
                    r["tracked_after_collection"] / 1000.0, r["tracked_end"] / 1000.0,
                    "/".join("%.0f" % x for x in r["auto"]), r["explicit"],
                    r["gc_auto_cpu_s"], r["gc_explicit_cpu_s"],
                    "%.1f" % r["ms_per_explicit_collect"] if r["explicit"] else "-"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs pytest")
    ap.add_argument("--classes", type=int, default=300, help="test classes (default 300)")
    ap.add_argument("--tests-per-class", type=int, default=10, help="tests per class (default 10)")
    ap.add_argument("--classes-per-file", type=int, default=10, help="test classes per module (default 10)")
    ap.add_argument("--payload-kb", type=int, default=50,
                    help="KiB of bytes on each of the five per-test mocks in 'heavy' (default 50)")
    ap.add_argument("--payload-on-self", action="store_true",
                    help="in 'heavy', also give the setup_method mock on self a payload (pytest keeps "
                         "test instances alive, so this is retained in every variant)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--suites", default="light,heavy", help="comma-separated: light,heavy")
    ap.add_argument("--modes", default="plain,n2", help="comma-separated: plain,n2")
    ap.add_argument("--workdir", default=None, help="where to generate (default: a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the generated suites")
    args = ap.parse_args()

    suites = [s for s in args.suites.split(",") if s]
    modes = [m for m in args.modes.split(",") if m]
    tests = args.classes * args.tests_per_class
    payload = args.payload_kb * 1024
    payloads = {"light": (0, 0), "heavy": (payload, payload if args.payload_on_self else 0)}
    root = args.workdir or tempfile.mkdtemp(prefix="gc-cost-")
    os.makedirs(root, exist_ok=True)
    out_dir = os.path.join(root, "out")
    os.makedirs(out_dir, exist_ok=True)
    t_start = time.perf_counter()

    probe = ("import gc, sys, pytest\n"
             "try:\n    import xdist\n    xv = xdist.__version__\nexcept ImportError:\n    xv = '-'\n"
             "print(sys.version.split()[0], pytest.__version__, xv, *gc.get_threshold())\n")
    info = subprocess.run([args.python, "-c", probe], stdout=subprocess.PIPE,
                          universal_newlines=True, check=True).stdout.split()
    print("python %s  pytest %s  pytest-xdist %s  gc.get_threshold() = (%s, %s, %s)  cores %s"
          % (tuple(info[:6]) + (os.cpu_count(),)))
    print("suite: %d classes x %d tests = %d tests, 6 MagicMocks per test; heavy: %d KiB on each of 5 "
          "per-test mocks%s" % (args.classes, args.tests_per_class, tests, args.payload_kb,
                                " and on the setup_method mock" if args.payload_on_self else ""))
    print("rounds %d, suites %s, modes %s, work dir %s" % (args.rounds, suites, modes, root))

    dirs: Dict[Tuple[str, str], str] = {}
    for suite in suites:
        for variant in VARIANTS:
            d = os.path.join(root, "%s-%s" % (suite, variant))
            if os.path.exists(d):
                shutil.rmtree(d)
            write_suite(d, args.classes, args.tests_per_class, payloads[suite][0], payloads[suite][1],
                        variant, args.classes_per_file)
            dirs[(suite, variant)] = d
            # Warm-up: imports every module once, so the assertion-rewrite .pyc files exist.
            subprocess.run([args.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only"],
                           cwd=d, stdout=subprocess.DEVNULL, env=dict(os.environ, GC_COST_OUT=out_dir),
                           check=True)

    runs: Dict[Tuple[str, str, str], List[Run]] = {}
    for rnd in range(args.rounds):
        order = VARIANTS[rnd % 3:] + VARIANTS[:rnd % 3]
        for suite in suites:
            for mode in modes:
                for variant in order:
                    wall, cpu, recs = run_pytest(args.python, dirs[(suite, variant)], mode, out_dir)
                    runs.setdefault((suite, mode, variant), []).append((wall, cpu, recs))
                    print("  round %d  %-5s %-5s %s  wall %6.2f s  cpu %6.2f s  test-phase peak %s MiB" % (
                        rnd + 1, suite, mode, variant, wall, cpu,
                        "/".join("%.1f" % (r["test_phase_peak_kib"] / 1024.0) for r in recs)), flush=True)

    results = {"/".join(key): summarise(value, tests) for key, value in runs.items()}
    print_tables(results, suites, modes, tests)
    total = time.perf_counter() - t_start
    print()
    print("total benchmark time %.0f s" % total)
    if not args.keep and args.workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps({
        "python": info[0], "pytest": info[1], "xdist": info[2], "threshold": [int(x) for x in info[3:6]],
        "classes": args.classes, "tests_per_class": args.tests_per_class, "tests": tests,
        "payload_kb": args.payload_kb, "payload_on_self": args.payload_on_self, "rounds": args.rounds,
        "total_s": total, "results": results,
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
