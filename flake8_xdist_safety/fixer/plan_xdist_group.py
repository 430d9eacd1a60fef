"""MXS001: give ungrouped tests that create mocks an ``xdist_group`` mark, never changing an existing group.

Since pytest-xdist 3.7 every applying ``xdist_group`` mark counts (the group is the sorted set of names
joined with ``_``), so a mark added above a test that already has one moves it to another group. Hence:

* module-level test functions get one module ``pytestmark`` only when no test, class or base in the module
  carries an ``xdist_group`` mark of its own and no MXS001 finding there is suppressed (``# noqa`` or an
  ignore); otherwise each ungrouped test is decorated on its own;
* a class is decorated only if none of the classes its marks reach (nested test classes, same-file
  subclasses) and none of their test methods has an ``xdist_group`` mark;
* an unnamed mark (MXS011, "MXS001-unnamed" before that code existed) is left alone: naming it changes the
  group of every test it applies to.
"""
import ast
import json
from typing import Iterable, List, Optional, Sequence, Set, Union

from flake8_xdist_safety.analysis.marks import parse_marks
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, FunctionInfo
from flake8_xdist_safety.analysis.xdist_groups import suggested_group
from flake8_xdist_safety.findings import Finding
from flake8_xdist_safety.fixer.edits import Edit
from flake8_xdist_safety.fixer.names import Use
from flake8_xdist_safety.fixer.layout import over_limit
from flake8_xdist_safety.fixer.planner import Plan, statement_start

Owner = Union[ClassInfo, FunctionInfo]
_MARK = "xdist_group"


def suggested_group_name(model: FileModel) -> str:
    """The group for this module's new marks: a name unique per test module (its path from the project
    root, ``tests/api/test_keys.py`` -> ``api.test_keys``), the one MXS001's message suggests."""
    return suggested_group(model)


def plan_xdist_group(plan: Plan, acted: Sequence[Finding], every_mxs001: Sequence[Finding],
                     group: Optional[str]) -> None:
    """Plan MXS001 fixes for ``acted``; ``every_mxs001`` is every MXS001 finding of the file, suppressed
    ones included (a module-wide mark would group those tests too)."""
    name = group if group is not None else suggested_group_name(plan.model)
    literal = json.dumps(name, ensure_ascii=False)
    missing = []
    for item in acted:
        if item.key == "MXS001":
            missing.append(item)
        else:
            plan.refuse(item, f"{item.subject.name}: its xdist_group mark has no name; naming it would "
                              "change the group of every test it applies to, so name it by hand")
    functions = [item for item in missing if isinstance(item.subject, FunctionInfo)]
    classes = [item for item in missing if isinstance(item.subject, ClassInfo)]
    if functions and _module_mark_is_safe(plan.model, missing, every_mxs001):
        if _module_pytestmark(plan, functions, literal):
            for item in classes:
                plan.fixed(item, f"test class {item.subject.name}: covered by the module pytestmark")
            return
    decorated: Set[int] = set()
    for item in sorted(missing, key=lambda f: (f.line, f.col)):
        owner = item.subject
        if isinstance(owner, ClassInfo):
            covering = [c for c in owner.applying_classes()[1:] if id(c) in decorated]
            if covering:
                plan.fixed(item, f"test class {owner.name}: covered by the mark added to {covering[0].name}")
                continue
            if _decorate_class(plan, item, owner, literal):
                decorated.add(id(owner))
        else:
            _decorate(plan, item, owner.node, [], literal, f"test function {owner.name}")


# -- where marks already are ------------------------------------------------------------------------

def _own_marks(model: FileModel, owner: Owner) -> List[str]:
    """Names of the marks written on this class (decorators, class ``pytestmark``) or function."""
    values: List[ast.expr] = list(owner.node.decorator_list)
    if isinstance(owner, ClassInfo):
        values += owner.pytestmark
    return [mark.name for value in values for mark in parse_marks(model, value)]


def _has_own_group(model: FileModel, owner: Owner) -> bool:
    return _MARK in _own_marks(model, owner)


def _module_mark_is_safe(model: FileModel, acted: Sequence[Finding], every: Sequence[Finding]) -> bool:
    acted_ids = {id(item.subject) for item in acted}
    if any(item.key == "MXS001" and id(item.subject) not in acted_ids for item in every):
        return False  # a suppressed finding: the user chose to leave that test ungrouped
    if any(_has_own_group(model, cls) for cls in model.classes):
        return False
    return not any(_has_own_group(model, fn) for fn in model.functions if fn.is_test or fn.is_test_method)


def _reached_classes(model: FileModel, cls: ClassInfo) -> List[ClassInfo]:
    """The classes a mark on ``cls`` applies to besides itself: nested test classes and same-file
    subclasses, transitively."""
    reached: List[ClassInfo] = []
    todo = [cls]
    while todo:
        current = todo.pop()
        found: Iterable[ClassInfo] = [*current.nested,
                                      *(c for c in model.classes if current in c.ancestors()[1:])]
        for other in found:
            if other is not cls and other not in reached:
                reached.append(other)
                todo.append(other)
    return reached


def _group_conflict(model: FileModel, cls: ClassInfo) -> Optional[str]:
    for klass in [cls, *_reached_classes(model, cls)]:
        if klass is not cls and _has_own_group(model, klass):
            return f"class {klass.name}"
        for method in klass.methods.values():
            if _has_own_group(model, method):
                return f"test {klass.name}.{method.name}"
    return None


# -- edits --------------------------------------------------------------------------------------------

def _enclosing_classes(cls: Optional[ClassInfo]) -> List[ast.ClassDef]:
    out = []
    while cls is not None:
        out.append(cls.node)
        cls = cls.parent
    return out


