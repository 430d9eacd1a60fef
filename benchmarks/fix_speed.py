"""Measure what ``flake8-xdist-safety fix`` costs.

1. A generated file of N set-then-delete pairs (``os.environ[K] = v`` then ``del os.environ[K]`` in each of
   N tests: 4 lines each, 2 findings each, the second only after the first is rewritten). It is fixed in
   this process with ``fix --check`` (everything but the write); CPU time (``time.process_time``), minimum
   of ``--rounds``, at each of ``--pairs`` (default 1000, i.e. 4,000 lines, and 2000). Linear time shows as
   a per-line cost that does not grow with the file.
2. A real suite (default ``/work/suites/langgraph/tests`` when present): copied to a temporary directory,
   then, each as its own process, ``flake8 --select=CODES`` and ``flake8-xdist-safety fix
   --extend-select=CODES --select=CODES`` (which really writes) on the copy, with the suite's own flake8
   configuration; CPU time of the child (user+sys) and wall time, minimum of ``--rounds`` (a fresh copy
   each round). The target is fix <= 3 x flake8.

The last line of output is one JSON object with every figure. Python 3.9 syntax, stdlib + flake8 + the
plugin; run it with the Python of the environment where they are installed::

  python benchmarks/fix_speed.py                          # both parts
  python benchmarks/fix_speed.py --pairs 1000 --no-suite  # the generated file only
  python benchmarks/fix_speed.py --suite path/to/project/tests --rounds 3
"""
import argparse
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

CODES = "MXS001,MXS002,MXS003"
DEFAULT_SUITE = "/work/suites/langgraph/tests"


def set_then_delete(pairs: int) -> str:
    body = "".join(f"def test_{i}():\n    os.environ['V{i}'] = 'x'\n    del os.environ['V{i}']\n\n"
                   for i in range(pairs))
    return "import os\n\n\n" + body


def time_generated(pairs: int, rounds: int) -> Dict[str, float]:
    from flake8_xdist_safety.fixer.cli import main

    directory = tempfile.mkdtemp(prefix="mxs-fix-speed-")
    os.mkdir(os.path.join(directory, ".git"))  # a project root: no config file above is read
    path = os.path.join(directory, "test_pairs.py")
    with open(path, "w") as handle:
        handle.write(set_then_delete(pairs))
    saved = os.getcwd()
    os.chdir(directory)
    try:
        best = float("inf")
        for _ in range(rounds):
            out = io.StringIO()
            started = time.process_time()
            main(["fix", "--check", "test_pairs.py"], out=out, err=io.StringIO())
            best = min(best, time.process_time() - started)
            assert len(out.getvalue().splitlines()) == 2 * pairs, "not every pair was fixed"
    finally:
        os.chdir(saved)
        shutil.rmtree(directory)
    lines = 4 * pairs + 3
    return {"pairs": pairs, "lines": lines, "cpu_s": round(best, 3),
            "cpu_ms_per_kloc": round(1000 * best / (lines / 1000), 1)}


def _child(command: List[str], cwd: str) -> Tuple[float, float, int]:
    """(child CPU seconds, wall seconds, its report lines: ``path:line:col: MXSnnn ...``) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, sum(1 for line in done.stdout.splitlines() if re.match(r"\S+:\d+:\d+: MXS\d", line))


def time_suite(suite: str, rounds: int) -> Optional[Dict[str, object]]:
    suite = os.path.abspath(suite)
    if not os.path.isdir(suite):
        return None
    project = os.path.dirname(suite)
    config_files = [name for name in ("setup.cfg", "tox.ini", ".flake8", "pyproject.toml", "pytest.ini")
                    if os.path.exists(os.path.join(project, name))]
    results: Dict[str, List[Tuple[float, float]]] = {"flake8": [], "fix": []}
    reported = fixed = 0
    for _ in range(rounds):
        copy = tempfile.mkdtemp(prefix="mxs-fix-suite-")
        try:
            for name in config_files:
                shutil.copy2(os.path.join(project, name), copy)
            shutil.copytree(suite, os.path.join(copy, os.path.basename(suite)), symlinks=True)
            target = os.path.basename(suite)
            flake8 = _child([sys.executable, "-m", "flake8", f"--select={CODES}", target], copy)
            fix = _child([sys.executable, "-m", "flake8_xdist_safety", "fix", f"--extend-select={CODES}",
                          f"--select={CODES}", target], copy)
            results["flake8"].append(flake8[:2])
            results["fix"].append(fix[:2])
            reported, fixed = flake8[2], fix[2]  # findings flake8 reported, "fixed:" lines
        finally:
            shutil.rmtree(copy)
    files = sum(1 for _, _, names in os.walk(suite) for name in names if name.endswith(".py"))
    flake8_cpu = min(c for c, _ in results["flake8"])
    fix_cpu = min(c for c, _ in results["fix"])
    return {
        "suite": suite, "python_files": files, "rounds": rounds, "flake8_findings": reported,
        "fixed": fixed,
        "flake8_select_cpu_s": round(flake8_cpu, 2), "fix_cpu_s": round(fix_cpu, 2),
        "flake8_select_wall_s": round(min(w for _, w in results["flake8"]), 2),
        "fix_wall_s": round(min(w for _, w in results["fix"]), 2),
        "fix_over_flake8_cpu": round(fix_cpu / flake8_cpu, 2) if flake8_cpu else None,
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", default="1000,2000", help="set-then-delete pairs per generated file")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--suite", default=DEFAULT_SUITE, help="a suite's tests directory")
    parser.add_argument("--no-suite", action="store_true")
    args = parser.parse_args(argv)
    figures: Dict[str, object] = {"generated": []}
    for pairs in (int(p) for p in args.pairs.split(",") if p):
        figure = time_generated(pairs, args.rounds)
        print(f"generated {figure['lines']} lines ({pairs} pairs): fix --check {figure['cpu_s']} s CPU, "
              f"{figure['cpu_ms_per_kloc']} ms per 1000 lines")
        figures["generated"].append(figure)  # type: ignore[attr-defined]
    if not args.no_suite:
        suite = time_suite(args.suite, args.rounds)
        if suite is None:
            print(f"suite {args.suite}: not found, skipped")
        else:
            print(f"suite {suite['suite']} ({suite['python_files']} files, {suite['flake8_findings']} "
                  f"findings, {suite['fixed']} fixed): flake8 --select={CODES} "
                  f"{suite['flake8_select_cpu_s']} s CPU ({suite['flake8_select_wall_s']} s wall), fix "
                  f"{suite['fix_cpu_s']} s CPU ({suite['fix_wall_s']} s wall): "
                  f"{suite['fix_over_flake8_cpu']} x")
        figures["suite"] = suite
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
