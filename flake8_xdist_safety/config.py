"""The plugin's settings: flake8 option registration, validation, and the typed Config."""
import fnmatch
import functools
import keyword
import logging
import os
import re
from typing import Callable, FrozenSet, Iterable, NamedTuple, Optional, Sequence, Tuple

from flake8.utils import matches_filename, normalize_path

from flake8_xdist_safety.analysis.imports import canonical

DEFAULT_TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")
DEFAULT_TEST_CLASSES = ("Test*",)
DEFAULT_TEST_FUNCTIONS = ("test*",)
DEFAULT_BROAD_SCOPES = ("module", "package", "session")
DEFAULT_PERFORMANCE_MARKERS = ("performance",)
PYTEST_SCOPES = ("function", "class", "module", "package", "session")

_LOG = logging.getLogger(__name__)
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class OptionError(ValueError):
    """An invalid option value; the message names the option and the value."""


class Config(NamedTuple):
    test_files: Tuple[str, ...] = DEFAULT_TEST_FILES
    test_classes: Tuple[str, ...] = DEFAULT_TEST_CLASSES
    #: extra mock factories (dotted, canonical names), added to the built-in ones
    mock_factories: FrozenSet[str] = frozenset()
    #: fixtures known to call gc.collect(), added to none
    gc_fixtures: FrozenSet[str] = frozenset()
    broad_scopes: FrozenSet[str] = frozenset(DEFAULT_BROAD_SCOPES)
    performance_markers: FrozenSet[str] = frozenset(DEFAULT_PERFORMANCE_MARKERS)
    #: codes flake8 can report in this run (None: all); rules for the others are skipped
    enabled_codes: Optional[FrozenSet[str]] = None
    #: which of the above were set by the user; the others may come from pytest's config
    explicit: FrozenSet[str] = frozenset()
    test_functions: Tuple[str, ...] = DEFAULT_TEST_FUNCTIONS
    #: fixtures pytest's ``usefixtures`` ini option applies to every test
    usefixtures: FrozenSet[str] = frozenset()
    #: ``--dist loadgroup`` in the project: True, False or None (unknown)
    loadgroup: Optional[bool] = None
    #: the project root (pytest's rootdir, else a root marker's directory), if any
    project_root: Optional[str] = None
    #: test_files globs follow pytest's python_files matching (a "/" glob matches the tail)
    pytest_file_globs: bool = False
    #: the team's registries, ``(call, undo)``: dotted names, or ``.method`` on any receiver
    undo_pairs: Tuple[Tuple[str, str], ...] = ()
    #: pytest's own restorers the project's configuration turns off ("warnings", "capture")
    restorers_off: FrozenSet[str] = frozenset()

    def undo_pair_names(self) -> FrozenSet[str]:
        """The last names of the calls in ``undo_pairs`` (the model indexes them)."""
        return frozenset(name.rsplit(".", 1)[-1] for pair in self.undo_pairs for name in pair)

    def is_test_file(self, filename: str) -> bool:
        """``mxs-test-files`` are matched exactly as flake8 matches ``per-file-ignores``
        (flake8's own matcher: every glob against the base name, then against the absolute
        path; globs with a "/" were made absolute relative to their config file or the cwd).
        pytest's ``python_files`` are matched as pytest matches them."""
        if not self.pytest_file_globs:
            return bool(matches_filename(filename, self.test_files, "%(path)s does %(whether)smatch", _LOG))
        path = os.path.abspath(filename)
        base = os.path.basename(path)
        if base == "conftest.py":
            return True  # pytest always loads conftest.py, whatever python_files says
        for glob in self.test_files:
            if fnmatch.fnmatch(base, glob):
                return True
            if "/" in glob or os.sep in glob:
                if not os.path.isabs(glob):
                    glob = "*/" + glob
                if fnmatch.fnmatch(path, glob):
                    return True
        return False

    def is_test_class_name(self, name: str) -> bool:
        return _matches(self.test_classes, name)

    def is_test_function_name(self, name: str) -> bool:
        return _matches(self.test_functions, name)

    def test_function_matcher(self) -> Callable[[str], bool]:
        """``is_test_function_name`` as one callable, for a caller that asks for every def."""
        return _name_matcher(self.test_functions)


