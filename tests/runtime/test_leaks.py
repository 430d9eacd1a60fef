"""Each kind of leak is found, with its exact report; the compliant forms report nothing."""
import pytest

pytest_plugins = ["pytester"]


def test_environment_added_changed_removed(pytester, run_checks, monkeypatch):
    monkeypatch.setenv("MXS_EXISTING", "1")
    monkeypatch.setenv("MXS_DOOMED", "1")
    pytester.makepyfile(test_env="""
        import os

        def test_adds():
            os.environ["MXS_ADDED"] = "secret-value"

        def test_changes():
            os.environ["MXS_EXISTING"] = "2"

        def test_removes():
            del os.environ["MXS_DOOMED"]
    """)
    run = run_checks()
    run.result.assert_outcomes(passed=3)
    assert run.leaks() == [
        ("MXS003", "test_env.py::test_adds", "os.environ['MXS_ADDED'] added"),
        ("MXS003", "test_env.py::test_changes", "os.environ['MXS_EXISTING'] changed"),
        ("MXS003", "test_env.py::test_removes", "os.environ['MXS_DOOMED'] removed"),
    ]
    first = run.findings[0]
    assert (first["path"], first["line"], first["kind"], first["rule_page"]) == (
        "test_env.py", 3, "environ", "docs/rules/MXS003.md")
    # The terminal summary names the test, its line, the code and the rule page, never the value.
    run.result.stdout.fnmatch_lines([
        "*= xdist-safety: state left behind by tests =*",
        "MXS003 test_env.py:3 test_env.py::test_adds",
        "    os.environ['MXS_ADDED'] added  (docs/rules/MXS003.md)",
    ])
    assert "secret-value" not in run.result.stdout.str()


def test_environment_compliant_forms(pytester, run_checks):
    pytester.makepyfile(test_env="""
        import os
        from unittest import mock

        import pytest

        @pytest.fixture
        def restoring():
            old = os.environ.get("MXS_FIXTURE")
            os.environ["MXS_FIXTURE"] = "1"
            try:
                yield
            finally:
                if old is None:
                    del os.environ["MXS_FIXTURE"]
                else:
                    os.environ["MXS_FIXTURE"] = old

        @pytest.fixture(scope="module")
        def module_wide():
            # Set during the first test's setup, restored during the last test's teardown:
            # neither test is to blame.
            os.environ["MXS_MODULE"] = "1"
            yield
            del os.environ["MXS_MODULE"]

        def test_monkeypatch(monkeypatch):
            monkeypatch.setenv("MXS_MP", "1")
            monkeypatch.delenv("HOME", raising=False)

        def test_patch_dict():
            with mock.patch.dict(os.environ, {"MXS_PD": "1"}, clear=True):
                assert os.environ == {"MXS_PD": "1"}

        def test_fixture(restoring):
            assert os.environ["MXS_FIXTURE"] == "1"

        def test_module_first(module_wide):
            assert os.environ["MXS_MODULE"] == "1"

        def test_module_last(module_wide):
            assert os.environ["MXS_MODULE"] == "1"
    """)
    run = run_checks()
    run.result.assert_outcomes(passed=5)
    assert run.leaks() == []
    run.result.stdout.fnmatch_lines(["0 finding(s)*"])


def test_wider_fixture_that_never_restores_is_reported_as_the_fixture(pytester, run_checks):
    pytester.makepyfile(test_env="""
        import os

        import pytest

        @pytest.fixture(scope="module")
        def configured():
            os.environ["MXS_MODULE"] = "1"
            yield

        def test_one(configured):
            pass

        def test_two(configured):
            pass
    """)
    run = run_checks()
    assert run.leaks() == [("MXS003", "fixture configured (scope=module)",
                            "os.environ['MXS_MODULE'] added (still so after the fixture's teardown)")]
    assert (run.findings[0]["path"], run.findings[0]["line"]) == ("test_env.py", 5)


