"""After ``fix``, ``flake8`` with the user's configuration reports no new finding of any code: an import the
rewrite left unused is removed (only when flake8 would report it), and rewritten or new lines stay within
the user's ``max-line-length``."""
import collections
import os
from pathlib import Path
from typing import Counter, Dict

import pytest
from flake8.main.cli import main as flake8_main

from fix_harness import OPT_IN, FixProject, dedent

GOLDEN = Path(__file__).parent / "golden"
PAIRS = sorted(p.name[:-len(".after.txt")] for p in GOLDEN.glob("*.after.txt"))
#: Codes pycodestyle reports on every line indented in the file's own style (tabs, two spaces): a project
#: written that way ignores them, and each line the fix adds in that style is one more.
OWN_STYLE: Dict[str, str] = {"tabs": "W191", "two_spaces": "E111"}


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path)


def codes(root: Path, *argv: str) -> Counter[str]:
    """How many findings of each code ``flake8 *argv .`` reports in ``root`` (every installed plugin)."""
    output = root / ".flake8-output.txt"
    saved = os.getcwd()
    os.chdir(root)
    try:
        flake8_main([*argv, "--format=%(code)s", "--output-file", str(output), "--exclude=.git", "."])
    except SystemExit:
        pass
    finally:
        os.chdir(saved)
    found = output.read_text().split()
    output.unlink()
    return collections.Counter(found)


def new_findings(before: Counter[str], after: Counter[str]) -> Dict[str, int]:
    return {code: after[code] - before[code] for code in after if after[code] > before[code]}


@pytest.mark.parametrize("name", PAIRS)
def test_fix_then_flake8_shows_no_new_finding_on_the_golden_pairs(proj, name):
    proj.root.joinpath(f"test_{name}.py").write_bytes((GOLDEN / f"{name}.before.txt").read_bytes())
    argv = [OPT_IN] + ([f"--extend-ignore={OWN_STYLE[name]}"] if name in OWN_STYLE else [])
    before = codes(proj.root, *argv)
    proj.fix(*argv, ".")
    assert proj.root.joinpath(f"test_{name}.py").read_bytes() == (GOLDEN / f"{name}.after.txt").read_bytes()
    assert new_findings(before, codes(proj.root, *argv)) == {}


ENV = """\
    import os


    def test_env():
        os.environ["A"] = "1"
    """


@pytest.mark.parametrize("header, kept", [
    ("import os\n", False),
    ("import os  # noqa: F401\n", True),
    ("import os  # noqa\n", True),
    ("import os  # noqa: E501\n", False),
    ("import os, sys\n", False),
    ("from os import environ\n", False),
])
def test_an_import_the_fix_left_unused_is_removed_unless_flake8_would_not_report_it(proj, header, kept):
    source = dedent(ENV).replace("import os\n", header)
    if "from" in header:
        source = source.replace("os.environ", "environ")
    proj.write({"test_it.py": source + ("\nsys.exit\n" if "sys" in header else "")})
    status, out, err = proj.fix("test_it.py")
    assert (status, err) == (0, "")
    text = proj.read("test_it.py")
    assert text.startswith(header) == kept
    if "sys" in header:
        assert text.startswith("import sys\n")
    assert new_findings(codes(proj.root), codes(proj.root)) == {}
    assert "F401" not in codes(proj.root)


@pytest.mark.parametrize("config", ["[flake8]\nextend-ignore = F401\n",
                                    "[flake8]\nper-file-ignores = test_*.py:F401\n"])
def test_an_import_is_left_where_flake8_does_not_report_f401(proj, config):
    proj.write({"test_it.py": ENV, "setup.cfg": config})
    assert proj.fix("test_it.py")[0] == 0
    assert proj.read("test_it.py").startswith("import os\n\n\ndef test_env(monkeypatch):\n")


