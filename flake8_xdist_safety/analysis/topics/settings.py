"""MXS016's state: process-wide settings, from one table (what a call changes, how it is
undone), plus the team's own registries (``mxs-undo-pairs``).

A row's calls form a group: a call of the group in a cleanup position undoes a change of
the group (``sys.setrecursionlimit(old)`` in a ``finally``); some calls only put the
default back (``gc.enable()``, ``signal.alarm(0)``, ``logging.disable(logging.NOTSET)``,
``sys.settrace(None)``) and are never reported. Loggers (``logging.getLogger(...)``, a name
bound to one, ``logging.root``) are one group per logger and kind (level, handlers,
filters, ``propagate``, ``disabled``); ``caplog.set_level`` changes nothing we see.

Not reported: warnings filters and ``sys.stdout``/``stderr``/``stdin`` rebinding — pytest's
warnings plugin and its capture put them back around every test.
"""
import ast
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.topics.base import EVERYTHING, NOTHING, Change, Topic, Undo, literal_key

_IN_CLEANUP = "in a finally block or teardown"
_ROOT = "the root logger"
_NOTSET = frozenset({"logging.NOTSET", 0})
#: what makes a logger's name the test's own (pytest's per-test directories, a fresh uuid)
_PER_TEST_NAMES = frozenset({"tmp_path", "tmpdir"})
_UNIQUE_CALLS = frozenset({"uuid.uuid4", "uuid.uuid1"})


class Setting(NamedTuple):
    setting: str  # what it changes, for the message ({arg}: the keyed argument)
    undo: str  # how it is undone, for the message (followed by "in a finally block or teardown")
    group: str  # the calls of a group undo one another
    #: the argument that says which setting of the group (a signal number), if any
    key_arg: Optional[int] = None
    #: (argument position, constant values or dotted names) of a call that only puts the
    #: default back
    reset: Optional[Tuple[int, FrozenSet[object]]] = None
    undo_only: bool = False


