"""Measure what a flake8 plugin costs: whole flake8 processes with and without it.

Whole-process mode (default). Runs flake8 with ``-j1`` over PATH, interleaved A B A B ...
for ``--rounds`` rounds after one untimed warm-up pair:

  arm A  flake8 with its defaults and every installed plugin except --plugin-module
  arm B  the same plus the plugin

Both arms run through flake8_shim.py (next to this file); arm A hides the plugin's entry
points from flake8's plugin finder (--select cannot stop an installed plugin running).
Reports the median time per arm, the median of the per-round ratios B/A, the plugin's
cost in ms per 1000 lines (median of per-round B-A, over kloc), that cost relative to a
plain read + ast.parse of the same files (in this process, min of rounds), the fixed
cost on a one-file corpus (median B-A over --fixed-rounds pairs), and the peak RSS of
each arm (each flake8 process reports its own high-water mark). Times are given both as
the flake8 process's CPU time (user+sys) and as wall time; the headline figures and the
targets use --metric (default cpu: other load on a shared machine stretches wall time,
not the CPU time a process itself uses).

Low-noise mode (--low-noise). In this process, parse every file once and keep the
trees, then time with CPU time (time.process_time, minimum over --rounds):
(1) read + ast.parse of the corpus, (2) constructing the plugin's checker the way
flake8 does and exhausting run() on every tree, (3) the same for flake8-bugbear's
checker; prints plugin/parse, plugin/bugbear and bugbear/parse. --walk-floor adds (4) a bare
iterative walk that visits every node of the same trees once and does nothing: the floor any
pure-Python visitor pays.

--scales 1,4,16 generates the synthetic corpus (generate_corpus.py) at each scale under
--corpus-root and runs the chosen mode on each, adding the ms/kloc ratio of the two
largest scales and the peak RSS per scale.

Without PATH or --scales the synthetic corpus at scale 1 is used. Run it with the
Python of the environment that has flake8 and the plugin installed. The last line of
output is one JSON object with every figure.

  python benchmarks/bench.py --rounds 1                        # smoke run
  python benchmarks/bench.py path/to/tests
  python benchmarks/bench.py --scales 1,4,16
  python benchmarks/bench.py --low-noise --scales 1,4,16
  python benchmarks/bench.py --plugin-module bugbear --rounds 1 # dry run, bugbear as stand-in
"""
import argparse
import ast
import gc
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.path.join(HERE, "flake8_shim.py")
MIB = 1024.0  # KiB per MiB

# The targets (issue 4, section 1).
TARGET_COST_PCT = 5.0           # plugin cost <= 5 % of flake8's default run
TARGET_COST_OVER_PARSE = 1.5    # <= 1.5x the read+parse floor
TARGET_FIXED_MS = 30.0          # fixed cost <= 30 ms
TARGET_LINEAR = 1.3             # ms/kloc at the largest scale within 1.3x of the next
TARGET_RSS_DELTA_MIB = 5.0      # peak RSS of arm B within 5 MiB of arm A
TARGET_RSS_GROWTH_MIB = 2.0     # "flat": B-A at the largest scale at most 2 MiB above the smallest
TARGET_LOW_OVER_PARSE = 1.5     # low-noise: plugin <= 1.5x read+parse
TARGET_LOW_OVER_BUGBEAR = 0.6   # low-noise: plugin <= 0.6x flake8-bugbear

