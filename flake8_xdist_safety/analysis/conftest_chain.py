"""The conftest.py files pytest would load for a test file, summarised once per process.

pytest runs the autouse fixtures of every conftest.py from the test file's directory up
to its rootdir and loads none above it. We walk upward to the project root (the pytest
configuration's directory, else the first directory holding a root marker); a sibling's
conftest never counts. The directories are cached, the files are looked for each time
and summaries are keyed by mtime and size, so a conftest that appears, changes or
disappears is noticed.
"""
import ast
import io
import os
import tokenize
from typing import Dict, FrozenSet, List, Mapping, NamedTuple, Optional, Tuple

from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis import fixtures
from flake8_xdist_safety.analysis.fixtures import PER_TEST_SCOPES, autouse_per_test, collects_garbage
from flake8_xdist_safety.analysis.builder import build_model
from flake8_xdist_safety.analysis.project import project_root
from flake8_xdist_safety.analysis.project_modules import reached_fixtures
from flake8_xdist_safety.analysis.regular_files import read_regular_file
from flake8_xdist_safety.analysis.state import facts_of
from flake8_xdist_safety.analysis.topics import TOPIC_CALLS, TOPICS
from flake8_xdist_safety.analysis.topics.base import NOTHING, Undo

#: what a conftest's model is read for: the topics' undos and gc.collect()
_CALLS = TOPIC_CALLS | frozenset(fixtures.CALLS)


class ConftestSummary(NamedTuple):
    #: an autouse fixture of function scope calls gc.collect()
    gc_autouse: bool
    #: per-test fixtures that call gc.collect() (they count where a test uses them)
    gc_collectors: FrozenSet[str]
    #: names of the module-level autouse fixtures
    autouse_names: FrozenSet[str]
    #: per topic code: the per-test fixtures that undo its changes after the test, and what
    #: each undoes
    undoing: Mapping[str, Mapping[str, Undo]]
    #: per topic code: what its autouse per-test fixtures undo together
    autouse_undo: Mapping[str, Undo]


# Per-process caches: small summaries only (flake8 -j workers each keep their own).
_CHAINS: Dict[str, Tuple[str, ...]] = {}
_SUMMARIES: Dict[str, Tuple[Tuple[int, int], Optional[ConftestSummary]]] = {}


def conftest_paths(directory: str) -> Tuple[str, ...]:
    """conftest.py files from *directory* up to the project root, nearest first."""
    directory = os.path.abspath(directory)
    chain = _CHAINS.get(directory)
    if chain is None:
        chain = _directories(directory)
        _CHAINS[directory] = chain
    candidates = (os.path.join(d, "conftest.py") for d in chain)
    return tuple(path for path in candidates if os.path.isfile(path))


def _directories(directory: str) -> Tuple[str, ...]:
    root = project_root(os.path.join(directory, "conftest.py"))
    out = []
    current = directory
    while True:
        out.append(current)
        parent = os.path.dirname(current)
        if current == root or parent == current:
            return tuple(out)
        current = parent


def summaries_for(filename: str, config: Config) -> List[ConftestSummary]:
    """Summaries of the conftest files that apply to *filename* (itself excluded)."""
    own = os.path.abspath(filename)
    out = []
    for path in conftest_paths(os.path.dirname(own)):
        if path != own:
            summary = _summary(path, config)
            if summary is not None:
                out.append(summary)
    return out


def _summary(path: str, config: Config) -> Optional[ConftestSummary]:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _SUMMARIES.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        summary: Optional[ConftestSummary] = _summarise(path, config)
    except Exception:
        # Unreadable, broken, or too deep to analyse: pytest would fail on it or we cannot
        # tell; either way it is skipped, never reported against the files below it.
        summary = None
    _SUMMARIES[path] = (stamp, summary)
    return summary


def _summarise(path: str, config: Config) -> ConftestSummary:
    data = read_regular_file(path)
    if data is None:
        raise OSError(f"{path}: not a regular file of bounded size")
    # Decode as Python would (coding cookie, else UTF-8): a file Python cannot
    # import is a conftest pytest cannot load, so its fixtures do not count.
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    tree = ast.parse(data.decode(encoding), filename=path)
    model = build_model(tree, path, config, _CALLS)
    # Its own fixtures, and those it brings in from the project's modules (star imports,
    # pytest_plugins, fixtures imported by name): pytest registers them all here.
    defined = [(model, fn) for fn in model.module_functions.values() if fn.is_fixture]
    defined += reached_fixtures(model)
    autouse = [(owner, fn) for owner, fn in defined if fn.autouse]
    per_test = [(owner, fn) for owner, fn in defined if fn.fixture_scope in PER_TEST_SCOPES]
    undoing: Dict[str, Dict[str, Undo]] = {}
    autouse_undo: Dict[str, Undo] = {}
    for topic in TOPICS:
        for owner, fn in per_test:
            undo = facts_of(owner, topic).fixture_undo(fn)
            if undo:
                undoing.setdefault(topic.code, {})[fn.name] = undo
                if fn.autouse:
                    autouse_undo[topic.code] = autouse_undo.get(topic.code, NOTHING) | undo
    return ConftestSummary(
        gc_autouse=any(collects_garbage(owner, fn) for owner, fn in autouse
                       if fn in autouse_per_test([fn])),
        gc_collectors=frozenset(fn.name for owner, fn in per_test if collects_garbage(owner, fn)),
        autouse_names=frozenset(fn.name for _owner, fn in autouse),
        undoing=undoing,
        autouse_undo=autouse_undo,
    )
