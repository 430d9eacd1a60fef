"""Process-wide settings a test can leave changed (MXS016), one read / restore pair each, in
the shape of CPython's ``libregrtest/save_env.py``; and the two that pytest itself restores
around each test (``sys.std*`` under capture, the warnings filters), checked after it has.

A setting of a module the suite has not imported yet (``socket``, ``asyncio``) is not read:
the plugin imports nothing for the suite, and a first import is not a change.
"""
import functools
import gc
import importlib
import os
import signal
import sys
import threading
import warnings
from typing import Any, Callable, Dict, Hashable, List, NamedTuple, Optional, Sequence, Tuple

from flake8_xdist_safety.runtime.probes import Change, Snapshot, compare
from flake8_xdist_safety.runtime.state import short_repr

KIND_SETTINGS = "settings"
KIND_STREAMS = "streams and warnings"

#: Signals whose handlers are compared: the ones test code and libraries install handlers for.
#: Not every catchable signal: reading a handler costs 0.7 µs, and this runs after every test.
SIGNAL_NAMES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGALRM", "SIGUSR1", "SIGUSR2",
                "SIGCHLD", "SIGPIPE", "SIGWINCH", "SIGABRT", "SIGTSTP", "SIGCONT", "SIGVTALRM")


#: The C getter: signal.getsignal converts each handler to an enum, 0.8 µs a signal.
_raw_getsignal: Callable[[int], Any] = getattr(importlib.import_module("_signal"), "getsignal",
                                               signal.getsignal)


class Setting(NamedTuple):
    name: str
    read: Callable[[], Any]
    #: Puts a value back; None where that cannot be done.
    write: Optional[Callable[[Any], None]]


def _module_attribute(module: str, attribute: str) -> Callable[[], Any]:
    def read() -> Any:
        found = sys.modules.get(module)
        return getattr(found, attribute) if found is not None else _NOT_IMPORTED
    return read


_NOT_IMPORTED = object()


#: What a ``threading.excepthook`` of pytest's own reads as: before pytest 8.4 its threadexception
#: plugin installs a hook of a new object around each phase of each test (a setup's and a
#: teardown's are never the same object), and puts the previous one back after the phase.
PYTEST_THREAD_HOOK = "pytest's threading.excepthook of the test phase"


def _thread_excepthook(threading_module: Any) -> Any:
    hook = threading_module.excepthook
    owner = getattr(hook, "__self__", None)
    if owner is not None and type(owner).__module__ == "_pytest.threadexception":
        return PYTEST_THREAD_HOOK
    return hook


def _read_thread_excepthook() -> Any:
    found = sys.modules.get("threading")
    return _thread_excepthook(found) if found is not None else _NOT_IMPORTED


def _set_thread_excepthook(value: Any) -> None:
    if value is PYTEST_THREAD_HOOK:  # pytest puts its own back after the phase
        raise ValueError("pytest's own hook of the test phase")
    setattr(sys.modules["threading"], "excepthook", value)


def _set_attribute(module: str, attribute: str) -> Callable[[Any], None]:
    def write(value: Any) -> None:
        setattr(sys.modules[module], attribute, value)
    return write


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _socket_timeout() -> Any:
    socket = sys.modules.get("socket")
    return socket.getdefaulttimeout() if socket is not None else _NOT_IMPORTED


def _set_socket_timeout(value: Any) -> None:
    sys.modules["socket"].setdefaulttimeout(value)


def _locale() -> Any:
    locale = sys.modules.get("locale")
    return locale.setlocale(locale.LC_ALL, None) if locale is not None else _NOT_IMPORTED


def _set_locale(value: Any) -> None:
    locale = sys.modules["locale"]
    locale.setlocale(locale.LC_ALL, value)


def _asyncio_policy() -> Any:
    events = sys.modules.get("asyncio.events")
    if events is None:
        return _NOT_IMPORTED
    policy = getattr(events, "_event_loop_policy", None)
    # asyncio creates its default policy on first use (pytest-asyncio's session fixture does):
    # None and an instance of the default class are the same setting.
    default = getattr(sys.modules.get("asyncio"), "DefaultEventLoopPolicy", None)
    return None if default is not None and type(policy) is default else policy


def _set_prompt(name: str, value: Any) -> None:
    if value is None:
        if hasattr(sys, name):
            delattr(sys, name)
    else:
        setattr(sys, name, value)


def _gc_enabled(value: Any) -> None:
    gc.enable() if value else gc.disable()