ONE_FILE = '''\
"""A small test file: the one-file corpus for the fixed cost."""
import os
from unittest.mock import MagicMock, patch

import pytest


@pytest.fixture
def client():
    return MagicMock()


class TestSmall:
    @patch("os.getcwd")
    def test_cwd(self, getcwd, client):
        getcwd.return_value = "/"
        client.call(os.getcwd())
        client.call.assert_called_once_with("/")
'''


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.scales:
        result = run_scales(args)
    else:
        path = args.path or synthetic_corpus(args, 1)
        if args.low_noise:
            result = low_noise(args, path)
        else:
            result = whole_process(args, path)
            result.update(fixed_cost(args))
            result["targets"] = whole_process_targets(result)
        print_targets(result.get("targets", {}))
    print(json.dumps(result, sort_keys=True))
    return 0


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?",
                        help="directory or file to lint (default: synthetic corpus, scale 1)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--plugin-module", default="flake8_xdist_safety",
                        help="top-level module of the plugin under test (default flake8_xdist_safety; "
                             "'bugbear' for a dry run with flake8-bugbear)")
    parser.add_argument("--also-drop", action="append", default=[], metavar="MODULE",
                        help="hide this other plugin (top-level module) from both arms, e.g. bugbear, so "
                             "arm A is flake8's own defaults; repeatable")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter that runs flake8 (default: this one)")
    parser.add_argument("--flake8-args", default="",
                        help="extra flake8 arguments for both arms, one shell-quoted string")
    parser.add_argument("--no-isolated", action="store_true",
                        help="let flake8 read config files (default: --isolated, i.e. flake8's defaults)")
    parser.add_argument("--metric", choices=("cpu", "wall"), default="cpu",
                        help="time the headline figures and targets use: the flake8 processes' CPU time "
                             "(user+sys, robust on a shared machine; default) or wall time. "
                             "Both are reported.")
    parser.add_argument("--inherit-env", action="store_true",
                        help="run flake8 with this environment as is (default: drop PYTHONDONTWRITEBYTECODE "
                             "and cache bytecode under --corpus-root, so no arm recompiles modules per run)")
    parser.add_argument("--one-file", help="file for the fixed cost (default: a built-in 20-line test file)")
    parser.add_argument("--fixed-rounds", type=int,
                        help="rounds for the fixed cost (default: max(5, 2 x --rounds))")
    parser.add_argument("--low-noise", action="store_true", help="in-process CPU-time mode (see above)")
    parser.add_argument("--walk-floor", action="store_true",
                        help="low-noise: also time a bare walk that visits every node of the kept trees "
                             "once and does nothing (what any pure-Python visitor pays)")
    parser.add_argument("--all-files-are-tests", action="store_true",
                        help="low-noise mode: configure the plugin so every file counts as a test file "
                             "(--mxs-test-files='*')")
    parser.add_argument("--scales", help="comma-separated synthetic corpus scales, e.g. 1,4,16")
    parser.add_argument("--corpus-root", default=os.path.join(tempfile.gettempdir(), "mxs-bench"),
                        help="where --scales writes the corpora (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="synthetic corpus seed (default 0)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    if args.fixed_rounds is None:
        args.fixed_rounds = max(5, 2 * args.rounds)
    if args.scales:
        if args.path:
            parser.error("give either PATH or --scales")
        try:
            args.scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
        except ValueError:
            parser.error("--scales takes integers, e.g. 1,4,16")
        if not args.scales or min(args.scales) < 1:
            parser.error("--scales takes integers >= 1")
    if args.path and not os.path.exists(args.path):
        parser.error(f"no such path: {args.path}")
    return args


def log(text: str) -> None:
    print(text, flush=True)


# -- the corpus ------------------------------------------------------------------------------

def synthetic_corpus(args: argparse.Namespace, scale: int) -> str:
    sys.path.insert(0, HERE)
    try:
        import generate_corpus
    finally:
        sys.path.remove(HERE)
    out = os.path.join(args.corpus_root, f"corpus-{scale}x")
    files, lines = generate_corpus.write_corpus(out, scale, args.seed)
    log(f"synthetic corpus, scale {scale}: {files} files, {lines} lines in {out}")
    return out


def flake8_files(path: str) -> List[str]:
    """The files flake8 checks for PATH with default settings, via flake8's own discovery."""
    from flake8 import defaults
    from flake8.discover_files import expand_paths

    return sorted(expand_paths(paths=[path], stdin_display_name="stdin",
                               filename_patterns=["*.py"], exclude=list(defaults.EXCLUDE)))


def count_lines(files: Sequence[str]) -> int:
    total = 0
    for name in files:
        with open(name, "rb") as fh:
            data = fh.read()
        total += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return total


def parse_floor(files: Sequence[str], rounds: int) -> Tuple[float, float, int]:
    """Min over rounds of (wall s, CPU s) to read + ast.parse every file; trees are dropped.

    Also returns how many files did not parse (they are skipped, as flake8 skips them
    for AST plugins after reporting E999).
    """
    best_wall = best_cpu = float("inf")
    bad = 0
    for _ in range(rounds):
        gc.collect()
        bad = 0
        w0, c0 = time.perf_counter(), time.process_time()
        for name in files:
            with open(name, "rb") as fh:
                data = fh.read()
            try:
                ast.parse(data, name)
            except (SyntaxError, ValueError):
                bad += 1
        c1, w1 = time.process_time(), time.perf_counter()
        best_wall, best_cpu = min(best_wall, w1 - w0), min(best_cpu, c1 - c0)
    return best_wall, best_cpu, bad


# -- whole-process mode ---------------------------------------------------------------------

class Arm:
    def __init__(self, name: str, drop: bool) -> None:
        self.name, self.drop = name, drop
        self.wall: List[float] = []
        self.cpu: List[float] = []
        self.rss_kib: List[int] = []
        self.also_dropped: List[str] = []


def run_flake8(args: argparse.Namespace, arm: Arm, path: str, record: bool = True) -> None:
    fd, report = tempfile.mkstemp(prefix="mxs-bench-", suffix=".json")
    os.close(fd)
    cmd = [args.python, SHIM, "--plugin-module", args.plugin_module, "--report", report]
    if arm.drop:
        cmd.append("--drop")
    for other in args.also_drop:
        cmd += ["--also-drop", other]
    cmd += ["--", "-j1", "--exit-zero", "--output-file", os.devnull]
    if not args.no_isolated:
        cmd.append("--isolated")
    cmd += shlex.split(args.flake8_args) + [path]
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)  # sums: deltas are this child's
        w0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env(args))
        w1 = time.perf_counter()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            sys.exit(f"flake8 ({arm.name}) failed with status {proc.returncode}:\n"
                     f"{' '.join(map(shlex.quote, cmd))}\n{proc.stderr.decode(errors='replace')}")
        with open(report) as fh:
            info = json.load(fh)
    finally:
        os.unlink(report)
    seen = info["dropped"] if arm.drop else info["kept"]
    if not seen:
        sys.exit(f"no flake8.extension entry point of module {args.plugin_module!r} is installed for "
                 f"{args.python}; install the plugin or pass --plugin-module bugbear for a dry run")
    if record:
        arm.wall.append(w1 - w0)
        arm.cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        arm.rss_kib.append(info["maxrss_kib"])
    arm.also_dropped = info.get("also_dropped", [])
    if args.also_drop and not arm.also_dropped:
        sys.exit(f"--also-drop {args.also_drop}: no such flake8 plugin is installed for {args.python}")


