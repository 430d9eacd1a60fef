"""The fixer's command line: it is flake8 (options, config files, excludes, select/ignore, per-file-ignores,
``# noqa``), its modes and exit status, and the narrowing ``--select``/``--ignore`` of its own."""
import subprocess
import sys

import pytest

from fix_harness import OPT_IN, FixProject


def change_lines(out):
    """The per-change lines of the fixer's standard output (not its closing MXS002 cost line)."""
    return [line for line in out.splitlines() if not line.startswith("MXS002: ")]


MOCKING_CLASS = """\
    import os
    from unittest.mock import MagicMock


    class TestA:
        def test_it(self):
            MagicMock()
            os.environ["A"] = "1"
    """
ENV_ONLY = """\
    import os


    def test_env():
        os.environ["A"] = "1"
        os.environ["B"] = "2"  # noqa: MXS003
        os.environ["C"] = "3"  # noqa
    """


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path / "proj")


# -- the fixer acts on exactly what flake8 reports ------------------------------------------------------

def test_noqa_lines_are_left_alone(proj):
    proj.write({"test_env.py": ENV_ONLY})
    status, out, err = proj.fix("test_env.py")
    assert (status, err) == (0, "")
    assert out == 'test_env.py:5:5: MXS003 fixed: test_env: monkeypatch.setenv("A", "1")\n'
    assert 'os.environ["B"] = "2"  # noqa: MXS003' in proj.read("test_env.py")
    assert 'os.environ["C"] = "3"  # noqa' in proj.read("test_env.py")


def test_disable_noqa_fixes_them_too(proj):
    proj.write({"test_env.py": ENV_ONLY})
    status, out, _ = proj.fix("--disable-noqa", "test_env.py")
    assert status == 0
    assert len(change_lines(out)) == 3


def test_file_level_flake8_noqa_is_left_alone(proj):
    proj.write({"test_env.py": "# flake8: noqa\n" + ENV_ONLY})
    assert proj.fix("test_env.py") == (0, "", "")


def test_noqa_on_the_line_flake8_maps_a_multiline_statement_to(proj):
    proj.write({"test_env.py": """\
        import os


        def test_env():
            os.environ["A"] = \\
                "1"  # noqa: MXS003
        """})
    assert proj.fix("test_env.py") == (0, "", "")


def test_config_file_select_ignore_and_per_file_ignores(proj):
    proj.write({
        "setup.cfg": """\
            [flake8]
            extend-select = MXS001,MXS002
            extend-ignore = MXS002
            per-file-ignores =
                tests/api/*: MXS003
            extend-exclude = tests/legacy/sub
            """,
        "tests/test_a.py": MOCKING_CLASS,
        "tests/api/test_b.py": MOCKING_CLASS,
        "tests/legacy/sub/test_c.py": MOCKING_CLASS,
    })
    before = {name: proj.read(name) for name in ("tests/api/test_b.py", "tests/legacy/sub/test_c.py")}
    status, out, err = proj.fix("tests")
    assert (status, err) == (0, "")
    assert [line.split(" fixed: ")[0] for line in change_lines(out)] == [
        "tests/api/test_b.py:5:1: MXS001", "tests/test_a.py:5:1: MXS001", "tests/test_a.py:8:9: MXS003"]
    assert "teardown_method" not in proj.read("tests/test_a.py")  # MXS002 is extend-ignored
    assert 'os.environ["A"] = "1"' in proj.read("tests/api/test_b.py")  # per-file-ignored
    assert proj.read("tests/legacy/sub/test_c.py") == before["tests/legacy/sub/test_c.py"]  # excluded
    assert proj.flake8("tests") == []


def test_check_agrees_with_flake8_when_both_are_clean(proj):
    proj.write({
        "tox.ini": """\
            [flake8]
            extend-ignore = MXS001
            per-file-ignores =
                legacy/*: MXS002,MXS003
            """,
        "legacy/test_old.py": MOCKING_CLASS,
        "test_env.py": """\
            import os


            def test_env():
                os.environ["B"] = "2"  # noqa: MXS003
            """,
    })
    assert proj.flake8(OPT_IN, ".") == []
    assert proj.fix("--check", OPT_IN, ".") == (0, "", "")


def test_config_append_config_and_isolated(proj):
    proj.write({
        "setup.cfg": "[flake8]\nextend-ignore = MXS003\n",
        "other.cfg": "[flake8]\nextend-ignore = MXS002\n",
        "extra.cfg": "[flake8]\nextend-select = MXS001\n",
        "test_a.py": MOCKING_CLASS,
    })

    def fixed_codes(*argv):
        status, out, _ = proj.fix("--check", *argv, "test_a.py")
        return sorted({line.split(" ")[1] for line in change_lines(out)})

    assert fixed_codes() == []  # MXS003 ignored; MXS001/MXS002 not selected
    assert fixed_codes("--append-config=extra.cfg") == ["MXS001"]
    assert fixed_codes("--config=other.cfg", OPT_IN) == ["MXS001", "MXS003"]
    assert fixed_codes("--isolated", OPT_IN) == ["MXS001", "MXS002", "MXS003"]


