"""The generic core of "a change to process state, and the places that undo it", for any
topic (analysis/topics/): derived once per file and topic, and asked per change.

A change is undone when it is itself in a cleanup position, inside a context the topic
says undoes it (a ``with`` block open around it, a call decorator or ``mocker.patch`` of
its function or of one it is nested in), when a guaranteed restore runs after it (restores.py),
when a saving call made before it (``monkeypatch.setenv``) puts the value back, or when a
per-test fixture around its test undoes it (undoing_fixtures.py).
"""
from typing import Dict, List, Set

from flake8_xdist_safety.analysis.model import AFTER_YIELD, CLEANUP, FINALLY, FileModel, FunctionInfo
from flake8_xdist_safety.analysis.restores import Cleanup, RestoreIndex
from flake8_xdist_safety.analysis.topics.base import NOTHING, Change, Topic, Undo, saver_reaches


def cleanup_of(model: FileModel) -> Cleanup:
    cleanup = model.cache.get("cleanup")
    if cleanup is None:
        cleanup = model.cache["cleanup"] = Cleanup(model)
    return cleanup


def facts_of(model: FileModel, topic: Topic) -> "StateFacts":
    key = "state:" + topic.code
    facts = model.cache.get(key)
    if facts is None:
        facts = model.cache[key] = StateFacts(model, topic)
    return facts


def _position(change: Change) -> tuple:  # type: ignore[type-arg]
    return change.site.line, change.site.col


class StateFacts:
    """One topic's changes and undos in one file."""

    def __init__(self, model: FileModel, topic: Topic) -> None:
        self.model = model
        self.topic = topic
        self.cleanup = cleanup_of(model)
        self.changes = sorted(topic.changes(model), key=_position)
        undos = self.changes + topic.restores(model)
        undos += [u for u in map(topic.cleanup_undo, model.cleanup_refs) if u is not None]
        self.undos = undos
        restoring = [u for u in undos if self.cleanup.is_restoring(u.site)]
        self.index: RestoreIndex[Change] = self.cleanup.index(restoring, lambda u: u.site)
        self.savers: Dict[int, List[Change]] = {}
        for saver in topic.savers(model):
            self.savers.setdefault(id(saver.site.fn), []).append(saver)
        self._by_function: Dict[int, List[Change]] = {}
        for undo in undos:
            self._by_function.setdefault(id(undo.site.fn), []).append(undo)

    # -- one change ------------------------------------------------------------------------
    def in_cleanup_position(self, change: Change) -> bool:
        return self.cleanup.is_restoring(change.site)

    def undone_by_context(self, change: Change) -> bool:
        site = change.site
        contexts = list(site.withs)
        for fn in site.fn.chain() if site.fn is not None else ():
            contexts.extend(fn.contexts)
        return any(self.topic.context_undo(c).covers(change) for c in contexts)

    def restored(self, change: Change) -> bool:
        return any(undo.as_undo().covers(change) for undo in self.index.restoring(change.site))

    def saved(self, change: Change) -> bool:
        site = change.site
        for fn in site.fn.chain() if site.fn is not None else ():
            for saver in self.savers.get(id(fn), ()):
                if saver.as_undo().covers(change) and saver_reaches(saver.site, site):
                    return True
        return False

    # -- one fixture -----------------------------------------------------------------------
    def fixture_undo(self, fixture: FunctionInfo) -> Undo:
        """What *fixture* puts back after its test: what it yields inside of, what it
        changes after its ``yield`` (or in a ``finally`` around it), registers as a
        finalizer, or saved with ``monkeypatch`` (undone when the test ends)."""
        undo = NOTHING
        for context in fixture.yield_contexts:
            undo |= self.topic.context_undo(context)
        after_test = CLEANUP | (AFTER_YIELD | FINALLY if fixture.has_yield else 0)
        for item in self._by_function.get(id(fixture), ()):
            if item.site.flags & after_test:
                undo |= item.as_undo()
        for fn in self._registered_by(fixture):
            for item in self._by_function.get(id(fn), ()):
                undo |= item.as_undo()
        for saver in self.savers.get(id(fixture), ()):
            undo |= saver.as_undo()
        return undo

    def _registered_by(self, fixture: FunctionInfo) -> List[FunctionInfo]:
        out = []
        seen: Set[int] = set()
        for name in fixture.finalizer_names:
            for fn in self.model.functions:
                if fn.name == name and id(fn) not in seen and fixture in self.cleanup.registrars_of(fn):
                    seen.add(id(fn))
                    out.append(fn)
        return out