def child_env(args: argparse.Namespace) -> Optional[Dict[str, str]]:
    """The flake8 processes' environment: like ours, but with bytecode cached.

    With PYTHONDONTWRITEBYTECODE set and no .pyc files (an editable install), every
    flake8 process would recompile the plugin's modules, and the fixed cost would measure
    the compiler. The .pyc files go under --corpus-root, not next to the sources.
    """
    if args.inherit_env:
        return None
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(args.corpus_root, "pycache"))
    return env


def interleave(args: argparse.Namespace, path: str, rounds: int, label: str) -> Tuple[Arm, Arm]:
    base, plug = Arm("A: without plugin", drop=True), Arm("B: with plugin", drop=False)
    run_flake8(args, base, path, record=False)  # warm-up pair: page cache, .pyc files
    run_flake8(args, plug, path, record=False)
    for i in range(rounds):
        run_flake8(args, base, path)
        run_flake8(args, plug, path)
        log(f"  {label} round {i + 1}/{rounds}: CPU A {base.cpu[-1]:.3f} s  B {plug.cpu[-1]:.3f} s  "
            f"(B/A {plug.cpu[-1] / base.cpu[-1]:.3f});  "
            f"wall A {base.wall[-1]:.3f} s  B {plug.wall[-1]:.3f} s")
    return base, plug


def summarise(base: Arm, plug: Arm, metric: str) -> Dict[str, float]:
    """Medians per arm, median per-round ratio B/A and median per-round B-A, in seconds."""
    a, b = getattr(base, metric), getattr(plug, metric)
    return {
        "A": statistics.median(a),
        "B": statistics.median(b),
        "ratio": statistics.median(y / x for x, y in zip(a, b)),
        "cost": statistics.median(y - x for x, y in zip(a, b)),
    }


