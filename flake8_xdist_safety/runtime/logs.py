"""The logging configuration a test can leave changed (MXS016): the root logger's level and
handlers, ``logging.disable``'s level, and the level, handlers, ``propagate`` and ``disabled``
of the loggers that existed before the test.

Reading every logger after every test would cost in proportion to the application (a logger
per module, 0.17 µs each). Instead the probe is told: while the checks run, ``logging.Logger``
has a ``__setattr__`` that notes a logger before one of those four attributes is set, and
``addHandler``/``removeHandler`` that note it before its handler list changes. A note keeps
the logger's state before its first change since the last reading; a reading takes the notes
and reads only the loggers noted and the root, which pytest's own logging plugin changes in
every phase of every test. The logger table is looked through only when its size changed (an
import made loggers), for loggers a test removed.

Not noticed: a handler list changed in place by other means than ``addHandler`` and
``removeHandler`` (``logger.handlers.append(h)``), a logger's ``__dict__`` written directly, a
logger class with a ``__setattr__`` of its own, and a logger replaced under its name in the table.
"""
import functools
import sys
from typing import Any, Callable, Dict, Hashable, List, Optional, Set, Tuple

from flake8_xdist_safety.runtime.probes import Change, Snapshot
from flake8_xdist_safety.runtime.process import _changed_text, _same
from flake8_xdist_safety.runtime.state import short_repr

KIND_LOGGING = "logging"

_LOGGER_FIELDS = ("level", "handlers", "propagate", "disabled")
_NOTED_FIELDS = frozenset(_LOGGER_FIELDS)
_ROOT_KEYS = ("logging root level", "logging root handlers", "logging.disable level")
#: What ``logging.Logger`` had under a name the journal sets, when it had nothing of its own.
_INHERITED = object()
#: The reading of a logger a test removed from the logging manager.
_REMOVED = "removed from the logging manager"


def _state(logger: Any) -> Tuple[Any, ...]:
    return (logger.level, tuple(logger.handlers), logger.propagate, logger.disabled)


class _Journal:
    """The loggers noted since the last reading, each with its state before its first change.

    Installed on ``logging.Logger`` for the run and taken off at its end (only where what is
    there is still the journal's own). Noting never raises: a state it cannot read is kept as
    the error, which the next reading raises (and the watcher switches the probe off)."""

    def __init__(self, logging: Any) -> None:
        self.logging = logging
        self.root = logging.root
        #: id of a logger -> (the logger, its state before its first change, or the error).
        self.noted: Dict[int, Tuple[Any, Any]] = {}
        #: ids of loggers not in the logging manager when first noted: made during the window
        #: (``Logger.__init__`` sets the attributes before ``getLogger`` registers the logger).
        self.unregistered: Set[int] = set()
        self._saved: Dict[str, Any] = {}
        self._installed: Dict[str, Any] = {}

    def note(self, logger: Any) -> None:
        key = id(logger)
        if logger is self.root or key in self.noted or key in self.unregistered:
            return
        try:
            name = logger.__dict__.get("name")
            if not isinstance(name, str) or self.logging.Logger.manager.loggerDict.get(name) is not logger:
                self.unregistered.add(key)
                return
            before: Any = _state(logger)
        except Exception as error:  # noqa: BLE001 - raised again by the next reading, not here
            before = error
        self.noted[key] = (logger, before)

    def take(self) -> List[Tuple[Any, Any]]:
        noted, self.noted = self.noted, {}
        if self.unregistered:
            self.unregistered = set()
        return list(noted.values())

    def install(self) -> None:
        logger_class = self.logging.Logger
        note = self.note
        fields = _NOTED_FIELDS
        set_attribute = logger_class.__setattr__  # inherited (object's) unless someone set one
        add_handler, remove_handler = logger_class.addHandler, logger_class.removeHandler

        def __setattr__(logger: Any, name: str, value: Any) -> None:
            if name in fields:
                note(logger)
            set_attribute(logger, name, value)

        @functools.wraps(add_handler)
        def addHandler(logger: Any, handler: Any) -> Any:  # noqa: N802 - logging's own name
            note(logger)
            return add_handler(logger, handler)

        @functools.wraps(remove_handler)
        def removeHandler(logger: Any, handler: Any) -> Any:  # noqa: N802 - logging's own name
            note(logger)
            return remove_handler(logger, handler)

        replacements: Dict[str, Callable[..., Any]] = {
            "__setattr__": __setattr__, "addHandler": addHandler, "removeHandler": removeHandler}
        for name, replacement in replacements.items():
            self._saved[name] = logger_class.__dict__.get(name, _INHERITED)
            setattr(logger_class, name, replacement)
        self._installed = replacements

    def uninstall(self) -> None:
        logger_class = self.logging.Logger
        for name, replacement in self._installed.items():
            if logger_class.__dict__.get(name) is not replacement:
                continue  # replaced again since (by a test): theirs stays
            if self._saved[name] is _INHERITED:
                delattr(logger_class, name)
            else:
                setattr(logger_class, name, self._saved[name])
        self._installed = {}


