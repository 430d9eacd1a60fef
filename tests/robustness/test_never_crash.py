"""Never crash: the stdlib walk, generated programs, odd inputs, and a rule that fails.

The walk and the generated programs treat every file as a test file (``--mxs-test-files=*``), so
the rules run on code that was never meant to be a test; the plugin may report on it (well-formed
reports only), but it must not raise.
"""
import ast
import gc
import os
import re
import sys
import sysconfig
import tempfile
import textwrap
import time
import tokenize
import warnings
from typing import List, Tuple

import hypothesmith
import pytest
from flake8.exceptions import PluginExecutionFailed
from flake8.main.application import Application
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flake8_xdist_safety import checker
from flake8_xdist_safety.checker import XdistSafetyChecker
from flake8_xdist_safety.codes import CODES
from flake8_xdist_safety.findings import finding
from flake8_xdist_safety.rules import RULES_BY_CODE

from cases import MOCKING_CLASS, at

FORMAT = "%(path)s:%(row)d:%(col)d: %(code)s"

#: Extra factories: common stdlib callables count as mock factories, so the walk over the
#: stdlib drives the mock-handling code paths on thousands of call sites, not a handful.
EXTRA_FACTORIES = [
    "tests.helpers.make_mock",
    "os.path.join",
    "collections.OrderedDict",
    "len",
]

UNPARSEABLE = (SyntaxError, ValueError, RecursionError, MemoryError)


@pytest.fixture
def every_file_is_a_test(checker_options):
    """Every file is a test file, every rule runs, common callables count as mock factories."""
    return checker_options("--select=MXS", "--mxs-test-files=*",
                           "--mxs-mock-factories=" + ",".join(EXTRA_FACTORIES))


PUBLIC_CODES = {key.split("-")[0] for key in CODES}


def well_formed(finding) -> bool:
    """A finding as flake8 needs it: positive line, non-negative column, a public code first."""
    line, col, text, cls = finding
    return (isinstance(line, int) and line >= 1 and isinstance(col, int) and col >= 0
            and text.split(" ", 1)[0] in PUBLIC_CODES and " " in text and cls is XdistSafetyChecker)


def parse(source):
    """``ast.parse`` without the SyntaxWarnings generated code is full of."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


def check(tree, filename="test_example.py") -> List[str]:
    """Exhaust the checker: sorted ``line:col CODE`` (flake8's 1-based column)."""
    return sorted(
        f"{line}:{col + 1} {text.split(' ', 1)[0]}"
        for line, col, text, _ in XdistSafetyChecker(tree, filename).run()
    )


# -- the standard library, Lib/test included -----------------------------------------------------

def stdlib_files() -> List[str]:
    root = sysconfig.get_paths()["stdlib"]
    paths = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "dist-packages", "__pycache__"))
        paths.extend(os.path.join(directory, f) for f in sorted(files) if f.endswith(".py"))
    return paths


@pytest.mark.slow
def test_stdlib_never_crashes(every_file_is_a_test):
    started = time.perf_counter()
    checked = 0
    reports = 0
    failures: List[Tuple[str, str]] = []
    malformed: list = []
    for path in stdlib_files():
        try:
            with open(path, "rb") as f:
                tree = parse(f.read())
        except UNPARSEABLE:
            continue  # the interpreter itself cannot parse it (e.g. deliberately bad test data)
        checked += 1
        try:
            findings = list(XdistSafetyChecker(tree, path).run())
            reports += len(findings)
            malformed.extend((path, finding) for finding in findings if not well_formed(finding))
        except Exception as exc:  # collect every failure, so the message names all files
            failures.append((path, repr(exc)))
    elapsed = time.perf_counter() - started
    assert failures == []
    assert malformed == []
    assert checked > 500, checked  # the walk really ran over the stdlib
    assert reports > 0  # the rules really ran (every file is a test file)
    print(f"stdlib walk: {checked} files, {reports} reports, {elapsed:.1f} s")


# -- generated programs (hypothesmith) -------------------------------------------------------------

def check_generated(source: str) -> None:
    try:
        tree = parse(source)
    except UNPARSEABLE:
        assume(False)
    findings = list(XdistSafetyChecker(tree, "tests/test_generated.py").run())
    assert [finding for finding in findings if not well_formed(finding)] == []
    assert all(finding[0] <= source.count("\n") + 1 for finding in findings), findings


