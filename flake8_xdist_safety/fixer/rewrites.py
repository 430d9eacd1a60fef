"""The fixer: rewrite mechanical MXS001/MXS002/MXS003 violations with minimal text edits.

The plugin's own analysis decides what is wrong (one source of truth); this module only
plans text edits at AST positions, applies them, and re-runs the analysis to prove the
fixed findings are gone. Edits are insertions or small replacements: every other byte of
the file (indentation, comments, quotes, line endings, a missing final newline) is kept.
"""
import ast
import bisect
import io
import json
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.marks import (
    Mark, class_marks, closest, function_marks, mark_argument, parse_marks,
)
from flake8_xdist_safety.analysis.builder import build_model
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, FunctionInfo
from flake8_xdist_safety.rules import RULES_BY_CODE
from flake8_xdist_safety.analysis.environ_changes import EnvChange, env_changes
from flake8_xdist_safety.analysis.imports import import_bindings
from flake8_xdist_safety.rules.gc_teardown import existing_teardown

FIXABLE = ("MXS001", "MXS002", "MXS003")
_IMPORTED_NAMES = ("pytest", "pytest.mark", "gc", "gc.collect")
_DOCSTRING = '"""Collect this test\'s garbage (mocks are reference cycles) before the next."""'
_MAX_ROUNDS = 3
_BOM = "\ufeff"


class Edit(NamedTuple):
    start: int  # character offsets into the text
    end: int
    text: str
    order: int = 1  # at equal offsets, lower goes first (new imports before anything else)


class Note(NamedTuple):
    """One line of the report: a change made, or a finding left alone."""

    line: int
    col: int  # 0-based, as in the AST
    code: str
    text: str


class FixResult(NamedTuple):
    source: str  # the fixed text (the input if nothing changed or the fix was rejected)
    changes: List[Note]
    not_fixed: List[Note]
    error: Optional[str] = None  # set when the file was left untouched

    @property
    def changed(self) -> bool:
        return bool(self.changes) and self.error is None


class FixError(Exception):
    """The file cannot be fixed; the message is one line."""


# -- text positions ---------------------------------------------------------------------------

