"""Audit of MXS003-MXS010 against issue 3: interactions and combinations the per-rule
suites do not cover (black-box, through real flake8, exact line:col).

Each case: (flake8 args, source or {file: source}, expected sorted "file:line:col: CODE").
Cases with a ``bug=`` note found an implementation bug against the issue's text (since fixed);
the note keeps the spec sentence the case holds the plugin to.
"""
import pytest


def case(args, src, *expected, id, bug=None):
    if isinstance(args, str):
        args = (args,)
    return pytest.param(args, src, sorted(expected), id=id)


E3 = "--select=MXS003"
E4 = "--select=MXS004"
E5 = "--select=MXS005"
E6 = "--select=MXS006"
E7 = "--select=MXS007"
E8 = "--select=MXS008"
E9 = "--select=MXS009"
E10 = "--select=MXS010"

# ------------------------------------------------------------------------------------------
# MXS003 - os.environ without guaranteed restore
# ------------------------------------------------------------------------------------------
MXS003 = [
    case(
        E3, """
        import os

        def test_outer():
            def change():
                os.environ["A"] = "1"
            try:
                change()
            finally:
                os.environ.pop("A", None)
        """,
        id="003-nested-change-restored-in-enclosing-finally-silent"),
    case(
        E3, """
        import os

        def test_outer():
            os.environ["A"] = "1"
            def helper():
                try:
                    pass
                finally:
                    os.environ.pop("A", None)
            helper()
        """,
        "test_example.py:4:5: MXS003",
        id="003-finally-of-unregistered-nested-def-does-not-restore-outer"),
    case(
        E3, """
        import os
        import pytest

        @pytest.fixture
        def env(request):
            os.environ["A"] = "1"
            def restore():
                os.environ.pop("A", None)
            request.addfinalizer(restore)
        """,
        id="003-nested-def-registered-with-addfinalizer-silent"),
    case(
        E3, """
        import os
        import pytest

        @pytest.fixture
        def env(request):
            os.environ["A"] = "1"
            request.addfinalizer(lambda: os.environ.pop("A", None))
        """,
        id="003-lambda-registered-with-addfinalizer-silent"),
    case(
        E3, """
        import os
        import unittest

        class TestEnv(unittest.TestCase):
            def setUp(self):
                os.environ["X"] = "1"
                self.addCleanup(os.environ.pop, "X")
        """,
        id="003-addCleanup-os-environ-pop-bound-method-silent"),
    case(
        E3, """
        import os
        from contextlib import ExitStack

        def test_stack():
            with ExitStack() as stack:
                os.environ["X"] = "1"
                stack.callback(os.environ.pop, "X", None)
        """,
        id="003-exitstack-callback-silent"),
    case(
        E3, """
        import os

        class EnvBase:
            def teardown_method(self, method):
                os.environ.pop("A", None)

        class TestChild(EnvBase):
            def setup_method(self, method):
                os.environ["A"] = "1"

            def test_it(self):
                os.environ["B"] = "2"
        """,
        id="003-teardown-method-of-same-file-base-silent"),
    case(
        E3, """
        import os
        import unittest

        def setUpModule():
            os.environ["A"] = "1"

        def tearDownModule():
            del os.environ["A"]

        class TestX(unittest.TestCase):
            def test_it(self):
                pass
        """,
        id="003-tearDownModule-silent"),
    case(
        E3, """
        import os

        def test_it():
            os.environ["A"] = "1"

        def teardown_function(function):
            os.environ.pop("A", None)
        """,
        id="003-teardown-function-silent"),
    case(
        E3, """
        import os

        class TestA:
            def test_it(self):
                os.environ["A"] = "1"

        class TestB:
            def teardown_method(self, method):
                os.environ.pop("A", None)
        """,
        "test_example.py:5:9: MXS003",
        id="003-teardown-of-unrelated-class-does-not-restore"),
    case(
        E3, """
        import os
        from unittest.mock import patch

        def test_clear():
            with patch.dict(os.environ, clear=True):
                os.environ["A"] = "1"
                del os.environ["B"]
                os.environ.clear()
        """,
        id="003-with-patch-dict-clear-true-silent"),
    case(
        E3, """
        import os
        from unittest import mock

        @mock.patch.dict("os.environ", {"A": "1"})
        def test_it():
            os.environ["B"] = "2"
            os.environ.pop("C", None)
        """,
        id="003-decorator-patch-dict-string-target-silent"),
    case(
        E3, """
        import os

        def test_it(mocker):
            os.environ["A"] = "1"
            mocker.patch.dict(os.environ, {"B": "2"})
        """,
        id="003-mocker-patch-dict-after-mutation-same-function-silent"),
    case(
        E3, """
        import os

        def test_it(mocker):
            os.environ["A"] = "1"

        def test_other(mocker):
            mocker.patch.dict(os.environ, {"B": "2"})
        """,
        "test_example.py:4:5: MXS003",
        id="003-mocker-patch-dict-in-other-function-does-not-count"),
    case(
        E3, """
        import os
        from helpers import preserved_env

        def test_it():
            with preserved_env(os.environ):
                os.environ["A"] = "1"
                os.environ.clear()
        """,
        id="003-with-helper-called-with-os-environ-silent"),
    case(
        E3, """
        import os
        from helpers import preserved_env

        def test_it():
            with preserved_env("API_KEY"):
                os.environ["API_KEY"] = "1"
                os.environ["OTHER"] = "1"
        """,
        "test_example.py:7:9: MXS003",
        id="003-with-helper-literal-covers-only-its-key"),
    case(
        E3, """
        import os

        def test_it():
            os.environ.pop("A")
            os.environ["A"] = "old"
        """,
        "test_example.py:4:5: MXS003",
        id="003-repeated-key-pop-then-set"),
    case(
        E3, """
        import os

        def test_it():
            os.environ.update(A="1")
            del os.environ["A"]
            os.environ.update(A="2", B="3")
        """,
        "test_example.py:4:5: MXS003",
        "test_example.py:6:5: MXS003",
        id="003-update-keyword-keys-repeat-and-new-key"),
    case(
        E3, """
        import os

        def test_a():
            os.environ["A"] = "1"

        def test_b():
            os.environ["A"] = "1"
        """,
        "test_example.py:4:5: MXS003",
        "test_example.py:7:5: MXS003",
        id="003-repeated-key-in-other-function-still-reported"),
    case(
        E3, """
        import os

        def test_it():
            os.environ.clear()
            os.environ.clear()
            key = "A"
            os.environ[key] = "1"
            os.environ[key] = "2"
        """,
        "test_example.py:4:5: MXS003",
        "test_example.py:5:5: MXS003",
        "test_example.py:7:5: MXS003",
        "test_example.py:8:5: MXS003",
        id="003-clear-and-nonliteral-every-time"),
    case(
        E3, """
        import os

        def test_it():
            os.environ |= {"A": "1"}
        """,
        "test_example.py:4:5: MXS003",
        id="003-ior-reported"),
    case(
        E3, """
        import os

        def test_it():
            try:
                os.environ |= {"A": "1"}
            finally:
                os.environ.pop("A", None)
        """,
        id="003-ior-restored-in-finally"),
    case(
        E3, """
        from os import environ

        def test_it():
            environ |= {"A": "1"}
        """,
        "test_example.py:4:5: MXS003",
        id="003-ior-from-import-environ"),
    case(
        E3, """
        from os import putenv, unsetenv

        def test_it():
            putenv("A", "1")
            unsetenv("B")
        """,
        "test_example.py:4:5: MXS003",
        "test_example.py:5:5: MXS003",
        id="003-from-os-import-putenv-unsetenv"),
    case(
        E3, """
        import os as _os

        def test_it():
            value = _os.environ.setdefault("A", "1")
        """,
        "test_example.py:4:5: MXS003",
        id="003-alias-setdefault-in-assignment-at-statement-start"),
    case(
        E3, """
        import os

        def test_it():
            x = os.environ.get("A")
            y = "A" in os.environ
            z = dict(os.environ)
            w = os.environ.copy()
        """,
        id="003-reads-silent"),
    case(
        E3, """
        import os
        import pytest

        @pytest.fixture
        def env():
            os.environ["A"] = "1"
            yield
            os.environ.pop("A", None)
            os.environ["B"] = "restored"
        """,
        id="003-after-yield-restore-and-restoring-mutations-silent"),
    case(
        E3, """
        import os
        import unittest

        class TestX(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self):
                os.environ["A"] = "1"

            async def asyncTearDown(self):
                os.environ.pop("A", None)
        """,
        id="003-asyncTearDown-silent"),
    case(
        E3, """
        import os

        class TestX:
            @classmethod
            def setup_class(cls):
                os.environ["A"] = "1"

            @classmethod
            def teardown_class(cls):
                os.environ.pop("A", None)
        """,
        id="003-teardown-class-silent"),
    case(
        E3, {"conftest.py": """
        import os
        import pytest

        os.environ["A"] = "1"

        def pytest_configure(config):
            os.environ["B"] = "1"

        @pytest.fixture(scope="session", autouse=True)
        def env():
            os.environ["C"] = "1"

        @pytest.fixture(scope="session")
        def not_autouse():
            os.environ["D"] = "1"

        @pytest.fixture(autouse=True)
        def per_test():
            os.environ["E"] = "1"
        """},
        "conftest.py:15:5: MXS003",
        "conftest.py:19:5: MXS003",
        id="003-conftest-exemptions-exactly"),
    case(
        E3, """
        import os

        os.environ["A"] = "1"

        def pytest_configure(config):
            os.environ["B"] = "1"
        """,
        "test_example.py:3:1: MXS003",
        "test_example.py:6:5: MXS003",
        id="003-module-level-and-hook-in-test-module-reported"),
    case(
        E3, """
        import os
        import pytest

        def _restore():
            os.environ.pop("A", None)

        @pytest.fixture
        def env(request):
            os.environ["A"] = "1"
            request.addfinalizer(_restore)
        """,
        id="003-module-level-helper-registered-with-addfinalizer",
        bug="restoring code registered with request.addfinalizer(...) in the same function "
            "is a guaranteed restore; a module-level helper passed by name is not recognised "
            "(change and the helper's own pop are both reported)"),
    case(
        E3, """
        import os
        import unittest

        class TestX(unittest.TestCase):
            def setUp(self):
                os.environ["A"] = "1"
                self.addCleanup(self._restore)

            def _restore(self):
                os.environ.pop("A", None)
        """,
        id="003-method-registered-with-addCleanup",
        bug="restoring code registered with addCleanup(self._restore) in the same function "
            "is a guaranteed restore; a method passed by reference is not recognised"),
    case(
        E3, """
        import os
        from contextlib import contextmanager

        @contextmanager
        def env():
            os.environ["A"] = "1"
            yield
            os.environ.pop("A", None)
        """,
        "test_example.py:6:5: MXS003",
        id="003-after-yield-of-contextmanager-is-not-a-fixture",
        bug="guaranteed restore is 'after the yield of the same fixture'; in a plain "
            "@contextmanager an exception in the with body skips the code after yield, "
            "but any generator's after-yield code is treated as guaranteed"),
    case(
        E3, """
        import os
        from unittest.mock import patch

        @patch.dict(in_dict=os.environ, values={"A": "1"})
        def test_deco():
            os.environ["B"] = "2"

        def test_mocker(mocker):
            mocker.patch.dict(in_dict=os.environ, values={"A": "1"})
            os.environ["C"] = "2"
        """,
        id="003-patch-dict-in-dict-keyword",
        bug="@patch.dict(os.environ, ...) / mocker.patch.dict(os.environ, ...) undo the "
            "change; the same call spelled with in_dict=os.environ is not recognised"),
    case(
        E3, """
        import os

        def test_it(k, extra):
            os.environ.update({"A": "1", k: "2"})
            os.environ.pop("A")
            os.environ.update(B="1", **extra)
            del os.environ["B"]
        """,
        "test_example.py:4:5: MXS003",
        "test_example.py:6:5: MXS003",
        id="003-repeated-literal-key-after-update-with-mixed-keys",
        bug="'any mutation of an environment variable name (string literal key) that the same "
            "function already mutated' is not reported; an update() with one non-literal key "
            "forgets its literal keys too"),
    case(
        E3, """
        import os

        def test_it():
            os.environ["A"], os.environ["B"] = "1", "2"
        """,
        "test_example.py:4:5: MXS003",
        id="003-one-report-per-statement-tuple-target",
        bug="'report each statement that mutates the process environment': a tuple target "
            "gives two identical reports at 4:5"),
]

