"""The code table is the single source of truth: every public code has a message, a docs page,
a README row, a rule, and positive and negative behaviour tests."""
import ast
import re
import string
from pathlib import Path

import pytest

from flake8_xdist_safety import codes
from flake8_xdist_safety.rules import RULES, RULES_BY_CODE

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
DOCS = ROOT / "docs" / "rules"
README = ROOT / "README.md"

#: A README table row: ``| [MXS001](docs/rules/MXS001.md) | what | on by default | options |``
README_ROW = re.compile(r"^\| \[(MXS\d{3})\]\(docs/rules/\1\.md\) \|(.*)\|\s*$")


def readme_rows():
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = README_ROW.match(line)
        if match:
            assert match.group(1) not in rows, f"two README rows for {match.group(1)}"
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def dummy_fields(template):
    """A dummy value for every ``{field}`` of *template* (format specs and ``!r`` included)."""
    return {
        field.split(".")[0].split("[")[0]: f"<{field}>"
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    }


# -- the table itself -------------------------------------------------------------------------

def test_public_codes_are_mxs001_to_mxs016():
    assert codes.PUBLIC_CODES == [f"MXS{n:03d}" for n in range(1, 17)]


def test_every_variant_belongs_to_a_public_code():
    for key in codes.CODES:
        code, _, variant = key.partition("-")
        assert code in codes.CODES, f"{key} is a variant of a code without a base message"
        assert variant == "" or re.fullmatch(r"[a-z]+(-[a-z]+)*", variant), key


def test_default_off_is_the_memory_policy_and_mxs010():
    assert codes.DEFAULT_OFF == ["MXS001", "MXS002", "MXS010"]


def test_rules_cover_exactly_the_public_codes():
    assert sorted(RULES_BY_CODE) == codes.PUBLIC_CODES
    assert len(set(RULES)) == len(codes.PUBLIC_CODES)  # one rule per code, none shared


# -- per code ---------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(codes.CODES))
def test_message_starts_with_its_code(key):
    template = codes.CODES[key].template
    assert template.strip(), key
    fields = dummy_fields(template)
    text = codes.message(key, **fields)
    code = key.split("-")[0]
    assert text.startswith(code + " "), text
    assert text[len(code) + 1:len(code) + 2].strip(), f"{key}: the sentence starts right after"
    assert "{" not in text and "}" not in text, text  # no placeholder left unformatted
    assert "\n" not in text, text
    for field in fields:  # each placeholder really lands in the message
        assert f"<{field}" in text, (key, field)


@pytest.mark.parametrize("code", codes.PUBLIC_CODES)
def test_every_code_has_a_docs_page(code):
    page = DOCS / f"{code}.md"
    assert page.is_file(), f"missing {page.relative_to(ROOT)}"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {code}"), f"{page.name} should start with '# {code}'"
    assert f"# noqa: {code}" in text, f"{page.name} should say how to suppress it"


@pytest.mark.parametrize("key", sorted(codes.CODES))
def test_docs_page_quotes_the_message_template(key):
    """The page shows each message (variants included) as the table has it, so they cannot drift."""
    code = key.split("-")[0]
    text = " ".join((DOCS / f"{code}.md").read_text(encoding="utf-8").split())
    assert " ".join(f"{code} {codes.CODES[key].template}".split()) in text


@pytest.mark.parametrize("code", codes.PUBLIC_CODES)
def test_default_off_is_stated_on_the_docs_page_and_in_the_readme(code):
    page = (DOCS / f"{code}.md").read_text(encoding="utf-8").lower()
    title = page.splitlines()[0]
    on_by_default = readme_rows()[code][1].strip("* ").lower()
    if code in codes.DEFAULT_OFF:
        assert "off by default" in page
        assert on_by_default == "no"
    else:
        assert "off by default" not in title
        assert on_by_default == "yes"


def test_readme_rows_are_exactly_the_public_codes_in_order():
    assert list(readme_rows()) == codes.PUBLIC_CODES


@pytest.mark.parametrize("code", codes.PUBLIC_CODES)
def test_every_code_has_positive_and_negative_behaviour_tests(code):
    paths = sorted((TESTS / "rules").glob(f"test_{code.lower()}_*.py"))
    assert len(paths) == 1, f"want one tests/rules/test_{code.lower()}_<what>.py, found {paths}"
    path = paths[0]
    source = path.read_text(encoding="utf-8")
    # positive: an exact report of this code is expected, ``file:line:col: CODE`` or ``line:col CODE``,
    # or spelled by a message helper, ``f"{path}:{line}:{col}: CODE ..."``
    assert re.search(rf"(\d+:\d+|\{{line\}}:\{{col\}}):? {code}\b", source), (
        f"{path.name}: no expected {code} report")
    # negative: a test named for what is *not* reported (``..._is_not_reported``, ``..._needs_no_...``)
    tests = [
        node.name for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
    ]
    assert any(re.search(r"not_reported|not_checked|needs?_no_", name) for name in tests), (
        f"{path.name}: no test named for a negative case, e.g. test_..._is_not_reported"
    )
