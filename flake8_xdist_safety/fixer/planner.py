"""One round of planning over one parsed text: the state the MXS001/MXS002/MXS003 planners share.

A planner turns findings into :class:`~flake8_xdist_safety.fixer.edits.Edit` values and notes; this module
holds the text, the tree, the plugin's file model, the names new code may use (and the imports it needs),
and places new imports and a new module ``pytestmark`` where they are valid: after the module docstring and
``from __future__`` imports, which stay first.
"""
import ast
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Set, Tuple

from flake8_xdist_safety.analysis.model import FileModel
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.findings import Finding
from flake8_xdist_safety.fixer.edits import Edit, Text
from flake8_xdist_safety.fixer.names import (
    ScopeBindings, Use, can_import, guaranteed_spelling, module_bindings,
)

#: What new code needs, how an existing name spells it, and the import to add when none does:
#: (wanted object, suffix after the name) alternatives; (name bound, import statement, spelling).
_SPELLINGS: Dict[str, Tuple[Tuple[Tuple[str, str], ...], Tuple[str, str, str]]] = {
    "pytest.mark": ((("pytest", ".mark"), ("pytest.mark", "")), ("pytest", "import pytest", "pytest.mark")),
    "gc.collect": ((("gc", ".collect"), ("gc.collect", "")), ("gc", "import gc", "gc.collect")),
    "unittest.mock.patch.dict": (
        (("unittest.mock", ".patch.dict"), ("unittest.mock.patch", ".dict"), ("mock", ".patch.dict"),
         ("mock.patch", ".dict")),
        ("unittest", "import unittest.mock", "unittest.mock.patch.dict"),
    ),
}


class Spelling(NamedTuple):
    text: str  # e.g. "pytest.mark", "_gc.collect"
    #: the line of the existing import it relies on (new code at import time goes below it); 0 for a new
    #: import at the top of the module
    bound_at: int


class Note(NamedTuple):
    """One line of the report: a change made, or a finding left alone and why."""

    line: int
    col: int  # 0-based, as in the AST
    code: str
    text: str


def note_for(finding: Finding, text: str) -> Note:
    return Note(finding.line, finding.col, finding.code, text)


