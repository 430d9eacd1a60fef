"""Entry point of the runtime checks (``pytest11`` entry point ``xdist_safety``).

Installed with the package, so it is loaded by every pytest run in the environment. It must
cost nothing unless asked for: this module defines only ``pytest_addoption`` and
``pytest_configure``, and the hooks that do the work (in ``session.py``, imported only then)
are registered as a separate plugin object when ``--xdist-safety`` or the ini value
``xdist_safety = true`` turns them on. ``-p no:xdist_safety`` keeps even this module out.
"""
from typing import Any

#: Name of the working plugin object in pytest's plugin manager.
CHECKS_PLUGIN_NAME = "xdist_safety_checks"

#: Defaults of the memory thresholds, in MB, as ``WARN[,FAIL]``. A hand-made conftest
#: that one team used warned at 100 MB of growth per test and at 300 MB per worker
#: session; those warn levels are kept. No fail level is set by default: the plugin is a
#: diagnostic, and failing a run on memory is a decision for the team's CI (that team
#: failed at 600 MB of session growth: ``--xdist-safety-session-growth=300,600``).
DEFAULT_TEST_GROWTH = "100"
DEFAULT_SESSION_GROWTH = "300"


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("xdist-safety", "flake8-xdist-safety runtime checks")
    group.addoption("--xdist-safety", action="store_true", default=False,
                    help="report tests that leak environment variables, patchers, "
                         "dependency overrides or memory (flake8-xdist-safety)")
    group.addoption("--xdist-safety-strict", action="store_true", default=False,
                    help="make a test that leaks an environment variable, patcher or dependency "
                         "override error at teardown")
    group.addoption("--xdist-safety-restore", action="store_true", default=False,
                    help="after reporting a leak, put back what can be put back (environment, cwd, "
                         "sys.path, sys.modules entries, settings, logging, warnings filters...)")
    group.addoption("--xdist-safety-modules", action="store_true", default=False,
                    help="also report sys.modules entries a test replaced or removed (MXS013; "
                         "compares every module after every test)")
    group.addoption("--xdist-safety-files", action="store_true", default=False,
                    help="also report files a test leaves in the rootdir or the working directory")
    group.addoption("--xdist-safety-watch", metavar="MODULE[,MODULE...]", default=None,
                    help="also report attributes of these modules (and their submodules) that a "
                         "test rebinds and leaves rebound (MXS012)")
    group.addoption("--xdist-safety-json", metavar="PATH", default=None,
                    help="also write the findings as JSON to PATH")
    group.addoption("--xdist-safety-mocks", action="store_true", default=False,
                    help="count unittest.mock objects still alive after each test "
                         "(a gc.collect() and a heap walk per test: slow)")
    group.addoption("--xdist-safety-test-growth", metavar="WARN[,FAIL]", default=None,
                    help="RSS growth per test in MB that warns [and errors the test]; 'off' for "
                         "none (default: ini xdist_safety_test_growth, else {})".format(
                             DEFAULT_TEST_GROWTH))
    group.addoption("--xdist-safety-session-growth", metavar="WARN[,FAIL]", default=None,
                    help="RSS growth of a worker over the session in MB that warns [and fails "
                         "the run] (default: ini xdist_safety_session_growth, else {})".format(
                             DEFAULT_SESSION_GROWTH))
    parser.addini("xdist_safety", type="bool", default=False,
                  help="enable the flake8-xdist-safety runtime checks")
    parser.addini("xdist_safety_test_growth", default=DEFAULT_TEST_GROWTH,
                  help="per-test RSS growth WARN[,FAIL] in MB for the xdist-safety checks")
    parser.addini("xdist_safety_session_growth", default=DEFAULT_SESSION_GROWTH,
                  help="per-worker session RSS growth WARN[,FAIL] in MB for the xdist-safety checks")


def pytest_configure(config: Any) -> None:
    if not (config.getoption("xdist_safety") or config.getini("xdist_safety")):
        return
    import pytest

    from flake8_xdist_safety.runtime.session import RuntimeChecks
    from flake8_xdist_safety.runtime.settings import ThresholdError, read_settings

    try:
        settings = read_settings(config)
    except ThresholdError as error:
        raise pytest.UsageError(str(error)) from None
    config.pluginmanager.register(RuntimeChecks(config, settings), CHECKS_PLUGIN_NAME)
