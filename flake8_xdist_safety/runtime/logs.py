"""The logging configuration a test can leave changed (MXS016): the root logger's level and
handlers, ``logging.disable``'s level, and the level, handlers, ``propagate`` and ``disabled``
of the loggers that existed before the test.

Reading every logger after every test would cost in proportion to the application (a logger
per module, 0.17 µs each). Instead the probe is told: while the checks run, ``logging.Logger``
has a ``__setattr__`` that notes a logger before one of those four attributes is set, and
``addHandler``/``removeHandler`` that note it before its handler list changes. Notes are heard
by position (``heard.py``): each keeps the logger's state before its first change after a live
reading, and a reading is the root's values and how many notes had been heard, so readings nest
(a wider fixture's window inside a test's). The logger table is looked through only when its
size or its last name changed (an import made loggers, a test removed one).

Not noticed: a handler list changed in place by other means than ``addHandler`` and
``removeHandler`` (``logger.handlers.append(h)``), a logger's ``__dict__`` written directly, a
logger class with a ``__setattr__`` of its own, and a logger replaced under its name in the table.
"""
import functools
import sys
from typing import Any, Callable, Dict, Hashable, List, Optional, Tuple

from flake8_xdist_safety.runtime.heard import Heard, Reading
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


def _with_state(logger: Any) -> Tuple[Any, Any]:
    """The logger and its state now, or the error reading it raised (raised again by the
    comparison, where the watcher switches the probe off; never here, inside a test)."""
    try:
        return logger, _state(logger)
    except Exception as error:  # noqa: BLE001
        return logger, error


def _own(key: Hashable, before: Snapshot, after: Snapshot) -> Tuple[Any, Any]:
    """The two values of a root key to compare: the root's handlers without pytest's own, which
    its logging plugin adds and takes off around each phase of every test (one left behind by a
    test is taken off by pytest in the next one: neither is a test's change)."""
    old, new = before[key], after[key]
    if key == "logging root handlers":
        return _not_pytests(old), _not_pytests(new)
    return old, new


def _not_pytests(handlers: Tuple[Any, ...]) -> Tuple[Any, ...]:
    return tuple(handler for handler in handlers if type(handler).__module__ != "_pytest.logging")


class _Journal:
    """Hears of each logger about to change; installed on ``logging.Logger`` for the run and
    taken off at its end (only where what is there is still the journal's own). Noting never
    raises: a state it cannot read is kept as the error, which the comparison raises (and the
    watcher switches the probe off)."""

    def __init__(self, logging: Any, heard: Heard) -> None:
        self.logging = logging
        #: The class the journal is installed on (``importlib.reload(logging)`` makes another).
        self.logger_class = logging.Logger
        self.root = logging.root
        self.table = logging.Logger.manager.loggerDict
        self.heard = heard
        #: id of a logger -> the count of changes heard when it was first seen not yet in the
        #: logging manager (``Logger.__init__`` sets the attributes before ``getLogger``
        #: registers it), or in it under a name the table did not have at the last look.
        self.born: Dict[int, int] = {}
        #: The table's loggers by name at the probe's last look.
        self.known: Dict[str, Any] = {}
        self._saved: Dict[str, Any] = {}
        self._installed: Dict[str, Any] = {}

    def note(self, logger: Any) -> None:
        key = id(logger)
        if logger is self.root or key in self.heard.since_reading:  # (pytest's own, every phase)
            return
        try:
            name = logger.__dict__.get("name")
            registered = isinstance(name, str) and self.table.get(name) is logger
        except Exception:  # noqa: BLE001 - an odd logger is not one of the table's
            registered = False
        if not registered:
            if key not in self.born and not (isinstance(name, str) and self.known.get(name) is logger):
                self.born[key] = self.heard.tick()  # (a logger being made, not one removed)
            return
        if key not in self.born and name not in self.known:  # its class hid its making from us
            self.born[key] = self.heard.tick()
        self.heard.add(key, _with_state, logger)

    def install(self) -> None:
        logger_class = self.logger_class
        note = self.note
        fields = _NOTED_FIELDS
        set_attribute = logger_class.__setattr__  # inherited (object's) unless someone set one
        add_handler, remove_handler = logger_class.addHandler, logger_class.removeHandler

        def __setattr__(logger: Any, name: str, value: Any) -> None:
            if name in fields:
                note(logger)
            set_attribute(logger, name, value)

        heard, root = self.heard, self.root

        # pytest 9.2 adds its handlers to every logger that does not propagate, and takes them
        # off, in each phase of every test: a logger already heard of costs a set lookup here.
        @functools.wraps(add_handler)
        def addHandler(logger: Any, hdlr: Any) -> Any:  # noqa: N802 - logging's own names
            if logger is not root and id(logger) not in heard.since_reading:
                note(logger)
            return add_handler(logger, hdlr)

        @functools.wraps(remove_handler)
        def removeHandler(logger: Any, hdlr: Any) -> Any:  # noqa: N802 - logging's own names
            if logger is not root and id(logger) not in heard.since_reading:
                note(logger)
            return remove_handler(logger, hdlr)

        replacements: Dict[str, Callable[..., Any]] = {
            "__setattr__": __setattr__, "addHandler": addHandler, "removeHandler": removeHandler}
        for name, replacement in replacements.items():
            self._saved[name] = logger_class.__dict__.get(name, _INHERITED)
            setattr(logger_class, name, replacement)
        self._installed = replacements

    def uninstall(self) -> None:
        logger_class = self.logger_class
        for name, replacement in self._installed.items():
            if logger_class.__dict__.get(name) is not replacement:
                continue  # replaced again since (by a test): theirs stays
            if self._saved[name] is _INHERITED:
                delattr(logger_class, name)
            else:
                setattr(logger_class, name, self._saved[name])
        self._installed = {}


