"""Probes of the interpreter's own state, in the shape of CPython's ``libregrtest/save_env.py``:
one small read / compare / restore per resource.

Each probe has the interface of ``probes.py``'s (``snapshot``, ``changes``, ``describe``) plus
``restore(key, change, before)``, which puts one changed key back and says whether it could.
A snapshot is a plain dict; reading one must be cheap, since it happens after every test.
"""
import os
import re
import sys
import threading
import types
from typing import Any, Callable, Dict, Hashable, List, Optional, Sequence, Tuple

from flake8_xdist_safety.runtime.pid import CURRENT as CURRENT_PID
from flake8_xdist_safety.runtime.probes import Change, Snapshot, compare

#: Bound at import: a test that patches os.getcwd must not change what the probe reads.
_getcwd = os.getcwd

KIND_CWD = "cwd"
KIND_IMPORT_PATH = "import path"
KIND_MODULES = "sys.modules"
KIND_THREADS = "threads"
KIND_CHILDREN = "children"
KIND_FILES = "files"
KIND_ATTRIBUTES = "module attributes"


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def short_repr(value: Any, limit: int = 60) -> str:
    """A repr for a report line: functions by name, without memory addresses (which differ
    from run to run and between workers), cut to *limit* characters."""
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        text = "{}.{}".format(getattr(value, "__module__", None) or "?", value.__qualname__)
    else:
        try:
            text = _ADDRESS.sub("", repr(value))
        except Exception:  # noqa: BLE001 - an object whose repr fails is still reported
            text = "<{} object>".format(type(value).__qualname__)
    return text if len(text) <= limit else text[:limit - 3] + "..."


class CwdProbe:
    """The working directory (``os.getcwd``), put back with ``os.chdir``."""

    code = "MXS014"
    kind = KIND_CWD

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        try:
            cwd: Optional[str] = _getcwd()
        except OSError:  # the directory was removed under the process
            cwd = None
        # Unchanged: the previous reading itself (no new object after every test).
        return previous if previous is not None and previous.get("cwd") == cwd else {"cwd": cwd}

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        return [("cwd", "changed")] if before != after else []

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        new = after["cwd"] if after["cwd"] is not None else "a removed directory"
        return "cwd", "working directory changed from {} to {}".format(before["cwd"], new)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        if before["cwd"] is None:
            return False
        os.chdir(before["cwd"])
        return True


class ImportPathProbe:
    """``sys.path``, ``sys.meta_path`` and ``sys.path_hooks``: their entries, in order."""

    code = "MXS015"
    kind = KIND_IMPORT_PATH
    names = ("path", "meta_path", "path_hooks")

    def __init__(self, ignored_additions: Callable[[str], bool] = lambda entry: False) -> None:
        self.ignored_additions = ignored_additions

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        if previous is not None and sys.path == previous["path"] and sys.meta_path == previous[
                "meta_path"] and sys.path_hooks == previous["path_hooks"]:  # list == list, in C
            return previous
        return {name: list(getattr(sys, name)) for name in self.names}

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before == after:
            return []
        found: List[Change] = []
        for name in self.names:
            added = [entry for entry in after[name] if entry not in before[name]]
            if before[name] != after[name] and not (
                    name == "path" and set(before[name]) <= set(after[name])
                    and all(self.ignored_additions(str(entry)) for entry in added)):
                found.append((name, "changed"))
        return found

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        name = "sys.{}".format(key)
        added = [short_repr(entry, 100) for entry in after[key] if entry not in before[key]]
        removed = [short_repr(entry, 100) for entry in before[key] if entry not in after[key]]
        parts = (["added " + ", ".join(added)] if added else []) + (
            ["removed " + ", ".join(removed)] if removed else [])
        return name, "{} changed: {}".format(name, "; ".join(parts) or "reordered")

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        getattr(sys, str(key))[:] = before[key]
        return True


class ModulesProbe:
    """``sys.modules`` entries a test replaced (another module object under the same name) or
    removed. New imports are not a leak: a later test imports the same module."""

    code = "MXS013"
    kind = KIND_MODULES

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        if previous is not None and previous == sys.modules:  # C-level, identity first
            return previous
        return dict(sys.modules.items())

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before is after:
            return []
        return [change for change in compare(before, after, lambda old, new: old is new)
                if change[1] != "added"]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        verb = "replaced by {}".format(short_repr(after[key])) if change == "changed" else "removed"
        return str(key), "sys.modules[{!r}] {}".format(key, verb)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        sys.modules[str(key)] = before[key]
        return True


class ThreadsProbe:
    """Threads started during the test and still running after it. Reported, never stopped."""

    code = "MXS016"
    kind = KIND_THREADS

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        active: Dict[Any, Any] = getattr(threading, "_active", {})
        if previous is not None and active == previous:  # the same Thread objects (identity)
            return previous
        # A dict copy in C; _DummyThread entries are foreign threads that called into Python.
        return {ident: thread for ident, thread in active.copy().items()
                if not isinstance(thread, threading._DummyThread)}

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before.keys() == after.keys():
            return []
        return [(ident, "added") for ident, thread in after.items()
                if ident not in before and thread.is_alive()]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        thread = after[key]
        return thread.name, "thread {!r}{} started and still running after teardown".format(
            thread.name, " (daemon)" if thread.daemon else "")

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        return False  # never killed: there is no safe way to stop a thread from outside


