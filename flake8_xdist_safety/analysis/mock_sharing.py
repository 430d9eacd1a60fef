"""Which tests can see a mock created at import time (MXS005's "shared" definition).

A module-level or class-attribute mock is *shared* only when more than one test item can
see it: read by two or more tests, by a fixture, by a helper we cannot follow, or by one
parametrized test — unless a per-test fixture every reading test gets resets it with
``reset_mock()`` after the test.
"""
import ast
from typing import List, Optional, Set

from flake8_xdist_safety.analysis.marks import function_marks
from flake8_xdist_safety.analysis.model import FileModel, FunctionInfo, Site
from flake8_xdist_safety.analysis.reads import names_read
from flake8_xdist_safety.analysis.restores import Cleanup
from flake8_xdist_safety.analysis.undoing_fixtures import FixturesThatUndo
from flake8_xdist_safety.analysis.topics.base import EVERYTHING, NOTHING, Undo
from flake8_xdist_safety.config import Config

#: the calls this module reads
CALLS = ("reset_mock",)


def bound_name(site: Site) -> Optional[str]:
    """``CLIENT`` for ``CLIENT = MagicMock()`` (module) or ``client = MagicMock()`` in a class
    body; None when the mock is not stored under one plain name."""
    stmt = site.stmt
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign):
        target = stmt.target
    else:
        return None
    if stmt.value is not site.node or not isinstance(target, ast.Name):
        return None
    return target.id


def readers(model: FileModel, site: Site, name: str) -> List[FunctionInfo]:
    """Outermost functions whose bodies read the stored mock. For an attribute of a helper
    (non-test) class, its own methods are its behaviour, not a way to share it: what counts
    is who uses the class."""
    out: List[FunctionInfo] = []
    found: Set[int] = set()
    cls = site.cls
    for fn in model.functions:
        owner = fn.owner_class()
        own = cls is not None and owner is not None and cls in owner.ancestors()
        reads = names_read(model, fn)
        if cls is None:
            seen = name in reads
        elif cls.is_test:
            seen = f"{cls.name}.{name}" in reads or own and (
                f"self.{name}" in reads or f"cls.{name}" in reads)
        else:
            seen = not own and cls.name in reads
        if seen:
            top = fn.outermost()
            if id(top) not in found:
                found.add(id(top))
                out.append(top)
    return out


def is_shared(model: FileModel, config: Config, site: Site) -> bool:
    name = bound_name(site)
    if name is None:
        return True  # stored somewhere we cannot follow: assume every test sees it
    # A fixture that only resets it after each test is the cure, not a way to share it.
    tests = [fn for fn in readers(model, site, name)
             if not (fn.is_fixture and _resets_after_test(model, fn, site, name))]
    if any(not (fn.is_test or fn.is_test_method) for fn in tests):
        return True  # a fixture hands it to every test it serves; a helper, to anyone
    parametrized = any(m.name == "parametrize" for fn in tests for m in function_marks(model, fn))
    if len(tests) < 2 and not parametrized:
        return False

    def undo(fixture: FunctionInfo) -> Undo:
        return EVERYTHING if _resets_after_test(model, fixture, site, name) else NOTHING

    resets = FixturesThatUndo(model, config, undo)
    return not all(resets.around(fn) for fn in tests)


def _resets_after_test(model: FileModel, fixture: FunctionInfo, site: Site, name: str) -> bool:
    """``NAME.reset_mock()`` (or ``Class.name`` / ``self.name`` for a class attribute) after
    the test the fixture serves."""
    calls = [s for s in model.calls_named(*CALLS)
             if isinstance(s.node, ast.Call) and _is_the_mock(s.node.func, site, name)]
    return Cleanup(model).after_its_test(fixture, calls)


def _is_the_mock(func: ast.expr, site: Site, name: str) -> bool:
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    if site.cls is None:
        return isinstance(receiver, ast.Name) and receiver.id == name
    return isinstance(receiver, ast.Attribute) and receiver.attr == name \
        and isinstance(receiver.value, ast.Name) and receiver.value.id in (site.cls.name, "self", "cls")
