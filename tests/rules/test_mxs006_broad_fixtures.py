"""MXS006 - broad-scoped fixture hands out a mock (exact reports and full messages from the fast
``lint``; ``# noqa``, ``setup.cfg`` and one message through the real flake8).

Position: the fixture's ``def`` line (not the decorator), column of ``def`` / ``async``.
"""
import pytest

from cases import CASE, case

SELECT = "--select=MXS006"


def msg(line, col, name, scope, path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS006 fixture {name} (scope={scope!r}) creates a mock that every "
            "test in its scope shares; create the mock in a function-scoped fixture")


BROAD = [
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="module")
        def client():
            return MagicMock()
        """,
        msg(5, 1, "client", "module"),
        id="module-scope",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="package")
        def client():
            return MagicMock()
        """,
        msg(5, 1, "client", "package"),
        id="package-scope",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="session", autouse=True)
        def client():
            client = MagicMock()
            yield client
        """,
        msg(5, 1, "client", "session"),
        id="session-scope-autouse",
    ),
    case(
        """
        import pytest
        from unittest.mock import patch

        @pytest.fixture(scope="session")
        def fake_cwd():
            with patch("os.getcwd") as fake:
                yield fake
        """,
        msg(5, 1, "fake_cwd", "session"),
        id="patch-context-manager",
    ),
    case(
        """
        import pytest

        @pytest.fixture(scope="module")
        def fake_get(module_mocker):
            return module_mocker.patch("requests.get")
        """,
        msg(4, 1, "fake_get", "module"),
        id="module-mocker",
    ),
    case(
        """
        import pytest

        @pytest.fixture(scope="session")
        def fake_get(session_mocker):
            return session_mocker.MagicMock()
        """,
        msg(4, 1, "fake_get", "session"),
        id="session-mocker",
    ),
    case(
        """
        import pytest

        @pytest.fixture(scope="module")
        def fake_get(package_mocker):
            return package_mocker.patch.object(object, "x")
        """,
        # "the fixture's own scope decides"
        msg(4, 1, "fake_get", "module"),
        id="package-mocker-in-module-fixture",
    ),
    case(
        """
        import pytest
        from unittest.mock import AsyncMock

        @pytest.fixture(scope="module")
        async def client():
            return AsyncMock()
        """,
        msg(5, 1, "client", "module"),
        id="async-def",
    ),
    case(
        """
        import pytest_asyncio
        from unittest.mock import AsyncMock

        @pytest_asyncio.fixture(scope="session")
        async def client():
            return AsyncMock()
        """,
        msg(5, 1, "client", "session"),
        id="pytest-asyncio-fixture",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        class TestClient:
            @pytest.fixture(scope="module")
            def client(self):
                return MagicMock()

            def test_send(self, client):
                client.send(b"x")
        """,
        msg(6, 5, "client", "module"),
        id="fixture-method-in-test-class",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock, create_autospec

        @pytest.fixture(scope="module")
        @pytest.mark.usefixtures("db")
        def client():
            first = MagicMock()
            second = create_autospec(object)
            return first, second
        """,
        # reported once per fixture, at the def line
        msg(6, 1, "client", "module"),
        id="two-mocks-one-report-stacked-decorators",
    ),
    case(
        """
        import pytest_asyncio
        from unittest.mock import AsyncMock

        @pytest_asyncio.fixture(scope="module")
        async def client():
            return AsyncMock()
        """,
        msg(5, 1, "client", "module"),
        id="pytest-asyncio-fixture-module-scope"),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="module")
        def mod():
            return MagicMock()

        @pytest.fixture(scope="session")
        def ses():
            return MagicMock()
        """,
        msg(9, 1, "ses", "session"),
        id="broad-scopes-narrowed-to-session", args=["--mxs-broad-scopes=session"]),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="session")
        def mocks():
            return [MagicMock() for _ in range(2)]
        """,
        msg(5, 1, "mocks", "session"),
        id="mock-in-a-comprehension-in-the-body"),
    case(
        """
        import pytest

        @pytest.fixture(scope="module")
        def cwd(module_mocker):
            return module_mocker.patch("os.getcwd")

        @pytest.fixture(scope="session")
        def client(session_mocker):
            return session_mocker.MagicMock()
        """,
        msg(4, 1, "cwd", "module"),
        msg(8, 1, "client", "session"),
        id="module-and-session-mocker"),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        class TestX:
            @pytest.fixture(scope="module")
            def client(self):
                return MagicMock()

            @pytest.fixture(scope="class")
            def other(self):
                return MagicMock()
        """,
        msg(6, 5, "client", "module"),
        id="fixture-method-in-a-class-at-its-def-line"),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="module")
        @pytest.mark.usefixtures("x")
        def client():
            yield MagicMock()
        """,
        msg(6, 1, "client", "module"),
        id="reported-at-the-def-line-below-decorators"),
]


@pytest.mark.parametrize(CASE, BROAD)
def test_broad_fixture_with_mock_is_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


def test_conftest_fixture_is_reported(lint):
    conftest = """
    import pytest
    from unittest.mock import MagicMock

    @pytest.fixture(scope="session")
    def client():
        return MagicMock()
    """
    assert lint.messages({"conftest.py": conftest}, SELECT) == [
        msg(5, 1, "client", "session", path="conftest.py")]


ALIASES = [
    case(
        """
        import pytest as pt
        from unittest.mock import MagicMock

        @pt.fixture(scope="module")
        def client():
            return MagicMock()
        """,
        msg(5, 1, "client", "module"),
        id="import-pytest-as",
    ),
    case(
        """
        from pytest import fixture
        from unittest.mock import MagicMock

        @fixture(scope="session")
        def client():
            return MagicMock()
        """,
        msg(5, 1, "client", "session"),
        id="from-pytest-import-fixture",
    ),
    case(
        """
        import pytest
        from unittest import mock as um

        @pytest.fixture(scope="module")
        def client():
            return um.MagicMock()
        """,
        msg(5, 1, "client", "module"),
        id="from-unittest-import-mock-as",
    ),
    case(
        """
        import pytest
        import unittest.mock

        @pytest.fixture(scope="module")
        def client():
            return unittest.mock.MagicMock()
        """,
        msg(5, 1, "client", "module"),
        id="import-unittest-mock",
    ),
    case(
        """
        import pytest
        import mock

        @pytest.fixture(scope="module")
        def client():
            return mock.MagicMock()
        """,
        msg(5, 1, "client", "module"),
        id="mock-backport",
    ),
    case(
        """
        import pytest
        from unittest.mock import patch as p

        @pytest.fixture(scope="module")
        def fake_cwd():
            with p("os.getcwd") as fake:
                yield fake
        """,
        msg(5, 1, "fake_cwd", "module"),
        id="patch-as-p",
    ),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


NOT_REPORTED = [
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture
        def client():
            return MagicMock()
        """,
        id="default-function-scope",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="function")
        def client():
            return MagicMock()
        """,
        id="explicit-function-scope",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="class")
        def client():
            return MagicMock()
        """,
        id="class-scope-not-broad-by-default",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        SCOPE = "session"

        @pytest.fixture(scope=SCOPE)
        def client():
            return MagicMock()
        """,
        id="scope-as-variable",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        def pick_scope(fixture_name, config):
            return "session"

        @pytest.fixture(scope=pick_scope)
        def client():
            return MagicMock()
        """,
        id="scope-as-callable",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="session")
        def client_factory():
            def make():
                return MagicMock()
            return make
        """,
        id="mock-only-in-nested-def",
    ),
    case(
        """
        import pytest

        @pytest.fixture(scope="session")
        def settings():
            return {"debug": True}
        """,
        id="no-mock",
    ),
    case(
        """
        import os
        import pytest
        from unittest.mock import patch

        @pytest.fixture(scope="session")
        def env():
            with patch.dict(os.environ, {"A": "1"}):
                yield
        """,
        id="patch-dict-creates-no-mock",
    ),
    case(
        """
        import pytest
        from unittest.mock import patch

        @pytest.fixture(scope="session")
        def cwd():
            with patch("os.getcwd", new=lambda: "/"):
                yield
        """,
        id="patch-with-replacement",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.mark.usefixtures("db")
        def helper(scope="session"):
            return MagicMock()
        """,
        id="not-a-fixture",
    ),
    case(
        """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="session")
        def factory():
            def make():
                return MagicMock()
            return make
        """,
        id="mock-only-in-a-nested-def"),
]


