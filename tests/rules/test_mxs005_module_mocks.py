"""MXS005 - mock created once and shared across tests (exact reports and full messages from the
fast ``lint``; ``# noqa`` and one message through the real flake8).

Position convention: the mock-creation call node (``client = MagicMock()`` -> the ``M``).
"""
import pytest

from cases import CASE, case

SELECT = "--select=MXS005"
MODULE = "at module level"


def attribute_of(name, kind="test class"):
    """*where* for a class attribute (and a method's default value, evaluated in the class body)."""
    return f"as a class attribute of {kind} {name}"


def msg(line, col, factory="MagicMock", where=MODULE, path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS005 {factory}() created {where} is shared by every test in the "
            "worker; create it inside a test or a function-scoped fixture")


def read_by_two_tests(src, *names):
    """*src* with two tests that read *names* appended: what makes a mock shared (MXS005)."""
    indent = next(line[:len(line) - len(line.lstrip())] for line in src.splitlines() if line.strip())
    reads = " and ".join(names)
    tail = f"\n\ndef test_reads_a():\n    assert {reads}\n\n\ndef test_reads_b():\n    assert {reads}\n"
    return src.rstrip(" ") + "".join(indent + line if line else line for line in tail.splitlines(True))


SHARED = [
    case(
        read_by_two_tests("""
        from unittest.mock import MagicMock

        client = MagicMock()
        """, 'client'),
        msg(3, 10),
        id="module-level-assignment",
    ),
    case(
        read_by_two_tests("""
        from unittest.mock import AsyncMock, NonCallableMagicMock, create_autospec

        fetch = AsyncMock()
        config = NonCallableMagicMock()
        session = create_autospec(object)
        """, 'fetch', 'config', 'session'),
        msg(3, 9, "AsyncMock"),
        msg(4, 10, "NonCallableMagicMock"),
        msg(5, 11, "create_autospec"),
        id="other-default-factories",
    ),
    case(
        """
        from unittest.mock import MagicMock

        MOCKS = {"db": MagicMock(), "cache": MagicMock()}
        """,
        msg(3, 16),
        msg(3, 38),
        id="inside-module-level-container",
    ),
    case(
        read_by_two_tests("""
        from unittest.mock import MagicMock

        if True:
            client = MagicMock()
        """, 'client'),
        msg(4, 14),
        id="module-level-if-block",
    ),
    case(
        """
        from unittest.mock import MagicMock

        def make_client(transport=MagicMock()):
            return transport
        """,
        msg(3, 27),
        id="default-argument",
    ),
    case(
        """
        from unittest.mock import MagicMock

        class TestClient:
            transport = MagicMock()

            def test_send(self):
                self.transport.send(b"x")

            def test_send_again(self):
                self.transport.send(b"y")
        """,
        msg(4, 17, where=attribute_of("TestClient")),
        id="test-class-attribute",
    ),
    case(
        """
        import unittest
        from unittest.mock import MagicMock

        class ClientTest(unittest.TestCase):
            transport = MagicMock()

            def test_one(self):
                assert self.transport

            def test_two(self):
                assert self.transport
        """,
        msg(5, 17, where=attribute_of("ClientTest")),
        id="testcase-class-attribute",
    ),
    case(
        read_by_two_tests("""
        from unittest.mock import MagicMock

        class Helpers:
            transport = MagicMock()
        """, 'Helpers.transport'),
        # "anything in the module body that is not inside a def/lambda, class bodies included"
        msg(4, 17, where=attribute_of("Helpers", kind="class")),
        id="non-test-class-body-at-module-level",
    ),
    case(
        """
        from unittest.mock import patch

        patch("os.getcwd").start()
        """,
        msg(3, 1, "patch"),
        id="started-patcher-at-module-level",
    ),
    case(
        """
        from unittest.mock import patch

        FAKE_CWD = patch("os.getcwd").start()
        """,
        msg(3, 12, "patch"),
        id="started-patcher-at-module-level-assigned",
    ),
    case(
        """
        from unittest.mock import MagicMock

        make = lambda m=MagicMock(): m
        """,
        msg(3, 17),
        id="lambda-default-at-module-level"),
    case(
        read_by_two_tests("""
        from unittest.mock import MagicMock

        class Helpers:
            client = MagicMock()
        """, 'Helpers.client'),
        msg(4, 14, where=attribute_of("Helpers", kind="class")),
        id="attribute-of-a-non-test-class-at-module-level"),
    case(
        """
        from unittest.mock import MagicMock

        MOCKS = [MagicMock() for _ in range(3)]
        BY_NAME = {n: MagicMock() for n in "ab"}
        """,
        msg(3, 10),
        msg(4, 15),
        id="comprehensions-at-module-level"),
    case(
        """
        from unittest.mock import MagicMock, patch

        @patch("os.getcwd", return_value=MagicMock())
        class TestX:
            def test_it(self, cwd):
                pass
        """,
        msg(3, 34),
        id="mock-in-class-decorator-reported-the-patch-itself-not"),
    case(
        """
        from unittest.mock import MagicMock, patch

        class TestX:
            @patch("os.getcwd", return_value=MagicMock())
            def test_it(self, cwd):
                pass

            def test_default(self, m=MagicMock()):
                pass
        """,
        msg(8, 30, where=attribute_of("TestX")),
        id="method-decorator-silent-method-default-reported"),
    case(
        """
        from unittest.mock import MagicMock, patch

        CWD = patch("os.getcwd", new=MagicMock())
        """,
        msg(3, 30),
        id="mock-passed-as-new-to-a-stored-patch"),
    case(
        read_by_two_tests("""
        from unittest.mock import MagicMock, create_autospec

        def helper(*, m=MagicMock()):
            return m

        SPEC: object = create_autospec(dict)
        """, 'SPEC'),
        msg(3, 17),
        msg(6, 16, "create_autospec"),
        id="keyword-only-default-and-annotated-assignment"),
    case(
        {"conftest.py": """
        import pytest
        from unittest.mock import MagicMock

        SHARED = MagicMock()


        @pytest.fixture
        def shared():
            return SHARED
        """},
        msg(4, 10, path="conftest.py"),
        id="conftest-module-level"),
    case(
        """
        from unittest.mock import patch

        with patch("os.getcwd") as CWD:
            pass
        P = patch("os.getcwd")
        """,
        msg(3, 6, "patch"),
        id="patch-entered-at-module-level-reported-stored-not"),
]


