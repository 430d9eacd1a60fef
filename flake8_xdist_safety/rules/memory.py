"""MXS001 (mocks without an xdist_group) and MXS002 (mocks without a per-test gc.collect())."""
import ast
from typing import Optional, Dict, Iterator, List, Tuple

from flake8_xdist_safety.codes import message
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.conftests import summaries_for
from flake8_xdist_safety.fixtures import autouse_per_test, collects_garbage, visible_fixtures
from flake8_xdist_safety.marks import (
    Mark, class_marks, closest, function_marks, mark_argument, opaque_pytestmark, usefixtures_names,
)
from flake8_xdist_safety.mocks import mock_creations
from flake8_xdist_safety.model import ClassInfo, FileModel, FunctionInfo, Owner

Finding = Tuple[int, int, str]
_GC_TEARDOWNS = ("teardown_method", "tearDown", "asyncTearDown")


def mock_owners(model: FileModel) -> List[Owner]:
    """Test classes and test functions that create mocks, in source order."""
    owners: Dict[int, Owner] = {}
    for creation in mock_creations(model):
        owner = creation.site.owner
        if owner is not None:
            owners.setdefault(id(owner), owner)
    return sorted(owners.values(), key=lambda o: (o.node.lineno, o.node.col_offset))


def check_xdist_group(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS001."""
    for owner in mock_owners(model):
        if isinstance(owner, ClassInfo):
            if owner.has_unseen_base():
                continue
            kind, marks = "test class", class_marks(model, owner)
        else:
            kind, marks = "test function", function_marks(model, owner)
        mark = closest(marks, "xdist_group")
        if mark is not None and _has_group_name(mark):
            continue
        if opaque_pytestmark(model, owner if isinstance(owner, ClassInfo) else None):
            continue  # a pytestmark we cannot read may well carry the (named) group
        key = "MXS001" if mark is None else "MXS001-unnamed"
        node = owner.node
        yield node.lineno, node.col_offset, message(key, kind=kind, name=owner.name, group=model.stem)


def _has_group_name(mark: Mark) -> bool:
    if not mark.called:
        return False
    if any(kw.arg is None for kw in mark.keywords):
        return True  # **kwargs: cannot tell
    name = mark_argument(mark, 0, "name")
    if name is None:
        return any(isinstance(a, ast.Starred) for a in mark.args)
    if isinstance(name, ast.Constant):
        return isinstance(name.value, str) and name.value != ""
    return True  # a variable or expression: assume it names a group


def check_gc_teardown(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS002."""
    for owner in mock_owners(model):
        if not isinstance(owner, ClassInfo) or owner.has_unseen_base():
            continue
        if _collects_per_test(model, owner, config):
            continue
        node = owner.node
        teardown = existing_teardown(owner)
        if teardown is None:
            yield node.lineno, node.col_offset, message("MXS002", name=owner.name)
        else:
            yield node.lineno, node.col_offset, message(
                "MXS002-teardown", name=owner.name, method=teardown.name)


def existing_teardown(cls: ClassInfo) -> Optional[FunctionInfo]:
    """The per-test teardown pytest runs for *cls* (nearest definition), if it has one."""
    for hook in _teardown_hooks(cls):
        for klass in cls.ancestors():
            if hook in klass.methods:
                return klass.methods[hook]
    return None


def _hook_collects(model: FileModel, cls: ClassInfo, hook: str) -> bool:
    """Does the *hook* pytest runs for *cls* call gc.collect()? The nearest definition wins;
    ``super().hook()`` hands on to the next one."""
    for klass in cls.ancestors():
        method = klass.methods.get(hook)
        if method is None:
            continue
        if collects_garbage(model, method):
            return True
        if hook not in method.super_calls:
            return False
    return False


def _teardown_hooks(cls: ClassInfo) -> Tuple[str, ...]:
    """The per-test teardowns pytest runs for this class."""
    return tuple(hook for hook in _GC_TEARDOWNS if cls.runs_hook(hook))


def _collects_per_test(model: FileModel, cls: ClassInfo, config: Config) -> bool:
    if any(_hook_collects(model, cls, hook) for hook in _teardown_hooks(cls)):
        return True
    gc_names = config.gc_fixtures
    fixtures = visible_fixtures(model, cls)
    if any(fn.autouse and fn.name in gc_names for fn in fixtures):
        return True
    if any(collects_garbage(model, fn) for fn in autouse_per_test(fixtures)):
        return True
    if gc_names and usefixtures_names(class_marks(model, cls)) & gc_names:
        return True
    for summary in summaries_for(model.filename, config):
        if summary.gc_autouse or summary.autouse_names & gc_names:
            return True
    return False
