"""The issue's "guaranteed restore": when is a restoring site sure to run after a change?

A restore is guaranteed when it is in a ``finally:`` block (that follows the change) of the
changing function or a function it is nested in; after a fixture's ``yield``; inside an
``addCleanup``/``addfinalizer``/``ExitStack.callback`` registration there; in a function
registered there as a finalizer (a nested def, a module-level function, or ``self.method``);
or in a teardown hook of the changing class (or a same-file base) or of the module. A method
of a helper class named for putting things back (``clear``, ``reset``, ``restore``...) is itself
cleanup code: what it changes is not reported.
"""
from typing import Callable, Dict, Generic, Iterator, List, Optional, Sequence, Set, TypeVar

from flake8_xdist_safety.analysis.model import (
    AFTER_YIELD, CLEANUP, FINALLY, GUARANTEED, ClassInfo, FileModel, FunctionInfo, Site,
)
from flake8_xdist_safety.analysis.vocabulary import (
    CLASS_TEARDOWN_HOOKS, MODULE_TEARDOWN_HOOKS, PER_TEST_SETUPS, RESTORING_METHOD_PREFIXES,
)

T = TypeVar("T")


def class_of(site: Site) -> Optional[ClassInfo]:
    """The class whose method (or body) the site is in."""
    if site.fn is not None:
        return site.fn.owner_class()
    return site.cls


def _restoring_method(fn: Optional[FunctionInfo]) -> bool:
    """``SetEnv.clear`` in ``env = SetEnv(); yield env; env.clear()``: a method of a helper
    (not test) class whose name says it puts things back undoes, it does not change."""
    top = fn.outermost() if fn is not None else None
    return top is not None and top.cls is not None and not top.cls.is_test \
        and top.name.lstrip("_").startswith(RESTORING_METHOD_PREFIXES)


def _chain(fn: Optional[FunctionInfo]) -> List[Optional[FunctionInfo]]:
    return list(fn.chain()) if fn is not None else [None]


class Cleanup:
    """Guaranteed-restore questions for one file."""

    def __init__(self, model: FileModel) -> None:
        #: name -> functions that register a function of that name as a finalizer
        self.registrars: Dict[str, List[FunctionInfo]] = {}
        for fn in model.functions:
            for name in fn.finalizer_names:
                self.registrars.setdefault(name, []).append(fn)

    def registrars_of(self, fn: Optional[FunctionInfo]) -> List[FunctionInfo]:
        """Functions that register *fn* (or a function *fn* is nested in) as a finalizer."""
        out: List[FunctionInfo] = []
        while fn is not None:
            for registrar in self.registrars.get(fn.name, ()):
                if fn.parent is not None:
                    if registrar is fn.parent:  # a nested def, by its local name
                        out.append(registrar)
                elif fn.cls is None or fn.cls in _family(registrar.owner_class()):
                    out.append(registrar)  # a module-level function, or self.method
            fn = fn.parent
        return out

    @staticmethod
    def _hook(fn: Optional[FunctionInfo]) -> Optional[FunctionInfo]:
        """The teardown hook *fn* is (or is nested in), if any."""
        if fn is None:
            return None
        top = fn.outermost()
        if top.hook in MODULE_TEARDOWN_HOOKS and top.module_level:
            return top
        if top.hook in CLASS_TEARDOWN_HOOKS and top.cls is not None \
                and (top.cls.runs_hook(top.hook) or not top.cls.is_test):
            return top  # a mixin's hook runs where it is mixed in (restores() asks that class)
        return None

    def is_restoring(self, site: Site) -> bool:
        """Is the site itself in a guaranteed (cleanup) position, or in a helper class's
        method named for putting things back?"""
        return bool(site.flags & GUARANTEED) or bool(self.registrars_of(site.fn)) \
            or self._hook(site.fn) is not None or _restoring_method(site.fn)

    def restores(self, change: Site, restore: Site) -> bool:
        """Is *restore* guaranteed to run after *change*?"""
        chain = _chain(change.fn)
        if restore.flags & GUARANTEED and restore.fn in chain:
            # A finally block that ended before the change started restores nothing of it.
            only_finally = restore.flags & GUARANTEED == FINALLY and not restore.flags & CLEANUP
            if not (only_finally and restore.fn is change.fn and restore.line < change.line):
                return True
        if any(registrar in chain for registrar in self.registrars_of(restore.fn)):
            return True
        if restore.flags & CLEANUP and restore.fn is not None:
            # self.addCleanup(patch.stopall) in a (base class's) setUp covers every test
            top = restore.fn.outermost()
            owner = class_of(change)
            if top.name in PER_TEST_SETUPS and top.cls is not None and owner is not None \
                    and top.cls in owner.ancestors():
                return True
        hook = self._hook(restore.fn)
        if hook is None:
            return False
        if hook.module_level:
            # pytest calls teardown_function for module-level test functions only.
            if hook.hook == "teardown_function":
                return change.fn is not None and change.fn.outermost().module_level
            return True
        owner = class_of(change)
        # A mixin's setUp and tearDown run together, wherever it is mixed in.
        return owner is not None and hook.cls in owner.ancestors() \
            and (owner.runs_hook(str(hook.hook)) or not owner.is_test)

    def after_its_test(self, fixture: FunctionInfo, sites: List[Site]) -> bool:
        """Does one of *sites* run after the test that *fixture* serves: after its ``yield``
        (or in a ``finally`` around it), in a cleanup registration, or in a function it
        registers with ``request.addfinalizer``?"""
        after_test = CLEANUP | (AFTER_YIELD | FINALLY if fixture.has_yield else 0)
        return any(site.fn is fixture and site.flags & after_test
                   or fixture in self.registrars_of(site.fn) for site in sites)

    def any_restores(self, change: Site, candidates: List[Site]) -> bool:
        return any(self.restores(change, r) for r in candidates)

    def index(self, restores: Sequence[T], site_of: Callable[[T], Site]) -> "RestoreIndex[T]":
        return RestoreIndex(self, restores, site_of)