# ------------------------------------------------------------------------------------------
# MXS004 - patcher started without guaranteed stop
# ------------------------------------------------------------------------------------------
MXS004 = [
    case(
        E4, """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.p = patch("os.getcwd")
                self.m = self.p.start()
                self.addCleanup(self.p.stop)
        """,
        id="004-self-patcher-addCleanup-stop-silent"),
    case(
        E4, """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.p = patch("os.getcwd")
                self.m = self.p.start()
        """,
        "test_example.py:7:18: MXS004",
        id="004-self-patcher-no-stop-reported-at-start-call"),
    case(
        E4, """
        from unittest.mock import patch

        class TestX:
            def setup_method(self, method):
                patch("os.getcwd").start()
                patch.object(dict, "keys").start()

            def teardown_method(self, method):
                patch.stopall()
        """,
        id="004-stopall-in-teardown-method-silent"),
    case(
        E4, """
        from unittest import mock

        class Base:
            def teardown_method(self, method):
                mock.patch.stopall()

        class TestX(Base):
            def setup_method(self, method):
                mock.patch("os.getcwd").start()
        """,
        id="004-stopall-in-same-file-base-teardown-silent"),
    case(
        E4, """
        import pytest
        from unittest.mock import patch

        @pytest.fixture
        def cwd():
            patcher = patch("os.getcwd")
            yield patcher.start()
            patcher.stop()
        """,
        id="004-fixture-stop-after-yield-silent"),
    case(
        E4, """
        import pytest
        from unittest.mock import patch

        @pytest.fixture
        def cwd(request):
            patcher = patch("os.getcwd")
            m = patcher.start()
            request.addfinalizer(patcher.stop)
            return m
        """,
        id="004-addfinalizer-stop-silent"),
    case(
        E4, """
        from contextlib import ExitStack
        from unittest.mock import patch

        def test_it():
            with ExitStack() as stack:
                p = patch("os.getcwd")
                p.start()
                stack.callback(p.stop)
        """,
        id="004-exitstack-callback-stop-silent"),
    case(
        E4, """
        from unittest.mock import patch

        def test_it():
            p = patch("os.getcwd")
            p.start()

        def teardown_function(function):
            patch.stopall()
        """,
        id="004-stopall-teardown-function-silent"),
    case(
        E4, """
        import os
        from unittest.mock import patch

        def test_it():
            p = patch.dict(os.environ, {"A": "1"})
            try:
                p.start()
            except Exception:
                p.stop()
        """,
        "test_example.py:7:9: MXS004",
        id="004-stop-in-except-is-not-guaranteed"),
    case(
        E4, """
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
        "test_example.py:5:5: MXS004",
        id="004-stop-of-same-name-in-other-function-does-not-count"),
    case(
        E4, """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.p = patch("os.getcwd")
                self.p.start()

            def tearDown(self):
                self.p.stop()
        """,
        id="004-self-patcher-tearDown-silent"),
    case(
        E4, """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.addCleanup(patch.stopall)
                patch("os.getcwd").start()
        """,
        id="004-addCleanup-stopall-silent"),
    case(
        E4, """
        from contextlib import contextmanager
        from unittest.mock import patch

        @contextmanager
        def cwd():
            p = patch("os.getcwd")
            p.start()
            yield
            p.stop()
        """,
        "test_example.py:7:5: MXS004",
        id="004-stop-after-yield-of-contextmanager-is-not-a-fixture",
        bug="guaranteed stop is 'after the yield of the same fixture'; a plain "
            "@contextmanager skips it when the with body raises"),
    case(
        E4, """
        from unittest.mock import patch

        class TestX:
            p = patch("os.getcwd")

            def setup_method(self, method):
                self.p.start()

            def test_it(self):
                pass
        """,
        "test_example.py:7:9: MXS004",
        id="004-class-attribute-patcher-started-through-self",
        bug="a patcher reached through a self. variable is a patcher; one bound as a class "
            "attribute (p = patch(...) in the class body) and started as self.p.start() is "
            "never reported"),
]

# ------------------------------------------------------------------------------------------
# MXS005 - mock shared across tests
# ------------------------------------------------------------------------------------------
MXS005 = [
    case(
        E5, """
        from unittest.mock import MagicMock

        make = lambda m=MagicMock(): m
        """,
        "test_example.py:3:17: MXS005",
        id="005-lambda-default-at-module-level"),
    case(
        E5, """
        from unittest.mock import MagicMock

        make = lambda: MagicMock()
        """,
        id="005-lambda-body-not-reported"),
    case(
        E5, """
        from unittest.mock import MagicMock

        class Helpers:
            client = MagicMock()
        """,
        "test_example.py:4:14: MXS005",
        id="005-attribute-of-non-test-class-at-module-level"),
    case(
        E5, """
        from unittest.mock import MagicMock

        MOCKS = [MagicMock() for _ in range(3)]
        BY_NAME = {n: MagicMock() for n in "ab"}
        """,
        "test_example.py:3:10: MXS005",
        "test_example.py:4:15: MXS005",
        id="005-comprehensions-at-module-level"),
    case(
        E5, """
        from unittest.mock import MagicMock, patch

        @patch("os.getcwd", return_value=MagicMock())
        class TestX:
            def test_it(self, cwd):
                pass
        """,
        "test_example.py:3:34: MXS005",
        id="005-mock-in-class-decorator-reported-patch-itself-not"),
    case(
        E5, """
        from unittest.mock import MagicMock, patch

        class TestX:
            @patch("os.getcwd", return_value=MagicMock())
            def test_it(self, cwd):
                pass

            def test_default(self, m=MagicMock()):
                pass
        """,
        "test_example.py:8:30: MXS005",
        id="005-method-decorator-silent-method-default-reported"),
    case(
        E5, """
        from unittest.mock import MagicMock, patch

        CWD = patch("os.getcwd", new=MagicMock())
        """,
        "test_example.py:3:30: MXS005",
        id="005-mock-passed-as-new-to-stored-patch-reported"),
    case(
        E5, """
        from unittest.mock import MagicMock

        def test_it():
            def helper(m=MagicMock()):
                return m
            class Local:
                m = MagicMock()
        """,
        id="005-inside-test-not-module-level"),
    case(
        E5, """
        from unittest.mock import MagicMock, create_autospec

        def helper(*, m=MagicMock()):
            return m

        SPEC: object = create_autospec(dict)
        """,
        "test_example.py:3:17: MXS005",
        "test_example.py:6:16: MXS005",
        id="005-kwonly-default-and-annassign"),
    case(
        E5, {"conftest.py": """
        from unittest.mock import MagicMock

        SHARED = MagicMock()
        """},
        "conftest.py:3:10: MXS005",
        id="005-conftest-module-level"),
    case(
        E5, """
        from unittest.mock import patch

        with patch("os.getcwd") as CWD:
            pass
        P = patch("os.getcwd")
        """,
        "test_example.py:3:6: MXS005",
        id="005-patch-entered-at-module-level-reported-stored-not"),
]

# ------------------------------------------------------------------------------------------
# MXS006 - broad-scoped fixture hands out a mock
# ------------------------------------------------------------------------------------------
MXS006 = [
    case(
        E6, """
        import pytest_asyncio
        from unittest.mock import AsyncMock

        @pytest_asyncio.fixture(scope="module")
        async def client():
            return AsyncMock()
        """,
        "test_example.py:5:1: MXS006",
        id="006-pytest-asyncio-module"),
    case(
        E6, """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="package")
        def client():
            return MagicMock()
        """,
        "test_example.py:5:1: MXS006",
        id="006-package-scope"),
    case(
        ("--select=MXS006", "--mxs-broad-scopes=session"), """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="module")
        def mod():
            return MagicMock()

        @pytest.fixture(scope="session")
        def ses():
            return MagicMock()
        """,
        "test_example.py:9:1: MXS006",
        id="006-broad-scopes-narrowed-to-session"),
    case(
        E6, """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="session")
        def factory():
            def make():
                return MagicMock()
            return make
        """,
        id="006-mock-only-in-nested-def-silent"),
    case(
        E6, """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="session")
        def mocks():
            return [MagicMock() for _ in range(2)]
        """,
        "test_example.py:5:1: MXS006",
        id="006-mock-in-comprehension-in-body"),
    case(
        E6, """
        import pytest

        @pytest.fixture(scope="module")
        def cwd(module_mocker):
            return module_mocker.patch("os.getcwd")

        @pytest.fixture(scope="session")
        def client(session_mocker):
            return session_mocker.MagicMock()
        """,
        "test_example.py:4:1: MXS006",
        "test_example.py:8:1: MXS006",
        id="006-broad-mockers"),
    case(
        E6, """
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
        "test_example.py:6:5: MXS006",
        id="006-fixture-method-in-class-at-def-line"),
    case(
        E6, """
        import pytest
        from unittest.mock import MagicMock

        SCOPE = "session"

        @pytest.fixture(scope=SCOPE)
        def client():
            return MagicMock()
        """,
        id="006-scope-variable-not-judged"),
    case(
        E6, """
        import pytest
        from unittest.mock import MagicMock

        @pytest.fixture(scope="module")
        @pytest.mark.usefixtures("x")
        def client():
            yield MagicMock()
        """,
        "test_example.py:6:1: MXS006",
        id="006-reported-at-def-line-below-decorators"),
]

