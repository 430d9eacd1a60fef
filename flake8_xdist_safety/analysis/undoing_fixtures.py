"""Per-test fixtures that undo what a test changed: an autouse fixture, or one the test
requests (as a parameter, through other fixtures, or with ``usefixtures``), that puts a
topic's state back after the test, in this file or in the conftest.py files above it."""
from typing import Callable, Dict, List, Optional, Set, Tuple

from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.conftest_chain import ConftestSummary, summaries_for
from flake8_xdist_safety.analysis.fixtures import PER_TEST_SCOPES, visible_fixtures
from flake8_xdist_safety.analysis.marks import function_marks, usefixtures_names
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, FunctionInfo
from flake8_xdist_safety.analysis.project_modules import function_named
from flake8_xdist_safety.analysis.state import facts_of
from flake8_xdist_safety.analysis.topics.base import NOTHING, Change, Topic, Undo


FixtureUndo = Callable[[FunctionInfo], Undo]


class FixturesThatUndo:
    """Answers "does a per-test fixture around this change's test undo it?". What one
    fixture of this file undoes is *fixture_undo*'s; the conftest chain's fixtures, and
    fixtures imported from the project's modules, count for the *topic* when one is given."""

    def __init__(self, model: FileModel, config: Config, fixture_undo: FixtureUndo,
                 topic: Optional[Topic] = None) -> None:
        self.model = model
        self.config = config
        self.topic = topic
        self.code = topic.code if topic is not None else None
        self.fixture_undo = fixture_undo
        self._undo: Dict[int, Undo] = {}
        self._conftest: Optional[List[ConftestSummary]] = None
        self._visible: Dict[int, Tuple[Undo, Dict[str, FunctionInfo]]] = {}
        self._around: Dict[int, Undo] = {}

    def _fixture_undo(self, fn: FunctionInfo) -> Undo:
        if id(fn) not in self._undo:
            per_test = fn.fixture_scope in PER_TEST_SCOPES
            self._undo[id(fn)] = self.fixture_undo(fn) if per_test else NOTHING
        return self._undo[id(fn)]

    def _summaries(self) -> List[ConftestSummary]:
        if self._conftest is None:
            self._conftest = summaries_for(self.model.filename, self.config)
        return self._conftest

    def covers(self, change: Change) -> bool:
        if change.site.fn is None:
            return False  # import time: before any fixture runs
        top = change.site.fn.outermost()
        undo = self._around.get(id(top))
        if undo is None:  # once per test: a test may make many changes
            undo = self._around[id(top)] = self.around(top)
        return undo.covers(change)

    def _in_class(self, cls: Optional[ClassInfo]) -> Tuple[Undo, Dict[str, FunctionInfo]]:
        """What the autouse fixtures visible in *cls* (or at module level) undo, and the
        visible fixtures by name (the nearest definition wins); once per class, since a
        file may hold thousands of tests and fixtures."""
        known = self._visible.get(id(cls))
        if known is None:
            visible = visible_fixtures(self.model, cls)
            undo = NOTHING
            for fn in visible:
                if fn.autouse:
                    undo |= self._fixture_undo(fn)
            by_name: Dict[str, FunctionInfo] = {}
            for fn in reversed(visible):  # class before module
                by_name[fn.name] = fn
            known = self._visible[id(cls)] = (undo, by_name)
        return known

    def around(self, top: FunctionInfo) -> Undo:
        """What the per-test fixtures around *top* (a test or a fixture) undo after it."""
        if top.is_fixture and top.fixture_scope not in PER_TEST_SCOPES:
            return NOTHING  # set up before the per-test fixtures, torn down after them
        code = self.code
        undo, by_name = self._in_class(top.cls)
        summaries = self._summaries() if code is not None else []
        for summary in summaries:
            undo |= summary.autouse_undo.get(str(code), NOTHING)
        requested = set(top.params)
        if top.is_test or top.is_test_method:
            requested |= usefixtures_names(function_marks(self.model, top))
            requested |= self.config.usefixtures  # pytest's usefixtures ini: every test
        unresolved: Set[str] = set()
        seen: Set[str] = set()
        while requested:
            name = requested.pop()
            if name in seen:
                continue
            seen.add(name)
            fixture = by_name.get(name)
            if fixture is None and self.topic is not None:
                # a fixture imported into this file from a project module
                reached = function_named(self.model, self.model.imports.bindings.get(name))
                if reached is not None and reached[1].is_fixture \
                        and reached[1].fixture_scope in PER_TEST_SCOPES:
                    undo |= facts_of(reached[0], self.topic).fixture_undo(reached[1])
                    continue
            if fixture is None:
                unresolved.add(name)
            else:
                undo |= self._fixture_undo(fixture)
                requested |= fixture.params  # the fixtures it depends on run around the test too
        for summary in summaries:
            undoing = summary.undoing.get(str(code), {})
            for name in unresolved & undoing.keys():
                undo |= undoing[name]
        return undo


def fixtures_undoing(model: FileModel, config: Config, topic: Topic) -> FixturesThatUndo:
    """The fixtures around a test that undo *topic*'s changes (this file's and the conftest
    chain's)."""
    return FixturesThatUndo(model, config, facts_of(model, topic).fixture_undo, topic)
