"""MXS002: a test class that creates mocks collects no garbage after each test."""
from typing import Iterator, Optional, Tuple

from flake8_xdist_safety.analysis.conftest_chain import summaries_for
from flake8_xdist_safety.analysis.fixtures import (
    autouse_per_test, collects_garbage, runs_as_plain_teardown, visible_fixtures, why_collect_never_runs,
    why_teardown_never_runs,
)
from flake8_xdist_safety.analysis.marks import class_marks, usefixtures_names
from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, FunctionInfo
from flake8_xdist_safety.analysis.vocabulary import PER_TEST_TEARDOWNS
from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.rules.xdist_group import mock_owners


def check_gc_teardown(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS002."""
    for owner in mock_owners(model):
        if not isinstance(owner, ClassInfo) or owner.has_unseen_base():
            continue
        if _collects_per_test(model, owner, config):
            continue
        never = _collect_never_runs(model, owner)
        teardown = existing_teardown(owner)
        if never is not None:
            hook, reason = never
            yield finding("MXS002-never-runs", owner.node, owner, name=owner.name, method=hook, reason=reason)
        elif teardown is not None:
            yield finding("MXS002-teardown", owner.node, owner, name=owner.name, method=teardown.name)
        else:  # a unittest TestCase is told its own hook (pytest calls teardown_method on it too)
            yield finding("MXS002-testcase" if owner.is_testcase else "MXS002", owner.node, owner,
                          name=owner.name)


def existing_teardown(cls: ClassInfo) -> Optional[FunctionInfo]:
    """The per-test teardown pytest runs for *cls* (nearest definition), if it has one."""
    for hook in _teardown_hooks(cls):
        for klass in cls.ancestors():
            if hook in klass.methods:
                return klass.methods[hook]
    return None


def _hook_collects(model: FileModel, cls: ClassInfo, hook: str) -> bool:
    """Does the *hook* pytest runs for *cls* call gc.collect()? The nearest definition wins;
    ``super().hook()`` hands on to the next one."""
    for klass in cls.ancestors():
        method = klass.methods.get(hook)
        if method is None:
            continue
        if not runs_as_plain_teardown(model, method, hook):
            return False  # a gc.collect() there never runs (nor a super() call)
        if collects_garbage(model, method):
            return True
        if hook not in method.super_calls:
            return False
    return False


def _collect_never_runs(model: FileModel, cls: ClassInfo) -> Optional[Tuple[str, str]]:
    """A per-test teardown of *cls* whose visible gc.collect() never runs (the hook, why); the
    definitions are walked as :func:`_hook_collects` walks them."""
    for hook in _teardown_hooks(cls):
        chain = [klass.methods[hook] for klass in cls.ancestors() if hook in klass.methods]
        for i, method in enumerate(chain):
            why = why_collect_never_runs(model, method, hook)
            if why is not None:
                return hook, why
            blocked = why_teardown_never_runs(model, method, hook)
            if hook not in method.super_calls:
                break
            if blocked is not None:  # its super().hook() never runs either
                if any(collects_garbage(model, later) for later in chain[i + 1:]):
                    return hook, blocked
                break
    return None


def _teardown_hooks(cls: ClassInfo) -> Tuple[str, ...]:
    """The per-test teardowns pytest runs for this class."""
    return tuple(hook for hook in PER_TEST_TEARDOWNS if cls.runs_hook(hook))


def _collects_per_test(model: FileModel, cls: ClassInfo, config: Config) -> bool:
    if any(_hook_collects(model, cls, hook) for hook in _teardown_hooks(cls)):
        return True
    gc_names = config.gc_fixtures
    fixtures = visible_fixtures(model, cls)
    if any(fn.autouse and fn.name in gc_names for fn in fixtures):
        return True
    if any(collects_garbage(model, fn) for fn in autouse_per_test(fixtures)):
        return True
    every_test = config.usefixtures  # pytest's usefixtures ini option: applied to every test
    if (usefixtures_names(class_marks(model, cls)) | every_test) & gc_names:
        return True
    if any(fn.name in every_test and collects_garbage(model, fn) for fn in fixtures):
        return True
    for summary in summaries_for(model.filename, config):
        if summary.gc_autouse or summary.autouse_names & gc_names or every_test & summary.gc_collectors:
            return True
    return False
