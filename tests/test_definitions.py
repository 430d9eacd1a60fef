"""Black-box tests of the shared definitions (issue 2, "Shared definitions").

Each definition is observed through MXS001/MXS002, the two rules that use all of them.
Only those two codes are selected so that other rules' findings do not blur the picture.
"""
import pytest

SELECT = "--select=MXS001,MXS002"


def fn_source(import_line: str, body: str, params: str = "") -> str:
    """A module-level test function whose ``def`` is on line 5, column 1."""
    return "import os\n" + import_line + "\n\n\ndef test_thing(" + params + "):\n    " + body + "\n"


FN_REPORT = ["test_example.py:5:1: MXS001"]

# A test function that creates a mock and has no xdist_group: line 4 when written alone.
MOCKING_FN = """
    from unittest.mock import MagicMock


    def test_thing():
        MagicMock()
"""


# -- Test file ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "path, reported",
    [
        ("test_thing.py", True),
        ("thing_test.py", True),
        ("conftest.py", True),
        ("tests/test_thing.py", True),
        ("tests/unit/thing_test.py", True),
        ("app.py", False),
        ("tests/helpers.py", False),
        ("testthing.py", False),
        ("my_conftest.py", False),
    ],
)
def test_test_file_default_globs(lint, path, reported):
    expected = [f"{path}:4:1: MXS001"] if reported else []
    assert lint({path: MOCKING_FN}, SELECT) == expected


def test_non_test_files_get_no_report_in_a_whole_repository_run(lint):
    files = {
        "app.py": MOCKING_FN,
        "src/service/client.py": MOCKING_FN,
        "tests/helpers.py": MOCKING_FN,
        "tests/test_client.py": MOCKING_FN,
    }
    assert lint(files, SELECT) == ["tests/test_client.py:4:1: MXS001"]


def test_glob_without_slash_matches_the_base_name_at_any_depth(lint):
    files = {"pkg/deep/check_thing.py": MOCKING_FN, "pkg/thing_check.py": MOCKING_FN}
    assert lint(files, SELECT, "--mxs-test-files=check_*.py") == [
        "pkg/deep/check_thing.py:4:1: MXS001"
    ]


def test_glob_with_slash_matches_the_path_relative_to_the_run(lint):
    files = {
        "tests/helpers.py": MOCKING_FN,
        "helpers.py": MOCKING_FN,
        "src/tests/helpers.py": MOCKING_FN,
    }
    assert lint(files, SELECT, "--mxs-test-files=tests/*.py") == ["tests/helpers.py:4:1: MXS001"]


@pytest.mark.parametrize("given", ["tests/helpers.py", "./tests/helpers.py", "tests"])
def test_glob_with_slash_uses_the_path_as_flake8_was_given_it_normalised(project, given):
    project.write({"tests/helpers.py": MOCKING_FN})
    assert project.codes(SELECT, "--mxs-test-files=tests/*.py", paths=[given]) == [
        "tests/helpers.py:4:1: MXS001"
    ]


def test_glob_with_slash_and_leading_star(lint):
    files = {
        "pkg/tests/helpers.py": MOCKING_FN,
        "tests/helpers.py": MOCKING_FN,
        "pkg/helpers.py": MOCKING_FN,
    }
    assert lint(files, SELECT, "--mxs-test-files=*/tests/*.py") == [
        "pkg/tests/helpers.py:4:1: MXS001"
    ]


# -- Test class ---------------------------------------------------------------------------

CLASS_TEMPLATE = """\
{imports}
from unittest.mock import MagicMock


{header}
    def test_it(self):
        MagicMock()
"""
BOTH_AT_5 = ["test_example.py:5:1: MXS001", "test_example.py:5:1: MXS002"]


