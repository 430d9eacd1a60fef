"""Whether moving an environment change's restore to the rewrite's restore point changes what runs.

The original ``os.environ[K] = V`` in a test is never undone (or undone by the test's own later
``del``/``pop``, which is rewritten with it). The rewrite restores:

* ``monkeypatch.setenv`` (a pytest test): when the ``monkeypatch`` fixture is finalized, right after the
  test's call phase and before everything set up earlier for the test is torn down: fixtures the test
  requests (and the fixtures they request), autouse fixtures, the class's ``teardown_method`` and
  ``teardown_class``, the module's ``teardown_function`` and ``teardown_module``;
* ``@mock.patch.dict("os.environ")`` (a ``unittest.TestCase`` method): when the method returns, before
  ``tearDown``/``asyncTearDown``, ``addCleanup`` callbacks, ``tearDownClass``/``tearDownModule``, pytest's
  ``teardown_method`` and every fixture's teardown.

Everything in those lists that runs code after the test sees the variable restored instead of set. The
rewrite is made only when each of them is known not to observe it (fixture_facts.harmless); otherwise the
reason is returned. Fixtures defined outside the file and its conftest chain (plugins, imports) are not
seen; pytest's own built-in fixtures listed below have no teardown that reads the environment.
"""
import ast
from typing import Dict, Iterable, List, Optional, Set, Tuple

from flake8_xdist_safety.analysis.model import ClassInfo, FunctionInfo
from flake8_xdist_safety.fixer.fixture_facts import (
    FixtureDef, conftest_fixtures, fixture_definitions, harmless, registers_cleanup,
)
from flake8_xdist_safety.fixer.planner import Plan

#: pytest's built-in fixtures whose teardown does not read or change the environment.
BUILTIN_FIXTURES = frozenset({
    "cache", "capfd", "capfdbinary", "caplog", "capsys", "capsysbinary", "doctest_namespace", "monkeypatch",
    "pytestconfig", "record_property", "record_testsuite_property", "record_xml_attribute", "recwarn",
    "request", "tmp_path", "tmp_path_factory", "tmpdir", "tmpdir_factory",
})
_PYTEST_CLASS_HOOKS = ("teardown_method", "teardown_class")
_TESTCASE_HOOKS = ("tearDown", "asyncTearDown", "tearDownClass", "doCleanups", "teardown_method",
                   "teardown_class")
_MODULE_HOOKS = ("teardown_module", "teardown_function", "tearDownModule")

#: (where, fixtures by name) from the closest scope outwards
Scopes = List[Tuple[str, Dict[str, FixtureDef]]]


def why_restore_moves(plan: Plan, fn: FunctionInfo, cls: Optional[ClassInfo],
                      testcase: bool) -> Optional[str]:
    """Why restoring at the rewrite's restore point (see the module docstring) could be observed; None if
    nothing that runs between it and the end of the test's teardown can."""
    key = ("timing", id(fn.node))
    if key not in plan.cache:
        plan.cache[key] = _judge(plan, fn, cls, testcase)
    verdict = plan.cache[key]
    assert verdict is None or isinstance(verdict, str)
    return verdict


def _judge(plan: Plan, fn: FunctionInfo, cls: Optional[ClassInfo], testcase: bool) -> Optional[str]:
    restorer = "patch.dict" if testcase else "monkeypatch"
    classes = cls.applying_classes() if cls is not None else []
    hooks = _TESTCASE_HOOKS if testcase else _PYTEST_CLASS_HOOKS
    for klass in classes:
        if testcase and klass.unseen_base:
            return (f"a base of {klass.name} is not defined in this file: its tearDown and cleanups, which "
                    f"run after {restorer} restores, cannot be seen")
        for name in hooks:
            method = klass.methods.get(name)
            if method is not None and not _all_harmless(plan, method.node.body, not klass.has_unseen_base()):
                return f"{klass.name}.{name} runs after {restorer} restores and may see the variable"
        if testcase:
            registrar = registers_cleanup(klass.node.body)
            if registrar is not None:
                return f"{klass.name} calls {registrar}(): the callback runs after {restorer} restores"
    if not testcase:
        registrar = registers_cleanup(fn.node.body)
        if registrar is not None:
            return f"{fn.name} calls {registrar}(): the callback runs after monkeypatch restores"
    for name in _MODULE_HOOKS:
        hook = plan.model.module_functions.get(name)
        if hook is not None and not _all_harmless(plan, hook.node.body, False):
            return f"{name} runs after {restorer} restores and may see the variable"
    for conftest in conftest_fixtures(plan.model.filename):
        for hook_name, where in sorted(conftest.hooks.items()):
            return (f"{where} implements {hook_name}, which runs around the test's teardown, after "
                    f"{restorer} restores")
    scopes = _fixture_scopes(plan, classes)
    autouse = [f for _, fixtures in scopes for f in fixtures.values() if f.autouse]
    for fixture in autouse:
        if fixture.teardown is not None:
            return (f"autouse fixture {fixture.name} ({fixture.where}) {fixture.teardown}, after {restorer} "
                    "restores")
    requested = [f.name for f in autouse]
    if not testcase:
        requested += sorted(requested_fixtures(plan, fn, classes))
    return _requested_teardowns(requested, scopes, restorer)