def _matches(globs: Tuple[str, ...], name: str) -> bool:
    """fnmatchcase against any glob. Every def of every file asks, with mostly unique test
    names: one matcher per glob tuple, not a cache of names."""
    return _name_matcher(globs)(name)


@functools.lru_cache(maxsize=64)
def _name_matcher(globs: Tuple[str, ...]) -> Callable[[str], bool]:
    prefixes = tuple(glob[:-1] for glob in globs)
    if globs and all(glob.endswith("*") and not any(c in prefix for c in "*?[") for glob, prefix in
                     zip(globs, prefixes)):
        return lambda name: name.startswith(prefixes)  # the usual ``test*``
    # fnmatchcase is fnmatch.translate's pattern matched against the whole name.
    match = re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs) or "(?!)").match
    return lambda name: match(name) is not None


def prefix_or_glob(value: str) -> str:
    """pytest's python_classes/python_functions are prefixes unless they hold glob
    characters: ``Test`` means ``Test*``."""
    return value if any(c in value for c in "*?[") else value + "*"


# -- flake8 option wiring ---------------------------------------------------------------

def register_options(option_manager) -> None:  # type: ignore[no-untyped-def]
    def add(name: str, default: Sequence[str], help_text: str, paths: bool = False) -> None:
        # No default value: an unset option must be told from one set to its default,
        # since the unset ones may come from the project's pytest configuration.
        option_manager.add_option(
            name,
            default=None,
            parse_from_config=True,
            comma_separated_list=True,
            normalize_paths=paths,
            help=f"{help_text} (Default: {','.join(default) or 'none'})",
        )

    add(
        "--mxs-test-files",
        DEFAULT_TEST_FILES,
        "Globs of files MXS checks, matched like per-file-ignores: a glob without '/' matches the "
        "base name. Default: pytest's python_files (and conftest.py), else the default here.",
        paths=True,
    )
    add(
        "--mxs-test-classes",
        DEFAULT_TEST_CLASSES,
        "Globs of test class names (unittest.TestCase subclasses always count). "
        "Default: pytest's python_classes, else the default here.",
    )
    add(
        "--mxs-mock-factories",
        (),
        "Dotted names of extra callables that create mocks, e.g. tests.helpers.make_mock. "
        "Added to MagicMock, AsyncMock, NonCallableMagicMock, create_autospec and patch.",
    )
    add(
        "--mxs-gc-fixtures",
        (),
        "Names of fixtures that call gc.collect() (e.g. from a plugin); using one satisfies MXS002.",
    )
    add(
        "--mxs-broad-scopes",
        DEFAULT_BROAD_SCOPES,
        "Fixture scopes MXS006 treats as shared across tests. Replaces the default.",
    )
    add(
        "--mxs-performance-markers",
        DEFAULT_PERFORMANCE_MARKERS,
        "Marker names of performance tests for MXS009. Replaces the default.",
    )
    add(
        "--mxs-undo-pairs",
        (),
        "Your own registries for MXS016, as CALL:UNDO pairs of dotted names "
        "(myapp.plugins.register:myapp.plugins.unregister), or .METHOD:.METHOD on any receiver "
        "(.connect:.disconnect): a CALL whose UNDO is not guaranteed to run is reported.",
    )


def config_from_options(options) -> Config:  # type: ignore[no-untyped-def]
    """Build and validate the Config from flake8's parsed options (a pure function)."""

    explicit = set()

    def values(attr: str, default: Sequence[str]) -> Tuple[str, ...]:
        raw = getattr(options, attr, None)
        if raw is None:
            return tuple(default)
        explicit.add(attr[4:])
        if isinstance(raw, str):  # not parsed as a list (e.g. a hand-made namespace)
            raw = raw.split(",")
        return tuple(v.strip() for v in raw)

    config = make_config(
        test_files=values("mxs_test_files", DEFAULT_TEST_FILES),
        test_classes=values("mxs_test_classes", DEFAULT_TEST_CLASSES),
        mock_factories=values("mxs_mock_factories", ()),
        gc_fixtures=values("mxs_gc_fixtures", ()),
        broad_scopes=values("mxs_broad_scopes", DEFAULT_BROAD_SCOPES),
        performance_markers=values("mxs_performance_markers", DEFAULT_PERFORMANCE_MARKERS),
        undo_pairs=values("mxs_undo_pairs", ()),
    )
    return config._replace(explicit=frozenset(explicit))