def test_patchers_started_and_never_stopped(pytester, run_checks):
    pytester.makepyfile(test_patch="""
        import json
        import os
        from unittest import mock

        def test_patch():
            mock.patch("os.getcwd").start()

        def test_patch_object():
            mock.patch.object(json, "dumps").start()

        def test_patch_multiple():
            mock.patch.multiple("os.path", isdir=mock.DEFAULT, isfile=mock.DEFAULT).start()

        def test_patch_dict_of_environ():
            mock.patch.dict(os.environ, {"MXS_PATCHED": "1"}).start()

        def test_stopall_stops_the_others():
            mock.patch.stopall()
    """)
    run = run_checks()
    run.result.assert_outcomes(passed=5)
    stopped = "test_patch.py::test_stopall_stops_the_others"
    assert run.leaks() == sorted([
        ("MXS004", "test_patch.py::test_patch",
         "patcher for os.getcwd started and still active after teardown"),
        ("MXS004", "test_patch.py::test_patch_object",
         "patcher for json.dumps started and still active after teardown"),
        ("MXS004", "test_patch.py::test_patch_multiple",
         "patcher for os.path.isdir, os.path.isfile started and still active after teardown"),
        ("MXS004", "test_patch.py::test_patch_dict_of_environ",
         "patcher for os.environ (patch.dict) started and still active after teardown"),
        ("MXS003", "test_patch.py::test_patch_dict_of_environ", "os.environ['MXS_PATCHED'] added"),
        # stopall() undoes the others' patches: that changes process state too.
        ("MXS004", stopped, "patcher for os.getcwd, active before the test, was stopped by it"),
        ("MXS004", stopped, "patcher for json.dumps, active before the test, was stopped by it"),
        ("MXS004", stopped,
         "patcher for os.path.isdir, os.path.isfile, active before the test, was stopped by it"),
        ("MXS004", stopped,
         "patcher for os.environ (patch.dict), active before the test, was stopped by it"),
        ("MXS003", stopped, "os.environ['MXS_PATCHED'] removed"),
    ])


def test_patchers_compliant_forms(pytester, run_checks):
    pytester.makepyfile(test_patch="""
        import os
        from unittest import mock

        import pytest

        @pytest.fixture
        def stopped_in_teardown():
            patcher = mock.patch("os.getcwd", return_value="/srv")
            yield patcher.start()
            patcher.stop()

        @pytest.fixture
        def stopped_by_finalizer(request):
            patcher = mock.patch("os.getpid", return_value=1)
            request.addfinalizer(patcher.stop)
            return patcher.start()

        def test_context_manager():
            with mock.patch("os.getcwd", return_value="/x"):
                assert os.getcwd() == "/x"

        @mock.patch("os.getcwd", return_value="/y")
        def test_decorator(fake):
            assert os.getcwd() == "/y"

        def test_fixture(stopped_in_teardown, stopped_by_finalizer):
            assert (os.getcwd(), os.getpid()) == ("/srv", 1)

        def test_started_and_stopped():
            patcher = mock.patch("os.getcwd")
            patcher.start()
            patcher.stop()
    """)
    run = run_checks()
    run.result.assert_outcomes(passed=4)
    assert run.leaks() == []


APP_MODULE = """
    class App:
        def __init__(self):
            self.dependency_overrides = {}

    def get_db():
        return "db"

    def get_user():
        return "user"

    app = App()
    app.dependency_overrides[get_user] = lambda: "set at import"
    other_app = App()
"""


def test_dependency_overrides_added_changed_removed(pytester, run_checks):
    # other_app is reachable only from the conftest's globals (the tests get it by a fixture).
    pytester.makepyfile(appmod=APP_MODULE.replace("other_app", "admin_app"), conftest="""
        import pytest

        from appmod import admin_app

        @pytest.fixture
        def admin():
            return admin_app
    """)
    pytester.makepyfile(test_api="""
        from appmod import app, get_db, get_user

        def test_adds():
            app.dependency_overrides[get_db] = lambda: "fake"

        def test_rebinds():
            app.dependency_overrides[get_user] = lambda: "other"

        def test_removes():
            del app.dependency_overrides[get_user]

        def test_app_seen_through_the_conftest(admin):
            admin.dependency_overrides[get_db] = lambda: "fake"
    """)
    run = run_checks()
    run.result.assert_outcomes(passed=4)
    assert run.leaks() == [
        ("MXS007", "test_api.py::test_adds", "test_api.app.dependency_overrides[get_db] added"),
        ("MXS007", "test_api.py::test_app_seen_through_the_conftest",
         "conftest.admin_app.dependency_overrides[get_db] added"),
        ("MXS007", "test_api.py::test_rebinds", "test_api.app.dependency_overrides[get_user] changed"),
        ("MXS007", "test_api.py::test_removes", "test_api.app.dependency_overrides[get_user] removed"),
    ]


