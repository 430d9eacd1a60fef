"""MXS003's state: the process environment (``os.environ``, ``os.putenv``).

Changed by item assignment/deletion, ``update``/``pop``/``popitem``/``setdefault``/
``clear``, ``|=``, ``os.putenv``/``os.unsetenv``. Undone by the same in a cleanup position,
by rebinding ``os.environ`` to a saved copy there, by ``patch.dict(os.environ)`` (a ``with``
block, a decorator, ``mocker.patch.dict``), by a ``with`` block whose call names the
variable (``with env_var("A", "1"):``), and after the test by ``monkeypatch.setenv``/
``delenv``/``setitem(os.environ, ...)`` made before the change. Keys are variable names.
"""
import ast
from typing import List, Optional, Tuple

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.topics.base import (
    EVERYTHING, NOTHING, SPELLED, Change, Topic, Undo, keys_of, literal_key, monkeypatch_method,
    names_mapping, patch_dict_target,
)

ENVIRON = "os.environ"
_METHODS = ("update", "pop", "popitem", "setdefault", "clear")
_FUNCTIONS = ("putenv", "unsetenv")
_SAVERS = ("setenv", "delenv", "setitem", "delitem")


class EnvironTopic(Topic):
    code = "MXS003"
    calls = (*_METHODS, *_FUNCTIONS, *_SAVERS, "environ")

    def changes(self, model: FileModel) -> List[Change]:
        out = []
        for site, target, _kind in model.subscript_stores:
            if site.name == ENVIRON:
                out.append(_change(site, [target.slice], f"os.environ[{shown(target.slice)}]"))
        for site, kind in model.attr_stores:
            if site.name == ENVIRON and kind == "aug":
                keys, opaque = _mapping_keys([site.stmt.value], [], site)  # type: ignore[attr-defined]
                out.append(Change(site, frozenset(keys), opaque, {"target": "os.environ |= ..."}, "MXS003"))
        for site in model.calls_named(*_METHODS):
            if site.name is None or not site.name.startswith(ENVIRON + "."):
                continue
            method = site.name[len(ENVIRON) + 1:]
            call: ast.Call = site.node  # type: ignore[assignment]
            if method == "update":
                out.append(_update(site, call))
            elif method in ("clear", "popitem"):
                out.append(_change(site, [], f"os.environ.{method}()", opaque=True))
            elif method in _METHODS:
                first = call.args[:1]
                out.append(_change(site, first, f"os.environ.{method}({_first(first)})"))
        for site in model.calls_named(*_FUNCTIONS):
            if site.name in ("os.putenv", "os.unsetenv"):
                first = site.node.args[:1]  # type: ignore[attr-defined]
                out.append(_change(site, first, f"{site.name}({_first(first)})"))
        return out

    def restores(self, model: FileModel) -> List[Change]:
        # ``os.environ = saved``: a rebinding puts back whatever was saved.
        return [_change(site, [], "os.environ", opaque=True)
                for site, kind in model.attr_stores if site.name == ENVIRON and kind != "aug"]

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        name = ref.site.name or ""
        if not name.startswith(ENVIRON + "."):
            return None
        keys = ref.call.args[1:2] if name.endswith((".pop", ".__delitem__")) else []
        return _change(ref.site, keys, name, opaque=not keys)

    def context_undo(self, context: Context) -> Undo:
        if names_mapping(patch_dict_target(context), context, ENVIRON):
            return EVERYTHING
        if not context.block:
            return NOTHING
        # ``with env_var("A", "1"):`` - a block that names the variable (or passes
        # os.environ itself) is taken to put it back.
        args = [*context.call.args, *(kw.value for kw in context.call.keywords)]
        if any(context.scope.resolve(arg) == ENVIRON for arg in args):
            return EVERYTHING
        return Undo(frozenset(a.value for a in args
                              if isinstance(a, ast.Constant) and isinstance(a.value, str)))

    def savers(self, model: FileModel) -> List[Change]:
        out = []
        for site in model.calls_named(*_SAVERS):
            method = monkeypatch_method(site)
            call: ast.Call = site.node  # type: ignore[assignment]
            if method in ("setenv", "delenv") and call.args:
                out.append(_change(site, call.args[:1], "monkeypatch." + method))
            elif method in ("setitem", "delitem") and len(call.args) >= 2 \
                    and site.scope.resolve(call.args[0]) == ENVIRON:
                out.append(_change(site, call.args[1:2], "monkeypatch." + method))
        return out


def _first(nodes: List[ast.expr]) -> str:
    return shown(nodes[0]) if nodes else ""


def _change(site: Site, key_nodes: List[ast.expr], target: str, opaque: bool = False) -> Change:
    return Change(site, keys_of(key_nodes, site), opaque or not key_nodes,
                  {"target": target}, "MXS003")


def _mapping_keys(args: List[ast.expr], keywords: List[ast.keyword], site: Site) -> Tuple[List[str], bool]:
    """The keys an ``update(...)``'s (or ``|=``'s) arguments set; opaque if some cannot be told."""
    keys, opaque = [], False
    for kw in keywords:
        if kw.arg is None:
            opaque = True  # **mapping
        else:
            keys.append(kw.arg)
    for arg in args:
        if not isinstance(arg, ast.Dict):
            opaque = True
            continue
        for key in arg.keys:
            if key is None:
                opaque = True
            else:
                keys.append(literal_key(key, site))
    return keys, opaque


def _update(site: Site, call: ast.Call) -> Change:
    keys, opaque = _mapping_keys(call.args, call.keywords, site)
    literals = [k for k in keys if not k.startswith(SPELLED)]
    more = opaque or len(literals) < len(keys) or len(literals) > 3
    listed = [repr(k) for k in literals[:3]] + (["..."] if more else [])
    return Change(site, frozenset(keys), opaque, {"target": f"os.environ.update({', '.join(listed)})"},
                  "MXS003")