class ChildrenProbe:
    """Child processes of the process's main thread still alive after the test (Linux:
    ``/proc/self/task/TID/children``, read with one descriptor kept open). Reported, never killed."""

    code = "MXS016"
    kind = KIND_CHILDREN

    def __init__(self) -> None:
        self.unavailable = ""
        #: The pid the descriptor was opened for, and the descriptor.
        self._pid, self._descriptor = -1, -1
        #: The last text read and the reading made of it.
        self._last: Tuple[bytes, Optional[Snapshot]] = (b"", None)

    def _read(self) -> bytes:
        pid = CURRENT_PID[0]
        if self._pid != pid:
            # The main thread's id is the pid: tests run in it.
            self._descriptor = os.open("/proc/{0}/task/{0}/children".format(pid), os.O_RDONLY)
            self._pid = pid
        # A small buffer first: allocating 64 KiB for the usual empty answer cost 3 µs a test.
        size = 256
        while True:
            text = os.pread(self._descriptor, size, 0)
            if len(text) < size:
                return text
            size *= 16

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        if self.unavailable:
            return {}
        try:
            text = self._read()
        except OSError:
            self.unavailable = "child processes are not checked (no /proc/PID/task/TID/children here)"
            return {}
        if previous is not None and previous is self._last[1] and text == self._last[0]:
            return previous
        found: Snapshot = dict.fromkeys(int(pid) for pid in text.split())
        self._last = (text, found)
        return found

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before.keys() == after.keys():
            return []
        return [(pid, "added") for pid in after if pid not in before and _running(int(str(pid)))]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        command = _command_line(int(str(key)))
        return str(key), "child process {} ({}) started and still running after teardown".format(
            key, short_repr(command))

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        return False  # never killed: the test's own cleanup may still be waiting for it


def _running(pid: int) -> bool:
    try:
        with open("/proc/{}/stat".format(pid), "rb") as stat:
            # The state follows the command name, which is in parentheses and may hold spaces.
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _command_line(pid: int) -> str:
    try:
        with open("/proc/{}/cmdline".format(pid), "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip() or "?"
    except OSError:
        return "?"


class FilesProbe:
    """Entries a test created directly in the given directories (rootdir, cwd) and left there."""

    code = "MXS014"
    kind = KIND_FILES

    def __init__(self, directories: Sequence[str]) -> None:
        self.directories = sorted(set(directories))

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        found: Snapshot = {}
        for directory in self.directories:
            try:
                names = os.listdir(directory)
            except OSError:
                continue
            found.update(dict.fromkeys(os.path.join(directory, name) for name in names))
        return found

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before.keys() == after.keys():
            return []
        return [(path, "added") for path in after if path not in before]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        return str(key), "{} created and left behind".format(key)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        return False  # deleting a user's file is not a guess worth making


class _Namespaces(Dict[Hashable, Any]):
    """A reading of watched module attributes that keeps what it was made from."""

    modules: Any = None
    lists: List[Tuple[List[str], List[Any]]] = []


class AttributesProbe:
    """Module attributes (MXS012) of watched modules rebound across a test to another object, not
    equal to the one before. Only attributes that existed before count: a lazily filled cache
    is not a leak."""

    code = "MXS012"
    kind = KIND_ATTRIBUTES

    def __init__(self, prefixes: Sequence[str]) -> None:
        self.prefixes = tuple(prefixes)
        self._modules: List[Tuple[str, Dict[str, Any]]] = []
        self._seen = 0

    def _watched(self) -> List[Tuple[str, Dict[str, Any]]]:
        if len(sys.modules) != self._seen:  # new imports: look for watched modules again
            self._seen = len(sys.modules)
            self._modules = sorted(
                (name, vars(module)) for name, module in list(sys.modules.items())
                if module is not None and any(
                    name == prefix or name.startswith(prefix + ".") for prefix in self.prefixes))
        return self._modules

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        watched = self._watched()
        # Each module's names and values as two lists, compared with the previous reading's in C
        # (identity first): a few ns an attribute, where building the reading cost 0.4 µs.
        lists = [(list(namespace), list(namespace.values())) for _name, namespace in watched]
        if isinstance(previous, _Namespaces) and previous.modules is watched and previous.lists == lists:
            return previous
        found = _Namespaces({(name, attribute): value for name, namespace in watched
                             for attribute, value in namespace.copy().items()
                             if not attribute.startswith("__")})
        if isinstance(previous, _Namespaces) and dict.__eq__(found, previous):
            found = previous  # the same attributes and values (another module imported, a dunder set)
        found.modules, found.lists = watched, lists
        return found

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        # Equal counts as unchanged, as it does where a reading is reused: a rebinding to an
        # equal object (a fresh ``Settings()`` like the default) is not reported, and is not
        # carried in a stale reading into a later test's report either.
        return [change for change in compare(before, after, lambda old, new: old is new or bool(old == new))
                if change[1] != "added"]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        assert isinstance(key, tuple)
        name = "{}.{}".format(*key)
        if change == "removed":
            return name, "{} deleted".format(name)
        return name, "{} rebound from {} to {}".format(name, short_repr(before[key]), short_repr(after[key]))

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        assert isinstance(key, tuple)
        module = sys.modules.get(key[0])
        if module is None:
            return False
        setattr(module, key[1], before[key])
        return True
