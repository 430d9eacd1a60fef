"""A guaranteed restore (MXS003), stop (MXS004) or cleanup (MXS007): undo code that runs
after the change even when the test fails. This file has the mechanisms the three rules share
(finally, after a fixture's yield, registered finalizers, teardown hooks); what each rule counts as
a change and as an undo (``os.environ.pop``, ``patch.stopall()``, ``dependency_overrides.clear()``,
``patch.dict`` ...) is in its own file under tests/rules/.

Each case names the rule it is observed through (``args``).
"""
import pytest

from cases import CASE, case

ENVIRON = "--select=MXS003"
PATCHERS = "--select=MXS004"
OVERRIDES = "--select=MXS007"


# A finally block guarantees what it runs for the changes made in its try block.
FINALLY = [
    case(
        """
        import os

        def test_outer():
            def change():
                os.environ["A"] = "1"
            try:
                change()
            finally:
                os.environ.pop("A", None)
        """,
        id="environ-nested-change-restored-in-enclosing-finally-silent", args=[ENVIRON]),
    case(
        """
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
        id="environ-finally-of-a-nested-def-never-called-does-not-restore-the-outer-change", args=[ENVIRON]),
    case(
        """
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
        id="patcher-stop-in-except-is-not-guaranteed", args=[PATCHERS]),
    case(
        """
        from myapp.main import app
        from myapp.db import get_db

        def test_it():
            app.dependency_overrides[get_db] = lambda: None
            try:
                pass
            finally:
                del app.dependency_overrides[get_db]
        """,
        id="overrides-del-in-finally-silent", args=[OVERRIDES]),
    case(
        """
        import os


        def test_a():
            try:
                pass
            finally:
                os.environ.pop("B", None)
            os.environ["A"] = "1"
        """,
        "test_example.py:9:5: MXS003",
        id="environ-finally-that-ended-before-the-change-restores-nothing", args=[ENVIRON]),
]


# Code after the yield of a pytest fixture always runs; after the yield of a @contextmanager it
# does not when the with body raises.
AFTER_YIELD = [
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def env():
            os.environ["A"] = "1"
            yield
            os.environ.pop("A", None)
            os.environ["B"] = "restored"
        """,
        id="environ-restore-and-restoring-changes-after-the-yield-silent", args=[ENVIRON]),
    case(
        """
        import os
        from contextlib import contextmanager

        @contextmanager
        def env():
            os.environ["A"] = "1"
            yield
            os.environ.pop("A", None)
        """,
        "test_example.py:6:5: MXS003",
        id="environ-after-the-yield-of-a-contextmanager-is-not-guaranteed", args=[ENVIRON]),
    case(
        """
        import pytest
        from unittest.mock import patch

        @pytest.fixture
        def cwd():
            patcher = patch("os.getcwd")
            yield patcher.start()
            patcher.stop()
        """,
        id="patcher-fixture-stop-after-yield-silent", args=[PATCHERS]),
    case(
        """
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
        id="patcher-stop-after-the-yield-of-a-contextmanager-is-not-guaranteed", args=[PATCHERS]),
    case(
        """
        import pytest
        from myapp.main import app
        from myapp.db import get_db

        @pytest.fixture
        def override():
            app.dependency_overrides.update({get_db: lambda: None})
            yield
            app.dependency_overrides = {}
        """,
        id="overrides-reassign-after-yield-silent", args=[OVERRIDES]),
]


# Undo code registered with request.addfinalizer, addCleanup or ExitStack.callback (as a callable
# or a reference) in the same function, or in an autouse fixture / base setUp.
REGISTERED = [
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def env(request):
            os.environ["A"] = "1"
            def restore():
                os.environ.pop("A", None)
            request.addfinalizer(restore)
        """,
        id="environ-nested-def-registered-with-addfinalizer-silent", args=[ENVIRON]),
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def env(request):
            os.environ["A"] = "1"
            request.addfinalizer(lambda: os.environ.pop("A", None))
        """,
        id="environ-lambda-registered-with-addfinalizer-silent", args=[ENVIRON]),
    case(
        """
        import os
        import unittest

        class TestEnv(unittest.TestCase):
            def setUp(self):
                os.environ["X"] = "1"
                self.addCleanup(os.environ.pop, "X")
        """,
        id="environ-addCleanup-os-environ-pop-bound-method-silent", args=[ENVIRON]),
    case(
        """
        import os
        from contextlib import ExitStack

        def test_stack():
            with ExitStack() as stack:
                os.environ["X"] = "1"
                stack.callback(os.environ.pop, "X", None)
        """,
        id="environ-exitstack-callback-silent", args=[ENVIRON]),
    case(
        """
        import os
        import pytest

        def _restore():
            os.environ.pop("A", None)

        @pytest.fixture
        def env(request):
            os.environ["A"] = "1"
            request.addfinalizer(_restore)
        """,
        id="environ-module-level-helper-registered-with-addfinalizer", args=[ENVIRON]),
    case(
        """
        import os
        import unittest

        class TestX(unittest.TestCase):
            def setUp(self):
                os.environ["A"] = "1"
                self.addCleanup(self._restore)

            def _restore(self):
                os.environ.pop("A", None)
        """,
        id="environ-method-registered-with-addCleanup", args=[ENVIRON]),
    case(
        """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.p = patch("os.getcwd")
                self.m = self.p.start()
                self.addCleanup(self.p.stop)
        """,
        id="patcher-self-patcher-addCleanup-stop-silent", args=[PATCHERS]),
    case(
        """
        import pytest
        from unittest.mock import patch

        @pytest.fixture
        def cwd(request):
            patcher = patch("os.getcwd")
            m = patcher.start()
            request.addfinalizer(patcher.stop)
            return m
        """,
        id="patcher-addfinalizer-stop-silent", args=[PATCHERS]),
    case(
        """
        from contextlib import ExitStack
        from unittest.mock import patch

        def test_it():
            with ExitStack() as stack:
                p = patch("os.getcwd")
                p.start()
                stack.callback(p.stop)
        """,
        id="patcher-exitstack-callback-stop-silent", args=[PATCHERS]),
    case(
        """
        import unittest
        from myapp.main import app
        from myapp.db import get_db

        class TestX(unittest.TestCase):
            def setUp(self):
                app.dependency_overrides[get_db] = lambda: None
                self.addCleanup(app.dependency_overrides.clear)
        """,
        id="overrides-addCleanup-clear-silent", args=[OVERRIDES]),
    case(
        """
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
        id="environ-autouse-fixture-registering-a-module-level-restore", args=[ENVIRON]),
    case(
        """
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
        id="patcher-stopall-registered-in-a-base-setUp-covers-subclasses", args=[PATCHERS]),
]


