"""MXS011: an xdist_group mark that does not group as written.

Three mistakes, one finding per mark: a mark in a conftest.py ``pytestmark`` (pytest reads
``pytestmark`` of collected test modules only); marks in a project whose configuration
never runs ``--dist loadgroup`` (they do nothing; the file's first mark is reported, once);
an unnamed mark (every unnamed mark of the suite joins one shared ``default`` group).
"""
from typing import Iterator

from flake8_xdist_safety.analysis.model import FileModel
from flake8_xdist_safety.analysis.xdist_groups import file_group_marks, mark_group_name, suggested_group
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.findings import Finding, finding


def check_group_effect(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS011."""
    marks = list(file_group_marks(model))
    if not marks:
        return
    if model.is_conftest:
        module_level = {id(model.mark_statements.get(id(v), v)) for v in model.module_pytestmark}
        for mark, node in marks:
            if id(node) in module_level:
                yield finding("MXS011", node, mark)
        marks = [(m, n) for m, n in marks if id(n) not in module_level]
    if model.config.loadgroup is False:
        if marks:
            mark, node = marks[0]
            yield finding("MXS011-no-loadgroup", node, mark)
        return
    unnamed = [(mark, node) for mark, node in marks if mark_group_name(mark) == ""]
    if unnamed:
        group = suggested_group(model)
        for mark, node in unnamed:
            yield finding("MXS011-unnamed", node, mark, group=group)