class _Logging(Dict[Hashable, Any]):
    """A reading of the logging configuration: the root's three values always, and the loggers
    noted since the previous reading. Keeps the root's values as a tuple for a quick comparison."""

    readings: Tuple[Any, ...] = ()


class LoggingProbe:
    """The root logger's level and handlers, ``logging.disable``'s level, and the level,
    handlers, ``propagate`` and ``disabled`` of every logger that existed before the test.
    Read around the whole test protocol: pytest's logging plugin adds its capturing handlers to
    the root logger during each phase of a test, and takes them off after it."""

    code = "MXS016"
    kind = KIND_LOGGING

    def __init__(self) -> None:
        self._journal: Optional[_Journal] = None
        #: The logger table's size and its loggers when last looked through.
        self._table_size = -1
        self._known: Dict[str, Any] = {}
        #: Loggers found removed, by key: what the restore puts back.
        self._removed: Dict[Hashable, Any] = {}

    def close(self) -> None:
        """Takes the journal off ``logging.Logger`` (at the end of the run)."""
        if self._journal is not None:
            self._journal.uninstall()
            self._journal = None

    def _journal_of(self, logging: Any) -> _Journal:
        if self._journal is None or self._journal.logging is not logging:
            self.close()
            self._journal = _Journal(logging)
            self._journal.install()
        return self._journal

    def _removed_loggers(self, logging: Any) -> List[Any]:
        """Loggers gone from the table since it was last looked through; looked through only
        when its size changed."""
        table = logging.root.manager.loggerDict
        if len(table) == self._table_size:
            return []
        gone = [logger for name, logger in self._known.items() if table.get(name) is not logger]
        self._known = {name: logger for name, logger in table.copy().items()
                       if isinstance(logger, logging.Logger)}
        self._table_size = len(table)
        return gone

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        logging = sys.modules.get("logging")
        if logging is None:
            return {}
        journal = self._journal
        if journal is None or journal.logging is not logging:
            journal = self._journal_of(logging)
        root = logging.root
        manager = root.manager
        readings = (root.level, tuple(root.handlers), manager.disable)
        start = previous if type(previous) is _Logging else None
        if start is not None and not journal.noted and len(manager.loggerDict) == self._table_size \
                and start.readings == readings:  # nothing heard of, the root as it was: after most tests
            if journal.unregistered:
                journal.unregistered = set()
            return start
        noted = journal.take()
        removed = self._removed_loggers(logging)
        loggers: Dict[Hashable, Any] = {}
        for logger, before in noted:
            if isinstance(before, Exception):
                raise before
            key = ("logger", logger.name)
            loggers[key] = _state(logger)
            if start is not None:  # the state at the start of the window: true of that reading
                start.setdefault(key, before)
        for logger in removed:
            key = ("logger", logger.name)
            loggers[key] = _REMOVED
            self._removed[key] = logger
            if start is not None:
                start.setdefault(key, _state(logger))
        if start is not None and start.readings == readings and all(
                key in start and _same(start[key], state) for key, state in loggers.items()):
            return start
        found = _Logging(zip(_ROOT_KEYS, readings))
        found.update(loggers)
        found.readings = readings
        return found

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before is after:
            return []
        found: List[Change] = []
        for key, state in after.items():
            # A logger only in *after*: one made during the test (getLogger in an import).
            if key in before and not _same(before[key], state):
                found.append((key, "removed" if state is _REMOVED else "changed"))
        return found

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        if isinstance(key, tuple):
            name = "logger {!r}".format(key[1])
            if change == "removed":
                return name, "{} {}".format(name, _REMOVED)
            fields = ["{} {} -> {}".format(field, short_repr(old, 40), short_repr(new, 40))
                      for field, old, new in zip(_LOGGER_FIELDS, before[key], after[key])
                      if not _same(old, new)]
            return name, "{} changed: {}".format(name, ", ".join(fields))
        return str(key), _changed_text(str(key), before[key], after[key], members=True)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        logging = sys.modules.get("logging")
        if logging is None:
            return False
        value = before[key]
        if key == "logging root level":
            logging.root.setLevel(value)
        elif key == "logging root handlers":
            logging.root.handlers[:] = list(value)
        elif key == "logging.disable level":
            logging.disable(value)
        else:
            assert isinstance(key, tuple)
            if change == "removed":
                logging.root.manager.loggerDict[key[1]] = self._removed[key]
            logger = logging.getLogger(key[1])
            logger.setLevel(value[0])
            logger.handlers[:] = list(value[1])
            logger.propagate, logger.disabled = value[2], value[3]
        return True
