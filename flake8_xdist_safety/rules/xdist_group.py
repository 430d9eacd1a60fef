"""MXS001 (opt-in): a test that creates mocks runs in no xdist_group."""
from typing import Dict, Iterator, List

from flake8_xdist_safety.analysis.marks import opaque_pytestmark
from flake8_xdist_safety.analysis.mock_creations import mock_creations
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, Owner
from flake8_xdist_safety.analysis.xdist_groups import applying_group_marks, suggested_group
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.findings import Finding, finding


def mock_owners(model: FileModel) -> List[Owner]:
    """Test classes and test functions that create mocks, in source order (kept: MXS001 and
    MXS002 both ask)."""
    found = model.cache.get("mock_owners")
    if found is None:
        owners: Dict[int, Owner] = {}
        for creation in mock_creations(model):
            owner = creation.site.owner
            if owner is not None:
                owners.setdefault(id(owner), owner)
        found = sorted(owners.values(), key=lambda o: (o.node.lineno, o.node.col_offset))
        model.cache["mock_owners"] = found
    return found


def check_xdist_group(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS001: no xdist_group mark applies at all. A test with only unnamed marks is MXS011's
    (one finding per mistake); where the project never runs ``--dist loadgroup`` a group
    would do nothing, so nothing is suggested."""
    if model.config.loadgroup is False:
        return
    group = None
    for owner in mock_owners(model):
        if isinstance(owner, ClassInfo):
            if owner.has_unseen_base():
                continue
            kind = "test class"
        else:
            kind = "test function"
        if applying_group_marks(model, owner):
            continue
        if opaque_pytestmark(model, owner if isinstance(owner, ClassInfo) else None):
            continue  # a pytestmark we cannot read may well carry the group
        group = group or suggested_group(model)
        yield finding("MXS001", owner.node, owner, kind=kind, name=owner.name, group=group)