GENERATED = settings(
    max_examples=150,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@GENERATED
@given(source=hypothesmith.from_grammar())
def test_grammar_generated_programs_never_crash(every_file_is_a_test, source):
    check_generated(source)


# libcst-based generation is about 8x slower per example; fewer examples keep CI fast.
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(GENERATED, max_examples=40)
@given(source=hypothesmith.from_node())
def test_node_generated_programs_never_crash(every_file_is_a_test, source):
    check_generated(source)


# Grammar-generated code rarely names a mock, a patcher or os.environ, so the rules' own logic
# is barely reached. These programs are built from the constructs the rules look at.
_NAMES = st.sampled_from(["MagicMock", "patch", "os.environ", "gc", "pytest", "self", "app", "x"])
_EXPRS = st.sampled_from(
    [
        "MagicMock()", "MagicMock(spec=int)", "AsyncMock()", "create_autospec(int)",
        "patch('a.b')", "patch.object(x, 'y')", "patch.dict(os.environ, {'A': '1'})",
        "patch('a.b').start()", "mock.patch.stopall()", "os.environ", "os.environ['A']",
        "os.environ.pop('A', None)", "os.environ.setdefault('A', '1')", "os.putenv('A', '1')",
        "app.dependency_overrides", "gc.collect()", "socket.socket().bind(('', 8080))",
        "open('/tmp/x', 'w')", "self.addCleanup(p.stop)", "request.addfinalizer(f)",
        "lambda: MagicMock()", "[MagicMock() for _ in range(3)]", "(m := MagicMock())",
        "tests.helpers.make_mock()", "mocker.patch('a.b')", "x", "None", "yield",
    ]
)
_DECORATORS = st.sampled_from(
    [
        "pytest.fixture", "pytest.fixture(autouse=True)", "pytest.fixture(scope='session')",
        "pytest.fixture(scope=SCOPE)", "pytest.mark.xdist_group(name='g')",
        "pytest.mark.xdist_group", "pytest.mark.performance", "patch('a.b')",
        "pytest.mark.skipif('PYTEST_XDIST_WORKER' in os.environ, reason='x')",
        "pytest.mark.usefixtures('gc_collect')", "staticmethod", "classmethod", "(lambda f: f)",
    ]
)
_HEADER = (
    "import gc\nimport os\nimport pytest\nfrom unittest import mock\n"
    "from unittest.mock import AsyncMock, MagicMock, create_autospec, patch\n"
)


def _statements(depth: int):
    simple = st.one_of(
        _EXPRS,
        st.tuples(st.sampled_from(["x", "CLIENT", "os.environ['A']", "app.dependency_overrides[f]",
                                   "self.m", "pytestmark"]), _EXPRS).map(" = ".join),
        st.tuples(_NAMES, _EXPRS).map(lambda p: f"del {p[0]}" if p[0] != "self" else "pass"),
        st.just("pass"),
    )
    if depth == 0:
        return simple.map(lambda s: [s])

    def block(head: str, body: List[str]) -> List[str]:
        return [head] + ["    " + line for line in body]

    body = st.lists(st.deferred(lambda: _statements(depth - 1)), min_size=1, max_size=3).map(
        lambda chunks: [line for chunk in chunks for line in chunk]
    )
    heads = st.one_of(
        st.tuples(st.lists(_DECORATORS, max_size=2),
                  st.sampled_from(["def test_a(self, request):", "async def test_b(monkeypatch):",
                                   "def setup_method(self):", "def teardown_method(self):",
                                   "def fixture_c():", "def tearDown(self):"]))
        .map(lambda p: [f"@{d}" for d in p[0]] + [p[1]]),
        st.tuples(st.lists(_DECORATORS, max_size=2),
                  st.sampled_from(["class TestA:", "class TestB(unittest.TestCase):",
                                   "class Helper(TestA):", "class TestC(Base):"]))
        .map(lambda p: [f"@{d}" for d in p[0]] + [p[1]]),
        st.sampled_from(["with MagicMock() as m:", "with patch.dict(os.environ):", "try:",
                         "if x:", "for x in y:", "async with AsyncMock() as m:"]).map(lambda h: [h]),
    )

    def compose(parts) -> List[str]:
        head, inner = parts
        lines = head[:-1] + block(head[-1], inner)
        if head[-1] == "try:":
            lines += block("finally:", inner)
        return lines

    return st.one_of(simple.map(lambda s: [s]), st.tuples(heads, body).map(compose))


@GENERATED
@given(chunks=st.lists(_statements(3), min_size=1, max_size=6))
def test_test_shaped_programs_never_crash(every_file_is_a_test, chunks):
    source = _HEADER + "\n".join(line for chunk in chunks for line in chunk) + "\n"
    check_generated(source)


# -- odd inputs, through the real flake8 -----------------------------------------------------------

NESTED_CLASSES = "from unittest.mock import MagicMock\n" + "".join(
    "    " * level + f"class TestX{level}:\n" for level in range(50)
) + "    " * 50 + "def test_it(self):\n" + "    " * 51 + "MagicMock()\n"

needs_310 = pytest.mark.skipif(sys.version_info < (3, 10), reason="match needs Python 3.10")
needs_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="except* needs Python 3.11")
needs_312 = pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695 needs Python 3.12")

