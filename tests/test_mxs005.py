"""MXS005 - mock created once and shared across tests (black-box, through real flake8).

Position convention: the mock-creation call node (``client = MagicMock()`` -> the ``M``).
"""
import pytest

SELECT = "--select=MXS005"


def case(src, *expected, id):
    return pytest.param(src, sorted(expected), id=id)  # lint() sorts as strings


SHARED = [
    case(
        """
        from unittest.mock import MagicMock

        client = MagicMock()
        """,
        "test_example.py:3:10: MXS005",
        id="module-level-assignment",
    ),
    case(
        """
        from unittest.mock import AsyncMock, NonCallableMagicMock, create_autospec

        fetch = AsyncMock()
        config = NonCallableMagicMock()
        session = create_autospec(object)
        """,
        "test_example.py:3:9: MXS005",
        "test_example.py:4:10: MXS005",
        "test_example.py:5:11: MXS005",
        id="other-default-factories",
    ),
    case(
        """
        from unittest.mock import MagicMock

        MOCKS = {"db": MagicMock(), "cache": MagicMock()}
        """,
        "test_example.py:3:16: MXS005",
        "test_example.py:3:38: MXS005",
        id="inside-module-level-container",
    ),
    case(
        """
        from unittest.mock import MagicMock

        if True:
            client = MagicMock()
        """,
        "test_example.py:4:14: MXS005",
        id="module-level-if-block",
    ),
    case(
        """
        from unittest.mock import MagicMock

        def make_client(transport=MagicMock()):
            return transport
        """,
        "test_example.py:3:27: MXS005",
        id="default-argument",
    ),
    case(
        """
        from unittest.mock import MagicMock

        class TestClient:
            transport = MagicMock()

            def test_send(self):
                self.transport.send(b"x")
        """,
        "test_example.py:4:17: MXS005",
        id="test-class-attribute",
    ),
    case(
        """
        import unittest
        from unittest.mock import MagicMock

        class ClientTest(unittest.TestCase):
            transport = MagicMock()
        """,
        "test_example.py:5:17: MXS005",
        id="testcase-class-attribute",
    ),
    case(
        """
        from unittest.mock import MagicMock

        class Helpers:
            transport = MagicMock()
        """,
        # "anything in the module body that is not inside a def/lambda, class bodies included"
        "test_example.py:4:17: MXS005",
        id="non-test-class-body-at-module-level",
    ),
    case(
        """
        from unittest.mock import patch

        patch("os.getcwd").start()
        """,
        "test_example.py:3:1: MXS005",
        id="started-patcher-at-module-level",
    ),
    case(
        """
        from unittest.mock import patch

        FAKE_CWD = patch("os.getcwd").start()
        """,
        "test_example.py:3:12: MXS005",
        id="started-patcher-at-module-level-assigned",
    ),
]


@pytest.mark.parametrize("src, expected", SHARED)
def test_shared_mock_is_reported(lint, src, expected):
    assert lint(src, SELECT) == expected


def test_conftest_module_level_is_reported(lint):
    conftest = """
    from unittest.mock import MagicMock

    shared_client = MagicMock()
    """
    assert lint({"conftest.py": conftest}, SELECT) == ["conftest.py:3:17: MXS005"]


ALIASES = [
    case(
        """
        from unittest import mock as um

        client = um.MagicMock()
        """,
        "test_example.py:3:10: MXS005",
        id="from-unittest-import-mock-as",
    ),
    case(
        """
        import unittest.mock

        client = unittest.mock.MagicMock()
        """,
        "test_example.py:3:10: MXS005",
        id="import-unittest-mock",
    ),
    case(
        """
        import mock

        client = mock.MagicMock()
        """,
        "test_example.py:3:10: MXS005",
        id="mock-backport",
    ),
    case(
        """
        from unittest.mock import MagicMock as MM

        client = MM()
        """,
        "test_example.py:3:10: MXS005",
        id="magicmock-as-mm",
    ),
    case(
        """
        from unittest.mock import patch as p

        p("os.getcwd").start()
        """,
        "test_example.py:3:1: MXS005",
        id="patch-as-p-started",
    ),
]


@pytest.mark.parametrize("src, expected", ALIASES)
def test_alias_forms_are_reported(lint, src, expected):
    assert lint(src, SELECT) == expected


