"""The one rule every kind of process state shares (MXS003, MXS007, ...): a change that
nothing guarantees to undo by the end of its test (or, in a fixture, of the fixture's
scope). What a change and an undo are is the topic's (analysis/topics/); when an undo is
guaranteed is the core's (analysis/state.py, restores.py, undoing_fixtures.py).

Not reported, for every topic: a change in a cleanup position (it is the restore); in a
conftest.py, a change at import time, in a ``pytest_*`` hook, or in an autouse fixture of
the suite's top conftest (no conftest above it) — state set on purpose for every test,
alike in every worker; a conftest function that is neither a fixture, nor a hook, nor used
in that conftest (pytest never runs it).
"""
import os
from typing import Callable, Dict, Iterator, Set

from flake8_xdist_safety.analysis.conftest_chain import conftest_paths
from flake8_xdist_safety.analysis.model import IN_LAMBDA, FileModel, Site
from flake8_xdist_safety.analysis.reads import names_read
from flake8_xdist_safety.analysis.state import facts_of
from flake8_xdist_safety.analysis.topics.base import Topic
from flake8_xdist_safety.analysis.undoing_fixtures import fixtures_undoing
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.findings import Finding, finding

Rule = Callable[[FileModel, Config], Iterator[Finding]]


def state_rule(topic: Topic) -> Rule:
    def check(model: FileModel, config: Config) -> Iterator[Finding]:
        return check_state(topic, model, config)
    check.__name__ = check.__qualname__ = f"check_state_{topic.code}"
    check.__doc__ = f"{topic.code}: {type(topic).__name__} changed without a guaranteed undo."
    return check


def check_state(topic: Topic, model: FileModel, config: Config) -> Iterator[Finding]:
    facts = facts_of(model, topic)
    if not facts.changes:
        return
    fixtures = fixtures_undoing(model, config, topic)
    seen: Dict[int, Set[str]] = {}  # per function: the keys it changed with no undo
    reported: Set[int] = set()  # statements: one report each
    for change in facts.changes:
        site = change.site
        if facts.in_cleanup_position(change) or topic.exempt(model, change) \
                or not _runs_as_test_code(model, site):
            continue
        if site.fn is None and not topic.import_time or site.flags & IN_LAMBDA:
            continue  # (a lambda's body runs whenever its caller calls it: not known here)
        if facts.undone_by_context(change) or facts.restored(change) or facts.saved(change) \
                or fixtures.covers(change) or facts.expected_to_raise(change):
            continue
        if topic.repeats_are_restores:
            # Without a guaranteed restore, a later change of what this function already
            # changed is most likely the hand-written restore: the first change is the finding.
            done = seen.setdefault(id(site.fn), set())
            repeated = not change.opaque and bool(change.keys) and change.keys <= done
            done.update(change.keys)
            if repeated:
                continue
        if id(site.stmt) in reported:
            continue
        reported.add(id(site.stmt))
        yield finding(change.key, site.stmt, change, **change.fields)


def _runs_as_test_code(model: FileModel, site: Site) -> bool:
    """False for what a conftest.py does for every test alike, and for conftest code pytest
    never runs (see the module docstring)."""
    if not model.is_conftest:
        return True
    if site.fn is None:
        return False  # import time: before any test, in every worker alike
    top = site.fn.outermost()
    if not top.module_level:
        return True  # a method of a class tests use
    if top.name.startswith("pytest_"):
        return False
    if top.is_fixture:
        return not (top.autouse and _is_top_conftest(model.filename))
    return top.name in _names_read(model)


def _names_read(model: FileModel) -> Set[str]:
    names = model.cache.get("names_read")
    if names is None:
        names = model.cache["names_read"] = {n for fn in model.functions for n in names_read(model, fn)}
    return names


def _is_top_conftest(filename: str) -> bool:
    """No conftest.py above this one within the project: its autouse fixtures run around
    every test of the suite."""
    own = os.path.abspath(filename)
    return all(path == own for path in conftest_paths(os.path.dirname(own)))