#: Two tests read ``a``: a module-level mock bound to it is shared (MXS005).
SHARED_BY_TWO_TESTS = "\n\ndef test_one():\n    assert a\n\n\ndef test_two():\n    assert a\n"

ODD_SOURCES = [
    pytest.param("", [], id="empty-file"),
    pytest.param("# only a comment\n\n# and another\n", [], id="only-comments"),
    pytest.param(b"\n\n\n", [], id="only-blank-lines"),
    pytest.param(
        """
        from unittest.mock import MagicMock


        @(lambda f: f)
        def test_one():
            MagicMock()


        @x[0].y()
        class TestTwo:
            @(yield_marks() or [])[0]
            def test_it(self):
                MagicMock()
        """,
        ["test_example.py:5:1: MXS001", "test_example.py:10:1: MXS001",
         "test_example.py:10:1: MXS002"],
        id="decorators-arbitrary-expressions",
    ),
    pytest.param(
        """
        from unittest.mock import MagicMock

        pytestmark = []


        def test_one():
            MagicMock()
        """,
        ["test_example.py:6:1: MXS001"],
        id="pytestmark-empty-list",
    ),
    pytest.param(
        """
        from unittest.mock import MagicMock

        pytestmark = make_marks()


        def test_one():
            MagicMock()
        """,
        [],  # a pytestmark flake8 cannot read may carry an xdist_group: not reported
        id="pytestmark-bound-to-a-call",
    ),
    pytest.param(
        """
        from unittest.mock import MagicMock

        pytestmark = MARKS


        def test_one():
            MagicMock()
        """,
        [],  # a pytestmark flake8 cannot read may carry an xdist_group: not reported
        id="pytestmark-bound-to-a-name",
    ),
    pytest.param(
        """
        import pytest
        from unittest.mock import MagicMock

        pytestmark = pytestmark = [pytest.mark.xdist_group(name="g"), *OTHER, 3]


        class TestThing:
            pytestmark = lambda: None

            def test_it(self):
                MagicMock()
        """,
        ["test_example.py:7:1: MXS002"],
        id="pytestmark-odd-values",
    ),
    pytest.param(
        """
        from unittest.mock import *
        from os.path import *


        def test_one():
            MagicMock()
        """,
        ["test_example.py:5:1: MXS001"],
        id="star-imports",
    ),
    pytest.param(
        """
        try:
            from unittest import mock
        except ImportError:
            import mock
        if sys.version_info >= (3, 8):
            import os
        else:
            os = None


        def test_one():
            mock.MagicMock()
            os.environ["X"] = "1"
        """,
        ["test_example.py:11:1: MXS001", "test_example.py:13:5: MXS003"],
        id="conditional-imports",
    ),
    pytest.param(
        NESTED_CLASSES,
        ["test_example.py:51:197: MXS001", "test_example.py:51:197: MXS002"],
        id="classes-nested-50-deep",
    ),
    pytest.param(
        "from unittest.mock import MagicMock\na = " + "(" * 199 + "MagicMock()" + ")" * 199 + "\n"
        + SHARED_BY_TWO_TESTS,
        ["test_example.py:2:204: MXS005"],
        id="parentheses-as-deep-as-the-parser-allows",
    ),
    pytest.param(
        "from unittest.mock import MagicMock\na = " + "[" * 199 + "MagicMock()" + "]" * 199 + "\n",
        ["test_example.py:2:204: MXS005"],
        id="lists-as-deep-as-the-parser-allows",
    ),
    pytest.param(
        """
        from unittest.mock import AsyncMock


        async def test_one():
            xs = [m async for m in agen() if (n := m)]
            ys = {await f(): (y := AsyncMock()) for f in fs}
            async with AsyncMock() as cm:
                zs = [z async for z in cm]
        """,
        ["test_example.py:4:1: MXS001"],
        id="async-comprehensions",
    ),
    pytest.param(
        """
        import os
        from unittest.mock import MagicMock


        def test_one():
            if (m := MagicMock()):
                os.environ[(key := "X")] = (value := "1")
        """,
        ["test_example.py:5:1: MXS001", "test_example.py:7:9: MXS003"],
        id="walrus",
    ),
    pytest.param(
        """
        from unittest.mock import MagicMock


        class TestA(TestB):
            def test_a(self):
                MagicMock()


        class TestB(TestA):
            def test_b(self):
                MagicMock()


        class TestC(TestC):
            def test_c(self):
                MagicMock()


        class TestD(TestD.Inner, TestA):
            def test_d(self):
                MagicMock()
        """,
        [],  # every class has a base defined nowhere usable: it may carry markers and teardown
        id="class-base-cycles",
    ),
    pytest.param(
        """
        import os
        from unittest.mock import MagicMock


        def test_one(command):
            match command:
                case {"env": str(name)}:
                    os.environ[name] = "1"
                case [MagicMock() as m, *rest] if (x := rest):
                    pass
                case _:
                    MagicMock()
        """,
        ["test_example.py:5:1: MXS001", "test_example.py:8:13: MXS003"],
        id="match-statement",
        marks=needs_310,
    ),
    pytest.param(
        """
        import os


        def test_one():
            try:
                pass
            except* ValueError:
                os.environ["X"] = "1"
        """,
        ["test_example.py:8:9: MXS003"],
        id="except-star",
        marks=needs_311,
    ),
    pytest.param(
        """
        from unittest.mock import MagicMock

        type Factory[T] = MagicMock | T


        def test_one[T: int, *Ts, **P](x: T) -> T:
            MagicMock()


        class TestGeneric[T]:
            def test_it[U](self):
                MagicMock()
        """,
        ["test_example.py:10:1: MXS001", "test_example.py:10:1: MXS002",
         "test_example.py:6:1: MXS001"],
        id="pep695-generics-and-type-aliases",
        marks=needs_312,
    ),
]


