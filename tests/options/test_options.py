"""The plugin's options, from the command line and from a config file's [flake8] section
(setup.cfg, tox.ini, .flake8), invalid values, and --help.

Command-line cases use the fast ``lint``; config files and invalid values the real flake8.
"""
import pytest

from cases import MOCKING_FN

SELECT = "--select=MXS001,MXS002"

TWO_CLASSES = """
    import gc
    from unittest.mock import MagicMock


    class ThingTests:
        def teardown_method(self):
            gc.collect()

        def test_it(self):
            MagicMock()


    class TestOther:
        def teardown_method(self):
            gc.collect()

        def test_it(self):
            MagicMock()
"""

# Creates a Mock (not a default factory) and a MagicMock (one).
FACTORIES = """
    from unittest.mock import MagicMock, Mock
    from tests.helpers import make_mock


    def test_mock():
        Mock()


    def test_magic():
        MagicMock()


    def test_helper():
        make_mock()
"""

# Grouped; only MXS002 is in question; the class uses a fixture it does not define.
USES_GC_FIXTURE = """
    import gc

    import pytest
    from unittest.mock import MagicMock


    @pytest.mark.xdist_group(name="things")
    @pytest.mark.usefixtures("gc_collect")
    class TestThing:
        def test_it(self):
            MagicMock()


    @pytest.mark.xdist_group(name="things")
    class TestOther:
        @pytest.fixture(autouse=True)
        def _collect(self):
            yield
            gc.collect()

        def test_it(self):
            MagicMock()
"""


def with_config(project, config_name, body):
    project.write({config_name: "[flake8]\n" + body})


CONFIG_FILES = ["setup.cfg", "tox.ini", ".flake8"]


# -- --mxs-test-files (replaces) -------------------------------------------------------------

TEST_FILES = {
    "check_thing.py": MOCKING_FN,
    "thing_spec.py": MOCKING_FN,
    "test_thing.py": MOCKING_FN,
}


def test_test_files_default(lint):
    assert lint(TEST_FILES, SELECT) == ["test_thing.py:4:1: MXS001"]


def test_test_files_from_command_line_replaces_default(lint):
    assert lint(TEST_FILES, SELECT, "--mxs-test-files=check_*.py,*_spec.py") == [
        "check_thing.py:4:1: MXS001",
        "thing_spec.py:4:1: MXS001",
    ]


@pytest.mark.parametrize("config_name", CONFIG_FILES)
def test_test_files_from_config_replaces_default(project, lint_flake8, config_name):
    with_config(project, config_name, "mxs-test-files = check_*.py,*_spec.py\n")
    assert lint_flake8(TEST_FILES, SELECT) == ["check_thing.py:4:1: MXS001", "thing_spec.py:4:1: MXS001"]


def test_test_files_from_config_multiline(project, lint_flake8):
    with_config(project, "setup.cfg", "mxs-test-files =\n    check_*.py,\n    tests/*.py\n")
    files = dict(TEST_FILES, **{"tests/helpers.py": MOCKING_FN})
    assert lint_flake8(files, SELECT) == ["check_thing.py:4:1: MXS001", "tests/helpers.py:4:1: MXS001"]


def test_command_line_overrides_config(project, lint_flake8):
    with_config(project, "setup.cfg", "mxs-test-files = check_*.py\n")
    assert lint_flake8(TEST_FILES, SELECT, "--mxs-test-files=*_spec.py") == ["thing_spec.py:4:1: MXS001"]


# -- --mxs-test-classes (replaces) -------------------------------------------------------------

def test_test_classes_default(lint):
    assert lint(TWO_CLASSES, SELECT) == ["test_example.py:13:1: MXS001"]


def test_test_classes_from_command_line_replaces_default(lint):
    assert lint(TWO_CLASSES, SELECT, "--mxs-test-classes=*Tests") == ["test_example.py:5:1: MXS001"]