# ------------------------------------------------------------------------------------------
# MXS007 - FastAPI dependency override without guaranteed cleanup
# ------------------------------------------------------------------------------------------
MXS007 = [
    case(
        E7, """
        from myapp.main import app
        from myapp.db import get_db

        def test_it():
            app.dependency_overrides.update({get_db: lambda: None})
        """,
        "test_example.py:5:5: MXS007",
        id="007-update-reported"),
    case(
        E7, """
        from myapp.main import app
        from myapp.db import get_db

        def test_it():
            app.dependency_overrides[get_db] = lambda: None
            try:
                pass
            finally:
                del app.dependency_overrides[get_db]
        """,
        id="007-del-in-finally-silent"),
    case(
        E7, """
        import pytest
        from myapp.main import app
        from myapp.db import get_db

        @pytest.fixture
        def override():
            app.dependency_overrides.update({get_db: lambda: None})
            yield
            app.dependency_overrides = {}
        """,
        id="007-reassign-after-yield-silent"),
    case(
        E7, """
        from fastapi.testclient import TestClient
        from myapp.main import app
        from myapp.db import get_db

        def test_it():
            client = TestClient(app)
            client.app.dependency_overrides[get_db] = lambda: None
        """,
        "test_example.py:7:5: MXS007",
        id="007-override-on-client-app-of-local-client-reported"),
    case(
        E7, """
        from fastapi import FastAPI
        from myapp.db import get_db

        def test_it():
            app = FastAPI()
            app.dependency_overrides[get_db] = lambda: None
            app.dependency_overrides.update({get_db: lambda: None})
        """,
        id="007-local-app-silent"),
    case(
        E7, """
        import myapp.main
        from myapp.db import get_db

        def test_it():
            app = myapp.main.app
            app.dependency_overrides[get_db] = lambda: None
        """,
        "test_example.py:6:5: MXS007",
        id="007-local-name-not-from-call-reported"),
    case(
        E7, """
        from fastapi import FastAPI
        from myapp.db import get_db

        app = FastAPI()
        app.dependency_overrides[get_db] = lambda: None
        """,
        "test_example.py:5:1: MXS007",
        id="007-module-level-always-reported"),
    case(
        E7, """
        import unittest
        from myapp.main import app
        from myapp.db import get_db

        class TestX(unittest.TestCase):
            def setUp(self):
                app.dependency_overrides[get_db] = lambda: None
                self.addCleanup(app.dependency_overrides.clear)
        """,
        id="007-addCleanup-clear-silent"),
    case(
        E7, """
        from myapp.main import app
        from myapp.db import get_db

        class TestX:
            def setup_method(self, method):
                app.dependency_overrides[get_db] = lambda: None

            def teardown_method(self, method):
                app.dependency_overrides.pop(get_db, None)
        """,
        id="007-pop-in-teardown-method-silent"),
    case(
        E7, """
        from unittest.mock import patch
        from myapp.main import app
        from myapp.db import get_db

        def test_it(mocker):
            app.dependency_overrides[get_db] = lambda: None
            mocker.patch.dict(app.dependency_overrides)

        def test_with():
            with patch.dict(app.dependency_overrides, {}):
                app.dependency_overrides[get_db] = lambda: None
        """,
        id="007-patch-dict-forms-silent"),
    case(
        E7, """
        from unittest.mock import patch
        from myapp.main import app
        from myapp.db import get_db

        @patch.dict(app.dependency_overrides, {})
        def test_it():
            app.dependency_overrides[get_db] = lambda: None
        """,
        id="007-decorator-patch-dict-overrides",
        bug="the guaranteed-restore definition counts a function decorated with "
            "@patch.dict(...) of the changed mapping; with-block and mocker.patch.dict forms "
            "of dependency_overrides are honoured, the decorator form is reported"),
]

