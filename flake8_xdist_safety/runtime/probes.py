"""Snapshots of the process-global state a test can leak: ``os.environ`` and active
``unittest.mock`` patchers (the ``dependency_overrides`` of web apps are ``apps.py``'s).

Each probe takes a snapshot (a dict from a key to a value) and compares two of them.
A snapshot is cheap (a dict copy): one is taken before every test's setup and one after
its teardown, so the plugin's cost is mostly these copies.
"""
import functools
import os
import sys
import types
from typing import Any, Callable, Dict, Hashable, List, Mapping, Optional, Tuple

from flake8_xdist_safety.runtime.findings import KIND_ENV, KIND_PATCHER

Snapshot = Dict[Hashable, Any]
#: (key, "added" | "changed" | "removed")
Change = Tuple[Hashable, str]


def compare(before: Snapshot, after: Snapshot, same: Callable[[Any, Any], bool]) -> List[Change]:
    changes: List[Change] = []
    for key in before:
        if key not in after:
            changes.append((key, "removed"))
        elif not same(before[key], after[key]):
            changes.append((key, "changed"))
    changes.extend((key, "added") for key in after if key not in before)
    return changes


class EnvironSnapshot(Dict[Hashable, Any]):
    """A copy of the environment's contents that remembers which object ``os.environ`` was."""

    environ: Any = None


#: The key of a change of the ``os.environ`` object itself.
REBOUND = "os.environ object"


class EnvironProbe:
    """``os.environ``: keys added, changed or removed, and ``os.environ`` rebound to another
    object. Values are never reported (secrets). ``os.environ`` is looked up at each snapshot:
    a test (or a conftest) that rebinds it must not blind the probe to what follows."""

    code = "MXS003"
    kind = KIND_ENV
    # pytest itself sets PYTEST_CURRENT_TEST during each phase of each test.
    _ignored = {"PYTEST_CURRENT_TEST", b"PYTEST_CURRENT_TEST"}

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        """A copy of the environment, or *previous* itself if it still equals the environment
        (comparing is cheaper than copying)."""
        environ = os.environ
        # os.environ keeps its encoded mapping in _data; copying that dict is a C-level copy,
        # several times faster than dict(os.environ), which decodes every key and value.
        raw = getattr(environ, "_data", None) if isinstance(environ, os._Environ) else None
        source: Mapping[Any, Any] = raw if isinstance(raw, dict) else environ
        if (isinstance(previous, EnvironSnapshot) and previous.environ is environ
                and isinstance(source, dict) and previous == source):
            return previous
        copy = EnvironSnapshot(source)
        copy.environ = environ
        return copy

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        rebound = getattr(before, "environ", None) is not getattr(after, "environ", None)
        found: List[Change] = [(REBOUND, "rebound")] if rebound else []
        if before == after:  # the common case, decided in C
            return found
        return found + [change for change in compare(before, after, lambda old, new: bool(old == new))
                        if change[0] not in self._ignored]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        if key == REBOUND:
            return REBOUND, "os.environ rebound to another object ({})".format(
                type(getattr(after, "environ", None)).__qualname__)
        name = os.fsdecode(key) if isinstance(key, bytes) else str(key)
        return name, "os.environ[{!r}] {}".format(name, change)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        if key == REBOUND:
            os.environ = getattr(before, "environ")  # noqa: B003 - putting back the test's rebinding
            return True
        name = os.fsdecode(key) if isinstance(key, bytes) else str(key)
        if change == "added":
            os.environ.pop(name, None)
        else:
            value = before[key]
            os.environ[name] = os.fsdecode(value) if isinstance(value, bytes) else str(value)
        return True


#: Never a module: what the patcher probe has looked up its registries for before its first reading.
_UNSEEN = object()

#: Module name -> its patch registry, once found (the list is a class attribute: it stays).
_known_registries: Dict[str, List[Any]] = {}


