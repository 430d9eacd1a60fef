"""Which xdist_group a test is in, as pytest-xdist >= 3.7 computes it.

Every applying ``xdist_group`` mark counts (decorators, class and module ``pytestmark``,
same-file bases, enclosing classes): the group is the sorted set of their names joined
with ``_``; an unnamed mark contributes ``default``. There is no "closest mark wins".
"""
import ast
import os
from typing import Dict, Iterator, List, Optional, Tuple, Union

from flake8_xdist_safety.analysis.marks import (
    Mark, class_marks, decorator_marks, file_mark_names, mark_argument, module_marks, parse_marks,
)
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, FunctionInfo

GROUP_MARK = "xdist_group"
UNNAMED = "default"  # the group pytest-xdist gives an unnamed mark
#: directory names that prefix every test module alike: left out of suggested names
_TEST_DIRS = frozenset({"tests", "test", "testing"})


def mark_group_name(mark: Mark) -> Optional[str]:
    """The group a mark names; "" for an unnamed mark; None when it cannot be read
    (``**kwargs``, ``*args``, a variable or expression)."""
    if not mark.called:
        return ""
    if any(kw.arg is None for kw in mark.keywords):
        return None
    name = mark_argument(mark, 0, "name")
    if name is None:
        return None if any(isinstance(a, ast.Starred) for a in mark.args) else ""
    if isinstance(name, ast.Constant):
        return name.value if isinstance(name.value, str) else None
    return None


def applying_group_marks(model: FileModel, owner: Union[ClassInfo, FunctionInfo]) -> List[Mark]:
    """The xdist_group marks of ``function_marks``/``class_marks``, closest first (the class's
    and the module's kept: every test of a class asks)."""
    if GROUP_MARK not in file_mark_names(model):
        return []
    if isinstance(owner, ClassInfo):
        return _class_group_marks(model, owner)
    own = [m for m in decorator_marks(model, owner.node.decorator_list) if m.name == GROUP_MARK]
    around = _class_group_marks(model, owner.cls) if owner.cls is not None else _module_group_marks(model)
    return own + around


def _class_group_marks(model: FileModel, cls: ClassInfo) -> List[Mark]:
    table: Dict[int, List[Mark]] = model.memo("class_group_marks")
    marks = table.get(id(cls))
    if marks is None:
        marks = table[id(cls)] = [m for m in class_marks(model, cls) if m.name == GROUP_MARK]
    return marks


def _module_group_marks(model: FileModel) -> List[Mark]:
    marks = model.cache.get("module_group_marks")
    if marks is None:
        marks = model.cache["module_group_marks"] = [m for m in module_marks(model) if m.name == GROUP_MARK]
    return marks


def is_grouped(model: FileModel, owner: Union[ClassInfo, FunctionInfo]) -> bool:
    """Does an applying mark name a group (or may it: a name we cannot read)?"""
    return any(mark_group_name(m) != "" for m in applying_group_marks(model, owner))


def group_of(model: FileModel, owner: Union[ClassInfo, FunctionInfo]) -> Optional[str]:
    """The group pytest-xdist computes; None without marks or with an unreadable name."""
    names = set()
    for mark in applying_group_marks(model, owner):
        name = mark_group_name(mark)
        if name is None:
            return None
        names.add(name or UNNAMED)
    return "_".join(sorted(names)) if names else None


def suggested_group(model: FileModel) -> str:
    """A group name unique per test module: its path relative to the project root, dotted,
    without a leading ``tests`` directory (``tests/api/test_keys.py`` -> ``api.test_keys``)."""
    path = os.path.abspath(model.filename)
    root = model.config.project_root
    if root is not None and (path + os.sep).startswith(root.rstrip(os.sep) + os.sep):
        parts = os.path.relpath(path, root).split(os.sep)
    else:
        parts = path.split(os.sep)[-2:]
    if parts[-1].endswith(".py"):
        parts[-1] = parts[-1][:-3]
    while len(parts) > 1 and parts[0] in _TEST_DIRS:
        parts = parts[1:]
    return ".".join(p for p in parts if p)


def file_group_marks(model: FileModel) -> Iterator[Tuple[Mark, ast.AST]]:
    """Every xdist_group mark written in the file, with the node to report it at (the
    decorator, or the ``pytestmark`` statement), in source order."""
    found: List[Tuple[Mark, ast.AST]] = []
    if GROUP_MARK not in file_mark_names(model):
        return iter(found)
    for value in model.module_pytestmark:
        statement = model.mark_statements.get(id(value), value)
        found += [(m, statement) for m in parse_marks(model, value) if m.name == GROUP_MARK]
    for cls in model.classes:
        for value in cls.pytestmark:
            statement = model.mark_statements.get(id(value), value)
            found += [(m, statement) for m in parse_marks(model, value) if m.name == GROUP_MARK]
        found += [(m, m.node) for m in decorator_marks(model, cls.decorators) if m.name == GROUP_MARK]
    for fn in model.functions:
        found += [(m, m.node) for m in decorator_marks(model, fn.node.decorator_list)
                  if m.name == GROUP_MARK]
    found.sort(key=lambda item: (getattr(item[1], "lineno", 0), getattr(item[1], "col_offset", 0)))
    return iter(found)
