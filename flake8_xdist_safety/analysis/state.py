"""The generic core of "a change to process state, and the places that undo it", for any
topic (analysis/topics/): derived once per file and topic, and asked per change.

A change is undone when it is itself in a cleanup position, inside a context the topic
says undoes it (a ``with`` block open around it, a call decorator or ``mocker.patch`` of
its function or of one it is nested in), when a guaranteed restore runs after it (restores.py),
when a saving call made before it (``monkeypatch.setenv``) puts the value back, or when a
per-test fixture around its test undoes it (undoing_fixtures.py).
"""
from typing import Dict, List, Optional, Set

from flake8_xdist_safety.analysis.model import AFTER_YIELD, CLEANUP, FINALLY, Context, FileModel, FunctionInfo
from flake8_xdist_safety.analysis.project_modules import function_named
from flake8_xdist_safety.analysis.restores import Cleanup, RestoreIndex
from flake8_xdist_safety.analysis.topics.base import NOTHING, Change, Topic, Undo, saver_reaches


#: ``pytest.raises`` (resolved through the imports) and unittest's ``self.assertRaises*``
_RAISES = frozenset({"pytest.raises", "self.assertRaises", "self.assertRaisesRegex"})


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


class _Undos:
    """What undoes a topic's changes in one file, filed for the questions asked of it."""

    def __init__(self, model: FileModel, topic: Topic, changes: List[Change]) -> None:
        self.cleanup = cleanup_of(model)
        undos = changes + topic.restores(model)
        undos += [u for u in map(topic.cleanup_undo, model.cleanup_refs) if u is not None]
        restoring = [u for u in undos if self.cleanup.is_restoring(u.site)]
        self.index: RestoreIndex[Change] = self.cleanup.index(restoring, lambda u: u.site)
        self.savers: Dict[int, List[Change]] = {}
        for saver in topic.savers(model):
            self.savers.setdefault(id(saver.site.fn), []).append(saver)
        self.by_function: Dict[int, List[Change]] = {}
        for undo in undos:
            self.by_function.setdefault(id(undo.site.fn), []).append(undo)


class StateFacts:
    """One topic's changes and undos in one file. The undo side is read on first use: most
    files change no state of most topics."""

    def __init__(self, model: FileModel, topic: Topic) -> None:
        self.model = model
        self.topic = topic
        self.changes = sorted(topic.changes(model), key=_position)
        self._undos: Optional[_Undos] = None

    @property
    def cleanup(self) -> Cleanup:
        return cleanup_of(self.model)

    @property
    def undos(self) -> _Undos:
        if self._undos is None:
            self._undos = _Undos(self.model, self.topic, self.changes)
        return self._undos

    # -- one change ------------------------------------------------------------------------
    def in_cleanup_position(self, change: Change) -> bool:
        return self.cleanup.is_restoring(change.site)

    def expected_to_raise(self, change: Change) -> bool:
        """The last statement of ``with pytest.raises(...)``/``self.assertRaises(...)``: the
        test expects it to fail, so it changes nothing (``settings.frozen = 1`` raising)."""
        site = change.site
        return any(c.last is site.stmt and c.name in _RAISES for c in site.withs)

    def undone_by_context(self, change: Change) -> bool:
        site = change.site
        contexts = list(site.withs)
        for fn in site.fn.chain() if site.fn is not None else ():
            contexts.extend(fn.contexts)
        return any(self.context_undo(c).covers(change) for c in contexts)

    def context_undo(self, context: Context) -> Undo:
        """What a context puts back: the topic's own forms, or (a ``with`` block) what the
        context-manager function it calls puts back in a ``finally:`` (``with
        isolated_environment():``, defined in this file or imported from the project's)."""
        undo = self.topic.context_undo(context)
        if context.block and not undo.wildcard:
            reached = function_named(self.model, context.name)
            if reached is not None and reached[1].has_yield:
                undo |= facts_of(reached[0], self.topic).guaranteed_undo(reached[1])
        return undo

    def guaranteed_undo(self, fn: FunctionInfo) -> Undo:
        """What a context-manager function puts back whatever its block does: its undos in
        a ``finally:`` or a cleanup registration, and what it yields inside."""
        undo = NOTHING
        for item in self.undos.by_function.get(id(fn), ()):
            if item.site.flags & (FINALLY | CLEANUP):
                undo |= item.as_undo()
        for context in fn.yield_contexts:
            undo |= self.topic.context_undo(context)
        return undo

    def restored(self, change: Change) -> bool:
        return any(undo.as_undo().covers(change) for undo in self.undos.index.restoring(change.site))

    def saved(self, change: Change) -> bool:
        site = change.site
        for fn in site.fn.chain() if site.fn is not None else ():
            for saver in self.undos.savers.get(id(fn), ()):
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
            undo |= self.context_undo(context)
        after_test = CLEANUP | (AFTER_YIELD | FINALLY if fixture.has_yield else 0)
        by_function = self.undos.by_function
        for item in by_function.get(id(fixture), ()):
            if item.site.flags & after_test:
                undo |= item.as_undo()
        for fn in self._registered_by(fixture):
            for item in by_function.get(id(fn), ()):
                undo |= item.as_undo()
        for saver in self.undos.savers.get(id(fixture), ()):
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