# ------------------------------------------------------------------------------------------
# MXS008 - fixed port / fixed temp path
# ------------------------------------------------------------------------------------------
MXS008 = [
    case(
        E8, """
        import asyncio

        async def test_it(handler, loop, f, host):
            await asyncio.start_server(handler, "127.0.0.1", 8888)
            await loop.create_server(f, host, port=9000)
            await asyncio.start_server(handler, "127.0.0.1", 0)
            await loop.create_server(f, host, port=0)
        """,
        "test_example.py:4:11: MXS008",
        "test_example.py:5:11: MXS008",
        id="008-asyncio-servers"),
    case(
        E8, """
        import uvicorn
        from aiohttp import web

        def test_it(app, runner):
            config = uvicorn.Config(app, port=8000)
            site = web.TCPSite(runner, "0.0.0.0", 8080)
            web.run_app(app, port=8081)
            uvicorn.run(app, port=0)
        """,
        "test_example.py:5:14: MXS008",
        "test_example.py:6:12: MXS008",
        "test_example.py:7:5: MXS008",
        id="008-uvicorn-aiohttp"),
    case(
        E8, """
        import socketserver
        from http.server import HTTPServer

        def test_it(H):
            socketserver.TCPServer(("", 8000), H)
            HTTPServer(("localhost", 8080), H)
            socketserver.TCPServer(("", 0), H)
        """,
        "test_example.py:5:5: MXS008",
        "test_example.py:6:5: MXS008",
        id="008-socketserver-httpserver"),
    case(
        E8, """
        import socket

        def test_it(app):
            s = socket.socket()
            s.bind(("127.0.0.1", 8080))
            s.listen(5)
            s.bind(("127.0.0.1", 0))
            app.run(host="0.0.0.0", port=5000)
            s.connect(("127.0.0.1", 8080))
        """,
        "test_example.py:5:5: MXS008",
        "test_example.py:8:5: MXS008",
        id="008-bind-listen-run-connect"),
    case(
        E8, """
        def test_it():
            open("/tmp/x", mode="a")
            open("/tmp/x", "rb")
            open("/tmp/x")
            open("/tmp/y", "r+")
            open("/tmpfoo", "w")
            open("relative/tmp/x", "w")
        """,
        "test_example.py:2:5: MXS008",
        "test_example.py:5:5: MXS008",
        id="008-open-modes"),
    case(
        E8, """
        import shutil
        import sqlite3
        import logging
        from pathlib import Path

        def test_it(src, dst):
            Path("/tmp/x").write_text("hi")
            shutil.copy(src, "/tmp/out")
            shutil.copy("/tmp/in", dst)
            sqlite3.connect("/tmp/t.db")
            logging.FileHandler("/var/tmp/log")
            Path("/tmp/x").read_text()
        """,
        "test_example.py:10:5: MXS008",
        "test_example.py:11:5: MXS008",
        "test_example.py:7:5: MXS008",
        "test_example.py:8:5: MXS008",
        id="008-path-shutil-sqlite-logging"),
    case(
        E8, """
        import os
        import shutil
        from pathlib import Path

        def test_it():
            os.makedirs("/tmp/d", exist_ok=True)
            os.mkdir("/var/tmp/e")
            Path("/tmp/f").mkdir(parents=True)
            Path("/var/tmp/g").touch()
            Path("/tmp/h").write_bytes(b"")
            shutil.move("/tmp/a", dst="/tmp/b")
            with Path("/tmp/i").open("w") as fh:
                pass
        """,
        "test_example.py:10:5: MXS008",
        "test_example.py:11:5: MXS008",
        "test_example.py:12:10: MXS008",
        "test_example.py:6:5: MXS008",
        "test_example.py:7:5: MXS008",
        "test_example.py:8:5: MXS008",
        "test_example.py:9:5: MXS008",
        id="008-dirs-touch-move-path-open"),
    case(
        E8, """
        import requests

        def test_it(client):
            requests.get("http://localhost:8000/")
            client.get("/tmp/x")
        """,
        id="008-urls-and-reads-silent"),
]

