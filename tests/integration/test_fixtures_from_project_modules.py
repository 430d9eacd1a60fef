"""Fixtures and restoring helpers that live in the project's own modules, reached from a
conftest.py (star imports, ``pytest_plugins``, names imported) or from a fixture (a
context-manager helper imported from ``tests/helpers.py``): real flake8 runs from the
project root, as a user runs them."""
import pytest

RESTORING_FIXTURES = '''
import os
import pytest


@pytest.fixture(autouse=True)
def clean_env():
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
'''

TEST = '''
import os


def test_sets():
    os.environ["API_KEY"] = "x"
'''

REPORTED = ["tests/test_api.py:5:5: MXS003"]


@pytest.mark.parametrize("conftest, modules", [
    pytest.param("from tests.fixtures.base import *\n",
                 {"tests/fixtures/__init__.py": "", "tests/fixtures/base.py": RESTORING_FIXTURES},
                 id="star-import"),
    pytest.param("from .fixtures.base import *\n",
                 {"tests/fixtures/__init__.py": "", "tests/fixtures/base.py": RESTORING_FIXTURES},
                 id="relative-star-import"),
    pytest.param('pytest_plugins = ["tests.fixtures.env"]\n',
                 {"tests/fixtures/__init__.py": "", "tests/fixtures/env.py": RESTORING_FIXTURES},
                 id="pytest-plugins"),
    pytest.param('pytest_plugins = "tests.plugins"\n',
                 {"tests/plugins.py": "from tests.fixtures.env import *\n",
                  "tests/fixtures/__init__.py": "", "tests/fixtures/env.py": RESTORING_FIXTURES},
                 id="pytest-plugins-star-importing"),
    pytest.param("from tests.fixtures.env import clean_env  # noqa: F401\n",
                 {"tests/fixtures/__init__.py": "", "tests/fixtures/env.py": RESTORING_FIXTURES},
                 id="fixture-imported-by-name"),
])
def test_a_restoring_fixture_from_a_project_module_covers_the_tests(project, conftest, modules):
    project.write({"tests/__init__.py": "", "tests/conftest.py": conftest, "tests/test_api.py": TEST,
                   **modules})
    assert project.codes("--select=MXS003", paths=["tests"]) == []


def test_without_the_conftest_line_the_change_is_reported(project):
    project.write({"tests/__init__.py": "", "tests/conftest.py": "", "tests/test_api.py": TEST,
                   "tests/fixtures/__init__.py": "", "tests/fixtures/base.py": RESTORING_FIXTURES})
    assert project.codes("--select=MXS003", paths=["tests"]) == REPORTED


HELPER = '''
import contextlib
import os


@contextlib.contextmanager
def isolated_environment():
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def sloppy_environment():
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
'''


@pytest.mark.parametrize("helper, expected", [
    ("isolated_environment", []),
    ("sloppy_environment", REPORTED),  # skipped when the test fails: not guaranteed
])
def test_an_autouse_fixture_yielding_inside_an_imported_restoring_helper(project, helper, expected):
    conftest = f'''
    import pytest
    from tests.helpers import {helper}


    @pytest.fixture(autouse=True)
    def isolate():
        with {helper}():
            yield
    '''
    project.write({"tests/__init__.py": "", "tests/helpers.py": HELPER, "tests/conftest.py": conftest,
                   "tests/test_api.py": TEST})
    assert project.codes("--select=MXS003", paths=["tests"]) == expected


def test_a_restoring_helper_used_in_the_test_itself(project):
    test = '''
    import os
    from tests.helpers import isolated_environment


    def test_sets():
        with isolated_environment():
            os.environ["API_KEY"] = "x"
    '''
    project.write({"tests/__init__.py": "", "tests/helpers.py": HELPER, "tests/test_api.py": test})
    assert project.codes("--select=MXS003", paths=["tests"]) == []


@pytest.mark.parametrize("broken", [
    "def broken(:\n",  # not Python
    None,  # missing
])
def test_a_module_that_cannot_be_read_is_unknown_never_an_error(project, broken):
    files = {"tests/__init__.py": "", "tests/conftest.py": "from tests.fixtures.base import *\n",
             "tests/test_api.py": TEST}
    if broken is not None:
        files["tests/fixtures/base.py"] = broken
    project.write(files)
    assert project.codes("--select=MXS003", paths=["tests"]) == REPORTED


def test_star_imports_that_import_each_other_end(project):
    project.write({"tests/__init__.py": "", "tests/conftest.py": "from tests.a import *\n",
                   "tests/a.py": "from tests.b import *\n", "tests/b.py": "from tests.a import *\n",
                   "tests/test_api.py": TEST})
    assert project.codes("--select=MXS003", paths=["tests"]) == REPORTED


def test_a_restoring_fixture_imported_into_the_test_module_and_requested(project):
    test = '''
    import os
    from tests.fixtures import clean_env  # noqa: F401


    def test_sets(clean_env):
        os.environ["API_KEY"] = "x"


    def test_does_not_request_it():
        os.environ["API_KEY"] = "x"
    '''
    restoring = RESTORING_FIXTURES.replace("autouse=True", "")
    project.write({"tests/__init__.py": "", "tests/fixtures.py": restoring, "tests/test_api.py": test})
    assert project.codes("--select=MXS003", paths=["tests"]) == ["tests/test_api.py:10:5: MXS003"]