@pytest.mark.parametrize(
    "imports, header, expected",
    [
        ("import os", "class TestThing:", BOTH_AT_5),
        ("import os", "class TestThing(object):", BOTH_AT_5),
        ("import unittest", "class ThingTests(unittest.TestCase):", BOTH_AT_5),
        ("import unittest as ut", "class ThingTests(ut.TestCase):", BOTH_AT_5),
        ("from unittest import TestCase", "class ThingTests(TestCase):", BOTH_AT_5),
        ("from unittest import TestCase as TC", "class ThingTests(TC):", BOTH_AT_5),
        ("import unittest", "class ThingTests(unittest.IsolatedAsyncioTestCase):", BOTH_AT_5),
        (
            "from unittest import IsolatedAsyncioTestCase",
            "class ThingTests(IsolatedAsyncioTestCase):",
            BOTH_AT_5,
        ),
        # near-misses: not named Test*, not a unittest TestCase
        ("import os", "class ThingTests:", []),
        ("import os", "class ThingTests(object):", []),
        ("import os", "class Helper:", []),
    ],
)
def test_test_class_definition(lint, imports, header, expected):
    source = CLASS_TEMPLATE.format(imports=imports, header=header)
    assert lint(source, SELECT) == expected


def test_unittest_testcase_subclass_through_a_same_file_base_is_a_test_class(lint):
    source = """
        import unittest
        from unittest.mock import MagicMock


        class Base(unittest.TestCase):
            pass


        class ThingTests(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == sorted(
        ["test_example.py:9:1: MXS001", "test_example.py:9:1: MXS002"]
    )


def test_test_class_names_option_replaces_the_default(lint):
    source = """
        from unittest.mock import MagicMock


        class ThingTests:
            def test_it(self):
                MagicMock()


        class TestOther:
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT, "--mxs-test-classes=*Tests") == [
        "test_example.py:4:1: MXS001",
        "test_example.py:4:1: MXS002",
    ]


def test_test_class_defined_inside_a_function_is_not_a_test_class(lint):
    source = """
        from unittest.mock import MagicMock


        def make_suite():
            class TestThing:
                def test_it(self):
                    MagicMock()

            return TestThing
    """
    assert lint(source, SELECT) == []


def test_test_class_nested_in_a_non_test_class_is_not_a_test_class(lint):
    source = """
        from unittest.mock import MagicMock


        class Helpers:
            class TestThing:
                def test_it(self):
                    MagicMock()
    """
    assert lint(source, SELECT) == []