_NONE = frozenset({None})
SETTINGS: Dict[str, Setting] = {
    "signal.signal": Setting("the handler of {arg}", "re-install the saved handler",
                             "signal", key_arg=0),
    "signal.alarm": Setting("a pending SIGALRM", "cancel it with signal.alarm(0)",
                            "alarm", reset=(0, frozenset({0}))),
    "signal.setitimer": Setting("interval timer {arg}", "stop it with signal.setitimer(which, 0)",
                                "itimer", key_arg=0, reset=(1, frozenset({0}))),
    "socket.setdefaulttimeout": Setting("the default socket timeout", "put the saved value back",
                                        "socket-timeout"),
    "sys.setrecursionlimit": Setting("the recursion limit", "put the saved value back",
                                     "recursion-limit"),
    "sys.setswitchinterval": Setting("the thread switch interval", "put the saved value back",
                                     "switch-interval"),
    "sys.settrace": Setting("the trace function", "put the saved one back", "trace",
                            reset=(0, _NONE)),
    "sys.setprofile": Setting("the profile function", "put the saved one back", "profile",
                              reset=(0, _NONE)),
    "threading.settrace": Setting("the trace function of new threads", "put the saved one back",
                                  "thread-trace", reset=(0, _NONE)),
    "threading.setprofile": Setting("the profile function of new threads",
                                    "put the saved one back", "thread-profile", reset=(0, _NONE)),
    "logging.disable": Setting("logging's disable level", "call logging.disable(logging.NOTSET)",
                               "logging-disable", reset=(0, frozenset({"logging.NOTSET", 0}))),
    "logging.basicConfig": Setting("the root logger's handlers and level",
                                   "use caplog, or remove the handlers it added", "root-handlers"),
    "locale.setlocale": Setting("the locale", "put the saved locale back", "locale"),
    "asyncio.set_event_loop_policy": Setting("the event loop policy",
                                             "call asyncio.set_event_loop_policy(None)",
                                             "loop-policy", reset=(0, _NONE)),
    "asyncio.set_event_loop": Setting("the current event loop", "call asyncio.set_event_loop(None)",
                                      "event-loop", reset=(0, _NONE)),
    "gc.disable": Setting("automatic garbage collection", "call gc.enable()", "gc-enabled"),
    "gc.enable": Setting("", "", "gc-enabled", undo_only=True),
    "gc.set_threshold": Setting("the garbage collector's thresholds", "put the saved ones back",
                                "gc-threshold"),
    "gc.freeze": Setting("the objects the garbage collector ignores", "call gc.unfreeze()",
                         "gc-freeze"),
    "gc.unfreeze": Setting("", "", "gc-freeze", undo_only=True),
    "os.umask": Setting("the file mode creation mask", "put the saved mask back", "umask"),
    "time.tzset": Setting("the C library's time zone", "restore TZ and call time.tzset() again",
                          "tzset"),
}
#: attributes whose assignment is a setting: (dotted name, what, group)
_HOOKS = {
    "sys.excepthook": "the uncaught-exception hook",
    "sys.unraisablehook": "the unraisable-exception hook",
    "threading.excepthook": "the thread exception hook",
}
_LOGGER_CALLS = {
    "setLevel": ("the level of {logger}", "level", "use caplog.set_level(), or put the saved level back"),
    "addHandler": ("the handlers of {logger}", "handlers", "remove the handler"),
    "removeHandler": ("the handlers of {logger}", "handlers", "add the handler back"),
    "addFilter": ("the filters of {logger}", "filters", "remove the filter"),
    "removeFilter": ("the filters of {logger}", "filters", "add the filter back"),
}
_LOGGER_ATTRS = {
    "propagate": ("whether {logger} propagates", "propagate"),
    "disabled": ("whether {logger} is disabled", "disabled"),
    # the lists addHandler/addFilter change, and the level setLevel sets
    "handlers": ("the handlers of {logger}", "handlers"),
    "filters": ("the filters of {logger}", "filters"),
}
#: What pytest puts back around every test unless the project turns that off: the warnings
#: filters (its warnings plugin) and the standard streams (its capture).
_WARNINGS = {"warnings.simplefilter", "warnings.filterwarnings", "warnings.resetwarnings"}
STREAMS = ("sys.stdout", "sys.stderr", "sys.stdin")
_CAPTURING_FIXTURES = frozenset({"capsys", "capfd", "capsysbinary", "capfdbinary"})
_BLOCK_UNDO = {
    "warnings.catch_warnings": "warnings", "pytest.warns": "warnings", "pytest.deprecated_call": "warnings",
    "contextlib.redirect_stdout": "sys.stdout", "contextlib.redirect_stderr": "sys.stderr",
}
#: ``with`` helpers whose name says they put a setting back (``restore_recursion_limit()``)
_RESTORING_PREFIXES = ("restore", "preserv", "saved", "save_", "keep")


