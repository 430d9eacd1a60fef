"""MXS003: os.environ changed without a guaranteed restore."""
import ast
from typing import Dict, Iterator, List, Optional, Set, Tuple

from flake8_xdist_safety.cleanup import any_restores, is_restoring
from flake8_xdist_safety.codes import message
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.model import ENVIRON, FileModel, FunctionInfo, Site

Finding = Tuple[int, int, str]
_ENV_METHODS = ("update", "pop", "popitem", "setdefault", "clear")
_CLEAR = object()  # marker key: reported every time


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
            label = f"os.environ[{key!r}]" if key is not None else "os.environ[...]"
            out.append(EnvChange(site, [key] if key is not None else None, label))
    for site, kind in model.attr_stores:
        if site.name == ENVIRON and kind == "aug":
            out.append(EnvChange(site, None, "os.environ"))
    for site in model.calls_named(*_ENV_METHODS):
        if site.name is not None and site.name.startswith(ENVIRON + "."):
            method = site.name[len(ENVIRON) + 1:]
            if method in _ENV_METHODS:
                keys = _call_keys(site.node, method)
                shown = ", ".join(repr(k) for k in keys if isinstance(k, str)) if keys else ""
                out.append(EnvChange(site, keys, f"os.environ.{method}({shown})"))
    for site in model.calls_named("putenv", "unsetenv"):
        if site.name in ("os.putenv", "os.unsetenv"):
            args = site.node.args  # type: ignore[attr-defined]
            key = _literal(args[0]) if args else None
            shown = repr(key) if key is not None else ""
            out.append(EnvChange(site, [key] if key is not None else None, f"{site.name}({shown})"))
    out.sort(key=lambda c: (c.site.line, c.site.col))
    return out


def _literal(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_keys(call: ast.Call, method: str) -> Optional[List[object]]:
    if method in ("clear", "popitem"):
        return [_CLEAR] if method == "clear" else None
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


def _conftest_global(model: FileModel, site: Site) -> bool:
    """Changes every test of the directory sees alike in every worker."""
    if not model.is_conftest:
        return False
    if site.fn is None:
        return site.cls is None
    top = site.fn.outermost()
    if not top.module_level:
        return False
    if top.name.startswith("pytest_"):
        return True
    return top.is_fixture and top.autouse and top.fixture_scope == "session"


def _undone(site: Site, key: Optional[object]) -> bool:
    """Made inside a context that undoes it."""
    for frame in site.withs:
        if frame.environ or (isinstance(key, str) and key in frame.strings):
            return True
    fn: Optional[FunctionInfo] = site.fn
    while fn is not None:
        if fn.env_undo:
            return True
        fn = fn.parent
    return False


def check_environ(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS003."""
    changes = env_changes(model)
    if not changes:
        return
    restoring = [c.site for c in changes if is_restoring(c.site)]
    restoring += [s for s, _ in model.attr_stores if s.name == ENVIRON and is_restoring(s)]
    restoring += [s for s in model.cleanup_refs if s.name and s.name.startswith(ENVIRON + ".")]
    seen: Dict[Optional[FunctionInfo], Set[str]] = {}
    for change in changes:
        site = change.site
        if is_restoring(site) or _conftest_global(model, site):
            continue
        keys = change.keys
        if keys is not None and keys and all(_undone(site, k) for k in keys) \
                or keys is None and _undone(site, None):
            continue
        if any_restores(site, restoring):
            continue
        literal = [k for k in keys if isinstance(k, str)] if keys else []
        done = seen.setdefault(site.fn, set())
        if keys and len(literal) == len(keys) and all(k in done for k in literal):
            continue
        done.update(literal)
        yield site.stmt.lineno, site.stmt.col_offset, message("MXS003", target=change.target)