NOT_SHARED = [
    case(
        """
        from unittest.mock import MagicMock

        def test_client():
            client = MagicMock()
            client.send(b"x")
        """,
        id="inside-test-function",
    ),
    case(
        """
        from unittest.mock import MagicMock

        class TestClient:
            def setup_method(self):
                self.client = MagicMock()

            def test_send(self):
                self.client.send(b"x")
        """,
        id="inside-method",
    ),
    case(
        """
        from unittest.mock import MagicMock

        make_client = lambda: MagicMock()
        """,
        id="inside-lambda",
    ),
    case(
        """
        from unittest.mock import MagicMock

        def test_nested_default():
            def helper(transport=MagicMock()):
                return transport
            helper()
        """,
        id="default-argument-of-nested-function",
    ),
    case(
        """
        from unittest.mock import MagicMock
        import pytest

        @pytest.fixture
        def client():
            return MagicMock()
        """,
        id="function-scoped-fixture",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        CWD = patch("os.getcwd")
        ENV = patch.dict(os.environ, {"A": "1"})
        OBJ = patch.object(os, "getpid")

        @CWD
        def test_cwd(fake):
            pass
        """,
        id="patch-family-only-stored",
    ),
    case(
        """
        from unittest.mock import MagicMock
        import pytest

        @pytest.mark.parametrize("client", [MagicMock(), MagicMock(name="x")])
        def test_client(client):
            client.send(b"x")
        """,
        id="parametrize-values",
    ),
    case(
        """
        from unittest.mock import MagicMock, patch

        @patch("requests.get", return_value=MagicMock(status_code=200))
        def test_get(fake_get):
            pass
        """,
        id="patch-decorator-with-mock-return-value",
    ),
    case(
        """
        from unittest.mock import MagicMock, patch

        class TestClient:
            @patch("requests.get", return_value=MagicMock(status_code=200))
            def test_get(self, fake_get):
                pass
        """,
        id="method-decorator",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        patch.dict(os.environ, {"A": "1"}).start()
        """,
        # patch.dict creates no mock (shared definition of mock creation).
        id="patch-dict-started-creates-no-mock",
    ),
    case(
        """
        from unittest.mock import patch

        patch("os.getcwd", new=lambda: "/").start()
        patch("os.getpid", lambda: 1).start()
        """,
        # patch given a replacement creates no mock.
        id="patch-with-replacement-started",
    ),
    case(
        """
        from unittest.mock import MagicMock, Mock

        SENTINEL = Mock()
        IS_MOCK = isinstance(SENTINEL, MagicMock)
        """,
        # Mock is not among the default mock factories; isinstance() is a mention.
        id="mock-class-not-a-default-factory-and-mentions",
    ),
    case(
        """
        class MagicMock:
            pass

        client = MagicMock()
        """,
        id="local-class-named-magicmock",
    ),
]


@pytest.mark.parametrize("src, expected", NOT_SHARED)
def test_per_test_mock_is_not_reported(lint, src, expected):
    assert lint(src, SELECT) == expected


def test_mock_factories_option_adds_factory(lint):
    src = """
    from unittest.mock import Mock

    SENTINEL = Mock()
    """
    assert lint(src, SELECT, "--mxs-mock-factories=unittest.mock.Mock") == sorted([
        "test_example.py:3:12: MXS005"
    ])


def test_noqa(lint):
    src = """
    from unittest.mock import MagicMock

    first = MagicMock()  # noqa: MXS005
    second = MagicMock()  # noqa: MXS001
    """
    assert lint(src, SELECT) == ["test_example.py:4:10: MXS005"]


def test_message_names_factory(project):
    project.write(
        {
            "test_example.py": """
            from unittest.mock import MagicMock

            client = MagicMock()
            """
        }
    )
    (line,) = project.flake8(SELECT)
    assert line.startswith("test_example.py:3:10: MXS005 ")
    assert "MagicMock()" in line


def test_stored_patcher_started_by_the_module_body_is_reported(lint):
    src = """
    from unittest.mock import patch

    CWD = patch("os.getcwd")
    CWD.start()
    PID = patch("os.getpid")


    def setup_module():
        PID.start()
    """
    # CWD's mock is created at import time; PID's only when setup_module runs.
    assert lint(src, SELECT) == ["test_example.py:3:7: MXS005"]
