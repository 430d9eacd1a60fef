"""The conftest.py files that apply to a test file: each one from the file's directory up to
and including the first directory with a root marker (``pyproject.toml``, ``setup.cfg``,
``tox.ini``, ``pytest.ini``, ``.git``); siblings and children never; unreadable ones are skipped
and the walk goes on. conftest.py files are test files themselves.

Observed through MXS002 (an autouse ``gc.collect()`` fixture in a conftest.py).
"""
import pytest

#: Only these two codes are selected, so that other rules' findings do not blur the picture.
SELECT = "--select=MXS001,MXS002"
MXS002_ONLY = "--select=MXS002"


GC_CONFTEST = """
    import gc

    import pytest


    @pytest.fixture(autouse=True)
    def _collect_garbage():
        yield
        gc.collect()
"""


#: The same kind of fixture, spelled differently.
AUTOUSE_GC_CONFTEST = """
    import gc
    import pytest


    @pytest.fixture(autouse=True)
    def _collect():
        yield
        gc.collect()
"""


# Grouped, creates mocks, no teardown of its own: only MXS002 is in question (class on line 6).
GROUPED_CLASS = """
    import pytest
    from unittest.mock import MagicMock


    @pytest.mark.xdist_group(name="things")
    class TestThing:
        def test_it(self):
            MagicMock()
"""


#: Creates a mock, no group, no teardown (class on line 4).
CLASS_WITH_MOCK = """
    from unittest.mock import MagicMock


    class TestA:
        def test_it(self):
            MagicMock()
"""


def mxs002_at(path):
    return [f"{path}:6:1: MXS002"]


# -- the walk ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "files, test_path, reported",
    [
        pytest.param({"tests/conftest.py": GC_CONFTEST}, "tests/test_thing.py", False,
                     id="same-directory"),
        pytest.param({"conftest.py": GC_CONFTEST}, "tests/unit/test_thing.py", False,
                     id="ancestor-directory"),
        pytest.param({"conftest.py": GC_CONFTEST}, "test_thing.py", False, id="root-directory"),
        pytest.param({}, "tests/test_thing.py", True, id="no-conftest"),
        pytest.param({"tests/a/conftest.py": GC_CONFTEST}, "tests/b/test_thing.py", True,
                     id="sibling-directory-never-counts"),
        pytest.param({"tests/sub/conftest.py": GC_CONFTEST}, "tests/test_thing.py", True,
                     id="child-directory-never-counts"),
        pytest.param({"conftest.py": "", "sub/pyproject.toml": "", "sub/conftest.py": GC_CONFTEST},
                     "sub/tests/test_thing.py", False, id="stop-directory-itself-is-read"),
        pytest.param({"tests/conftest.py": "import pytest\n"}, "tests/test_thing.py", True,
                     id="conftest-without-gc-fixture"),
    ],
)
def test_conftest_walk(lint, files, test_path, reported):
    files = dict(files)
    files[test_path] = GROUPED_CLASS
    assert lint(files, SELECT) == (mxs002_at(test_path) if reported else [])


def test_conftest_two_directories_up(lint):
    files = {"conftest.py": AUTOUSE_GC_CONFTEST, "tests/unit/test_a.py": CLASS_WITH_MOCK}
    assert lint(files, MXS002_ONLY) == []


def test_sibling_conftest_does_not_count(lint):
    files = {"tests/other/conftest.py": AUTOUSE_GC_CONFTEST, "tests/unit/test_a.py": CLASS_WITH_MOCK}
    assert lint(files, MXS002_ONLY) == ["tests/unit/test_a.py:4:1: MXS002"]


def test_conftest_at_test_dir_counts_and_is_itself_linted(lint):
    files = {
        "tests/conftest.py": AUTOUSE_GC_CONFTEST + """

    class TestInConftest:
        def test_it(self):
            from unittest.mock import MagicMock
            MagicMock()
""",
        "tests/test_a.py": CLASS_WITH_MOCK,
    }
    assert lint(files, SELECT) == ["tests/conftest.py:11:1: MXS001", "tests/test_a.py:4:1: MXS001"]