def whole_process(args: argparse.Namespace, path: str) -> Dict[str, Any]:
    files = flake8_files(path)
    if not files:
        sys.exit(f"no Python files under {path}")
    lines = count_lines(files)
    kloc = lines / 1000.0
    log(f"corpus {path}: {len(files)} files, {lines} lines; {args.rounds} rounds, flake8 -j1, "
        f"plugin module {args.plugin_module}, figures in {args.metric} time")
    floor_wall, floor_cpu, unparsable = parse_floor(files, args.rounds)
    floor = {"wall": floor_wall, "cpu": floor_cpu}
    base, plug = interleave(args, path, args.rounds, "corpus")

    fig = {m: summarise(base, plug, m) for m in ("wall", "cpu")}
    main_fig, main_floor = fig[args.metric], floor[args.metric]
    rss_a = statistics.median(base.rss_kib) / MIB
    rss_b = statistics.median(plug.rss_kib) / MIB
    result = {
        "mode": "whole-process",
        "metric": args.metric,
        "corpus": os.path.abspath(path),
        "files": len(files),
        "lines": lines,
        "unparsable_files": unparsable,
        "rounds": args.rounds,
        "plugin_module": args.plugin_module,
        "also_dropped": base.also_dropped,
        "flake8_args": ["-j1", "--exit-zero"] + ([] if args.no_isolated else ["--isolated"])
        + shlex.split(args.flake8_args),
        # headline figures, in --metric time
        "baseline_median_s": round(main_fig["A"], 4),
        "plugin_median_s": round(main_fig["B"], 4),
        "ratio_median": round(main_fig["ratio"], 4),
        "plugin_cost_pct": round((main_fig["ratio"] - 1) * 100, 2),
        "plugin_cost_ms": round(main_fig["cost"] * 1000, 1),
        "plugin_ms_per_kloc": round(main_fig["cost"] * 1000 / kloc, 2),
        "baseline_ms_per_kloc": round(main_fig["A"] * 1000 / kloc, 2),
        "parse_floor_s": round(main_floor, 4),
        "parse_ms_per_kloc": round(main_floor * 1000 / kloc, 2),
        "cost_over_parse": round(main_fig["cost"] / main_floor, 3),
        "baseline_peak_rss_mib": round(rss_a, 1),
        "plugin_peak_rss_mib": round(rss_b, 1),
        "peak_rss_delta_mib": round(rss_b - rss_a, 2),
        "rss_source": "VmHWM" if sys.platform.startswith("linux") else "ru_maxrss",
        "samples_peak_rss_kib": {"A": base.rss_kib, "B": plug.rss_kib},
        "samples_s": {m: {"A": [round(t, 4) for t in getattr(base, m)],
                          "B": [round(t, 4) for t in getattr(plug, m)]} for m in ("wall", "cpu")},
    }
    for m in ("wall", "cpu"):  # both metrics, whichever is the headline
        result.update({
            f"{m}_baseline_median_s": round(fig[m]["A"], 4),
            f"{m}_plugin_median_s": round(fig[m]["B"], 4),
            f"{m}_ratio_median": round(fig[m]["ratio"], 4),
            f"{m}_plugin_ms_per_kloc": round(fig[m]["cost"] * 1000 / kloc, 2),
            f"{m}_parse_floor_s": round(floor[m], 4),
            f"{m}_cost_over_parse": round(fig[m]["cost"] / floor[m], 3),
        })
    for m in ("cpu", "wall"):
        f = fig[m]
        log(f"  {m:>4}: A {f['A']:.3f} s, B {f['B']:.3f} s; median B/A {f['ratio']:.4f} "
            f"({(f['ratio'] - 1) * 100:+.2f} %); plugin cost {f['cost'] * 1000:.0f} ms = "
            f"{f['cost'] * 1e6 / lines:.2f} ms/kloc = {f['cost'] / floor[m]:.3f} x read+parse "
            f"({floor[m] * 1000:.0f} ms)")
    log(f"  peak RSS: A {rss_a:.1f} MiB, B {rss_b:.1f} MiB, B-A {rss_b - rss_a:+.2f} MiB")
    return result


