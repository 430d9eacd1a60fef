"""Per-test fixtures that undo what a test changed: an autouse fixture, or one the test
requests (as a parameter, through other fixtures, or with ``usefixtures``), that puts
``os.environ`` back or clears ``dependency_overrides`` after the test."""
from typing import Callable, Dict, FrozenSet, List, Optional, Set

from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.conftest_chain import ConftestSummary, summaries_for
from flake8_xdist_safety.analysis.fixtures import PER_TEST_SCOPES, visible_fixtures
from flake8_xdist_safety.analysis.marks import function_marks, usefixtures_names
from flake8_xdist_safety.analysis.model import FileModel, FunctionInfo, Site

Undoes = Callable[[FileModel, FunctionInfo], bool]


class FixturesThatUndo:
    """Answers "does a per-test fixture around this site's test undo the change?"."""

    def __init__(self, model: FileModel, config: Config, undoes: Undoes,
                 names_of: Callable[[ConftestSummary], FrozenSet[str]],
                 autouse_of: Callable[[ConftestSummary], bool]) -> None:
        self.model = model
        self.config = config
        self.undoes = undoes
        self.names_of = names_of
        self.autouse_of = autouse_of
        self._undoes: Dict[int, bool] = {}
        self._conftest: Optional[List[ConftestSummary]] = None
        self._visible: Dict[int, List[FunctionInfo]] = {}

    def _fixture_undoes(self, fn: FunctionInfo) -> bool:
        if id(fn) not in self._undoes:
            per_test = fn.fixture_scope in PER_TEST_SCOPES
            self._undoes[id(fn)] = per_test and self.undoes(self.model, fn)
        return self._undoes[id(fn)]

    def _summaries(self) -> List[ConftestSummary]:
        if self._conftest is None:
            self._conftest = summaries_for(self.model.filename, self.config)
        return self._conftest

    def covers(self, site: Site) -> bool:
        if site.fn is None:
            return False  # import time: before any fixture runs
        return self.covers_function(site.fn.outermost())

    def covers_function(self, top: FunctionInfo) -> bool:
        """Does a per-test fixture around *top* (a test or a fixture) undo the change?"""
        if top.is_fixture and top.fixture_scope not in PER_TEST_SCOPES:
            return False  # set up before the per-test fixtures, torn down after them
        visible = self._visible.get(id(top.cls))
        if visible is None:  # once per class: a file may have thousands of changes
            visible = self._visible[id(top.cls)] = visible_fixtures(self.model, top.cls)
        if any(fn.autouse and self._fixture_undoes(fn) for fn in visible):
            return True
        if any(self.autouse_of(summary) for summary in self._summaries()):
            return True
        by_name: Dict[str, FunctionInfo] = {}
        for fn in reversed(visible):  # the nearest definition (class before module) wins
            by_name[fn.name] = fn
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
            if fixture is None:
                unresolved.add(name)
            elif self._fixture_undoes(fixture):
                return True
            else:
                requested |= fixture.params  # the fixtures it depends on run around the test too
        return any(unresolved & self.names_of(summary) for summary in self._summaries())
