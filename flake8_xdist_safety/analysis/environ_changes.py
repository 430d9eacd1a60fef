"""Changes to the process environment (``os.environ``, ``os.putenv``): a view of the model."""
import ast
from typing import List, Optional

from flake8_xdist_safety.analysis.restores import Cleanup
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.vocabulary import indexed_calls
from flake8_xdist_safety.analysis.model import ENVIRON, FileModel, FunctionInfo, Site

_ENV_METHODS = indexed_calls("update", "pop", "popitem", "setdefault", "clear")
_ENV_FUNCTIONS = indexed_calls("putenv", "unsetenv")


class EnvChange:
    __slots__ = ("site", "keys", "opaque", "target")

    def __init__(self, site: Site, keys: List[str], opaque: bool, target: str) -> None:
        self.site = site
        self.keys = keys  # the literal variable names it changes
        self.opaque = opaque  # it also changes names that are not literal (or all: clear())
        self.target = target


def env_changes(model: FileModel) -> List[EnvChange]:
    """Every statement or call that mutates the process environment, in source order."""
    out = []
    for site, target, _kind in model.subscript_stores:
        if site.name == ENVIRON:
            out.append(_change(site, [target.slice], f"os.environ[{shown(target.slice)}]"))
    for site, kind in model.attr_stores:
        if site.name == ENVIRON and kind == "aug":
            out.append(EnvChange(site, [], True, "os.environ |= ..."))
    for site in model.calls_named(*_ENV_METHODS):
        if site.name is not None and site.name.startswith(ENVIRON + "."):
            method = site.name[len(ENVIRON) + 1:]
            call: ast.Call = site.node  # type: ignore[assignment]
            if method == "update":
                out.append(_update(site, call))
            elif method in ("clear", "popitem"):
                out.append(EnvChange(site, [], True, f"os.environ.{method}()"))
            elif method in _ENV_METHODS:
                first = call.args[:1]
                key = shown(first[0]) if first else ""
                out.append(_change(site, first, f"os.environ.{method}({key})"))
    for site in model.calls_named(*_ENV_FUNCTIONS):
        if site.name in ("os.putenv", "os.unsetenv"):
            first = site.node.args[:1]  # type: ignore[attr-defined]
            key = shown(first[0]) if first else ""
            out.append(_change(site, first, f"{site.name}({key})"))
    out.sort(key=lambda c: (c.site.line, c.site.col))
    return out


def _change(site: Site, key_nodes: List[ast.expr], target: str) -> EnvChange:
    literals = [_literal(node) for node in key_nodes]
    keys = [k for k in literals if k is not None]
    return EnvChange(site, keys, len(keys) < len(literals) or not literals, target)


def _update(site: Site, call: ast.Call) -> EnvChange:
    keys, opaque = [], False
    for kw in call.keywords:
        if kw.arg is None:
            opaque = True  # **mapping
        else:
            keys.append(kw.arg)
    for arg in call.args:
        if not isinstance(arg, ast.Dict):
            opaque = True
            continue
        for key in arg.keys:
            literal = _literal(key) if key is not None else None
            if literal is None:
                opaque = True
            else:
                keys.append(literal)
    listed = [repr(k) for k in keys[:3]] + (["..."] if opaque or len(keys) > 3 else [])
    return EnvChange(site, keys, opaque, f"os.environ.update({', '.join(listed)})")


def _literal(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def restores_environ(model: FileModel, fixture: FunctionInfo) -> bool:
    """Does a fixture put the environment back after its test (after ``yield``, in a
    ``finally`` around it, in a registered finalizer, or by yielding inside
    ``with patch.dict(os.environ)``)?"""
    if fixture.env_guarded_yield:
        return True
    restoring = [c.site for c in env_changes(model)]
    restoring += [site for site, _kind in model.attr_stores if site.name == ENVIRON]
    return Cleanup(model).after_its_test(fixture, restoring)
