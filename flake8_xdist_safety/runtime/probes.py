"""Snapshots of the process-global state a test can leak: ``os.environ``, active
``unittest.mock`` patchers, and the ``dependency_overrides`` of web apps.

Each probe takes a snapshot (a dict from a key to a value) and compares two of them.
A snapshot is cheap (a dict copy): one is taken before every test's setup and one after
its teardown, so the plugin's cost is mostly these copies.
"""
import functools
import inspect
import os
import sys
import types
from typing import Any, Callable, Dict, Hashable, Iterable, List, Mapping, Optional, Tuple

from flake8_xdist_safety.runtime.findings import KIND_ENV, KIND_OVERRIDE, KIND_PATCHER

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


class EnvironProbe:
    """``os.environ``: keys added, changed or removed. Values are never reported (secrets)."""

    code = "MXS003"
    kind = KIND_ENV

    def __init__(self) -> None:
        # os.environ keeps its encoded mapping in _data; copying that dict is a C-level copy,
        # several times faster than dict(os.environ), which decodes every key and value.
        raw = getattr(os.environ, "_data", None)
        self._raw: Optional[Dict[Any, Any]] = raw if isinstance(raw, dict) else None
        # pytest itself sets PYTEST_CURRENT_TEST during each phase of each test.
        self._ignored = {"PYTEST_CURRENT_TEST", os.environ.encodekey("PYTEST_CURRENT_TEST")}

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        """A copy of the environment, or *previous* itself if it still equals the environment
        (comparing is cheaper than copying)."""
        source: Mapping[Any, Any] = self._raw if self._raw is not None else os.environ
        if previous is not None and self._raw is not None and previous == self._raw:
            return previous
        return dict(source)

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before == after:  # the common case, decided in C
            return []
        return [change for change in compare(before, after, lambda old, new: bool(old == new))
                if change[0] not in self._ignored]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        name = os.fsdecode(key) if isinstance(key, bytes) else str(key)
        return name, "os.environ[{!r}] {}".format(name, change)


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

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        registries = _active_patch_registries()
        if not registries and "unittest.mock" in sys.modules:
            self.unavailable = ("unittest.mock has no _patch._active_patches on this Python: "
                                "patchers are not checked")
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


def _overrides_of(obj: Any) -> Optional[Dict[Any, Any]]:
    # getattr_static: a plain getattr() on a Mock (or any __getattr__ object) would create
    # the attribute, changing the very objects the plugin is observing.
    try:
        overrides = inspect.getattr_static(obj, "dependency_overrides", None)
    except Exception:  # noqa: BLE001 - an odd object in a module's globals must not stop the run
        return None
    return overrides if isinstance(overrides, dict) else None


def find_apps(modules: Iterable[types.ModuleType]) -> List[Tuple[str, Any]]:
    """Objects with a dict ``dependency_overrides`` (FastAPI apps, fakes of them) among the
    globals of *modules*, and one level further into the modules those globals name.

    Returns ``(label, app)`` pairs, each app once, labelled ``module.name`` where first seen.
    """
    found: Dict[int, Tuple[str, Any]] = {}
    scanned_modules = set()
    for module in modules:
        for name, value in sorted(vars(module).items()):
            places = [(module.__name__ + "." + name, value)]
            if isinstance(value, types.ModuleType):
                # Each module is scanned once, however many test modules import it.
                if id(value) in scanned_modules or value is module:
                    continue
                scanned_modules.add(id(value))
                places = [(value.__name__ + "." + inner, inner_value)
                          for inner, inner_value in sorted(vars(value).items())]
            for label, candidate in places:
                if id(candidate) not in found and _overrides_of(candidate) is not None:
                    found[id(candidate)] = (label, candidate)
    return sorted(found.values(), key=lambda pair: pair[0])


def _dependency_name(key: Any) -> str:
    name = getattr(key, "__qualname__", None)
    if isinstance(name, str):
        return name
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."


class OverrideProbe:
    """``app.dependency_overrides`` of the apps found after collection: keys added, re-bound or
    removed by a test (compared by identity of the override, as FastAPI calls it)."""

    code = "MXS007"
    kind = KIND_OVERRIDE

    def __init__(self, apps: List[Tuple[str, Any]]) -> None:
        self.apps = apps

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        snapshot: Snapshot = {}
        for index, (_label, app) in enumerate(self.apps):
            for key, value in (_overrides_of(app) or {}).items():
                snapshot[(index, key)] = value
        return snapshot

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if not self.apps:
            return []
        return compare(before, after, lambda old, new: old is new)

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        assert isinstance(key, tuple)
        index, dependency = key
        label = self.apps[index][0]
        name = _dependency_name(dependency)
        return name, "{}.dependency_overrides[{}] {}".format(label, name, change)
