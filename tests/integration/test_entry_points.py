"""The installed plugin, found by flake8 through its entry point (flake8 as a subprocess)."""
from cases import MOCKING_FN, mxs_lines


def test_version_lists_the_plugin(project):
    result = project.run("--version")
    assert result.returncode == 0, result.stderr
    assert "flake8-xdist-safety" in result.stdout


def test_installed_plugin_runs_without_configuration(project):
    project.write({"test_example.py": MOCKING_FN})
    result = project.run("--extend-select=MXS001", "test_example.py")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert mxs_lines(result.stdout) == ["test_example.py:4:1: MXS001"]
