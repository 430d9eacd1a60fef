"""MXS009 - performance test runs inside xdist workers (exact reports and full messages from the
fast ``lint``; ``# noqa``, ``setup.cfg`` and one message through the real flake8).

Position: the ``def`` / ``class`` line (not the decorator), column of ``def`` / ``class``.
"""
import pytest

from cases import CASE, case

SELECT = "--select=MXS009"


def msg(line, col, name, path="test_example.py"):
    """*name*: the test class, ``TestClass.test_method``, or the test function."""
    return (f"{path}:{line}:{col}: MXS009 performance test {name} runs inside xdist workers; skip it "
            'when PYTEST_XDIST_WORKER is set: @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, ...)')


REPORTED = [
    case(
        """
        import pytest

        @pytest.mark.performance
        def test_speed():
            pass
        """,
        msg(4, 1, "test_speed"),
        id="function-marker",
    ),
    case(
        """
        import pytest

        @pytest.mark.performance(max_seconds=1)
        async def test_speed():
            pass
        """,
        msg(4, 1, "test_speed"),
        id="called-marker-async-def",
    ),
    case(
        """
        import pytest

        class TestSpeed:
            @pytest.mark.performance
            def test_fast(self):
                pass

            def test_plain(self):
                pass
        """,
        msg(5, 5, "TestSpeed.test_fast"),
        id="method-marker",
    ),
    case(
        """
        import pytest

        @pytest.mark.performance
        class TestSpeed:
            def test_a(self):
                pass

            def test_b(self):
                pass
        """,
        # "A class-level marker is reported once at the class"
        msg(4, 1, "TestSpeed"),
        id="class-marker-reported-once",
    ),
    case(
        """
        import pytest

        class TestSpeed:
            pytestmark = pytest.mark.performance

            def test_a(self):
                pass
        """,
        msg(3, 1, "TestSpeed"),
        id="class-pytestmark",
    ),
    case(
        """
        import pytest

        class TestSpeed:
            pytestmark = [pytest.mark.slow, pytest.mark.performance]

            def test_a(self):
                pass
        """,
        msg(3, 1, "TestSpeed"),
        id="class-pytestmark-list",
    ),
    case(
        """
        import pytest

        pytestmark = pytest.mark.performance

        def test_a():
            pass

        def test_b():
            pass
        """,
        # Convention: the module's pytestmark applies to each test function, so each is reported.
        msg(5, 1, "test_a"),
        msg(8, 1, "test_b"),
        id="module-pytestmark",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        class TestSpeed:
            @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
            def test_a(self):
                pass

            def test_b(self):
                pass
        """,
        # Only some methods carry the skip: the class is still reported (once).
        msg(5, 1, "TestSpeed"),
        id="class-marker-some-methods-skip",
    ),
    case(
        """
        import sys
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif(sys.platform == "win32", reason="posix only")
        def test_speed():
            pass
        """,
        msg(6, 1, "test_speed"),
        id="skipif-unrelated-condition",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif(os.getenv("CI") is not None, reason="not on CI")
        def test_speed():
            pass
        """,
        msg(6, 1, "test_speed"),
        id="skipif-other-env-var",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        def test_speed():
            pass

        @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
        def test_other():
            pass
        """,
        msg(5, 1, "test_speed"),
        id="skip-on-other-test-does-not-apply",
    ),
    case(
        """
        import pytest

        class BaseSpeed:
            pytestmark = pytest.mark.performance

        class TestSpeed(BaseSpeed):
            def test_a(self):
                pass
        """,
        # markers of same-file base classes apply (shared definition)
        msg(6, 1, "TestSpeed"),
        id="marker-from-same-file-base",
    ),
    case(
        """
        import pytest

        @pytest.mark.performance
        def test_speed(benchmarker):
            pass
        """,
        msg(4, 1, "test_speed"),
        id="fixture-named-like-benchmark-is-not-benchmark",
    ),
    case(
        """
        import os
        import pytest

        IN_XDIST = os.getenv("PYTEST_XDIST_WORKER") is not None

        @pytest.mark.performance
        @pytest.mark.skipif(IN_XDIST, reason="timings")
        def test_fast():
            pass

        @pytest.mark.performance
        def test_slow():
            pass
        """,
        msg(12, 1, "test_slow"),
        id="skipif-on-a-module-level-flag"),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        class TestPerf:
            @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="x")
            def test_a(self):
                pass

            def test_b(self):
                pass
        """,
        msg(5, 1, "TestPerf"),
        id="class-marker-skip-on-some-methods-reported-once"),
    case(
        """
        import pytest

        @pytest.mark.performance
        class TestBench:
            def test_a(self, benchmark):
                benchmark(sum, [1])

            def test_b(self):
                pass
        """,
        msg(4, 1, "TestBench"),
        id="class-some-methods-use-benchmark"),
    case(
        """
        import pytest

        @pytest.mark.performance
        def test_a():
            pass

        @pytest.mark.slow
        def test_b():
            pass

        @pytest.mark.perf
        def test_c():
            pass
        """,
        msg(12, 1, "test_c"),
        msg(8, 1, "test_b"),
        id="markers-option-replaces-the-default", args=["--mxs-performance-markers=slow,perf"]),
    case(
        """
        import os
        import pytest

        pytestmark = [pytest.mark.performance]

        async def test_a():
            pass

        class TestB:
            def test_b(self):
                pass
        """,
        msg(6, 1, "test_a"),
        msg(9, 1, "TestB"),
        id="module-marker-function-and-class"),
    case(
        """
        import sys
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif(sys.platform == "win32", reason="x")
        def test_a():
            pass
        """,
        msg(6, 1, "test_a"),
        id="unrelated-skipif"),
    case(
        """
        import pytest


        @pytest.mark.performance
        class TestOuter:
            class TestInner:
                def test_fast(self):
                    pass

            def test_outer(self):
                pass
        """,
        msg(5, 1, "TestOuter"),
        id="nested-class-under-a-marked-class-reported-once-at-the-outer-class"),
    case(
        """
        import pytest


        @pytest.mark.performance
        class TestOuter:
            def test_a(self, benchmark):
                pass

            class TestInner:
                def test_b(self):
                    pass
        """,
        msg(5, 1, "TestOuter"),
        id="nested-test-methods-count-for-the-outer-class"),
]