# ------------------------------------------------------------------------------------------
# MXS009 - performance test inside xdist workers
# ------------------------------------------------------------------------------------------
MXS009 = [
    case(
        E9, """
        import os
        import pytest

        IN_XDIST = os.getenv("PYTEST_XDIST_WORKER") is not None

        @pytest.mark.performance
        @pytest.mark.skipif(IN_XDIST, reason="timings")
        def test_fast():
            pass

        @pytest.mark.performance
        def test_slow():
            pass
        """,
        "test_example.py:12:1: MXS009",
        id="009-module-flag-skipif"),
    case(
        E9, """
        import os
        import pytest

        @pytest.mark.performance
        class TestPerf:
            @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="x")
            def test_a(self):
                pass

            @pytest.mark.skipif(os.environ.get("PYTEST_XDIST_WORKER"), reason="x")
            def test_b(self):
                pass
        """,
        id="009-class-marker-skip-on-every-method-silent"),
    case(
        E9, """
        import os
        import pytest

        @pytest.mark.performance
        class TestPerf:
            @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, reason="x")
            def test_a(self):
                pass

            def test_b(self):
                pass
        """,
        "test_example.py:5:1: MXS009",
        id="009-class-marker-skip-on-some-methods-reported-once"),
    case(
        E9, """
        import pytest

        @pytest.mark.performance
        class TestBench:
            def test_a(self, benchmark):
                benchmark(sum, [1])

            def test_b(self, benchmark):
                benchmark(sum, [2])
        """,
        id="009-class-all-methods-benchmark-silent"),
    case(
        E9, """
        import pytest

        @pytest.mark.performance
        class TestBench:
            def test_a(self, benchmark):
                benchmark(sum, [1])

            def test_b(self):
                pass
        """,
        "test_example.py:4:1: MXS009",
        id="009-class-some-methods-benchmark-reported"),
    case(
        ("--select=MXS009", "--mxs-performance-markers=slow,perf"), """
        import pytest

        @pytest.mark.performance
        def test_a():
            pass

        @pytest.mark.slow
        def test_b():
            pass

        @pytest.mark.perf
        def test_c():
            pass
        """,
        "test_example.py:12:1: MXS009",
        "test_example.py:8:1: MXS009",
        id="009-markers-option-replaces-default"),
    case(
        E9, """
        import os
        import pytest

        class TestPerf:
            pytestmark = pytest.mark.skipif(os.getenv("PYTEST_XDIST_WORKER") is not None, reason="x")

            @pytest.mark.performance
            def test_a(self):
                pass
        """,
        id="009-method-marker-class-pytestmark-skip-silent"),
    case(
        E9, """
        import os
        import pytest

        pytestmark = [pytest.mark.performance]

        async def test_a():
            pass

        class TestB:
            def test_b(self):
                pass
        """,
        "test_example.py:6:1: MXS009",
        "test_example.py:9:1: MXS009",
        id="009-module-marker-function-and-class"),
    case(
        E9, """
        import os
        import pytest

        xdist_skip = pytest.mark.skipif(bool(os.getenv("PYTEST_XDIST_WORKER")), reason="x")

        @pytest.mark.performance
        @xdist_skip
        def test_a():
            pass
        """,
        id="009-skip-mark-bound-to-module-name-silent"),
    case(
        E9, """
        import sys
        import pytest

        @pytest.mark.performance
        @pytest.mark.skipif(sys.platform == "win32", reason="x")
        def test_a():
            pass
        """,
        "test_example.py:6:1: MXS009",
        id="009-unrelated-skipif-reported"),
]

