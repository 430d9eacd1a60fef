"""MXS010 - mock without a spec (opinionated, off by default) (exact reports from the fast ``lint``; ``# noqa`` and the messages through the real flake8).

Position convention: the mock-class call node (``client = MagicMock()`` -> the ``M``).
"""
import pytest

from cases import CASE, at, case

SELECT = "--select=MXS010"


IMPORTS = (
    "from unittest.mock import ("
    "AsyncMock, MagicMock, Mock, NonCallableMagicMock, NonCallableMock, create_autospec)"
)


def in_test(*lines):
    """A test function with *lines* as its body; the first body line is line 4."""
    head = [IMPORTS, "", "def test_it(mocker):"]
    return "\n".join(head + ["    " + line for line in lines]) + "\n"


WITHOUT_SPEC = [
    ("client = MagicMock()", 14),
    ("client = AsyncMock()", 14),
    ("client = NonCallableMagicMock()", 14),
    ("client = Mock()", 14),
    ("client = NonCallableMock()", 14),
    ("client = MagicMock(return_value=3)", 14),
    ('client = MagicMock(name="client")', 14),
    ("client = mocker.MagicMock()", 14),
    ("client = mocker.Mock()", 14),
    ("client = mocker.AsyncMock()", 14),
    ("MagicMock().send(b'x')", 5),
]


@pytest.mark.parametrize("line, col", WITHOUT_SPEC, ids=[w[0] for w in WITHOUT_SPEC])
def test_mock_without_spec_is_reported(lint, line, col):
    assert lint(in_test(line), SELECT) == [f"test_example.py:4:{col}: MXS010"]


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
        "test_example.py:4:14: MXS010",
        id="from-unittest-import-mock-as",
    ),
    case(
        """
        import unittest.mock

        def test_it():
            client = unittest.mock.Mock()
        """,
        "test_example.py:4:14: MXS010",
        id="import-unittest-mock",
    ),
    case(
        """
        import mock

        def test_it():
            client = mock.MagicMock()
        """,
        "test_example.py:4:14: MXS010",
        id="mock-backport",
    ),
    case(
        """
        from unittest.mock import MagicMock as MM

        def test_it():
            client = MM()
        """,
        "test_example.py:4:14: MXS010",
        id="magicmock-as-mm",
    ),
    case(
        """
        from mock import NonCallableMock

        def test_it():
            client = NonCallableMock()
        """,
        "test_example.py:4:14: MXS010",
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
    assert lint(src, SELECT, *args) == expected


def test_module_level_and_class_body_are_reported(lint):
    src = """
    from unittest.mock import MagicMock

    SHARED = MagicMock()

    class TestClient:
        transport = MagicMock(spec=object)
        session = MagicMock()
    """
    assert lint(src, SELECT) == sorted([
        "test_example.py:3:10: MXS010",
        "test_example.py:7:15: MXS010",
    ])


def test_two_mocks_on_one_line(lint):
    src = """
    from unittest.mock import MagicMock

    def test_it():
        first, second = MagicMock(), MagicMock(spec=dict)
        third, fourth = MagicMock(), Mock()
    """
    # One report per spec-less call; `Mock` is not imported here, so `Mock()` is not a mock class.
    assert lint(src, SELECT) == sorted([
        "test_example.py:4:21: MXS010",
        "test_example.py:5:21: MXS010",
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
        "test_example.py:4:9: MXS010",
        "test_example.py:5:9: MXS010",
        "test_example.py:9:9: MXS010",
        id="spec-less-forms-among-others"),
    case(
        """
        import mock

        def test_it():
            a = mock.Mock()
            b = mock.create_autospec(dict)
            c = mock.patch("os.getcwd")
        """,
        "test_example.py:4:9: MXS010",
        id="backport-mock-only-the-mock-classes"),
]


@pytest.mark.parametrize(CASE, SEVERAL_MOCKS)
def test_only_spec_less_mock_classes_are_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


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
    (line,) = project.flake8(SELECT)
    assert line.startswith("test_example.py:4:14: MXS010 ")
    assert "MagicMock" in line
    assert "spec=" in line and "spec_set=" in line and "wraps=" in line