class SettingsTopic(Topic):
    code = "MXS016"
    calls = (*{name.rsplit(".", 1)[-1] for name in SETTINGS}, *_LOGGER_CALLS, *_LOGGER_ATTRS,
             *(name.rsplit(".", 1)[-1] for name in _WARNINGS))

    def changes(self, model: FileModel) -> List[Change]:
        return [c for c in self._all(model) if c.fields]

    def restores(self, model: FileModel) -> List[Change]:
        return [c for c in self._all(model) if not c.fields]

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        row = SETTINGS.get(ref.site.name or "")
        if row is None:
            return None
        key = _key(row, ref.call.args[1:], ref.site)
        return Change(ref.site, frozenset({key}), False, {}, self.code)

    def _all(self, model: FileModel) -> List[Change]:
        """Changes (with message fields) and undo-only calls (without)."""
        out = []
        for site in model.calls_named(*self.calls):
            call: ast.Call = site.node  # type: ignore[assignment]
            row = SETTINGS.get(site.name or "")
            if row is not None:
                out.append(_row_change(site, call, row))
            elif isinstance(call.func, ast.Attribute) and call.func.attr in _LOGGER_CALLS:
                logger = _logger(site, call.func.value)
                if logger is not None and call.func.attr == "setLevel" and logger != _ROOT \
                        and _is_reset(call, (0, _NOTSET), site):
                    # a named logger's level starts NOTSET (follow the parent): this puts it back
                    out.append(Change(site, frozenset({f"{logger}:level"}), False, {}, "MXS016"))
                elif logger is not None:
                    what, kind, undo = _LOGGER_CALLS[call.func.attr]
                    out.append(_setting(site, f"{logger}:{kind}", shown(call, limit=60),
                                        what.format(logger=logger), f"{undo} {_IN_CLEANUP}"))
        for site, _kind in model.attr_stores:
            node = site.node
            if site.name in _HOOKS:
                out.append(_setting(site, site.name, site.name + " = ...", _HOOKS[site.name],
                                    "put the saved hook back " + _IN_CLEANUP))
            elif isinstance(node, ast.Attribute) and node.attr in _LOGGER_ATTRS:
                out.extend(_logger_attribute(site, node, f"{shown(node, limit=60)} = ..."))
        for site, target, _kind in model.subscript_stores:  # logger.handlers[:] = saved
            if isinstance(target.value, ast.Attribute) and target.value.attr in _LOGGER_ATTRS:
                out.extend(_logger_attribute(site, target.value, shown(target, limit=60)))
        out.extend(_pairs(model))
        out.extend(_unrestored_by_pytest(model))
        return out

    def context_undo(self, context: Context) -> Undo:
        if not context.block:
            return NOTHING
        if context.name in _BLOCK_UNDO:
            return Undo(frozenset({_BLOCK_UNDO[context.name]}))
        last = (context.name or "").rsplit(".", 1)[-1].lstrip("_").lower()
        return EVERYTHING if last.startswith(_RESTORING_PREFIXES) else NOTHING


def _unrestored_by_pytest(model: FileModel) -> List[Change]:
    """Warnings filters and the standard streams: reported only where the project's pytest
    configuration turns off the plugin that puts them back (``-p no:warnings``, ``-s``)."""
    off = model.config.restorers_off
    out = []
    if "warnings" in off:
        for site in model.calls_named(*(name.rsplit(".", 1)[-1] for name in _WARNINGS)):
            if site.name in _WARNINGS:
                out.append(_setting(site, "warnings", shown(site.node, limit=60), "the warnings filters",
                                    "use warnings.catch_warnings() or pytest.warns(), or put "
                                    "warnings.filters back " + _IN_CLEANUP))
    if "capture" in off:
        for site, _kind in model.attr_stores:
            top = site.fn.outermost() if site.fn is not None else None
            if site.name in STREAMS and not (top is not None and top.params & _CAPTURING_FIXTURES):
                out.append(_setting(site, str(site.name), f"{site.name} = ...", str(site.name),
                                    "use capsys or contextlib.redirect_stdout(), or put the saved stream "
                                    "back " + _IN_CLEANUP))
    return out


def _logger_attribute(site: Site, node: ast.Attribute, target: str) -> List[Change]:
    if node.attr not in _LOGGER_ATTRS:
        return []
    logger = _logger(site, node.value)
    if logger is None:
        return []
    what, kind = _LOGGER_ATTRS[node.attr]
    return [_setting(site, f"{logger}:{kind}", target, what.format(logger=logger),
                     "put the saved value back " + _IN_CLEANUP)]


def _row_change(site: Site, call: ast.Call, row: Setting) -> Change:
    key = _key(row, call.args, site)
    if row.undo_only or row.reset is not None and _is_reset(call, row.reset, site):
        return Change(site, frozenset({key}), False, {}, "MXS016")
    arg = shown(call.args[row.key_arg]) if row.key_arg is not None and len(call.args) > row.key_arg else ""
    undo = f"{row.undo} {_IN_CLEANUP}"
    return _setting(site, key, shown(call, limit=60), row.setting.format(arg=arg), undo)