class RestoreIndex(Generic[T]):
    """Restoring sites filed by where they can act from, so that a change is compared only
    with the restores that could run after it (its own function chain, the functions that
    register finalizers there, its class's hooks and setUp cleanups, module hooks): linear
    in a file of thousands of tests that each restore their own change."""

    def __init__(self, cleanup: Cleanup, restores: Sequence[T], site_of: Callable[[T], Site]) -> None:
        self.cleanup = cleanup
        self.site_of = site_of
        self.by_function: Dict[int, List[T]] = {}
        self.by_class: Dict[int, List[T]] = {}
        self.module_wide: List[T] = []
        for item in restores:
            site = site_of(item)
            self.by_function.setdefault(id(site.fn), []).append(item)
            for registrar in cleanup.registrars_of(site.fn):
                self.by_function.setdefault(id(registrar), []).append(item)
            hook = cleanup._hook(site.fn)
            top = site.fn.outermost() if site.fn is not None else None
            if hook is not None and hook.module_level:
                self.module_wide.append(item)
            elif hook is not None and hook.cls is not None:
                self.by_class.setdefault(id(hook.cls), []).append(item)
            elif site.flags & CLEANUP and top is not None and top.name in PER_TEST_SETUPS \
                    and top.cls is not None:
                self.by_class.setdefault(id(top.cls), []).append(item)

    def restoring(self, change: Site) -> Iterator[T]:
        """The restores guaranteed to run after *change*."""
        candidates: List[T] = []
        for fn in _chain(change.fn):
            candidates.extend(self.by_function.get(id(fn), ()))
        owner = class_of(change)
        if owner is not None and self.by_class:
            for cls in owner.applying_where(f"restores:{id(self)}", lambda c: id(c) in self.by_class):
                candidates.extend(self.by_class[id(cls)])
        candidates.extend(self.module_wide)
        seen: Set[int] = set()
        for item in candidates:
            if id(item) not in seen:
                seen.add(id(item))
                if self.cleanup.restores(change, self.site_of(item)):
                    yield item


def _family(cls: Optional[ClassInfo]) -> List[ClassInfo]:
    """A class with its same-file bases (``self.method`` may be inherited)."""
    return cls.ancestors() if cls is not None else []
