"""MXS001: a test creates mocks but no (named) xdist_group marker applies.

Exact reports and full messages, from the fast ``lint`` and, for a few cases, the real flake8.
"""
import pytest

SELECT = "--select=MXS001"
WITH_MXS011 = "--select=MXS001,MXS011"


def msg(line, col, kind, name, group="test_example", path="test_example.py"):
    """An MXS001 report; *kind* is ``test function`` or ``test class``, *group* the suggestion."""
    return (f"{path}:{line}:{col}: MXS001 {kind} {name} creates mocks but no xdist_group marker "
            f'applies; add @pytest.mark.xdist_group(name="{group}")')


def unnamed(line, col, group="test_example", path="test_example.py"):
    """An MXS011 report of an unnamed mark (the variant that takes over from MXS001)."""
    return (f"{path}:{line}:{col}: MXS011 xdist_group mark without a name puts its tests in the one "
            f"'default' group the whole suite shares; name it, "
            f'e.g. xdist_group(name="{group}")')


# -- positive cases, with their messages ---------------------------------------------------

def test_test_function_creating_a_mock(project):
    project.write(
        {
            "test_example.py": """
                from unittest.mock import MagicMock


                def test_refund():
                    gateway = MagicMock()
                    assert gateway
            """
        }
    )
    assert project.flake8(SELECT) == [msg(4, 1, "test function", "test_refund")]


def test_test_class_creating_a_mock(project):
    project.write(
        {
            "test_example.py": """
                import gc
                from unittest.mock import MagicMock


                class TestRefund:
                    def teardown_method(self):
                        gc.collect()

                    def test_it(self):
                        MagicMock()
            """
        }
    )
    assert project.flake8(SELECT) == [msg(5, 1, "test class", "TestRefund")]


@pytest.mark.parametrize(
    "path, stem",
    [
        ("tests/test_payments.py", "test_payments"),
        ("tests/api/payments_test.py", "api.payments_test"),
        ("tests/db/payments_test.py", "db.payments_test"),
    ],
)
def test_message_suggests_a_group_unique_per_module(project, path, stem):
    project.write(
        {
            path: """
                from unittest.mock import patch


                def test_charge():
                    with patch("os.getcwd"):
                        pass
            """
        }
    )
    assert project.flake8(SELECT) == [msg(4, 1, "test function", "test_charge", group=stem, path=path)]


def test_reported_at_def_keyword_not_decorator(lint):
    source = """
        import pytest
        from unittest.mock import patch


        @pytest.mark.slow
        @patch("os.getcwd")
        def test_thing(getcwd):
            assert getcwd
    """
    assert lint.messages(source, SELECT) == [msg(7, 1, "test function", "test_thing")]


def test_reported_at_class_keyword_not_decorator(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.slow
        @pytest.mark.usefixtures("db")
        class TestThing:
            def test_it(self):
                MagicMock()
    """
    assert lint.messages(source, SELECT) == [msg(7, 1, "test class", "TestThing")]


def test_async_test_function(lint):
    source = """
        from unittest.mock import AsyncMock


        async def test_fetch():
            client = AsyncMock()
            await client.get()
    """
    assert lint.messages(source, SELECT) == [msg(4, 1, "test function", "test_fetch")]


def test_several_tests_in_one_file(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock, patch


        def test_one():
            MagicMock()


        @pytest.mark.xdist_group(name="things")
        def test_two():
            MagicMock()


        def test_three():
            assert True


        class TestFour:
            @patch("os.getcwd")
            def test_it(self, getcwd):
                assert getcwd


        def test_five(mocker):
            mocker.patch("os.getcwd")
    """
    assert lint.messages(source, SELECT) == sorted(
        [
            msg(5, 1, "test function", "test_one"),
            msg(18, 1, "test class", "TestFour"),
            msg(24, 1, "test function", "test_five"),
        ]
    )


# -- compliant cases ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "above",
    [
        '@pytest.mark.xdist_group(name="payments")',
        '@pytest.mark.xdist_group("payments")',
        "@pytest.mark.xdist_group(name=GROUP)",
        'pytestmark = pytest.mark.xdist_group(name="payments")',
        'pytestmark = [pytest.mark.xdist_group(name="payments"), pytest.mark.slow]',
    ],
)
def test_named_group_applies(lint, above):
    source = (
        'import pytest\nfrom unittest.mock import MagicMock\n\nGROUP = "payments"\n\n'
        + above
        + "\ndef test_thing():\n    MagicMock()\n"
    )
    assert lint(source, SELECT) == []


def test_test_without_mocks_needs_no_group(lint):
    source = """
        import os


        def test_cwd():
            assert os.getcwd()


        class TestThing:
            def test_it(self):
                assert os.sep
    """
    assert lint(source, SELECT) == []


