"""MXS010 - mock without a spec (opinionated, off by default) (exact reports and full messages from
the fast ``lint``; ``# noqa`` and one message through the real flake8). The tests of which
selections switch it on (``--extend-select``, ``setup.cfg``, ``--select=MXS``) check codes only.

Position convention: the mock-class call node (``client = MagicMock()`` -> the ``M``).
"""
import pytest

from cases import CASE, at, case

SELECT = "--select=MXS010"


def msg(line, col, factory, path="test_example.py"):
    """*factory*: the mock class's name, however it was imported or reached (``mocker.``)."""
    return (f"{path}:{line}:{col}: MXS010 {factory}() without a spec invents attributes on access; "
            "pass spec=, spec_set= or wraps=")


IMPORTS = (
    "from unittest.mock import ("
    "AsyncMock, MagicMock, Mock, NonCallableMagicMock, NonCallableMock, create_autospec)"
)


def in_test(*lines):
    """A test function with *lines* as its body; the first body line is line 4."""
    head = [IMPORTS, "", "def test_it(mocker):"]
    return "\n".join(head + ["    " + line for line in lines]) + "\n"


WITHOUT_SPEC = [
    ("client = MagicMock()", 14, "MagicMock"),
    ("client = AsyncMock()", 14, "AsyncMock"),
    ("client = NonCallableMagicMock()", 14, "NonCallableMagicMock"),
    ("client = Mock()", 14, "Mock"),
    ("client = NonCallableMock()", 14, "NonCallableMock"),
    ("client = MagicMock(return_value=3)", 14, "MagicMock"),
    ('client = MagicMock(name="client")', 14, "MagicMock"),
    ("client = mocker.MagicMock()", 14, "MagicMock"),
    ("client = mocker.Mock()", 14, "Mock"),
    ("client = mocker.AsyncMock()", 14, "AsyncMock"),
    ("MagicMock().send(b'x')", 5, "MagicMock"),
]


@pytest.mark.parametrize("line, col, factory", WITHOUT_SPEC, ids=[w[0] for w in WITHOUT_SPEC])
def test_mock_without_spec_is_reported(lint, line, col, factory):
    assert lint.messages(in_test(line), SELECT) == [msg(4, col, factory)]


WITH_SPEC_OR_NOT_JUDGED = [
    "client = MagicMock(spec=dict)",
    "client = MagicMock(spec_set=dict)",
    "client = MagicMock(wraps={})",
    "client = MagicMock(dict)",
    "client = Mock(dict, name='client')",
    "client = AsyncMock(spec=dict)",
    "client = NonCallableMock(spec_set=dict)",
    "client = mocker.MagicMock(spec=dict)",
    "client = mocker.Mock(dict)",
    "client = create_autospec(dict)",
    "client = mocker.create_autospec(dict)",
    "client = make_mock()",
    "assert isinstance(object(), MagicMock)",
]


@pytest.mark.parametrize("line", WITH_SPEC_OR_NOT_JUDGED)
def test_mock_with_spec_or_other_factory_is_not_reported(lint, line):
    assert lint(in_test(line), SELECT) == []


NOT_MOCK_CLASS_CALLS = [
    case(
        """
        from unittest.mock import MagicMock, patch

        def test_patch():
            with patch("os.getcwd") as fake:
                fake.return_value = "/"
            with patch("os.getpid", new_callable=MagicMock):
                pass
        """,
        # patch creates a MagicMock implicitly, but no mock class is called here.
        id="patch-family-not-judged",
    ),
    case(
        """
        class MagicMock:
            pass

        def test_local_class():
            MagicMock()
        """,
        id="local-class-named-magicmock",
    ),
]


@pytest.mark.parametrize(CASE, NOT_MOCK_CLASS_CALLS)
def test_not_mock_class_calls_are_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