def _decorate_class(plan: Plan, item: Finding, cls: ClassInfo, literal: str) -> bool:
    conflict = _group_conflict(plan.model, cls)
    if conflict is not None:
        plan.refuse(item, f"test class {cls.name}: a mark on it would also apply to {conflict}, which "
                          "already has an xdist_group mark, and change its group; group it by hand")
        return False
    return _decorate(plan, item, cls.node, _enclosing_classes(cls.parent), literal, f"test class {cls.name}")


def _decorate(plan: Plan, item: Finding, node: ast.stmt, classes: List[ast.ClassDef], literal: str,
              what: str) -> bool:
    text = plan.text
    first = statement_start(node)
    spelled = plan.spell("pytest.mark", Use(first, True, classes))
    if spelled is None:
        plan.refuse(item, f"{what}: {plan.why_unbound('pytest.mark')}")
        return False
    mark = f"{spelled.text}.{_MARK}(name={literal})"
    indent = text.indent(first)
    lines = [indent + "@" + mark]
    if over_limit(lines, plan.max_line_length):  # split as black would
        step = _step(plan)
        lines = [f"{indent}@{spelled.text}.{_MARK}(", f"{indent}{step}name={literal},", f"{indent})"]
    plan.edits.append(text.before_line(first, lines))
    plan.fixed(item, f"{what}: added @{mark}")
    return True


def _module_pytestmark(plan: Plan, functions: List[Finding], literal: str) -> bool:
    names = ", ".join(item.subject.name for item in functions[:3])
    if len(functions) > 3:
        names += f" and {len(functions) - 3} more"
    existing = plan.model.module_pytestmark
    if existing:
        spelled = plan.spell("pytest.mark", Use(existing[-1].lineno, True, []))
        if spelled is None:
            return False
        mark = f"{spelled.text}.{_MARK}(name={literal})"
        edits = _extend_pytestmark(plan, existing, mark)
        if edits is None:
            return False
        plan.edits.extend(edits)
        plan.fixed(functions[0], f"test functions {names}: added {mark} to the module pytestmark")
        for item in functions[1:]:
            plan.fixed(item, f"test function {item.subject.name}: covered by the module pytestmark")
        return True
    spelled = plan.spell("pytest.mark", Use(len(plan.text.lines) + 1, True, []))
    if spelled is None:
        return False
    line = f"pytestmark = {spelled.text}.{_MARK}(name={literal})"
    lines = [line]
    if over_limit(lines, plan.max_line_length):
        lines = [f"pytestmark = {spelled.text}.{_MARK}(", f"{_step(plan)}name={literal},", ")"]
    plan.new_pytestmark = (lines, spelled.bound_at)
    plan.fixed(functions[0], f"test functions {names}: added {line}")
    for item in functions[1:]:
        plan.fixed(item, f"test function {item.subject.name}: covered by the module pytestmark")
    return True


def _extend_pytestmark(plan: Plan, values: List[ast.expr], mark: str) -> Optional[List[Edit]]:
    """Edits adding ``mark`` to the module's ``pytestmark`` (its last value): into a list or tuple, or a
    single mark made a list; None for anything else (a name, a call of a helper)."""
    text, value = plan.text, values[-1]
    if isinstance(value, (ast.List, ast.Tuple)):
        if not value.elts:
            at = text.end(value) - 1
            return [Edit(at, at, mark)] if isinstance(value, ast.List) else None
        last = value.elts[-1]
        tail = text.source[text.end(last):text.end(value)]
        if (last.end_lineno or 0) < (value.end_lineno or 0) and tail.lstrip().startswith(","):
            line = last.end_lineno or last.lineno
            return [text.after_line(line, [text.indent(last.lineno) + mark + ","])]
        at = text.end(last)
        if _fits_after(plan, at, ", " + mark):
            return [Edit(at, at, ", " + mark)]
        if value.lineno != value.end_lineno or not isinstance(value, ast.List):
            return None  # would not fit, and splitting it would move its own line breaks
        return [_exploded_list(plan, value, [text.segment(e) for e in value.elts] + [mark])]
    if len(values) == 1 and isinstance(value, (ast.Call, ast.Attribute)) \
            and len(parse_marks(plan.model, value)) == 1:
        if _fits_after(plan, text.end(value), ", " + mark + "]", extra=1):
            return [Edit(text.start(value), text.start(value), "["),
                    Edit(text.end(value), text.end(value), ", " + mark + "]")]
        return [_exploded_list(plan, value, [text.segment(value), mark])]
    return None


def _fits_after(plan: Plan, at: int, inserted: str, extra: int = 0) -> bool:
    """Does the line holding offset ``at`` stay within max-line-length with ``inserted`` there (and
    ``extra`` more characters elsewhere on it)?"""
    text = plan.text
    number = text.line_number_at(at)
    line = text.line(number)
    offset = at - text.starts[number - 1]
    new = line[:offset] + " " * extra + inserted + line[offset:]
    return over_limit([new], plan.max_line_length) <= over_limit([line], plan.max_line_length)


def _exploded_list(plan: Plan, value: ast.expr, elements: List[str]) -> Edit:
    """``value`` replaced by a list of ``elements``, one per line, as black lays out a long list."""
    text = plan.text
    ending = text.ending(value.lineno)
    indent = text.indent(value.lineno)
    body = [f"{indent}{_step(plan)}{element}," for element in elements]
    return Edit(text.start(value), text.end(value), ending.join(["["] + body + [f"{indent}]"]))


def _step(plan: Plan) -> str:
    """One indentation step in the file's own style: a tab if its indented lines use tabs."""
    return "\t" if any(line.startswith("\t") for line in plan.text.lines) else "    "