@pytest.mark.parametrize("source, expected", ODD_SOURCES)
def test_odd_sources_through_flake8(project, lint_flake8, source, expected):
    if isinstance(source, bytes):  # written as is
        (project.root / "test_example.py").write_bytes(source)
        source = {}
    assert lint_flake8(source, "--extend-select=MXS001,MXS002") == sorted(expected)


# -- expressions nested thousands deep (in-process) -----------------------------------------------
#
# Python 3.11's ast.parse itself raises RecursionError on a 5000-term sum at the default recursion
# limit, and pyflakes (always run by flake8) recurses per level, so these cannot go through flake8.
# The tree is built under a raised limit; the checker then runs under the default limit, which a
# checker recursing once per nesting level could not survive.

DEEP = 5000
DEEP_EXPRESSIONS = [
    pytest.param("MagicMock() + " + " + ".join(["1"] * DEEP), "2:5", id="left-nested-sum"),
    pytest.param(" + ".join(["1"] * DEEP) + " + MagicMock()", f"2:{4 * DEEP + 5}", id="sum"),
    pytest.param("MagicMock()" + ".b" * DEEP, "2:5", id="attribute-chain"),
    pytest.param("MagicMock()" + "()" * DEEP, "2:5", id="call-chain"),
    pytest.param("MagicMock()" + "[0]" * DEEP, "2:5", id="subscript-chain"),
    pytest.param("not " * DEEP + "MagicMock()", f"2:{4 * DEEP + 5}", id="not-chain"),
    pytest.param("-" * DEEP + "MagicMock()", f"2:{DEEP + 5}", id="unary-minus-chain"),
    pytest.param("1 if c else " * DEEP + "MagicMock()", f"2:{12 * DEEP + 5}", id="ternary-chain"),
    pytest.param("a < " * DEEP + "MagicMock()", f"2:{4 * DEEP + 5}", id="comparison-chain"),
    pytest.param("a and b or " * DEEP + "MagicMock()", f"2:{11 * DEEP + 5}", id="boolop-chain"),
    # the parser's own stack limit stops these two well before 5000
    pytest.param("1 ** " * 900 + "MagicMock()", f"2:{5 * 900 + 5}", id="power-chain-900"),
    pytest.param("lambda: " * 900 + "MagicMock()", None, id="lambda-chain-900"),
]


