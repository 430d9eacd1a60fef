"""Which codes are on by default, the project's pytest configuration, and MXS011."""
import pytest

MOCKING_CLASS = """
from unittest.mock import MagicMock


class TestApi:
    def test_it(self):
        MagicMock()
"""


@pytest.mark.parametrize("args, expected", [
    ((), []),
    (("--ignore=E501",), []),  # a plain ignore replaces flake8's default-ignore list
    (("--extend-select=MXS001",), ["test_example.py:4:1: MXS001"]),
    (("--extend-select=MXS002",), ["test_example.py:4:1: MXS002"]),
    (("--extend-select=MXS001,MXS002",), ["test_example.py:4:1: MXS001", "test_example.py:4:1: MXS002"]),
    (("--select=MXS00",), ["test_example.py:4:1: MXS001", "test_example.py:4:1: MXS002"]),
    (("--select=MXS", "--extend-ignore=MXS002,MXS010"), ["test_example.py:4:1: MXS001"]),
])
def test_opt_in_codes_are_reported_only_when_select_names_them(project, args, expected):
    project.write({"test_example.py": MOCKING_CLASS})
    assert project.codes(*args) == expected


def test_python_classes_from_the_pytest_configuration_decide_test_classes(project):
    project.write({
        "pytest.ini": "[pytest]\naddopts = --dist loadgroup\npython_classes = Check\n",
        "test_example.py": MOCKING_CLASS.replace("TestApi", "CheckApi"),
    })
    assert project.codes("--extend-select=MXS001") == ["test_example.py:4:1: MXS001"]


def test_an_explicit_mxs_option_wins_over_the_pytest_configuration(project):
    project.write({
        "pytest.ini": "[pytest]\npython_classes = Check\n",
        "test_example.py": MOCKING_CLASS,
    })
    assert project.codes("--extend-select=MXS002", "--mxs-test-classes=Test*") == [
        "test_example.py:4:1: MXS002"]
    assert project.codes("--extend-select=MXS002") == []


def test_python_files_from_pyproject_native_table(project):
    project.write({
        "pyproject.toml": '[tool.pytest]\npython_files = ["check_*.py"]\n',
        "check_env.py": "import os\n\n\ndef test_set():\n    os.environ['A'] = '1'\n",
        "test_skipped.py": "import os\n\n\ndef test_set():\n    os.environ['A'] = '1'\n",
    })
    assert project.codes("--select=MXS003") == ["check_env.py:5:5: MXS003"]


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
    ({"pytest.ini": "[pytest]\naddopts = -n 2 --dist=loadgroup\n"}, ["test_example.py:9:2: MXS011"]),
    ({"pytest.ini": "[pytest]\naddopts = -n 2\n"}, ["test_example.py:4:2: MXS011"]),
    ({"pytest.ini": "[pytest]\n", "tox.ini": "[testenv]\ncommands = pytest -n 4 --dist loadgroup\n"},
     ["test_example.py:9:2: MXS011"]),
    ({"setup.cfg": "[tool:pytest]\n", ".github/workflows/ci.yml": "run: pytest --dist=loadgroup\n"},
     ["test_example.py:9:2: MXS011"]),
    ({}, ["test_example.py:9:2: MXS011"]),  # no configuration: unknown, only the unnamed mark
], ids=["loadgroup-in-addopts", "no-loadgroup", "loadgroup-in-tox", "loadgroup-in-workflow", "unknown"])
def test_group_marks_that_do_not_group(project, files, expected):
    project.write({**files, "test_example.py": GROUPED})
    assert project.codes("--select=MXS011") == expected


def test_a_conftest_pytestmark_group_is_reported_at_its_statement(project):
    project.write({"conftest.py": "import pytest\n\npytestmark = [pytest.mark.xdist_group('db')]\n"})
    assert project.codes("--select=MXS011") == ["conftest.py:3:1: MXS011"]


def test_mxs001_is_silent_for_a_test_with_only_an_unnamed_mark(project):
    project.write({"test_example.py": "import pytest\n" + MOCKING_CLASS.replace(
        "class TestApi", "@pytest.mark.xdist_group\nclass TestApi")})
    assert project.codes("--select=MXS001,MXS011") == ["test_example.py:6:2: MXS011"]


def test_a_named_module_mark_groups_a_class_with_an_unnamed_mark_too(project):
    src = "import pytest\n\npytestmark = pytest.mark.xdist_group(name='api')\n" + MOCKING_CLASS
    project.write({"test_example.py": src})
    assert project.codes("--select=MXS001") == []


def test_suggested_group_is_unique_per_module(project):
    project.write({
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '--dist loadgroup'\n",
        "tests/api/test_keys.py": MOCKING_CLASS,
        "tests/db/test_keys.py": MOCKING_CLASS,
    })
    found = project.flake8("--select=MXS001")
    assert [line.split('name="')[1] for line in found] == ['api.test_keys")', 'db.test_keys")']
