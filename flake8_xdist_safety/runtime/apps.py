"""The ``dependency_overrides`` of web apps (FastAPI's, and fakes of them): finding the apps
among the test modules' globals once collection is done, and the probe that reads the
overrides of the apps a test can reach (MXS007).
"""
import functools
import inspect
import types
from typing import Any, Callable, Dict, Hashable, Iterable, List, Optional, Set, Tuple

from flake8_xdist_safety.runtime.findings import KIND_OVERRIDE
from flake8_xdist_safety.runtime.probes import Change, Snapshot, compare

#: Built-in types: their instances have no attributes of their own and the types themselves
#: cannot be given one, so nothing of these types holds ``dependency_overrides``. Most of a
#: module's globals are of these types (or functions and modules, whose own namespace is read
#: directly): answering them here, not with getattr_static, made finding the apps 5x faster.
_NO_ATTRIBUTES = frozenset({
    int, float, complex, bool, str, bytes, tuple, list, dict, set, frozenset, type(None),
    type(Ellipsis), type(NotImplemented), types.BuiltinFunctionType, types.MethodDescriptorType,
    types.WrapperDescriptorType,
})
_OWN_NAMESPACE = (types.FunctionType, types.ModuleType)
#: A class's method resolution order and namespace, read as getattr_static reads them (no
#: metaclass code runs).
_mro_of = type.__dict__["__mro__"].__get__
_namespace_of = type.__dict__["__dict__"].__get__


def _plain_class(klass: type) -> bool:
    """Whether no class in *klass*'s MRO names ``dependency_overrides`` or replaces the standard
    ``__dict__``: getattr_static then finds the name on an instance in its ``__dict__`` only."""
    try:
        for entry in _mro_of(klass):
            namespace = _namespace_of(entry)
            own = namespace.get("__dict__")
            if "dependency_overrides" in namespace or own is not None and not (
                    type(own) is types.GetSetDescriptorType and own.__name__ == "__dict__"
                    and own.__objclass__ is entry):
                return False
    except Exception:  # noqa: BLE001 - an odd class: getattr_static decides
        return False
    return type not in _mro_of(klass)  # instances of a metaclass are classes


def _overrides_of(obj: Any, plain: Optional[Dict[type, bool]] = None) -> Optional[Dict[Any, Any]]:
    """``obj.dependency_overrides`` if it is a dict, read without running any of *obj*'s code;
    *plain* caches :func:`_plain_class` per class while finding the apps."""
    kind = type(obj)
    if kind in _NO_ATTRIBUTES:
        return None
    if kind in _OWN_NAMESPACE and "dependency_overrides" not in obj.__dict__:
        return None
    # A class whose metaclass is type (so are its bases'): its own and its bases' namespaces are
    # where getattr_static would look (type's own namespace has no such name).
    if kind is type and not any("dependency_overrides" in vars(base) for base in obj.__mro__):
        return None
    if plain is not None:
        if kind not in plain:
            plain[kind] = _plain_class(kind)
        if plain[kind]:
            try:
                namespace = object.__getattribute__(obj, "__dict__")
            except AttributeError:
                return None
            found = namespace.get("dependency_overrides") if type(namespace) is dict else None
            return found if isinstance(found, dict) else None
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
    plain: Dict[type, bool] = {}
    for module in modules:
        for name, value in sorted(vars(module).items()):
            owner, places = module, [(name, value)]
            if isinstance(value, types.ModuleType):
                # Each module is scanned once, however many test modules import it.
                if id(value) in scanned_modules or value is module:
                    continue
                scanned_modules.add(id(value))
                owner, places = value, sorted(vars(value).items())
            for inner, candidate in places:
                if id(candidate) not in found and _overrides_of(candidate, plain) is not None:
                    found[id(candidate)] = (owner.__name__ + "." + inner, candidate)
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

    @property
    def apps(self) -> List[Tuple[str, Any]]:
        return self._apps

    @apps.setter
    def apps(self, apps: List[Tuple[str, Any]]) -> None:
        # Each app's instance namespace is found once: reading dependency_overrides from it per
        # test is a dict lookup, where inspect.getattr_static per app per test cost +24 % on a
        # suite with 250 apps. Objects without an instance dict keep the slow, safe read.
        self._apps = apps
        self._readers: List[Callable[[], Any]] = []
        #: The apps read per test (indexes into apps): all, until focus() narrows them.
        self._focused: Optional[List[int]] = None
        self._focus_key: Tuple[int, ...] = ()
        #: Per module id: the apps in its globals, and those a test in it can reach. Each is
        #: found once: a suite's test modules share the modules they import (os, the app's).
        self._in_globals: Dict[int, Set[int]] = {}
        self._reachable_from: Dict[int, Set[int]] = {}
        self._index_of = {id(app): index for index, (_label, app) in enumerate(apps)}
        for _label, app in apps:
            try:
                namespace = object.__getattribute__(app, "__dict__")
            except (AttributeError, TypeError):
                namespace = None
            if isinstance(namespace, dict) and isinstance(namespace.get("dependency_overrides"), dict):
                self._readers.append(functools.partial(namespace.get, "dependency_overrides"))
            else:
                self._readers.append(functools.partial(_overrides_of, app))

    def _apps_in_globals(self, module: types.ModuleType) -> Set[int]:
        found = self._in_globals.get(id(module))
        if found is None:
            index_of = self._index_of
            found = self._in_globals[id(module)] = {
                index_of[id(value)] for value in list(vars(module).values()) if id(value) in index_of}
        return found

    def _reachable(self, module: types.ModuleType) -> Set[int]:
        """The apps a test in *module* can reach: in its globals, or one module further."""
        found = self._reachable_from.get(id(module))
        if found is None:
            found = set(self._apps_in_globals(module))
            for value in list(vars(module).values()):
                if isinstance(value, types.ModuleType):
                    found |= self._apps_in_globals(value)
            self._reachable_from[id(module)] = found
        return found

    def focus(self, modules: List[types.ModuleType]) -> bool:
        """Read per test only the apps reachable from *modules* (the test's module and the
        conftests): with an app per test module, reading all of them after every test is work
        proportional to the suite. Returns whether the focus changed."""
        key = tuple(id(module) for module in modules)
        if key == self._focus_key:
            return False
        self._focus_key = key
        self._focused = sorted(set().union(*(self._reachable(module) for module in modules)))
        return True

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        indexes = range(len(self._readers)) if self._focused is None else self._focused
        if not indexes:  # no app the test can reach (most suites have none at all)
            return previous if previous is not None and not previous else {}
        current = [(index, self._readers[index]()) for index in indexes]
        if not any(overrides for _index, overrides in current):  # all empty: the common case
            return previous if previous is not None and not previous else {}
        snapshot: Snapshot = {}
        for index, overrides in current:
            if isinstance(overrides, dict):
                for key, value in overrides.items():
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

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        assert isinstance(key, tuple)
        overrides = _overrides_of(self.apps[key[0]][1])
        if overrides is None:
            return False
        if change == "added":
            overrides.pop(key[1], None)
        else:
            overrides[key[1]] = before[key]
        return True
