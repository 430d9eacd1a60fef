"""Changes to the process environment (``os.environ``, ``os.putenv``): a view of the model."""
import ast
from typing import List, Optional

from flake8_xdist_safety.model import AFTER_YIELD, CLEANUP, ENVIRON, FINALLY, FileModel, FunctionInfo, Site

_ENV_METHODS = ("update", "pop", "popitem", "setdefault", "clear")
CLEAR = object()  # marker key of os.environ.clear(): reported every time


class EnvChange:
    __slots__ = ("site", "keys", "target")

    def __init__(self, site: Site, keys: Optional[List[object]], target: str) -> None:
        self.site = site
        self.keys = keys  # literal variable names, or None when not literal
        self.target = target


def env_changes(model: FileModel) -> List[EnvChange]:
    """Every statement or call that mutates the process environment, in source order."""
    out = []
    for site, target, _kind in model.subscript_stores:
        if site.name == ENVIRON:
            key = _literal(target.slice)
            label = f"os.environ[{_shown(target.slice)}]"
            out.append(EnvChange(site, [key] if key is not None else None, label))
    for site, kind in model.attr_stores:
        if site.name == ENVIRON and kind == "aug":
            out.append(EnvChange(site, None, "os.environ"))
    for site in model.calls_named(*_ENV_METHODS):
        if site.name is not None and site.name.startswith(ENVIRON + "."):
            method = site.name[len(ENVIRON) + 1:]
            if method in _ENV_METHODS:
                keys = _call_keys(site.node, method)
                if keys is not None:
                    shown = ", ".join(repr(k) for k in keys if isinstance(k, str))
                else:
                    shown = ", ".join(_shown(a) for a in site.node.args[:1])  # type: ignore[attr-defined]
                out.append(EnvChange(site, keys, f"os.environ.{method}({shown})"))
    for site in model.calls_named("putenv", "unsetenv"):
        if site.name in ("os.putenv", "os.unsetenv"):
            args = site.node.args  # type: ignore[attr-defined]
            key = _literal(args[0]) if args else None
            shown = _shown(args[0]) if args else ""
            out.append(EnvChange(site, [key] if key is not None else None, f"{site.name}({shown})"))
    out.sort(key=lambda c: (c.site.line, c.site.col))
    return out


def _shown(node: ast.expr) -> str:
    """A key as the message shows it: its literal, or its source (shortened)."""
    literal = _literal(node)
    if literal is not None:
        return repr(literal)
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _literal(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_keys(call: ast.Call, method: str) -> Optional[List[object]]:
    if method in ("clear", "popitem"):
        return [CLEAR] if method == "clear" else None
    if method == "update":
        keys: List[object] = [kw.arg for kw in call.keywords if kw.arg]
        if any(kw.arg is None for kw in call.keywords):
            return None
        for arg in call.args:
            if not isinstance(arg, ast.Dict):
                return None
            for k in arg.keys:
                literal = _literal(k) if k is not None else None
                if literal is None:
                    return None
                keys.append(literal)
        return keys
    key = _literal(call.args[0]) if call.args else None
    return [key] if key is not None else None


def restores_environ(model: FileModel, fixture: FunctionInfo) -> bool:
    """Does a fixture put the environment back after its test (after ``yield``, in a
    ``finally`` around it, in a registered finalizer, or by yielding inside
    ``with patch.dict(os.environ)``)?"""
    if fixture.env_guarded_yield:
        return True
    # After the yield (or in finally around it), or registered with request.addfinalizer.
    after_test = CLEANUP | (AFTER_YIELD | FINALLY if fixture.has_yield else 0)
    restoring = [c.site for c in env_changes(model)]
    restoring += [site for site, _kind in model.attr_stores if site.name == ENVIRON]
    for site in restoring:
        fn = site.fn
        if fn is fixture and site.flags & after_test:
            return True
        if fn is not None and fn.parent is fixture and fn.name in fixture.finalizer_names:
            return True
    return False
