"""``flake8-xdist-safety rule CODE`` / ``rules``: the pages shipped in the package are docs/rules/'s,
byte for byte, one per public code; the list agrees with the code table and the fixer."""
import io
import re
import sys
from pathlib import Path

import pytest

from flake8_xdist_safety import codes, links
from flake8_xdist_safety.fixer.cli import main
from flake8_xdist_safety.fixer.rewrites import FIXABLE
from flake8_xdist_safety.rule_docs import with_absolute_links

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the 3.9/3.10 legs
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "rules"
SHIPPED = ROOT / "flake8_xdist_safety" / "rule_pages"
URL = "https://github.com/OWNER/flake8-xdist-safety/blob/main/"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_the_shipped_pages_are_the_docs_pages_byte_for_byte():
    regenerate = "run: python tools/sync_rule_pages.py"
    names = sorted(page.name for page in SOURCE.glob("MXS*.md"))
    assert sorted(page.name for page in SHIPPED.glob("MXS*.md")) == names, regenerate
    for name in names:
        assert (SHIPPED / name).read_bytes() == (SOURCE / name).read_bytes(), f"{name}: {regenerate}"


def test_every_public_code_has_a_shipped_page():
    assert sorted(page.stem for page in SHIPPED.glob("MXS*.md")) == codes.PUBLIC_CODES


def test_the_docs_url_is_the_one_in_the_package_metadata():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["urls"]["Rule documentation"] == links.DOCS_URL == URL + "docs/rules/"
    assert links.rule_pointer("MXS004") == f'"flake8-xdist-safety rule MXS004" or {URL}docs/rules/MXS004.md'


@pytest.mark.parametrize("argument", ["MXS003", "mxs003", " MXS003 "])
def test_rule_prints_the_page_with_links_that_resolve_off_the_repository(argument):
    status, out, err = run("rule", argument)
    assert (status, err) == (0, "")
    assert out == with_absolute_links((SOURCE / "MXS003.md").read_text(encoding="utf-8"))
    assert out.startswith("# MXS003 — `os.environ` changed without a guaranteed restore\n\n## Message\n")
    assert f"[MXS002]({URL}docs/rules/MXS002.md)" in out


def test_relative_links_become_urls_and_others_stay():
    page = ("[a](MXS002.md) [b](../fix.md) [c](../../README.md#configuration) [d](#options) "
            "[e](https://example.org/x.md) [f](mailto:x@example.org)")
    assert with_absolute_links(page) == (
        f"[a]({URL}docs/rules/MXS002.md) [b]({URL}docs/fix.md) [c]({URL}README.md#configuration) "
        "[d](#options) [e](https://example.org/x.md) [f](mailto:x@example.org)")


@pytest.mark.parametrize("code", codes.PUBLIC_CODES)
def test_no_printed_page_has_a_relative_link(code):
    _, out, _ = run("rule", code)
    assert re.findall(r"\]\((?!https://|#)[^)]*\)", out) == []


@pytest.mark.parametrize("argument", ["MXS999", "MXS003-path", "E501"])
def test_an_unknown_code_is_a_usage_error(argument):
    assert run("rule", argument) == (2, "", f"flake8-xdist-safety rule: error: no rule {argument!r}; "
                                            "`flake8-xdist-safety rules` lists them\n")


def test_rules_lists_every_code_with_its_state_options_and_fixer():
    status, out, err = run("rules")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "CODE    DEFAULT  FIX  OPTIONS                               WHAT IT FLAGS"
    assert lines[3] == "MXS003  on       yes  -                                     " \
                       "`os.environ` changed without a guaranteed restore"
    rows = {line.split()[0]: line.split()[1:3] for line in lines[1:] if re.match(r"MXS\d{3} ", line)}
    assert rows == {
        code: ["on" if codes.CODES[code].default_on else "off", "yes" if code in FIXABLE else "no"]
        for code in codes.PUBLIC_CODES}
    for code in codes.PUBLIC_CODES:
        row = next(line for line in lines if line.startswith(code + " "))
        assert (", ".join(codes.CODES[code].options) or " - ") in row, code
    assert lines[-1] == f"Each code's page: flake8-xdist-safety rule CODE, or {URL}docs/rules/"


def test_the_page_commands_take_no_other_arguments(capsys):
    with pytest.raises(SystemExit) as exited:
        run("rules", "--select=MXS")
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith("error: unrecognized arguments: --select=MXS\n")


def test_a_code_whose_page_is_missing_is_reported_not_raised(monkeypatch, tmp_path):
    (tmp_path / "rule_pages").mkdir()
    monkeypatch.setattr("flake8_xdist_safety.rule_docs.files", lambda package: tmp_path)
    assert run("rule", "MXS003") == (2, "", "flake8-xdist-safety rule: error: no rule 'MXS003'; "
                                            "`flake8-xdist-safety rules` lists them\n")
    assert "\nMXS003  on       yes  -\n" in run("rules")[1]