class Text:
    """The source split into physical lines (endings kept), with AST-position helpers."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = io.StringIO(source, newline="").readlines()
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.nl = "\r\n" if "\r\n" in source else "\r" if "\r" in source else "\n"

    def line(self, lineno: int) -> str:
        return self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""

    def offset(self, lineno: int, col: int) -> int:
        """Character offset of an AST position (``col`` counts UTF-8 bytes)."""
        prefix = self.line(lineno).encode("utf-8")[:col].decode("utf-8", "replace")
        return self.starts[lineno - 1] + len(prefix)

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        return self.source[self.start(node):self.end(node)]

    def indent(self, lineno: int) -> str:
        line = self.line(lineno)
        return line[:len(line) - len(line.lstrip(" \t"))]

    def before_line(self, lineno: int, lines: Sequence[str], order: int = 1) -> Edit:
        at = self.starts[lineno - 1]
        return Edit(at, at, "".join(line + self.nl for line in lines), order)

    def after_line(self, lineno: int, lines: Sequence[str], order: int = 1) -> Edit:
        """Lines after physical line ``lineno``; a file without a final newline keeps that."""
        at = self.starts[lineno]
        if self.lines[lineno - 1].endswith(("\n", "\r")):
            return Edit(at, at, "".join(line + self.nl for line in lines), order)
        return Edit(at, at, "".join(self.nl + line for line in lines), order)


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    ordered = sorted(enumerate(edits), key=lambda e: (e[1].start, e[1].order, e[0]))
    out, pos = [], 0
    for _, edit in ordered:
        if edit.start < pos:
            raise FixError("internal error: overlapping edits")
        out.append(source[pos:edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(source[pos:])
    return "".join(out)


def _step(indent: str, outer: str) -> str:
    """One indentation step: what ``indent`` adds to ``outer``, else a guess from its kind."""
    if indent.startswith(outer) and len(indent) > len(outer):
        return indent[len(outer):]
    return "\t" if "\t" in indent else "    "


# -- what the module already imports (top-level statements only) ------------------------------

def _top_imports(tree: ast.Module) -> Dict[str, Tuple[str, ast.stmt]]:
    """Local names bound at module level to ``pytest``, ``pytest.mark``, ``gc``, ``gc.collect``,
    resolved by the plugin's own import table (function-level imports do not count here: new
    code at module or class level cannot use them)."""
    found: Dict[str, Tuple[str, ast.stmt]] = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, target in import_bindings(node, None):
                if target in _IMPORTED_NAMES:
                    found.setdefault(target, (local, node))
    return found


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


# -- planning ---------------------------------------------------------------------------------

class _Planner:
    """Plans the edits for one round over one parsed file."""

    def __init__(self, text: Text, tree: ast.Module, model: FileModel, config: Config,
                 group: Optional[str]) -> None:
        self.text, self.tree, self.model, self.config = text, tree, model, config
        self.group = json.dumps(group if group is not None else model.stem, ensure_ascii=False)
        self.edits: List[Edit] = []
        self.changes: List[Note] = []
        self.not_fixed: List[Note] = []
        self.imports = _top_imports(tree)
        self.new_imports: List[str] = []
        self.new_pytestmark: Optional[str] = None
        self.done: set = set()  # ids of nodes already edited (shared marks, bases, functions)

    # names to spell new code with, importing what is missing
    def mark_prefix(self) -> str:
        if "pytest" in self.imports:
            return self.imports["pytest"][0] + ".mark"
        if "pytest.mark" in self.imports:
            return self.imports["pytest.mark"][0]
        self._need("import pytest")
        return "pytest.mark"

    def gc_call(self) -> str:
        if "gc" in self.imports:
            return self.imports["gc"][0] + ".collect()"
        if "gc.collect" in self.imports:
            return self.imports["gc.collect"][0] + "()"
        self._need("import gc")
        return "gc.collect()"

    def _need(self, line: str) -> None:
        if line not in self.new_imports:
            self.new_imports.append(line)

    def group_mark(self) -> str:
        return f"{self.mark_prefix()}.xdist_group(name={self.group})"

    def note(self, node: ast.AST, code: str, text: str, fixed: bool = True) -> None:
        entry = Note(node.lineno, node.col_offset, code, text)  # type: ignore[attr-defined]
        (self.changes if fixed else self.not_fixed).append(entry)

    # -- MXS001 -----------------------------------------------------------------------------
    def xdist_group(self) -> None:
        missing = []
        for item in RULES_BY_CODE["MXS001"](self.model, self.config):
            owner = item.subject
            if item.key == "MXS001-unnamed":
                self._name_group(owner)
            else:
                missing.append(owner)
        functions = [o for o in missing if isinstance(o, FunctionInfo)]
        classes = [o for o in missing if isinstance(o, ClassInfo)]
        if functions and self._module_pytestmark(functions):
            for cls in classes:  # the module's pytestmark applies to classes too
                self.note(cls.node, "MXS001",
                          f"test class {cls.name}: covered by the module pytestmark")
            return
        decorated = set()
        for cls in classes:
            # bases and enclosing test classes: their markers apply to cls too
            covering = [c for c in cls.applying_classes()[1:] if id(c) in decorated]
            if covering:
                self.note(cls.node, "MXS001", f"test class {cls.name}: covered by the marker "
                          f"added to {covering[0].name}")
                continue
            if self._decorate(cls):
                decorated.add(id(cls))

    def _decorate(self, cls: ClassInfo) -> bool:
        node = cls.node
        first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        mark = self.group_mark()
        self.edits.append(self.text.before_line(first, [self.text.indent(first) + "@" + mark]))
        self.note(node, "MXS001", f"test class {cls.name}: added @{mark}")
        return True

    def _module_pytestmark(self, functions: List[FunctionInfo]) -> bool:
        names = ", ".join(fn.name for fn in functions[:3])
        if len(functions) > 3:
            names += f" and {len(functions) - 3} more"
        existing = self.model.module_pytestmark
        if existing:
            edits = self._extend_pytestmark(existing)
            if edits is None:
                for fn in functions:
                    self.note(fn.node, "MXS001", "not fixed: the module's pytestmark is not a "
                              "mark or a list of marks; add the xdist_group mark by hand", False)
                return False
            self.edits.extend(edits)
            self.note(functions[0].node, "MXS001",
                      f"test functions {names}: added {self.group_mark()} to the module pytestmark")
            return True
        self.new_pytestmark = "pytestmark = " + self.group_mark()
        self.note(functions[0].node, "MXS001",
                  f"test functions {names}: added {self.new_pytestmark}")
        return True

    def _extend_pytestmark(self, values: List[ast.expr]) -> Optional[List[Edit]]:
        text, value, mark = self.text, values[-1], self.group_mark()
        if isinstance(value, (ast.List, ast.Tuple)):
            if not value.elts:
                at = text.end(value) - 1
                return [Edit(at, at, mark)] if isinstance(value, ast.List) else None
            last = value.elts[-1]
            tail = text.source[text.end(last):text.end(value)]
            if last.end_lineno < value.end_lineno and tail.lstrip().startswith(","):
                return [text.after_line(last.end_lineno, [text.indent(last.lineno) + mark + ","])]
            at = text.end(last)
            return [Edit(at, at, ", " + mark)]
        if len(values) == 1 and isinstance(value, (ast.Call, ast.Attribute)) \
                and len(parse_marks(self.model, value)) == 1:
            return [Edit(text.start(value), text.start(value), "["),
                    Edit(text.end(value), text.end(value), ", " + mark + "]")]
        return None

    def _name_group(self, owner) -> None:  # type: ignore[no-untyped-def]
        marks = class_marks(self.model, owner) if isinstance(owner, ClassInfo) \
            else function_marks(self.model, owner)
        mark = closest(marks, "xdist_group")
        if mark is None:
            return
        if id(mark.node) in self.done:
            self.note(owner.node, "MXS001", f"{owner.name}: its xdist_group mark was named above")
            return
        edit = self._name_edit(mark)
        if edit is None:
            self.note(owner.node, "MXS001", "not fixed: name the xdist_group mark by hand", False)
            return
        self.done.add(id(mark.node))
        self.edits.append(edit)
        self.note(owner.node, "MXS001", f"{owner.name}: named its xdist_group mark {self.group}")

    def _name_edit(self, mark: Mark) -> Optional[Edit]:
        text, node = self.text, mark.node
        if not mark.called:
            return Edit(text.end(node), text.end(node), f"(name={self.group})")
        assert isinstance(node, ast.Call)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "with_args":
            return None
        given = mark_argument(mark, 0, "name")
        if given is not None:
            return Edit(text.start(given), text.end(given), self.group)
        if not node.args and not node.keywords:
            at = text.end(node) - 1  # before the closing parenthesis
            return Edit(at, at, f"name={self.group}")
        if not node.args:
            at = text.start(node.keywords[0])
            return Edit(at, at, f"name={self.group}, ")
        return None

    # -- MXS002 -----------------------------------------------------------------------------
    def gc_teardown(self) -> None:
        added = set()
        for item in RULES_BY_CODE["MXS002"](self.model, self.config):
            cls: ClassInfo = item.subject
            if item.key == "MXS002-teardown":  # MXS002's "never calls gc.collect()"
                self._append_gc(cls)
            elif any(id(base) in added for base in cls.ancestors()[1:]):
                self.note(cls.node, "MXS002", f"test class {cls.name}: covered by the "
                          "teardown_method added to its base class")
            elif self._add_teardown(cls):
                added.add(id(cls))

    def _add_teardown(self, cls: ClassInfo) -> bool:
        text, node = self.text, cls.node
        if node.body[0].lineno == node.lineno:
            self.note(node, "MXS002", "not fixed: the class body is on the class line", False)
            return False
        outer = text.indent(node.lineno)
        defs = (ast.FunctionDef, ast.AsyncFunctionDef)
        method = next((s for s in node.body if isinstance(s, defs)), None)
        if method is not None:
            anchor = method.decorator_list[0].lineno if method.decorator_list else method.lineno
            indent = text.indent(anchor)
            inner = text.indent(method.body[0].lineno)
            step = _step(inner, indent) if method.body[0].lineno != method.lineno \
                else _step(indent, outer)
            while anchor > node.lineno + 1 and text.line(anchor - 1).strip().startswith("#"):
                anchor -= 1  # keep the comments above the first method attached to it
        else:
            indent = text.indent(node.body[0].lineno)
            step = _step(indent, outer)
        lines = [
            indent + "def teardown_method(self):",
            indent + step + _DOCSTRING,
            indent + step + self.gc_call(),
        ]
        if method is not None:
            self.edits.append(text.before_line(anchor, lines + [""]))
        else:
            self.edits.append(text.after_line(node.body[-1].end_lineno, [""] + lines))
        self.note(node, "MXS002",
                  f"test class {cls.name}: added teardown_method calling gc.collect()")
        return True

    def _append_gc(self, cls: ClassInfo) -> None:
        method = existing_teardown(cls)
        if method is None:
            return
        if id(method.node) in self.done:
            self.note(cls.node, "MXS002",
                      f"test class {cls.name}: its {method.name} was fixed above")
            return
        last = method.node.body[-1]
        if last.lineno == method.node.lineno:
            self.note(cls.node, "MXS002", f"not fixed: {method.name} is written on one line", False)
            return
        self.done.add(id(method.node))
        self.edits.append(self.text.after_line(last.end_lineno,
                                               [self.text.indent(last.lineno) + self.gc_call()]))
        self.note(cls.node, "MXS002",
                  f"test class {cls.name}: {method.name} now calls gc.collect()")

    # -- MXS003 -----------------------------------------------------------------------------
    def environ(self, enabled: bool) -> None:
        per_statement: Dict[int, int] = {}
        for change in env_changes(self.model):
            key = id(change.site.stmt)
            per_statement[key] = per_statement.get(key, 0) + 1
        for item in RULES_BY_CODE["MXS003"](self.model, self.config):
            change: EnvChange = item.subject
            site = change.site
            if not enabled:
                reason: Optional[str] = "rewriting this file's os.environ changes would expose others"
            elif per_statement[id(site.stmt)] > 1:
                reason = "the statement changes the environment more than once"
            else:
                reason = self._monkeypatch(site.fn, site.stmt, site.node)
            if reason is not None:
                self.note(site.stmt, "MXS003", f"not fixed: {change.target}: {reason}", False)

    def _monkeypatch(self, fn: Optional[FunctionInfo], stmt: Optional[ast.stmt],
                     node: ast.AST) -> Optional[str]:
        """Rewrite one environment change; return why not when it is not a simple form."""
        if fn is None or not (fn.is_test or fn.is_test_method) or fn.is_fixture \
                or self.model.is_conftest:
            return "only changes made directly in a test function or method are rewritten"
        text = self.text
        if isinstance(stmt, ast.Assign) and isinstance(node, ast.Subscript):
            # the value as written after "=": parentheses and comments inside them are kept
            value = text.source[text.end(node):text.end(stmt)].lstrip(" \t\\\r\n")[1:].strip()
            new = f"monkeypatch.setenv({text.segment(node.slice)}, {value})"
        elif isinstance(stmt, ast.Delete) and isinstance(node, ast.Subscript):
            new = f"monkeypatch.delenv({text.segment(node.slice)}, raising=False)"
        elif isinstance(stmt, ast.Expr) and isinstance(node, ast.Call) \
                and isinstance(node.func, ast.Attribute) and node.func.attr == "pop" \
                and 1 <= len(node.args) <= 2 and not node.keywords \
                and not any(isinstance(a, ast.Starred) for a in node.args):
            new = f"monkeypatch.delenv({text.segment(node.args[0])}, raising=False)"
        else:
            return ("only os.environ[K] = V, del os.environ[K] and os.environ.pop(K) "
                    "statements are rewritten")
        if "monkeypatch" not in fn.params and id(fn.node) not in self.done:
            param = self._add_param(fn)
            if param is None:
                return "cannot add the monkeypatch parameter to " + fn.name
            self.edits.append(param)
            self.done.add(id(fn.node))
        self.edits.append(Edit(text.start(stmt), text.end(stmt), new))
        self.note(stmt, "MXS003", f"{fn.name}: {' '.join(new.split())}")
        return None

    def _add_param(self, fn: FunctionInfo) -> Optional[Edit]:
        """``monkeypatch`` after the last positional parameter without a default: mocks of
        ``@patch`` decorators are passed positionally first, fixtures by keyword after."""
        text, node = self.text, fn.node
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        required = positional[:len(positional) - len(args.defaults)]
        if required:
            if required[-1] in args.posonlyargs:
                return None
            at = text.end(required[-1])
            return Edit(at, at, ", monkeypatch")
        if positional:
            at = text.start(positional[0])
            return Edit(at, at, "monkeypatch, ")
        # no positional parameter: right after the opening parenthesis
        line = text.line(node.lineno)
        head = line.encode("utf-8")[node.col_offset:].decode("utf-8", "replace")
        marker = "def " + node.name
        name_at = head.find(marker)
        paren = head.find("(", name_at + len(marker)) if name_at >= 0 else -1
        if paren < 0 or head[name_at + len(marker):paren].strip():
            return None
        at = text.offset(node.lineno, node.col_offset) + paren + 1
        has_others = args.vararg or args.kwonlyargs or args.kwarg
        return Edit(at, at, "monkeypatch, " if has_others else "monkeypatch")

    # -- new imports and a new module pytestmark --------------------------------------------
    def header(self) -> None:
        """Place new imports after the docstring and ``__future__`` imports, and a new
        ``pytestmark`` after the last import before the first def/class."""
        text, body = self.text, self.tree.body
        imports = sorted(self.new_imports)
        mark = self.new_pytestmark
        anchor = None
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                break
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                anchor = node
        pytest_import = self.imports.get("pytest", self.imports.get("pytest.mark", (None, None)))[1]
        if pytest_import is not None and (anchor is None or pytest_import.lineno > anchor.lineno):
            anchor = pytest_import
        if mark is not None and anchor is not None:
            self.edits.append(text.after_line(anchor.end_lineno, ["", mark]))
            mark = None
        if not imports and mark is None:
            return
        i = 0
        if body and _is_docstring(body[0]):
            i = 1
        while i < len(body) and isinstance(body[i], ast.ImportFrom) \
                and body[i].module == "__future__":
            i += 1
        tail = ["", mark] if mark is not None else []
        if i < len(body) and isinstance(body[i], (ast.Import, ast.ImportFrom)):
            self.edits.append(text.before_line(body[i].lineno, imports, order=0))
        elif i > 0:
            lines = [""] + imports + tail
            self.edits.append(text.after_line(body[i - 1].end_lineno, lines, order=0))
        elif body:
            blank = ["", ""] if isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef,
                                                     ast.ClassDef)) else [""]
            self.edits.append(text.before_line(body[0].lineno, imports + tail + blank, order=0))


# -- one file ---------------------------------------------------------------------------------

def findings(model: FileModel, config: Config) -> Dict[str, int]:
    """Number of findings per code."""
    return {code: len(list(rule(model, config))) for code, rule in RULES_BY_CODE.items()}


def _plan(source: str, filename: str, config: Config, group: Optional[str],
          codes: Sequence[str]) -> Tuple[_Planner, FileModel]:
    tree = ast.parse(source, filename)
    model = build_model(tree, filename, config)
    planner = _Planner(Text(source), tree, model, config, group)
    if "MXS001" in codes:
        planner.xdist_group()
    if "MXS002" in codes:
        planner.gc_teardown()
    planner.environ("MXS003" in codes)
    planner.header()
    return planner, model


def _attempt(source: str, filename: str, config: Config, group: Optional[str],
             codes: Sequence[str]) -> FixResult:
    first, model = _plan(source, filename, config, group, codes)
    before = findings(model, config)
    if not first.edits:
        return FixResult(source, [], sorted(first.not_fixed, key=_order))
    changes = list(first.changes)
    current = apply_edits(source, first.edits)
    back = _line_mapper(Text(source), first.edits)
    later = [c for c in codes if c == "MXS003"]  # follow-ups only: same-key changes
    for _ in range(_MAX_ROUNDS):
        try:
            planner, model = _plan(current, filename, config, group, later)
        except SyntaxError as exc:
            raise FixError(f"the fixed text does not parse ({exc.msg}, line {exc.lineno})")
        if not planner.edits:
            break
        changes += [n._replace(line=back(n.line)) for n in planner.changes]
        current = apply_edits(current, planner.edits)
    else:
        raise FixError("the fixes did not settle after several rounds")
    try:
        compile(current, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise FixError(f"the fixed text does not compile ({exc.msg}, line {exc.lineno})")
    after = findings(model, config)
    left = {code: sum(1 for n in first.not_fixed if n.code == code) for code in FIXABLE}
    for code, count in after.items():
        if code in codes and count > left[code] or code not in codes and count != before[code]:
            raise FixError(f"after the fix {code} reports {count} finding(s) instead of "
                           f"{left[code] if code in codes else before[code]}")
    return FixResult(current, sorted(changes, key=_order), sorted(first.not_fixed, key=_order))


def _order(note: Note) -> Tuple[int, str, int]:
    return note.line, note.code, note.col


def _line_mapper(text: Text, edits: Sequence[Edit]) -> Callable[[int], int]:
    """Map a line of the edited text back to the original one (for notes of later rounds)."""
    def breaks(chunk: str) -> int:
        return sum(1 for line in Text(chunk).lines if line.endswith(("\n", "\r")))

    shifts = [(bisect.bisect_right(text.starts, e.start),
               breaks(e.text) - breaks(text.source[e.start:e.end])) for e in edits]

    def forward(old: int) -> int:
        return old + sum(added for at, added in shifts if old > at or old == at and added > 0)

    def back(line: int) -> int:
        return max((old for old in range(1, len(text.lines) + 2) if forward(old) <= line),
                   default=1)

    return back


def fix_source(source: str, filename: str, config: Config,
               group: Optional[str] = None) -> FixResult:
    """Fix one file's text. SyntaxError propagates (the input does not parse)."""
    bom = source.startswith(_BOM)
    body = source[1:] if bom else source
    ast.parse(body, filename)  # bad input: let the caller report it
    result = None
    for codes in (FIXABLE, ("MXS001", "MXS002")):
        try:
            result = _attempt(body, filename, config, group, codes)
        except FixError as exc:
            result = FixResult(source, [], [], str(exc))
            continue
        break
    assert result is not None
    if result.error is None and bom:
        result = result._replace(source=_BOM + result.source)
    return result