class Plan:
    """The edits and notes of one round over one text."""

    def __init__(self, text: Text, tree: ast.Module, model: FileModel, config: Config) -> None:
        self.text, self.tree, self.model, self.config = text, tree, model, config
        self.module_names: ScopeBindings = module_bindings(tree)
        self._shadowing: Dict[int, ScopeBindings] = {}
        self.edits: List[Edit] = []
        self.changes: List[Note] = []
        self.not_fixed: List[Note] = []
        #: statements rewritten along with a finding that flake8 did not report (a hand-written restore of
        #: the same variable): listed as changes, not counted as findings fixed
        self.also_changed: List[Note] = []
        self.new_imports: Set[str] = set()
        #: a new module-level ``pytestmark = ...`` line, and the line it must follow (an import it uses)
        self.new_pytestmark: Optional[Tuple[List[str], int]] = None
        #: ids of nodes already edited this round (a shared teardown, a test given monkeypatch)
        self.done: Set[int] = set()
        #: per-node verdicts a planner computed once this round (by node id)
        self.memo: Dict[int, Optional[str]] = {}
        #: facts a planner computed once this round (fixtures of the file and its conftest chain, ...)
        self.cache: Dict[Tuple[object, ...], object] = {}
        #: the longest line flake8 accepts (the user's max-line-length)
        self.max_line_length = 79
        #: functions (``Class.test_name``) whose MXS003 fixes did not settle: left as they are
        self.unsettled: FrozenSet[str] = frozenset()
        #: decorators the team declares harmless (``fix --harmless-decorators``): they pass a new fixture
        #: parameter through as pytest's marks do
        self.harmless_decorators: FrozenSet[str] = frozenset()

    def fixed(self, finding: Finding, text: str) -> None:
        self.changes.append(note_for(finding, text))

    def refuse(self, finding: Finding, why: str) -> None:
        self.not_fixed.append(note_for(finding, "not fixed: " + why))

    def spell(self, wanted: str, use: Use) -> Optional[Spelling]:
        """How new code at ``use`` names ``wanted`` (``pytest.mark``, ``gc.collect``, ...): an existing
        import that is guaranteed to be bound there, else a new import at the top; None if neither is."""
        alternatives, (name, statement, spelled) = _SPELLINGS[wanted]
        found = []
        for target, suffix in alternatives:
            existing = guaranteed_spelling(self.module_names, target, use, self._shadowing)
            if existing is not None:
                found.append(Spelling(existing[0] + suffix, existing[1]))
        if found:
            return min(found, key=lambda s: (len(s.text), s.text))
        if statement in self.new_imports or can_import(self.module_names, name, use, self._shadowing):
            self.new_imports.add(statement)
            return Spelling(spelled, 0)
        return None

    def why_unbound(self, wanted: str) -> str:
        name = _SPELLINGS[wanted][1][0]
        other = self.module_names.first_other(name)
        where = f" (line {other.line})" if other is not None else ""
        return f"the name {name} is bound to something else in this module{where} or where the fix goes"

    # -- the module header -------------------------------------------------------------------------
    def header(self) -> None:
        """New imports after the docstring and ``__future__`` imports; a new ``pytestmark`` after the
        imports at the top of the module (and after the import it uses)."""
        text, body = self.text, self.tree.body
        imports = sorted(self.new_imports)
        mark = self.new_pytestmark
        if not imports and mark is None:
            return
        prefix = 0
        if body and _is_docstring(body[0]):
            prefix = 1
        while prefix < len(body) and _is_future_import(body[prefix]):
            prefix += 1
        if mark is not None:
            anchor = _last_leading_import(body, prefix)
            after = max(mark[1], anchor.end_lineno or anchor.lineno) if anchor is not None else mark[1]
            if after > 0:
                self.edits.append(text.after_line(line_group_end(body, after), ["", *mark[0]], order=2))
                mark = None
        tail = ["", *mark[0]] if mark is not None else []
        if not imports and not tail:
            return
        if prefix < len(body) and isinstance(body[prefix], (ast.Import, ast.ImportFrom)) \
                and not _shares_line_with_previous(body, prefix):
            self.edits.append(text.before_line(body[prefix].lineno, imports + tail[1:], order=0))
        elif prefix > 0:
            end = line_group_end(body, body[prefix - 1].end_lineno or body[prefix - 1].lineno)
            self.edits.append(text.after_line(end, [""] + imports + tail, order=0))
        elif body:
            first = statement_start(body[0])
            blank = ["", ""] if isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                else [""]
            self.edits.append(text.before_line(first, imports + tail + blank, order=0))


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


def _is_future_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _last_leading_import(body: Sequence[ast.stmt], start: int) -> Optional[ast.stmt]:
    """The last import statement before the first def or class (after the docstring/__future__ prefix)."""
    found = None
    for node in body[start:]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            break
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found = node
    return found


def _shares_line_with_previous(body: Sequence[ast.stmt], index: int) -> bool:
    return index > 0 and (body[index - 1].end_lineno or 0) >= body[index].lineno


def statement_start(node: ast.stmt) -> int:
    """The first line of a statement, its decorators included."""
    decorators: List[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [d.lineno for d in decorators])


def line_group_end(body: Sequence[ast.stmt], line: int) -> int:
    """The last line of the statements that share physical lines with ``line`` (``a; b = (\\n 1)``):
    inserting after it never splits a statement."""
    end = line
    for node in body:
        if node.lineno <= end < (node.end_lineno or node.lineno):
            end = node.end_lineno or node.lineno
        elif node.lineno == end:
            end = max(end, node.end_lineno or node.lineno)
    return end


def indent_step(indent: str, outer: str) -> str:
    """One indentation step: what ``indent`` adds to ``outer``, else a guess from its kind."""
    if indent.startswith(outer) and len(indent) > len(outer):
        return indent[len(outer):]
    return "\t" if "\t" in indent else "    "