class _Logging(Reading):
    """A reading of the logging configuration: the root's three values (also as a tuple, for a
    quick comparison) and how many changes of other loggers had been heard."""

    readings: Tuple[Any, ...] = ()


class LoggingProbe:
    """The root logger's level and handlers, ``logging.disable``'s level, and the level,
    handlers, ``propagate`` and ``disabled`` of every logger that existed before the test.
    Read around the whole test protocol: pytest's logging plugin adds its capturing handlers to
    the root logger during each phase of a test, and takes them off after it."""

    code = "MXS016"
    kind = KIND_LOGGING

    def __init__(self) -> None:
        self._heard = Heard()
        self._journal: Optional[_Journal] = None
        #: The logger table's size and last name when last looked through.
        self._table_mark: Tuple[int, Any] = (-1, None)

    def close(self) -> None:
        """Takes the journal off ``logging.Logger`` (at the end of the run)."""
        if self._journal is not None:
            self._journal.uninstall()
            self._journal = None

    def _journal_of(self, logging: Any) -> _Journal:
        if self._journal is None or self._journal.logging is not logging \
                or self._journal.logger_class is not logging.Logger:
            self.close()
            self._journal = _Journal(logging, self._heard)
            self._journal.install()
        return self._journal

    def _look_at_table(self, logging: Any, journal: _Journal) -> None:
        """Hears of loggers gone from the table, looked through only when its size or last
        name changed since the last look."""
        table = logging.root.manager.loggerDict
        mark = (len(table), next(reversed(table), None) if table else None)
        if mark == self._table_mark:
            return
        for name, logger in journal.known.items():
            if table.get(name) is not logger:
                self._heard.add(("removed", id(logger)), _with_state, logger)
        journal.known = {name: logger for name, logger in table.copy().items()
                         if isinstance(logger, logging.Logger)}
        self._table_mark = mark

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        logging = sys.modules.get("logging")
        if logging is None:
            return {}
        journal = self._journal
        if journal is None or journal.logging is not logging or journal.logger_class is not logging.Logger:
            journal = self._journal_of(logging)
        self._look_at_table(logging, journal)
        root = logging.root
        readings = (root.level, tuple(root.handlers), root.manager.disable)
        if type(previous) is _Logging and previous.heard == self._heard.count \
                and previous.readings == readings:
            return previous  # nothing heard of, the root as it was: after most tests
        found = _Logging(zip(_ROOT_KEYS, readings))
        found.readings = readings
        return self._heard.reading(found)

    def _loggers(self, before: Snapshot, after: Optional[Snapshot]
                 ) -> Dict[Hashable, Tuple[str, Any, Any]]:
        """("logger", name) -> ("changed" or "removed", the logger, its state before the window)
        for the loggers that existed before *before* and were heard of up to *after*."""
        if not isinstance(before, Reading):
            return {}
        journal = self._journal
        born = journal.born if journal is not None else {}
        found: Dict[Hashable, Tuple[str, Any, Any]] = {}
        end = after.heard if isinstance(after, Reading) else None
        for key, (logger, state) in self._heard.first(before.heard, end).items():
            if born.get(id(logger), -1) >= before.heard:
                continue  # made during the window: not a leak
            if isinstance(state, Exception):
                raise state
            name = ("logger", str(logger.name))
            removed = isinstance(key, tuple)
            if name not in found or removed:
                found[name] = ("removed" if removed else "changed", logger,
                               found[name][2] if name in found else state)
        return found

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before is after:
            return []
        found: List[Change] = [(key, "changed") for key in _ROOT_KEYS
                               if key in before and key in after and not _same(*_own(key, before, after))]
        for key, (change, logger, state) in self._loggers(before, after).items():
            if change == "removed" or not _same(state, _state(logger)):
                found.append((key, change))
        return found

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        if isinstance(key, tuple):
            name = "logger {!r}".format(key[1])
            if change == "removed":
                return name, "{} {}".format(name, _REMOVED)
            _change, logger, state = self._loggers(before, after)[key]
            fields = ["{} {} -> {}".format(field, short_repr(old, 40), short_repr(new, 40))
                      for field, old, new in zip(_LOGGER_FIELDS, state, _state(logger))
                      if not _same(old, new)]
            return name, "{} changed: {}".format(name, ", ".join(fields))
        return str(key), _changed_text(str(key), *_own(key, before, after), members=True)

    def restore(self, key: Hashable, change: str, before: Snapshot) -> bool:
        logging = sys.modules.get("logging")
        if logging is None:
            return False
        if not isinstance(key, tuple):
            value = before[key]
            if key == "logging root level":
                logging.root.setLevel(value)
            elif key == "logging root handlers":
                logging.root.handlers[:] = list(value)
            else:
                logging.disable(value)
            return True
        _change, logger, state = self._loggers(before, None)[key]
        if change == "removed":
            logging.root.manager.loggerDict[key[1]] = logger
        logger.setLevel(state[0])
        logger.handlers[:] = list(state[1])
        logger.propagate, logger.disabled = state[2], state[3]
        return True
