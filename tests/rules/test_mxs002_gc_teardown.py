"""MXS002: a test class creates mocks but has no per-test gc.collect() teardown.

Exact reports and full messages, from the fast ``lint`` and, for a few cases, the real flake8.
"""
import textwrap

import pytest

SELECT = "--select=MXS002"
BOTH = "--select=MXS001,MXS002"

HEAD = "import gc\nimport pytest\nfrom unittest.mock import MagicMock\n"


def mocking_class(members: str, head: str = HEAD, header: str = "class TestThing:") -> str:
    """``head``, two blank lines, the class (on line ``head lines + 3``), ``members``, a mock."""
    members = textwrap.indent(textwrap.dedent(members).strip("\n"), "    ")
    return (
        head + "\n\n" + header + "\n" + members + "\n\n"
        "    def test_it(self):\n        MagicMock()\n"
    )


def msg(line, col, name="TestThing", path="test_example.py"):
    """MXS002: no per-test teardown that collects."""
    return (f"{path}:{line}:{col}: MXS002 test class {name} creates mocks but has no per-test "
            "gc.collect() teardown; add a teardown_method that calls gc.collect()")


def msg_testcase(line, col, name="ThingTests", path="test_example.py"):
    """MXS002 on a unittest TestCase with no per-test teardown that collects: tearDown is suggested."""
    return (f"{path}:{line}:{col}: MXS002 test class {name} creates mocks but has no per-test "
            "gc.collect() teardown; add a tearDown that calls gc.collect()")


def never_collects(line, col, method="teardown_method", name="TestThing", path="test_example.py"):
    """MXS002: the per-test teardown pytest runs, *method*, never calls gc.collect()."""
    return (f"{path}:{line}:{col}: MXS002 test class {name} creates mocks but its {method} never calls "
            "gc.collect(); call gc.collect() there")


def collect_never_runs(line, col, reason, method="teardown_method", name="TestThing", path="test_example.py"):
    """MXS002: the per-test teardown calls gc.collect(), but the call never runs (*reason*: why)."""
    return (f"{path}:{line}:{col}: MXS002 test class {name} creates mocks but the gc.collect() in its "
            f"{method} does not count: {reason}")


def no_group(line, col, name, path="test_example.py"):
    """MXS001, in the cases that select both policy codes."""
    return (f"{path}:{line}:{col}: MXS001 test class {name} creates mocks but no xdist_group marker "
            'applies; add @pytest.mark.xdist_group(name="test_example")')


#: ``mocking_class`` without a per-test teardown: ``class TestThing`` on line 6.
AT_6 = [msg(6, 1)]


# -- positive cases and messages -----------------------------------------------------------

def test_class_without_teardown(project):
    project.write({"test_example.py": mocking_class("x = 1")})
    assert project.flake8(SELECT) == [msg(6, 1)]


def test_teardown_method_that_never_calls_gc_collect(project):
    members = """
        def teardown_method(self):
            self.client = None
    """
    project.write({"test_example.py": mocking_class(members)})
    assert project.flake8(SELECT) == [never_collects(6, 1)]


def test_teardown_method_whose_gc_collect_never_runs(project):
    members = """
        async def teardown_method(self):
            gc.collect()
    """
    project.write({"test_example.py": mocking_class(members)})
    assert project.flake8(SELECT) == [collect_never_runs(
        6, 1, "teardown_method is async def and is called without being awaited")]


