"""What flake8's ``-j`` workers and stdin runs report (flake8 as a subprocess): the same as an
in-process run, with conftest.py files and options; a stdin display name is the file's path."""
import textwrap

import pytest

from cases import MOCKING_CLASS, MOCKING_FN, mxs_lines

MXS001_AND_MXS002 = "--select=MXS001,MXS002"
FORMAT = "%(path)s:%(row)d:%(col)d: %(code)s"


GC_CONFTEST = """
    import gc
    import pytest


    @pytest.fixture(autouse=True)
    def _collect():
        yield
        gc.collect()
"""


#: Creates a mock, no group, no teardown (class ``TestA`` on line 4).
CLASS_WITH_MOCK = """
    from unittest.mock import MagicMock


    class TestA:
        def test_it(self):
            MagicMock()
"""


# -- -j ------------------------------------------------------------------------------------

JOBS_FILES = {
    "tests/test_a.py": MOCKING_FN,
    "tests/test_b.py": MOCKING_CLASS,
    "tests/test_c.py": """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="c")
        def test_thing():
            MagicMock()
    """,
    "tests/d_test.py": MOCKING_FN,
    "tests/unit/ThingTests_test.py": """
        from unittest.mock import MagicMock


        class ThingTests:
            def test_it(self):
                MagicMock()
    """,
    "app.py": MOCKING_CLASS,
    "src/client.py": MOCKING_FN,
}


