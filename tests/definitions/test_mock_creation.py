"""What creates a mock: the mock classes and ``create_autospec`` of ``unittest.mock`` and the
``mock`` backport however imported, the patch family (unless given a replacement), pytest-mock's
``mocker`` fixtures, and the ``--mxs-mock-factories`` names; anywhere in a test function or class
body. Mentions, look-alikes and module-level helpers don't count.

Observed through MXS001/MXS002.
"""
import sys
import textwrap

import pytest

from cases import at

#: Only these two codes are selected, so that other rules' findings do not blur the picture.
SELECT = "--select=MXS001,MXS002"
MXS001_ONLY = "--select=MXS001"

needs_match = pytest.mark.skipif(sys.version_info < (3, 10), reason="match needs Python 3.10")


def fn_source(import_line: str, body: str, params: str = "") -> str:
    """A module-level test function whose ``def`` is on line 5, column 1."""
    return "import os\n" + import_line + "\n\n\ndef test_thing(" + params + "):\n    " + body + "\n"


FN_REPORT = ["test_example.py:5:1: MXS001"]


# -- the factories and how they are imported ------------------------------------------------

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


def _in_test(body, imports="from unittest.mock import MagicMock, patch"):
    return textwrap.dedent(imports) + "\n\n\ndef test_it(mocker):\n" + textwrap.indent(
        textwrap.dedent(body).strip("\n"), "    ") + "\n"


CREATES = [
    ("lambda", "f = lambda: MagicMock()\nf()"),
    ("patch.object new_callable", 'with patch.object(A, "b", new_callable=MagicMock):\n    pass'),
    ("patch.object 2 args", 'with patch.object(A, "b"):\n    pass'),
    ("patch 1 arg", 'with patch("a.b"):\n    pass'),
    ("patch autospec", 'with patch("a.b", autospec=True):\n    pass'),
    ("patch.start", 'p = patch("a.b")\np.start()\np.stop()'),
    ("mocker in nested function", 'def inner():\n    mocker.patch("a.b")\ninner()'),
    ("mocker.patch.object", 'mocker.patch.object(A, "b")'),
    ("mocker.MagicMock", "mocker.MagicMock()"),
    ("mocker.create_autospec", "mocker.create_autospec(A)"),
    ("mocker.patch.multiple DEFAULT", 'mocker.patch.multiple("a", b=mocker.DEFAULT)'),
]


NO_CREATION = [
    ("patch.object positional new", 'with patch.object(A, "b", 3):\n    pass'),
    ("patch.object new=", 'with patch.object(A, "b", new=3):\n    pass'),
    ("patch positional new", 'with patch("a.b", 3):\n    pass'),
    ("patch new=", 'with patch("a.b", new=3):\n    pass'),
    ("patch.dict", 'with patch.dict("os.environ", {"A": "1"}):\n    pass'),
    ("mocker.patch.dict", 'mocker.patch.dict("os.environ", {"A": "1"})'),
    ("isinstance", "assert not isinstance(1, MagicMock)"),
    ("mention in string", 'x = "MagicMock()"'),
    ("mocker.patch positional new", 'mocker.patch("a.b", 3)'),
    ("mocker.Mock not default", "mocker.Mock()"),
    ("mocker.patch.multiple without DEFAULT", 'mocker.patch.multiple("a", b=1)'),
    ("attribute of a local", "obj = object()\nobj.MagicMock()"),
]


@pytest.mark.parametrize("label, body", CREATES, ids=[c[0] for c in CREATES])
def test_creates_a_mock(lint, label, body):
    assert lint(_in_test(body), MXS001_ONLY) == [at(4, 1, "MXS001")]


@pytest.mark.parametrize("label, body", NO_CREATION, ids=[c[0] for c in NO_CREATION])
def test_creates_no_mock(lint, label, body):
    assert lint(_in_test(body), MXS001_ONLY) == []


def test_patch_multiple_mock_default_alias(lint):
    src = """
        from unittest import mock


        def test_a():
            with mock.patch.multiple("os", getcwd=mock.DEFAULT):
                pass


        def test_b():
            with mock.patch.multiple("os", getcwd=lambda: "/"):
                pass
    """
    assert lint(src, MXS001_ONLY) == [at(4, 1, "MXS001")]


def test_patch_multiple_default_imported_alias(lint):
    src = """
        from unittest.mock import DEFAULT as D, patch


        @patch.multiple("os", getcwd=D)
        def test_a(getcwd):
            pass
    """
    assert lint(src, MXS001_ONLY) == [at(5, 1, "MXS001")]


def test_import_unittest_mock_as_um(lint):
    src = """
        import unittest.mock as um


        def test_a():
            um.NonCallableMagicMock()


        def test_b():
            with um.patch.object(um, "x"):
                pass
    """
    assert lint(src, MXS001_ONLY) == [at(4, 1, "MXS001"), at(8, 1, "MXS001")]


def test_import_unittest_mock_dotted(lint):
    src = """
        import unittest.mock


        def test_a():
            unittest.mock.create_autospec(object)
    """
    assert lint(src, MXS001_ONLY) == [at(4, 1, "MXS001")]