def test_an_import_unused_before_the_fix_is_not_the_fixers_to_remove(proj):
    proj.write({"test_it.py": "import sys\n" + dedent(ENV)})
    assert proj.fix("test_it.py")[0] == 0
    assert proj.read("test_it.py") == ('import sys\n\n\ndef test_env(monkeypatch):\n'
                                       '    monkeypatch.setenv("A", "1")\n')


def test_blank_lines_around_a_removed_import_do_not_add_up(proj):
    source = '"""Doc."""\n\nimport os\n\n\ndef test_env():\n    os.environ["A"] = "1"\n'
    proj.write({"test_it.py": source})
    before = codes(proj.root)
    assert proj.fix("test_it.py")[0] == 0
    assert proj.read("test_it.py") == ('"""Doc."""\n\n\ndef test_env(monkeypatch):\n'
                                       '    monkeypatch.setenv("A", "1")\n')
    assert new_findings(before, codes(proj.root)) == {}


BLACK_STYLE = """\
    import os


    def test_env():
        os.environ[
            "A_RATHER_LONG_VARIABLE_NAME_FOR_THE_SERVICE_URL"
        ] = "http://localhost:8000/api"
        assert os.sep
    """


def test_a_rewritten_statement_over_max_line_length_is_split_as_black_splits_it(proj):
    proj.write({"test_it.py": BLACK_STYLE, "setup.cfg": "[flake8]\nmax-line-length = 60\n"})
    before = codes(proj.root)
    assert proj.fix("test_it.py")[0] == 0
    assert proj.read("test_it.py") == dedent("""\
        import os


        def test_env(monkeypatch):
            monkeypatch.setenv(
                "A_RATHER_LONG_VARIABLE_NAME_FOR_THE_SERVICE_URL",
                "http://localhost:8000/api",
            )
            assert os.sep
        """)
    assert new_findings(before, codes(proj.root)) == {}


def test_a_rewritten_statement_that_fits_goes_on_one_line(proj):
    proj.write({"test_it.py": BLACK_STYLE, "setup.cfg": "[flake8]\nmax-line-length = 120\n"})
    assert proj.fix("test_it.py")[0] == 0
    one_line = ('monkeypatch.setenv("A_RATHER_LONG_VARIABLE_NAME_FOR_THE_SERVICE_URL", '
                '"http://localhost:8000/api")')
    assert f"    {one_line}\n" in proj.read("test_it.py")


def test_a_parameter_that_would_not_fit_on_its_line_is_not_added(proj):
    source = ("import os\n\n\ndef test_an_environment_variable_set_here(tmp_path):\n"
              "    os.environ['A'] = '1'\n")
    proj.write({"test_it.py": source, "setup.cfg": "[flake8]\nmax-line-length = 60\n"})
    status, out, err = proj.fix("test_it.py")
    assert (status, out, proj.read("test_it.py")) == (1, "", source)
    assert err == ("test_it.py:5:5: MXS003 not fixed: os.environ['A']: adding the monkeypatch parameter to "
                   "test_an_environment_variable_set_here would make its line longer than max-line-length "
                   "(60)\n")


def test_a_new_mark_over_max_line_length_is_split(proj):
    proj.write({"tests/test_a_module_with_a_rather_long_name_indeed.py":
                "from unittest.mock import MagicMock\n\n\nclass TestIt:\n    def test_it(self):\n"
                "        MagicMock()\n",
                "setup.cfg": "[flake8]\nmax-line-length = 60\n"})
    before = codes(proj.root, OPT_IN)
    assert proj.fix(OPT_IN, "--select=MXS001", "tests")[0] == 0
    assert proj.read("tests/test_a_module_with_a_rather_long_name_indeed.py").startswith(
        "import pytest\nfrom unittest.mock import MagicMock\n\n\n@pytest.mark.xdist_group(\n"
        '    name="test_a_module_with_a_rather_long_name_indeed",\n)\nclass TestIt:\n')
    assert new_findings(before, codes(proj.root, OPT_IN)) == {}
