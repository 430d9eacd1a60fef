"""Is the ``xdist_group`` grouping the suite asks for actually in effect?

Two ways it silently is not, both visible only once collection is done:

- Under ``--dist loadgroup`` pytest-xdist's worker renames each grouped item to
  ``nodeid@group`` (by assigning ``item._nodeid``) and the scheduler groups by that suffix.
  pytest 9.2 derives ``nodeid`` from another attribute, so the assignment changes nothing and
  loadgroup schedules like ``load`` (pytest-dev/pytest-xdist#1386). Observed, not inferred from
  versions: a grouped item whose node id lacks the suffix is the proof.
- pytest never applies a ``pytestmark`` set in a ``conftest.py`` (pytest-dev/pytest-xdist#1295):
  the tests below it that have no ``xdist_group`` mark of their own are in no group.
"""
import os
import types
from typing import Any, Dict, Iterable, List, Tuple

from flake8_xdist_safety.runtime.findings import KIND_GROUPING, Finding

#: MXS011 is the linter's code for xdist_group marks that do nothing (a conftest pytestmark,
#: a configuration without loadgroup); these are the same problem, seen at run time.
GROUPING_CODE = "MXS011"


def _versions() -> str:
    import pytest

    try:
        from importlib.metadata import version

        xdist_version = version("pytest-xdist")
    except Exception:  # noqa: BLE001 - the version is for the message only
        xdist_version = "?"
    return "pytest {}, pytest-xdist {}".format(pytest.__version__, xdist_version)


def _location(item: Any) -> Tuple[str, int]:
    path, line, _domain = item.location
    return str(path), (line or 0) + 1


def missing_group_suffix(items: List[Any]) -> List[Finding]:
    """One finding if grouped items lack the ``@group`` suffix (call only under loadgroup, on a worker)."""
    ungrouped = [item for item in items
                 if any(True for _mark in item.iter_markers("xdist_group"))
                 # pytest-xdist's own test for a suffix: an '@' after any parametrize id
                 and item.nodeid.rfind("@") <= item.nodeid.rfind("]")]
    if not ungrouped:
        return []
    path, line = _location(ungrouped[0])
    detail = ("--dist loadgroup is not grouping: {} test(s) with xdist_group marks have no '@group' "
              "suffix in their node id, e.g. {} ({}; pytest-dev/pytest-xdist#1386)").format(
        len(ungrouped), ungrouped[0].nodeid, _versions())
    return [Finding(code=GROUPING_CODE, kind=KIND_GROUPING, where=ungrouped[0].nodeid, path=path,
                    line=line, detail=detail,
                    data={"tests": [item.nodeid for item in ungrouped], "versions": _versions()})]


def _group_marks(pytestmark: Any) -> List[Any]:
    marks = pytestmark if isinstance(pytestmark, (list, tuple)) else [pytestmark]
    # A MarkDecorator wraps a Mark; a Mark has the name itself.
    return [mark for mark in marks if getattr(getattr(mark, "mark", mark), "name", None) == "xdist_group"]


def _pytestmark_line(path: str) -> int:
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            for number, text in enumerate(source, 1):
                if text.startswith("pytestmark"):
                    return number
    except OSError:
        pass
    return 1


def conftest_pytestmark(conftests: Iterable[types.ModuleType], items: List[Any],
                        rootpath: str) -> List[Finding]:
    """Per conftest with an ``xdist_group`` ``pytestmark``: the test modules below it whose tests
    carry no ``xdist_group`` mark of their own, one finding per test module."""
    findings = []
    for conftest in conftests:
        conftest_file = getattr(conftest, "__file__", None)
        if not conftest_file or not _group_marks(getattr(conftest, "pytestmark", None)):
            continue
        directory = os.path.dirname(os.path.abspath(conftest_file)) + os.sep
        by_module: Dict[str, List[str]] = {}
        for item in items:
            if str(item.path).startswith(directory) and not any(
                    True for _mark in item.iter_markers("xdist_group")):
                by_module.setdefault(_location(item)[0], []).append(item.nodeid)
        relative_conftest = os.path.relpath(conftest_file, rootpath)
        for module_path, node_ids in sorted(by_module.items()):
            detail = ("{} sets pytestmark = xdist_group, which pytest never applies from a conftest; "
                      "{} test(s) here have no xdist_group mark, e.g. {}").format(
                relative_conftest, len(node_ids), node_ids[0])
            findings.append(Finding(
                code=GROUPING_CODE, kind=KIND_GROUPING, where=module_path, path=relative_conftest,
                line=_pytestmark_line(conftest_file), detail=detail,
                data={"tests": node_ids}))
    return findings
