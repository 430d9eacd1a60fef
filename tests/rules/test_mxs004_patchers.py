"""MXS004 - patcher started without a guaranteed stop (exact reports and full messages from the
fast ``lint``; ``# noqa`` and one message through the real flake8).

Position convention: the ``.start()`` call node. For ``patch("x").start()`` it starts where the
outer call expression starts (the ``p`` of ``patch``); for ``p.start()`` at ``p``.
"""
import pytest

from cases import CASE, case

SELECT = "--select=MXS004"


def msg(line, col, target, path="test_example.py"):
    """*target*: the string given to ``patch()``, ``obj.attr`` for ``patch.object``, else the
    first argument as written."""
    return (f"{path}:{line}:{col}: MXS004 patcher for {target} is started without a guaranteed stop; "
            "use a with block, the decorator, or pytest-mock's mocker")


# --- started patchers without a stop are reported --------------------------------------------

STARTED = [
    case(
        """
        from unittest.mock import patch

        def test_chained():
            patch("os.getcwd").start()
        """,
        msg(4, 5, "os.getcwd"),
        id="patch-chained",
    ),
    case(
        """
        from unittest.mock import patch

        def test_chained_value():
            fake_cwd = patch("os.getcwd").start()
            fake_cwd.return_value = "/"
        """,
        msg(4, 16, "os.getcwd"),
        id="patch-chained-assigned",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        def test_object():
            patch.object(os, "getcwd").start()
        """,
        msg(5, 5, "os.getcwd"),
        id="patch-object-chained",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        def test_dict():
            patch.dict(os.environ, {"API_KEY": "secret"}).start()
        """,
        msg(5, 5, "os.environ"),
        id="patch-dict-chained",
    ),
    case(
        """
        import os
        from unittest.mock import DEFAULT, patch

        def test_multiple():
            patch.multiple(os, getcwd=DEFAULT, getpid=DEFAULT).start()
        """,
        msg(5, 5, "os"),
        id="patch-multiple-chained",
    ),
    case(
        """
        from unittest.mock import patch

        def test_local_variable():
            patcher = patch("os.getcwd")
            patcher.start()
        """,
        msg(5, 5, "os.getcwd"),
        id="local-variable",
    ),
    case(
        """
        from unittest.mock import patch

        class TestClient:
            def setup_method(self):
                self.patcher = patch("requests.get")
                self.get = self.patcher.start()

            def test_get(self):
                assert self.get is not None
        """,
        msg(6, 20, "requests.get"),
        id="self-attribute-in-setup-method",
    ),
    case(
        """
        from unittest.mock import patch

        def test_stop_in_plain_body():
            patcher = patch("os.getcwd")
            fake = patcher.start()
            fake.return_value = "/"
            assert fake() == "/"
            patcher.stop()
        """,
        # "A stop() in the plain body after the assertions is not guaranteed"
        msg(5, 12, "os.getcwd"),
        id="stop-in-plain-body",
    ),
    case(
        """
        from unittest.mock import patch

        def test_stopall_in_plain_body():
            patch("os.getcwd").start()
            assert True
            patch.stopall()
        """,
        msg(4, 5, "os.getcwd"),
        id="stopall-in-plain-body",
    ),
    case(
        """
        from unittest.mock import patch

        patch("os.getcwd").start()
        """,
        msg(3, 1, "os.getcwd"),
        id="module-level",
    ),
    case(
        """
        from unittest.mock import patch

        class TestOne:
            def teardown_method(self):
                patch.stopall()

        class TestTwo:
            def setup_method(self):
                patch("os.getcwd").start()
        """,
        msg(9, 9, "os.getcwd"),
        id="teardown-of-unrelated-class",
    ),
    case(
        """
        from unittest.mock import patch
        import pytest

        @pytest.fixture
        def fake_cwd():
            patcher = patch("os.getcwd")
            yield patcher.start()
        """,
        msg(7, 11, "os.getcwd"),
        id="fixture-yield-without-stop",
    ),
    case(
        """
        from unittest.mock import patch

        def test_two():
            patch("os.getcwd").start()
            patch("os.getpid").start()
        """,
        msg(4, 5, "os.getcwd"),
        msg(5, 5, "os.getpid"),
        id="each-start-reported",
    ),
    case(
        """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.p = patch("os.getcwd")
                self.m = self.p.start()
        """,
        msg(7, 18, "os.getcwd"),
        id="self-patcher-without-stop-reported-at-the-start-call"),
    case(
        """
        from unittest.mock import patch

        def test_it():
            p = patch("os.getcwd")
            p.start()

        def test_other():
            p = patch("os.getcwd")
            try:
                pass
            finally:
                p.stop()
        """,
        msg(5, 5, "os.getcwd"),
        id="stop-of-the-same-name-in-another-function-does-not-count"),
    case(
        """
        from unittest.mock import patch

        class TestX:
            p = patch("os.getcwd")

            def setup_method(self, method):
                self.p.start()

            def test_it(self):
                pass
        """,
        msg(7, 9, "os.getcwd"),
        id="class-attribute-patcher-started-through-self"),
    case(
        """
        from unittest import mock

        def test_two_patchers_one_name():
            p = mock.patch("os.getcwd")
            p.start()
            p = mock.patch("os.getpid")
            p.start()
        """,
        msg(5, 5, "os.getcwd"),
        msg(7, 5, "os.getpid"),
        id="name-rebound-to-another-patcher"),
]


