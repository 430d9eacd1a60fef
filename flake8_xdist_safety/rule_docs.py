"""``flake8-xdist-safety rule CODE`` and ``flake8-xdist-safety rules``: the rule pages, from the package.

The pages are the files of docs/rules/, copied into ``rule_pages/`` by tools/sync_rule_pages.py (a test
keeps the copies byte-equal), so an installed package has them and a new page needs no code change. The
list is made from the code table and the fixer's FIXABLE, so it cannot disagree with what runs.
"""
import argparse
import re
from importlib.resources import files
from typing import List, Optional, TextIO
from urllib.parse import urljoin

from flake8_xdist_safety.codes import CODES, PUBLIC_CODES
from flake8_xdist_safety.fixer.rewrites import FIXABLE
from flake8_xdist_safety.links import DOCS_URL, rule_command

COMMANDS = ("rule", "rules")
#: ``[text](target)`` with a target relative to the page (no scheme, not an anchor of the page itself)
_RELATIVE_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)")
_TITLE = re.compile(r"^# MXS\d{3}\s+—\s+(.*)$", re.MULTILINE)


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    rule = commands.add_parser("rule", help="print a rule's page: what is reported, why, the fix, options",
                               description="Print the page of one MXS code, e.g. MXS003.")
    rule.add_argument("code", metavar="CODE", help="an MXS code, e.g. MXS003")
    commands.add_parser("rules", help="list every code: on or off by default, options, fixed by fix",
                        description="List every MXS code with its default state, the mxs-* options that "
                                    "change what it reports, and whether `flake8-xdist-safety fix` fixes it.")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "rules":
        out.write(rules_table())
        return 0
    code = args.code.strip().upper()
    text = page(code)
    if text is None:
        print(f"flake8-xdist-safety rule: error: no rule {args.code!r}; "
              f"`flake8-xdist-safety rules` lists them", file=err)
        return 2
    out.write(with_absolute_links(text))
    return 0


def page(code: str) -> Optional[str]:
    """The shipped page of a public *code*, or None."""
    if code not in PUBLIC_CODES:
        return None
    resource = files("flake8_xdist_safety") / "rule_pages" / f"{code}.md"
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError:  # a code whose page has not been written (the meta-tests require one)
        return None


def with_absolute_links(text: str) -> str:
    """Links between pages point at the published docs: the repository's relative paths do not exist
    where the package is installed."""
    return _RELATIVE_LINK.sub(lambda match: f"]({urljoin(DOCS_URL, match.group(1))})", text)


def rules_table() -> str:
    rows = [("CODE", "DEFAULT", "FIX", "OPTIONS", "WHAT IT FLAGS")]
    for code in PUBLIC_CODES:
        text = page(code)
        title = _TITLE.search(text) if text else None
        rows.append((code, "on" if CODES[code].default_on else "off", "yes" if code in FIXABLE else "no",
                     ", ".join(CODES[code].options) or "-", title.group(1) if title else ""))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines: List[str] = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4] for row in rows]
    lines += [
        "",
        "off: reported only when select or extend-select names the code "
        "(extend-select = MXS001 under [flake8]).",
        "OPTIONS: the mxs-* settings that change what the code reports.",
        "FIX: `flake8-xdist-safety fix` rewrites its findings.",
        f"Each code's page: {rule_command('CODE')}, or {DOCS_URL}",
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
