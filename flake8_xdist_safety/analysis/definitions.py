"""What a definition is, from its own line: a class's bases (same-file, TestCase, unseen),
a function's decorators (fixture, scope, autouse) and the contexts its call decorators
keep open (``@patch.dict(os.environ)``). The builder asks these as it meets each def."""
import ast
from typing import Callable, Dict, List, Optional, Tuple

from flake8_xdist_safety.analysis.model import (
    FIXTURE_DECORATORS, HARMLESS_BASES, TESTCASE_BASES, ClassInfo, Context, FunctionInfo,
)
from flake8_xdist_safety.analysis.scopes import Scope

PATCHER_PREFIX = "unittest.mock.patch"
#: resolves a callee, mapping pytest-mock's fixtures onto unittest.mock: (name, via mocker)
Callee = Callable[[ast.expr], Tuple[Optional[str], bool]]


def classify_bases(info: ClassInfo, scope: Scope, class_scopes: List[Dict[str, ClassInfo]]) -> None:
    for base in info.node.bases:
        if isinstance(base, ast.Subscript):  # Generic[T]
            base = base.value
        same_file = _same_file_class(base, scope, class_scopes)
        if same_file is not None:
            info.base_classes.append(same_file)
            info.is_testcase = info.is_testcase or same_file.is_testcase
            continue
        name = scope.resolve(base)
        if name in TESTCASE_BASES:
            info.is_testcase = True
        if name not in HARMLESS_BASES:
            info.unseen_base = True


def _same_file_class(base: ast.expr, scope: Scope,
                     class_scopes: List[Dict[str, ClassInfo]]) -> Optional[ClassInfo]:
    """The ClassInfo a base names: ``Base`` or ``Outer.Inner`` defined in this file."""
    path = []
    while isinstance(base, ast.Attribute):
        path.append(base.attr)
        base = base.value
    if not isinstance(base, ast.Name) or scope.is_imported(base.id):
        return None
    found = None
    for classes in reversed(class_scopes):
        if base.id in classes:
            found = classes[base.id]
            break
    for attr in reversed(path):
        if found is None:
            return None
        found = next((c for c in found.nested if c.name == attr), None)
    return found


def classify_decorators(info: FunctionInfo, scope: Scope, callee: Callee) -> None:
    """Fixture, scope, autouse, and the patchers it keeps open: one resolution per decorator
    (every def of a suite has some)."""
    contexts = []
    for deco in info.node.decorator_list:
        call = deco if isinstance(deco, ast.Call) else None
        name = callee(call.func if call is not None else deco)[0]
        if call is not None and name is not None and name.startswith(PATCHER_PREFIX):
            contexts.append(Context(call, name, scope))
        elif name in FIXTURE_DECORATORS:
            info.is_fixture = True
            info.fixture_scope = "function"
            for kw in call.keywords if call is not None else ():
                if kw.arg == "scope":
                    value = kw.value
                    is_str = isinstance(value, ast.Constant) and isinstance(value.value, str)
                    info.fixture_scope = value.value if is_str else None  # type: ignore
                elif kw.arg == "autouse":
                    info.autouse = isinstance(kw.value, ast.Constant) and kw.value.value is True
    if contexts:
        info.contexts += tuple(contexts)


def decorator_contexts(decorators: List[ast.expr], scope: Scope, callee: Callee) -> List[Context]:
    """The decorators that undo what the call did when it returns: unittest.mock's patchers
    (a ``pytest.mark.parametrize(...)`` keeps nothing open)."""
    out = []
    for deco in decorators:
        if isinstance(deco, ast.Call):
            name = callee(deco.func)[0]
            if name is not None and name.startswith(PATCHER_PREFIX):
                out.append(Context(deco, name, scope))
    return out
