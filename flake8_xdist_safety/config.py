"""The plugin's settings: flake8 option registration, validation, and the typed Config."""
import fnmatch
import keyword
import os
import re
from typing import Callable, FrozenSet, Iterable, NamedTuple, Optional, Sequence, Tuple

from flake8_xdist_safety.analysis.imports import canonical

DEFAULT_TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")
DEFAULT_TEST_CLASSES = ("Test*",)
DEFAULT_BROAD_SCOPES = ("module", "package", "session")
DEFAULT_PERFORMANCE_MARKERS = ("performance",)
PYTEST_SCOPES = ("function", "class", "module", "package", "session")

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

    def is_test_file(self, filename: str) -> bool:
        path = normalise_path(filename)
        base = path.rsplit("/", 1)[-1]
        for glob in self.test_files:
            subject = path if "/" in glob else base
            if fnmatch.fnmatchcase(subject, glob):
                return True
        return False

    def is_test_class_name(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, glob) for glob in self.test_classes)


def normalise_path(filename: str) -> str:
    """The path as flake8 was given it, with ``./``, ``..`` and backslashes folded."""
    path = os.path.normpath(filename).replace("\\", "/")
    return path[2:] if path.startswith("./") else path


# -- flake8 option wiring ---------------------------------------------------------------

def register_options(option_manager) -> None:  # type: ignore[no-untyped-def]
    def add(name: str, default: Sequence[str], help_text: str) -> None:
        option_manager.add_option(
            name,
            default=",".join(default),
            parse_from_config=True,
            comma_separated_list=True,
            help=f"{help_text} (Default: {','.join(default) or 'none'})",
        )

    add(
        "--mxs-test-files",
        DEFAULT_TEST_FILES,
        "Globs of files MXS checks; a glob without '/' matches the base name. Replaces the default.",
    )
    add(
        "--mxs-test-classes",
        DEFAULT_TEST_CLASSES,
        "Globs of test class names (unittest.TestCase subclasses always count). Replaces the default.",
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


def config_from_options(options) -> Config:  # type: ignore[no-untyped-def]
    """Build and validate the Config from flake8's parsed options (a pure function)."""

    def values(attr: str, default: Sequence[str]) -> Tuple[str, ...]:
        raw = getattr(options, attr, None)
        if raw is None:
            return tuple(default)
        if isinstance(raw, str):  # not parsed as a list (e.g. a hand-made namespace)
            raw = raw.split(",")
        return tuple(v.strip() for v in raw)

    return make_config(
        test_files=values("mxs_test_files", DEFAULT_TEST_FILES),
        test_classes=values("mxs_test_classes", DEFAULT_TEST_CLASSES),
        mock_factories=values("mxs_mock_factories", ()),
        gc_fixtures=values("mxs_gc_fixtures", ()),
        broad_scopes=values("mxs_broad_scopes", DEFAULT_BROAD_SCOPES),
        performance_markers=values("mxs_performance_markers", DEFAULT_PERFORMANCE_MARKERS),
    )


def make_config(
    test_files: Iterable[str] = DEFAULT_TEST_FILES,
    test_classes: Iterable[str] = DEFAULT_TEST_CLASSES,
    mock_factories: Iterable[str] = (),
    gc_fixtures: Iterable[str] = (),
    broad_scopes: Iterable[str] = DEFAULT_BROAD_SCOPES,
    performance_markers: Iterable[str] = DEFAULT_PERFORMANCE_MARKERS,
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
    return Config(test_files, test_classes, factories, fixtures, scopes, markers)


def _globs(option: str, values: Iterable[str]) -> Tuple[str, ...]:
    out = []
    for value in values:
        value = value.strip()
        if not value:
            raise OptionError(f"{option}: empty glob in the list")
        value = value.replace("\\", "/")
        out.append(value[2:] if value.startswith("./") else value)  # paths are normalised too
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