ALIASES = [
    case(
        """
        from unittest import mock as um

        def test_it():
            client = um.MagicMock()
        """,
        msg(4, 14, "MagicMock"),
        id="from-unittest-import-mock-as",
    ),
    case(
        """
        import unittest.mock

        def test_it():
            client = unittest.mock.Mock()
        """,
        msg(4, 14, "Mock"),
        id="import-unittest-mock",
    ),
    case(
        """
        import mock

        def test_it():
            client = mock.MagicMock()
        """,
        msg(4, 14, "MagicMock"),
        id="mock-backport",
    ),
    case(
        """
        from unittest.mock import MagicMock as MM

        def test_it():
            client = MM()
        """,
        msg(4, 14, "MagicMock"),
        id="magicmock-as-mm",
    ),
    case(
        """
        from mock import NonCallableMock

        def test_it():
            client = NonCallableMock()
        """,
        msg(4, 14, "NonCallableMock"),
        id="from-mock-backport-import",
    ),
    case(
        """
        from unittest import mock as um

        def test_it():
            client = um.MagicMock(spec=dict)
        """,
        id="alias-with-spec",
    ),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


def test_module_level_and_class_body_are_reported(lint):
    src = """
    from unittest.mock import MagicMock

    SHARED = MagicMock()

    class TestClient:
        transport = MagicMock(spec=object)
        session = MagicMock()
    """
    assert lint.messages(src, SELECT) == sorted([
        msg(3, 10, "MagicMock"),
        msg(7, 15, "MagicMock"),
    ])


def test_two_mocks_on_one_line(lint):
    src = """
    from unittest.mock import MagicMock

    def test_it():
        first, second = MagicMock(), MagicMock(spec=dict)
        third, fourth = MagicMock(), Mock()
    """
    # One report per spec-less call; `Mock` is not imported here, so `Mock()` is not a mock class.
    assert lint.messages(src, SELECT) == sorted([
        msg(4, 21, "MagicMock"),
        msg(5, 21, "MagicMock"),
    ])


SEVERAL_MOCKS = [
    case(
        """
        from unittest.mock import MagicMock, Mock, NonCallableMock

        def test_it(mocker, X):
            a = mocker.MagicMock()
            b = Mock(name="x")
            c = NonCallableMock(spec_set=X)
            d = MagicMock(wraps=X)
            e = MagicMock(X)
            f = mocker.NonCallableMagicMock(return_value=1)
        """,
        msg(4, 9, "MagicMock"),
        msg(5, 9, "Mock"),
        msg(9, 9, "NonCallableMagicMock"),
        id="spec-less-forms-among-others"),
    case(
        """
        import mock

        def test_it():
            a = mock.Mock()
            b = mock.create_autospec(dict)
            c = mock.patch("os.getcwd")
        """,
        msg(4, 9, "Mock"),
        id="backport-mock-only-the-mock-classes"),
]


@pytest.mark.parametrize(CASE, SEVERAL_MOCKS)
def test_only_spec_less_mock_classes_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- off by default -----------------------------------------------------------------------------

DEFAULT_SRC = """
from unittest.mock import MagicMock

def test_it():
    client = MagicMock()
"""


def test_off_by_default(lint):
    assert lint(DEFAULT_SRC) == []
    assert lint(DEFAULT_SRC, "--ignore=E501") == []  # a plain ignore does not switch it on


def test_off_by_default_on_a_grouped_test(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        @pytest.mark.xdist_group(name="example")
        def test_it():
            a = MagicMock()
        """
    assert lint(src) == []


def test_enabled_by_extend_select(lint):
    assert lint(DEFAULT_SRC, "--extend-select=MXS010") == [at(4, 14, "MXS010")]


def test_enabled_by_extend_select_in_setup_cfg(lint_flake8):
    files = {
        "setup.cfg": """
        [flake8]
        extend-select = MXS010
        """,
        "test_example.py": DEFAULT_SRC,
    }
    assert lint_flake8(files) == [at(4, 14, "MXS010")]


def test_explicit_select_prefix_enables_it(lint):
    # "flake8 treats an explicit --select=MXS as selecting MXS010 too"
    assert lint(DEFAULT_SRC, "--select=MXS") == [at(3, 1, "MXS001"), at(4, 14, "MXS010")]


def test_non_test_file_is_not_checked(lint):
    assert lint({"factories.py": DEFAULT_SRC}, SELECT) == []


# --- noqa and message ---------------------------------------------------------------------------

def test_noqa(lint_flake8):
    src = """
    from unittest.mock import MagicMock

    def test_it():
        first = MagicMock()  # noqa: MXS010
        second = MagicMock()  # noqa: MXS005
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:5:14: MXS010"]


def test_message_suggests_spec(project):
    project.write({"test_example.py": DEFAULT_SRC})
    assert project.flake8(SELECT) == [msg(4, 14, "MagicMock")]
