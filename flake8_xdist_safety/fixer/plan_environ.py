"""MXS003: an ``os.environ`` change in a test becomes one that is undone after the test.

In a pytest test (function or method of a pytest-style class) only a statement that *is* the change is
rewritten, to the ``monkeypatch`` call that does the same thing (same exceptions, same evaluation):

* ``os.environ[K] = V`` (one target, one value that is a ``str`` by construction: environ_values)
  -> ``monkeypatch.setenv(K, V)``; when both K and V have side effects their order would swap: not fixed;
* ``del os.environ[K]`` (one target) -> ``monkeypatch.delenv(K)`` (raises KeyError like ``del``);
* ``os.environ.pop(K)`` as a whole statement -> ``monkeypatch.delenv(K)`` (raises like ``pop``), and
  ``os.environ.pop(K, default)`` with a default that has no side effects -> ``monkeypatch.delenv(K,
  raising=False)``.

Every change of one variable in one test is planned together (the reported one and its hand-written
restores): all are rewritten in one round, or none. The test gets a ``monkeypatch`` parameter only where
pytest is its caller (pytest_caller) and only when nothing that runs between monkeypatch's restore and the
end of the test's teardown can observe the variable (restore_timing); never inside a
``monkeypatch.context()`` or ``patch.dict(os.environ)`` context (environ_values). Rewritten statements fit
the user's max-line-length (layout).

pytest never passes fixtures to ``unittest.TestCase`` methods, so there the test method gets
``@unittest.mock.patch.dict("os.environ")`` instead (directly above its ``def``): the environment is saved
before the method runs and restored when it returns or raises, and the statements stay exactly as written;
only when no tearDown, cleanup or fixture teardown runs after that restore (restore_timing).
"""
import ast
from typing import Dict, List, Optional, Sequence, Set, Tuple

from flake8_xdist_safety.analysis.state import facts_of
from flake8_xdist_safety.analysis.topics import TOPICS_BY_CODE
from flake8_xdist_safety.analysis.topics.base import Change as EnvChange
from flake8_xdist_safety.analysis.model import ClassInfo, FunctionInfo
from flake8_xdist_safety.findings import Finding
from flake8_xdist_safety.fixer.edits import Edit
from flake8_xdist_safety.fixer.environ_values import is_string_by_construction, restoring_context
from flake8_xdist_safety.fixer.layout import fitted_call, param_fits
from flake8_xdist_safety.fixer.names import Use, function_locals, references
from flake8_xdist_safety.fixer.planner import Note, Plan
from flake8_xdist_safety.fixer.pytest_caller import why_not_pytest_called
from flake8_xdist_safety.fixer.restore_timing import why_restore_moves

#: the environment's topic: what changes it and what undoes it
_ENVIRON = TOPICS_BY_CODE["MXS003"]

_SIDE_EFFECTS = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
_SHAPES = ("only os.environ[K] = V, del os.environ[K] and os.environ.pop(K[, default]) statements "
           "are rewritten")
_TOGETHER = "changes of one variable in one function are rewritten together or not at all"


def plan_environ(plan: Plan, acted: Sequence[Finding], reported: Sequence[Finding] = ()) -> None:
    """Plan the MXS003 findings flake8 reported (``acted``); ``reported`` are all the rule's findings in
    the file, so that one flake8 suppressed (``# noqa``) is never rewritten as part of a group."""
    changes = facts_of(plan.model, _ENVIRON).changes
    per_statement: Dict[int, int] = {}
    for each in changes:
        key = id(each.site.stmt)
        per_statement[key] = per_statement.get(key, 0) + 1
    acted_ids = {id(item.subject.site.stmt) for item in acted}
    suppressed = {id(f.subject.site.stmt) for f in reported if id(f.subject.site.stmt) not in acted_ids}
    groups: Dict[Tuple[int, str], List[EnvChange]] = {}
    for each in changes:
        for outer in (each.site.fn.chain() if each.site.fn is not None else []):
            groups.setdefault((id(outer.node), _variable(each)), []).append(each)
    for item in acted:
        change: EnvChange = item.subject
        fn = change.site.fn
        if per_statement.get(id(change.site.stmt), 0) > 1:
            why: Optional[str] = "the statement changes the environment more than once"
        elif fn is None or not (fn.is_test or fn.is_test_method) or fn.is_fixture or plan.model.is_conftest:
            why = "only changes made directly in a test function or method are rewritten"
        elif function_key(fn) in plan.unsettled:
            why = f"the fixes of {fn.name} did not settle after several rounds; it is left as it was"
        else:
            cls = fn.owner_class()
            if cls is not None and cls.is_testcase:
                why = _patch_dict(plan, item, fn, cls)
            else:
                group = groups.get((id(fn.node), _variable(change)), [change])
                why = _monkeypatch_group(plan, item, fn, cls, group, per_statement,
                                         (suppressed, acted_ids))
        if why is not None:
            plan.refuse(item, f"{change.target}: {why}")


def function_key(fn: FunctionInfo) -> str:
    """``Class.Nested.test_name``: a test's name that stays the same across the fixer's rounds."""
    names = [fn.name]
    cls = fn.cls
    while cls is not None:
        names.append(cls.name)
        cls = cls.parent
    return ".".join(reversed(names))


def _variable(change: EnvChange) -> str:
    """Which variable a change changes: its literal name, else its key as written."""
    if change.keys:
        return "=" + sorted(change.keys)[0]
    node = change.site.node
    key: ast.AST
    if isinstance(node, ast.Subscript):
        key = node.slice
    else:
        key = node.args[0] if isinstance(node, ast.Call) and node.args else node
    return "?" + ast.dump(key)


# -- unittest.TestCase: restore around the test method ---------------------------------------------------

def _patch_dict(plan: Plan, item: Finding, fn: FunctionInfo, cls: ClassInfo) -> Optional[str]:
    if id(fn.node) in plan.done:
        plan.fixed(item, f"{fn.name}: covered by the patch.dict decorator added to it")
        return None
    moved = why_restore_moves(plan, fn, cls, testcase=True) or _undoes_a_change_elsewhere(plan, fn)
    if moved is not None:
        return moved
    text, node = plan.text, fn.node
    classes = []
    owner: Optional[ClassInfo] = cls
    while owner is not None:
        classes.append(owner.node)
        owner = owner.parent
    spelled = plan.spell("unittest.mock.patch.dict", Use(node.lineno, True, classes))
    if spelled is None:
        return plan.why_unbound("unittest.mock.patch.dict")
    decorator = f'@{spelled.text}("os.environ")'
    plan.edits.append(text.before_line(node.lineno, [text.indent(node.lineno) + decorator]))
    plan.done.add(id(fn.node))
    plan.fixed(item, f"{fn.name}: added {decorator} (a unittest.TestCase method gets no fixtures)")
    return None


# -- pytest tests: monkeypatch ------------------------------------------------------------------------

def _has_side_effects(node: ast.AST) -> bool:
    return any(isinstance(n, _SIDE_EFFECTS) for n in ast.walk(node))


def _is_plain_value(node: ast.expr) -> bool:
    """A default whose evaluation does nothing: a constant, a name, ``a.b.c``."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, (ast.Constant, ast.Name))


def _usable_key(node: ast.expr) -> bool:
    return not isinstance(node, (ast.Tuple, ast.Slice, ast.Starred))


#: a monkeypatch call: the function and its arguments as written
Call = Tuple[str, List[str]]


def _replacement(plan: Plan, change: EnvChange, fn: FunctionInfo) -> Tuple[Optional[Call], str]:
    """The monkeypatch call replacing the statement, or None and why not."""
    text, stmt, node = plan.text, change.site.stmt, change.site.node
    resolve = plan.module_names.resolve
    context = restoring_context(change, plan.model)
    if context is not None:
        return None, context
    if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Attribute) and node.func.attr == "pop"):
        return None, _SHAPES  # update(), setdefault(), clear(), putenv(): no single monkeypatch call
    if isinstance(stmt, ast.Expr) and stmt.value is node and isinstance(node, ast.Call):
        args = node.args
        if node.keywords or not 1 <= len(args) <= 2 or any(isinstance(a, ast.Starred) for a in args):
            return None, "os.environ.pop() is rewritten only with a key and an optional default"
        if len(args) == 2 and not _is_plain_value(args[1]):
            return None, "the default of os.environ.pop() may have side effects"
        if not _usable_key(args[0]):
            return None, "the key is not a single expression"
        key = text.segment(args[0])
        return ("monkeypatch.delenv", [key] if len(args) == 1 else [key, "raising=False"]), ""
    if isinstance(stmt, ast.Delete) and isinstance(node, ast.Subscript):
        if len(stmt.targets) != 1 or stmt.targets[0] is not node:
            return None, "the del statement deletes more than one target"
        if not _usable_key(node.slice):
            return None, "the key is not a single expression"
        return ("monkeypatch.delenv", [text.segment(node.slice)]), ""
    if isinstance(stmt, ast.Assign) and isinstance(node, ast.Subscript):
        value = stmt.value
        if len(stmt.targets) != 1:
            return None, "a chained assignment binds more than the environment variable"
        if stmt.targets[0] is not node:
            return None, "the assignment unpacks into more than the environment variable"
        if isinstance(value, (ast.Tuple, ast.Starred, ast.Yield, ast.YieldFrom)):
            return None, "the value is not a single expression"
        if not _usable_key(node.slice):
            return None, "the key is not a single expression"
        if not is_string_by_construction(value, fn.node, resolve, plan.module_names.binds):
            return None, ("the value is not a str by construction (a string literal, f-string, str(...), "
                          "'...'.format(...) or '...' % ...): os.environ raises TypeError for other values, "
                          "monkeypatch.setenv converts them")
        if _has_side_effects(node.slice) and _has_side_effects(value):
            return None, ("the key and the value both have side effects, which setenv() would run in "
                          "another order")
        # The value as written after "=": parentheses and comments inside them are kept.
        written = text.source[text.end(node):text.end(stmt)].lstrip(" \t\\\r\n")
        if not written.startswith("="):
            return None, _SHAPES
        return ("monkeypatch.setenv", [text.segment(node.slice), written[1:].strip()]), ""
    return None, _SHAPES


def _monkeypatch_group(plan: Plan, item: Finding, fn: FunctionInfo, cls: Optional[ClassInfo],
                       group: List[EnvChange], per_statement: Dict[int, int],
                       reported: Tuple[Set[int], Set[int]]) -> Optional[str]:
    """All changes of one variable in one test, rewritten in one round or not at all. ``reported``: the
    statements the rule reports that flake8 suppresses, and those it reports (by statement id)."""
    key = ("group", id(fn.node), _variable(item.subject))
    if key not in plan.cache:
        plan.cache[key] = _plan_group(plan, item, fn, cls, group, per_statement, reported)
    verdict = plan.cache[key]
    if isinstance(verdict, dict):
        new = verdict[id(item.subject.site.stmt)]
        plan.fixed(item, f"{fn.name}: {' '.join(new.split())}")
        return None
    assert isinstance(verdict, str)
    return verdict


def _plan_group(plan: Plan, item: Finding, fn: FunctionInfo, cls: Optional[ClassInfo],
                group: List[EnvChange], per_statement: Dict[int, int],
                reported: Tuple[Set[int], Set[int]]) -> object:
    """The replacement text of each member by statement id (the edits are planned), or why not."""
    change: EnvChange = item.subject
    suppressed, acted = reported
    new_texts: Dict[int, str] = {}
    edits: List[Edit] = []
    also: List[Note] = []
    set_before = False  # a member that sets the variable came earlier (its restore is rewritten with it)
    for member in group:
        site = member.site
        other = "" if site.node is change.site.node else f"{member.target} on line {site.line}: "
        if site.fn is not fn:
            return f"{other}a function nested in {fn.name} changes it too; {_TOGETHER}"
        if per_statement.get(id(site.stmt), 0) > 1:
            return f"{other}the statement changes the environment more than once; {_TOGETHER}"
        if id(site.stmt) in suppressed:
            return f"{other}flake8 does not report it (# noqa); {_TOGETHER}"
        call, why = _replacement(plan, member, fn)
        if call is None:
            return why if not other else f"{other}{why}; {_TOGETHER}"
        if call[0] == "monkeypatch.setenv":
            set_before = True
        elif not set_before:
            elsewhere = _set_elsewhere(plan, member, fn)
            if elsewhere is not None:
                return (f"{other}it may be the hand-written undo of the change on line {elsewhere.site.line} "
                        f"({_where(elsewhere)}); monkeypatch would put that value back after the test")
        new = f"{call[0]}({', '.join(call[1])})"
        fitted = fitted_call(plan.text, site.stmt, call[0], call[1], plan.max_line_length)
        if fitted is None:
            return (f"{other}the rewritten statement would not fit in max-line-length "
                    f"({plan.max_line_length})")
        new_texts[id(site.stmt)] = new
        edits.append(Edit(plan.text.start(site.stmt), plan.text.end(site.stmt), fitted))
        if id(site.stmt) not in acted:
            also.append(Note(site.line, site.col, item.code, f"{fn.name}: {' '.join(new.split())}"))
    reason = _why_no_monkeypatch(plan, fn, cls)
    if reason is not None:
        return reason
    if "monkeypatch" not in fn.params and id(fn.node) not in plan.done:
        param = _add_param(plan, fn)
        if param is None:
            return "cannot add the monkeypatch parameter to " + fn.name
        if not param_fits(plan.text, param, plan.max_line_length):
            return (f"adding the monkeypatch parameter to {fn.name} would make its line longer than "
                    f"max-line-length ({plan.max_line_length})")
        plan.edits.append(param)
        plan.done.add(id(fn.node))
    plan.edits.extend(edits)
    plan.also_changed.extend(also)
    return new_texts


def _undoes_a_change_elsewhere(plan: Plan, fn: FunctionInfo) -> Optional[str]:
    """Why restoring the whole environment after ``fn`` would put back a value it deletes on purpose: a
    ``del``/``pop`` in it of a variable set outside it (``setUp``, module level), not set in it before."""
    set_here: Set[str] = set()
    for change in _all_changes(plan):
        site = change.site
        if site.fn is None or fn not in site.fn.chain():
            continue
        if _sets(change):
            set_here.add(_variable(change))
        elif _variable(change) not in set_here and not change.opaque:
            elsewhere = _set_elsewhere(plan, change, fn)
            if elsewhere is not None:
                return (f"{change.target} on line {site.line} may be the hand-written undo of the change on "
                        f"line {elsewhere.site.line} ({_where(elsewhere)}); patch.dict would put that value "
                        "back after the test")
    return None


def _all_changes(plan: Plan) -> List[EnvChange]:
    key = ("changes",)
    changes = plan.cache.get(key)
    if not isinstance(changes, list):
        changes = facts_of(plan.model, _ENVIRON).changes
        plan.cache[key] = changes
    return changes


def _sets(change: EnvChange) -> bool:
    site = change.site
    return isinstance(site.stmt, ast.Assign) and isinstance(site.node, ast.Subscript) \
        or isinstance(site.node, ast.Call) and isinstance(site.node.func, ast.Attribute) \
        and site.node.func.attr in ("update", "setdefault", "putenv")


def _set_elsewhere(plan: Plan, change: EnvChange, fn: FunctionInfo) -> Optional[EnvChange]:
    """A change setting the same variable outside ``fn`` (``setup_method``, a fixture, module level):
    deleting it in the test may be the cleanup of that change."""
    variable = _variable(change)
    for other in _all_changes(plan):
        site = other.site
        inside = site.fn is not None and fn in site.fn.chain()
        sets = _sets(other)
        same = _variable(other) == variable or bool(set(change.keys) & set(other.keys))
        if not inside and sets and same:
            return other
    return None


def _where(change: EnvChange) -> str:
    fn = change.site.fn
    return "at module level" if fn is None else f"in {function_key(fn)}"


def _why_no_monkeypatch(plan: Plan, fn: FunctionInfo, cls: Optional[ClassInfo]) -> Optional[str]:
    key = id(fn.node)
    if key not in plan.memo:  # asked once per test, not once per change in it
        plan.memo[key] = _judge_monkeypatch(plan, fn, cls)
    return plan.memo[key]


def _judge_monkeypatch(plan: Plan, fn: FunctionInfo, cls: Optional[ClassInfo]) -> Optional[str]:
    node = fn.node
    local = function_locals(node) - fn.params
    if "monkeypatch" in local:
        return f"{fn.name} binds the name monkeypatch itself"
    if "monkeypatch" not in fn.params and (references(node, "monkeypatch")
                                           or plan.module_names.binds("monkeypatch")):
        return f"the name monkeypatch already means something else in {fn.name}"
    if any(_ENVIRON.context_undo(context).wildcard for context in fn.contexts):
        return (f"{fn.name} is wrapped by patch.dict(os.environ), which restores before monkeypatch would; "
                "monkeypatch would then put back the value the patch set")
    return why_not_pytest_called(plan, fn, cls) or why_restore_moves(plan, fn, cls, testcase=False)


def _add_param(plan: Plan, fn: FunctionInfo) -> Optional[Edit]:
    """``monkeypatch`` after the last positional parameter without a default: the mocks of ``@patch``
    decorators fill the first positional parameters, fixtures are passed by keyword."""
    text, node = plan.text, fn.node
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
    # No positional parameter: right after the opening parenthesis.
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
