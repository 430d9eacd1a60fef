"""MXS003 - ``os.environ`` mutated without a guaranteed restore (exact reports and full messages
from the fast ``lint``; ``# noqa`` and one message through the real flake8).

Position convention: the report is at the start of the mutating *statement*
(``os.environ["A"] = "1"`` -> the ``o`` of ``os``; ``del os.environ["A"]`` -> ``del``).
"""
import pytest

from cases import CASE, case

SELECT = "--select=MXS003"


def msg(line, col, target, path="test_example.py"):
    """*target* as the message shows the change: ``os.environ['A']``, ``os.environ.pop('A')``, ..."""
    return (f"{path}:{line}:{col}: MXS003 {target} is changed without a guaranteed restore; "
            "use monkeypatch.setenv() / monkeypatch.delenv()")


# --- every mutating form is reported --------------------------------------------------------

MUTATIONS = [
    case(
        """
        import os

        def test_set():
            os.environ["API_KEY"] = "secret"
        """,
        msg(4, 5, "os.environ['API_KEY']"),
        id="subscript-assign",
    ),
    case(
        """
        import os

        def test_aug():
            os.environ["PATH"] += ":/opt/bin"
        """,
        msg(4, 5, "os.environ['PATH']"),
        id="augmented-assign",
    ),
    case(
        """
        import os

        def test_del():
            del os.environ["API_KEY"]
        """,
        msg(4, 5, "os.environ['API_KEY']"),
        id="del",
    ),
    case(
        """
        import os

        def test_update():
            os.environ.update({"API_KEY": "secret"})
        """,
        msg(4, 5, "os.environ.update('API_KEY')"),
        id="update",
    ),
    case(
        """
        import os

        def test_pop():
            os.environ.pop("API_KEY", None)
        """,
        msg(4, 5, "os.environ.pop('API_KEY')"),
        id="pop",
    ),
    case(
        """
        import os

        def test_popitem():
            os.environ.popitem()
        """,
        msg(4, 5, "os.environ.popitem()"),
        id="popitem",
    ),
    case(
        """
        import os

        def test_setdefault():
            os.environ.setdefault("API_KEY", "secret")
        """,
        msg(4, 5, "os.environ.setdefault('API_KEY')"),
        id="setdefault",
    ),
    case(
        """
        import os

        def test_clear():
            os.environ.clear()
        """,
        msg(4, 5, "os.environ.clear()"),
        id="clear",
    ),
    case(
        """
        import os

        def test_ior():
            os.environ |= {"API_KEY": "secret"}
        """,
        msg(4, 5, "os.environ |= ..."),
        id="in-place-or",
    ),
    case(
        """
        import os

        def test_putenv():
            os.putenv("API_KEY", "secret")
        """,
        msg(4, 5, "os.putenv('API_KEY')"),
        id="putenv",
    ),
    case(
        """
        import os

        def test_unsetenv():
            os.unsetenv("API_KEY")
        """,
        msg(4, 5, "os.unsetenv('API_KEY')"),
        id="unsetenv",
    ),
    case(
        """
        import os

        class TestSettings:
            def test_method(self):
                os.environ["DEBUG"] = "1"
        """,
        msg(5, 9, "os.environ['DEBUG']"),
        id="in-test-method",
    ),
    case(
        """
        import os

        class TestSettings:
            def setup_method(self):
                os.environ["DEBUG"] = "1"

            def test_debug(self):
                assert os.environ["DEBUG"] == "1"
        """,
        msg(5, 9, "os.environ['DEBUG']"),
        id="setup-method-without-teardown",
    ),
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def debug_env():
            os.environ["DEBUG"] = "1"
            return "1"
        """,
        msg(6, 5, "os.environ['DEBUG']"),
        id="fixture-without-yield-restore",
    ),
    case(
        """
        import os

        def helper():
            os.environ["DEBUG"] = "1"
        """,
        msg(4, 5, "os.environ['DEBUG']"),
        id="helper-in-test-file",
    ),
    case(
        """
        import os

        os.environ["DEBUG"] = "1"

        def test_debug():
            assert os.getenv("DEBUG") == "1"
        """,
        msg(3, 1, "os.environ['DEBUG']"),
        id="module-level-of-test-module",
    ),
    case(
        """
        import os

        def test_two_keys():
            os.environ["A"] = "1"
            os.environ["B"] = "2"
        """,
        msg(4, 5, "os.environ['A']"),
        msg(5, 5, "os.environ['B']"),
        id="two-different-keys-both-reported",
    ),
    case(
        """
        import os

        def test_it():
            os.environ |= {"A": "1"}
        """,
        msg(4, 5, "os.environ |= ..."),
        id="in-place-or"),
    case(
        """
        import os

        def test_it():
            os.environ["A"], os.environ["B"] = "1", "2"
        """,
        msg(4, 5, "os.environ['A']"),
        id="one-report-per-statement-tuple-target"),
    case(
        """
        import os

        def test_two_keys_one_name():
            key = "A"
            os.environ[key] = "1"
            key = "B"
            os.environ[key] = "2"
        """,
        msg(5, 5, "os.environ[key]"),
        msg(7, 5, "os.environ[key]"),  # another key: its own finding
        id="name-rebound-to-another-key"),
]


@pytest.mark.parametrize(CASE, MUTATIONS)
def test_mutation_is_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


def test_mutation_in_nested_call_is_reported_at_the_statement(lint):
    # Each mutating statement is reported at its start: `value` (col 5), not the pop() call (col 13).
    src = """
    import os

    def test_pop_value():
        value = os.environ.pop("API_KEY", None)
        assert value is None
    """
    assert lint.messages(src, SELECT) == [msg(4, 5, "os.environ.pop('API_KEY')")]


# --- import aliases ---------------------------------------------------------------------------

ALIASES = [
    case(
        """
        import os as _os

        def test_alias():
            _os.environ["API_KEY"] = "secret"
        """,
        msg(4, 5, "os.environ['API_KEY']"),
        id="import-os-as",
    ),
    case(
        """
        from os import environ

        def test_from_import():
            environ["API_KEY"] = "secret"
        """,
        msg(4, 5, "os.environ['API_KEY']"),
        id="from-os-import-environ",
    ),
    case(
        """
        from os import environ as env

        def test_from_import_as():
            env.update(API_KEY="secret")
        """,
        msg(4, 5, "os.environ.update('API_KEY')"),
        id="from-os-import-environ-as",
    ),
    case(
        """
        import os as _os

        def test_alias_putenv():
            _os.putenv("API_KEY", "secret")
        """,
        msg(4, 5, "os.putenv('API_KEY')"),
        id="alias-putenv",
    ),
    case(
        """
        from os import environ

        def test_it():
            environ |= {"A": "1"}
        """,
        msg(4, 5, "os.environ |= ..."),
        id="in-place-or-on-from-os-import-environ"),
    case(
        """
        from os import putenv, unsetenv

        def test_it():
            putenv("A", "1")
            unsetenv("B")
        """,
        msg(4, 5, "os.putenv('A')"),
        msg(5, 5, "os.unsetenv('B')"),
        id="from-os-import-putenv-unsetenv"),
    case(
        """
        import os as _os

        def test_it():
            value = _os.environ.setdefault("A", "1")
        """,
        msg(4, 5, "os.environ.setdefault('A')"),
        id="alias-setdefault-in-assignment-at-statement-start"),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- reads and monkeypatch are not mutations ----------------------------------------------------

NOT_MUTATIONS = [
    case(
        """
        import os

        def test_reads():
            a = os.environ.get("API_KEY")
            b = os.getenv("API_KEY", "default")
            c = "API_KEY" in os.environ
            d = os.environ["HOME"]
            e = dict(os.environ)
            f = os.environ.copy()
            assert (a, b, c, d, e, f)
        """,
        id="reads",
    ),
    case(
        """
        import os

        def test_monkeypatch(monkeypatch):
            monkeypatch.setenv("API_KEY", "secret")
            monkeypatch.delenv("HOME", raising=False)
            monkeypatch.setitem(os.environ, "DEBUG", "1")
            monkeypatch.delitem(os.environ, "DEBUG")
        """,
        id="monkeypatch",
    ),
    case(
        """
        def test_local_dict_named_environ():
            environ = {}
            environ["API_KEY"] = "secret"
            environ.clear()
        """,
        id="local-dict-named-environ",
    ),
    case(
        """
        import os

        def test_copy_is_mutated():
            env = os.environ.copy()
            env["API_KEY"] = "secret"
            env.update(DEBUG="1")
        """,
        id="mutating-a-copy",
    ),
    case(
        """
        import os

        def test_it():
            x = os.environ.get("A")
            y = "A" in os.environ
            z = dict(os.environ)
            w = os.environ.copy()
        """,
        id="reads-get-in-dict-copy"),
]


@pytest.mark.parametrize(CASE, NOT_MUTATIONS)
def test_non_mutations_are_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


def test_non_test_file_is_not_checked(lint):
    src = """
    import os

    def configure():
        os.environ["API_KEY"] = "secret"
    """
    assert lint({"app_settings.py": src}, SELECT) == []


# --- guaranteed restores ------------------------------------------------------------------------

RESTORED = [
    case(
        """
        import os

        def test_finally():
            os.environ["API_KEY"] = "secret"
            try:
                assert os.environ["API_KEY"] == "secret"
            finally:
                del os.environ["API_KEY"]
        """,
        id="finally",
    ),
    case(
        """
        import os

        def test_finally_restore_other_key_counts():
            # "A restore counts whichever keys it touches."
            saved = dict(os.environ)
            os.environ["API_KEY"] = "secret"
            try:
                assert os.environ["API_KEY"] == "secret"
            finally:
                os.environ.clear()
                os.environ.update(saved)
        """,
        id="finally-clear-and-update",
    ),
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def api_key():
            os.environ["API_KEY"] = "secret"
            yield "secret"
            os.environ.pop("API_KEY", None)
        """,
        id="after-yield-in-fixture",
    ),
    case(
        """
        import os

        class TestSettings:
            def setup_method(self):
                os.environ["DEBUG"] = "1"

            def teardown_method(self):
                os.environ.pop("DEBUG", None)

            def test_debug(self):
                assert os.environ["DEBUG"] == "1"
        """,
        id="teardown-method",
    ),
    case(
        """
        import os

        class TestSettings:
            def test_debug(self):
                os.environ["DEBUG"] = "1"

            def teardown_method(self):
                os.environ.pop("DEBUG", None)
        """,
        id="teardown-method-pairs-with-class",
    ),
    case(
        """
        import os

        class TestSettings:
            @classmethod
            def setup_class(cls):
                os.environ["DEBUG"] = "1"

            @classmethod
            def teardown_class(cls):
                del os.environ["DEBUG"]

            def test_debug(self):
                assert os.environ["DEBUG"] == "1"
        """,
        id="teardown-class",
    ),
    case(
        """
        import os
        import unittest

        class SettingsTest(unittest.TestCase):
            def setUp(self):
                os.environ["DEBUG"] = "1"

            def tearDown(self):
                del os.environ["DEBUG"]

            def test_debug(self):
                self.assertEqual(os.environ["DEBUG"], "1")
        """,
        id="tearDown",
    ),
    case(
        """
        import os
        import unittest

        class SettingsTest(unittest.IsolatedAsyncioTestCase):
            async def asyncSetUp(self):
                os.environ["DEBUG"] = "1"

            async def asyncTearDown(self):
                del os.environ["DEBUG"]

            async def test_debug(self):
                self.assertEqual(os.environ["DEBUG"], "1")
        """,
        id="asyncTearDown",
    ),
    case(
        """
        import os
        import unittest

        class SettingsTest(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                os.environ["DEBUG"] = "1"

            @classmethod
            def tearDownClass(cls):
                del os.environ["DEBUG"]

            def test_debug(self):
                self.assertEqual(os.environ["DEBUG"], "1")
        """,
        id="tearDownClass",
    ),
    case(
        """
        import os

        class EnvBase:
            def teardown_method(self):
                os.environ.pop("DEBUG", None)

        class TestSettings(EnvBase):
            def setup_method(self):
                os.environ["DEBUG"] = "1"

            def test_debug(self):
                assert os.environ["DEBUG"] == "1"
        """,
        id="teardown-in-same-file-base",
    ),
    case(
        """
        import os

        def setup_function():
            os.environ["DEBUG"] = "1"

        def teardown_function():
            os.environ.pop("DEBUG", None)

        def test_debug():
            assert os.environ["DEBUG"] == "1"
        """,
        id="teardown-function",
    ),
    case(
        """
        import os

        def setup_module():
            os.environ["DEBUG"] = "1"

        def teardown_module():
            os.environ.pop("DEBUG", None)

        def test_debug():
            assert os.environ["DEBUG"] == "1"
        """,
        id="teardown-module",
    ),
    case(
        """
        import os

        def setUpModule():
            os.environ["DEBUG"] = "1"

        def tearDownModule():
            os.environ.pop("DEBUG", None)
        """,
        id="tearDownModule",
    ),
    case(
        """
        import os
        import unittest

        class SettingsTest(unittest.TestCase):
            def test_debug(self):
                os.environ["DEBUG"] = "1"
                self.addCleanup(os.environ.pop, "DEBUG", None)
                self.assertEqual(os.environ["DEBUG"], "1")
        """,
        id="addCleanup",
    ),
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def debug_env(request):
            os.environ["DEBUG"] = "1"
            request.addfinalizer(lambda: os.environ.pop("DEBUG", None))
            return "1"
        """,
        id="request-addfinalizer",
    ),
    case(
        """
        import contextlib
        import os

        def test_exit_stack():
            with contextlib.ExitStack() as stack:
                os.environ["DEBUG"] = "1"
                stack.callback(os.environ.pop, "DEBUG", None)
                assert os.environ["DEBUG"] == "1"
        """,
        id="exitstack-callback",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        def test_inside_patch_dict():
            with patch.dict(os.environ, {"API_KEY": "secret"}):
                os.environ["DEBUG"] = "1"
                del os.environ["HOME"]
        """,
        id="with-patch-dict-environ",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        @patch.dict(os.environ, {"API_KEY": "secret"})
        def test_decorated():
            os.environ["DEBUG"] = "1"
        """,
        id="decorated-patch-dict-environ",
    ),
    case(
        """
        import os

        def test_mocker_patch_dict(mocker):
            mocker.patch.dict(os.environ, {"API_KEY": "secret"})
            os.environ["DEBUG"] = "1"
        """,
        id="mocker-patch-dict-environ",
    ),
    case(
        """
        import os
        from helpers import preserved_env

        def test_preserved_same_name():
            with preserved_env("API_KEY"):
                os.environ["API_KEY"] = "secret"
        """,
        id="save-restore-helper-same-literal-name",
    ),
    case(
        """
        import os
        from helpers import preserved_env

        def test_preserved_whole_environ():
            with preserved_env(os.environ):
                os.environ["API_KEY"] = "secret"
                os.environ.clear()
        """,
        id="save-restore-helper-with-os-environ",
    ),
    case(
        """
        from os import environ
        from unittest import mock as um

        def test_aliased_patch_dict():
            with um.patch.dict(environ, {"API_KEY": "secret"}):
                environ["DEBUG"] = "1"
        """,
        id="aliased-patch-dict-and-environ",
    ),
    case(
        """
        import os as _os
        import pytest as pt

        @pt.fixture
        def api_key():
            _os.environ["API_KEY"] = "secret"
            yield
            del _os.environ["API_KEY"]
        """,
        id="aliased-fixture-after-yield",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        def test_clear():
            with patch.dict(os.environ, clear=True):
                os.environ["A"] = "1"
                del os.environ["B"]
                os.environ.clear()
        """,
        id="with-patch-dict-clear-true"),
    case(
        """
        import os
        from unittest import mock

        @mock.patch.dict("os.environ", {"A": "1"})
        def test_it():
            os.environ["B"] = "2"
            os.environ.pop("C", None)
        """,
        id="decorator-patch-dict-string-target"),
    case(
        """
        import os

        def test_it(mocker):
            os.environ["A"] = "1"
            mocker.patch.dict(os.environ, {"B": "2"})
        """,
        id="mocker-patch-dict-after-the-change-in-the-same-function"),
    case(
        """
        import os
        from helpers import preserved_env

        def test_it():
            with preserved_env(os.environ):
                os.environ["A"] = "1"
                os.environ.clear()
        """,
        id="with-helper-called-with-os-environ"),
    case(
        """
        import os

        def test_it():
            try:
                os.environ |= {"A": "1"}
            finally:
                os.environ.pop("A", None)
        """,
        id="in-place-or-restored-in-finally"),
    case(
        """
        import os
        from unittest.mock import patch

        @patch.dict(in_dict=os.environ, values={"A": "1"})
        def test_deco():
            os.environ["B"] = "2"

        def test_mocker(mocker):
            mocker.patch.dict(in_dict=os.environ, values={"A": "1"})
            os.environ["C"] = "2"
        """,
        id="patch-dict-in-dict-keyword"),
]


