"""Which files are test files: the ``--mxs-test-files`` globs (default ``test_*.py``,
``*_test.py``, ``conftest.py``). A glob without ``/`` matches the base name at any depth; one with
``/`` matches the path as flake8 was given it (normalised). Other files get no report at all.

Observed through MXS001/MXS002, the rules that use every definition; the option's parsing from the
command line and config files is in tests/options/.
"""
import pytest

from cases import MOCKING_CLASS, MOCKING_FN

#: Only these two codes are selected, so that other rules' findings do not blur the picture.
SELECT = "--select=MXS001,MXS002"
MXS001_ONLY = "--select=MXS001"


#: A test class that creates a mock (class ``TestA`` on line 4).
CLASS_WITH_MOCK = """
    from unittest.mock import MagicMock


    class TestA:
        def test_it(self):
            MagicMock()
"""


# -- default globs ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "path, reported",
    [
        ("test_thing.py", True),
        ("thing_test.py", True),
        ("conftest.py", True),
        ("tests/test_thing.py", True),
        ("tests/unit/thing_test.py", True),
        ("app.py", False),
        ("tests/helpers.py", False),
        ("testthing.py", False),
        ("my_conftest.py", False),
    ],
)
def test_test_file_default_globs(lint, path, reported):
    expected = [f"{path}:4:1: MXS001"] if reported else []
    assert lint({path: MOCKING_FN}, SELECT) == expected


def test_non_test_files_get_no_report_in_a_whole_repository_run(lint):
    files = {
        "app.py": MOCKING_FN,
        "src/service/client.py": MOCKING_FN,
        "tests/helpers.py": MOCKING_FN,
        "tests/test_client.py": MOCKING_FN,
    }
    assert lint(files, SELECT) == ["tests/test_client.py:4:1: MXS001"]


def test_non_test_files_get_no_report(lint):
    files = {
        "app.py": MOCKING_CLASS,
        "src/pkg/service.py": MOCKING_FN,
        "tests/helpers.py": MOCKING_CLASS,
        "tests/factories.py": MOCKING_FN,
        "setup.py": MOCKING_FN,
    }
    assert lint(files) == []


def test_non_test_files_next_to_a_test_file(lint):
    files = {"app.py": MOCKING_CLASS, "test_app.py": MOCKING_FN}
    assert lint(files, "--extend-select=MXS001") == ["test_app.py:4:1: MXS001"]


# -- --mxs-test-files ---------------------------------------------------------------------

def test_test_files_option_replaces_default(lint):
    files = {"test_a.py": CLASS_WITH_MOCK, "conftest.py": CLASS_WITH_MOCK, "a_spec.py": CLASS_WITH_MOCK}
    assert lint(files, MXS001_ONLY, "--mxs-test-files=*_spec.py") == ["a_spec.py:4:1: MXS001"]
    assert lint(files, MXS001_ONLY) == ["conftest.py:4:1: MXS001", "test_a.py:4:1: MXS001"]


def test_glob_without_slash_matches_the_base_name_at_any_depth(lint):
    files = {"pkg/deep/check_thing.py": MOCKING_FN, "pkg/thing_check.py": MOCKING_FN}
    assert lint(files, SELECT, "--mxs-test-files=check_*.py") == [
        "pkg/deep/check_thing.py:4:1: MXS001"
    ]


def test_glob_without_slash_matches_base_name_only(lint):
    files = {
        "checks/spec_a.py": CLASS_WITH_MOCK,
        "test_dir/helper.py": CLASS_WITH_MOCK,
    }
    assert lint(files, MXS001_ONLY, "--mxs-test-files=spec_*.py") == ["checks/spec_a.py:4:1: MXS001"]
    assert lint(files, MXS001_ONLY) == []


def test_glob_with_slash_matches_the_path_relative_to_the_run(lint):
    files = {
        "tests/helpers.py": MOCKING_FN,
        "helpers.py": MOCKING_FN,
        "src/tests/helpers.py": MOCKING_FN,
    }
    assert lint(files, SELECT, "--mxs-test-files=tests/*.py") == ["tests/helpers.py:4:1: MXS001"]


def test_glob_with_slash_and_leading_star(lint):
    files = {
        "pkg/tests/helpers.py": MOCKING_FN,
        "tests/helpers.py": MOCKING_FN,
        "pkg/helpers.py": MOCKING_FN,
    }
    assert lint(files, SELECT, "--mxs-test-files=*/tests/*.py") == [
        "pkg/tests/helpers.py:4:1: MXS001"
    ]


def test_glob_with_leading_dot_slash(lint):
    files = {"tests/unit/test_a.py": CLASS_WITH_MOCK}
    assert lint(files, MXS001_ONLY, "--mxs-test-files=./tests/unit/test_*.py") == [
        "tests/unit/test_a.py:4:1: MXS001"]


# -- globs with '/' and the paths flake8 is given (real flake8: paths) -----------------------

@pytest.mark.parametrize("given", ["tests/helpers.py", "./tests/helpers.py", "tests"])
def test_glob_with_slash_uses_the_path_as_flake8_was_given_it_normalised(project, given):
    project.write({"tests/helpers.py": MOCKING_FN})
    assert project.codes(SELECT, "--mxs-test-files=tests/*.py", paths=[given]) == [
        "tests/helpers.py:4:1: MXS001"
    ]


def test_glob_with_slash_relative_to_given_path(project):
    project.write({
        "tests/unit/test_a.py": CLASS_WITH_MOCK,
        "tests/other/test_b.py": CLASS_WITH_MOCK,
    })
    glob = "--mxs-test-files=tests/unit/test_*.py"
    assert project.codes(MXS001_ONLY, glob, paths=["tests/unit"]) == ["tests/unit/test_a.py:4:1: MXS001"]
    assert project.codes(MXS001_ONLY, glob, paths=["."]) == ["tests/unit/test_a.py:4:1: MXS001"]
    assert project.codes(MXS001_ONLY, glob, paths=["./tests"]) == ["tests/unit/test_a.py:4:1: MXS001"]