def fixed_cost(args: argparse.Namespace) -> Dict[str, Any]:
    if args.one_file:
        path = args.one_file
    else:
        directory = os.path.join(args.corpus_root, "one-file")
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, "test_one.py")
        with open(path, "w") as fh:
            fh.write(ONE_FILE)
    log(f"fixed cost: {path}, {args.fixed_rounds} rounds")
    base, plug = interleave(args, path, args.fixed_rounds, "one file")
    fig = {m: summarise(base, plug, m) for m in ("wall", "cpu")}
    log(f"  fixed cost (median B-A): {fig['cpu']['cost'] * 1000:.1f} ms CPU, "
        f"{fig['wall']['cost'] * 1000:.1f} ms wall; one-file run A {fig['cpu']['A'] * 1000:.0f} ms CPU")
    return {
        "fixed_cost_ms": round(fig[args.metric]["cost"] * 1000, 1),
        "fixed_cost_cpu_ms": round(fig["cpu"]["cost"] * 1000, 1),
        "fixed_cost_wall_ms": round(fig["wall"]["cost"] * 1000, 1),
        "fixed_cost_file": os.path.abspath(path),
        "fixed_rounds": args.fixed_rounds,
        "one_file_baseline_median_ms": round(fig[args.metric]["A"] * 1000, 1),
    }


def whole_process_targets(r: Dict[str, Any]) -> Dict[str, Any]:
    targets = {
        f"cost <= {TARGET_COST_PCT:g}% of flake8's default run": r["plugin_cost_pct"] <= TARGET_COST_PCT,
        f"cost <= {TARGET_COST_OVER_PARSE:g}x read+parse": r["cost_over_parse"] <= TARGET_COST_OVER_PARSE,
        f"peak RSS B-A <= {TARGET_RSS_DELTA_MIB:g} MiB": r["peak_rss_delta_mib"] <= TARGET_RSS_DELTA_MIB,
    }
    if "fixed_cost_ms" in r:
        targets[f"fixed cost <= {TARGET_FIXED_MS:g} ms"] = r["fixed_cost_ms"] <= TARGET_FIXED_MS
    return targets


# -- low-noise mode -------------------------------------------------------------------------

