"""Changes a probe is told of as they happen (by a wrapper around what makes them), kept in
order and read by position.

A reading is how many changes had been heard when it was taken: readings consume nothing, so
windows nest (a wider fixture's setup inside a test's) and each compares what was heard between
its two readings. What a change keeps (the state before it) is dropped as soon as no reading
still held by the session can ask for it: for each live reading, only the first change of each
key after it is kept. So a module reloaded forty times keeps one old namespace, not forty, and
its old objects are freed when the test's window closes.
"""
import weakref
from typing import Any, Callable, Dict, Hashable, List, Optional, Set, Tuple


class Reading(Dict[Hashable, Any]):
    """A probe's reading: its own values, and how many changes had been heard when it was taken."""

    heard = 0


class Heard:
    def __init__(self) -> None:
        self.count = 0
        #: (position, key, what was kept of the state before the change), in order
        self._kept: List[Tuple[int, Hashable, Any]] = []
        self._readings: "weakref.WeakValueDictionary[int, Reading]" = weakref.WeakValueDictionary()
        #: The keys changed since the newest reading: a second change of one is nobody's first
        #: (a caller may look here before it works out what to add).
        self.since_reading: Set[Hashable] = set()

    def add(self, key: Hashable, read: Callable[[Any], Any], subject: Any) -> None:
        """A change of *key*; ``read(subject)`` (called only if it is kept) reads the state
        before it. Called on every change a probe hears of: a set lookup when it is not the
        first change of *key* since the newest reading."""
        self.count += 1
        if key in self.since_reading:
            return
        self.since_reading.add(key)
        self._kept.append((self.count - 1, key, read(subject)))

    def tick(self) -> int:
        """A position for something that is not a change but must be told apart from a reading
        taken before it (a logger made): the next reading is after it."""
        self.count += 1
        return self.count - 1

    def reading(self, reading: Reading) -> Reading:
        """Stamps *reading* with the count, and drops what no live reading can ask for. The
        count moves on a reading too: whatever is stamped with the count before it (a change, a
        logger made) is then before it, and after it whatever is stamped after."""
        self.count += 1
        reading.heard = self.count
        self._readings[id(reading)] = reading
        if self.since_reading:
            self.since_reading = set()
        self._trim()
        return reading

    def first(self, start: int, end: Optional[int] = None) -> Dict[Hashable, Any]:
        """The state before the first change of each key heard from *start* (a live reading's
        count) up to *end*."""
        found: Dict[Hashable, Any] = {}
        for position, key, state in self._kept:
            if position < start:
                continue
            if end is not None and position >= end:
                break
            found.setdefault(key, state)
        return found

    def _trim(self) -> None:
        if not self._kept:
            return
        needed = set()
        for start in {reading.heard for reading in list(self._readings.values())}:
            seen = set()
            for index, (position, key, _state) in enumerate(self._kept):
                if position >= start and key not in seen:
                    seen.add(key)
                    needed.add(index)
        if len(needed) < len(self._kept):
            self._kept = [entry for index, entry in enumerate(self._kept) if index in needed]
