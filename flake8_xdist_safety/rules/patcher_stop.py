"""MXS004: a patcher started without a guaranteed stop."""
import ast
from typing import Dict, Iterator, List, Optional, Tuple

from flake8_xdist_safety.analysis.restores import Cleanup, class_of
from flake8_xdist_safety.analysis.shown import shown, shown_value
from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.mock_creations import PATCHERS
from flake8_xdist_safety.analysis.vocabulary import PATCH_NAMES
from flake8_xdist_safety.analysis.model import FileModel, Site

_STOPALL = "unittest.mock.patch.stopall"
_STARTS = ("start",)
_PATCHERS = PATCH_NAMES
_STOPS = ("stop", "stopall")
#: the calls MXS004 reads
CALLS = (*_STARTS, *_PATCHERS, *_STOPS)


def receiver_key(node: ast.expr) -> Optional[str]:
    """``p`` for a local/global name, ``self.p`` for an attribute of self/cls."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id in ("self", "cls"):
        return "self." + node.attr
    return None


def _is_patcher_call(site: Site) -> bool:
    return site.name in PATCHERS and not site.via_mocker


def _same_scope(a: Site, b: Site, key: str) -> bool:
    """Do two sites see the same variable *key*?"""
    if key.startswith("self."):
        ca, cb = class_of(a), class_of(b)
        return ca is not None and cb is not None and (cb in ca.ancestors() or ca in cb.ancestors())
    if a.fn is b.fn:
        return True
    # a module-level patcher used inside functions
    return b.fn is None and b.cls is None


def _home(site: Site, key: str) -> Optional[object]:
    """Where a name lives: a ``self.`` attribute in its class, anything else in its function
    (None: module level)."""
    return class_of(site) if key.startswith("self.") else site.fn


def check_patchers(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS004."""
    starts = model.calls_named(*_STARTS)
    if not starts:
        return
    patcher_calls = {id(s.node): s for s in model.calls_named(*_PATCHERS)
                     if _is_patcher_call(s)}
    assigned: Dict[str, List[Tuple[Site, Site]]] = {}  # key -> [(assignment site, patcher call)]
    for site, stored_as in model.call_assignments:
        call = patcher_calls.get(id(site.node))
        if call is not None:
            assigned.setdefault(stored_as, []).append((site, call))
    stops: Dict[Optional[str], List[Site]] = {}
    for site in model.calls_named(*_STOPS):
        func = site.node.func  # type: ignore[attr-defined]
        if site.name == _STOPALL:
            stops.setdefault(None, []).append(site)
        elif isinstance(func, ast.Attribute) and func.attr == "stop":
            stops.setdefault(receiver_key(func.value), []).append(site)
    for site, _registration in model.cleanup_refs:
        node = site.node
        if site.name == _STOPALL:
            stops.setdefault(None, []).append(site)
        elif isinstance(node, ast.Attribute) and node.attr == "stop":
            stops.setdefault(receiver_key(node.value), []).append(site)

    cleanup = Cleanup(model)
    # Filed by where they stand, so a file of a thousand tests that each start and stop
    # their own ``p`` compares each start with its own test's sites only.
    stop_index = {key: cleanup.index(sites, lambda s: s) for key, sites in stops.items()}
    nearby: Dict[Tuple[str, int], List[Tuple[Site, Site]]] = {}
    for name, pairs in assigned.items():
        for pair in pairs:
            nearby.setdefault((name, id(_home(pair[0], name))), []).append(pair)
    for start in starts:
        func = start.node.func  # type: ignore[attr-defined]
        if not isinstance(func, ast.Attribute) or func.attr != "start":
            continue
        receiver = func.value
        key: Optional[str] = None
        if isinstance(receiver, ast.Call):
            patcher = patcher_calls.get(id(receiver))
            if patcher is None:
                continue
        else:
            key = receiver_key(receiver)
            if key is None:
                continue
            # the assignments where the start stands (and module level); a self. attribute
            # may be assigned in a base or subclass: then all of them
            near = nearby.get((key, id(_home(start, key))), []) + nearby.get((key, id(None)), [])
            candidates = near or assigned.get(key, [])
            matches = [(site, call) for site, call in candidates if _same_scope(start, site, key)]
            if not matches:
                continue
            patcher = _assigned_before(start, matches)
        # Where a stop may stand is decided by restores(); any stop of the same name counts.
        if any(True for index in (stop_index.get(None), stop_index.get(key) if key is not None else None)
               if index is not None for _stop in index.restoring(start)):
            continue
        yield finding("MXS004", start.node, start, target=_target(patcher))


def _assigned_before(start: Site, pairs: List[Tuple[Site, Site]]) -> Site:
    """The patcher last assigned before *start* in its own function; the last of all where
    none is (a loop carries it round, or another method assigned it)."""
    where = (start.line, start.node.col_offset)  # type: ignore[attr-defined]
    before = [call for site, call in pairs
              if site.fn is start.fn and (site.stmt.end_lineno or 0, site.stmt.end_col_offset or 0) <= where]
    return before[-1] if before else pairs[-1][1]


def _target(patcher: Site) -> str:
    call = patcher.node
    args = call.args  # type: ignore[attr-defined]
    first = args[0] if args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        label = first.value if len(first.value) <= 80 else first.value[:77] + "..."
    else:
        label = shown(first)
    if patcher.name and patcher.name.endswith(".object") and len(args) > 1 \
            and isinstance(args[1], ast.Constant):
        label += "." + shown_value(args[1].value)
    return label