def test_reported_at_class_keyword_not_decorator(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="things")
        class TestThing:
            def test_it(self):
                MagicMock()
    """
    assert lint.messages(source, SELECT) == [msg(6, 1)]


def test_class_without_mocks_is_not_reported(lint):
    source = """
        import os


        class TestThing:
            def test_it(self):
                assert os.sep
    """
    assert lint(source, SELECT) == []


def test_module_level_test_functions_are_not_subject(lint):
    source = """
        from unittest.mock import MagicMock, patch


        def test_one():
            MagicMock()


        @patch("os.getcwd")
        def test_two(getcwd):
            assert getcwd
    """
    assert lint(source, SELECT) == []


def test_module_level_test_function_with_a_mock_is_not_subject(lint):
    src = """
        from unittest.mock import MagicMock


        def test_it():
            MagicMock()
    """
    assert lint(src, SELECT) == []


# -- teardown_method ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "gc_import, call",
    [
        ("import gc", "gc.collect()"),
        ("import gc as _gc", "_gc.collect()"),
        ("from gc import collect", "collect()"),
        ("from gc import collect as collect_garbage", "collect_garbage()"),
        ("import gc", "gc.collect(2)"),
    ],
)
def test_teardown_method_calling_gc_collect(lint, gc_import, call):
    head = gc_import + "\nimport pytest\nfrom unittest.mock import MagicMock\n"
    members = f"""
        def teardown_method(self):
            {call}
    """
    assert lint(mocking_class(members, head=head), SELECT) == []


def test_teardown_method_calling_gc_collect_in_finally(lint):
    members = """
        def teardown_method(self, method):
            try:
                self.client = None
            finally:
                gc.collect()
    """
    assert lint(mocking_class(members), SELECT) == []


@pytest.mark.parametrize(
    "gc_import, call",
    [
        ("from helpers import collect", "collect()"),
        ("import gc", "gc.disable()"),
        ("import gc", "cleanup = gc.collect"),
        ("import gc", "# gc.collect()\n            pass"),
        ("import gc", '"""Calls gc.collect()."""'),
    ],
)
def test_teardown_method_with_a_near_miss(lint, gc_import, call):
    head = gc_import + "\nimport pytest\nfrom unittest.mock import MagicMock\n"
    members = f"""
        def teardown_method(self):
            {call}
    """
    assert lint.messages(mocking_class(members, head=head), SELECT) == [never_collects(6, 1)]


@pytest.mark.parametrize(
    "members",
    [
        pytest.param(
            """
            def setup_method(self):
                gc.collect()
            """,
            id="setup_method",
        ),
        pytest.param(
            """
            @classmethod
            def teardown_class(cls):
                gc.collect()
            """,
            id="teardown_class",
        ),
        pytest.param(
            """
            def test_collect(self):
                gc.collect()
            """,
            id="in-a-test",
        ),
        pytest.param(
            """
            def tearDown(self):
                gc.collect()
            """,
            id="tearDown-outside-unittest",
        ),
        pytest.param(
            """
            def teardown_helper(self):
                gc.collect()
            """,
            id="other-method",
        ),
    ],
)
def test_gc_collect_outside_a_per_test_teardown(lint, members):
    assert lint.messages(mocking_class(members), SELECT) == AT_6


def test_teardown_method_in_a_same_file_base(lint):
    source = """
        import gc
        from unittest.mock import MagicMock


        class CollectingBase:
            def teardown_method(self):
                gc.collect()


        class TestThing(CollectingBase):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_teardown_method_in_a_same_file_base_without_gc_collect(lint):
    source = """
        from unittest.mock import MagicMock


        class Base:
            def teardown_method(self):
                self.client = None


        class TestThing(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint.messages(source, SELECT) == [never_collects(9, 1)]


def test_teardown_method_in_base_without_gc_is_named(lint):
    src = """
        from unittest.mock import MagicMock


        class Base:
            def teardown_method(self):
                pass


        class TestA(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT) == [never_collects(9, 1, name="TestA")]


