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


def test_suggested_group_is_unique_per_module(project):
    project.write({
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '--dist loadgroup'\n",
        "tests/api/test_keys.py": MOCKING_CLASS,
        "tests/db/test_keys.py": MOCKING_CLASS,
    })
    found = project.flake8("--select=MXS001")
    assert [line.split('name="')[1] for line in found] == ['api.test_keys")', 'db.test_keys")']


def test_a_garbage_collecting_fixture_in_the_ini_usefixtures_satisfies_mxs002(project):
    project.write({
        "pytest.ini": "[pytest]\nusefixtures = collect\n",
        "conftest.py": ("import gc\nimport pytest\n\n\n@pytest.fixture\ndef collect():\n"
                        "    yield\n    gc.collect()\n"),
        "test_example.py": MOCKING_CLASS,
    })
    assert project.codes("--select=MXS002") == []


def test_a_restoring_fixture_in_the_ini_usefixtures_covers_mxs003(project):
    project.write({
        "pyproject.toml": "[tool.pytest.ini_options]\nusefixtures = ['restore_env']\n",
        "conftest.py": ("import os\nimport pytest\n\n\n@pytest.fixture\ndef restore_env():\n"
                        "    saved = dict(os.environ)\n    yield\n    os.environ.clear()\n"
                        "    os.environ.update(saved)\n"),
        "test_example.py": "import os\n\n\ndef test_set():\n    os.environ['A'] = '1'\n",
    })
    assert project.codes("--select=MXS003") == []


def test_an_unreadable_pytest_configuration_is_treated_as_absent(project):
    project.write({
        "pyproject.toml": "[tool.pytest.ini_options\nbroken = \n",
        "test_example.py": "import os\n\n\ndef test_set():\n    os.environ['A'] = '1'\n",
    })
    assert project.codes("--select=MXS003") == ["test_example.py:5:5: MXS003"]