def _active_patch_registries() -> List[List[Any]]:
    # Looked up at each snapshot until found, not at import: unittest.mock (or the `mock`
    # backport) may be imported by a test, and the plugin must not import it for suites
    # that never do.
    for module_name in ("unittest.mock", "mock"):
        if module_name in _known_registries or module_name not in sys.modules:
            continue
        patch_class = getattr(sys.modules[module_name], "_patch", None)
        active = getattr(patch_class, "_active_patches", None)
        if isinstance(active, list):
            _known_registries[module_name] = active
    return list(_known_registries.values())


def _describe_object(obj: Any) -> str:
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    if isinstance(obj, (type, types.FunctionType)):
        return "{}.{}".format(getattr(obj, "__module__", "?"), getattr(obj, "__qualname__", "?"))
    return "<{} instance>".format(type(obj).__qualname__)


def _getter_owner(getter: Any) -> str:
    """The patched object's name from a patcher's ``getter``, without calling it (which imports)."""
    if isinstance(getter, functools.partial):  # Python >= 3.11: partial(resolve_name, "pkg.mod")
        if getter.args and isinstance(getter.args[0], str):
            return getter.args[0]
    for cell in getattr(getter, "__closure__", None) or ():  # lambda: _importer(target) / target
        try:
            contents = cell.cell_contents
        except ValueError:
            continue
        return contents if isinstance(contents, str) else _describe_object(contents)
    return "?"


def patch_target(patcher: Any) -> str:
    """``pkg.mod.attr`` for ``patch``/``patch.object``, ``X (patch.dict)`` for ``patch.dict``."""
    if hasattr(patcher, "in_dict"):
        in_dict = patcher.in_dict
        if isinstance(in_dict, str):
            name = in_dict
        elif in_dict is os.environ:
            name = "os.environ"
        else:
            name = "<{}>".format(type(in_dict).__qualname__)
        return name + " (patch.dict)"
    owner = _getter_owner(getattr(patcher, "getter", None))
    attributes = [str(getattr(patcher, "attribute", "?"))]
    # patch.multiple: the first attribute is on the patcher, the others on its helpers.
    attributes += [str(getattr(extra, "attribute", "?"))
                   for extra in getattr(patcher, "additional_patchers", None) or ()]
    return ", ".join("{}.{}".format(owner, attribute) for attribute in attributes)


class PatcherProbe:
    """Patchers started with ``start()`` and not stopped: ``unittest.mock`` keeps them in
    ``_patch._active_patches`` (that is what ``patch.stopall()`` stops). A patch used as a
    context manager or decorator never enters that list, and neither needs to."""

    code = "MXS004"
    kind = KIND_PATCHER

    def __init__(self) -> None:
        self.unavailable = ""
        #: The mock modules the registries were last looked up for, and those registries.
        self._modules: Tuple[Any, Any] = (_UNSEEN, _UNSEEN)
        self._registries: List[List[Any]] = []

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        modules = (sys.modules.get("unittest.mock"), sys.modules.get("mock"))
        if modules != self._modules:  # looked up again only once either module comes or goes
            self._modules, self._registries = modules, _active_patch_registries()
            if not self._registries and modules[0] is not None:
                self.unavailable = ("unittest.mock has no _patch._active_patches on this Python: "
                                    "patchers are not checked")
        registries = self._registries
        if previous is not None and not previous and not any(registries):  # none, as before
            return previous
        return {id(patcher): patcher for registry in registries for patcher in registry}

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before.keys() == after.keys():  # the same patcher objects are active
            return []
        return compare(before, after, lambda old, new: old is new)

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        target = patch_target(after[key] if change == "added" else before[key])
        if change == "added":
            return target, "patcher for {} started and still active after teardown".format(target)
        return target, "patcher for {}, active before the test, was stopped by it".format(target)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        if change != "added":
            return False  # restarting another test's patcher would patch twice
        for registry in _active_patch_registries():
            for patcher in list(registry):
                if id(patcher) == key:
                    patcher.stop()
                    return True
        return False