@pytest.mark.parametrize(CASE, SHARED)
def test_shared_mock_is_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


def test_conftest_module_level_is_reported(lint):
    conftest = read_by_two_tests("""
    from unittest.mock import MagicMock

    shared_client = MagicMock()
    """, "shared_client")
    assert lint.messages({"conftest.py": conftest}, SELECT) == [msg(3, 17, path="conftest.py")]


ALIASES = [
    case(
        read_by_two_tests("""
        from unittest import mock as um

        client = um.MagicMock()
        """, 'client'),
        msg(3, 10),
        id="from-unittest-import-mock-as",
    ),
    case(
        read_by_two_tests("""
        import unittest.mock

        client = unittest.mock.MagicMock()
        """, 'client'),
        msg(3, 10),
        id="import-unittest-mock",
    ),
    case(
        read_by_two_tests("""
        import mock

        client = mock.MagicMock()
        """, 'client'),
        msg(3, 10),
        id="mock-backport",
    ),
    case(
        read_by_two_tests("""
        from unittest.mock import MagicMock as MM

        client = MM()
        """, 'client'),
        msg(3, 10),
        id="magicmock-as-mm",
    ),
    case(
        """
        from unittest.mock import patch as p

        p("os.getcwd").start()
        """,
        msg(3, 1, "patch"),
        id="patch-as-p-started",
    ),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


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
    case(
        """
        from unittest.mock import MagicMock

        make = lambda: MagicMock()
        """,
        id="lambda-body"),
    case(
        """
        from unittest.mock import MagicMock

        def test_it():
            def helper(m=MagicMock()):
                return m
            class Local:
                m = MagicMock()
        """,
        id="default-and-class-attribute-inside-a-test"),
]


@pytest.mark.parametrize(CASE, NOT_SHARED)
def test_per_test_mock_is_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


def test_mock_factories_option_adds_factory(lint):
    src = read_by_two_tests("""
    from unittest.mock import Mock

    SENTINEL = Mock()
    """, "SENTINEL")
    assert lint.messages(src, SELECT, "--mxs-mock-factories=unittest.mock.Mock") == [msg(3, 12, "Mock")]