@pytest.mark.parametrize("expression, where", DEEP_EXPRESSIONS)
def test_deeply_nested_expressions(every_file_is_a_test, expression, where):
    source = f"from unittest.mock import MagicMock\nx = {expression}\n"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 40 * DEEP))
    try:
        tree = parse(source)
    finally:
        sys.setrecursionlimit(limit)
    # A module-level mock is shared by every test (MXS005), wherever it sits in the expression;
    # inside a lambda it is created only when called.
    expected = [f"{where} MXS005", f"{where} MXS010"] if where else [f"2:{8 * 900 + 5} MXS010"]
    assert check(tree) == expected


# -- broken conftest.py files next to a test file -------------------------------------------------

GC_CONFTEST = textwrap.dedent(
    """
    import gc
    import pytest


    @pytest.fixture(autouse=True)
    def _collect():
        yield
        gc.collect()
    """
).lstrip().encode()


def _symlink_to_nowhere(path):
    os.symlink(str(path.parent / "nowhere.py"), str(path))


def _flake8_survives(source: bytes) -> bool:
    """Whether flake8 itself (not this plugin) can tokenize *source*: on Python < 3.12 the parser
    rejects a NUL byte with ValueError, and on some 3.12/3.13 releases (3.12.1, 3.13.0) the
    tokenizer, called the way flake8 calls it, fails with SystemError after an indented block;
    either way flake8 stops with a traceback whatever plugins are installed."""
    text = source.decode("utf-8")
    try:
        ast.parse(text)
    except ValueError:
        return False
    except SyntaxError:
        pass
    lines = iter(text.splitlines(keepends=True))
    try:
        for _ in tokenize.generate_tokens(lambda: next(lines)):  # flake8's FileProcessor.file_tokens
            pass
    except SystemError:
        return False
    except (tokenize.TokenError, SyntaxError):
        pass
    return True


NUL_CONFTEST = GC_CONFTEST + b"x = '\x00'\n"

CONFTESTS = [
    # how to make tests/conftest.py; flake8's own reports for it ("path:line: CODE", the column
    # of E999 varies with the Python version); whether MXS002 stands for the test file
    pytest.param(lambda p: p.write_bytes(GC_CONFTEST), [], False, id="working"),
    pytest.param(
        lambda p: p.write_bytes(b"# -*- coding: latin-1 -*-\n" + GC_CONFTEST + b'NAME = "caf\xe9"\n'),
        [], False, id="latin-1-with-coding-cookie",
    ),
    pytest.param(lambda p: p.write_bytes(GC_CONFTEST + b'NAME = "caf\xe9"\n'), [], True,
                 id="not-utf-8"),
    pytest.param(lambda p: p.write_bytes(b"\xff\xfe" + GC_CONFTEST),
                 ["tests/conftest.py:1: E999"], True, id="utf-16-bom"),
    pytest.param(lambda p: p.write_bytes(GC_CONFTEST + b"def broken(:\n"),
                 ["tests/conftest.py:9: E999"], True, id="syntax-error"),
    pytest.param(
        lambda p: p.write_bytes(NUL_CONFTEST),
        ["tests/conftest.py:1: E999"], True, id="nul-byte",
        marks=pytest.mark.skipif(not _flake8_survives(NUL_CONFTEST),
                                 reason="flake8 itself crashes on NUL bytes on this Python"),
    ),
    pytest.param(lambda p: p.mkdir(), [], True, id="a-directory"),
    pytest.param(_symlink_to_nowhere, ["tests/conftest.py:0: E902"], True, id="dangling-symlink"),
]