def _signal_numbers() -> List[Tuple[str, int]]:
    return [(name, int(getattr(signal, name))) for name in SIGNAL_NAMES if hasattr(signal, name)]


def _set_signal(number: int, value: Any) -> None:
    if value is None:  # installed from C: nothing Python can put back
        raise ValueError("handler installed outside Python")
    signal.signal(number, value)


def process_settings() -> List[Setting]:
    """Every setting the probe compares, in report order."""
    return [
        Setting("socket default timeout", _socket_timeout, _set_socket_timeout),
        Setting("recursion limit", sys.getrecursionlimit, sys.setrecursionlimit),
        Setting("switch interval", sys.getswitchinterval, sys.setswitchinterval),
        Setting("sys.gettrace()", sys.gettrace, sys.settrace),
        Setting("sys.getprofile()", sys.getprofile, sys.setprofile),
        Setting("threading trace hook", _module_attribute("threading", "_trace_hook"),
                threading.settrace),
        Setting("threading profile hook", _module_attribute("threading", "_profile_hook"),
                threading.setprofile),
        Setting("sys.excepthook", _module_attribute("sys", "excepthook"),
                _set_attribute("sys", "excepthook")),
        Setting("threading.excepthook", _read_thread_excepthook, _set_thread_excepthook),
        Setting("locale LC_ALL", _locale, _set_locale),
        Setting("asyncio event loop policy", _asyncio_policy,
                _set_attribute("asyncio.events", "_event_loop_policy")),
        Setting("gc.isenabled()", gc.isenabled, _gc_enabled),
        Setting("gc thresholds", gc.get_threshold, lambda value: gc.set_threshold(*value)),
        Setting("umask", _umask, lambda value: None if os.umask(value) else None),
        # Set by interactive shells (IPython's embed); libraries take it as "running interactively".
        # vars(sys).get: getattr(sys, "ps1", None) raises and catches inside, 0.8 µs.
        Setting("sys.ps1", functools.partial(vars(sys).get, "ps1"), functools.partial(_set_prompt, "ps1")),
        Setting("sys.ps2", functools.partial(vars(sys).get, "ps2"), functools.partial(_set_prompt, "ps2")),
    ]


def settings_reader(signal_numbers: Sequence[int]) -> Callable[[], Tuple[Any, ...]]:
    """What the readers of :func:`process_settings` read, in that order, then the handlers of
    *signal_numbers*: one function, since calling sixteen small readers cost as much again as
    the readings themselves (a test checks that both agree)."""
    modules_get = sys.modules.get
    recursion_limit, switch_interval = sys.getrecursionlimit, sys.getswitchinterval
    gettrace, getprofile = sys.gettrace, sys.getprofile
    gc_enabled, gc_threshold = gc.isenabled, gc.get_threshold
    prompts_get, umask, numbers, not_imported = vars(sys).get, os.umask, tuple(signal_numbers), _NOT_IMPORTED

    #: The umask last read. Reading it means setting it: set to what it was last time, it is
    #: put back only if it has changed since (one system call after nearly every test, not two).
    last_mask = [_umask()]

    def read() -> Tuple[Any, ...]:
        socket, sys_module = modules_get("socket"), modules_get("sys")
        threading_module = modules_get("threading")
        mask = umask(last_mask[0])
        if mask != last_mask[0]:
            umask(mask)
            last_mask[0] = mask
        return (
            socket.getdefaulttimeout() if socket is not None else not_imported,
            recursion_limit(), switch_interval(), gettrace(), getprofile(),
            threading_module._trace_hook if threading_module is not None else not_imported,
            threading_module._profile_hook if threading_module is not None else not_imported,
            sys_module.excepthook if sys_module is not None else not_imported,
            _thread_excepthook(threading_module) if threading_module is not None else not_imported,
            _locale(), _asyncio_policy(), gc_enabled(), gc_threshold(), mask,
            prompts_get("ps1"), prompts_get("ps2"),
        ) + tuple(map(_raw_getsignal, numbers))

    return read


def _changed_text(name: str, old: Any, new: Any, members: bool = False) -> str:
    if members and isinstance(old, tuple) and isinstance(new, tuple):  # handlers: what came and went
        added = [short_repr(each) for each in new if each not in old]
        removed = [short_repr(each) for each in old if each not in new]
        parts = (["added " + ", ".join(added)] if added else []) + (
            ["removed " + ", ".join(removed)] if removed else [])
        if parts:
            return "{} changed: {}".format(name, "; ".join(parts))
    old_text, new_text = short_repr(old), short_repr(new)
    if old_text == new_text:  # two objects that print alike
        return "{} replaced by another {}".format(name, old_text)
    return "{} changed from {} to {}".format(name, old_text, new_text)