def low_noise(args: argparse.Namespace, path: str) -> Dict[str, Any]:
    from flake8.options.parse_args import parse_args as flake8_parse_args
    from flake8.processor import FileProcessor

    files = flake8_files(path)
    if not files:
        sys.exit(f"no Python files under {path}")
    lines = count_lines(files)
    kloc = lines / 1000.0
    log(f"low-noise, corpus {path}: {len(files)} files, {lines} lines; CPU time, min of {args.rounds} rounds")

    argv = ["--isolated"] if not args.no_isolated else []
    argv += shlex.split(args.flake8_args)
    if args.all_files_are_tests:
        if args.plugin_module == "flake8_xdist_safety":
            argv.append("--mxs-test-files=*")
        else:
            log("  note: --all-files-are-tests only applies to flake8_xdist_safety, ignored")
    # Loads every installed plugin and runs their parse_options, exactly as flake8 does.
    plugins, options = flake8_parse_args(argv)
    plugin = find_tree_plugin(plugins, args.plugin_module)
    bugbear = find_tree_plugin(plugins, "bugbear")
    if plugin is None:
        sys.exit(f"the plugin module {args.plugin_module!r} is not installed as a flake8 AST plugin "
                 f"(pass --plugin-module bugbear for a dry run)")

    # Untimed set-up: parse every file once; build each checker's keyword arguments the way
    # flake8's FileChecker.run_check does (processor attributes by parameter name).
    jobs: List[Tuple[Dict[str, Any], Optional[Dict[str, Any]]]] = []
    for name in files:
        processor = FileProcessor(name, options)
        try:
            tree = ast.parse("".join(processor.lines))
        except (SyntaxError, ValueError):
            continue
        arguments = {"tree": tree}
        kw_plugin = dict(arguments, **processor.keyword_arguments_for(plugin.parameters, arguments))
        kw_bugbear = None
        if bugbear is not None:
            kw_bugbear = dict(arguments, **processor.keyword_arguments_for(bugbear.parameters, arguments))
        jobs.append((kw_plugin, kw_bugbear))
    del processor

    def run_plugin(obj: Callable[..., Any], index: int) -> Callable[[], int]:
        kwargs = [job[index] for job in jobs]

        def go() -> int:
            found = 0
            for kw in kwargs:
                checker = obj(**kw)
                runner = checker.run() if hasattr(checker, "run") else checker
                for _ in runner:
                    found += 1
            return found
        return go

    tasks: Dict[str, Callable[[], int]] = {"parse": lambda: parse_once(files)}
    tasks["plugin"] = run_plugin(plugin.obj, 0)
    if args.walk_floor:
        trees = [job[0]["tree"] for job in jobs]
        tasks["walk"] = lambda: sum(map(bare_walk, trees))
    if bugbear is not None:
        tasks["bugbear"] = run_plugin(bugbear.obj, 1)
    else:
        log("  flake8-bugbear is not installed: no bugbear column")

    gc.collect()
    gc.freeze()  # the kept trees are not re-scanned by the collector while timing
    best = {name: float("inf") for name in tasks}
    first: Dict[str, float] = {}
    findings: Dict[str, int] = {}
    try:
        for i in range(args.rounds):  # the tasks take turns within each round
            for name, task in tasks.items():
                gc.collect()
                t0 = time.process_time()
                findings[name] = task()
                elapsed = time.process_time() - t0
                first.setdefault(name, elapsed)
                best[name] = min(best[name], elapsed)
            log(f"  round {i + 1}/{args.rounds}: " + "  ".join(
                f"{name} {best[name] * 1000:.0f} ms" for name in tasks))
    finally:
        gc.unfreeze()

    result: Dict[str, Any] = {
        "mode": "low-noise",
        "corpus": os.path.abspath(path),
        "files": len(files),
        "checked_files": len(jobs),
        "lines": lines,
        "rounds": args.rounds,
        "plugin_module": args.plugin_module,
        "plugin_entry": plugin.plugin.entry_point.value,
        "all_files_are_tests": bool(args.all_files_are_tests and args.plugin_module == "flake8_xdist_safety"),
        "parse_cpu_s": round(best["parse"], 4),
        "plugin_cpu_s": round(best["plugin"], 4),
        "plugin_first_round_cpu_s": round(first["plugin"], 4),
        "plugin_findings": findings["plugin"],
        "parse_ms_per_kloc": round(best["parse"] * 1000 / kloc, 2),
        "plugin_ms_per_kloc": round(best["plugin"] * 1000 / kloc, 2),
        "plugin_over_parse": round(best["plugin"] / best["parse"], 3),
    }
    log(f"  read+ast.parse {best['parse'] * 1000:.0f} ms ({result['parse_ms_per_kloc']:.2f} ms/kloc); "
        f"plugin {best['plugin'] * 1000:.0f} ms ({result['plugin_ms_per_kloc']:.2f} ms/kloc, "
        f"{findings['plugin']} findings, first round {first['plugin'] * 1000:.0f} ms)")
    log(f"  plugin/parse {result['plugin_over_parse']:.3f}")
    if "walk" in best:
        result["walk_floor_cpu_s"] = round(best["walk"], 4)
        result["walk_floor_over_parse"] = round(best["walk"] / best["parse"], 3)
        log(f"  bare walk of every node {best['walk'] * 1000:.0f} ms = "
            f"{result['walk_floor_over_parse']:.3f}x read+parse ({findings['walk']} nodes)")
    if "bugbear" in best:
        result.update({
            "bugbear_cpu_s": round(best["bugbear"], 4),
            "bugbear_findings": findings["bugbear"],
            "bugbear_ms_per_kloc": round(best["bugbear"] * 1000 / kloc, 2),
            "plugin_over_bugbear": round(best["plugin"] / best["bugbear"], 3),
            "bugbear_over_parse": round(best["bugbear"] / best["parse"], 3),
        })
        log(f"  bugbear {best['bugbear'] * 1000:.0f} ms ({result['bugbear_ms_per_kloc']:.2f} ms/kloc); "
            f"plugin/bugbear {result['plugin_over_bugbear']:.3f}, "
            f"bugbear/parse {result['bugbear_over_parse']:.3f}")
    targets = {
        f"plugin <= {TARGET_LOW_OVER_PARSE:g}x read+parse":
            result["plugin_over_parse"] <= TARGET_LOW_OVER_PARSE,
    }
    if "plugin_over_bugbear" in result:
        targets[f"plugin <= {TARGET_LOW_OVER_BUGBEAR:g}x flake8-bugbear"] = (
            result["plugin_over_bugbear"] <= TARGET_LOW_OVER_BUGBEAR)
    result["targets"] = targets
    return result


