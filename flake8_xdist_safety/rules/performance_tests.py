"""MXS009: a performance test that runs inside xdist workers."""
import ast
from typing import FrozenSet, Iterator, List

from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.marks import (
    Mark, class_marks, decorator_marks, file_mark_names, mark_argument, module_marks,
)
from flake8_xdist_safety.analysis.model import XDIST_WORKER_VAR, ClassInfo, FileModel, FunctionInfo


def _skips_in_xdist(model: FileModel, marks: List[Mark]) -> bool:
    """A skipif whose condition mentions PYTEST_XDIST_WORKER."""
    for mark in marks:
        if mark.name != "skipif":
            continue
        condition = mark_argument(mark, 0, "condition")
        if condition is not None and _mentions_xdist(model, condition):
            return True
    return False


def _mentions_xdist(model: FileModel, node: ast.expr) -> bool:
    for child in ast.walk(node):  # a skipif condition is a small expression
        if isinstance(child, ast.Constant) and isinstance(child.value, str) \
                and XDIST_WORKER_VAR in child.value:
            return True
        if isinstance(child, ast.Name):
            if child.id in model.xdist_names:
                return True
            # An imported flag we cannot see, named for what it means (IN_XDIST, is_xdist).
            if model.imports.is_imported(child.id) and "xdist" in child.id.lower():
                return True
    return False


def _is_performance(marks: List[Mark], names: FrozenSet[str]) -> bool:
    return any(mark.name in names for mark in marks)


def _uses_benchmark(fn: FunctionInfo) -> bool:
    return "benchmark" in fn.params


def _test_methods(cls: ClassInfo) -> List[FunctionInfo]:
    """The class's test methods and those of its nested test classes (the marker covers all)."""
    methods = [fn for fn in cls.methods.values() if fn.is_test_method]
    for nested in cls.nested:
        if nested.is_test:
            methods += _test_methods(nested)
    return methods


def check_performance(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS009."""
    names = config.performance_markers
    if not names & file_mark_names(model):
        return
    mod_marks = module_marks(model)
    module_skip = _skips_in_xdist(model, mod_marks)
    if module_skip:
        return
    for fn in model.functions:
        if fn.is_test:
            marks = decorator_marks(model, fn.node.decorator_list) + mod_marks
            if _is_performance(marks, names) and not _uses_benchmark(fn) \
                    and not _skips_in_xdist(model, marks):
                yield finding("MXS009", fn.node, fn, name=fn.name)
    for cls in model.classes:
        if not cls.is_test:
            continue
        parent = cls.parent
        if parent is not None and parent.is_test and _is_performance(class_marks(model, parent), names):
            continue  # the enclosing class carries the marker and is reported (or skipped) once
        all_marks = class_marks(model, cls)
        own = all_marks[: len(all_marks) - len(mod_marks)]
        methods = _test_methods(cls)
        if _is_performance(all_marks, names):
            # The class carries the marker: one report, at the class.
            if _skips_in_xdist(model, all_marks):
                continue
            pending = [fn for fn in methods if not _uses_benchmark(fn)
                       and not _skips_in_xdist(model, decorator_marks(model, fn.node.decorator_list))]
            if methods and not pending:
                continue
            if not methods and not _is_performance(own, names):
                continue
            yield finding("MXS009", cls.node, cls, name=cls.name)
            continue
        for fn in methods:
            marks = decorator_marks(model, fn.node.decorator_list)
            if _is_performance(marks, names) and not _uses_benchmark(fn) \
                    and not _skips_in_xdist(model, marks + all_marks):
                yield finding("MXS009", fn.node, fn, name=f"{cls.name}.{fn.name}")
