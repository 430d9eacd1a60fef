"""How a rewritten statement is laid out so that flake8 reports no new E501 (the user's max-line-length).

A replacement goes on one line when that line fits (or is not over the limit in more lines than the
original was); otherwise the call is split the way black splits it, one argument per line with a trailing
comma; if that does not fit either, the caller does not rewrite the statement. Widths are counted as
pycodestyle counts them (characters of the line without its trailing whitespace); a line carrying
``# noqa`` is not counted, since flake8 does not report it.
"""
import ast
from typing import List, Optional, Sequence

from flake8_xdist_safety.fixer.edits import Edit, Text


def over_limit(lines: Sequence[str], limit: int) -> int:
    """How many of ``lines`` pycodestyle would report as too long."""
    return sum(1 for line in lines if len(line.rstrip()) > limit and "# noqa" not in line.lower())


def fitted_call(text: Text, stmt: ast.stmt, func: str, args: List[str], limit: int) -> Optional[str]:
    """``func(args)`` laid out to replace ``stmt``: on one line, or one argument per line; None if
    neither keeps flake8 from reporting a line more as too long than the original statement."""
    first = stmt.lineno
    last = stmt.end_lineno or first
    start, end = text.start(stmt), text.end(stmt)
    prefix = text.source[text.starts[first - 1]:start]
    suffix = text.source[end:text.starts[last - 1] + len(text.line(last).rstrip("\r\n"))]
    before = over_limit([text.line(n) for n in range(first, last + 1)], limit)
    one_line = f"{func}({', '.join(args)})"
    if over_limit((prefix + one_line + suffix).splitlines(), limit) <= before:
        return one_line
    indent = text.indent(first)
    step = "\t" if indent.startswith("\t") else "    "
    ending = text.ending(first)
    split = ending.join([f"{func}("] + [f"{indent}{step}{arg}," for arg in args] + [f"{indent})"])
    if over_limit((prefix + split + suffix).splitlines(), limit) <= before:
        return split
    return None


def param_fits(text: Text, edit: Edit, limit: int) -> bool:
    """Does the line an inserted parameter goes on stay as it was with respect to the limit?"""
    number = text.line_number_at(edit.start)
    line = text.line(number)
    offset = edit.start - text.starts[number - 1]
    return over_limit([line[:offset] + edit.text + line[offset:]], limit) <= over_limit([line], limit)