@pytest.mark.parametrize(CASE, STARTED)
def test_started_patcher_is_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- import aliases -----------------------------------------------------------------------------

ALIASES = [
    case(
        """
        from unittest import mock as um

        def test_alias():
            um.patch("os.getcwd").start()
        """,
        msg(4, 5, "os.getcwd"),
        id="from-unittest-import-mock-as",
    ),
    case(
        """
        import unittest.mock

        def test_dotted():
            unittest.mock.patch("os.getcwd").start()
        """,
        msg(4, 5, "os.getcwd"),
        id="import-unittest-mock",
    ),
    case(
        """
        import mock

        def test_backport():
            mock.patch.object(mock, "sentinel").start()
        """,
        msg(4, 5, "mock.sentinel"),
        id="mock-backport",
    ),
    case(
        """
        from unittest.mock import patch as p

        def test_renamed():
            p("os.getcwd").start()
        """,
        msg(4, 5, "os.getcwd"),
        id="patch-as-p",
    ),
    case(
        """
        from unittest import mock

        def test_module_attr():
            patcher = mock.patch.dict("os.environ", {"A": "1"})
            patcher.start()
        """,
        msg(5, 5, "os.environ"),
        id="mock-module-patch-dict-variable",
    ),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- compliant and near-misses ------------------------------------------------------------------

COMPLIANT = [
    case(
        """
        from unittest.mock import patch

        def test_with():
            with patch("os.getcwd") as fake:
                fake.return_value = "/"
        """,
        id="with-block",
    ),
    case(
        """
        from unittest.mock import patch

        @patch("os.getcwd")
        def test_decorated(fake):
            fake.return_value = "/"
        """,
        id="decorator",
    ),
    case(
        """
        def test_mocker(mocker):
            fake = mocker.patch("os.getcwd")
            fake.return_value = "/"
        """,
        id="pytest-mock",
    ),
    case(
        """
        from unittest.mock import patch

        def test_never_started():
            patcher = patch("os.getcwd")
            assert patcher is not None
        """,
        id="patcher-never-started",
    ),
    case(
        """
        import threading

        def test_thread():
            worker = threading.Thread(target=print)
            worker.start()
            worker.join()
        """,
        id="thread-start",
    ),
    case(
        """
        def patch(target):
            return target

        def test_local_patch_function(server):
            patch(server).start()
        """,
        id="locally-defined-patch-is-not-mock-patch",
    ),
]


@pytest.mark.parametrize(CASE, COMPLIANT)
def test_compliant_is_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


# --- guaranteed stops ---------------------------------------------------------------------------

GUARANTEED_STOP = [
    case(
        """
        from unittest.mock import patch

        def test_finally():
            patcher = patch("os.getcwd")
            fake = patcher.start()
            try:
                fake.return_value = "/"
            finally:
                patcher.stop()
        """,
        id="finally-stop",
    ),
    case(
        """
        from unittest.mock import patch

        def test_finally_stopall():
            patch("os.getcwd").start()
            try:
                pass
            finally:
                patch.stopall()
        """,
        id="finally-stopall",
    ),
    case(
        """
        from unittest.mock import patch
        import pytest

        @pytest.fixture
        def fake_cwd():
            patcher = patch("os.getcwd")
            fake = patcher.start()
            yield fake
            patcher.stop()
        """,
        id="after-yield",
    ),
    case(
        """
        from unittest.mock import patch as p
        import pytest as pt

        @pt.fixture
        def fake_cwd():
            patcher = p("os.getcwd")
            yield patcher.start()
            patcher.stop()
        """,
        id="aliased-after-yield",
    ),
    case(
        """
        from unittest.mock import patch

        class TestClient:
            def setup_method(self):
                self.patcher = patch("requests.get")
                self.get = self.patcher.start()

            def teardown_method(self):
                self.patcher.stop()
        """,
        id="teardown-method-stop",
    ),
    case(
        """
        from unittest.mock import patch

        class TestClient:
            def setup_method(self):
                patch("requests.get").start()

            def teardown_method(self):
                patch.stopall()
        """,
        id="teardown-method-stopall",
    ),
    case(
        """
        from unittest.mock import patch

        class TestClient:
            @classmethod
            def setup_class(cls):
                cls.patcher = patch("requests.get")
                cls.patcher.start()

            @classmethod
            def teardown_class(cls):
                cls.patcher.stop()
        """,
        id="teardown-class",
    ),
    case(
        """
        from unittest.mock import patch

        class PatchingBase:
            def teardown_method(self):
                patch.stopall()

        class TestClient(PatchingBase):
            def setup_method(self):
                patch("requests.get").start()
        """,
        id="teardown-in-same-file-base",
    ),
    case(
        """
        import unittest
        from unittest.mock import patch

        class ClientTest(unittest.TestCase):
            def setUp(self):
                self.patcher = patch("requests.get")
                self.get = self.patcher.start()

            def tearDown(self):
                self.patcher.stop()
        """,
        id="tearDown",
    ),
    case(
        """
        import unittest
        from unittest.mock import patch

        class ClientTest(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self):
                patch("requests.get").start()

            async def asyncTearDown(self):
                patch.stopall()
        """,
        id="asyncTearDown",
    ),
    case(
        """
        import unittest
        from unittest.mock import patch

        class ClientTest(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                patch("requests.get").start()

            @classmethod
            def tearDownClass(cls):
                patch.stopall()
        """,
        id="tearDownClass",
    ),
    case(
        """
        from unittest.mock import patch

        def setup_function():
            patch("requests.get").start()

        def teardown_function():
            patch.stopall()
        """,
        id="teardown-function",
    ),
    case(
        """
        from unittest.mock import patch

        def setup_module():
            patch("requests.get").start()

        def teardown_module():
            patch.stopall()
        """,
        id="teardown-module",
    ),
    case(
        """
        from unittest.mock import patch

        def setUpModule():
            patch("requests.get").start()

        def tearDownModule():
            patch.stopall()
        """,
        id="tearDownModule",
    ),
    case(
        """
        import unittest
        from unittest.mock import patch

        class ClientTest(unittest.TestCase):
            def setUp(self):
                patcher = patch("requests.get")
                self.get = patcher.start()
                self.addCleanup(patcher.stop)
        """,
        id="addCleanup-stop",
    ),
    case(
        """
        import unittest
        from unittest.mock import patch

        class ClientTest(unittest.TestCase):
            def setUp(self):
                patch("requests.get").start()
                self.addCleanup(patch.stopall)
        """,
        id="addCleanup-stopall",
    ),
    case(
        """
        from unittest.mock import patch
        import pytest

        @pytest.fixture
        def fake_get(request):
            patcher = patch("requests.get")
            fake = patcher.start()
            request.addfinalizer(patcher.stop)
            return fake
        """,
        id="request-addfinalizer",
    ),
    case(
        """
        import contextlib
        from unittest.mock import patch

        def test_exit_stack():
            with contextlib.ExitStack() as stack:
                patcher = patch("requests.get")
                patcher.start()
                stack.callback(patcher.stop)
        """,
        id="exitstack-callback",
    ),
    case(
        """
        from unittest.mock import patch

        class TestX:
            def setup_method(self, method):
                patch("os.getcwd").start()
                patch.object(dict, "keys").start()

            def teardown_method(self, method):
                patch.stopall()
        """,
        id="stopall-in-teardown-method"),
    case(
        """
        from unittest import mock

        class Base:
            def teardown_method(self, method):
                mock.patch.stopall()

        class TestX(Base):
            def setup_method(self, method):
                mock.patch("os.getcwd").start()
        """,
        id="stopall-in-same-file-base-teardown"),
    case(
        """
        from unittest.mock import patch

        def test_it():
            p = patch("os.getcwd")
            p.start()

        def teardown_function(function):
            patch.stopall()
        """,
        id="stopall-in-teardown-function"),
    case(
        """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.addCleanup(patch.stopall)
                patch("os.getcwd").start()
        """,
        id="addCleanup-stopall"),
]


@pytest.mark.parametrize(CASE, GUARANTEED_STOP)
def test_guaranteed_stop_is_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


# --- noqa and message ---------------------------------------------------------------------------

def test_noqa(lint_flake8):
    src = """
    from unittest.mock import patch

    def test_noqa():
        patch("os.getcwd").start()  # noqa: MXS004
        patch("os.getpid").start()  # noqa: MXS003
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:5:5: MXS004"]


def test_message_suggests_alternatives(project):
    project.write(
        {
            "test_example.py": """
            from unittest.mock import patch

            def test_chained():
                patch("os.getcwd").start()
            """
        }
    )
    assert project.flake8(SELECT) == [msg(4, 5, "os.getcwd")]
