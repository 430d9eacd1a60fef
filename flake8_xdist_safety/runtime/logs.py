"""The logging configuration a test can leave changed (MXS016): the root logger's level and
handlers, ``logging.disable``'s level, and the level, handlers, ``propagate`` and ``disabled``
of every logger.

Every logger is read after every test, since nothing tells which one a test changed: this is
the one default probe whose work grows with the application (a logger per module). The reading
is kept to what the comparison needs, a few lists built and compared in C; the dict the report
and the restore use is built only when something changed.
"""
import operator
import sys
from typing import Any, Dict, Hashable, List, Optional, Tuple

from flake8_xdist_safety.runtime.probes import Change, Snapshot, compare
from flake8_xdist_safety.runtime.process import _changed_text, _same
from flake8_xdist_safety.runtime.state import short_repr

KIND_LOGGING = "logging"

_LOGGER_FIELDS = ("level", "handlers", "propagate", "disabled")
_flags_of = operator.attrgetter("level", "propagate", "disabled")
_handlers_of = operator.attrgetter("handlers")


class _Logging(Dict[Hashable, Any]):
    """A reading of the logging configuration that keeps what it was made from."""

    readings: Tuple[Any, ...] = ()


class LoggingProbe:
    """The root logger's level and handlers, ``logging.disable``'s level, and the level,
    handlers, ``propagate`` and ``disabled`` of every logger that existed before the test.
    Read around the whole test protocol: pytest's logging plugin adds its capturing handlers to
    the root logger during each phase of a test, and takes them off after it."""

    code = "MXS016"
    kind = KIND_LOGGING

    def __init__(self) -> None:
        #: The logger table's names and entries when last read, and its loggers (not the
        #: PlaceHolders) with their names: looked for again only when the table changed.
        self._names: List[Any] = []
        self._entries: List[Any] = []
        self._named: List[Tuple[Any, Any]] = []
        self._loggers: List[Any] = []

    def snapshot(self, previous: Optional[Snapshot] = None) -> Snapshot:
        logging = sys.modules.get("logging")
        if logging is None:
            return {}
        root = logging.root
        readings: Tuple[Any, ...] = (root.level, tuple(root.handlers), root.manager.disable)
        if root.manager.loggerDict or self._names:  # (none at all: nothing more to read)
            table = root.manager.loggerDict.copy()
            names, entries = list(table), list(table.values())
            if names == self._names and entries == self._entries:
                names, entries = self._names, self._entries  # compared by identity below
            else:
                self._names, self._entries = names, entries
                self._named = [(name, logger) for name, logger in zip(names, entries)
                               if isinstance(logger, logging.Logger)]
                self._loggers = [logger for _name, logger in self._named]
            readings += (names, entries, list(map(_flags_of, self._loggers)),
                         list(map(tuple, map(_handlers_of, self._loggers))))
        if isinstance(previous, _Logging) and previous.readings == readings:
            return previous
        found = _Logging({"logging root level": readings[0], "logging root handlers": readings[1],
                          "logging.disable level": readings[2]})
        loggers = zip(self._named, readings[5], readings[6]) if len(readings) > 3 else iter(())
        for (name, _logger), (level, propagate, disabled), handlers in loggers:
            found[("logger", name)] = (level, handlers, propagate, disabled)
        found.readings = readings
        return found

    def changes(self, before: Snapshot, after: Snapshot) -> List[Change]:
        if before == after:
            return []
        # "added": a logger created during the test (getLogger in an import), not a leak.
        return [change for change in compare(before, after, _same) if change[1] != "added"]

    def describe(self, key: Hashable, change: str, before: Snapshot, after: Snapshot) -> Tuple[str, str]:
        if isinstance(key, tuple):
            name = "logger {!r}".format(key[1])
            if change == "removed":
                return name, "{} removed from the logging manager".format(name)
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
            logger = logging.getLogger(key[1])
            logger.setLevel(value[0])
            logger.handlers[:] = list(value[1])
            logger.propagate, logger.disabled = value[2], value[3]
        return True