def test_dependency_overrides_compliant_forms(pytester, run_checks):
    pytester.makepyfile(appmod=APP_MODULE)
    pytester.makepyfile(test_api="""
        from unittest import mock

        import pytest

        from appmod import app, get_db

        @pytest.fixture
        def overridden():
            app.dependency_overrides[get_db] = lambda: "fake"
            yield app
            app.dependency_overrides.pop(get_db)

        @pytest.fixture
        def cleared(request):
            saved = dict(app.dependency_overrides)
            app.dependency_overrides[get_db] = lambda: "fake"
            yield app
            app.dependency_overrides.clear()
            app.dependency_overrides.update(saved)

        def test_fixture(overridden):
            assert get_db in overridden.dependency_overrides

        def test_cleared_after_yield(cleared):
            assert get_db in cleared.dependency_overrides

        def test_patch_dict():
            with mock.patch.dict(app.dependency_overrides, {get_db: lambda: "fake"}):
                pass
    """)
    run = run_checks()
    run.result.assert_outcomes(passed=3)
    assert run.leaks() == []


def test_override_cleared_after_yield_when_nothing_was_set_before(pytester, run_checks):
    pytester.makepyfile(test_api="""
        import pytest

        class App:
            def __init__(self):
                self.dependency_overrides = {}

        app = App()

        def get_db():
            pass

        @pytest.fixture
        def client():
            app.dependency_overrides[get_db] = lambda: "fake"
            yield app
            app.dependency_overrides.clear()

        def test_uses_client(client):
            assert client.dependency_overrides
    """)
    run = run_checks()
    assert run.leaks() == []


def test_strict_fails_only_the_leaking_test(pytester, run_checks):
    pytester.makepyfile(test_env="""
        import os

        def test_before(monkeypatch):
            monkeypatch.setenv("MXS_FINE", "1")

        def test_leaks():
            os.environ["MXS_STRICT"] = "1"

        def test_after():
            assert os.environ["MXS_STRICT"] == "1"
    """)
    run = run_checks("--xdist-safety-strict", "-rE")
    run.result.assert_outcomes(passed=3, errors=1)
    run.result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_leaks*",
        "flake8-xdist-safety: os.environ['MXS_STRICT'] added",
        "ERROR test_env.py::test_leaks - *",
    ])
    assert run.leaks() == [("MXS003", "test_env.py::test_leaks", "os.environ['MXS_STRICT'] added")]


def test_live_mocks_are_counted_when_asked(pytester, run_checks):
    pytester.makepyfile(test_mocks="""
        from unittest import mock

        KEPT = []

        def test_keeps_two():
            KEPT.extend([mock.MagicMock(), mock.Mock()])

        def test_keeps_none():
            assert mock.MagicMock()
    """)
    run = run_checks("--xdist-safety-mocks")
    found = [(f["code"], f["kind"], f["where"], f["data"]["new_mocks"]) for f in run.findings]
    assert found == [("memory", "mocks", "test_mocks.py::test_keeps_two", 2)]
    assert run_checks().findings == []  # off unless asked: it costs a gc.collect() per test


def test_conftest_pytestmark_is_reported(pytester, run_checks):
    pytester.makepyfile(**{
        "api/conftest.py": """
            import pytest

            pytestmark = pytest.mark.xdist_group(name="api")
        """,
        "api/test_orders.py": """
            import pytest

            def test_plain():
                pass

            @pytest.mark.xdist_group(name="api")
            def test_marked():
                pass
        """,
        "api/test_users.py": "def test_one():\n    pass\n\ndef test_two():\n    pass\n",
        "test_elsewhere.py": "def test_outside():\n    pass\n",
    })
    run = run_checks()
    message = ("api/conftest.py sets pytestmark = xdist_group, which pytest never applies from a "
               "conftest; {} test(s) here have no xdist_group mark, e.g. {}")
    assert run.leaks() == [
        ("MXS011", "api/test_orders.py", message.format(1, "api/test_orders.py::test_plain")),
        ("MXS011", "api/test_users.py", message.format(2, "api/test_users.py::test_one")),
    ]
    assert [(f["path"], f["line"], f["data"]["tests"]) for f in run.findings] == [
        ("api/conftest.py", 3, ["api/test_orders.py::test_plain"]),
        ("api/conftest.py", 3, ["api/test_users.py::test_one", "api/test_users.py::test_two"]),
    ]


@pytest.mark.parametrize("value", ["abc", "10,5", "0", "1,2,3"])
def test_bad_threshold_is_a_usage_error(pytester, value):
    pytester.makepyfile(test_one="def test_one():\n    pass\n")
    result = pytester.runpytest("--xdist-safety", "--xdist-safety-test-growth=" + value)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--xdist-safety-test-growth: *"])
