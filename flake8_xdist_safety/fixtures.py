"""Which fixtures a test class (or a module-level test) can see in its own file."""
from typing import List, Optional

from flake8_xdist_safety.model import ClassInfo, FileModel, FunctionInfo

#: Scopes whose fixtures are set up and torn down around every test.
PER_TEST_SCOPES = ("function", None)  # None: a scope flake8 cannot read


def visible_classes(cls: ClassInfo) -> List[ClassInfo]:
    """The class, its same-file bases, and enclosing test classes (with their bases)."""
    out: List[ClassInfo] = []
    current: Optional[ClassInfo] = cls
    while current is not None:
        for klass in current.ancestors():
            if klass not in out:
                out.append(klass)
        parent = current.parent
        current = parent if parent is not None and parent.is_test else None
    return out


def visible_fixtures(model: FileModel, cls: Optional[ClassInfo]) -> List[FunctionInfo]:
    """Fixtures defined in the visible classes and at module level."""
    classes = visible_classes(cls) if cls is not None else []
    fixtures = [fn for klass in classes for fn in klass.methods.values() if fn.is_fixture]
    return fixtures + [fn for fn in model.module_functions.values() if fn.is_fixture]


def autouse_per_test(fixtures: List[FunctionInfo]) -> List[FunctionInfo]:
    return [fn for fn in fixtures if fn.autouse and fn.fixture_scope in PER_TEST_SCOPES]
