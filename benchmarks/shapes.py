"""Is the checker linear in every input shape? One generated file per shape, at N and 4N
units, each timed in this process (CPU time, minimum over --rounds) with every code
selected; prints the 4N/N time ratio (linear is about 4; the target is at most 5).

The shapes are the ones once measured superlinear here: a chain of N test classes each
inheriting the previous; N fixtures that set and restore a variable plus N tests using
them; N tests that each restore a variable in ``finally``, stop a patcher, read a shared
module mock, clear dependency overrides, or patch a module attribute and restore it.

    python benchmarks/shapes.py                # N = 1000, 5 rounds
    python benchmarks/shapes.py --n 500 --rounds 3

N is 1000 by default: at 500 the smaller file's model still fits the CPU caches and the 4N one
does not, so the ratio there measures the caches as much as the checker (per test, 250 -> 1000
tests costs 1.2-1.4x, 1000 -> 4000 1.03-1.2x on the same shapes).
    python benchmarks/shapes.py --without-gc   # diagnostic: the algorithm alone

``--without-gc`` turns CPython's cyclic collector off while timing: with it on, one file of
thousands of tests is a heap the collector rescans as it grows, which adds a superlinear term
that is the interpreter's, not the checker's.
"""
import gc
import argparse
import ast
import json
import sys
import time
from typing import Callable, Dict, List, Optional

from flake8_xdist_safety.checker import XdistSafetyChecker
from flake8_xdist_safety.config import Config

TARGET_RATIO = 5.0


def class_chain(n: int) -> str:
    out = ["import os\n\n\nclass TestBase0:\n    def test_0(self):\n        pass\n"]
    for i in range(1, n):
        out.append(f"\n\nclass TestBase{i}(TestBase{i - 1}):\n    def test_{i}(self):\n"
                   f"        os.environ['V{i}'] = '1'\n")
    return "".join(out)


def fixture_pairs(n: int) -> str:
    out = ["import os\nimport pytest\n"]
    for i in range(n):
        out.append(f"\n\n@pytest.fixture\ndef env_{i}():\n    os.environ['V{i}'] = '1'\n    yield\n"
                   f"    del os.environ['V{i}']\n\n\ndef test_{i}(env_{i}):\n    os.environ['V{i}'] = '2'\n")
    return "".join(out)


def finally_restores(n: int) -> str:
    return "import os\n" + "".join(
        f"\n\ndef test_{i}():\n    os.environ['V{i}'] = '1'\n    try:\n        pass\n"
        f"    finally:\n        del os.environ['V{i}']\n" for i in range(n))


def patcher_stops(n: int) -> str:
    return "from unittest import mock\n" + "".join(
        f"\n\ndef test_{i}():\n    p = mock.patch('app.f{i}')\n    p.start()\n    try:\n        pass\n"
        f"    finally:\n        p.stop()\n" for i in range(n))


def shared_mock_reads(n: int) -> str:
    return "from unittest.mock import MagicMock\n\nCLIENT = MagicMock()\n" + "".join(
        f"\n\ndef test_{i}():\n    CLIENT.get({i})\n" for i in range(n))


def override_clears(n: int) -> str:
    return "from app import app\n" + "".join(
        f"\n\ndef test_{i}():\n    app.dependency_overrides[{i}] = None\n    try:\n        pass\n"
        f"    finally:\n        app.dependency_overrides.clear()\n" for i in range(n))


def attribute_restores(n: int) -> str:
    return "import app\n" + "".join(
        f"\n\ndef test_{i}():\n    old = app.A{i}\n    app.A{i} = 1\n    try:\n        pass\n"
        f"    finally:\n        app.A{i} = old\n" for i in range(n))


SHAPES: Dict[str, Callable[[int], str]] = {
    "class-chain": class_chain,
    "fixture-pairs": fixture_pairs,
    "finally-restores": finally_restores,
    "patcher-stops": patcher_stops,
    "shared-mock-reads": shared_mock_reads,
    "override-clears": override_clears,
    "attribute-restores": attribute_restores,
}


def cpu_seconds(source: str, rounds: int, without_gc: bool = False) -> float:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))  # ast.parse of a long class chain (not the checker)
    try:
        tree = ast.parse(source)
    finally:
        sys.setrecursionlimit(limit)
    best = float("inf")
    for _ in range(rounds):
        if without_gc:
            gc.disable()
        start = time.process_time()
        list(XdistSafetyChecker(tree, "test_shape.py").run())
        best = min(best, time.process_time() - start)
        gc.enable()
    return best


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--without-gc", action="store_true",
                        help="diagnostic: the collector off while timing")
    args = parser.parse_args(argv)
    XdistSafetyChecker.config = Config()  # every code selected
    results = {}
    for name, make in SHAPES.items():
        small = cpu_seconds(make(args.n), args.rounds, args.without_gc)
        big = cpu_seconds(make(4 * args.n), args.rounds, args.without_gc)
        ratio = big / small if small else float("inf")
        results[name] = {"n_s": round(small, 4), "4n_s": round(big, 4), "ratio": round(ratio, 2)}
        mark = "met" if ratio <= TARGET_RATIO else "MISSED"
        print(f"{name:20s} N={args.n}: {small * 1000:8.1f} ms  4N: {big * 1000:8.1f} ms  "
              f"ratio {ratio:5.2f}  [{mark}]")
    print(json.dumps({"n": args.n, "without_gc": args.without_gc, "shapes": results}))
    return 0 if all(r["ratio"] <= TARGET_RATIO for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
