"""Modules a test reloads (MXS013): ``importlib.reload`` re-runs a module in place, so every
later test of the worker gets new class and function objects from it, and its module-level
values as they came out of that import (read from a patched environment, say).

``sys.modules`` does not show it: the module object stays the same. So the probe is told:
while the checks run, ``importlib.reload`` is a wrapper that keeps a copy of the module's
namespace before its first reload since the last reading, then reloads as always. A test is
reported when a module it reloaded has an attribute that is not the object, or an equal value,
it was before: a reload of a module that defines functions or classes always is; a module of
plain values reloaded back as it was is not. Nothing is read while no test reloads anything.

Not seen: a reload through a name bound before the checks started (``from importlib import
reload`` in the rootdir's conftest.py, imported before pytest configures plugins).
"""
import functools
import importlib
from typing import Any, Callable, Dict, Hashable, List, Optional, Tuple

from flake8_xdist_safety.runtime.probes import Change, Snapshot

KIND_RELOADS = "reloads"


def _same(old: Any, new: Any) -> bool:
    if old is new:
        return True
    try:
        return bool(old == new)
    except Exception:  # noqa: BLE001 - a value that will not compare is not the same value
        return False


def _changed_names(before: Dict[str, Any], after: Dict[str, Any]) -> List[str]:
    names = [name for name, value in before.items()
             if not name.startswith("__") and (name not in after or not _same(value, after[name]))]
    return names + [name for name in after if not name.startswith("__") and name not in before]


#: The key of a reading: how many reloads the probe had heard of when it was taken.
_HEARD = "reloads heard of"


class ReloadProbe:
    """Modules reloaded during the test, compared with their namespace before the reload.

    Every reload is kept in order (the module and a copy of its namespace before it), and a
    reading is how many there were: readings consume nothing, so a wider fixture's readings
    taken inside a test's window leave the test's own comparison whole."""

    code = "MXS013"
    kind = KIND_RELOADS

    def __init__(self) -> None:
        self._heard: List[Tuple[str, Any, Dict[str, Any]]] = []
        self._original: Optional[Callable[..., Any]] = None
        self._wrapper: Optional[Callable[..., Any]] = None

    def install(self) -> None:
        original = importlib.reload
        heard = self._heard

        @functools.wraps(original)
        def reload(module: Any) -> Any:
            try:
                name = module.__name__
                if isinstance(name, str):
                    heard.append((name, module, dict(vars(module))))
            except Exception:  # noqa: BLE001 - never in the way of the reload itself
                pass
            return original(module)

        self._original, self._wrapper = original, reload
        importlib.reload = reload

    def close(self) -> None:
        """``importlib.reload`` as it was (unless something replaced the wrapper since)."""
        if self._wrapper is not None and importlib.reload is self._wrapper:
            importlib.reload = self._original  # type: ignore[assignment]
        self._wrapper = None

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        heard = len(self._heard)
        if previous is not None and previous.get(_HEARD) == heard:
            return previous
        return {_HEARD: heard}

    def _reloaded(self, before: Snapshot, after: Optional[Snapshot]) -> Dict[str, Tuple[Any, Dict[str, Any]]]:
        """Each module reloaded between two readings: it and its namespace before the first reload."""
        end = after.get(_HEARD) if after is not None else None
        first: Dict[str, Tuple[Any, Dict[str, Any]]] = {}
        for name, module, namespace in self._heard[before.get(_HEARD, 0):end]:
            first.setdefault(name, (module, namespace))
        return first

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
        """The module's namespace as it was before the test's first reload of it (its old
        classes and functions back)."""
        module, namespace = self._reloaded(before, None)[str(key)]
        current = vars(module)
        for name in [name for name in current if name not in namespace]:
            del current[name]
        current.update(namespace)
        return True


def reload_probe() -> ReloadProbe:
    """A probe, installed: ``importlib.reload`` is its wrapper until ``close()``."""
    probe = ReloadProbe()
    probe.install()
    return probe