# -- root markers ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "marker, content",
    [
        ("pyproject.toml", "[project]\nname = 'sub'\n"),
        ("setup.cfg", "[metadata]\nname = sub\n"),
        ("tox.ini", "[tox]\nenvlist = py311\n"),
        ("pytest.ini", "[pytest]\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),  # .git directory
        (".git", "gitdir: ../.git/modules/sub\n"),  # .git file (submodule / worktree)
    ],
)
def test_conftest_walk_stops_after_the_first_root_marker(lint, marker, content):
    files = {
        "conftest.py": GC_CONFTEST,
        "sub/" + marker: content,
        "sub/tests/test_thing.py": GROUPED_CLASS,
    }
    assert lint(files, SELECT) == mxs002_at("sub/tests/test_thing.py")


def test_conftest_above_root_marker_does_not_count(lint):
    files = {
        "conftest.py": AUTOUSE_GC_CONFTEST,
        "pkg/setup.cfg": "[metadata]\nname = pkg\n",
        "pkg/tests/test_a.py": CLASS_WITH_MOCK,
    }
    assert lint(files, MXS002_ONLY) == ["pkg/tests/test_a.py:4:1: MXS002"]


def test_conftest_in_root_marker_directory_counts(lint):
    files = {
        "pkg/pyproject.toml": "",
        "pkg/conftest.py": AUTOUSE_GC_CONFTEST,
        "pkg/tests/test_a.py": CLASS_WITH_MOCK,
    }
    assert lint(files, MXS002_ONLY) == []


# -- which fixtures of a conftest.py count -------------------------------------------------

def test_conftest_class_scoped_autouse_does_not_count(lint):
    conftest = AUTOUSE_GC_CONFTEST.replace("autouse=True", 'autouse=True, scope="class"')
    files = {"conftest.py": conftest, "tests/test_a.py": CLASS_WITH_MOCK}
    assert lint(files, MXS002_ONLY) == ["tests/test_a.py:4:1: MXS002"]


def test_conftest_gc_fixture_autouse_by_name(lint):
    conftest = """
        import pytest


        @pytest.fixture(autouse=True)
        def collect_garbage():
            yield
    """
    files = {"tests/conftest.py": conftest, "tests/test_a.py": CLASS_WITH_MOCK}
    assert lint(files, MXS002_ONLY, "--mxs-gc-fixtures=collect_garbage") == []
    assert lint(files, MXS002_ONLY) == ["tests/test_a.py:4:1: MXS002"]


# -- conftest.py files that can't be read (the real flake8 reads the non-UTF-8 ones) --------

def test_broken_conftest_is_skipped_and_the_walk_goes_on(lint):
    files = {
        "conftest.py": GC_CONFTEST,
        "tests/conftest.py": "def broken(:\n    pass\n",
        "tests/test_thing.py": GROUPED_CLASS,
    }
    assert lint(files, SELECT) == []


def test_broken_conftest_alone_is_skipped(lint):
    files = {
        "tests/conftest.py": "@pytest.fixture(autouse=True\ndef _gc(:\n",
        "tests/test_thing.py": GROUPED_CLASS,
    }
    assert lint(files, SELECT) == mxs002_at("tests/test_thing.py")


NON_UTF8_GC_CONFTEST = (
    b"# caf\xe9 \xff\xfe\nimport gc\n\nimport pytest\n\n\n"
    b"@pytest.fixture(autouse=True)\ndef _collect_garbage():\n    yield\n    gc.collect()\n"
)


def test_non_utf8_conftest_is_skipped(project):
    project.write({"tests/test_thing.py": GROUPED_CLASS})
    (project.root / "tests" / "conftest.py").write_bytes(NON_UTF8_GC_CONFTEST)
    assert project.codes(SELECT) == mxs002_at("tests/test_thing.py")


def test_non_utf8_conftest_is_skipped_and_the_walk_goes_on(project):
    project.write({"conftest.py": GC_CONFTEST, "tests/test_thing.py": GROUPED_CLASS})
    (project.root / "tests" / "conftest.py").write_bytes(NON_UTF8_GC_CONFTEST)
    assert project.codes(SELECT) == []


def test_broken_and_non_utf8_conftest_are_skipped(project):
    project.write({"tests/test_a.py": CLASS_WITH_MOCK, "conftest.py": "def (:\n"})
    (project.root / "tests" / "conftest.py").write_bytes(b"x = '\xff\xfe'\n")
    assert project.codes(MXS002_ONLY) == ["tests/test_a.py:4:1: MXS002"]