def test_test_classes_several_globs(lint):
    assert lint(TWO_CLASSES, SELECT, "--mxs-test-classes=*Tests,Test*") == sorted(
        ["test_example.py:5:1: MXS001", "test_example.py:13:1: MXS001"]
    )


@pytest.mark.parametrize("config_name", CONFIG_FILES)
def test_test_classes_from_config_replaces_default(project, lint_flake8, config_name):
    with_config(project, config_name, "mxs-test-classes = *Tests\n")
    assert lint_flake8(TWO_CLASSES, SELECT) == ["test_example.py:5:1: MXS001"]


def test_unittest_testcase_is_a_test_class_whatever_the_globs(lint):
    source = """
        import unittest
        from unittest.mock import MagicMock


        class Whatever(unittest.TestCase):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT, "--mxs-test-classes=*Tests") == [
        "test_example.py:5:1: MXS001",
        "test_example.py:5:1: MXS002",
    ]


# -- --mxs-mock-factories (adds) ---------------------------------------------------------------

def test_mock_factories_default(lint):
    assert lint(FACTORIES, SELECT) == ["test_example.py:9:1: MXS001"]


def test_mock_factories_from_command_line_add(lint):
    option = "--mxs-mock-factories=unittest.mock.Mock,tests.helpers.make_mock"
    assert lint(FACTORIES, SELECT, option) == sorted(
        [
            "test_example.py:5:1: MXS001",
            "test_example.py:9:1: MXS001",
            "test_example.py:13:1: MXS001",
        ]
    )


@pytest.mark.parametrize("config_name", CONFIG_FILES)
def test_mock_factories_from_config_add(project, lint_flake8, config_name):
    with_config(project, config_name, "mxs-mock-factories = unittest.mock.Mock\n")
    assert lint_flake8(FACTORIES, SELECT) == ["test_example.py:5:1: MXS001", "test_example.py:9:1: MXS001"]


# -- --mxs-gc-fixtures (adds) -------------------------------------------------------------------

def test_gc_fixtures_default(lint):
    assert lint(USES_GC_FIXTURE, SELECT) == ["test_example.py:9:1: MXS002"]


def test_gc_fixtures_from_command_line_add(lint):
    assert lint(USES_GC_FIXTURE, SELECT, "--mxs-gc-fixtures=gc_collect,other") == []


def test_gc_fixtures_other_name_does_not_help(lint):
    assert lint(USES_GC_FIXTURE, SELECT, "--mxs-gc-fixtures=other") == [
        "test_example.py:9:1: MXS002"
    ]


@pytest.mark.parametrize("config_name", CONFIG_FILES)
def test_gc_fixtures_from_config_add(project, lint_flake8, config_name):
    with_config(project, config_name, "mxs-gc-fixtures = gc_collect\n")
    assert lint_flake8(USES_GC_FIXTURE, SELECT) == []


# -- all options from one config file ------------------------------------------------------

#: Creates a mock, no group, no teardown (class on line 4).
CLASS_WITH_MOCK = """
    from unittest.mock import MagicMock


    class TestA:
        def test_it(self):
            MagicMock()
