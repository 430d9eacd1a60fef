"""MXS002: make the per-test teardown of a class that creates mocks call ``gc.collect()``.

A teardown is extended only if pytest (or unittest) really runs it as a plain function, and ``gc.collect()``
goes where it runs on every normal exit. Not fixed, with the reason (the plugin counts none of these as
collecting garbage either):

* the hook is ``async def`` where it is called synchronously (``teardown_method``; ``tearDown``, which even
  IsolatedAsyncioTestCase calls synchronously), ``asyncTearDown`` that is not ``async def``, or
  ``asyncTearDown`` outside an IsolatedAsyncioTestCase (nothing calls it);
* the hook is a generator (calling it does not run its body);
* the name is (also) bound by an assignment or import in the class body or a same-file base;
* it has a decorator other than ``staticmethod``/``classmethod``, or a signature the caller's arguments do
  not fit (pytest calls ``teardown_method`` with the test function when it takes one, unittest-style
  classes call it with ``(self, function)``, unittest calls ``tearDown()`` with none);
* it returns anywhere but at its very end, or never ends normally (it always raises).

A new hook is ``teardown_method(self, method)`` on pytest-style classes and ``tearDown(self)`` calling
``super().tearDown()`` first on unittest.TestCase classes. It is never added to a class whose tests would
not all have it: pytest registers a class's ``teardown_method`` as an autouse fixture for every test under
the class, so nested test classes would be called with a hook they do not have.
"""
import ast
from typing import List, Optional, Sequence, Set, Union

from flake8_xdist_safety.analysis.fixtures import why_teardown_never_runs
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, FunctionInfo
from flake8_xdist_safety.findings import Finding
from flake8_xdist_safety.fixer.names import Use, body_bindings, own_nodes
from flake8_xdist_safety.fixer.planner import Plan, indent_step, line_group_end

_DOCSTRING = '"""Free this test\'s mocks now: they are reference cycles."""'
_ASYNC_CASES = frozenset({"unittest.IsolatedAsyncioTestCase", "unittest.async_case.IsolatedAsyncioTestCase"})
AnyFunction = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def plan_gc_teardown(plan: Plan, acted: Sequence[Finding]) -> None:
    added: Set[int] = set()
    for item in acted:
        cls: ClassInfo = item.subject
        if item.key in ("MXS002-teardown", "MXS002-never-runs"):
            _extend(plan, item, cls, str(item.fields["method"]))
        elif any(id(base) in added for base in cls.ancestors()[1:]):
            plan.fixed(item, f"test class {cls.name}: covered by the teardown added to its base class")
        elif _add(plan, item, cls):
            added.add(id(cls))


# -- facts about a class and its hook -------------------------------------------------------------------

def _is_async_case(plan: Plan, cls: ClassInfo) -> bool:
    return any(plan.module_names.resolve(base) in _ASYNC_CASES
               for klass in cls.ancestors() for base in klass.node.bases)


def _assigned_in(classes: Sequence[ClassInfo], hook: str) -> Optional[str]:
    """Where ``hook`` is bound other than by ``def`` in one of these class bodies (an assignment
    replaces or is replaced by the def we would edit or add)."""
    for klass in classes:
        binding = body_bindings(klass.node.body).first_assignment(hook)
        if binding is None:
            binding = next((b for b in body_bindings(klass.node.body).by_name.get(hook, ())
                            if b.target is not None), None)
        if binding is not None:
            return f"{hook} is bound by assignment or import in {klass.name} (line {binding.line})"
    return None


def _caller_arguments(hook: str, testcase: bool, decorator: Optional[str], params: int) -> int:
    """How many positional arguments the function receives, ``self``/``cls`` included."""
    if hook == "teardown_method" and testcase:  # pytest's unittest plugin: teardown(self, function)
        return 3 if decorator == "classmethod" else 2
    if hook == "teardown_method":  # pytest: the test function is passed if it takes one beyond self
        takes = params - (0 if decorator == "staticmethod" else 1)
        return (0 if decorator == "staticmethod" else 1) + (1 if takes > 0 else 0)
    return 0 if decorator == "staticmethod" else 1  # unittest: self.tearDown()


