"""``fix --add-noqa``: suppress, with ``# noqa: CODE``, every finding flake8 reports that is left.

flake8 reads a finding's ``# noqa`` from the physical lines of the token run around it (up to the end of
the line, a multi-line string or a backslash continuation: ``FileProcessor._noqa_line_mapping``) and honours
only the *first* ``# noqa`` in that text. So the comment goes at the end of the last line of that run (where
a comment is always valid), or the codes are merged into the first ``# noqa: X`` comment already there. A
``# noqa`` inside a string that flake8 would read first cannot be fixed that way: reported, not touched.
flake8 is then asked again, so "suppressed" means flake8 says so.
"""
import re
import tokenize
from typing import Dict, List, NamedTuple, Optional, Tuple

from flake8.defaults import NOQA_INLINE_REGEXP
from flake8.violation import Violation

from flake8_xdist_safety.fixer.edits import Edit, Text, apply_edits
from flake8_xdist_safety.fixer.flake8_run import flake8_lines
from flake8_xdist_safety.fixer.planner import Note
from flake8_xdist_safety.fixer.rewrites import Check

_SEPARATORS = ", \t\r\n"


class NoqaResult(NamedTuple):
    text: str
    added: Dict[str, int]  # findings suppressed, by code
    failed: List[Note]  # findings that could not be suppressed, and why


class _Run(NamedTuple):
    """One noqa line range of flake8: physical lines ``first``..``last``; the end of its code is at
    (``last``, ``end_col``); comments in it as (line, start col, end col)."""

    first: int
    last: int
    end_col: int
    comments: List[Tuple[int, int, int]]


def _runs(lines: List[str]) -> Dict[int, _Run]:
    """Line -> the run flake8 maps it to, computed over the tokens exactly as flake8 groups them."""
    out: Dict[int, _Run] = {}
    source = iter(lines)
    first, last = len(lines) + 2, -1
    comments: List[Tuple[int, int, int]] = []
    for token in tokenize.generate_tokens(lambda: next(source, "")):
        kind = token.type
        if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first, last = min(first, token.start[0]), max(last, token.end[0])
        if kind == tokenize.COMMENT:
            comments.append((token.start[0], token.start[1], token.end[1]))
        if kind in (tokenize.NL, tokenize.NEWLINE):
            end_col = token.start[1] if token.start[0] == last else len(lines[last - 1].rstrip("\r\n"))
            run = _Run(first, last, end_col, comments)
            for line in range(first, last + 1):
                out[line] = run
            first, last, comments = len(lines) + 2, -1, []
    return out


def _codes_text(codes: List[str]) -> str:
    return ",".join(sorted(codes))


def _edit_for(text: Text, lines: List[str], run: _Run, codes: List[str]) -> Tuple[Optional[Edit], str]:
    """The edit suppressing ``codes`` on this run, or None and why not."""
    joined = "".join(lines[run.first - 1:run.last])
    match = NOQA_INLINE_REGEXP.search(joined)
    if match is None:
        at = text.starts[run.last - 1] + run.end_col
        code_part = lines[run.last - 1][:run.end_col]
        spacing = "" if code_part.endswith("  ") else " " if code_part.endswith(" ") else "  "
        return Edit(at, at, f"{spacing}# noqa: {_codes_text(codes)}"), ""
    line, col = _position(lines, run.first, match.start())
    if not any(c_line == line and start <= col < end for c_line, start, end in run.comments):
        return None, "flake8 would first read a '# noqa' inside a string on this line"
    if match.group("codes") is None:
        return None, "a bare '# noqa' here already suppresses everything"
    codes_end = match.start("codes") + len(match.group("codes").rstrip(_SEPARATORS))
    line, col = _position(lines, run.first, codes_end)
    at = text.starts[line - 1] + col
    return Edit(at, at, "," + _codes_text(codes)), ""


def _position(lines: List[str], first: int, offset: int) -> Tuple[int, int]:
    """(line, column) of a character offset into the joined text of lines ``first``.. (as flake8 joins)."""
    line = first
    while line < len(lines) and offset >= len(lines[line - 1]):
        offset -= len(lines[line - 1])
        line += 1
    return line, offset


def add_noqa(text: str, violations: List[Violation], check: Check) -> NoqaResult:
    """Suppress ``violations`` (what flake8 reports for ``text``)."""
    if not violations:
        return NoqaResult(text, {}, [])
    lines = flake8_lines(text)
    try:
        runs = _runs(lines)
    except (tokenize.TokenError, SyntaxError) as exc:
        return NoqaResult(text, {}, [_note(v, f"no noqa added: cannot tokenize ({exc})") for v in violations])
    wanted: Dict[int, List[Violation]] = {}
    failed: List[Note] = []
    for violation in violations:
        run = runs.get(violation.line_number)
        if run is None:
            failed.append(_note(violation, "no noqa added: flake8 maps this finding to no line"))
        else:
            wanted.setdefault(run.first, []).append(violation)
    source = Text(text)
    edits, placed = [], []
    for first, found in wanted.items():
        edit, why = _edit_for(source, lines, runs[first], sorted({v.code for v in found}))
        if edit is None:
            failed += [_note(v, "no noqa added: " + why) for v in found]
        else:
            edits.append(edit)
            placed += found
    if not edits:
        return NoqaResult(text, {}, failed)
    new_text = apply_edits(text, edits)
    left = {violation_id(v) for v in check(new_text).violations}
    added: Dict[str, int] = {}
    for violation in placed:
        if violation_id(violation) in left:
            failed.append(_note(violation, "no noqa added: flake8 still reports it"))
        else:
            added[violation.code] = added.get(violation.code, 0) + 1
    return NoqaResult(new_text, added, sorted(failed))


def violation_id(violation: Violation) -> Tuple[str, int, str]:
    # Comments move no line and no column of code before them: position and text identify a finding.
    return violation.code, violation.line_number, re.sub(r"\s+", " ", violation.text)


def _note(violation: Violation, text: str) -> Note:
    return Note(violation.line_number, violation.column_number - 1, violation.code, text)