"""


def test_options_from_setup_cfg(project):
    project.write({
        "setup.cfg": "[flake8]\nmxs-test-classes = Check*\nmxs-gc-fixtures = gc_fix\n"
                     "mxs-test-files = *_check.py\n",
        "a_check.py": """
            import pytest
            from unittest.mock import MagicMock


            class TestA:
                def test_it(self):
                    MagicMock()


            @pytest.mark.usefixtures("gc_fix")
            class CheckB:
                def test_it(self):
                    MagicMock()
        """,
        "test_a.py": CLASS_WITH_MOCK,
    })
    assert project.codes(SELECT) == ["a_check.py:11:1: MXS001"]


# -- invalid values ------------------------------------------------------------------------------

INVALID = [
    # (option, value, the part of the value the message must name)
    ("mxs-test-files", "", ""),
    ("mxs-test-files", " , ", ""),
    ("mxs-test-classes", "", ""),
    ("mxs-mock-factories", "tests..helpers", "tests..helpers"),
    ("mxs-mock-factories", "tests.helpers.", "tests.helpers."),
    ("mxs-mock-factories", ".make_mock", ".make_mock"),
    ("mxs-mock-factories", "1tests.make_mock", "1tests.make_mock"),
    ("mxs-mock-factories", "tests.make-mock", "tests.make-mock"),
    ("mxs-mock-factories", "unittest.mock.Mock,tests/helpers.make_mock", "tests/helpers.make_mock"),
    ("mxs-gc-fixtures", "gc-collect", "gc-collect"),
]


def assert_one_line_error(result, option, named):
    output = result.stdout + result.stderr
    assert result.returncode == 2, output  # the configuration-error status, not 1 (findings)
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert option in lines[0], output
    assert named in lines[0], output


@pytest.mark.parametrize("option, value, named", INVALID)
def test_invalid_value_on_command_line(project, option, value, named):
    project.write({"test_example.py": MOCKING_FN})
    result = project.run(f"--{option}={value}", "test_example.py")
    assert_one_line_error(result, option, named)


@pytest.mark.parametrize("option, value, named", INVALID)
def test_invalid_value_in_config(project, option, value, named):
    project.write({"test_example.py": MOCKING_FN, "setup.cfg": f"[flake8]\n{option} = {value}\n"})
    result = project.run("test_example.py")
    assert_one_line_error(result, option, named)


def test_exit_status_tells_a_configuration_error_from_findings(project):
    project.write({"test_example.py": MOCKING_FN, "test_clean.py": "def test_ok():\n    pass\n"})
    assert project.run("--select=MXS", "test_clean.py").returncode == 0
    assert project.run("--select=MXS", "test_example.py").returncode == 1
    bad = project.run("--select=MXS", "--exit-zero", "--mxs-broad-scopes=modul", "test_example.py")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == ("flake8-xdist-safety: error: --mxs-broad-scopes: 'modul' is not a pytest scope "
                          "(function, class, module, package, session)\n")


def test_valid_values_do_not_stop_flake8(project):
    project.write({"test_example.py": MOCKING_FN})
    result = project.run(
        "--mxs-test-files=test_*.py,tests/*.py",
        "--mxs-test-classes=Test*,*Tests",
        "--mxs-mock-factories=unittest.mock.Mock,tests.helpers.make_mock",
        "--mxs-gc-fixtures=gc_collect",
        "--select=MXS001",
        "test_example.py",
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    codes = [" ".join(line.split(" ")[:2]) for line in result.stdout.splitlines()]
    assert codes == ["test_example.py:4:1: MXS001"]


@pytest.mark.parametrize("option, value", [
    ("--mxs-mock-factories", "a..b"),
    ("--mxs-mock-factories", "1abc.def"),
    ("--mxs-gc-fixtures", "not-a-name"),
    ("--mxs-test-classes", " "),
])
def test_invalid_option_is_one_line(project, option, value):
    project.write({"test_a.py": "x = 1\n"})
    result = project.run(f"{option}={value}", ".")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and option in lines[0], result.stderr


# -- --help --------------------------------------------------------------------------------------

def test_help_lists_each_option_with_its_default(project):
    result = project.run("--help")
    assert result.returncode == 0, result.stderr
    help_text = " ".join(result.stdout.split())
    for option in ("--mxs-test-files", "--mxs-test-classes", "--mxs-mock-factories",
                   "--mxs-gc-fixtures"):
        assert option in help_text
    files_help = help_text.split("--mxs-test-files", 1)[1].split("--mxs-", 1)[0]
    classes_help = help_text.split("--mxs-test-classes", 1)[1].split("--mxs-", 1)[0]
    assert "default" in files_help.lower()
    for glob in ("test_*.py", "*_test.py", "conftest.py"):
        assert glob in files_help
    assert "default" in classes_help.lower()
    assert "Test*" in classes_help