def test_teardown_override_without_gc_hides_base_teardown(lint):
    src = """
        import gc
        from unittest.mock import MagicMock


        class Base:
            def teardown_method(self):
                gc.collect()


        class TestA(Base):
            def teardown_method(self):
                pass

            def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT) == [never_collects(10, 1, name="TestA")]


def test_teardown_in_base_with_gc_counts(lint):
    src = """
        import gc
        from unittest.mock import MagicMock


        class Base:
            def teardown_method(self):
                gc.collect()


        class TestA(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


def test_gc_collect_from_import_alias_in_teardown_method(lint):
    src = """
        from gc import collect as free
        from unittest.mock import MagicMock


        class TestA:
            def teardown_method(self, method):
                free()

            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


# -- unittest TestCases ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "head, header, members, expected",
    [
        pytest.param(
            "import gc\nimport unittest\nfrom unittest.mock import MagicMock\n",
            "class ThingTests(unittest.TestCase):",
            "def tearDown(self):\n    gc.collect()",
            [],
            id="tearDown",
        ),
        pytest.param(
            "import gc\nfrom unittest import IsolatedAsyncioTestCase\n"
            "from unittest.mock import MagicMock\n",
            "class ThingTests(IsolatedAsyncioTestCase):",
            "async def asyncTearDown(self):\n    gc.collect()",
            [],
            id="asyncTearDown",
        ),
        pytest.param(
            "import gc\nimport unittest\nfrom unittest.mock import MagicMock\n",
            "class ThingTests(unittest.TestCase):",
            "def teardown_method(self, method):\n    gc.collect()",
            [],
            id="teardown_method",
        ),
        pytest.param(
            "import gc\nimport unittest\nfrom unittest.mock import MagicMock\n",
            "class ThingTests(unittest.TestCase):",
            "def setUp(self):\n    gc.collect()",
            [msg_testcase(6, 1)],
            id="setUp-only",
        ),
        pytest.param(
            "import gc\nimport unittest\nfrom unittest.mock import MagicMock\n",
            "class ThingTests(unittest.TestCase):",
            "def tearDown(self):\n    self.client = None",
            [never_collects(6, 1, "tearDown", name="ThingTests")],
            id="tearDown-without-gc",
        ),
        pytest.param(
            "import gc\nfrom unittest import TestCase\nfrom unittest.mock import MagicMock\n",
            "class ThingTests(TestCase):",
            "x = 1",
            [msg_testcase(6, 1)],
            id="no-teardown",
        ),
    ],
)
def test_unittest_teardown(lint, head, header, members, expected):
    assert lint.messages(mocking_class(members, head=head, header=header), SELECT) == expected


def test_testcase_through_a_same_file_base_is_told_tearDown(lint):
    src = """
        import unittest
        from unittest.mock import MagicMock


        class Base(unittest.IsolatedAsyncioTestCase):
            pass


        class ThingTests(Base):
            async def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT) == [msg_testcase(9, 1)]


def test_testcase_through_same_file_base_teardown_gc_alias(lint):
    src = """
        import unittest
        from gc import collect as _collect
        from unittest.mock import MagicMock


        class Base(unittest.TestCase):
            def tearDown(self):
                _collect()


        class Child(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


def test_testcase_async_teardown(lint):
    src = """
        import gc as _gc
        import unittest
        from unittest.mock import AsyncMock


        class Child(unittest.IsolatedAsyncioTestCase):
            async def asyncTearDown(self):
                _gc.collect()

            async def test_it(self):
                AsyncMock()
    """
    assert lint(src, SELECT) == []


def test_teardown_on_non_testcase_does_not_count(lint):
    src = """
        import gc
        from unittest.mock import MagicMock


        class TestA:
            def tearDown(self):
                gc.collect()

            def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT) == [msg(5, 1, name="TestA")]


