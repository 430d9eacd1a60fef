"""The project's pytest configuration read as pytest reads it (byte-order mark, case of keys,
no [DEFAULT] section, a malformed file stops the walk), and ``mxs-test-files`` matched as
flake8 matches ``per-file-ignores``. Real flake8 runs in the project directory."""
import hypothesis.strategies as st
import iniconfig
import pytest
from hypothesis import assume, given, settings

from flake8_xdist_safety.analysis.project import pytest_config_for
from flake8_xdist_safety.analysis.pytest_ini import ini_sections

ENV_WRITE = "import os\n\n\ndef test_env():\n    os.environ['A'] = '1'\n"
#: pytest's python_files names check_*.py; the defaults (test_*.py) would not take it.
CHECKED = {"check_env.py": ENV_WRITE, "test_env.py": ENV_WRITE}
BOTH = ["check_env.py:5:5: MXS003", "test_env.py:5:5: MXS003"]
DEFAULTS_ONLY = ["test_env.py:5:5: MXS003"]
BOM = "\ufeff"


@pytest.mark.parametrize("name, text", [
    ("pytest.ini", BOM + "[pytest]\npython_files = check_*.py test_*.py\n"),
    ("tox.ini", BOM + "[pytest]\npython_files = check_*.py test_*.py\n"),
    ("setup.cfg", BOM + "[tool:pytest]\npython_files = check_*.py test_*.py\n"),
], ids=["pytest.ini", "tox.ini", "setup.cfg"])
def test_a_configuration_with_a_byte_order_mark_is_read(project, name, text):
    project.write(CHECKED)
    (project.root / name).write_text(text, encoding="utf-8")
    assert project.codes("--select=MXS003") == BOTH


@pytest.mark.parametrize("text", [
    "[pytest]\npython_files = check_*.py test_*.py\nthis line is not ini\n",
    "python_files = check_*.py\n[pytest]\n",
    "[pytest]\npython_files = check_*.py\npython_files = test_*.py\n",
    "[pytest]\n[pytest]\n",
    "[pytest]\npython_files = \xff\n",
], ids=["a-line-that-is-neither", "a-key-before-any-section", "a-duplicate-key", "a-duplicate-section",
        "not-utf-8"])
def test_a_malformed_child_configuration_is_not_replaced_by_the_parents(project, text):
    # pytest stops on sub/pytest.ini; the parent's check_*.py and loadgroup are not the project's.
    parent = "[pytest]\npython_files = check_*.py test_*.py\naddopts = --dist loadgroup\n"
    project.write({"pytest.ini": parent,
                   **{"sub/" + name: source for name, source in CHECKED.items()}})
    (project.root / "sub" / "pytest.ini").write_bytes(text.encode("latin-1"))
    assert project.codes("--select=MXS003", paths=["sub"]) == ["sub/test_env.py:5:5: MXS003"]
    config = pytest_config_for(str(project.root / "sub" / "test_env.py"))
    assert (config.path, config.readable, config.loadgroup) == (
        str(project.root / "sub" / "pytest.ini"), False, None)


@pytest.mark.parametrize("name, text", [
    ("pyproject.toml",
     "[tool.pytest]\npython_files = ['check_*.py']\n[tool.pytest.ini_options]\naddopts = '-q'\n"),
    ("pyproject.toml", BOM + "[tool.pytest.ini_options]\npython_files = 'check_*.py'\n"),
    ("pyproject.toml", "[tool.pytest.ini_options\n"),
    ("setup.cfg", "[pytest]\npython_files = check_*.py\n"),
    ("tox.ini", "[pytest]\npython_files = check_*.py\nstray\n"),
    ("pytest.toml", "python_files = ['check_*.py']\n"),
    ("pyproject.toml", "[tool.pytest.ini_options]\npython_files = 0x" + "f" * 4000 + "\n"),
    ("pyproject.toml", "[tool.pytest]\naddopts = [0x" + "f" * 4000 + "]\n"),
], ids=["both-toml-styles", "toml-with-a-byte-order-mark", "bad-toml", "setup.cfg-with-[pytest]",
        "malformed-tox.ini", "pytest.toml-options-outside-the-table", "an-int-past-str-limit",
        "an-int-past-str-limit-in-a-list"])
def test_other_configurations_pytest_stops_on_are_unreadable(project, name, text):
    project.write({"pytest.ini": "[pytest]\npython_files = check_*.py test_*.py\n",
                   **{"sub/" + n: source for n, source in CHECKED.items()}})
    (project.root / "sub" / name).write_text(text, encoding="utf-8")
    assert project.codes("--select=MXS003", paths=["sub"]) == ["sub/test_env.py:5:5: MXS003"]
    assert pytest_config_for(str(project.root / "sub" / "test_env.py")).readable is False