def bare_walk(tree: ast.AST) -> int:
    """Visit every node once, iteratively, doing nothing with it: the floor of any pure-Python
    visitor of the same trees (expression contexts and operators are not descended into)."""
    stack: List[Any] = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    skip = ("ctx", "op", "ops")
    visited = 0
    while stack:
        node = pop()
        visited += 1
        for field in node._fields:
            if field in skip:
                continue
            value = getattr(node, field, None)
            if type(value) is list:
                extend([v for v in value if isinstance(v, ast.AST)])
            elif isinstance(value, ast.AST):
                push(value)
    return visited


def parse_once(files: Sequence[str]) -> int:
    for name in files:
        with open(name, "rb") as fh:
            data = fh.read()
        try:
            ast.parse(data, name)
        except (SyntaxError, ValueError):
            pass
    return 0


def find_tree_plugin(plugins: Any, module: str) -> Any:
    for loaded in plugins.checkers.tree:
        target = loaded.plugin.entry_point.value.split(":", 1)[0].strip()
        if target == module or target.startswith(module + "."):
            return loaded
    return None


# -- scales --------------------------------------------------------------------------------

def run_scales(args: argparse.Namespace) -> Dict[str, Any]:
    per_scale: Dict[str, Dict[str, Any]] = {}
    for scale in args.scales:
        path = synthetic_corpus(args, scale)
        per_scale[f"{scale}x"] = low_noise(args, path) if args.low_noise else whole_process(args, path)
    result: Dict[str, Any] = {
        "mode": ("low-noise" if args.low_noise else "whole-process") + " scales",
        "plugin_module": args.plugin_module,
        "rounds": args.rounds,
        "scales": per_scale,
    }
    targets: Dict[str, Any] = {}
    for key, r in per_scale.items():
        own = r.pop("targets", None) or ({} if args.low_noise else whole_process_targets(r))
        for name, ok in own.items():
            targets[f"{key}: {name}"] = ok
    log("scale  lines    plugin ms/kloc"
        + ("" if args.low_noise else "  cost %   peak RSS A / B / B-A (MiB)"))
    for key, r in per_scale.items():
        row = f"{key:>5}  {r['lines']:>7}  {r['plugin_ms_per_kloc']:>14.2f}"
        if not args.low_noise:
            row += (f"  {r['plugin_cost_pct']:>6.2f}   {r['baseline_peak_rss_mib']:.1f} / "
                    f"{r['plugin_peak_rss_mib']:.1f} / {r['peak_rss_delta_mib']:+.2f}")
        log(row)
    if len(args.scales) >= 2:
        small, big = args.scales[-2], args.scales[-1]
        lo, hi = per_scale[f"{small}x"]["plugin_ms_per_kloc"], per_scale[f"{big}x"]["plugin_ms_per_kloc"]
        # A cost at or below zero (noise) makes the ratio meaningless: null, target not met.
        ratio = round(hi / lo, 3) if lo > 0 and hi >= 0 else None
        result[f"ms_per_kloc_ratio_{big}x_{small}x"] = ratio
        log(f"ms/kloc {big}x / {small}x = {ratio}")
        targets[f"ms/kloc {big}x within {TARGET_LINEAR:g}x of {small}x"] = (
            ratio is not None and ratio <= TARGET_LINEAR)
        if not args.low_noise:
            first, last = per_scale[f"{args.scales[0]}x"], per_scale[f"{big}x"]
            growth = last["peak_rss_delta_mib"] - first["peak_rss_delta_mib"]
            result["peak_rss_delta_growth_mib"] = round(growth, 2)
            name = f"peak RSS B-A flat from {args.scales[0]}x to {big}x (+<= {TARGET_RSS_GROWTH_MIB:g} MiB)"
            targets[name] = growth <= TARGET_RSS_GROWTH_MIB
    if not args.low_noise:
        result.update(fixed_cost(args))
        targets[f"fixed cost <= {TARGET_FIXED_MS:g} ms"] = result["fixed_cost_ms"] <= TARGET_FIXED_MS
    result["targets"] = targets
    print_targets(targets)
    return result


def print_targets(targets: Dict[str, Any]) -> None:
    if targets:
        log("targets:")
        for name, ok in targets.items():
            log(f"  [{'met' if ok else 'NOT met'}] {name}")


if __name__ == "__main__":
    sys.exit(main())