def test_testcase_teardown_without_gc_is_named(lint):
    src = """
        import unittest
        from unittest.mock import MagicMock


        class Case(unittest.TestCase):
            def tearDown(self):
                pass

            def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT) == [never_collects(5, 1, "tearDown", name="Case")]


# -- autouse fixtures ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "members, expected",
    [
        pytest.param(
            """
            @pytest.fixture(autouse=True)
            def _collect(self):
                yield
                gc.collect()
            """,
            [],
            id="autouse",
        ),
        pytest.param(
            """
            @pytest.fixture(autouse=True, scope="function")
            def _collect(self):
                yield
                gc.collect()
            """,
            [],
            id="autouse-function-scope",
        ),
        pytest.param(
            """
            @pytest.fixture(autouse=True)
            def _collect(self):
                gc.collect()
            """,
            [],
            id="autouse-before-the-test",
        ),
        pytest.param(
            """
            @pytest.fixture(autouse=True, scope="class")
            def _collect(self):
                yield
                gc.collect()
            """,
            AT_6,
            id="class-scope",
        ),
        pytest.param(
            """
            @pytest.fixture(scope="module", autouse=True)
            def _collect(self):
                yield
                gc.collect()
            """,
            AT_6,
            id="module-scope",
        ),
        pytest.param(
            """
            @pytest.fixture
            def _collect(self):
                yield
                gc.collect()
            """,
            AT_6,
            id="not-autouse",
        ),
        pytest.param(
            """
            @pytest.fixture(autouse=False)
            def _collect(self):
                yield
                gc.collect()
            """,
            AT_6,
            id="autouse-false",
        ),
        pytest.param(
            """
            @pytest.fixture(autouse=True)
            def _reset(self):
                yield
                self.client = None
            """,
            AT_6,
            id="autouse-without-gc",
        ),
    ],
)
def test_autouse_fixture_in_the_class(lint, members, expected):
    assert lint.messages(mocking_class(members), SELECT) == expected


@pytest.mark.parametrize(
    "head, decorator",
    [
        ("import gc\nfrom pytest import fixture\nfrom unittest.mock import MagicMock\n",
         "@fixture(autouse=True)"),
        ("import gc\nimport pytest as pt\nfrom unittest.mock import MagicMock\n",
         "@pt.fixture(autouse=True)"),
    ],
)
def test_autouse_fixture_through_aliased_imports(lint, head, decorator):
    members = decorator + "\ndef _collect(self):\n    yield\n    gc.collect()"
    assert lint(mocking_class(members, head=head), SELECT) == []


def test_fixture_from_a_non_pytest_module_does_not_count(lint):
    head = "import gc\nfrom fakes import fixture\nfrom unittest.mock import MagicMock\n"
    members = "@fixture(autouse=True)\ndef _collect(self):\n    yield\n    gc.collect()"
    assert lint.messages(mocking_class(members, head=head), SELECT) == AT_6


@pytest.mark.parametrize(
    "scope, expected",
    [("", []), (', scope="function"', []), (', scope="session"', [msg(12, 1)])],
)
def test_autouse_fixture_in_the_module(lint, scope, expected):
    source = (
        "import gc\n"
        "import pytest\n"
        "from unittest.mock import MagicMock\n"
        "\n"
        "\n"
        f"@pytest.fixture(autouse=True{scope})\n"
        "def _collect():\n"
        "    yield\n"
        "    gc.collect()\n"
        "\n"
        "\n"
        "class TestThing:\n"
        "    def test_it(self):\n"
        "        MagicMock()\n"
    )
    assert lint.messages(source, SELECT) == expected


def test_autouse_gc_fixture_class_scope_does_not_count(lint):
    src = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.fixture(autouse=True, scope="class")
        def collect():
            yield
            gc.collect()


        class TestA:
            def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT) == [msg(12, 1, name="TestA")]


def test_autouse_gc_fixture_function_scope_module(lint):
    src = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        class TestA:
            def test_it(self):
                MagicMock()


        @pytest.fixture(autouse=True, scope="function")
        def collect():
            yield
            gc.collect()
    """
    assert lint(src, SELECT) == []


def test_non_autouse_gc_fixture_does_not_count(lint):
    src = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.fixture
        def collect():
            yield
            gc.collect()


        @pytest.mark.usefixtures("collect")
        class TestA:
            def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT) == [msg(13, 1, name="TestA")]