def test_a_pytest_toml_is_read_first(project):
    project.write({**CHECKED, "pytest.toml": "[pytest]\npython_files = ['check_*.py']\n",
                   "pytest.ini": "[pytest]\npython_files = test_*.py\n"})
    assert project.codes("--select=MXS003") == ["check_env.py:5:5: MXS003"]


@pytest.mark.parametrize("text", [
    "[pytest]\nPython_Files = check_*.py test_*.py\n",
    "[DEFAULT]\npython_files = check_*.py test_*.py\n[pytest]\n",
], ids=["keys-are-case-sensitive", "no-DEFAULT-section"])
def test_ini_keys_are_read_as_pytest_reads_them(project, text):
    project.write({**CHECKED, "pytest.ini": text})
    assert project.codes("--select=MXS003") == DEFAULTS_ONLY


# -- the ini parser agrees with pytest's (iniconfig) ---------------------------------------------

_INI_LINES = st.sampled_from([
    "[pytest]", "[tool:pytest]", "[a] ; note", "[broken", "[]", "addopts = -n 2", "Python_Files: a b",
    "key=", "  continued", "\tmore", "# comment", "; comment", "", "stray", "k: v = w", "k = v: w",
    "\ufeff[pytest]",
])


def _iniconfig_drops_a_bom() -> bool:
    """Older iniconfig releases (those Python 3.9 gets) read a leading BOM as text; newer
    ones, like the pytest this parser follows, drop it."""
    try:
        return "pytest" in iniconfig.IniConfig("x.ini", data="\ufeff[pytest]\n").sections
    except iniconfig.ParseError:
        return False


_DROPS_BOM = _iniconfig_drops_a_bom()


@settings(max_examples=300, deadline=None)
@given(st.lists(_INI_LINES, max_size=8))
def test_the_ini_parser_agrees_with_pytests(lines):
    text = "\n".join(lines) + "\n"
    assume(_DROPS_BOM or not text.startswith("\ufeff"))
    try:
        parsed = iniconfig.IniConfig("x.ini", data=text)
        expected = {name: dict(section) for name, section in parsed.sections.items()}
    except iniconfig.ParseError:
        expected = None
    try:
        got = ini_sections(text)
    except ValueError:
        got = None
    assert got == expected


# -- mxs-test-files: flake8's own matcher ----------------------------------------------------

FILES = {"checks/verify_env.py": ENV_WRITE, "checks/deep/verify_more.py": ENV_WRITE,
         "verify_top.py": ENV_WRITE, "other/verify_other.py": ENV_WRITE}


CHECKS = {"checks/verify_env.py", "checks/deep/verify_more.py"}


@pytest.mark.parametrize("pattern, expected", [
    ("*checks*", CHECKS), ("checks/*.py", CHECKS), ("./checks/*", CHECKS), ("verify_*.py", set(FILES)),
    ("*/deep/*", {"checks/deep/verify_more.py"}), ("*_top.py", {"verify_top.py"}),
    ("checks", set()), ("other/", set()),  # a directory name matches no file, in flake8 either
])
def test_mxs_test_files_match_exactly_the_files_per_file_ignores_match(project, pattern, expected):
    project.write(FILES)
    checked = {line.split(":")[0] for line in project.codes("--select=MXS003", f"--mxs-test-files={pattern}")}
    not_ignored = {line.split(":")[0] for line in project.codes(
        "--select=MXS003", "--mxs-test-files=*.py", f"--per-file-ignores={pattern}:MXS003")}
    assert checked == set(FILES) - not_ignored == expected


def test_a_glob_without_a_slash_matches_the_absolute_path_too(project):
    project.write(FILES)
    assert project.codes("--select=MXS003", "--mxs-test-files=*checks*") == [
        "checks/deep/verify_more.py:5:5: MXS003", "checks/verify_env.py:5:5: MXS003"]


@pytest.mark.parametrize("addopts, off", [
    ("-n 2 -v", set()),
    ("-p no:warnings", {"warnings"}),
    ("-pno:warnings", {"warnings"}),
    ("-s", {"capture"}),
    ("-sv --tb=short", {"capture"}),
    ("-vs", {"capture"}),
    ("--capture=no", {"capture"}),
    ("--capture no", {"capture"}),
    ("--capture=fd -rfEs", set()),  # -r takes fEs as its value: no -s
    ("-p no:cacheprovider -W error", set()),
])
def test_which_of_pytests_restorers_addopts_turns_off(tmp_path, addopts, off):
    from flake8_xdist_safety.analysis.project import pytest_config_for

    (tmp_path / ".git").mkdir()
    (tmp_path / "pytest.ini").write_text(f"[pytest]\naddopts = {addopts}\n")
    (tmp_path / "test_a.py").write_text("")
    assert pytest_config_for(str(tmp_path / "test_a.py")).restorers_off == frozenset(off)