HELPER_CLASSES = [
    case(
        """
        import os
        import pytest

        class SetEnv:
            def __init__(self):
                self.names = set()

            def set(self, name, value):
                self.names.add(name)
                os.environ[name] = value

            def clear(self):
                for name in self.names:
                    os.environ.pop(name)

            def _reset_all(self):
                os.environ.pop("A", None)

        @pytest.fixture
        def env():
            setenv = SetEnv()
            yield setenv
            setenv.clear()
        """,
        # set() writes without saving what was there: reported; clear() and _reset_all() are
        # the helper's methods named for putting things back.
        msg(10, 9, "os.environ[name]"),
        id="helper-class-methods-named-for-putting-back-are-cleanup"),
    case(
        """
        import os

        class TestEnv:
            def reset_env(self):
                os.environ.pop("A", None)

            def test_it(self):
                self.reset_env()
        """,
        msg(5, 9, "os.environ.pop('A')"),
        id="near-miss-a-test-class-method-named-reset"),
    case(
        """
        import os

        class Env:
            def prepare(self):
                os.environ["A"] = "1"

            def closing(self):
                os.environ.pop("A")
        """,
        msg(5, 9, "os.environ['A']"),
        msg(8, 9, "os.environ.pop('A')"),
        id="near-miss-other-method-names"),
]