def test_autouse_fixture_in_a_same_file_base(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        class CollectingBase:
            @pytest.fixture(autouse=True)
            def _collect(self):
                yield
                gc.collect()


        class TestThing(CollectingBase):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_autouse_fixture_in_same_file_base(lint):
    src = """
        import gc
        from pytest import fixture
        from unittest.mock import MagicMock


        class Base:
            @fixture(autouse=True)
            def _collect(self):
                yield
                gc.collect()


        class TestA(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


def test_autouse_fixture_in_an_enclosing_test_class(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        class TestOuter:
            @pytest.fixture(autouse=True)
            def _collect(self):
                yield
                gc.collect()

            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint(source, SELECT) == []


def test_nested_class_with_its_own_teardown_and_mock_free_outer(lint):
    source = """
        import gc
        from unittest.mock import MagicMock


        class TestOuter:
            def test_plain(self):
                assert True

            class TestInner:
                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
    """
    assert lint(source, SELECT) == []


def test_autouse_fixture_of_a_nested_class_does_not_cover_the_outer(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        class TestOuter:
            def test_it(self):
                MagicMock()

            class TestInner:
                @pytest.fixture(autouse=True)
                def _collect(self):
                    yield
                    gc.collect()
    """
    assert lint.messages(source, SELECT) == [msg(6, 1, name="TestOuter")]


def test_teardown_of_enclosing_class_does_not_cover_nested(lint):
    src = """
        import gc
        from unittest.mock import MagicMock


        class TestOuter:
            def teardown_method(self):
                gc.collect()

            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint.messages(src, SELECT) == [msg(9, 5, name="TestInner")]


def test_enclosing_teardown_method_does_not_cover_a_nested_class(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="things")
        class TestOuter:
            def teardown_method(self):
                gc.collect()

            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint.messages(source, BOTH) == [msg(11, 5, name="TestInner")]


def test_nested_test_class_own_teardown(lint):
    src = """
        import gc
        from unittest.mock import MagicMock


        class TestOuter:
            def test_it(self):
                MagicMock()

            class TestInner:
                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
    """
    assert lint.messages(src, BOTH) == [
        no_group(5, 1, "TestOuter"), msg(5, 1, name="TestOuter"), no_group(9, 5, "TestInner")]


# -- conftest fixtures ----------------------------------------------------------------------

GROUPED_CLASS = """
    import pytest
    from unittest.mock import MagicMock


    @pytest.mark.xdist_group(name="things")
    class TestThing:
        def test_it(self):
            MagicMock()
"""


@pytest.mark.parametrize(
    "fixture_head, body, reported",
    [
        ("@pytest.fixture(autouse=True)", "yield\n    gc.collect()", False),
        ('@pytest.fixture(autouse=True, scope="function")', "yield\n    gc.collect()", False),
        ('@pytest.fixture(autouse=True, scope="class")', "yield\n    gc.collect()", True),
        ("@pytest.fixture", "yield\n    gc.collect()", True),
        ("@pytest.fixture(autouse=True)", "yield", True),
    ],
)
def test_conftest_fixture(lint, fixture_head, body, reported):
    conftest = (
        "import gc\n\nimport pytest\n\n\n" + fixture_head + "\ndef _gc():\n    " + body + "\n"
    )
    files = {"tests/conftest.py": conftest, "tests/test_thing.py": GROUPED_CLASS}
    assert lint.messages(files, SELECT) == ([msg(6, 1, path="tests/test_thing.py")] if reported else [])


# -- --mxs-gc-fixtures ----------------------------------------------------------------------

GC_FIXTURES = "--mxs-gc-fixtures=gc_collect"


@pytest.mark.parametrize(
    "source, option, expected",
    [
        pytest.param(
            """
            import pytest
            from unittest.mock import MagicMock


            @pytest.mark.usefixtures("gc_collect")
            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            GC_FIXTURES,
            [],
            id="usefixtures-on-class",
        ),
        pytest.param(
            """
            import pytest
            from unittest.mock import MagicMock


            @pytest.mark.usefixtures("db", "gc_collect")
            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            GC_FIXTURES,
            [],
            id="usefixtures-among-others",
        ),
        pytest.param(
            """
            from pytest import mark
            from unittest.mock import MagicMock


            @mark.usefixtures("gc_collect")
            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            GC_FIXTURES,
            [],
            id="usefixtures-via-from-pytest-import-mark",
        ),
        pytest.param(
            """
            import pytest
            from unittest.mock import MagicMock

            pytestmark = pytest.mark.usefixtures("gc_collect")


            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            GC_FIXTURES,
            [],
            id="usefixtures-in-module-pytestmark",
        ),
        pytest.param(
            """
            import pytest
            from unittest.mock import MagicMock

            pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("gc_collect")]


            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            GC_FIXTURES,
            [],
            id="usefixtures-in-module-pytestmark-list",
        ),
        pytest.param(
            """
            import pytest
            from helpers import collect_garbage
            from unittest.mock import MagicMock


            @pytest.fixture(autouse=True)
            def gc_collect():
                yield
                collect_garbage()


            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            GC_FIXTURES,
            [],
            id="autouse-where-defined",
        ),
        pytest.param(
            """
            import pytest
            from unittest.mock import MagicMock


            @pytest.mark.usefixtures("gc_collect")
            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            "--mxs-gc-fixtures=other_fixture",
            [msg(6, 1)],
            id="usefixtures-of-a-fixture-not-named",
        ),
        pytest.param(
            """
            import pytest
            from unittest.mock import MagicMock


            @pytest.mark.usefixtures("gc_collect")
            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            "--select=MXS002",
            [msg(6, 1)],
            id="without-the-option",
        ),
        pytest.param(
            """
            import pytest
            from helpers import collect_garbage
            from unittest.mock import MagicMock


            @pytest.fixture
            def gc_collect():
                yield
                collect_garbage()


            class TestThing:
                def test_it(self):
                    MagicMock()
            """,
            GC_FIXTURES,
            [msg(12, 1)],
            id="defined-but-neither-autouse-nor-used",
        ),
    ],
)
def test_gc_fixtures_option(lint, source, option, expected):
    assert lint.messages(source, SELECT, option) == expected


GC_FIXTURE_CONFTEST = {
    "tests/conftest.py": """
        import pytest
        from helpers import collect_garbage


        @pytest.fixture(autouse=True)
        def gc_collect():
            yield
            collect_garbage()
    """,
    "tests/test_thing.py": GROUPED_CLASS,
}


def test_gc_fixture_autouse_in_a_conftest_needs_the_option(lint):
    assert lint.messages(GC_FIXTURE_CONFTEST, SELECT) == [msg(6, 1, path="tests/test_thing.py")]


def test_gc_fixture_autouse_in_a_conftest(lint):
    assert lint(GC_FIXTURE_CONFTEST, SELECT, GC_FIXTURES) == []


def test_gc_fixture_autouse_where_defined(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.fixture(autouse=True)
        def collect_garbage():
            yield


        class TestA:
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT, "--mxs-gc-fixtures=collect_garbage") == []
    assert lint.messages(src, SELECT) == [msg(10, 1, name="TestA")]


def test_gc_fixture_usefixtures_on_same_file_base(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.usefixtures("collect_garbage")
        class Base:
            pass


        class TestA(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT, "--mxs-gc-fixtures=collect_garbage") == []


def test_gc_fixture_named_in_usefixtures_of_other_name(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.usefixtures("something_else")
        class TestA:
            def test_it(self):
                MagicMock()
    """
    assert lint.messages(src, SELECT, "--mxs-gc-fixtures=collect_garbage") == [msg(6, 1, name="TestA")]


@pytest.mark.parametrize(
    "teardown, expected",
    [
        ("    def teardown_method(self):\n        self._cleanup()\n\n"
         "    def _cleanup(self):\n        gc.collect()", []),
        ("    def teardown_method(self):\n        release_mocks()", []),
        ("    def teardown_method(self):\n        self._cleanup()\n\n"
         "    def _cleanup(self):\n        pass", [never_collects(11, 1)]),
    ],
    ids=["self-helper", "module-helper", "helper-without-gc"],
)
def test_teardown_collecting_through_a_helper(lint, teardown, expected):
    source = "\n".join([
        "import pytest",
        "import gc",
        "from unittest.mock import MagicMock",
        "",
        "",
        "def release_mocks():",
        "    gc.collect()",
        "",
        "",
        "@pytest.mark.xdist_group(name='g')",
        "class TestThing:",
        teardown,
        "",
        "    def test_it(self):",
        "        MagicMock()",
        "",
    ])
    assert lint.messages(source, "--select=MXS002") == expected
