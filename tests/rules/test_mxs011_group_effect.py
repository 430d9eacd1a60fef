"""MXS011 - an xdist_group mark that does not group as written (on by default); exact reports
and full messages through the real flake8 (the cases need pytest and tox configuration files)."""
import pytest


def conftest_mark(line, col, path="conftest.py"):
    return (f"{path}:{line}:{col}: MXS011 xdist_group mark in a conftest.py pytestmark is never "
            "applied by pytest; mark the test modules or classes instead")


def unnamed(line, col, group="test_example", path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS011 xdist_group mark without a name puts its tests in the one "
            f"'default' group the whole suite shares; name it, "
            f'e.g. xdist_group(name="{group}")')


def no_loadgroup(line, col, path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS011 xdist_group marks in this file do nothing: the project's "
            "pytest configuration never runs with --dist loadgroup; add it to addopts or remove the marks")


MOCKING_CLASS = """
from unittest.mock import MagicMock


class TestApi:
    def test_it(self):
        MagicMock()
"""


GROUPED = """
import pytest


@pytest.mark.xdist_group(name="api")
def test_one():
    pass


@pytest.mark.xdist_group
def test_two():
    pass
"""


@pytest.mark.parametrize("files, expected", [
    ({"pytest.ini": "[pytest]\naddopts = -n 2 --dist=loadgroup\n"}, [unnamed(9, 2)]),
    ({"pytest.ini": "[pytest]\naddopts = -n 2\n"}, [no_loadgroup(4, 2)]),
    ({"pytest.ini": "[pytest]\n", "tox.ini": "[testenv]\ncommands = pytest -n 4 --dist loadgroup\n"},
     [unnamed(9, 2)]),
    ({"setup.cfg": "[tool:pytest]\n", ".github/workflows/ci.yml": "run: pytest --dist=loadgroup\n"},
     [unnamed(9, 2)]),
    ({}, [unnamed(9, 2)]),  # no configuration: unknown, only the unnamed mark
], ids=["loadgroup-in-addopts", "no-loadgroup", "loadgroup-in-tox", "loadgroup-in-workflow", "unknown"])
def test_group_marks_that_do_not_group(project, files, expected):
    project.write({**files, "test_example.py": GROUPED})
    assert project.flake8("--select=MXS011") == expected


def test_a_conftest_pytestmark_group_is_reported_at_its_statement(project):
    project.write({"conftest.py": "import pytest\n\npytestmark = [pytest.mark.xdist_group('db')]\n"})
    assert project.flake8("--select=MXS011") == [conftest_mark(3, 1)]


def test_mxs001_is_silent_for_a_test_with_only_an_unnamed_mark(project):
    project.write({"test_example.py": "import pytest\n" + MOCKING_CLASS.replace(
        "class TestApi", "@pytest.mark.xdist_group\nclass TestApi")})
    assert project.flake8("--select=MXS001,MXS011") == [unnamed(6, 2)]


def test_a_named_module_mark_groups_a_class_with_an_unnamed_mark_too(project):
    src = "import pytest\n\npytestmark = pytest.mark.xdist_group(name='api')\n" + MOCKING_CLASS
    project.write({"test_example.py": src})
    assert project.codes("--select=MXS001") == []


def test_a_named_mark_in_a_loadgroup_project_is_not_reported(project):
    project.write({
        "pytest.ini": "[pytest]\naddopts = --dist loadgroup\n",
        "test_example.py": ("import pytest\n\n\n@pytest.mark.xdist_group(name='api')\n"
                            "def test_it():\n    pass\n"),
    })
    assert project.codes("--select=MXS011") == []


def test_a_class_mark_in_a_conftest_is_not_reported_as_a_conftest_pytestmark(project):
    project.write({"conftest.py": ("import pytest\n\n\n@pytest.mark.xdist_group(name='db')\n"
                                   "class Helper:\n    pass\n")})
    assert project.codes("--select=MXS011") == []


def test_mark_aliases_and_pytestmark_lists_are_read(project):
    project.write({
        "pytest.ini": "[pytest]\naddopts = --dist=loadgroup\n",
        "test_example.py": ("import pytest as pt\n\ngroup = pt.mark.xdist_group\n"
                            "pytestmark = [pt.mark.slow, group()]\n"),
    })
    assert project.flake8("--select=MXS011") == [unnamed(4, 1)]