def _signature_fits(node: AnyFunction, given: int) -> bool:
    args = node.args
    positional = len(args.posonlyargs) + len(args.args)
    required = positional - len(args.defaults)
    needs_keyword = any(d is None for d in args.kw_defaults)
    return not needs_keyword and required <= given and (given <= positional or args.vararg is not None)


def _why_not_run(plan: Plan, cls: ClassInfo, method: FunctionInfo, hook: str) -> Optional[str]:
    """Why pytest/unittest would not run ``method`` as a plain function for ``cls``; None if it would."""
    node = method.node
    if hook == "asyncTearDown" and not _is_async_case(plan, cls):
        return "asyncTearDown is only called on IsolatedAsyncioTestCase classes"
    never = why_teardown_never_runs(plan.model, method, hook)  # the rule's own definition
    if never is not None:
        return never
    assigned = _assigned_in(cls.ancestors(), hook)
    if assigned is not None:
        return assigned
    if len(node.decorator_list) > 1:
        return f"{hook} is decorated; its decorators decide whether and how it runs"
    decorator = (plan.model.imports.resolve(node.decorator_list[0]) or "").rsplit(".", 1)[-1] \
        if node.decorator_list else None
    given = _caller_arguments(hook, cls.is_testcase, decorator,
                              len(node.args.posonlyargs) + len(node.args.args))
    if not _signature_fits(node, given):
        return f"{hook}'s signature does not accept the {given} argument(s) it is called with"
    return None


