"""MXS010 - mock without a spec (opinionated, off by default) (black-box, through real flake8).

Position convention: the mock-class call node (``client = MagicMock()`` -> the ``M``).
"""
import pytest

SELECT = "--select=MXS010"


def case(src, *expected, id):
    return pytest.param(src, sorted(expected), id=id)  # lint() sorts as strings


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


@pytest.mark.parametrize("src, expected", NOT_MOCK_CLASS_CALLS)
def test_not_mock_class_calls_are_not_reported(lint, src, expected):
    assert lint(src, SELECT) == expected


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


@pytest.mark.parametrize("src, expected", ALIASES)
def test_alias_forms(lint, src, expected):
    assert lint(src, SELECT) == expected


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


# --- off by default -----------------------------------------------------------------------------

DEFAULT_SRC = """
from unittest.mock import MagicMock

def test_it():
    client = MagicMock()
"""


def only(codes, code):
    return [c for c in codes if c.endswith(" " + code)]


def test_off_by_default(lint):
    # Without any select, other MXS codes may fire on this snippet (e.g. MXS001); filter to MXS010.
    assert only(lint(DEFAULT_SRC), "MXS010") == []


def test_enabled_by_extend_select(lint):
    assert only(lint(DEFAULT_SRC, "--extend-select=MXS010"), "MXS010") == sorted([
        "test_example.py:4:14: MXS010"
    ])


def test_enabled_by_extend_select_in_setup_cfg(lint):
    files = {
        "setup.cfg": """
        [flake8]
        extend-select = MXS010
        """,
        "test_example.py": DEFAULT_SRC,
    }
    assert only(lint(files), "MXS010") == ["test_example.py:4:14: MXS010"]


def test_explicit_select_prefix_enables_it(lint):
    # "flake8 treats an explicit --select=MXS as selecting MXS010 too"
    assert only(lint(DEFAULT_SRC, "--select=MXS"), "MXS010") == ["test_example.py:4:14: MXS010"]


def test_non_test_file_is_not_checked(lint):
    assert lint({"factories.py": DEFAULT_SRC}, SELECT) == []


# --- noqa and message ---------------------------------------------------------------------------


def test_noqa(lint):
    src = """
    from unittest.mock import MagicMock

    def test_it():
        first = MagicMock()  # noqa: MXS010
        second = MagicMock()  # noqa: MXS005
    """
    assert lint(src, SELECT) == ["test_example.py:5:14: MXS010"]


def test_message_suggests_spec(project):
    project.write({"test_example.py": DEFAULT_SRC})
    (line,) = project.flake8(SELECT)
    assert line.startswith("test_example.py:4:14: MXS010 ")
    assert "MagicMock" in line
    assert "spec=" in line and "spec_set=" in line and "wraps=" in line
