"""MXS014's state: the process's working directory.

Changed by ``os.chdir``/``os.fchdir``: every later test of the worker resolves relative
paths, ``open("data.json")`` and ``subprocess`` calls from the new directory (often a
``tmp_path`` that pytest then deletes). Undone by changing back in a cleanup position,
``addCleanup(os.chdir, old)``, a ``with`` block that changes and restores it
(``contextlib.chdir``, ``tmp_path.as_cwd()``, a helper named ``chdir``/``cd``/``pushd``/
``working_directory``), and ``monkeypatch.chdir`` made before. One key: the directory.
"""
import ast
from typing import List, Optional

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.topics.base import NOTHING, Change, Topic, Undo, monkeypatch_method

_CHANGES = ("os.chdir", "os.fchdir")
#: last names of ``with`` helpers that go back to the directory they started in
_RESTORING_BLOCKS = frozenset({"chdir", "as_cwd", "cd", "pushd", "working_directory", "change_dir",
                               "in_directory", "cwd"})
_KEY = frozenset({"cwd"})


class CwdTopic(Topic):
    code = "MXS014"
    calls = ("chdir", "fchdir")

    def changes(self, model: FileModel) -> List[Change]:
        return [_change(site) for site in model.calls_named(*self.calls) if site.name in _CHANGES]

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        return _change(ref.site) if ref.site.name in _CHANGES else None

    def context_undo(self, context: Context) -> Undo:
        last = (context.name or "").rsplit(".", 1)[-1]
        return Undo(_KEY) if context.block and last in _RESTORING_BLOCKS else NOTHING

    def savers(self, model: FileModel) -> List[Change]:
        return [Change(site, _KEY, False, {}, self.code)
                for site in model.calls_named("chdir") if monkeypatch_method(site) == "chdir"]


def _change(site: Site) -> Change:
    call = site.node
    args = call.args if isinstance(call, ast.Call) else []
    return Change(site, _KEY, False, {"target": f"{site.name}({shown(args[0]) if args else ''})"}, "MXS014")
