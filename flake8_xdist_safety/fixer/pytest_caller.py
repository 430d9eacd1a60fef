"""Whether pytest itself calls a test with fixtures, so that a new ``monkeypatch`` parameter gets one.

A parameter is added only to a function that pytest collects as a test (the project's ``python_functions``
and ``python_classes``, a class without ``__init__`` and not marked ``__test__ = False``) and that nothing
else calls: its name is used nowhere else in the file (a direct call, ``self.test_x()``, ``super().test_x()``,
``getattr(self, "test_x")``, the ``if __name__ == "__main__":`` block). Its decorators are pytest marks,
``staticmethod`` or ``mock.patch``/``patch.object``/``patch.multiple`` (whose mocks pytest knows how to
skip); its class's decorators are pytest marks or those patches; every base of its class is resolved in this
file to a class that is not a ``unittest.TestCase`` (a base imported from elsewhere may be one, and pytest
passes TestCase methods no fixtures). It has no ``monkeypatch`` parameter with a default (pytest would not
fill that one), and no fixture called ``monkeypatch`` is defined in the file or its conftest chain (the
test would get that one instead of pytest's).
"""
import ast
from typing import FrozenSet, List, Optional, Set

from flake8_xdist_safety.analysis.model import ClassInfo, FunctionInfo
from flake8_xdist_safety.fixer.fixture_facts import conftest_fixtures, fixture_definitions
from flake8_xdist_safety.fixer.planner import Plan

_CALL_PASSING_DECORATORS = (".patch", ".patch.object", ".patch.multiple")
_NOT_COLLECTED_MEMBERS = ("__init__", "__new__")


def why_not_pytest_called(plan: Plan, fn: FunctionInfo, cls: Optional[ClassInfo]) -> Optional[str]:
    """Why ``fn`` may be called other than by pytest with fixtures; None if pytest is its only caller."""
    override = monkeypatch_override(plan)
    if override is not None:
        return f"a fixture named monkeypatch is defined in {override}: the test would get it, not pytest's"
    node = fn.node
    args = node.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    with_default = positional[len(positional) - len(args.defaults):]
    with_default += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    if "monkeypatch" in with_default:
        return f"the monkeypatch parameter of {fn.name} has a default, so pytest does not pass the fixture"
    if "monkeypatch" in fn.params:
        return None  # pytest already passes it
    if not (fn.is_test or fn.is_test_method):
        return f"{fn.name} is not collected as a test by the project's pytest configuration"
    for decorator in node.decorator_list:
        why = _decorator_problem(plan, decorator, fn.name, method=cls is not None)
        if why is not None:
            return why
    if cls is not None:
        why = _class_problem(plan, cls)
        if why is not None:
            return why
    if node.name in _names_used(plan):
        return (f"{fn.name} is also called or referred to elsewhere in this file, where no monkeypatch "
                "would be passed")
    return None


def _decorator_problem(plan: Plan, decorator: ast.expr, owner: str, method: bool) -> Optional[str]:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if method and isinstance(target, ast.Name) and target.id == "staticmethod" \
            and not plan.module_names.binds("staticmethod"):
        return None
    name = plan.module_names.resolve(target) or ""
    if name.startswith("pytest.mark.") or name.endswith(_CALL_PASSING_DECORATORS):
        return None
    written = " ".join(ast.unparse(target).split())
    if (name or written) in plan.harmless_decorators:
        return None
    shown = name or written
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"{owner} is wrapped by {shown}, which may not pass a new fixture parameter through"


def _class_problem(plan: Plan, cls: ClassInfo) -> Optional[str]:
    for klass in _enclosing(cls):
        for decorator in klass.decorators:
            why = _decorator_problem(plan, decorator, f"class {klass.name}", method=False)
            if why is not None:
                return why
    for klass in cls.ancestors():
        if klass.unseen_base:
            shown = ", ".join(" ".join(ast.unparse(b).split()) for b in klass.node.bases)
            return (f"a base of {klass.name} ({shown}) is not defined in this file: it may be a "
                    "unittest.TestCase, whose methods pytest passes no fixtures")
        if any(member in klass.methods for member in _NOT_COLLECTED_MEMBERS):
            return f"{klass.name} defines __init__ or __new__, so pytest does not collect it"
        if _assigns_test_false(klass.node.body):
            return f"{klass.name} sets __test__ = False, so pytest does not collect it"
    if _assigns_test_false(plan.tree.body):
        return "the module sets __test__ = False, so pytest does not collect it"
    return None


def _enclosing(cls: ClassInfo) -> List[ClassInfo]:
    out = []
    current: Optional[ClassInfo] = cls
    while current is not None:
        out.append(current)
        current = current.parent
    return out


def _assigns_test_false(body: List[ast.stmt]) -> bool:
    return any(isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__test__"
                                                 for t in s.targets) for s in body)


def _names_used(plan: Plan) -> FrozenSet[str]:
    """Every name, attribute name and string constant in the file (computed once per round)."""
    key = ("names used",)
    cached = plan.cache.get(key)
    if isinstance(cached, frozenset):
        return cached
    found: Set[str] = set()
    for child in ast.walk(plan.tree):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value.isidentifier():
            found.add(child.value)
    result = frozenset(found)
    plan.cache[key] = result
    return result


def monkeypatch_override(plan: Plan) -> Optional[str]:
    """Where a fixture named ``monkeypatch`` is defined in the file (module or any class) or its conftest
    chain; None if nowhere."""
    key = ("monkeypatch override",)
    if key not in plan.cache:
        plan.cache[key] = _find_override(plan)
    found = plan.cache[key]
    assert found is None or isinstance(found, str)
    return found


def _find_override(plan: Plan) -> Optional[str]:
    resolve = plan.module_names.resolve
    bodies = [plan.tree.body] + [k.node.body for k in plan.model.classes]
    for body in bodies:
        fixture = fixture_definitions(body, resolve, "line ").get("monkeypatch")
        if fixture is not None:
            return f"this file ({fixture.where})"
    for conftest in conftest_fixtures(plan.model.filename):
        fixture = conftest.fixtures.get("monkeypatch")
        if fixture is not None:
            return fixture.where
    return None