def _same(old: Any, new: Any) -> bool:
    return old is new or bool(old == new)


class _Settings(Dict[Hashable, Any]):
    """A reading of the settings that keeps its values as a tuple, for a quick comparison."""

    readings: Tuple[Any, ...] = ()


class SettingsProbe:
    """Process-wide settings (MXS016)."""

    code = "MXS016"
    kind = KIND_SETTINGS

    def __init__(self) -> None:
        self.settings = {setting.name: setting for setting in process_settings()}
        signals = _signal_numbers()
        self.signal_keys = ["signal handler of " + name for name, _number in signals]
        self.signal_numbers = [number for _name, number in signals]
        for key, number in zip(self.signal_keys, self.signal_numbers):
            self.settings[key] = Setting(key, functools.partial(_raw_getsignal, number),
                                         functools.partial(_set_signal, number))
        self.names = list(self.settings)
        self.read = settings_reader(self.signal_numbers)

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        values = self.read()
        # The same values as the previous reading (compared in C, identity first): reuse it
        # rather than build a dict of 30 settings after every test.
        if isinstance(previous, _Settings) and previous.readings == values:
            return previous
        found = _Settings(zip(self.names, values))
        found.readings = values
        return found

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before == after:  # the common case, decided in C (identity first)
            return []
        # "added": a module imported during the test (socket, asyncio): a first import is no leak.
        return [change for change in compare(before, after, _same)
                if change[1] != "added" and before[change[0]] is not _NOT_IMPORTED
                and after.get(change[0]) is not _NOT_IMPORTED]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        old, new = before[key], after[key]
        if key == "umask":
            return str(key), "umask changed from 0o{:03o} to 0o{:03o}".format(old, new)
        if str(key).startswith("signal handler of "):
            old, new = _handler(old), _handler(new)
        return str(key), _changed_text(str(key), old, new)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        setting = self.settings[str(key)]
        if setting.write is None:
            return False
        try:
            setting.write(before[key])
        except (ValueError, TypeError, OSError):  # e.g. a signal handler installed from C
            return False
        return True


def _handler(value: Any) -> Any:
    """SIG_DFL / SIG_IGN as signal.getsignal shows them."""
    try:
        return signal.Handlers(value)
    except (ValueError, TypeError):
        return value


class StreamsProbe:
    """``sys.stdin``/``stdout``/``stderr`` identity and the warnings filters. pytest's capture and
    its warnings plugin restore these after each test's teardown hooks, so this probe is read
    from a wrapper of the whole test protocol: a change counts only if it outlives pytest's own
    restoring (it does under ``-s`` or ``-p no:warnings``)."""

    code = "MXS016"
    kind = KIND_STREAMS

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        if (previous is not None and sys.stdin is previous["sys.stdin"]
                and sys.stdout is previous["sys.stdout"] and sys.stderr is previous["sys.stderr"]
                and warnings.filters == previous["warnings filters"]):
            return previous
        return {"sys.stdin": sys.stdin, "sys.stdout": sys.stdout, "sys.stderr": sys.stderr,
                "warnings filters": list(warnings.filters)}

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before == after:
            return []
        return [(key, "changed") for key in before if not _same(before[key], after[key])]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        if key == "warnings filters":
            added = [_filter_text(entry) for entry in after[key] if entry not in before[key]]
            removed = [_filter_text(entry) for entry in before[key] if entry not in after[key]]
            parts = (["added " + ", ".join(added)] if added else []) + (
                ["removed " + ", ".join(removed)] if removed else [])
            return str(key), "warnings filters changed: {}".format("; ".join(parts) or "reordered")
        return str(key), "{} replaced by {}".format(key, short_repr(after[key]))

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        if key == "warnings filters":
            warnings.filters[:] = list(before[key])  # type: ignore[index]
            mutated = getattr(warnings, "_filters_mutated", None)
            if mutated is not None:
                mutated()
        else:
            setattr(sys, str(key)[len("sys."):], before[key])
        return True


def _filter_text(entry: Any) -> str:
    action, message, category, module, line = entry
    pattern = getattr(message, "pattern", message) or ""
    return "{}:{}:{}".format(action, pattern, getattr(category, "__name__", category))
