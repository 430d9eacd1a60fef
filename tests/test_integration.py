"""End to end through flake8: entry point, # noqa, default-off MXS010, stdin, -j, non-test files."""
import textwrap

import pytest

MOCKING_FN = """
    from unittest.mock import MagicMock


    def test_thing():
        MagicMock()
"""

MOCKING_CLASS = """
    from unittest.mock import MagicMock


    class TestThing:
        def test_it(self):
            MagicMock()
"""


def mxs_lines(stdout):
    """``path:line:col: CODE`` for the MXS lines of flake8's default output."""
    out = []
    for line in stdout.splitlines():
        parts = line.split(" ")
        if len(parts) > 1 and parts[1].startswith("MXS"):
            location = parts[0][2:] if parts[0].startswith("./") else parts[0]
            out.append(location + " " + parts[1])
    return sorted(out)


# -- entry point -------------------------------------------------------------------------------

def test_version_lists_the_plugin(project):
    result = project.run("--version")
    assert result.returncode == 0, result.stderr
    assert "flake8-xdist-safety" in result.stdout


def test_installed_plugin_runs_without_configuration(project):
    project.write({"test_example.py": MOCKING_FN})
    result = project.run("test_example.py")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert mxs_lines(result.stdout) == ["test_example.py:4:1: MXS001"]


# -- # noqa -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "comment, expected",
    [
        ("", ["test_example.py:4:1: MXS001", "test_example.py:4:1: MXS002"]),
        ("  # noqa: MXS001", ["test_example.py:4:1: MXS002"]),
        ("  # noqa: MXS002", ["test_example.py:4:1: MXS001"]),
        ("  # noqa: MXS001,MXS002", []),
        ("  # noqa: E501", ["test_example.py:4:1: MXS001", "test_example.py:4:1: MXS002"]),
    ],
)
def test_noqa_on_the_class_line(lint, comment, expected):
    header = "class TestThing:"
    source = textwrap.dedent(MOCKING_CLASS).replace(header, header + comment)
    assert lint(source, "--select=MXS001,MXS002") == expected


def test_noqa_on_a_test_function(lint):
    source = """
        from unittest.mock import MagicMock


        def test_one():  # noqa: MXS001
            MagicMock()


        def test_two():
            MagicMock()
    """
    assert lint(source, "--select=MXS001,MXS002") == ["test_example.py:8:1: MXS001"]


def test_noqa_on_the_decorator_line_does_not_suppress(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.slow  # noqa: MXS001
        def test_thing():
            MagicMock()
    """
    assert lint(source, "--select=MXS001,MXS002") == ["test_example.py:6:1: MXS001"]


def test_noqa_for_mxs001_leaves_other_codes_on_the_same_file(project):
    project.write(
        {
            "test_example.py": """
                from unittest.mock import MagicMock


                class TestThing:  # noqa: MXS001
                    def test_it(self):
                        MagicMock()
            """
        }
    )
    lines = project.flake8("--select=MXS001,MXS002")
    assert [" ".join(line.split(" ")[:2]) for line in lines] == ["test_example.py:4:1: MXS002"]
    assert "TestThing" in lines[0]


# -- MXS010 is off by default -------------------------------------------------------------------

SPECLESS = """
    import pytest
    from unittest.mock import MagicMock


    @pytest.mark.xdist_group(name="things")
    def test_thing():
        client = MagicMock()
        assert client
"""


def test_mxs010_off_by_default(lint):
    assert lint(SPECLESS) == []


def test_mxs010_on_with_extend_select(project):
    project.write({"test_example.py": SPECLESS})
    lines = project.flake8("--extend-select=MXS010")
    assert [" ".join(line.split(" ")[:2]) for line in lines] == ["test_example.py:7:14: MXS010"]
    assert "MagicMock" in lines[0]


def test_mxs010_on_with_select_mxs_prefix(lint):
    assert lint(SPECLESS, "--select=MXS") == ["test_example.py:7:14: MXS010"]


def test_extend_select_mxs010_keeps_the_default_codes(lint):
    source = """
        from unittest.mock import MagicMock


        def test_thing():
            MagicMock()
    """
    assert lint(source, "--extend-select=MXS010") == [
        "test_example.py:4:1: MXS001",
        "test_example.py:5:5: MXS010",
    ]


# -- stdin -----------------------------------------------------------------------------------

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


# -- -j 2 -----------------------------------------------------------------------------------

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


# -- non-test files ---------------------------------------------------------------------------

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
    assert lint(files) == ["test_app.py:4:1: MXS001"]


def test_rules_for_codes_flake8_would_drop_are_not_run(project, monkeypatch):
    """flake8 runs every plugin whatever --select says; rules whose code is ignored
    everywhere are skipped (a failing one would otherwise surface)."""
    from flake8_xdist_safety import checker

    def broken(model, config):
        raise ZeroDivisionError("must not run")

    monkeypatch.setitem(checker._CODE_OF_RULE, broken, "MXS010")
    monkeypatch.setattr(checker, "RULES", (broken, *checker.RULES))
    project.write({"test_x.py": """
        from unittest.mock import MagicMock


        def test_it():
            MagicMock()
        """})
    # MXS010 is off by default: the broken MXS010 rule is skipped, the others still run.
    assert project.codes() == ["test_x.py:4:1: MXS001"]
    assert project.codes("--select=MXS001") == ["test_x.py:4:1: MXS001"]