@pytest.mark.parametrize(CASE, REPORTED)
def test_performance_test_without_xdist_skip_is_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


NOT_REPORTED = [
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
        def test_speed():
            pass
        """,
        id="skipif-in-environ",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.skipif(os.getenv("PYTEST_XDIST_WORKER") is not None, reason="timing")
        @pytest.mark.performance
        def test_speed():
            pass
        """,
        id="skipif-getenv-decorator-above",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif(bool(os.environ.get("PYTEST_XDIST_WORKER")), reason="timing")
        def test_speed():
            pass
        """,
        id="skipif-environ-get",
    ),
    case(
        """
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif("os.environ.get('PYTEST_XDIST_WORKER')", reason="timing")
        def test_speed():
            pass
        """,
        id="skipif-string-condition",
    ),
    case(
        """
        import os
        import pytest

        IN_XDIST = os.getenv("PYTEST_XDIST_WORKER") is not None

        @pytest.mark.performance
        @pytest.mark.skipif(IN_XDIST, reason="timing")
        def test_speed():
            pass
        """,
        id="skipif-module-level-name",
    ),
    case(
        """
        import os
        import pytest

        pytestmark = pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")

        @pytest.mark.performance
        def test_speed():
            pass
        """,
        id="module-pytestmark-skip",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
        class TestSpeed:
            def test_a(self):
                pass
        """,
        id="class-marker-class-skip",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
        class TestSpeed:
            @pytest.mark.performance
            def test_a(self):
                pass
        """,
        id="method-marker-class-skip",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        class TestSpeed:
            @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
            def test_a(self):
                pass

            @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
            def test_b(self):
                pass
        """,
        id="class-marker-every-method-skips",
    ),
    case(
        """
        import os
        import pytest

        pytestmark = [
            pytest.mark.performance,
            pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing"),
        ]

        def test_speed():
            pass
        """,
        id="module-pytestmark-list-with-skip",
    ),
    case(
        """
        import pytest

        @pytest.mark.performance
        def test_speed(benchmark):
            benchmark(sum, [1, 2, 3])
        """,
        id="benchmark-fixture",
    ),
    case(
        """
        import pytest

        @pytest.mark.performance
        class TestSpeed:
            def test_a(self, benchmark):
                benchmark(sum, [1])

            def test_b(self, benchmark):
                benchmark(sum, [2])
        """,
        id="class-all-methods-use-benchmark",
    ),
    case(
        """
        import pytest

        @pytest.mark.slow
        def test_slow():
            pass

        def test_plain():
            pass
        """,
        id="other-marker",
    ),
    case(
        """
        import pytest

        @pytest.mark.performance
        def measure_speed():
            pass

        @pytest.mark.performance
        class SpeedHelpers:
            def test_a(self):
                pass
        """,
        id="not-a-test-function-or-class",
    ),
    case(
        """
        import os
        import pytest

        @pytest.mark.performance
        class TestPerf:
            @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="x")
            def test_a(self):
                pass

            @pytest.mark.skipif(os.environ.get("PYTEST_XDIST_WORKER"), reason="x")
            def test_b(self):
                pass
        """,
        id="class-marker-skip-on-every-method"),
    case(
        """
        import pytest

        @pytest.mark.performance
        class TestBench:
            def test_a(self, benchmark):
                benchmark(sum, [1])

            def test_b(self, benchmark):
                benchmark(sum, [2])
        """,
        id="class-all-methods-use-benchmark"),
    case(
        """
        import os
        import pytest

        class TestPerf:
            pytestmark = pytest.mark.skipif(os.getenv("PYTEST_XDIST_WORKER") is not None, reason="x")

            @pytest.mark.performance
            def test_a(self):
                pass
        """,
        id="method-marker-class-pytestmark-skip"),
    case(
        """
        import os
        import pytest

        xdist_skip = pytest.mark.skipif(bool(os.getenv("PYTEST_XDIST_WORKER")), reason="x")

        @pytest.mark.performance
        @xdist_skip
        def test_a():
            pass
        """,
        id="skip-mark-bound-to-a-module-level-name"),
]


