"""MXS001: a test creates mocks but no (named) xdist_group marker applies.

Exact reports from the fast ``lint``; the messages through the real flake8.
"""
import pytest

from cases import at, code_only

SELECT = "--select=MXS001"
WITH_MXS011 = "--select=MXS001,MXS011"


def message_of(lines, code="MXS001"):
    """The single report's message text (everything after the code)."""
    assert len(lines) == 1, lines
    head, _, text = lines[0].partition(f" {code} ")
    assert text, lines
    return head, text


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
    head, text = message_of(project.flake8(SELECT))
    assert head == "test_example.py:4:1:"
    assert "test_refund" in text
    assert 'xdist_group(name="test_example")' in text


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
    head, text = message_of(project.flake8(SELECT))
    assert head == "test_example.py:5:1:"
    assert "TestRefund" in text
    assert '@pytest.mark.xdist_group(name="test_example")' in text


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
    head, text = message_of(project.flake8(SELECT))
    assert head == f"{path}:4:1:"
    assert "test_charge" in text
    assert f'xdist_group(name="{stem}")' in text


def test_reported_at_def_keyword_not_decorator(lint):
    source = """
        import pytest
        from unittest.mock import patch


        @pytest.mark.slow
        @patch("os.getcwd")
        def test_thing(getcwd):
            assert getcwd
    """
    assert lint(source, SELECT) == ["test_example.py:7:1: MXS001"]


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
    assert lint(source, SELECT) == ["test_example.py:7:1: MXS001"]


def test_async_test_function(lint):
    source = """
        from unittest.mock import AsyncMock


        async def test_fetch():
            client = AsyncMock()
            await client.get()
    """
    assert lint(source, SELECT) == ["test_example.py:4:1: MXS001"]


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
    assert lint(source, SELECT) == sorted(
        [
            "test_example.py:5:1: MXS001",
            "test_example.py:18:1: MXS001",
            "test_example.py:24:1: MXS001",
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
    head, text = message_of(project.flake8(WITH_MXS011), "MXS011")
    assert head == "test_example.py:5:2:"  # MXS011 at the mark; no MXS001 as well
    assert "without a name" in text
    assert 'xdist_group(name="test_example")' in text


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
    assert lint(source, WITH_MXS011) == sorted(
        ["test_example.py:5:2: MXS011", "test_example.py:10:1: MXS001"]
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
    assert lint(source, WITH_MXS011) == ["test_example.py:4:1: MXS011"]


def test_unnamed_group_in_class_pytestmark(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        class TestThing:
            pytestmark = [pytest.mark.xdist_group()]

            def test_it(self):
                MagicMock()
    """
    assert lint(source, WITH_MXS011) == ["test_example.py:6:5: MXS011"]


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
    assert lint(src, WITH_MXS011) == [at(7, 6, "MXS011")]  # group "default_outer"


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
    (line,) = lint.messages(src, WITH_MXS011)
    assert code_only(line) == at(5, 2, "MXS011")
    assert "without a name" in line


def test_unnamed_decorator_under_a_named_module_pytestmark_is_grouped(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        pytestmark = pytest.mark.xdist_group(name="m")


        @pytest.mark.xdist_group
        def test_it():
            MagicMock()
    """
    assert lint(src, WITH_MXS011) == [at(7, 2, "MXS011")]  # every applying mark counts: "default_m"


# -- where the mock is created ------------------------------------------------------------

@pytest.mark.parametrize(
    "source, line",
    [
        pytest.param(
            """
            from unittest.mock import patch


            @patch("os.getcwd")
            def test_thing(getcwd):
                assert getcwd
            """,
            5,
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
            4,
            id="nested-function",
        ),
        pytest.param(
            """
            from unittest.mock import MagicMock


            class TestThing:
                client = MagicMock()
            """,
            4,
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
            4,
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
            5,
            id="class-decorator",
        ),
    ],
)
def test_mock_created_anywhere_in_the_body(lint, source, line):
    assert lint(source, SELECT) == [f"test_example.py:{line}:1: MXS001"]


@pytest.mark.parametrize(
    "pytestmark, expected",
    [
        ("from tests.marks import SHARED_MARKS\npytestmark = SHARED_MARKS", []),
        ("from tests.marks import group_for\npytestmark = group_for(__name__)", []),
        ("EXTRA = []\npytestmark = [pytest.mark.unit, *EXTRA]", []),
        ("pytestmark = pytest.mark.unit", ["test_example.py:7:1: MXS001"]),
        ("UNIT = [pytest.mark.unit]\npytestmark = UNIT + [pytest.mark.slow]",
         ["test_example.py:7:1: MXS001"]),
    ],
    ids=["imported-name", "helper-call", "starred", "plain-mark", "visible-name-plus-list"],
)
def test_pytestmark_that_cannot_be_read_is_not_judged(lint, pytestmark, expected):
    # A pytestmark built somewhere flake8 cannot see may carry the xdist_group.
    lines = pytestmark.splitlines()
    lines += [""] * (2 - len(lines))
    source = "\n".join(["import pytest", "from unittest.mock import MagicMock", *lines, "", "",
                        "def test_it():", "    MagicMock()", ""])
    assert lint(source, SELECT) == expected


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