def test_mock_backport_package(lint):
    src = """
        import mock
        from mock import MagicMock as MM


        def test_a():
            mock.patch("a.b").start()


        def test_b():
            MM()
    """
    assert lint(src, MXS001_ONLY) == [at(5, 1, "MXS001"), at(9, 1, "MXS001")]


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


def test_conditional_mock_import(lint):
    src = """
        try:
            from unittest.mock import MagicMock
        except ImportError:
            from mock import MagicMock


        def test_a():
            MagicMock()
    """
    assert lint(src, MXS001_ONLY) == [at(7, 1, "MXS001")]


def test_local_function_named_magicmock(lint):
    src = """
        def MagicMock():
            return object()


        def test_a():
            MagicMock()
    """
    assert lint(src, SELECT) == []


def test_unimported_magicmock_is_not_a_creation(lint):
    src = """
        def test_a(mock):
            MagicMock()
            mock.MagicMock()
            mock.patch("a.b")
    """
    assert lint(src, SELECT) == []


def test_mocker_not_a_parameter_is_not_mocker(lint):
    src = """
        def test_a():
            mocker = object()
            mocker.patch("a.b")
    """
    assert lint(src, SELECT) == []


# -- where in a test ------------------------------------------------------------------------

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


@needs_match
def test_mock_in_comprehension_fstring_walrus_and_match(lint):
    src = """
        from unittest.mock import MagicMock


        def test_a():
            [MagicMock() for _ in range(2)]


        def test_b():
            print(f"{MagicMock()!r}")


        def test_c():
            if (m := MagicMock()):
                pass


        def test_d(x):
            match x:
                case 1 if MagicMock():
                    pass
    """
    assert lint(src, MXS001_ONLY) == [at(12, 1, "MXS001"), at(17, 1, "MXS001"), at(4, 1, "MXS001"),
                                      at(8, 1, "MXS001")]


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


def test_mock_in_default_argument_of_test_method(lint):
    src = """
        from unittest.mock import MagicMock


        class TestA:
            def test_it(self, m=MagicMock()):
                pass
    """
    assert lint(src, SELECT) == [at(4, 1, "MXS001"), at(4, 1, "MXS002")]


def test_mock_in_class_attribute_and_class_decorator(lint):
    src = """
        from unittest.mock import MagicMock, patch


        class TestA:
            shared = MagicMock()


        @patch("a.b")
        class TestB:
            def test_it(self, b):
                pass
    """
    assert lint(src, SELECT) == [
        at(4, 1, "MXS001"), at(4, 1, "MXS002"), at(9, 1, "MXS001"), at(9, 1, "MXS002"),
    ]


def test_mock_in_helper_class_nested_in_test_class(lint):
    src = """
        from unittest.mock import MagicMock


        class TestA:
            class Helper:
                m = MagicMock()

            def test_it(self):
                pass
    """
    assert lint(src, SELECT) == [at(4, 1, "MXS001"), at(4, 1, "MXS002")]


def test_mocker_variants_in_fixture_method(lint):
    src = """
        import pytest


        class TestA:
            @pytest.fixture
            def thing(self, class_mocker):
                return class_mocker.patch("a.b")

            def test_it(self, thing):
                pass
    """
    assert lint(src, SELECT) == [at(4, 1, "MXS001"), at(4, 1, "MXS002")]


def test_mock_in_parametrize_of_test_method(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="g")
        class TestA:
            def teardown_method(self):
                pass

            @pytest.mark.parametrize("m", [MagicMock()])
            def test_it(self, m):
                pass
    """
    assert lint(src, SELECT) == [at(6, 1, "MXS002")]


# -- --mxs-mock-factories (its parsing is in tests/options/; here: what it matches) ---------

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


def test_custom_factory_adds(lint):
    src = """
        from unittest.mock import Mock
        from tests.helpers import make_mock as mm


        def test_a():
            Mock()


        def test_b():
            mm()


        def test_c():
            from unittest.mock import MagicMock
            MagicMock()
    """
    factories = "--mxs-mock-factories=unittest.mock.Mock,tests.helpers.make_mock"
    assert lint(src, MXS001_ONLY, factories) == sorted([
        at(5, 1, "MXS001"), at(9, 1, "MXS001"), at(13, 1, "MXS001"),
    ])
    assert lint(src, MXS001_ONLY) == [at(13, 1, "MXS001")]


def test_custom_factory_given_with_backport_spelling(lint):
    src = """
        from unittest.mock import Mock


        def test_a():
            Mock()
    """
    assert lint(src, MXS001_ONLY, "--mxs-mock-factories=mock.Mock") == [at(4, 1, "MXS001")]


def test_custom_factory_through_relative_import(lint):
    files = {
        "tests/__init__.py": "",
        "tests/test_a.py": """
            from .helpers import make_mock


            def test_a():
                make_mock()
        """,
    }
    assert lint(files, MXS001_ONLY, "--mxs-mock-factories=tests.helpers.make_mock") == [
        "tests/test_a.py:4:1: MXS001"]