def test_nested_test_class_is_judged_on_its_own(lint):
    # The inner class creates mocks; the outer one does not become a mock-creating class.
    source = """
        from unittest.mock import MagicMock


        class TestOuter:
            def test_plain(self):
                assert True

            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint(source, SELECT) == [
        "test_example.py:8:5: MXS001",
        "test_example.py:8:5: MXS002",
    ]


def test_deeply_nested_test_class_reported_at_its_own_class_keyword(lint):
    source = """
        from unittest.mock import MagicMock


        class TestA:
            class TestB:
                class TestC:
                    def test_it(self):
                        MagicMock()
    """
    assert lint(source, SELECT) == [
        "test_example.py:6:9: MXS001",
        "test_example.py:6:9: MXS002",
    ]


# -- Test function ------------------------------------------------------------------------

def test_module_level_test_function(lint):
    assert lint(MOCKING_FN, SELECT) == ["test_example.py:4:1: MXS001"]


def test_module_level_async_test_function(lint):
    source = """
        from unittest.mock import AsyncMock


        async def test_thing():
            await AsyncMock()()
    """
    assert lint(source, SELECT) == ["test_example.py:4:1: MXS001"]


def test_function_not_named_test_is_not_a_test_function(lint):
    source = """
        from unittest.mock import MagicMock


        def build_client():
            return MagicMock()
    """
    assert lint(source, SELECT) == []


def test_test_function_nested_in_a_function_is_not_a_test_function(lint):
    source = """
        from unittest.mock import MagicMock


        def make_tests():
            def test_thing():
                MagicMock()

            return test_thing
    """
    assert lint(source, SELECT) == []


def test_method_named_test_outside_a_test_class_is_not_a_test_function(lint):
    source = """
        from unittest.mock import MagicMock


        class Helper:
            def test_thing(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


# -- Mock creation ------------------------------------------------------------------------

CREATION_CASES = [
    # (id, import line, params, body, creates a mock?)
    ("MagicMock", "from unittest.mock import MagicMock", "", "MagicMock()", True),
    ("AsyncMock", "from unittest.mock import AsyncMock", "", "AsyncMock()", True),
    ("NonCallableMagicMock", "from unittest.mock import NonCallableMagicMock", "",
     "NonCallableMagicMock()", True),
    ("create_autospec", "from unittest.mock import create_autospec", "",
     "create_autospec(os.getcwd)", True),
    ("from-unittest-import-mock", "from unittest import mock", "", "mock.MagicMock()", True),
    ("mock-as-um", "from unittest import mock as um", "", "um.MagicMock()", True),
    ("import-unittest.mock", "import unittest.mock", "", "unittest.mock.MagicMock()", True),
    ("import-unittest.mock-as", "import unittest.mock as um", "", "um.AsyncMock()", True),
    ("backport-module", "import mock", "", "mock.MagicMock()", True),
    ("backport-name", "from mock import MagicMock", "", "MagicMock()", True),
    ("backport-autospec", "from mock import create_autospec", "",
     "create_autospec(os.getcwd)", True),
    ("MagicMock-as-MM", "from unittest.mock import MagicMock as MM", "", "MM()", True),
    ("backport-as", "import mock as backport", "", "backport.MagicMock()", True),
    ("patch-as", "from unittest.mock import patch as mock_patch", "",
     'with mock_patch("os.getcwd"):\n        pass', True),
    ("mock.Mock-not-a-default-factory", "from unittest import mock", "", "mock.Mock()", False),
    ("in-assignment", "from unittest.mock import MagicMock", "",
     "client = MagicMock(return_value=1)", True),
    # the patch family
    ("patch-with", "from unittest.mock import patch", "",
     'with patch("os.getcwd"):\n        pass', True),
    ("patch-call", "from unittest.mock import patch", "", 'patcher = patch("os.getcwd")', True),
    ("patch-return_value", "from unittest.mock import patch", "",
     'with patch("os.getcwd", return_value="/"):\n        pass', True),
    ("patch-new_callable", "from unittest.mock import PropertyMock, patch", "",
     'with patch("os.sep", new_callable=PropertyMock):\n        pass', True),
    ("patch-new-keyword", "from unittest.mock import patch", "",
     'with patch("os.getcwd", new=lambda: "/"):\n        pass', False),
    ("patch-new-positional", "from unittest.mock import patch", "",
     'with patch("os.getcwd", lambda: "/"):\n        pass', False),
    ("patch.object", "from unittest.mock import patch", "",
     'with patch.object(os, "getcwd"):\n        pass', True),
    ("patch.object-return_value", "from unittest.mock import patch", "",
     'with patch.object(os, "getcwd", return_value="/"):\n        pass', True),
    ("patch.object-new_callable", "from unittest.mock import PropertyMock, patch", "",
     'with patch.object(os, "sep", new_callable=PropertyMock):\n        pass', True),
    ("patch.object-new-positional", "from unittest.mock import patch", "",
     'with patch.object(os, "getcwd", lambda: "/"):\n        pass', False),
    ("patch.object-new-keyword", "from unittest.mock import patch", "",
     'with patch.object(os, "getcwd", new=str):\n        pass', False),
    ("mock.patch", "from unittest import mock", "",
     'with mock.patch("os.getcwd"):\n        pass', True),
    ("um.patch.object", "from unittest import mock as um", "",
     'with um.patch.object(os, "getcwd"):\n        pass', True),
    ("backport-patch", "import mock", "", 'with mock.patch("os.getcwd"):\n        pass', True),
    ("unittest.mock.patch", "import unittest.mock", "",
     'with unittest.mock.patch("os.getcwd"):\n        pass', True),
    ("patch.multiple-DEFAULT", "from unittest.mock import DEFAULT, patch", "",
     'with patch.multiple("os", getcwd=DEFAULT):\n        pass', True),
    ("patch.multiple-some-DEFAULT", "from unittest.mock import DEFAULT, patch", "",
     'with patch.multiple("os", getcwd=DEFAULT, sep="/"):\n        pass', True),
    ("patch.multiple-mock.DEFAULT", "from unittest import mock", "",
     'with mock.patch.multiple("os", getcwd=mock.DEFAULT):\n        pass', True),
    ("patch.multiple-no-DEFAULT", "from unittest.mock import patch", "",
     'with patch.multiple("os", getcwd=lambda: "/", sep="/"):\n        pass', False),
    ("patch.dict", "from unittest.mock import patch", "",
     'with patch.dict(os.environ, {"A": "1"}):\n        pass', False),
    ("patch.dict-clear", "from unittest import mock", "",
     'with mock.patch.dict("os.environ", clear=True):\n        pass', False),
    # pytest-mock
    ("mocker.patch", "import pytest", "mocker", 'mocker.patch("os.getcwd")', True),
    ("mocker.patch-other-params", "import pytest", "tmp_path, mocker",
     'mocker.patch("os.getcwd", return_value=str(tmp_path))', True),
    ("mocker.patch.object", "import pytest", "mocker", 'mocker.patch.object(os, "getcwd")', True),
    ("mocker.patch.object-new", "import pytest", "mocker",
     'mocker.patch.object(os, "getcwd", str)', False),
    ("mocker.patch-new", "import pytest", "mocker", 'mocker.patch("os.getcwd", new=str)', False),
    ("mocker.MagicMock", "import pytest", "mocker", "mocker.MagicMock()", True),
    ("mocker.AsyncMock", "import pytest", "mocker", "mocker.AsyncMock()", True),
    ("mocker.NonCallableMagicMock", "import pytest", "mocker", "mocker.NonCallableMagicMock()",
     True),
    ("mocker.create_autospec", "import pytest", "mocker", "mocker.create_autospec(os.getcwd)",
     True),
    ("mocker.patch.dict", "import pytest", "mocker",
     'mocker.patch.dict(os.environ, {"A": "1"})', False),
    ("mocker-not-a-parameter", "from helpers import mocker", "", 'mocker.patch("os.getcwd")',
     False),
    # names merely mentioned, and look-alikes
    ("isinstance", "from unittest.mock import MagicMock", "",
     "assert not isinstance(os, MagicMock)", False),
    ("docstring", "from unittest.mock import MagicMock", "",
     '"""Uses a MagicMock() and patch("os.getcwd") for the client."""', False),
    ("comment", "from unittest.mock import MagicMock", "", "pass  # MagicMock() would do", False),
    ("import-only", "from unittest.mock import MagicMock, patch", "", "pass", False),
    ("reference-not-call", "from unittest.mock import MagicMock", "", "factory = MagicMock",
     False),
    ("import-in-body", "import pytest", "", "from unittest.mock import MagicMock", False),
    ("Mock-not-a-default-factory", "from unittest.mock import Mock", "", "Mock()", False),
    ("MagicMock-from-elsewhere", "from fakes import MagicMock", "", "MagicMock()", False),
    ("patch-from-elsewhere", "from fakes import patch", "",
     'with patch("os.getcwd"):\n        pass', False),
    ("helper-factory", "from helpers import make_thing", "", "thing = make_thing()", False),
]


@pytest.mark.parametrize(
    "import_line, params, body, creates",
    [case[1:] for case in CREATION_CASES],
    ids=[case[0] for case in CREATION_CASES],
)
def test_mock_creation(lint, import_line, params, body, creates):
    expected = FN_REPORT if creates else []
    assert lint(fn_source(import_line, body, params), SELECT) == expected


@pytest.mark.parametrize(
    "fixture", ["mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"]
)
@pytest.mark.parametrize(
    "call",
    ['{f}.patch("os.getcwd")', "{f}.MagicMock()", '{f}.patch.object(os, "getcwd")'],
)
def test_mock_creation_on_every_pytest_mock_fixture(lint, fixture, call):
    source = fn_source("import pytest", call.format(f=fixture), params=fixture)
    assert lint(source, SELECT) == FN_REPORT


def test_mock_module_from_a_conditional_import(lint):
    source = """
        try:
            from unittest import mock
        except ImportError:  # Python 2 era fallback
            import mock


        def test_thing():
            mock.MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:7:1: MXS001"]


def test_patch_decorator_on_a_test_function_creates_a_mock(lint):
    source = """
        from unittest.mock import patch


        @patch("os.getcwd")
        def test_thing(getcwd):
            assert getcwd
    """
    assert lint(source, SELECT) == ["test_example.py:5:1: MXS001"]


def test_patch_decorator_with_new_creates_no_mock(lint):
    source = """
        from unittest.mock import patch


        @patch("os.getcwd", new=lambda: "/")
        def test_thing():
            pass
    """
    assert lint(source, SELECT) == []


def test_mock_created_in_a_nested_function_counts(lint):
    source = """
        from unittest.mock import MagicMock


        def test_thing():
            def make():
                return MagicMock()

            assert make()
    """
    assert lint(source, SELECT) == ["test_example.py:4:1: MXS001"]


def test_mock_created_only_in_a_module_level_helper_does_not_count(lint):
    source = """
        from unittest.mock import MagicMock


        def make_client():
            return MagicMock()


        def test_thing():
            assert make_client()
    """
    assert lint(source, SELECT) == []


CLASS_LOCATIONS = {
    "method": (
        """
        from unittest.mock import MagicMock


        class TestThing:
            def test_it(self):
                MagicMock()
        """,
        4,
    ),
    "class-attribute": (
        """
        from unittest.mock import MagicMock


        class TestThing:
            client = MagicMock()

            def test_it(self):
                assert self.client
        """,
        4,
    ),
    "nested-function-in-method": (
        """
        from unittest.mock import MagicMock


        class TestThing:
            def test_it(self):
                def make():
                    return MagicMock()

                assert make()
        """,
        4,
    ),
    "method-decorator": (
        """
        from unittest.mock import patch


        class TestThing:
            @patch("os.getcwd")
            def test_it(self, getcwd):
                assert getcwd
        """,
        4,
    ),
    "class-decorator": (
        """
        from unittest.mock import patch


        @patch("os.getcwd")
        class TestThing:
            def test_it(self, getcwd):
                assert getcwd
        """,
        5,
    ),
    "fixture-method-with-mocker": (
        """
        import pytest


        class TestThing:
            @pytest.fixture
            def client(self, mocker):
                return mocker.MagicMock()

            def test_it(self, client):
                assert client
        """,
        4,
    ),
    "setup_method": (
        """
        from unittest import mock


        class TestThing:
            def setup_method(self):
                self.client = mock.MagicMock()

            def test_it(self):
                assert self.client
        """,
        4,
    ),
}


@pytest.mark.parametrize("where", list(CLASS_LOCATIONS))
def test_mock_created_anywhere_in_a_test_class_body(lint, where):
    source, line = CLASS_LOCATIONS[where]
    assert lint(source, SELECT) == [
        f"test_example.py:{line}:1: MXS001",
        f"test_example.py:{line}:1: MXS002",
    ]


# --mxs-mock-factories (the option's parsing is in test_options.py; here: what it matches)

@pytest.mark.parametrize(
    "import_line, body, creates",
    [
        ("from unittest.mock import Mock", "Mock()", True),
        ("from unittest import mock", "mock.Mock()", True),
        ("from unittest.mock import Mock as M", "M()", True),
        ("from tests.helpers import make_mock", "make_mock()", True),
        ("from tests.helpers import make_mock as mm", "mm()", True),
        ("import tests.helpers", "tests.helpers.make_mock()", True),
        ("from tests import helpers", "helpers.make_mock()", True),
        ("from other.helpers import make_mock", "make_mock()", False),
        ("from tests.helpers import make_thing", "make_thing()", False),
        ("from unittest.mock import MagicMock", "MagicMock()", True),  # defaults still apply
        ("from tests.helpers import make_mock", "assert make_mock", False),
    ],
)
def test_mock_factories_option_adds_dotted_names(lint, import_line, body, creates):
    source = fn_source(import_line, body)
    option = "--mxs-mock-factories=unittest.mock.Mock,tests.helpers.make_mock"
    assert lint(source, SELECT, option) == (FN_REPORT if creates else [])


def test_locally_defined_function_with_a_factory_name_is_not_the_factory(lint):
    source = """
        def make_mock():
            return object()


        def test_thing():
            make_mock()
    """
    assert lint(source, SELECT, "--mxs-mock-factories=tests.helpers.make_mock") == []


# -- Which markers apply ------------------------------------------------------------------

MARKER_CASES = [
    # (id, lines above the def, applies?)
    ("decorator-name", '@pytest.mark.xdist_group(name="things")', True),
    ("decorator-positional", '@pytest.mark.xdist_group("things")', True),
    ("decorator-among-others", '@pytest.mark.slow\n@pytest.mark.xdist_group(name="things")', True),
    ("module-pytestmark", 'pytestmark = pytest.mark.xdist_group(name="things")', True),
    ("module-pytestmark-list",
     'pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="things")]', True),
    ("module-pytestmark-tuple",
     'pytestmark = (pytest.mark.slow, pytest.mark.xdist_group("things"))', True),
    ("other-marker", "@pytest.mark.slow", False),
    ("misspelt-marker", '@pytest.mark.xdist_groups(name="things")', False),
    ("module-pytestmark-other", "pytestmark = [pytest.mark.slow]", False),
]


@pytest.mark.parametrize(
    "above, applies", [c[1:] for c in MARKER_CASES], ids=[c[0] for c in MARKER_CASES]
)
def test_markers_that_apply_to_a_test_function(lint, above, applies):
    source = (
        "import pytest\nfrom unittest.mock import MagicMock\n\n\n"
        + above
        + "\ndef test_thing():\n    MagicMock()\n"
    )
    def_line = 6 + above.count("\n")
    expected = [] if applies else [f"test_example.py:{def_line}:1: MXS001"]
    assert lint(source, SELECT) == expected


@pytest.mark.parametrize(
    "imports, decorator",
    [
        ("import pytest as pt", '@pt.mark.xdist_group(name="things")'),
        ("from pytest import mark", '@mark.xdist_group(name="things")'),
        ("from pytest import mark as m", '@m.xdist_group("things")'),
    ],
)
def test_marker_through_aliased_pytest_imports(lint, imports, decorator):
    source = imports + "\nfrom unittest.mock import MagicMock\n\n\n" + decorator + (
        "\ndef test_thing():\n    MagicMock()\n"
    )
    assert lint(source, SELECT) == []


def test_marker_from_a_non_pytest_mark_does_not_apply(lint):
    source = """
        from fakes import mark
        from unittest.mock import MagicMock


        @mark.xdist_group(name="things")
        def test_thing():
            MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:6:1: MXS001"]


def test_pytestmark_bound_inside_a_function_does_not_apply(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        def configure():
            pytestmark = pytest.mark.xdist_group(name="things")
            return pytestmark


        def test_thing():
            MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:10:1: MXS001"]


def test_marker_expression_in_the_body_does_not_apply(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        def test_thing():
            pytest.mark.xdist_group(name="things")
            MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:5:1: MXS001"]


# Test classes: every class below has a gc.collect() teardown, so only MXS001 is in play.

@pytest.mark.parametrize(
    "source, class_line, applies",
    [
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            @pytest.mark.xdist_group(name="things")
            class TestThing:
                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            7,
            True,
            id="class-decorator",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = pytest.mark.xdist_group(name="things")

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            True,
            id="class-pytestmark-single",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="things")]

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            True,
            id="class-pytestmark-list",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = (pytest.mark.xdist_group("things"),)

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            True,
            id="class-pytestmark-tuple",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock

            pytestmark = pytest.mark.xdist_group(name="things")


            class TestThing:
                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            8,
            True,
            id="module-pytestmark",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = [pytest.mark.slow]

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            False,
            id="class-pytestmark-without-group",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                def teardown_method(self):
                    gc.collect()

                @pytest.mark.xdist_group(name="things")
                def helper(self):
                    pass

                def test_it(self):
                    MagicMock()
            """,
            6,
            False,
            id="marker-on-a-method-only",
        ),
    ],
)
def test_markers_that_apply_to_a_test_class(lint, source, class_line, applies):
    expected = [] if applies else [f"test_example.py:{class_line}:1: MXS001"]
    assert lint(source, SELECT) == expected


def test_markers_of_a_same_file_base_apply(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="things")
        class TestBase:
            def teardown_method(self):
                gc.collect()


        class TestChild(TestBase):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_pytestmark_of_a_same_file_mixin_two_levels_up_applies(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        class GroupedMixin:
            pytestmark = pytest.mark.xdist_group(name="things")


        class CollectingMixin(GroupedMixin):
            def teardown_method(self):
                gc.collect()


        class TestChild(CollectingMixin):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_same_file_base_without_marker(lint):
    source = """
        import gc
        from unittest.mock import MagicMock


        class Base:
            def teardown_method(self):
                gc.collect()


        class TestChild(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:10:1: MXS001"]


def test_markers_of_enclosing_test_classes_apply_to_a_nested_class(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="things")
        class TestOuter:
            class TestMiddle:
                class TestInner:
                    def teardown_method(self):
                        gc.collect()

                    def test_it(self):
                        MagicMock()
    """
    assert lint(source, SELECT) == []


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
    assert lint(source, SELECT) == ["test_example.py:11:5: MXS002"]


# -- Bases that can't be seen --------------------------------------------------------------

@pytest.mark.parametrize(
    "imports, header, expected",
    [
        ("from helpers import BaseTest", "class TestThing(BaseTest):", []),
        ("from helpers import *", "class TestThing(BaseTest):", []),
        ("import helpers", "class TestThing(helpers.BaseTest):", []),
        ("import os", "class TestThing(UndefinedBase):", []),
        ("from django.test import TestCase", "class TestThing(TestCase):", []),
        ("import unittest", "class TestThing(unittest.TestCase, Missing):", []),
        # controls: bases that can be seen
        ("import os", "class TestThing(object):", BOTH_AT_5),
        ("import unittest", "class TestThing(unittest.TestCase):", BOTH_AT_5),
    ],
)
def test_bases_that_cant_be_seen(lint, imports, header, expected):
    assert lint(CLASS_TEMPLATE.format(imports=imports, header=header), SELECT) == expected


def test_base_that_cant_be_seen_through_a_same_file_base(lint):
    source = """
        from helpers import BaseTest
        from unittest.mock import MagicMock


        class TestBase(BaseTest):
            pass


        class TestThing(TestBase):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_same_file_base_that_can_be_seen(lint):
    source = """
        from unittest.mock import MagicMock


        class Mixin:
            pass


        class TestThing(Mixin):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == [
        "test_example.py:8:1: MXS001",
        "test_example.py:8:1: MXS002",
    ]


# -- conftest awareness --------------------------------------------------------------------

GC_CONFTEST = """
    import gc

    import pytest


    @pytest.fixture(autouse=True)
    def _collect_garbage():
        yield
        gc.collect()
"""

# Grouped, creates mocks, no teardown of its own: only MXS002 is in question (class on line 6).
GROUPED_CLASS = """
    import pytest
    from unittest.mock import MagicMock


    @pytest.mark.xdist_group(name="things")
    class TestThing:
        def test_it(self):
            MagicMock()
"""


def mxs002_at(path):
    return [f"{path}:6:1: MXS002"]


@pytest.mark.parametrize(
    "files, test_path, reported",
    [
        pytest.param({"tests/conftest.py": GC_CONFTEST}, "tests/test_thing.py", False,
                     id="same-directory"),
        pytest.param({"conftest.py": GC_CONFTEST}, "tests/unit/test_thing.py", False,
                     id="ancestor-directory"),
        pytest.param({"conftest.py": GC_CONFTEST}, "test_thing.py", False, id="root-directory"),
        pytest.param({}, "tests/test_thing.py", True, id="no-conftest"),
        pytest.param({"tests/a/conftest.py": GC_CONFTEST}, "tests/b/test_thing.py", True,
                     id="sibling-directory-never-counts"),
        pytest.param({"tests/sub/conftest.py": GC_CONFTEST}, "tests/test_thing.py", True,
                     id="child-directory-never-counts"),
        pytest.param({"conftest.py": "", "sub/pyproject.toml": "", "sub/conftest.py": GC_CONFTEST},
                     "sub/tests/test_thing.py", False, id="stop-directory-itself-is-read"),
        pytest.param({"tests/conftest.py": "import pytest\n"}, "tests/test_thing.py", True,
                     id="conftest-without-gc-fixture"),
    ],
)
def test_conftest_walk(lint, files, test_path, reported):
    files = dict(files)
    files[test_path] = GROUPED_CLASS
    assert lint(files, SELECT) == (mxs002_at(test_path) if reported else [])


@pytest.mark.parametrize(
    "marker, content",
    [
        ("pyproject.toml", "[project]\nname = 'sub'\n"),
        ("setup.cfg", "[metadata]\nname = sub\n"),
        ("tox.ini", "[tox]\nenvlist = py311\n"),
        ("pytest.ini", "[pytest]\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),  # .git directory
        (".git", "gitdir: ../.git/modules/sub\n"),  # .git file (submodule / worktree)
    ],
)
def test_conftest_walk_stops_after_the_first_root_marker(lint, marker, content):
    files = {
        "conftest.py": GC_CONFTEST,
        "sub/" + marker: content,
        "sub/tests/test_thing.py": GROUPED_CLASS,
    }
    assert lint(files, SELECT) == mxs002_at("sub/tests/test_thing.py")


def test_broken_conftest_is_skipped_and_the_walk_goes_on(lint):
    files = {
        "conftest.py": GC_CONFTEST,
        "tests/conftest.py": "def broken(:\n    pass\n",
        "tests/test_thing.py": GROUPED_CLASS,
    }
    assert lint(files, SELECT) == []


def test_broken_conftest_alone_is_skipped(lint):
    files = {
        "tests/conftest.py": "@pytest.fixture(autouse=True\ndef _gc(:\n",
        "tests/test_thing.py": GROUPED_CLASS,
    }
    assert lint(files, SELECT) == mxs002_at("tests/test_thing.py")


NON_UTF8_GC_CONFTEST = (
    b"# caf\xe9 \xff\xfe\nimport gc\n\nimport pytest\n\n\n"
    b"@pytest.fixture(autouse=True)\ndef _collect_garbage():\n    yield\n    gc.collect()\n"
)


def test_non_utf8_conftest_is_skipped(project):
    project.write({"tests/test_thing.py": GROUPED_CLASS})
    (project.root / "tests" / "conftest.py").write_bytes(NON_UTF8_GC_CONFTEST)
    assert project.codes(SELECT) == mxs002_at("tests/test_thing.py")


def test_non_utf8_conftest_is_skipped_and_the_walk_goes_on(project):
    project.write({"conftest.py": GC_CONFTEST, "tests/test_thing.py": GROUPED_CLASS})
    (project.root / "tests" / "conftest.py").write_bytes(NON_UTF8_GC_CONFTEST)
    assert project.codes(SELECT) == []