def _key(row: Setting, args: List[ast.expr], site: Site) -> str:
    if row.key_arg is None:
        return row.group
    node = args[row.key_arg] if len(args) > row.key_arg else None
    return row.group + ":" + (site.scope.resolve(node) or literal_key(node, site) if node is not None else "")


def _is_reset(call: ast.Call, reset: Tuple[int, FrozenSet[object]], site: Site) -> bool:
    position, values = reset
    if len(call.args) <= position:
        return False
    node = call.args[position]
    if isinstance(node, ast.Constant):
        # compared as values (0 == 0.0), never turned to text: a literal may be huge
        value = node.value
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        return (value is None or numeric) and value in values
    return site.scope.resolve(node) in values


def _logger(site: Site, receiver: ast.expr) -> Optional[str]:
    """``logger 'app'`` for ``logging.getLogger("app")`` (or a name bound to it), ``the root
    logger`` for ``logging.getLogger()``/``logging.root``; None for anything else, and for a
    logger whose name is made from the test's own ``tmp_path``, ``request.node`` or a uuid:
    no other test can get it."""
    if isinstance(receiver, ast.Name) and not site.scope.is_imported(receiver.id):
        value = site.scope.value(receiver.id, receiver)
        receiver = value if value is not None else receiver
    if site.scope.resolve(receiver) == "logging.root":
        return _ROOT
    if isinstance(receiver, ast.Call) and site.scope.resolve(receiver.func) == "logging.getLogger":
        name = receiver.args[0] if receiver.args else None
        if name is None or isinstance(name, ast.Constant) and name.value in (None, "", "root"):
            return _ROOT
        if _unique_to_the_test(name, site):
            return None
        return "logger " + shown(name)
    return None


def _unique_to_the_test(name: ast.expr, site: Site) -> bool:
    """The name is made from pytest's per-test fixtures, as parameters of the test's own
    functions (not a module-level ``tmp_path`` of the same spelling), or from a fresh uuid."""
    fixtures = {p for fn in site.fn.chain() for p in fn.params} if site.fn is not None else set()
    for node in ast.walk(name):
        if isinstance(node, ast.Name) and node.id in _PER_TEST_NAMES and node.id in fixtures:
            return True
        if isinstance(node, ast.Attribute) and node.attr == "node" and isinstance(node.value, ast.Name) \
                and node.value.id == "request" and "request" in fixtures:
            return True
        if isinstance(node, ast.Call) and site.scope.resolve(node.func) in _UNIQUE_CALLS:
            return True
    return False


def _setting(site: Site, key: str, target: str, setting: str, undo: str) -> Change:
    fields = {"target": target, "setting": setting, "undo": undo}
    return Change(site, frozenset({key}), False, fields, "MXS016")


def _pairs(model: FileModel) -> List[Change]:
    """The team's ``call:undo`` pairs: a dotted callable, or ``.method`` on any receiver."""
    out = []
    for change, undo in model.config.undo_pairs:
        for name, is_undo in ((change, False), (undo, True)):
            last = name.rsplit(".", 1)[-1]
            for site in model.calls_named(last):
                call: ast.Call = site.node  # type: ignore[assignment]
                if name.startswith("."):
                    if not isinstance(call.func, ast.Attribute):
                        continue
                    receiver = call.func.value
                    key = f"{change}:{shown(receiver, limit=200)}"
                    if isinstance(receiver, ast.Name):  # a name rebound to another object: another key
                        key += f"@{id(site.scope.value(receiver.id, receiver))}"
                elif site.name == name:
                    key = change
                else:
                    continue
                if is_undo:
                    out.append(Change(site, frozenset({key}), False, {}, "MXS016"))
                else:
                    out.append(_setting(site, key, shown(call, limit=60), f"what {change} registers",
                                        f"call {undo} {_IN_CLEANUP}"))
    return out


def owns_attribute(site: Site, node: ast.Attribute) -> bool:
    """Is an assignment to *node* this topic's (a hook, a logger's flags or lists)?"""
    if site.scope.resolve(node) in _HOOKS:
        return True
    return node.attr in _LOGGER_ATTRS and _logger(site, node.value) is not None
