"""Installed but not enabled, the plugin does nothing; ``-p no:xdist_safety`` removes it."""
import pytest

from flake8_xdist_safety.runtime import plugin, report
from flake8_xdist_safety.runtime.plugin import CHECKS_PLUGIN_NAME

pytest_plugins = ["pytester"]

# hypothesis's plugin imports all of hypothesis at the end of each run: seconds, where bytecode
# is not cached.
FAST = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")

LEAKY_SUITE = """
    import os

    def test_leaks():
        os.environ["MXS_INERT"] = "1"
"""


def test_the_entry_point_module_defines_only_option_hooks():
    hooks = sorted(name for name in vars(plugin) if name.startswith("pytest_"))
    assert hooks == ["pytest_addoption", "pytest_configure"]


def _our_hooks(config):
    """Names of the hooks that have an implementation from this package."""
    return sorted(name for name, caller in vars(config.pluginmanager.hook).items()
                  if hasattr(caller, "get_hookimpls")
                  and any(type(impl.plugin).__module__.startswith("flake8_xdist_safety")
                          or getattr(impl.plugin, "__name__", "").startswith("flake8_xdist_safety")
                          for impl in caller.get_hookimpls()))


def test_inert_registers_no_working_hooks(pytester):
    config = pytester.parseconfigure()
    assert config.pluginmanager.get_plugin("xdist_safety") is plugin
    assert config.pluginmanager.get_plugin(CHECKS_PLUGIN_NAME) is None
    assert _our_hooks(config) == ["pytest_addoption", "pytest_configure"]


@pytest.mark.parametrize("how", ["option", "ini"])
def test_enabled_registers_the_checks(pytester, how):
    if how == "ini":
        pytester.makeini("[pytest]\nxdist_safety = true\n")
        config = pytester.parseconfigure()
    else:
        config = pytester.parseconfigure("--xdist-safety")
    assert config.pluginmanager.get_plugin(CHECKS_PLUGIN_NAME) is not None
    assert "pytest_runtest_teardown" in _our_hooks(config)


def test_inert_run_prints_nothing(pytester):
    pytester.makepyfile(test_leak=LEAKY_SUITE)
    result = pytester.runpytest(*FAST)
    result.assert_outcomes(passed=1)
    assert report.TITLE not in result.stdout.str() and "MXS" not in result.stdout.str()


def test_inert_run_does_not_import_the_checks(pytester):
    # In a fresh process: this one has imported the working modules for other tests.
    pytester.makepyfile(test_leak=LEAKY_SUITE, conftest="""
        import sys

        def pytest_unconfigure(config):
            print("checks imported:", "flake8_xdist_safety.runtime.session" in sys.modules)
            print("settings imported:", "flake8_xdist_safety.runtime.settings" in sys.modules)
            print("version looked up:", "__version__" in vars(sys.modules["flake8_xdist_safety"]))
    """)
    result = pytester.runpytest_subprocess(*FAST, "-s")
    result.stdout.fnmatch_lines(["checks imported: False", "settings imported: False",
                                 "version looked up: False"])


def test_ini_enables_it(pytester):
    pytester.makeini("[pytest]\nxdist_safety = true\n")
    pytester.makepyfile(test_leak=LEAKY_SUITE)
    result = pytester.runpytest(*FAST)
    result.stdout.fnmatch_lines(["MXS003 test_leak.py:3 test_leak.py::test_leaks"])


def test_disabled_with_p_no(pytester):
    pytester.makeini("[pytest]\nxdist_safety = true\n")
    pytester.makepyfile(test_leak=LEAKY_SUITE)
    config = pytester.parseconfigure("-p", "no:xdist_safety")
    assert config.pluginmanager.get_plugin("xdist_safety") is None
    assert config.pluginmanager.get_plugin(CHECKS_PLUGIN_NAME) is None
    result = pytester.runpytest(*FAST, "-p", "no:xdist_safety")
    result.assert_outcomes(passed=1)
    assert report.TITLE not in result.stdout.str() and "MXS" not in result.stdout.str()
    # Its options go with it, so asking for the checks as well is a usage error.
    result = pytester.runpytest(*FAST, "-p", "no:xdist_safety", "--xdist-safety")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