def _all_harmless(plan: Plan, body: Iterable[ast.stmt], super_ok: bool) -> bool:
    return all(harmless(statement, plan.module_names.resolve, super_ok) for statement in body)


def _fixture_scopes(plan: Plan, classes: List[ClassInfo]) -> Scopes:
    key = ("fixtures", tuple(id(k.node) for k in classes))
    cached = plan.cache.get(key)
    if isinstance(cached, list):
        return cached
    resolve = plan.module_names.resolve
    scopes: Scopes = [(k.name, fixture_definitions(k.node.body, resolve, "line ")) for k in classes]
    scopes.append(("module", _module_fixtures(plan)))
    scopes += [(c.path, c.fixtures) for c in conftest_fixtures(plan.model.filename)]
    plan.cache[key] = scopes
    return scopes


def _module_fixtures(plan: Plan) -> Dict[str, FixtureDef]:
    key = ("module fixtures",)
    cached = plan.cache.get(key)
    if isinstance(cached, dict):
        return cached
    found = fixture_definitions(plan.tree.body, plan.module_names.resolve, "line ")
    plan.cache[key] = found
    return found


def _requested_teardowns(names: List[str], scopes: Scopes, restorer: str) -> Optional[str]:
    """The first fixture among ``names`` and those they request whose teardown may observe."""
    seen: Set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        fixture = next((fixtures[name] for _, fixtures in scopes if name in fixtures), None)
        if fixture is None:
            if name in BUILTIN_FIXTURES:
                continue
            return (f"fixture {name} is not defined in this file or its conftest chain: its teardown, which "
                    f"runs after {restorer} restores, cannot be seen")
        if fixture.teardown is not None:
            return f"fixture {name} ({fixture.where}) {fixture.teardown}, after {restorer} restores"
        todo.extend(fixture.requests)
    return None


def requested_fixtures(plan: Plan, fn: FunctionInfo, classes: List[ClassInfo]) -> Set[str]:
    """The fixtures a pytest test requests: its parameters (not ``self``, not those with defaults, not
    those filled by ``mock.patch`` decorators or direct ``parametrize`` marks) and its ``usefixtures``."""
    node = fn.node
    args = node.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    if fn.cls is not None and positional:
        positional = positional[1:]  # self
    positional = positional[:len(positional) - len(args.defaults)]
    patches = sum(1 for d in node.decorator_list if _is_mock_patch(plan, d))
    names = set(positional[patches:])
    names |= {a.arg for a, default in zip(args.kwonlyargs, args.kw_defaults) if default is None}
    marks: List[ast.expr] = list(node.decorator_list)
    for klass in classes:
        marks += klass.node.decorator_list
        marks += klass.pytestmark
    marks += plan.model.module_pytestmark
    parametrized, used = _mark_names(marks)
    return (names - parametrized) | used | set(plan.config.usefixtures)


def _is_mock_patch(plan: Plan, decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = plan.module_names.resolve(target) or ""
    if not name.endswith((".patch", ".patch.object", ".patch.multiple")):
        return False
    # patch(target, new) and patch.object(target, attr, new) pass no mock
    given = len(decorator.args) if isinstance(decorator, ast.Call) else 0
    has_new = isinstance(decorator, ast.Call) and any(k.arg == "new" for k in decorator.keywords)
    needed = 2 if name.endswith(".patch.object") else 1
    return not has_new and given <= needed


def _mark_names(marks: List[ast.expr]) -> Tuple[Set[str], Set[str]]:
    """Argument names of direct ``parametrize`` marks, and ``usefixtures`` names, among mark expressions
    (lists and tuples of marks included)."""
    parametrized: Set[str] = set()
    used: Set[str] = set()
    todo = list(marks)
    while todo:
        mark = todo.pop()
        if isinstance(mark, (ast.List, ast.Tuple)):
            todo.extend(mark.elts)
            continue
        if not isinstance(mark, ast.Call) or not isinstance(mark.func, ast.Attribute):
            continue
        if mark.func.attr == "usefixtures":
            used |= {a.value for a in mark.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        elif mark.func.attr == "parametrize" and not any(k.arg == "indirect" for k in mark.keywords):
            given = mark.args[0] if mark.args else next(
                (k.value for k in mark.keywords if k.arg == "argnames"), None)
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                parametrized |= {n.strip() for n in given.value.split(",") if n.strip()}
            elif isinstance(given, (ast.List, ast.Tuple)):
                parametrized |= {e.value for e in given.elts
                                 if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return parametrized, used
