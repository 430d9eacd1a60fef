"""The user-facing docs agree with the code: the pre-commit hook's --select, the README's rules
and options tables, docs/rules/README.md's table, and the ruff snippet."""
import re
import sys
from pathlib import Path

import pytest

from flake8_xdist_safety import codes
from flake8_xdist_safety.config import register_options

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the 3.9/3.10 legs
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RULES_README = ROOT / "docs" / "rules" / "README.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"

PUBLIC = sorted(key for key in codes.CODES if "-" not in key)
DEFAULT_ON = sorted(code for code in PUBLIC if codes.CODES[code].default_on)


def table_rows(path, link_prefix):
    """``{code: [what, on by default, options]}`` from the rules table of a markdown file."""
    row = re.compile(r"^\| \[(MXS\d{3})\]\(" + re.escape(link_prefix) + r"\1\.md\) \|(.*)\|\s*$")
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = row.match(line)
        if match:
            assert match.group(1) not in rows, f"{path.name}: two rows for {match.group(1)}"
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def expected_default_cell(code):
    return "yes" if codes.CODES[code].default_on else "**no**"


def expected_options_cell(code):
    return ", ".join(f"`{option}`" for option in codes.CODES[code].options)


# -- (a) the pre-commit hook -------------------------------------------------------------------

def test_precommit_hook_selects_exactly_the_default_on_codes():
    lines = [line for line in HOOKS.read_text(encoding="utf-8").splitlines()
             if not line.lstrip().startswith("#")]
    selects = re.findall(r"--select=([A-Z0-9,]+)", "\n".join(lines))
    assert len(selects) == 1, selects
    assert selects[0].split(",") == DEFAULT_ON


def test_default_on_codes_are_the_documented_set():
    """The set the docs name (and the hook selects) is this one, so a change to the code table
    is a change to the docs as well."""
    assert DEFAULT_ON == ["MXS003", "MXS004", "MXS005", "MXS006", "MXS007", "MXS008", "MXS009",
                          "MXS011", "MXS012", "MXS013", "MXS014", "MXS015", "MXS016"]
    assert ",".join(DEFAULT_ON) in README.read_text(encoding="utf-8")


# -- (b) the rules tables ----------------------------------------------------------------------

@pytest.mark.parametrize("path, link_prefix", [(README, "docs/rules/"), (RULES_README, "")],
                         ids=["README", "docs-rules-README"])
def test_rules_table_matches_the_code_table(path, link_prefix):
    rows = table_rows(path, link_prefix)
    assert list(rows) == PUBLIC
    for code in PUBLIC:
        what, default, options = rows[code]
        assert what, code
        assert default == expected_default_cell(code), code
        assert options == expected_options_cell(code), code


# -- (c) the README options table --------------------------------------------------------------

class RecordingOptionManager:
    """Stands in for flake8's OptionManager: keeps what register_options adds."""

    def __init__(self):
        self.options = {}

    def add_option(self, *names, **kwargs):
        (name,) = names
        assert name not in self.options, name
        self.options[name] = kwargs


def registered_options():
    manager = RecordingOptionManager()
    register_options(manager)
    return manager.options


def readme_option_rows():
    """``{option: [default, rules, meaning]}`` from the README's Configuration table."""
    row = re.compile(r"^\| `(mxs-[a-z-]+)` \|(.*)\|\s*$")
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = row.match(line)
        if match:
            assert match.group(1) not in rows, f"two README rows for {match.group(1)}"
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def help_default(help_text):
    match = re.search(r"\(Default: ([^()]*)\)$", help_text)
    assert match, help_text
    return match.group(1)


def readme_default(cell):
    if cell == "*(none)*":
        return "none"
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, cell
    return match.group(1)


def test_readme_lists_every_registered_option_once():
    options = registered_options()
    assert all(name.startswith("--mxs-") for name in options), sorted(options)
    assert sorted(readme_option_rows()) == sorted(name[2:] for name in options)


@pytest.mark.parametrize("name", sorted(registered_options()))
def test_readme_option_default_matches_the_help_text(name):
    default, _rules, meaning = readme_option_rows()[name[2:]]
    assert readme_default(default) == help_default(registered_options()[name]["help"])
    assert meaning, name


@pytest.mark.parametrize("name", sorted(registered_options()))
def test_readme_option_rules_match_the_code_table(name):
    option = name[2:]
    users = [code for code in PUBLIC if option in codes.CODES[code].options]
    _default, rules, _meaning = readme_option_rows()[option]
    assert rules == (", ".join(users) if users else "all")


def test_every_option_of_the_code_table_is_registered():
    used = {option for code in codes.CODES.values() for option in code.options}
    assert used <= {name[2:] for name in registered_options()}


# -- (d) ruff ----------------------------------------------------------------------------------

def test_readme_ruff_snippet_keeps_mxs_noqa_comments():
    text = README.read_text(encoding="utf-8")
    blocks = [block for block in re.findall(r"```toml\n(.*?)```", text, flags=re.S)
              if "[tool.ruff.lint]" in block]
    assert len(blocks) == 1, blocks
    block = "\n".join(line.strip() for line in blocks[0].splitlines())
    assert 'external = ["MXS"]' in block.splitlines()
    assert tomllib.loads(block) == {"tool": {"ruff": {"lint": {"external": ["MXS"]}}}}
