"""A set of probes read together, each guarded: a probe that raises while reading, comparing or
restoring is switched off for the rest of the run with one note, and never fails a test."""
from typing import Any, Dict, Hashable, List, NamedTuple, Optional, Set, Tuple

from flake8_xdist_safety.runtime.probes import Snapshot

Snapshots = Dict[str, Snapshot]  # probe kind -> snapshot
ExcusedKeys = Set[Tuple[str, Hashable]]  # (probe kind, key)


class Leak(NamedTuple):
    probe: Any
    key: Hashable
    change: str  # "added" | "changed" | "removed" | "rebound"
    subject: str
    text: str


class Watcher:
    def __init__(self, probes: List[Any], notes: List[str]) -> None:
        self.probes = list(probes)
        #: Shared with the session: where "switched off" notes go.
        self.notes = notes

    def switch_off(self, probe: Any, error: BaseException) -> None:
        if probe in self.probes:
            self.probes.remove(probe)
            self.notes.append("the {} probe ({}) is switched off: {}: {}".format(
                probe.kind, probe.code, type(error).__name__, error))

    def snapshot(self, previous: Optional[Snapshots] = None,
                 kinds: Optional[Set[str]] = None) -> Snapshots:
        """Each probe's snapshot (of the *kinds* asked for, or all); with *previous*, a probe may
        return its own previous one when nothing changed (comparing is cheaper than copying).
        When every probe did (after nearly every test), *previous* itself is returned: the
        caller's ``before is after`` then says "nothing changed" without asking any probe."""
        taken: Snapshots = {}
        reused = 0
        for probe in list(self.probes):
            kind = probe.kind
            if kinds is not None and kind not in kinds:
                continue
            old = previous.get(kind) if previous else None
            try:
                new = probe.snapshot(old)
                # The same reading as before: keep the old object, which leaks() then skips
                # without asking the probe. Readings of their own type (the environment's knows
                # its os.environ object) reuse themselves. (== may call a test's own __eq__.)
                same = new is old or (type(new) is dict and old is not None and new == old)
            except Exception as error:  # noqa: BLE001 - a probe must never fail a test
                self.switch_off(probe, error)
                continue
            if same and old is not None:
                taken[kind] = old
                reused += 1
            else:
                taken[kind] = new
        if kinds is None and previous is not None and reused == len(previous) == len(taken):
            return previous
        return taken

    def changed_keys(self, before: Snapshots, after: Snapshots) -> ExcusedKeys:
        return {(leak.probe.kind, leak.key) for leak in self.leaks(before, after, set(), describe=False)}

    def leaks(self, before: Snapshots, after: Snapshots, excused: ExcusedKeys,
              only: Optional[ExcusedKeys] = None, describe: bool = True) -> List[Leak]:
        """Each key that differs between *before* and *after*, except *excused* ones."""
        if before is after:  # one reading reused whole: nothing changed
            return []
        found = []
        for probe in list(self.probes):
            old, new = before.get(probe.kind), after.get(probe.kind)
            if old is None or new is None or old is new:  # switched off, or reused as unchanged
                continue
            try:
                for key, change in probe.changes(old, new):
                    if (probe.kind, key) in excused or (only is not None and (probe.kind, key) not in only):
                        continue
                    subject, text = probe.describe(key, change, old, new) if describe else ("", "")
                    found.append(Leak(probe, key, change, subject, text))
            except Exception as error:  # noqa: BLE001 - a probe must never fail a test
                self.switch_off(probe, error)
        return sorted(found, key=lambda leak: (leak.probe.code, leak.text))

    def restore(self, leak: Leak, before: Snapshots) -> bool:
        """Put one leaked key back; False where the probe cannot (threads, files...)."""
        try:
            return bool(leak.probe.restore(leak.key, leak.change, before[leak.probe.kind]))
        except Exception as error:  # noqa: BLE001 - restoring is a courtesy, never a failure
            self.notes.append("could not restore {} ({}): {}: {}".format(
                leak.subject, leak.probe.code, type(error).__name__, error))
            return False