def make_config(
    test_files: Iterable[str] = DEFAULT_TEST_FILES,
    test_classes: Iterable[str] = DEFAULT_TEST_CLASSES,
    mock_factories: Iterable[str] = (),
    gc_fixtures: Iterable[str] = (),
    broad_scopes: Iterable[str] = DEFAULT_BROAD_SCOPES,
    performance_markers: Iterable[str] = DEFAULT_PERFORMANCE_MARKERS,
    undo_pairs: Iterable[str] = (),
) -> Config:
    """Validate values and build a Config; raise OptionError on the first bad one."""
    test_files = _globs("--mxs-test-files", test_files)
    test_classes = _globs("--mxs-test-classes", test_classes)
    factories = frozenset(  # folded like imports: mock.Mock means unittest.mock.Mock
        canonical(f) for f in _checked("--mxs-mock-factories", mock_factories, _is_dotted, "a dotted name"))
    fixtures = frozenset(_checked("--mxs-gc-fixtures", gc_fixtures, _is_identifier, "a fixture name"))
    markers = frozenset(
        _checked("--mxs-performance-markers", performance_markers, _is_identifier, "a marker name")
    )
    scopes = frozenset(
        _checked("--mxs-broad-scopes", broad_scopes, PYTEST_SCOPES.__contains__,
                 "a pytest scope (" + ", ".join(PYTEST_SCOPES) + ")")
    )
    _require_some("--mxs-test-files", test_files)
    _require_some("--mxs-test-classes", test_classes)
    _require_some("--mxs-performance-markers", markers)
    pairs = tuple(_undo_pair(value) for value in undo_pairs)
    return Config(test_files, test_classes, factories, fixtures, scopes, markers, undo_pairs=pairs)


def _undo_pair(value: str) -> Tuple[str, str]:
    """``a.register:a.unregister`` or ``.connect:.disconnect`` -> the two names."""
    value = value.strip()
    change, sep, undo = value.partition(":")
    change, undo = change.strip(), undo.strip()
    methods = change.startswith(".") and undo.startswith(".")
    if methods:
        valid = _is_identifier(change[1:]) and _is_identifier(undo[1:])
    else:
        valid = _is_dotted(change) and _is_dotted(undo) and "." in change and "." in undo
    if not sep or not valid:
        raise OptionError(f"--mxs-undo-pairs: {value!r} is not CALL:UNDO (dotted names, "
                          "or .method:.method)")
    return change, undo


def _globs(option: str, values: Iterable[str]) -> Tuple[str, ...]:
    out = []
    for value in values:
        value = value.strip()
        if not value:
            raise OptionError(f"{option}: empty glob in the list")
        value = normalize_path(value)  # as flake8 normalises a path option (a no-op if it did)
        out.append(value)
    return tuple(out)


def _checked(option: str, values: Iterable[str], ok: Callable[[str], bool], what: str) -> Tuple[str, ...]:
    out = []
    for value in values:
        value = value.strip()
        if not ok(value):
            raise OptionError(f"{option}: {value!r} is not {what}")
        out.append(value)
    return tuple(out)


def _require_some(option: str, values: Iterable[str]) -> None:
    if not tuple(values):
        raise OptionError(f"{option}: needs at least one value")


def _is_identifier(value: str) -> bool:
    return value.isidentifier() and not keyword.iskeyword(value)


def _is_dotted(value: str) -> bool:
    return bool(_DOTTED.match(value)) and not any(keyword.iskeyword(p) for p in value.split("."))