@pytest.mark.parametrize("make_conftest, conftest_reports, gc_missing", CONFTESTS)
def test_a_broken_conftest_does_not_stop_the_analysis(project, make_conftest, conftest_reports,
                                                      gc_missing):
    project.write({"tests/test_example.py": MOCKING_CLASS})
    make_conftest(project.root / "tests" / "conftest.py")
    result = project.run("--select=MXS001,MXS002,E902,E999", "--format", FORMAT, ".")
    assert result.stderr == ""
    assert result.returncode == 1
    lines = sorted(line[2:] for line in result.stdout.splitlines())
    expected = ["tests/test_example.py:4:1: MXS001"]
    if gc_missing:  # the gc.collect() autouse fixture could not be read: MXS002 stands
        expected.append("tests/test_example.py:4:1: MXS002")
    assert [line for line in lines if " MXS" in line] == expected
    flake8_own = [re.sub(r"^([^:]+:\d+):\d+:", r"\1:", line) for line in lines if " MXS" not in line]
    assert flake8_own == conftest_reports


# -- a rule that raises ----------------------------------------------------------------------------

MOCKING_FN = textwrap.dedent(
    """
    import os
    from unittest.mock import MagicMock


    def test_thing():
        MagicMock()
        os.environ["A"] = "1"
    """
).lstrip()


def broken_rule(model, config):
    raise ZeroDivisionError("boom in a rule")


def half_broken_rule(model, config):
    yield finding("MXS003", ast.parse("x = 1").body[0], None, target="never seen")
    raise ZeroDivisionError("boom in a rule")


@pytest.mark.parametrize(
    "rules",
    [
        pytest.param((broken_rule, RULES_BY_CODE["MXS001"], RULES_BY_CODE["MXS003"]), id="first"),
        pytest.param((RULES_BY_CODE["MXS001"], broken_rule, RULES_BY_CODE["MXS003"]), id="middle"),
        pytest.param((RULES_BY_CODE["MXS001"], RULES_BY_CODE["MXS003"], broken_rule), id="last"),
        pytest.param((RULES_BY_CODE["MXS001"], half_broken_rule, RULES_BY_CODE["MXS003"]),
                     id="after-yielding"),
    ],
)
def test_a_failing_rule_raises_plugin_execution_failed_after_the_others(
        checker_options, monkeypatch, rules, tmp_path):
    checker_options("--extend-select=MXS001")
    monkeypatch.chdir(tmp_path)  # no pytest configuration around: --dist loadgroup is unknown
    monkeypatch.setattr(checker, "RULES", rules)
    yielded = []
    with pytest.raises(PluginExecutionFailed) as info:
        for line, col, text, cls in XdistSafetyChecker(ast.parse(MOCKING_FN), "tests/test_x.py").run():
            yielded.append(f"{line}:{col + 1} {text.split(' ', 1)[0]}")
            assert cls is XdistSafetyChecker
    assert yielded == ["5:1 MXS001", "7:5 MXS003"]
    failure = info.value
    assert failure.filename == "tests/test_x.py"
    assert failure.plugin_name == "flake8-xdist-safety"
    assert isinstance(failure.original_exception, ZeroDivisionError)
    assert str(failure).startswith("tests/test_x.py: ")
    assert "boom in a rule" in str(failure)


def test_a_failing_model_build_raises_plugin_execution_failed(checker_options, monkeypatch):
    checker_options()

    def broken_build(tree, filename, config, indexed):
        raise KeyError("model")

    monkeypatch.setattr(checker, "build_model", broken_build)
    with pytest.raises(PluginExecutionFailed) as info:
        list(XdistSafetyChecker(ast.parse(MOCKING_FN), "tests/test_x.py").run())
    assert info.value.filename == "tests/test_x.py"
    assert isinstance(info.value.original_exception, KeyError)


@pytest.mark.parametrize("collecting", [True, False], ids=["collector-on", "collector-off"])
@pytest.mark.parametrize("rules", [None, (broken_rule,)], ids=["rules-pass", "a-rule-fails"])
def test_the_cyclic_collector_is_paused_while_checking_and_left_as_it_was(
        checker_options, monkeypatch, collecting, rules):
    # The checker pauses the collector while it builds and checks a file (the model is freed
    # by reference counting); flake8's process must get the collector back as it was.
    checker_options()
    seen = []
    real_build = checker.build_model

    def build(tree, filename, config, indexed):
        seen.append(gc.isenabled())
        return real_build(tree, filename, config, indexed)

    monkeypatch.setattr(checker, "build_model", build)
    if rules is not None:
        monkeypatch.setattr(checker, "RULES", rules)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        try:
            list(XdistSafetyChecker(ast.parse(MOCKING_FN), "tests/test_x.py").run())
        except PluginExecutionFailed:
            assert rules is not None
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]