def test_filename_and_exclude_patterns(proj):
    proj.write({"check_a.py": MOCKING_CLASS, "test_b.py": MOCKING_CLASS, "sub/dir/test_c.py": MOCKING_CLASS,
                "setup.cfg": "[flake8]\nmxs-test-files = check_*.py,test_*.py\n"})
    status, out, _ = proj.fix("--check", "--filename=*/check_*.py", ".")
    assert {line.split(":")[0] for line in change_lines(out)} == {"./check_a.py"}
    # flake8 matches --filename against the path as walked, like the fixer does
    assert proj.fix("--check", "--filename=check_*.py", ".")[1] == ""
    assert proj.flake8("--filename=check_*.py", ".") == []
    status, out, _ = proj.fix("--check", "--exclude=./sub/dir", ".")
    assert {line.split(":")[0] for line in change_lines(out)} == {"./check_a.py", "./test_b.py"}


def test_mxs_options_come_from_flake8(proj):
    proj.write({"setup.cfg": "[flake8]\nmxs-test-files = check_*.py\nmxs-test-classes = Check*\n",
                "check_it.py": MOCKING_CLASS.replace("TestA", "CheckA"),
                "test_other.py": MOCKING_CLASS})
    status, out, _ = proj.fix(OPT_IN, ".")
    assert status == 0
    assert "@pytest.mark.xdist_group(name=\"check_it\")" in proj.read("check_it.py")
    assert "xdist_group" not in proj.read("test_other.py")


def test_select_and_ignore_narrow_what_is_fixed(proj):
    proj.write({"test_a.py": MOCKING_CLASS})
    status, out, err = proj.fix("--check", OPT_IN, "--select=MXS002", "test_a.py")
    assert [line.split(" ")[1] for line in change_lines(out)] == ["MXS002"]
    assert err == ""  # findings outside the selection are neither fixed nor reported
    status, out, _ = proj.fix("--check", OPT_IN, "--ignore=MXS00", "--select=MXS003", "test_a.py")
    assert [line.split(" ")[1] for line in change_lines(out)] == ["MXS003"]
    # --select narrows what flake8 reports; it never turns on an opt-in code.
    assert proj.fix("--check", "--select=MXS001", "test_a.py") == (0, "", "")
    assert proj.fix("--check", "--select=MXS001", "test_missing.py") == (
        1, "", "test_missing.py: error: no such file or directory\n")


def test_unfixable_findings_flake8_reports_are_listed_and_fail(proj):
    proj.write({"test_a.py": """\
        from unittest.mock import patch


        def test_it():
            patch("os.getcwd").start()
        """})
    status, out, err = proj.fix("test_a.py")
    assert (status, out) == (1, "")
    assert err == "test_a.py:5:5: MXS004 not fixed: the fixer does not rewrite MXS004; " \
                  "see \"flake8-xdist-safety rule MXS004\" or " \
                  "https://github.com/OWNER/flake8-xdist-safety/blob/main/docs/rules/MXS004.md\n"


# -- modes and exit status ------------------------------------------------------------------------------

def test_default_mode_prints_one_line_per_change_after_writing(proj):
    proj.write({"test_a.py": MOCKING_CLASS})
    status, out, err = proj.fix(OPT_IN, "test_a.py")
    assert (status, err) == (0, "")
    assert change_lines(out) == [
        'test_a.py:5:1: MXS001 fixed: test class TestA: added @pytest.mark.xdist_group(name="test_a")',
        "test_a.py:5:1: MXS002 fixed: test class TestA: added teardown_method calling gc.collect()",
        'test_a.py:8:9: MXS003 fixed: test_it: monkeypatch.setenv("A", "1")',
    ]


@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_check_and_diff_write_nothing_and_exit_1(proj, mode):
    proj.write({"test_a.py": MOCKING_CLASS})
    before = proj.read("test_a.py")
    status, out, _ = proj.fix(mode, "test_a.py")
    assert status == 1 and out
    assert proj.read("test_a.py") == before


@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_check_and_diff_exit_0_when_nothing_to_do(proj, mode):
    proj.write({"test_ok.py": "def test_ok():\n    assert True\n"})
    assert proj.fix(mode, "test_ok.py") == (0, "", "")


def test_diff_is_a_unified_diff_that_patch_applies(proj):
    proj.write({"test_a.py": MOCKING_CLASS})
    _, out, _ = proj.fix("--diff", "test_a.py")
    assert out.startswith("--- test_a.py\n+++ test_a.py\n@@ ")
    patched = subprocess.run(["patch", "-p0", "--dry-run", "-o", "-", "test_a.py"], input=out,
                             capture_output=True, text=True, cwd=proj.root)
    if patched.returncode == 0:  # `patch` may be missing; the text checks above still ran
        proj.fix("test_a.py")
        assert proj.read("test_a.py") in patched.stdout


