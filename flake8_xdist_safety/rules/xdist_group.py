"""MXS001: a test that creates mocks runs in no named xdist_group."""
import ast
from typing import Dict, Iterator, List

from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.marks import (
    Mark, class_marks, closest, function_marks, mark_argument, opaque_pytestmark,
)
from flake8_xdist_safety.analysis.mock_creations import mock_creations
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, Owner


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
        yield finding(key, owner.node, owner, kind=kind, name=owner.name, group=model.stem)


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
