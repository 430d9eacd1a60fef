"""Imports the fix left unused: removed, so that flake8 reports no new F401 afterwards.

``os.environ[K] = V`` rewritten as ``monkeypatch.setenv(K, V)`` may leave ``import os`` (or ``from os
import environ``) unused. pyflakes (flake8's F401) decides what is unused, on the text before and after the
fix: an import is removed only when pyflakes reports it unused after the fix and not before, flake8 would
report F401 for the file (select/ignore, per-file-ignores) and no ``# noqa`` covering F401 is on its lines.
A statement importing only unused names goes away with its lines (``pass`` if it was alone in its block);
from one that also imports used names, only the unused names go. A statement sharing a line with another
statement, or whose layout would need more than dropping whole lines or re-writing one line, is left alone.
"""
import ast
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

from flake8.defaults import NOQA_INLINE_REGEXP
from pyflakes import checker as pyflakes_checker
from pyflakes import messages as pyflakes_messages

from flake8_xdist_safety.analysis.vocabulary import statement_blocks
from flake8_xdist_safety.fixer.edits import Edit, Text

ImportNode = Union[ast.Import, ast.ImportFrom]


def unused_import_edits(before: ast.Module, after: ast.Module, text: Text, back: Callable[[int], int],
                        filename: str) -> Tuple[List[Edit], List[Tuple[int, str]]]:
    """Edits of ``text`` (the fixed text, parsed as ``after``) removing the imports it newly leaves
    unused, and ``(line in the fixed text, name)`` for each; ``back`` maps a line of the fixed text to the
    line of the original it came from."""
    was = set(_unused(before, filename))
    now = [(line, name) for line, name in _unused(after, filename) if (back(line), name) not in was]
    if not now:
        return [], []
    by_statement: Dict[int, Set[str]] = {}
    statements: Dict[int, ImportNode] = {}
    parents: Dict[int, List[ast.stmt]] = {}
    for body in _bodies(after):
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                statements[node.lineno] = node
                parents[id(node)] = body
    for line, name in now:
        statement = statements.get(line)
        if statement is not None:
            by_statement.setdefault(id(statement), set()).add(name)
    edits, removed = [], []
    for node in statements.values():
        names = by_statement.get(id(node))
        if not names or _has_noqa(text, node):
            continue
        edit = _removal(text, node, names, parents[id(node)])
        if edit is not None:
            edits.append(edit)
            removed += [(node.lineno, name) for name in sorted(names)]
    return edits, removed


def _unused(tree: ast.Module, filename: str) -> List[Tuple[int, str]]:
    found = pyflakes_checker.Checker(tree, filename=filename).messages
    unused = pyflakes_messages.UnusedImport
    return [(m.lineno, str(m.message_args[0])) for m in found if isinstance(m, unused)]


def _bodies(tree: ast.Module) -> List[List[ast.stmt]]:
    return [block for node in ast.walk(tree) for block in statement_blocks(node)]


def reported_name(node: ImportNode, alias: ast.alias) -> str:
    """The name pyflakes reports an unused alias by (``os``, ``os.path``, ``a.b as c``, ``.m.x``)."""
    if isinstance(node, ast.ImportFrom):
        module = "." * node.level + (node.module or "")
        full = module + alias.name if module.endswith(".") else f"{module}.{alias.name}"
        unaliased = alias.name
    else:
        full, unaliased = alias.name, alias.name.split(".")[-1]
    return f"{full} as {alias.asname}" if alias.asname and alias.asname != unaliased else full


def _has_noqa(text: Text, node: ast.stmt) -> bool:
    for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
        match = NOQA_INLINE_REGEXP.search(text.line(number))
        if match is None:
            continue
        codes = match.groupdict().get("codes")
        if not codes or any("F401".startswith(code.strip()) for code in codes.replace(",", " ").split()):
            return True
    return False


def _removal(text: Text, node: ImportNode, names: Set[str], body: Sequence[ast.stmt]) -> Optional[Edit]:
    first, last = node.lineno, node.end_lineno or node.lineno
    start, end = text.start(node), text.end(node)
    prefix = text.source[text.starts[first - 1]:start]
    suffix = text.source[end:text.starts[last - 1] + len(text.line(last))].strip()
    if prefix.strip() or suffix and not suffix.startswith("#"):
        return None  # it shares a line with another statement
    keep = [alias for alias in node.names if reported_name(node, alias) not in names]
    if not keep:
        if len(body) == 1:
            return Edit(start, end, "pass")
        return Edit(text.starts[first - 1], text.starts[last - 1 + _blank_lines_to_drop(text, first, last)]
                    + len(text.line(last + _blank_lines_to_drop(text, first, last))), "")
    if first != last:
        return None  # a parenthesized import over several lines: left as it is
    kept = ", ".join(alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in keep)
    if isinstance(node, ast.ImportFrom):
        return Edit(start, end, f"from {'.' * node.level}{node.module or ''} import {kept}")
    return Edit(start, end, f"import {kept}")


def _blank_lines_to_drop(text: Text, first: int, last: int) -> int:
    """How many blank lines after a removed statement go with it, so that the blank lines around it do not
    add up to a run pycodestyle reports (E303): as many as the shorter of the two runs; at the top of the
    file, all of those below it."""
    above = 0
    while first - above - 1 >= 1 and not text.line(first - above - 1).strip():
        above += 1
    below = 0
    while last + below + 1 <= len(text.lines) and not text.line(last + below + 1).strip():
        below += 1
    return below if first - above == 1 else min(above, below)