def test_diff_marks_a_missing_final_newline(proj):
    proj.write({"test_nl.py": "import os\n\n\ndef test_it():\n    os.environ['A'] = '1'"})
    _, out, _ = proj.fix("--diff", "test_nl.py")
    assert out.endswith("+    monkeypatch.setenv('A', '1')\n\\ No newline at end of file\n")


def test_diff_into_a_closed_pipe_prints_no_traceback(proj):
    proj.write({f"test_{i}.py": MOCKING_CLASS for i in range(30)})
    done = subprocess.run(f"'{sys.executable}' -m flake8_xdist_safety fix --diff . | head -1", shell=True,
                          cwd=proj.root, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("--- ")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_group_option_names_every_group(proj):
    proj.write({"test_a.py": MOCKING_CLASS})
    assert proj.fix(OPT_IN, "--group", "db", "test_a.py")[0] == 0
    assert '@pytest.mark.xdist_group(name="db")\n' in proj.read("test_a.py")


@pytest.mark.parametrize("argv", [
    [], ["--check", "--diff", "x.py"], ["--group", " ", "x.py"], ["--select=MXS00X1", "x.py"],
    ["--no-such-option", "x.py"], ["--mxs-broad-scopes=modul", "x.py"], ["-"],
])
def test_usage_errors_exit_2(proj, argv):
    try:
        status = proj.fix(*argv)[0]
    except SystemExit as exc:  # argparse: the fixer's own or flake8's
        status = exc.code
    assert status == 2


def test_invalid_plugin_setting_is_a_one_line_usage_error(proj):
    proj.write({"tox.ini": "[flake8]\nmxs-broad-scopes = modul\n"})
    status, out, err = proj.fix("x.py")
    assert (status, out) == (2, "")
    assert err == "flake8-xdist-safety: error: --mxs-broad-scopes: 'modul' is not " \
                  "a pytest scope (function, class, module, package, session)\n"


def test_invalid_plugin_setting_on_the_command_line_names_the_tool_once(proj):
    assert proj.fix("--mxs-broad-scopes=modul", "x.py") == (
        2, "", "flake8-xdist-safety: error: --mxs-broad-scopes: 'modul' is not "
               "a pytest scope (function, class, module, package, session)\n")


FIX_USAGE = ("usage: flake8-xdist-safety fix [--diff | --check] [--add-noqa[=all]] [--select CODES] "
             "[--ignore CODES] [--group NAME] [flake8 options] PATH...\n")


@pytest.mark.parametrize("argv, refusal", [
    (["--bogus", "x.py"], "unrecognized arguments: --bogus"),
    (["--max-line-length=x", "x.py"], "argument --max-line-length: invalid int value: 'x'"),
])
def test_an_argument_flake8_refuses_gets_the_fixers_usage(proj, argv, refusal, capsys):
    assert proj.fix(*argv) == (2, "", FIX_USAGE + f"flake8-xdist-safety fix: error: {refusal}\n")
    assert capsys.readouterr() == ("", "")  # flake8's own usage text is not printed


@pytest.mark.parametrize("config, message", [
    (None, "The specified config file does not exist: missing.cfg"),
    ("garbage\n", "cannot read the configuration: File contains no section headers. "
                  "file: 'missing.cfg', line: 1 'garbage\\n'"),
])
def test_an_unreadable_config_is_a_configuration_error(proj, config, message):
    if config is not None:
        proj.write({"missing.cfg": config})
    assert proj.fix("--config=missing.cfg", "x.py") == (2, "", f"flake8-xdist-safety: error: {message}\n")


def test_python_dash_m_entry_point(proj):
    proj.write({"test_a.py": MOCKING_CLASS})
    checked = proj.run("fix", "--check", "test_a.py")
    assert checked.returncode == 1 and "would fix" in checked.stdout
    fixed = proj.run("fix", "test_a.py")
    assert fixed.returncode == 0, fixed.stderr
    assert "monkeypatch.setenv" in proj.read("test_a.py")


def test_another_plugins_exit_message_is_a_one_line_usage_error(proj, monkeypatch):
    def refuse(argv):
        raise SystemExit("other-plugin: bad\n  value")
    monkeypatch.setattr("flake8_xdist_safety.fixer.cli.Flake8Run", refuse)
    assert proj.fix("x.py") == (2, "", "flake8-xdist-safety: error: other-plugin: bad value\n")


def test_a_plain_exit_from_flake8_passes_through_with_what_it_printed(proj, monkeypatch, capsys):
    def leave(argv):
        print("flake8 said this", file=sys.stderr)
        raise SystemExit(0)
    monkeypatch.setattr("flake8_xdist_safety.fixer.cli.Flake8Run", leave)
    with pytest.raises(SystemExit) as exited:
        proj.fix("--version")
    assert exited.value.code == 0
    assert capsys.readouterr().err == "flake8 said this\n"