# Teardown hooks that run after the change: teardown_method / teardown_class (same class or
# same-file base), unittest tearDown / asyncTearDown on TestCases only, teardown_function for
# module-level tests only, tearDownModule, and __exit__ of a context-manager class.
TEARDOWN_HOOKS = [
    case(
        """
        import os

        class EnvBase:
            def teardown_method(self, method):
                os.environ.pop("A", None)
                os.environ.pop("B", None)

        class TestChild(EnvBase):
            def setup_method(self, method):
                os.environ["A"] = "1"

            def test_it(self):
                os.environ["B"] = "2"
        """,
        id="environ-teardown-method-of-same-file-base-silent", args=[ENVIRON]),
    case(
        """
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
        id="environ-tearDownModule-silent", args=[ENVIRON]),
    case(
        """
        import os

        def test_it():
            os.environ["A"] = "1"

        def teardown_function(function):
            os.environ.pop("A", None)
        """,
        id="environ-teardown-function-silent", args=[ENVIRON]),
    case(
        """
        import os

        class TestA:
            def test_it(self):
                os.environ["A"] = "1"

        class TestB:
            def teardown_method(self, method):
                os.environ.pop("A", None)
        """,
        "test_example.py:5:9: MXS003",
        id="environ-teardown-of-unrelated-class-does-not-restore", args=[ENVIRON]),
    case(
        """
        import os
        import unittest

        class TestX(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self):
                os.environ["A"] = "1"

            async def asyncTearDown(self):
                os.environ.pop("A", None)
        """,
        id="environ-asyncTearDown-silent", args=[ENVIRON]),
    case(
        """
        import os

        class TestX:
            @classmethod
            def setup_class(cls):
                os.environ["A"] = "1"

            @classmethod
            def teardown_class(cls):
                os.environ.pop("A", None)
        """,
        id="environ-teardown-class-silent", args=[ENVIRON]),
    case(
        """
        import unittest
        from unittest.mock import patch

        class TestX(unittest.TestCase):
            def setUp(self):
                self.p = patch("os.getcwd")
                self.p.start()

            def tearDown(self):
                self.p.stop()
        """,
        id="patcher-self-patcher-tearDown-silent", args=[PATCHERS]),
    case(
        """
        from myapp.main import app
        from myapp.db import get_db

        class TestX:
            def setup_method(self, method):
                app.dependency_overrides[get_db] = lambda: None

            def teardown_method(self, method):
                app.dependency_overrides.pop(get_db, None)
        """,
        id="overrides-pop-in-teardown-method-silent", args=[OVERRIDES]),
    case(
        """
        import os


        def teardown_function():
            os.environ.pop("A", None)


        class TestA:
            def test_a(self):
                os.environ["A"] = "1"


        def test_b():
            os.environ["A"] = "1"
        """,
        "test_example.py:10:9: MXS003",
        id="environ-teardown_function-runs-for-module-level-tests-only", args=[ENVIRON]),
    case(
        """
        import os


        def teardown_function():
            os.environ.pop("A", None)


        def test_b():
            os.environ["A"] = "1"
            os.environ["B"] = "1"
        """,
        "test_example.py:10:5: MXS003",
        id="environ-a-restore-of-one-variable-covers-that-variable-only", args=[ENVIRON]),
    case(
        """
        import os


        class TestPlain:
            def tearDown(self):
                os.environ.pop("A", None)

            def test_a(self):
                os.environ["A"] = "1"
        """,
        "test_example.py:6:9: MXS003",  # not a hook here: just another change
        "test_example.py:9:9: MXS003",
        id="environ-tearDown-on-a-plain-class-never-runs", args=[ENVIRON]),
    case(
        """
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
        id="patcher-stopall-in-tearDown-counts-on-TestCases-only", args=[PATCHERS]),
    case(
        """
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
        id="patcher-context-manager-class-stops-in-__exit__", args=[PATCHERS]),
]


@pytest.mark.parametrize(CASE, FINALLY)
def test_finally_block(lint, src, args, expected):
    assert lint(src, *args) == expected


@pytest.mark.parametrize(CASE, AFTER_YIELD)
def test_after_the_yield_of_a_fixture(lint, src, args, expected):
    assert lint(src, *args) == expected


@pytest.mark.parametrize(CASE, REGISTERED)
def test_registered_finalizers_and_cleanups(lint, src, args, expected):
    assert lint(src, *args) == expected


@pytest.mark.parametrize(CASE, TEARDOWN_HOOKS)
def test_teardown_hooks(lint, src, args, expected):
    assert lint(src, *args) == expected