def _always_leaves(body: Sequence[ast.stmt]) -> bool:
    """Does this block never complete normally (it always raises or returns)?"""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Raise, ast.Return)):
        return True
    if isinstance(last, ast.If):
        return _always_leaves(last.body) and _always_leaves(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _always_leaves(last.body)
    if isinstance(last, ast.Try) or type(last).__name__ == "TryStar":
        if _always_leaves(getattr(last, "finalbody")):
            return True
        handlers_leave = all(_always_leaves(h.body) for h in getattr(last, "handlers"))
        body_leaves = _always_leaves(getattr(last, "body")) or _always_leaves(getattr(last, "orelse"))
        return handlers_leave and body_leaves
    if isinstance(last, ast.While) and isinstance(last.test, ast.Constant) and last.test.value:
        return not any(isinstance(n, ast.Break) for n in own_nodes(last.body))
    return False


# -- extending an existing teardown ---------------------------------------------------------------------

def _definition(cls: ClassInfo, hook: str) -> Optional[FunctionInfo]:
    for klass in cls.ancestors():
        if hook in klass.methods:
            return klass.methods[hook]
    return None


def _extend(plan: Plan, item: Finding, cls: ClassInfo, hook: str) -> None:
    method = _definition(cls, hook)
    if method is None:
        plan.refuse(item, f"test class {cls.name}: its {hook} is not defined in this file")
        return
    if id(method.node) in plan.done:
        plan.fixed(item, f"test class {cls.name}: its {hook} was fixed above")
        return
    why = _why_not_run(plan, cls, method, hook)
    if why is None:
        why = _append_gc(plan, method, hook)
    if why is not None:
        plan.refuse(item, f"test class {cls.name}: {why}")
        return
    plan.done.add(id(method.node))
    plan.fixed(item, f"test class {cls.name}: {hook} now calls gc.collect()")


def _append_gc(plan: Plan, method: FunctionInfo, hook: str) -> Optional[str]:
    """Add ``gc.collect()`` where it runs on every normal exit of the hook; why not, if it cannot."""
    text, node = plan.text, method.node
    body = node.body
    if body[0].lineno == node.lineno:
        return f"{hook} is written on one line"
    returns = [n for n in own_nodes(body) if isinstance(n, ast.Return)]
    last = body[-1]
    if returns and not (len(returns) == 1 and returns[0] is last):
        early = next(r for r in returns if r is not last)
        return f"{hook} returns early (line {early.lineno}), where gc.collect() at its end would not run"
    if not returns and _always_leaves(body):
        return f"{hook} never ends normally (it always raises)"
    if returns:
        previous = body[-2] if len(body) > 1 else None
        if previous is not None and (previous.end_lineno or 0) >= last.lineno:
            return f"{hook} ends with a return on the line of another statement"
        at_line, before = last.lineno, True
    else:
        at_line, before = line_group_end(body, last.end_lineno or last.lineno), False
    spelled = plan.spell("gc.collect", Use(at_line, False, [], node))
    if spelled is None:
        return plan.why_unbound("gc.collect")
    line = text.indent(last.lineno) + spelled.text + "()"
    plan.edits.append(text.before_line(at_line, [line]) if before else text.after_line(at_line, [line]))
    return None


# -- adding a new teardown ------------------------------------------------------------------------------

def _gaining(model: FileModel, cls: ClassInfo, hook: str) -> List[ClassInfo]:
    """``cls`` and the same-file subclasses that would inherit a new ``hook`` from it."""
    return [c for c in model.classes if cls in c.ancestors() and _definition(c, hook) is None]


def _nested_tests(cls: ClassInfo) -> List[ClassInfo]:
    out, todo = [], list(cls.nested)
    while todo:
        current = todo.pop(0)
        if current.is_test:
            out.append(current)
        todo.extend(current.nested)
    return out


def _add(plan: Plan, item: Finding, cls: ClassInfo) -> bool:
    text, node = plan.text, cls.node
    hook = "tearDown" if cls.is_testcase else "teardown_method"
    why = _assigned_in(cls.ancestors(), hook)
    if why is None and node.body[0].lineno == node.lineno:
        why = "the class body is on the class line"
    if why is None and not cls.is_testcase:
        for klass in _gaining(plan.model, cls, hook):
            nested = _nested_tests(klass)
            if nested:
                why = (f"pytest would also call a new teardown_method of {klass.name} for the tests of its "
                       f"nested class {nested[0].name}, on instances that do not have it")
                break
    spelled = plan.spell("gc.collect", Use(node.lineno, False, [])) if why is None else None
    if why is None and spelled is None:
        why = plan.why_unbound("gc.collect")
    if why is not None or spelled is None:
        plan.refuse(item, f"test class {cls.name}: {why}")
        return False
    outer = text.indent(node.lineno)
    method = next((s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if method is not None:
        anchor = min([method.lineno] + [d.lineno for d in method.decorator_list])
        indent = text.indent(anchor)
        inner = text.indent(method.body[0].lineno)
        step = indent_step(inner, indent) if method.body[0].lineno != method.lineno \
            else indent_step(indent, outer)
        while anchor > node.lineno + 1 and text.line(anchor - 1).strip().startswith("#"):
            anchor -= 1  # keep the comments above the first method attached to it
    else:
        indent = text.indent(node.body[0].lineno)
        step = indent_step(indent, outer)
    signature = "tearDown(self)" if cls.is_testcase else "teardown_method(self, method)"
    lines = [indent + f"def {signature}:", indent + step + _DOCSTRING]
    if cls.is_testcase:
        lines.append(indent + step + "super().tearDown()")
    lines.append(indent + step + spelled.text + "()")
    if method is not None:
        plan.edits.append(text.before_line(anchor, lines + [""]))
    else:
        last = node.body[-1]
        plan.edits.append(text.after_line(line_group_end(node.body, last.end_lineno or last.lineno),
                                          [""] + lines))
    plan.fixed(item, f"test class {cls.name}: added {hook} calling gc.collect()")
    return True