@pytest.mark.parametrize(CASE, NOT_REPORTED)
def test_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


# --- --mxs-broad-scopes -------------------------------------------------------------------------

SCOPES_SRC = """
import pytest
from unittest.mock import MagicMock

@pytest.fixture(scope="class")
def by_class():
    return MagicMock()

@pytest.fixture(scope="module")
def by_module():
    return MagicMock()

@pytest.fixture(scope="session")
def by_session():
    return MagicMock()
"""


def test_broad_scopes_default(lint):
    assert lint.messages(SCOPES_SRC, SELECT) == sorted([
        msg(9, 1, "by_module", "module"),
        msg(13, 1, "by_session", "session"),
    ])


def test_broad_scopes_option_replaces_default(lint):
    assert lint.messages(SCOPES_SRC, SELECT, "--mxs-broad-scopes=class") == sorted([
        msg(5, 1, "by_class", "class"),
    ])


def test_broad_scopes_option_list(lint):
    assert lint.messages(SCOPES_SRC, SELECT, "--mxs-broad-scopes=class,session") == sorted([
        msg(5, 1, "by_class", "class"),
        msg(13, 1, "by_session", "session"),
    ])


def test_broad_scopes_from_setup_cfg(lint_flake8):
    files = {
        "setup.cfg": """
        [flake8]
        mxs-broad-scopes = class, module
        """,
        "test_example.py": SCOPES_SRC,
    }
    assert lint_flake8.messages(files, SELECT) == sorted([
        msg(5, 1, "by_class", "class"),
        msg(9, 1, "by_module", "module"),
    ])


def test_broad_scopes_typo_is_a_one_line_error(project):
    project.write({"test_example.py": SCOPES_SRC})
    result = project.run("--select=MXS006", "--mxs-broad-scopes=class,modul", "test_example.py")
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "mxs-broad-scopes" in lines[0]
    assert "modul" in lines[0]


# --- noqa and message ---------------------------------------------------------------------------

def test_noqa_on_def_line(lint_flake8):
    src = """
    import pytest
    from unittest.mock import MagicMock

    @pytest.fixture(scope="module")
    def first():  # noqa: MXS006
        return MagicMock()

    @pytest.fixture(scope="module")
    def second():  # noqa: MXS005
        return MagicMock()
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:9:1: MXS006"]


def test_message_names_fixture_and_scope(project):
    project.write(
        {
            "test_example.py": """
            import pytest
            from unittest.mock import MagicMock

            @pytest.fixture(scope="module")
            def api_client():
                return MagicMock()
            """
        }
    )
    assert project.flake8(SELECT) == [msg(5, 1, "api_client", "module")]