JOBS_EXPECTED = sorted(
    [
        "tests/test_a.py:4:1: MXS001",
        "tests/test_b.py:4:1: MXS001",
        "tests/test_b.py:4:1: MXS002",
        "tests/d_test.py:4:1: MXS001",
    ]
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jobs(project, jobs):
    project.write(JOBS_FILES)
    result = project.run("--select=MXS001,MXS002", "-j", jobs, ".")
    assert "Traceback" not in result.stderr, result.stderr
    assert mxs_lines(result.stdout) == JOBS_EXPECTED


def test_jobs_2_matches_jobs_1_with_options(project):
    project.write(JOBS_FILES)
    args = ("--select=MXS001,MXS002", "--mxs-test-classes=*Tests", ".")
    one = project.run("-j", "1", *args)
    two = project.run("-j", "2", *args)
    assert "Traceback" not in one.stderr + two.stderr
    assert mxs_lines(two.stdout) == mxs_lines(one.stdout) == sorted(
        [
            "tests/test_a.py:4:1: MXS001",
            "tests/unit/ThingTests_test.py:4:1: MXS001",
            "tests/unit/ThingTests_test.py:4:1: MXS002",
            "tests/d_test.py:4:1: MXS001",
        ]
    )


def test_jobs_two_with_conftest(project):
    project.write({
        "tests/conftest.py": GC_CONFTEST,
        "tests/test_a.py": CLASS_WITH_MOCK,
        "other/test_b.py": CLASS_WITH_MOCK,
        "other/test_c.py": CLASS_WITH_MOCK,
    })
    result = project.run(MXS001_AND_MXS002, "-j", "2", "--mxs-test-classes=Test*", ".")
    got = sorted(line.split(" ")[0].lstrip("./") + " " + line.split(" ")[1]
                 for line in result.stdout.splitlines())
    assert got == [
        "other/test_b.py:4:1: MXS001", "other/test_b.py:4:1: MXS002",
        "other/test_c.py:4:1: MXS001", "other/test_c.py:4:1: MXS002",
        "tests/test_a.py:4:1: MXS001",
    ], result.stderr


# -- stdin ---------------------------------------------------------------------------------

STDIN_SOURCE = textwrap.dedent(MOCKING_CLASS).lstrip("\n")


def test_stdin_with_a_test_display_name(project):
    result = project.run(
        "--select=MXS001,MXS002", "--stdin-display-name", "tests/test_x.py", "-",
        stdin=STDIN_SOURCE,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert mxs_lines(result.stdout) == [
        "tests/test_x.py:4:1: MXS001",
        "tests/test_x.py:4:1: MXS002",
    ]
    assert "TestThing" in result.stdout


def test_stdin_message_suggests_the_display_name_stem(project):
    result = project.run(
        "--select=MXS001", "--stdin-display-name", "tests/test_payments.py", "-",
        stdin=STDIN_SOURCE,
    )
    assert mxs_lines(result.stdout) == ["tests/test_payments.py:4:1: MXS001"]
    assert 'xdist_group(name="test_payments")' in result.stdout


@pytest.mark.parametrize("display_name", ["app.py", "src/pkg/client.py", None])
def test_stdin_with_a_non_test_display_name(project, display_name):
    args = ["--stdin-display-name", display_name] if display_name else []
    result = project.run("--select=MXS001,MXS002", *args, "-", stdin=STDIN_SOURCE)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert mxs_lines(result.stdout) == []


def test_stdin_display_name_against_a_glob_with_slash(project):
    result = project.run(
        "--select=MXS001,MXS002", "--mxs-test-files=tests/*.py",
        "--stdin-display-name", "tests/helpers.py", "-",
        stdin=STDIN_SOURCE,
    )
    assert mxs_lines(result.stdout) == [
        "tests/helpers.py:4:1: MXS001",
        "tests/helpers.py:4:1: MXS002",
    ]


def test_stdin_display_name_in_subdirectory_with_conftest(project):
    project.write({"tests/unit/conftest.py": GC_CONFTEST})
    source = textwrap.dedent(CLASS_WITH_MOCK).lstrip("\n")
    result = project.run(MXS001_AND_MXS002, "--stdin-display-name=tests/unit/test_a.py", "-", stdin=source)
    assert result.stdout.splitlines() == [
        "tests/unit/test_a.py:4:1: MXS001 test class TestA creates mocks but no xdist_group "
        'marker applies; add @pytest.mark.xdist_group(name="unit.test_a")'
    ], result.stderr
    result = project.run(MXS001_AND_MXS002, "--stdin-display-name=other/test_a.py", "-", stdin=source)
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()] == [
        ["other/test_a.py:4:1:", "MXS001"], ["other/test_a.py:4:1:", "MXS002"]], result.stderr


def test_stdin_display_name_not_a_test_file(project):
    result = project.run(MXS001_AND_MXS002, "--stdin-display-name=app/models.py", "-",
                         stdin=textwrap.dedent(CLASS_WITH_MOCK).lstrip("\n"))
    assert result.stdout == "" and result.returncode == 0, result.stderr


# -- -j 2 and stdin agree with the in-process run -------------------------------------------

MOCKING_FN_WITH_ENVIRON = textwrap.dedent(
    """
    import os
    from unittest.mock import MagicMock


    def test_thing():
        MagicMock()
        os.environ["A"] = "1"
    """
).lstrip()


GC_CONFTEST_BYTES = textwrap.dedent(
    """
    import gc
    import pytest


    @pytest.fixture(autouse=True)
    def _collect():
        yield
        gc.collect()
    """
).lstrip().encode()


PROJECT = {
    "tests/conftest.py": GC_CONFTEST_BYTES.decode(),
    "tests/test_a.py": MOCKING_CLASS,
    "tests/test_b.py": MOCKING_FN_WITH_ENVIRON,
    "tests/unit/test_c.py": """
        import pytest
        from unittest.mock import patch


        @pytest.fixture(scope="session")
        def client():
            return patch("app.client").start()
    """,
    "test_d.py": MOCKING_CLASS,
    "test_e.py": """
        import socket


        def test_bind():
            socket.socket().bind(("127.0.0.1", 8080))
    """,
    "helpers.py": MOCKING_FN_WITH_ENVIRON,
}


PROJECT_LINES = [
    "test_d.py:4:1: MXS001",
    "test_d.py:4:1: MXS002",
    "test_e.py:5:5: MXS008",
    "tests/test_a.py:4:1: MXS001",
    "tests/test_b.py:5:1: MXS001",
    "tests/test_b.py:7:5: MXS003",
    "tests/unit/test_c.py:6:1: MXS006",
    "tests/unit/test_c.py:7:12: MXS004",
]


def test_jobs_2_matches_the_in_process_run(project):
    project.write(PROJECT)
    in_process = project.codes("--extend-select=MXS001,MXS002", "-j", "1")
    assert in_process == PROJECT_LINES
    result = project.run("--extend-select=MXS001,MXS002", "-j", "2", "--format", FORMAT, ".")
    assert result.stderr == ""
    assert mxs_lines(result.stdout) == PROJECT_LINES


@pytest.mark.parametrize("name", ["tests/test_a.py", "tests/test_b.py", "tests/unit/test_c.py",
                                  "test_d.py", "helpers.py"])
def test_stdin_matches_the_in_process_run(project, name):
    project.write(PROJECT)
    source = (project.root / name).read_text()
    result = project.run("--extend-select=MXS001,MXS002", "--format", FORMAT,
                         "--stdin-display-name", name, "-", stdin=source)
    assert result.stderr == ""
    assert mxs_lines(result.stdout) == [line for line in PROJECT_LINES if line.startswith(name + ":")]