def test_mocks_in_non_test_code_need_no_group(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.fixture
        def client():
            return MagicMock()


        def make_client():
            return MagicMock()


        class Helper:
            def build(self):
                return MagicMock()


        def test_thing(client):
            assert client
    """
    assert lint(source, SELECT) == []


# -- unnamed xdist_group ------------------------------------------------------------------

@pytest.mark.parametrize(
    "decorator",
    [
        "@pytest.mark.xdist_group",
        "@pytest.mark.xdist_group()",
        '@pytest.mark.xdist_group(name="")',
        '@pytest.mark.xdist_group("")',
    ],
)
def test_unnamed_group_on_a_function(project, decorator):
    project.write(
        {
            "test_example.py": "import pytest\nfrom unittest.mock import MagicMock\n\n\n"
            + decorator
            + "\ndef test_refund():\n    MagicMock()\n"
        }
    )
    # MXS011 at the mark; no MXS001 as well
    assert project.flake8(WITH_MXS011) == [unnamed(5, 2)]


def test_unnamed_and_missing_group_in_one_file(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group
        def test_unnamed():
            MagicMock()


        def test_missing():
            MagicMock()
    """
    assert lint.messages(source, WITH_MXS011) == sorted(
        [unnamed(5, 2), msg(10, 1, "test function", "test_missing")]
    )


def test_unnamed_group_in_module_pytestmark(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock

        pytestmark = pytest.mark.xdist_group


        def test_one():
            MagicMock()


        def test_two():
            assert True
    """
    assert lint.messages(source, WITH_MXS011) == [unnamed(4, 1)]


def test_unnamed_group_in_class_pytestmark(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        class TestThing:
            pytestmark = [pytest.mark.xdist_group()]

            def test_it(self):
                MagicMock()
    """
    assert lint.messages(source, WITH_MXS011) == [unnamed(6, 5)]


def test_unnamed_group_without_mocks_is_not_reported(lint):
    source = """
        import pytest


        @pytest.mark.xdist_group
        def test_thing():
            assert True
    """
    assert lint(source, SELECT) == []


def test_nested_class_unnamed_group_under_named_enclosing_is_grouped(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="outer")
        class TestOuter:
            @pytest.mark.xdist_group
            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint.messages(src, WITH_MXS011) == [unnamed(7, 6)]  # group "default_outer"


def test_nested_class_named_group_under_unnamed_enclosing(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group()
        class TestOuter:
            @pytest.mark.xdist_group("inner")
            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint(src, SELECT) == []


@pytest.mark.parametrize("mark", ['xdist_group(name="")', "xdist_group()", "xdist_group", 'xdist_group("")'])
def test_unnamed_forms_on_function(lint, mark):
    src = f"""
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.{mark}
        def test_it():
            MagicMock()
    """
    assert lint.messages(src, WITH_MXS011) == [unnamed(5, 2)]


def test_unnamed_decorator_under_a_named_module_pytestmark_is_grouped(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        pytestmark = pytest.mark.xdist_group(name="m")


        @pytest.mark.xdist_group
        def test_it():
            MagicMock()
    """
    assert lint.messages(src, WITH_MXS011) == [unnamed(7, 2)]  # every applying mark counts: "default_m"


# -- where the mock is created ------------------------------------------------------------

@pytest.mark.parametrize(
    "source, line, kind, name",
    [
        pytest.param(
            """
            from unittest.mock import patch


            @patch("os.getcwd")
            def test_thing(getcwd):
                assert getcwd
            """,
            5, "test function", "test_thing",
            id="function-decorator",
        ),
        pytest.param(
            """
            from unittest.mock import MagicMock


            def test_thing():
                def build():
                    return MagicMock()

                assert build()
            """,
            4, "test function", "test_thing",
            id="nested-function",
        ),
        pytest.param(
            """
            from unittest.mock import MagicMock


            class TestThing:
                client = MagicMock()
            """,
            4, "test class", "TestThing",
            id="class-attribute",
        ),
        pytest.param(
            """
            import pytest


            class TestThing:
                @pytest.fixture(autouse=True)
                def _client(self, mocker):
                    self.client = mocker.MagicMock()
            """,
            4, "test class", "TestThing",
            id="fixture-method",
        ),
        pytest.param(
            """
            from unittest.mock import patch


            @patch("os.getcwd")
            class TestThing:
                def test_it(self, getcwd):
                    assert getcwd
            """,
            5, "test class", "TestThing",
            id="class-decorator",
        ),
    ],
)
def test_mock_created_anywhere_in_the_body(lint, source, line, kind, name):
    assert lint.messages(source, SELECT) == [msg(line, 1, kind, name)]


@pytest.mark.parametrize(
    "pytestmark, expected",
    [
        ("from tests.marks import SHARED_MARKS\npytestmark = SHARED_MARKS", []),
        ("from tests.marks import group_for\npytestmark = group_for(__name__)", []),
        ("EXTRA = []\npytestmark = [pytest.mark.unit, *EXTRA]", []),
        ("pytestmark = pytest.mark.unit", [msg(7, 1, "test function", "test_it")]),
        ("UNIT = [pytest.mark.unit]\npytestmark = UNIT + [pytest.mark.slow]",
         [msg(7, 1, "test function", "test_it")]),
    ],
    ids=["imported-name", "helper-call", "starred", "plain-mark", "visible-name-plus-list"],
)
def test_pytestmark_that_cannot_be_read_is_not_judged(lint, pytestmark, expected):
    # A pytestmark built somewhere flake8 cannot see may carry the xdist_group.
    lines = pytestmark.splitlines()
    lines += [""] * (2 - len(lines))
    source = "\n".join(["import pytest", "from unittest.mock import MagicMock", *lines, "", "",
                        "def test_it():", "    MagicMock()", ""])
    assert lint.messages(source, SELECT) == expected


def test_unreadable_pytestmark_also_silences_the_unnamed_variant(lint):
    source = """
    import pytest
    from tests.marks import group_marks
    from unittest.mock import MagicMock

    pytestmark = pytest.mark.xdist_group


    class TestA:
        pytestmark = group_marks()

        def test_it(self):
            MagicMock()
    """
    # group_marks() is closer than the bare module mark and may name the group.
    assert lint(source, SELECT) == []