@pytest.mark.parametrize(CASE, NOT_REPORTED)
def test_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


def test_class_some_methods_use_benchmark_is_reported(lint):
    src = """
    import pytest

    @pytest.mark.performance
    class TestSpeed:
        def test_a(self, benchmark):
            benchmark(sum, [1])

        def test_b(self):
            pass
    """
    assert lint.messages(src, SELECT) == [msg(4, 1, "TestSpeed")]


ALIASES = [
    case(
        """
        import pytest as pt

        @pt.mark.performance
        def test_speed():
            pass
        """,
        msg(4, 1, "test_speed"),
        id="import-pytest-as",
    ),
    case(
        """
        from pytest import mark

        @mark.performance
        def test_speed():
            pass
        """,
        msg(4, 1, "test_speed"),
        id="from-pytest-import-mark",
    ),
    case(
        """
        import os
        import pytest as pt

        @pt.mark.performance
        @pt.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="timing")
        def test_speed():
            pass
        """,
        id="alias-with-skip",
    ),
    case(
        """
        import os as _os
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif(_os.getenv("PYTEST_XDIST_WORKER") is not None, reason="timing")
        def test_speed():
            pass
        """,
        id="os-alias-in-skip",
    ),
    case(
        """
        from os import environ
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif("PYTEST_XDIST_WORKER" in environ, reason="timing")
        def test_speed():
            pass
        """,
        id="from-os-import-environ-in-skip",
    ),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- --mxs-performance-markers ------------------------------------------------------------------

MARKERS_SRC = """
import pytest

@pytest.mark.performance
def test_perf():
    pass

@pytest.mark.slow
def test_slow():
    pass

@pytest.mark.benchmarky
def test_bench():
    pass
"""


def test_performance_markers_default(lint):
    assert lint.messages(MARKERS_SRC, SELECT) == [msg(4, 1, "test_perf")]


def test_performance_markers_option_replaces_default(lint):
    assert lint.messages(MARKERS_SRC, SELECT, "--mxs-performance-markers=slow,benchmarky") == sorted([
        msg(8, 1, "test_slow"),
        msg(12, 1, "test_bench"),
    ])


def test_performance_markers_from_setup_cfg(lint_flake8):
    files = {
        "setup.cfg": """
        [flake8]
        mxs-performance-markers = slow
        """,
        "test_example.py": MARKERS_SRC,
    }
    assert lint_flake8.messages(files, SELECT) == [msg(8, 1, "test_slow")]


# --- noqa and message ---------------------------------------------------------------------------

def test_noqa_on_def_line(lint_flake8):
    src = """
    import pytest

    @pytest.mark.performance
    def test_first():  # noqa: MXS009
        pass

    @pytest.mark.performance  # noqa: MXS009
    def test_second():
        pass
    """
    # noqa applies to the reported (def) line only, not to the decorator line.
    assert lint_flake8(src, SELECT) == ["test_example.py:8:1: MXS009"]


def test_message_names_test(project):
    project.write(
        {
            "test_example.py": """
            import pytest

            @pytest.mark.performance
            def test_throughput():
                pass
            """
        }
    )
    assert project.flake8(SELECT) == [msg(4, 1, "test_throughput")]
