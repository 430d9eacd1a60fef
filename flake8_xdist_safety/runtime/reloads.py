"""Modules a test reloads (MXS013): ``importlib.reload`` re-runs a module in place, so every
later test of the worker gets new class and function objects from it, and its module-level
values as they came out of that import (read from a patched environment, say).

``sys.modules`` does not show it: the module object stays the same. So the probe is told:
while the checks run, ``importlib.reload`` is a wrapper that keeps a copy of the module's
namespace before its first reload since the last reading, then reloads as always. A test is
reported when a module it reloaded has an attribute that is not the object, or an equal value,
it was before: a reload of a module that defines functions or classes always is; a module of
plain values reloaded back as it was is not. Nothing is read while no test reloads anything,
and an old namespace is kept only while a window that began before the reload is open.

Not seen: a reload through a name bound before the checks started (``from importlib import
reload`` in the rootdir's conftest.py, imported before pytest configures plugins).
"""
import functools
import importlib
import weakref
from typing import Any, Callable, Dict, Hashable, List, Optional, Tuple

from flake8_xdist_safety.runtime.heard import Heard, Reading
from flake8_xdist_safety.runtime.probes import Change, Snapshot
from flake8_xdist_safety.runtime.process import _same as same_value

KIND_RELOADS = "reloads"


def _same(old: Any, new: Any) -> bool:
    try:
        return same_value(old, new)
    except Exception:  # noqa: BLE001 - a value that will not compare is not the same value
        return False


class _Weak:
    """An old object of a reloaded module, held weakly: holding it would keep alive what the
    reload replaced (a test may check, with a weakref of its own, that the old class is gone)."""

    __slots__ = ("ref",)

    def __init__(self, ref: "weakref.ref[Any]") -> None:
        self.ref = ref


#: What a dead weak reference reads as: an object that is gone, not the one there now.
_GONE = object()


def _kept(namespace: Dict[str, Any]) -> Dict[str, Any]:
    """The namespace as the probe keeps it: classes, functions and other objects that can be
    weakly referenced, weakly; plain values (numbers, strings, containers), as they are."""
    kept: Dict[str, Any] = {}
    for name, value in namespace.items():
        try:
            kept[name] = _Weak(weakref.ref(value))
        except TypeError:
            kept[name] = value
    return kept


def _before_reload(module: Any) -> Tuple[Any, Dict[str, Any]]:
    return module, _kept(vars(module))


def _value(kept: Any) -> Any:
    if isinstance(kept, _Weak):
        value = kept.ref()
        return _GONE if value is None else value
    return kept


def _changed_names(before: Dict[str, Any], after: Dict[str, Any]) -> List[str]:
    names = [name for name, value in before.items()
             if not name.startswith("__") and (name not in after or not _same(_value(value), after[name]))]
    return names + [name for name in after if not name.startswith("__") and name not in before]


class ReloadProbe:
    """Modules reloaded during the test, compared with their namespace before the reload.

    Each reload is heard (``heard.py``) with a copy of the module's namespace before it, kept
    only while a live reading can ask for it; a reading is how many reloads had been heard."""

    code = "MXS013"
    kind = KIND_RELOADS

    def __init__(self) -> None:
        self._heard = Heard()
        self._original: Optional[Callable[..., Any]] = None
        self._wrapper: Optional[Callable[..., Any]] = None

    def install(self) -> None:
        original = importlib.reload
        heard = self._heard

        @functools.wraps(original)
        def reload(module: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                name = module.__spec__.name if getattr(module, "__spec__", None) is not None \
                    else module.__name__
                if isinstance(name, str):
                    heard.add(name, _before_reload, module)
            except Exception:  # noqa: BLE001 - never in the way of the reload itself
                pass
            return original(module, *args, **kwargs)

        self._original, self._wrapper = original, reload
        importlib.reload = reload

    def close(self) -> None:
        """``importlib.reload`` as it was (unless something replaced the wrapper since)."""
        if self._wrapper is not None and importlib.reload is self._wrapper:
            importlib.reload = self._original  # type: ignore[assignment]
        self._wrapper = None

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        if isinstance(previous, Reading) and previous.heard == self._heard.count:
            return previous
        return self._heard.reading(Reading())

    def _reloaded(self, before: Snapshot, after: Optional[Snapshot]) -> Dict[str, Tuple[Any, Dict[str, Any]]]:
        """Each module reloaded between two readings: it and its namespace before the first reload."""
        start = before.heard if isinstance(before, Reading) else self._heard.count
        end = after.heard if isinstance(after, Reading) else None
        return {str(name): state for name, state in self._heard.first(start, end).items()}

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        return [(name, "reloaded") for name, (module, namespace) in self._reloaded(before, after).items()
                if _changed_names(namespace, vars(module))]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        module, namespace = self._reloaded(before, after)[str(key)]
        names = _changed_names(namespace, vars(module))
        listed = ", ".join(name[:30] for name in names[:3]) + (", ..." if len(names) > 3 else "")
        return "sys.modules[{!r}]".format(key), (
            "module {!r} reloaded: {} of its attributes are other objects now ({})".format(
                key, len(names), listed))

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        """The module's attributes as they were before the test's first reload of it: its old
        classes and functions back, those that still exist (someone holds them)."""
        module, namespace = self._reloaded(before, None)[str(key)]
        current = vars(module)
        for name in [name for name in current if name not in namespace and not name.startswith("__")]:
            del current[name]
        for name, kept in namespace.items():
            value = _value(kept)
            # An old object nobody holds any more is gone: its successor cannot be told from it.
            if value is not _GONE and not name.startswith("__"):
                current[name] = value
        return True


def reload_probe() -> ReloadProbe:
    """A probe, installed: ``importlib.reload`` is its wrapper until ``close()``."""
    probe = ReloadProbe()
    probe.install()
    return probe