# ------------------------------------------------------------------------------------------
# MXS010 - mock without spec
# ------------------------------------------------------------------------------------------
MXS010 = [
    case(
        E10, """
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
        id="010-forms"),
    case(
        E10, """
        import mock

        def test_it():
            a = mock.Mock()
            b = mock.create_autospec(dict)
            c = mock.patch("os.getcwd")
        """,
        "test_example.py:4:9: MXS010",
        id="010-backport-mock-only-classes"),
    case(
        (), """
        import pytest
        from unittest.mock import MagicMock

        @pytest.mark.xdist_group(name="example")
        def test_it():
            a = MagicMock()
        """,
        id="010-off-by-default"),
]


@pytest.mark.parametrize("args, src, expected",
                         MXS003 + MXS004 + MXS005 + MXS006 + MXS007 + MXS008 + MXS009 + MXS010)
def test_audit(lint, args, src, expected):
    found = lint(src, *args)
    if not args:  # default selection: only MXS010 is of interest
        found = [line for line in found if line.endswith("MXS010")]
    assert found == expected


LEAD_DECISIONS = [
    case(
        E3, """
        import os


        def test_a():
            try:
                pass
            finally:
                os.environ.pop("B", None)
            os.environ["A"] = "1"
        """,
        "test_example.py:9:5: MXS003",
        id="003-finally-that-ended-before-the-change-restores-nothing",
    ),
    case(
        E3, """
        import os


        def teardown_function():
            os.environ.pop("A", None)


        class TestA:
            def test_a(self):
                os.environ["A"] = "1"


        def test_b():
            os.environ["B"] = "1"
        """,
        "test_example.py:10:9: MXS003",
        id="003-teardown_function-runs-for-module-level-tests-only",
    ),
    case(
        "--select=MXS009", """
        import pytest


        @pytest.mark.performance
        class TestOuter:
            class TestInner:
                def test_fast(self):
                    pass

            def test_outer(self):
                pass
        """,
        "test_example.py:5:1: MXS009",
        id="009-nested-class-under-a-marked-class-is-reported-once-at-the-outer-class",
    ),
]


LEAD_DECISIONS += [
    case(
        E3, """
        import os


        class TestPlain:
            def tearDown(self):
                os.environ.pop("A", None)

            def test_a(self):
                os.environ["A"] = "1"
        """,
        "test_example.py:6:9: MXS003",  # not a hook here: just another change
        "test_example.py:9:9: MXS003",
        id="003-tearDown-on-a-plain-class-never-runs",
    ),
    case(
        "--select=MXS004", """
        import unittest
        from unittest.mock import patch


        class TestCase(unittest.TestCase):
            def setUp(self):
                patch("os.getcwd").start()

            def tearDown(self):
                patch.stopall()


        class TestPlain:
            def setup_method(self):
                patch("os.getpid").start()

            def tearDown(self):
                patch.stopall()
        """,
        "test_example.py:15:9: MXS004",
        id="004-stopall-in-tearDown-counts-on-TestCases-only",
    ),
    case(
        E3, """
        import os

        import pytest


        def _restore_environ():
            os.environ.clear()


        @pytest.fixture(autouse=True)
        def _env(request):
            request.addfinalizer(_restore_environ)


        def test_a():
            os.environ["B"] = "1"
        """,
        id="003-autouse-fixture-registering-a-module-level-restore",
    ),
    case(
        "--select=MXS007", """
        from app import app


        def test_a():
            app.dependency_overrides |= {1: 2}


        def test_b():
            app.dependency_overrides[1] = app.dependency_overrides[2] = None
        """,
        "test_example.py:5:5: MXS007",
        "test_example.py:9:5: MXS007",
        id="007-augmented-merge-is-a-change-and-one-report-per-statement",
    ),
    case(
        "--select=MXS009", """
        import pytest


        @pytest.mark.performance
        class TestOuter:
            def test_a(self, benchmark):
                pass

            class TestInner:
                def test_b(self):
                    pass
        """,
        "test_example.py:5:1: MXS009",
        id="009-nested-test-methods-count-for-the-outer-class",
    ),
]


LEAD_DECISIONS += [
    case(
        "--select=MXS004", """
        from unittest import mock


        class Patched:
            def __init__(self):
                self.p = mock.patch("os.getcwd")

            def __enter__(self):
                self.p.start()

            def __exit__(self, *exc):
                self.p.stop()


        class Leaky:
            def __init__(self):
                self.p = mock.patch("os.getpid")

            def __enter__(self):
                self.p.start()
        """,
        "test_example.py:20:9: MXS004",
        id="004-context-manager-class-stops-in-__exit__",
    ),
    case(
        "--select=MXS004", """
        import unittest
        from unittest import mock


        class Base(unittest.TestCase):
            def setUp(self):
                self.addCleanup(mock.patch.stopall)


        class TestChild(Base):
            def setUp(self):
                super().setUp()
                mock.patch("os.getcwd").start()


        class TestOther(unittest.TestCase):
            def setUp(self):
                mock.patch("os.getpid").start()
        """,
        "test_example.py:18:9: MXS004",
        id="004-stopall-registered-in-a-base-setUp-covers-subclasses",
    ),
]


@pytest.mark.parametrize("args, src, expected", LEAD_DECISIONS)
def test_lead_decisions(lint, args, src, expected):
    assert lint(src, *args) == expected