def test_a_failing_rule_surfaces_through_flake8_naming_the_file(monkeypatch, capsys, project):
    # flake8's Application catches PluginExecutionFailed from the checker manager, prints it
    # and exits 1; with -j 1 the checker runs in this process, so the patched RULES applies.
    monkeypatch.setattr(checker, "RULES", (broken_rule, RULES_BY_CODE["MXS001"]))
    project.write({"tests/test_boom.py": MOCKING_FN})
    monkeypatch.chdir(project.root)
    app = Application()
    app.run(["-j", "1", "tests/test_boom.py"])
    assert app.exit_code() == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "tests/test_boom.py: \"flake8-xdist-safety\" failed during execution due to "
        "ZeroDivisionError('boom in a rule')"
    )


def test_non_test_files_never_reach_a_failing_rule(monkeypatch, project):
    monkeypatch.setattr(checker, "RULES", (broken_rule,))
    project.write({"app.py": MOCKING_FN})
    assert project.flake8("-j", "1") == []


# -- odd marks and deep chains --------------------------------------------------------------

needs_match = pytest.mark.skipif(sys.version_info < (3, 10), reason="match needs Python 3.10")


@needs_match
def test_odd_inputs_do_not_raise(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        pytestmark = make_marks()


        @(lambda c: c)
        @pytest.mark.xdist_group(*NAMES)
        class TestA:
            pytestmark = OTHER

            class TestB(Undefined):
                def test_it(self):
                    MagicMock()

            def test_it(self):
                MagicMock()


        match 1:
            case 1:
                pass
    """
    assert lint(src, "--select=MXS001,MXS002") == [at(9, 1, "MXS002")]


def _run_checker(source):
    cwd = os.getcwd()
    os.chdir(tempfile.mkdtemp())  # no pytest configuration around: --dist loadgroup is unknown
    try:
        found = [(line, col, text.split(" ")[0]) for line, col, text, _ in
                 XdistSafetyChecker(ast.parse(source), "test_x.py").run()]
    finally:
        os.chdir(cwd)
    return [f for f in found if f[2] == "MXS001"]


def test_long_pytestmark_sum_does_not_raise(checker_options):
    checker_options("--select=MXS")
    terms = " + ".join(["[pytest.mark.skip]"] * 1500)
    source = ("import pytest\nfrom unittest.mock import MagicMock\n\npytestmark = " + terms
              + "\n\n\ndef test_a():\n    MagicMock()\n")
    assert _run_checker(source) == [(7, 0, "MXS001")]


def test_long_module_name_chain_does_not_raise(checker_options):
    checker_options("--select=MXS")
    lines = ["import pytest", "from unittest.mock import MagicMock", "M0 = pytest.mark.skip"]
    lines += [f"M{i} = M{i - 1}" for i in range(1, 1500)]
    lines += ["pytestmark = M1499", "", "", "def test_a():", "    MagicMock()"]
    assert _run_checker("\n".join(lines) + "\n") == [(1506, 0, "MXS001")]


# -- statements that nest without indenting ---------------------------------------------------------

def _elif_chain(branches: int, indent: str) -> str:
    lines = [f"{indent}if x == 0:", f"{indent}    pass"]
    for i in range(1, branches):
        lines += [f"{indent}elif x == {i}:", f"{indent}    pass"]
    lines += [f"{indent}else:", f"{indent}    os.environ['LAST'] = '1'"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["test", "module", "conftest"])
def test_a_long_elif_chain_is_walked_not_recursed(lint, where):
    # 600 branches: each elif is an If nested in the last one's orelse. (The fast lint: other
    # flake8 plugins, bugbear for one, may not survive this file themselves.)
    if where == "test":
        files = {"test_example.py": "import os\n\n\ndef test_it(x):\n" + _elif_chain(600, "    ")}
        expected = ["test_example.py:1206:9: MXS003"]
    else:
        name = "test_example.py" if where == "module" else "sub/conftest.py"
        files = {name: "import os\n\nx = 1\n" + _elif_chain(600, "")}
        expected = ["test_example.py:1205:5: MXS003"] if where == "module" else []
    assert lint(files, "--select=MXS003") == expected