def test_noqa(lint_flake8):
    src = read_by_two_tests("""
    from unittest.mock import MagicMock

    first = MagicMock()  # noqa: MXS005
    second = MagicMock()  # noqa: MXS001
    """, "first", "second")
    assert lint_flake8(src, SELECT) == ["test_example.py:4:10: MXS005"]


def test_message_names_factory(project):
    project.write(
        {
            "test_example.py": read_by_two_tests("""
            from unittest.mock import MagicMock

            client = MagicMock()
            """, "client")
        }
    )
    assert project.flake8(SELECT) == [msg(3, 10)]


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
    assert lint.messages(src, SELECT) == [msg(3, 7, "patch")]


# -- shared only when more than one test item sees it ------------------------------------
SHARING_HEAD = "import pytest\nfrom unittest.mock import MagicMock\n\n"

SHARING = [
    case(SHARING_HEAD + "CLIENT = MagicMock()\n\n\ndef test_one():\n    assert CLIENT\n",
         id="one-plain-test"),
    case(SHARING_HEAD + "CLIENT = MagicMock()\n\n\ndef test_one():\n    assert CLIENT\n\n\ndef test_two():\n"
         "    assert CLIENT\n",
         msg(4, 10), id="two-tests"),
    case(SHARING_HEAD + "CLIENT = MagicMock()\n\n\n@pytest.mark.parametrize('n', [1, 2])\ndef test_n(n):\n"
         "    assert CLIENT\n",
         msg(4, 10), id="one-parametrized-test"),
    case(SHARING_HEAD + "CLIENT = MagicMock()\n\n\n@pytest.fixture\ndef client():\n    return CLIENT\n",
         msg(4, 10), id="handed-out-by-a-fixture"),
    case(SHARING_HEAD + "CLIENT = MagicMock()\n",
         id="seen-by-no-test"),
    case(SHARING_HEAD + "CLIENT = MagicMock()\n\n\n@pytest.fixture(autouse=True)\ndef reset():\n    yield\n"
         "    CLIENT.reset_mock()\n\n\ndef test_one():\n    assert CLIENT\n\n\ndef test_two():\n"
         "    assert CLIENT\n",
         id="reset-after-each-test-by-an-autouse-fixture"),
    case(SHARING_HEAD + "CLIENT = MagicMock()\n\n\n@pytest.fixture\ndef reset():\n    yield\n"
         "    CLIENT.reset_mock()\n\n\ndef test_one(reset):\n    assert CLIENT\n\n\ndef test_two():\n"
         "    assert CLIENT\n",
         msg(4, 10), id="reset-only-around-one-of-the-tests"),
    case(SHARING_HEAD + "CLIENT = MagicMock()\n\n\n@pytest.fixture(autouse=True)\ndef reset():\n"
         "    CLIENT.reset_mock()\n    yield\n\n\ndef test_one():\n    assert CLIENT\n\n\ndef test_two():\n"
         "    assert CLIENT\n",
         msg(4, 10), id="reset-before-the-test-is-not-after-it"),
    case(SHARING_HEAD + "class TestApi:\n    client = MagicMock()\n\n    def test_one(self):\n"
         "        assert self.client\n",
         id="class-attribute-one-test"),
    case(SHARING_HEAD + "class TestApi:\n    client = MagicMock()\n\n    def test_one(self):\n"
         "        assert self.client\n\n    def test_two(self):\n        assert TestApi.client\n",
         msg(5, 14, where=attribute_of("TestApi")), id="class-attribute-two-tests"),
    case(SHARING_HEAD + "from unittest.mock import patch\n\nPATCHER = patch('os.getcwd')\nPATCHER.start()\n",
         msg(6, 11, "patch"), id="patcher-started-at-import-is-every-tests"),
    case(SHARING_HEAD + "SHARED = {'client': MagicMock()}\n\n\ndef test_one():\n    assert SHARED\n",
         msg(4, 21), id="stored-where-it-cannot-be-followed"),
]


@pytest.mark.parametrize(CASE, SHARING)
def test_shared_only_when_more_than_one_test_item_sees_it(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected
