"""MXS003: an ``os.environ`` change in a test becomes one that is undone after the test.

In a pytest test (function or method of a pytest-style class) only a statement that *is* the change is
rewritten, to the ``monkeypatch`` call that does the same thing (same exceptions, same evaluation):

* ``os.environ[K] = V`` (one target, one value that is not a tuple, starred or ``yield``)
  -> ``monkeypatch.setenv(K, V)``; when both K and V have side effects their order would swap: not fixed;
* ``del os.environ[K]`` (one target) -> ``monkeypatch.delenv(K)`` (raises KeyError like ``del``);
* ``os.environ.pop(K)`` as a whole statement -> ``monkeypatch.delenv(K)`` (raises like ``pop``), and
  ``os.environ.pop(K, default)`` with a default that has no side effects -> ``monkeypatch.delenv(K,
  raising=False)``.

The test gets a ``monkeypatch`` parameter when it has none, unless the name already means something there
or a decorator other than pytest marks and ``mock.patch*`` wraps it (``hypothesis.given``, for one, refuses
function-scoped fixtures).

pytest never passes fixtures to ``unittest.TestCase`` methods, so there the test method gets
``@unittest.mock.patch.dict("os.environ")`` instead (directly above its ``def``): the environment is saved
before the method runs and restored when it returns or raises, and the statements stay exactly as written.
"""
import ast
from typing import Dict, Optional, Sequence, Set, Tuple

from flake8_xdist_safety.analysis.state import facts_of
from flake8_xdist_safety.analysis.topics import TOPICS_BY_CODE
from flake8_xdist_safety.analysis.topics.base import Change as EnvChange
from flake8_xdist_safety.analysis.model import ClassInfo, FunctionInfo
from flake8_xdist_safety.findings import Finding
from flake8_xdist_safety.fixer.edits import Edit
from flake8_xdist_safety.fixer.names import Use, function_locals, references
from flake8_xdist_safety.fixer.planner import Plan

_HARMLESS_DECORATORS = ("pytest.mark.", "unittest.mock.patch", "mock.patch")
_SIDE_EFFECTS = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
_SHAPES = ("only os.environ[K] = V, del os.environ[K] and os.environ.pop(K[, default]) statements "
           "are rewritten")


def plan_environ(plan: Plan, acted: Sequence[Finding]) -> None:
    per_statement: Dict[int, int] = {}
    changes = facts_of(plan.model, TOPICS_BY_CODE["MXS003"]).changes
    for each in changes:
        key = id(each.site.stmt)
        per_statement[key] = per_statement.get(key, 0) + 1
    rewritten = {id(item.subject.site.stmt) for item in acted}
    for item in acted:
        change: EnvChange = item.subject
        fn = change.site.fn
        if per_statement.get(id(change.site.stmt), 0) > 1:
            why: Optional[str] = "the statement changes the environment more than once"
        elif _restores_a_change_left_as_written(change, changes, rewritten):
            # monkeypatch would put the earlier value back after the test: the opposite of this del
            why = "it undoes an earlier change of the same variable that is not rewritten"
        elif fn is None or not (fn.is_test or fn.is_test_method) or fn.is_fixture or plan.model.is_conftest:
            why = "only changes made directly in a test function or method are rewritten"
        else:
            cls = fn.owner_class()
            if cls is not None and cls.is_testcase:
                why = _patch_dict(plan, item, fn, cls)
            else:
                why = _monkeypatch(plan, item, fn, change)
        if why is not None:
            plan.refuse(item, f"{change.target}: {why}")


def _restores_a_change_left_as_written(change: EnvChange, changes: Sequence[EnvChange],
                                       rewritten: Set[int]) -> bool:
    """A ``del``/``pop`` of a key that an earlier statement of the same function set and that
    is not rewritten this round."""
    site = change.site
    if not isinstance(site.stmt, (ast.Delete, ast.Expr)) or change.opaque:
        return False
    return any(other.site.fn is site.fn and other.site.line < site.line
               and id(other.site.stmt) not in rewritten and set(other.keys) & set(change.keys)
               for other in changes)


# -- unittest.TestCase: restore around the test method ---------------------------------------------------

def _patch_dict(plan: Plan, item: Finding, fn: FunctionInfo, cls: ClassInfo) -> Optional[str]:
    if id(fn.node) in plan.done:
        plan.fixed(item, f"{fn.name}: covered by the patch.dict decorator added to it")
        return None
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


def _replacement(plan: Plan, change: EnvChange) -> Tuple[Optional[str], str]:
    """The monkeypatch call replacing the statement, or None and why not."""
    text, stmt, node = plan.text, change.site.stmt, change.site.node
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
        return (f"monkeypatch.delenv({key})" if len(args) == 1
                else f"monkeypatch.delenv({key}, raising=False)"), ""
    if isinstance(stmt, ast.Delete) and isinstance(node, ast.Subscript):
        if len(stmt.targets) != 1 or stmt.targets[0] is not node:
            return None, "the del statement deletes more than one target"
        if not _usable_key(node.slice):
            return None, "the key is not a single expression"
        return f"monkeypatch.delenv({text.segment(node.slice)})", ""
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
        if _has_side_effects(node.slice) and _has_side_effects(value):
            return None, ("the key and the value both have side effects, which setenv() would run in "
                          "another order")
        # The value as written after "=": parentheses and comments inside them are kept.
        written = text.source[text.end(node):text.end(stmt)].lstrip(" \t\\\r\n")
        if not written.startswith("="):
            return None, _SHAPES
        return f"monkeypatch.setenv({text.segment(node.slice)}, {written[1:].strip()})", ""
    return None, _SHAPES


def _why_no_monkeypatch(plan: Plan, fn: FunctionInfo) -> Optional[str]:
    key = id(fn.node)
    if key not in plan.memo:  # asked once per test, not once per change in it
        plan.memo[key] = _judge_monkeypatch(plan, fn)
    return plan.memo[key]


def _judge_monkeypatch(plan: Plan, fn: FunctionInfo) -> Optional[str]:
    node = fn.node
    local = function_locals(node) - fn.params
    if "monkeypatch" in local:
        return f"{fn.name} binds the name monkeypatch itself"
    if "monkeypatch" in fn.params:
        return None
    if references(node, "monkeypatch") or plan.module_names.binds("monkeypatch"):
        return f"the name monkeypatch already means something else in {fn.name}"
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Name) and target.id == "staticmethod" \
                and not plan.module_names.binds("staticmethod"):
            continue
        name = plan.module_names.resolve(target)
        if name is None or not name.startswith(_HARMLESS_DECORATORS):
            shown = name or text_of(plan, target)
            return f"{fn.name} is wrapped by {shown}, which may not pass a new fixture parameter through"
    return None


def text_of(plan: Plan, node: ast.AST) -> str:
    shown = " ".join(plan.text.segment(node).split())
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _monkeypatch(plan: Plan, item: Finding, fn: FunctionInfo, change: EnvChange) -> Optional[str]:
    new, why = _replacement(plan, change)
    if new is None:
        return why
    reason = _why_no_monkeypatch(plan, fn)
    if reason is not None:
        return reason
    if "monkeypatch" not in fn.params and id(fn.node) not in plan.done:
        param = _add_param(plan, fn)
        if param is None:
            return "cannot add the monkeypatch parameter to " + fn.name
        plan.edits.append(param)
        plan.done.add(id(fn.node))
    text, stmt = plan.text, change.site.stmt
    plan.edits.append(Edit(text.start(stmt), text.end(stmt), new))
    plan.fixed(item, f"{fn.name}: {' '.join(new.split())}")
    return None


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