@pytest.mark.parametrize(CASE, HELPER_CLASSES)
def test_helper_class_cleanup_methods(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


@pytest.mark.parametrize(CASE, RESTORED)
def test_guaranteed_restore_is_not_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


NOT_GUARANTEED = [
    case(
        """
        import os

        def test_restore_in_plain_body():
            os.environ["API_KEY"] = "secret"
            assert os.environ["API_KEY"] == "secret"
            os.environ.clear()
        """,
        # The restore is not guaranteed: the first mutation is reported; clear() (no literal key)
        # is reported each time.
        msg(4, 5, "os.environ['API_KEY']"),
        msg(6, 5, "os.environ.clear()"),
        id="restore-in-plain-body-clear",
    ),
    case(
        """
        import os
        from unittest.mock import patch

        def test_after_patch_dict_block():
            with patch.dict(os.environ, {"API_KEY": "secret"}):
                pass
            os.environ["DEBUG"] = "1"
        """,
        msg(7, 5, "os.environ['DEBUG']"),
        id="mutation-after-patch-dict-block",
    ),
    case(
        """
        import os
        from helpers import preserved_env

        def test_preserved_other_name():
            with preserved_env("OTHER_KEY"):
                os.environ["API_KEY"] = "secret"
        """,
        msg(6, 9, "os.environ['API_KEY']"),
        id="save-restore-helper-other-name",
    ),
    case(
        """
        import os

        class TestSettings:
            def setup_method(self):
                os.environ["DEBUG"] = "1"

            def teardown_method(self):
                print("done")
        """,
        msg(5, 9, "os.environ['DEBUG']"),
        id="teardown-without-restore",
    ),
    case(
        """
        import os

        class TestOne:
            def teardown_method(self):
                os.environ.pop("DEBUG", None)

        class TestTwo:
            def setup_method(self):
                os.environ["DEBUG"] = "1"
        """,
        msg(9, 9, "os.environ['DEBUG']"),
        id="teardown-of-unrelated-class",
    ),
    case(
        """
        import os
        import pytest

        @pytest.fixture
        def debug_env():
            os.environ["DEBUG"] = "1"
            yield
        """,
        msg(6, 5, "os.environ['DEBUG']"),
        id="fixture-yield-without-restore",
    ),
    case(
        """
        import os

        def test_it(mocker):
            os.environ["A"] = "1"

        def test_other(mocker):
            mocker.patch.dict(os.environ, {"B": "2"})
        """,
        msg(4, 5, "os.environ['A']"),
        id="mocker-patch-dict-in-another-function"),
    case(
        """
        import os
        from helpers import preserved_env

        def test_it():
            with preserved_env("API_KEY"):
                os.environ["API_KEY"] = "1"
                os.environ["OTHER"] = "1"
        """,
        msg(7, 9, "os.environ['OTHER']"),
        id="with-helper-literal-covers-only-its-key"),
]


@pytest.mark.parametrize(CASE, NOT_GUARANTEED)
def test_restore_that_is_not_guaranteed_is_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- repeated keys ----------------------------------------------------------------------------

def test_repeated_literal_key_reported_once(lint):
    src = """
    import os

    def test_hand_restore():
        old = os.environ.get("API_KEY")
        os.environ["API_KEY"] = "secret"
        assert os.environ["API_KEY"] == "secret"
        os.environ["API_KEY"] = old or ""
        del os.environ["API_KEY"]
        os.environ.pop("API_KEY", None)
    """
    assert lint.messages(src, SELECT) == [msg(5, 5, "os.environ['API_KEY']")]


def test_repeated_key_is_per_function(lint):
    src = """
    import os

    def test_one():
        os.environ["API_KEY"] = "a"

    def test_two():
        os.environ["API_KEY"] = "b"
    """
    assert lint.messages(src, SELECT) == sorted([
        msg(4, 5, "os.environ['API_KEY']"),
        msg(7, 5, "os.environ['API_KEY']"),
    ])


def test_clear_reported_each_time(lint):
    src = """
    import os

    def test_clear_twice():
        os.environ.clear()
        os.environ.clear()
    """
    assert lint.messages(src, SELECT) == sorted([
        msg(4, 5, "os.environ.clear()"),
        msg(5, 5, "os.environ.clear()"),
    ])


def test_a_key_through_a_constant_is_that_key(lint):
    src = """
    import os

    KEY = "API_KEY"

    def test_variable_key():
        os.environ[KEY] = "secret"
        del os.environ[KEY]
    """
    assert lint.messages(src, SELECT) == [msg(6, 5, "os.environ[KEY]")]


def test_a_variable_key_is_reported_once_per_function(lint):
    # The same spelling in one function is the same variable: the del is its hand-written
    # restore (one leak, one finding), as for a literal key.
    src = """
    import os

    def test_variable_key(name):
        os.environ[name] = "secret"
        os.environ[name] += "2"
        del os.environ[name]

    def test_other(name):
        os.environ[name.upper()] = "x"
        os.environ[name] = "y"
    """
    assert lint.messages(src, SELECT) == sorted([
        msg(4, 5, "os.environ[name]"),
        msg(9, 5, "os.environ[name.upper()]"),
        msg(10, 5, "os.environ[name]"),
    ])


REPEATED_KEYS = [
    case(
        """
        import os

        def test_it():
            os.environ.pop("A")
            os.environ["A"] = "old"
        """,
        msg(4, 5, "os.environ.pop('A')"),
        id="pop-then-set"),
    case(
        """
        import os

        def test_it():
            os.environ.update(A="1")
            del os.environ["A"]
            os.environ.update(A="2", B="3")
        """,
        msg(4, 5, "os.environ.update('A')"),
        msg(6, 5, "os.environ.update('A', 'B')"),
        id="update-keyword-keys-repeat-and-new-key"),
    case(
        """
        import os

        def test_a():
            os.environ["A"] = "1"

        def test_b():
            os.environ["A"] = "1"
        """,
        msg(4, 5, "os.environ['A']"),
        msg(7, 5, "os.environ['A']"),
        id="same-key-in-another-function-reported-again"),
    case(
        """
        import os

        def test_it():
            os.environ.clear()
            os.environ.clear()
            key = "A"
            os.environ[key] = "1"
            os.environ[key] = "2"
        """,
        msg(4, 5, "os.environ.clear()"),
        msg(5, 5, "os.environ.clear()"),
        msg(7, 5, "os.environ[key]"),
        id="clear-every-time-a-key-through-a-local-constant-once"),
    case(
        """
        import os

        def test_it(k, extra):
            os.environ.update({"A": "1", k: "2"})
            os.environ.pop("A")
            os.environ.update(B="1", **extra)
            del os.environ["B"]
        """,
        msg(4, 5, "os.environ.update('A', ...)"),
        msg(6, 5, "os.environ.update('B', ...)"),
        id="literal-keys-of-an-update-with-a-non-literal-key-are-remembered"),
]


@pytest.mark.parametrize(CASE, REPEATED_KEYS)
def test_repeated_keys(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- conftest.py global configuration ---------------------------------------------------------

def test_conftest_module_level_not_reported(lint):
    conftest = """
    import os

    os.environ["APP_ENV"] = "test"
    os.environ.setdefault("DATABASE_URL", "sqlite://")
    """
    assert lint({"conftest.py": conftest}, SELECT) == []


def test_conftest_pytest_hook_not_reported(lint):
    conftest = """
    import os

    def pytest_configure(config):
        os.environ["APP_ENV"] = "test"

    def pytest_sessionstart(session):
        os.environ.update(DATABASE_URL="sqlite://")
    """
    assert lint({"conftest.py": conftest}, SELECT) == []


def test_conftest_session_autouse_fixture_aliased_pytest_not_reported(lint):
    conftest = """
    from os import environ
    import pytest as pt

    @pt.fixture(autouse=True, scope="session")
    def app_env():
        environ["APP_ENV"] = "test"
    """
    assert lint({"conftest.py": conftest}, SELECT) == []


def test_conftest_session_autouse_fixture_not_reported(lint):
    conftest = """
    import os
    import pytest

    @pytest.fixture(scope="session", autouse=True)
    def app_env():
        os.environ["APP_ENV"] = "test"
    """
    assert lint({"conftest.py": conftest}, SELECT) == []


CONFTEST_REPORTED = [
    case(
        """
        import os
        import pytest

        @pytest.fixture(scope="session")
        def app_env():
            os.environ["APP_ENV"] = "test"
        """,
        msg(6, 5, "os.environ['APP_ENV']", path="conftest.py"),
        id="session-fixture-not-autouse",
    ),
    case(
        """
        import os
        import pytest

        def set_app_env():
            os.environ["APP_ENV"] = "test"

        @pytest.fixture
        def app():
            set_app_env()
        """,
        msg(5, 5, "os.environ['APP_ENV']", path="conftest.py"),
        id="helper-function-a-fixture-calls",
    ),
]


@pytest.mark.parametrize(CASE, CONFTEST_REPORTED)
def test_other_conftest_mutations_are_reported(lint, src, args, expected):
    assert lint.messages({"conftest.py": src}, SELECT, *args) == expected


def test_a_conftest_function_pytest_never_runs_is_not_test_code(lint):
    src = """
    import os

    def set_app_env():
        os.environ["APP_ENV"] = "test"
    """
    assert lint({"conftest.py": src}, SELECT) == []


# One rule for autouse conftest fixtures, whatever their scope: in the suite's top conftest
# (no conftest above it) they set state for every test alike - not reported; in a nested
# conftest the state reaches the tests outside that directory the worker runs later.
AUTOUSE_SCOPES = ["function", "class", "module", "package", "session"]


@pytest.mark.parametrize("scope", AUTOUSE_SCOPES)
def test_autouse_conftest_fixtures_top_silent_nested_reported(lint, scope):
    fixture = f"""
    import os
    import pytest

    @pytest.fixture(scope="{scope}", autouse=True)
    def app_env():
        os.environ["APP_ENV"] = "test"
    """
    files = {"tests/conftest.py": fixture, "tests/api/conftest.py": fixture}
    assert lint.messages(files, SELECT) == [msg(6, 5, "os.environ['APP_ENV']", path="tests/api/conftest.py")]


def test_conftest_exemptions_do_not_apply_to_test_modules(lint):
    src = """
    import os
    import pytest

    os.environ["APP_ENV"] = "test"

    def pytest_configure(config):
        os.environ["DATABASE_URL"] = "sqlite://"

    @pytest.fixture(scope="session", autouse=True)
    def app_env():
        os.environ["DEBUG"] = "1"
    """
    assert lint.messages({"test_settings.py": src}, SELECT) == sorted([
        msg(4, 1, "os.environ['APP_ENV']", path="test_settings.py"),
        msg(7, 5, "os.environ['DATABASE_URL']", path="test_settings.py"),
        msg(11, 5, "os.environ['DEBUG']", path="test_settings.py"),
    ])


def test_conftest_in_subdirectory_also_exempt(lint):
    files = {
        "tests/conftest.py": """
        import os

        os.environ["APP_ENV"] = "test"
        """,
        "tests/test_app.py": """
        import os

        os.environ["APP_ENV"] = "other"
        """,
    }
    assert lint.messages(files, SELECT) == [msg(3, 1, "os.environ['APP_ENV']", path="tests/test_app.py")]


CONFTEST_AND_HOOKS = [
    case(
        {"conftest.py": """
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
        msg(15, 5, "os.environ['D']", path="conftest.py"),
        id="top-conftest-exempts-module-level-hooks-and-autouse-fixtures-only"),
    case(
        {"conftest.py": "", "sub/conftest.py": """
        import os
        import pytest

        os.environ["A"] = "1"

        def pytest_configure(config):
            os.environ["B"] = "1"

        @pytest.fixture(scope="session", autouse=True)
        def env():
            os.environ["C"] = "1"
        """},
        msg(11, 5, "os.environ['C']", path="sub/conftest.py"),
        id="nested-conftest-exempts-module-level-and-hooks-only"),
    case(
        """
        import os

        os.environ["A"] = "1"

        def pytest_configure(config):
            os.environ["B"] = "1"
        """,
        msg(3, 1, "os.environ['A']"),
        msg(6, 5, "os.environ['B']"),
        id="module-level-and-hook-in-a-test-module-reported"),
]


@pytest.mark.parametrize(CASE, CONFTEST_AND_HOOKS)
def test_conftest_exemptions_apply_to_conftest_only(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- noqa and message ---------------------------------------------------------------------------

def test_noqa(lint_flake8):
    src = """
    import os

    def test_noqa():
        os.environ["A"] = "1"  # noqa: MXS003
        os.environ["B"] = "2"  # noqa: MXS004
        os.environ["C"] = "3"  # noqa
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:5:5: MXS003"]


def test_message_suggests_monkeypatch(project):
    project.write(
        {
            "test_example.py": """
            import os

            def test_set():
                os.environ["API_KEY"] = "secret"
            """
        }
    )
    assert project.flake8(SELECT) == [msg(4, 5, "os.environ['API_KEY']")]


#: the change the cases below make in their test: ``os.environ["API_KEY"] = "x"``
KEY_X = "os.environ['API_KEY']"

RESTORING_CONFTEST = """
import os

import pytest


@pytest.fixture(autouse=True)
def _restore_environ():
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
"""


def test_autouse_fixture_in_conftest_restoring_environ_covers_tests(lint):
    files = {
        "tests/conftest.py": RESTORING_CONFTEST,
        "tests/test_env.py": """
            import os

            os.environ["AT_IMPORT"] = "1"


            def test_set():
                os.environ["API_KEY"] = "x"
            """,
    }
    # Import-time changes happen before the fixture's snapshot: still reported.
    assert lint.messages(files, SELECT) == [msg(3, 1, "os.environ['AT_IMPORT']", path="tests/test_env.py")]


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("@pytest.fixture(autouse=True)\ndef _env():\n    with patch.dict(os.environ):\n        yield",
         []),
        ("@pytest.fixture(autouse=True)\ndef _env():\n    saved = os.environ.copy()\n    yield\n"
         "    os.environ.clear()\n    os.environ.update(saved)", []),
        ("@pytest.fixture(autouse=True)\ndef _env():\n    yield", [msg(11, 5, KEY_X)]),
        ("@pytest.fixture(autouse=True, scope='session')\ndef _env():\n"
         "    with patch.dict(os.environ):\n        yield", [msg(11, 5, KEY_X)]),
        ("@pytest.fixture\ndef _env():\n    with patch.dict(os.environ):\n        yield",
         [msg(11, 5, KEY_X)]),
    ],
    ids=["patch-dict-around-yield", "restore-after-yield", "no-restore", "session-scope",
         "not-autouse"],
)
def test_autouse_fixture_in_module_restoring_environ(lint, fixture, expected):
    lines = fixture.splitlines()
    lines += ["    pass"] * (6 - len(lines))  # the test always starts at line 10
    source = "\n".join(["import os", "from unittest.mock import patch", "import pytest",
                        *lines[:6], "def test_set():", '    os.environ["API_KEY"] = "x"', ""])
    assert lint.messages(source, SELECT) == expected


@pytest.mark.parametrize(
    "body, expected",
    [
        ("    saved = dict(os.environ)\n"
         "    def restore():\n"
         "        os.environ.clear()\n"
         "        os.environ.update(saved)\n"
         "    request.addfinalizer(restore)", []),
        ("    saved = dict(os.environ)\n"
         "    try:\n"
         "        return saved\n"
         "    finally:\n"
         "        os.environ.update(saved)", [msg(13, 5, KEY_X)]),
    ],
    ids=["addfinalizer", "finally-without-yield-runs-before-the-test"],
)
def test_autouse_fixture_restoring_through_a_finalizer(lint, body, expected):
    source = "\n".join(["import os", "import pytest", "",
                        "@pytest.fixture(autouse=True)", "def _env(request):", body, "",
                        "def test_set():", '    os.environ["API_KEY"] = "x"', ""])
    assert lint.messages(source, SELECT) == expected


def test_requested_fixture_restoring_environ_covers_the_test(lint):
    src = """
    import os

    import pytest


    @pytest.fixture
    def clean_env():
        saved = os.environ.copy()
        yield
        os.environ.clear()
        os.environ.update(saved)


    def test_with(clean_env):
        os.environ["API_KEY"] = "x"


    def test_without():
        os.environ["API_KEY"] = "x"
    """
    assert lint.messages(src, SELECT) == [msg(19, 5, KEY_X)]


# --- undos count for what they undo (issue 15) ---------------------------------------------------

def test_an_addCleanup_of_one_variable_hides_no_change_of_another(lint):
    src = """
    import os
    import unittest

    class TestIt(unittest.TestCase):
        def setUp(self):
            self.addCleanup(os.environ.pop, "A", None)

        def test_it(self):
            os.environ["A"] = "1"
            os.environ["B"] = "1"
    """
    assert lint.messages(src, SELECT) == [msg(10, 9, "os.environ['B']")]


def test_a_change_inside_monkeypatch_context_after_m_saved_it_is_not_reported(lint):
    src = """
    import os

    def test_it(monkeypatch):
        with monkeypatch.context() as m:
            m.setenv("A", "1")
            os.environ["A"] = "2"
            os.environ["B"] = "2"
        os.environ["A"] = "3"
    """
    # B was never saved; the A after the block is no longer m's (it was put back at the exit)
    assert lint.messages(src, SELECT) == [msg(7, 9, "os.environ['B']"), msg(8, 5, "os.environ['A']")]
