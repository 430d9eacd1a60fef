"""The runtime plugin's pure parts: the RSS readers and their fallbacks, live mock counts,
the grouping checks on hand-made items, the terminal summary and the probes' odd inputs."""
import functools
import importlib.metadata
import inspect
import os
import sys
import types
from unittest import mock

import pytest

from flake8_xdist_safety.runtime import apps, grouping, memory, pid, probes, report
from flake8_xdist_safety.runtime.findings import FAIL, KIND_GROUPING, Finding
from flake8_xdist_safety.runtime.settings import Settings, Threshold

# -- the RSS readers ---------------------------------------------------------------------------------


class FakeOs:
    """Just what ``_statm_reader`` uses of ``os``: each descriptor reads as ``fd * 7`` resident pages."""

    O_RDONLY = os.O_RDONLY

    def __init__(self, sysconf_error=None, open_error=None):
        self.opened = []
        self.sysconf_error = sysconf_error
        self.open_error = open_error

    def sysconf(self, name):
        assert name == "SC_PAGE_SIZE"
        if self.sysconf_error is not None:
            raise self.sysconf_error
        return 4096

    def open(self, path, flags):
        assert flags == os.O_RDONLY
        if self.open_error is not None:
            raise self.open_error
        self.opened.append(path)
        return len(self.opened)

    def pread(self, fd, size, offset):
        assert (size, offset) == (128, 0)
        return "1000 {} 300 1 0 50 0\n".format(fd * 7).encode()


def test_statm_reader_reads_the_second_field_in_pages_and_reopens_after_a_fork(monkeypatch):
    fake = FakeOs()
    monkeypatch.setattr(memory, "os", fake)
    reader = memory._statm_reader()
    assert reader is not None
    assert reader() == 7 * 4096  # the descriptor opened at creation
    assert reader() == 7 * 4096
    assert fake.opened == ["/proc/self/statm"]
    # A forked child: "self" was resolved at open, so it opens its own.
    real_pid = pid.CURRENT[0]
    pid.CURRENT[0] = real_pid + 1
    try:
        assert reader() == 14 * 4096
        assert reader() == 14 * 4096
    finally:
        pid.CURRENT[0] = real_pid
    assert fake.opened == ["/proc/self/statm", "/proc/self/statm"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_the_process_id_is_current_in_a_forked_child_without_asking_the_system():
    parent = os.getpid()
    assert pid.CURRENT == [parent]
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's result is its exit status
        os._exit(0 if pid.CURRENT == [os.getpid()] and pid.CURRENT[0] != parent else 1)
    assert os.waitpid(child, 0)[1] == 0


@pytest.mark.parametrize("fake", [
    FakeOs(sysconf_error=ValueError("unknown configuration name")),
    FakeOs(sysconf_error=AttributeError("no sysconf on Windows")),
    FakeOs(open_error=FileNotFoundError("no /proc")),
], ids=["sysconf-value-error", "no-sysconf", "no-proc"])
def test_statm_reader_is_none_without_proc(monkeypatch, fake):
    monkeypatch.setattr(memory, "os", fake)
    assert memory._statm_reader() is None


class FakeUsage:
    ru_maxrss = 1234


@pytest.mark.parametrize("platform, expected", [("linux", 1234 * 1024), ("darwin", 1234)])
def test_maxrss_reader_scales_kilobytes_but_not_macos_bytes(monkeypatch, platform, expected):
    import resource

    monkeypatch.setattr(memory, "sys", types.SimpleNamespace(platform=platform, modules=sys.modules))
    monkeypatch.setattr(resource, "getrusage", lambda who: FakeUsage())
    reader = memory._maxrss_reader()
    assert reader is not None
    assert reader() == expected


def test_maxrss_reader_is_none_without_the_resource_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "resource", None)  # import resource raises ImportError
    assert memory._maxrss_reader() is None


def test_rss_reader_falls_back_to_the_peak_then_to_nothing(monkeypatch):
    def peak():
        return 5

    monkeypatch.setattr(memory, "_statm_reader", lambda: None)
    monkeypatch.setattr(memory, "_maxrss_reader", lambda: peak)
    assert memory.rss_reader() == (peak, "resource.getrusage ru_maxrss (peak RSS)")
    monkeypatch.setattr(memory, "_maxrss_reader", lambda: None)
    assert memory.rss_reader() == (None, "unavailable on this platform")


def test_live_mock_count_is_zero_when_unittest_mock_was_never_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "unittest.mock")
    assert memory.live_mock_count() == 0


def test_live_mock_count_counts_mocks_by_type_spec_or_not():
    before = memory.live_mock_count()
    kept = [mock.MagicMock(), mock.Mock(spec=str), mock.NonCallableMock()]
    assert isinstance(kept[1], str)  # the spec'd mock claims to be a str; type() does not
    assert memory.live_mock_count() == before + 3
    kept[0].child.grandchild  # child mocks are mocks too
    assert memory.live_mock_count() == before + 5
    del kept
    assert memory.live_mock_count() == before


# -- grouping ------------------------------------------------------------------------------------------


class FakeItem:
    """What the grouping checks read of a pytest item."""

    def __init__(self, nodeid, marks=(), root="/proj", line=3):
        relative = nodeid.split("::")[0]
        self.nodeid = nodeid
        self.marks = list(marks)
        self.path = os.path.join(str(root), relative)
        self.location = (relative, line, nodeid.split("::")[-1])

    def iter_markers(self, name):
        return iter([mark for mark in self.marks if mark.name == name])


GROUP = pytest.mark.xdist_group(name="db").mark
SLOW = pytest.mark.slow.mark


def test_missing_group_suffix_counts_grouped_items_without_an_at_suffix(monkeypatch):
    monkeypatch.setattr(grouping, "_versions", lambda: "pytest 9.9, pytest-xdist 9.9")
    items = [
        FakeItem("test_a.py::test_suffixed@db", [GROUP]),
        FakeItem("test_a.py::test_bare", [GROUP, SLOW], line=7),
        FakeItem("test_a.py::test_param[a@b]", [GROUP]),  # the '@' is inside the parametrize id
        FakeItem("test_a.py::test_param[1]@db", [GROUP]),
        FakeItem("test_a.py::test_free", [SLOW]),
    ]
    [finding] = grouping.missing_group_suffix(items)
    assert finding == Finding(
        code="MXS011", kind=KIND_GROUPING, where="test_a.py::test_bare", path="test_a.py", line=8,
        detail="--dist loadgroup is not grouping: 2 test(s) with xdist_group marks have no '@group' "
               "suffix in their node id, e.g. test_a.py::test_bare (pytest 9.9, pytest-xdist 9.9; "
               "pytest-dev/pytest-xdist#1386)",
        data={"tests": ["test_a.py::test_bare", "test_a.py::test_param[a@b]"],
              "versions": "pytest 9.9, pytest-xdist 9.9"})


def test_missing_group_suffix_is_silent_when_every_grouped_item_has_one():
    items = [FakeItem("test_a.py::test_one@db", [GROUP]), FakeItem("test_a.py::test_two", [SLOW])]
    assert grouping.missing_group_suffix(items) == []


def test_versions_names_pytest_and_pytest_xdist(monkeypatch):
    assert grouping._versions() == "pytest {}, pytest-xdist {}".format(
        pytest.__version__, importlib.metadata.version("pytest-xdist"))

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert grouping._versions() == "pytest {}, pytest-xdist ?".format(pytest.__version__)


def test_item_location_is_one_based_and_zero_without_a_line():
    assert grouping._location(FakeItem("t.py::test", line=0)) == ("t.py", 1)
    assert grouping._location(FakeItem("t.py::test", line=None)) == ("t.py", 1)
    assert grouping._location(FakeItem("t.py::test", line=41)) == ("t.py", 42)


def test_group_marks_of_a_pytestmark_value():
    decorator = pytest.mark.xdist_group("api")
    assert grouping._group_marks(decorator) == [decorator]
    assert grouping._group_marks([pytest.mark.slow, GROUP]) == [GROUP]
    assert grouping._group_marks((pytest.mark.slow,)) == []
    assert grouping._group_marks(None) == []
    assert grouping._group_marks("xdist_group") == []


def test_pytestmark_line_is_the_first_line_starting_with_it(tmp_path):
    conftest = tmp_path / "conftest.py"
    conftest.write_text('import pytest\n\n  pytestmark_not = 1\npytestmark = pytest.mark.xdist_group("a")\n')
    assert grouping._pytestmark_line(str(conftest)) == 4
    conftest.write_text("import pytest\n")
    assert grouping._pytestmark_line(str(conftest)) == 1
    assert grouping._pytestmark_line(str(tmp_path / "gone.py")) == 1  # unreadable: line 1
    assert grouping._pytestmark_line(str(tmp_path)) == 1  # a directory: OSError too


def _conftest_module(path, pytestmark):
    module = types.ModuleType("conftest")
    if path is not None:
        module.__file__ = str(path)
    if pytestmark is not None:
        module.pytestmark = pytestmark
    return module


def test_conftest_pytestmark_reports_each_module_below_it_with_ungrouped_tests(tmp_path):
    api = tmp_path / "tests" / "api"
    api.mkdir(parents=True)
    (api / "conftest.py").write_text("import pytest\npytestmark = [pytest.mark.xdist_group('api')]\n")
    conftests = [
        _conftest_module(api / "conftest.py", [pytest.mark.slow, pytest.mark.xdist_group("api")]),
        _conftest_module(None, pytest.mark.xdist_group("x")),  # no file: skipped
        _conftest_module(tmp_path / "conftest.py", pytest.mark.slow),  # no group mark: skipped
        _conftest_module(tmp_path / "tests" / "conftest.py", None),  # no pytestmark at all
    ]
    items = [
        FakeItem("tests/api/test_b.py::test_one", root=tmp_path),
        FakeItem("tests/api/test_b.py::test_two", [SLOW], root=tmp_path),
        FakeItem("tests/api/test_a.py::test_grouped", [GROUP], root=tmp_path),
        FakeItem("tests/api/test_a.py::test_free", root=tmp_path),
        FakeItem("tests/apix/test_c.py::test_sibling", root=tmp_path),  # "api" is only a prefix of it
        FakeItem("tests/test_d.py::test_above", root=tmp_path),
    ]
    findings = grouping.conftest_pytestmark(conftests, items, str(tmp_path))
    conftest = os.path.join("tests", "api", "conftest.py")
    assert [(f.where, f.path, f.line, f.detail, f.data) for f in findings] == [
        ("tests/api/test_a.py", conftest, 2,
         conftest + " sets pytestmark = xdist_group, which pytest never applies from a conftest; "
         "1 test(s) here have no xdist_group mark, e.g. tests/api/test_a.py::test_free",
         {"tests": ["tests/api/test_a.py::test_free"]}),
        ("tests/api/test_b.py", conftest, 2,
         conftest + " sets pytestmark = xdist_group, which pytest never applies from a conftest; "
         "2 test(s) here have no xdist_group mark, e.g. tests/api/test_b.py::test_one",
         {"tests": ["tests/api/test_b.py::test_one", "tests/api/test_b.py::test_two"]}),
    ]
    assert {(f.code, f.kind, f.worker, f.level) for f in findings} == {("MXS011", KIND_GROUPING, "", "warn")}


# -- the terminal summary and the JSON versions --------------------------------------------------------


class FakeTerminal:
    def __init__(self):
        self.lines = []

    def write_sep(self, sep, title):
        self.lines.append("{} {} {}".format(sep * 3, title, sep * 3))

    def write_line(self, line):
        self.lines.append(line)


def _settings(json_path=None):
    return Settings(strict=False, count_mocks=False, json_path=json_path,
                    test_growth=Threshold(100.0, None), session_growth=Threshold(300.0, 600.0))


def test_summary_without_findings_workers_or_notes_is_the_title_and_a_count():
    terminal = FakeTerminal()
    report.write_summary(terminal, [], {}, [], _settings())
    assert terminal.lines == ["=== xdist-safety: state left behind by tests ===", "0 finding(s)"]


def test_summary_lists_findings_workers_with_and_without_rss_notes_and_the_json_path():
    findings = [
        Finding(code="MXS003", kind="environ", where="t.py::test_env", path="t.py", line=4,
                detail="os.environ['A'] added", worker="gw1"),
        Finding(code="memory", kind="memory", where="session", path="", line=0,
                detail="worker RSS grew 700.0 MB over 3 tests", level=FAIL, worker="gw0"),
        Finding(code="MXS003", kind="environ", where="t.py::test_other", path="t.py", line=9,
                detail="os.environ['B'] removed"),
    ]
    workers = {
        "gw1": {"rss_source": "/proc/self/statm (current RSS)", "tests": 2,
                "first_mb": 50.0, "last_mb": 48.5},
        "gw0": {"rss_source": "unavailable on this platform", "tests": 3, "first_mb": None, "last_mb": None},
        "": {"rss_source": "/proc/self/statm (current RSS)"},
    }
    terminal = FakeTerminal()
    report.write_summary(terminal, findings, workers, ["a note", "another"], _settings("out/r.json"))
    assert terminal.lines == [
        "=== xdist-safety: state left behind by tests ===",
        "MXS003 t.py:4 t.py::test_env [gw1]",
        "    os.environ['A'] added  (docs/rules/MXS003.md)",
        "memory FAIL session [gw0]",
        "    worker RSS grew 700.0 MB over 3 tests",
        "MXS003 t.py:9 t.py::test_other",
        "    os.environ['B'] removed  (docs/rules/MXS003.md)",
        "memory, from /proc/self/statm (current RSS) / unavailable on this platform; per test warn at "
        "100 MB, per worker session warn at 300 MB, fail at 600 MB:",
        "    main process: 0 tests, RSS /proc/self/statm (current RSS)",
        "    gw0: 3 tests, RSS unavailable on this platform",
        "    gw1: 2 tests, RSS 50.0 -> 48.5 MB (-1.5 MB)",
        "note: a note",
        "note: another",
        "3 finding(s): 2 MXS003, 1 memory, JSON in out/r.json",
    ]


def test_json_versions_are_empty_for_a_package_that_is_not_installed(monkeypatch):
    real = importlib.metadata.version

    def version(name):
        if name == "pytest-xdist":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    assert report._versions() == {"pytest": pytest.__version__, "pytest-xdist": "",
                                  "flake8-xdist-safety": real("flake8-xdist-safety")}


# -- the probes' odd inputs ------------------------------------------------------------------------------


def _getter_with_an_empty_cell():
    def getter():
        return target

    return getter
    target = "never"  # makes ``target`` a cell that stays empty


@pytest.mark.parametrize("getter, expected", [
    (functools.partial(str, 7), "?"),  # a partial of something else than a module name
    (functools.partial(str), "?"),
    (_getter_with_an_empty_cell(), "?"),
    (lambda: None, "?"),  # no closure at all
    (None, "?"),
])
def test_getter_owner_without_a_readable_target_is_a_question_mark(getter, expected):
    assert probes._getter_owner(getter) == expected


def test_patch_target_of_a_patcher_without_getter_or_attribute():
    assert probes.patch_target(types.SimpleNamespace()) == "?.?"
    assert probes.patch_target(types.SimpleNamespace(getter=None, attribute="run",
                                                     additional_patchers=None)) == "?.run"


def test_registry_of_a_mock_module_without_active_patches_is_not_kept(monkeypatch):
    monkeypatch.setattr(probes, "_known_registries", {})
    monkeypatch.setitem(sys.modules, "mock", types.ModuleType("mock"))  # a backport without the list
    registries = probes._active_patch_registries()
    assert registries == [mock._patch._active_patches]
    assert registries[0] is mock._patch._active_patches
    assert list(probes._known_registries) == ["unittest.mock"]


def test_patcher_probe_says_so_when_unittest_mock_has_no_registry(monkeypatch):
    monkeypatch.setattr(probes, "_known_registries", {})
    monkeypatch.setitem(sys.modules, "unittest.mock", types.ModuleType("unittest.mock"))
    monkeypatch.delitem(sys.modules, "mock", raising=False)
    probe = probes.PatcherProbe()
    assert probe.snapshot() == {}
    assert probe.unavailable == ("unittest.mock has no _patch._active_patches on this Python: "
                                 "patchers are not checked")


def test_patcher_probe_looks_for_registries_again_only_when_a_mock_module_comes_or_goes(monkeypatch):
    monkeypatch.delitem(sys.modules, "mock", raising=False)
    monkeypatch.setattr(probes, "_known_registries", dict(probes._known_registries))
    lookups = []
    real_lookup = probes._active_patch_registries
    monkeypatch.setattr(probes, "_active_patch_registries", lambda: lookups.append(1) or real_lookup())
    probe = probes.PatcherProbe()
    first = probe.snapshot()
    assert (probe.snapshot(first), len(lookups)) == (first, 1)
    backport = types.ModuleType("mock")
    started = object()
    backport._patch = types.SimpleNamespace(_active_patches=[started])
    monkeypatch.setitem(sys.modules, "mock", backport)
    assert (probe.snapshot(first), len(lookups)) == ({id(started): started}, 2)
    monkeypatch.delitem(sys.modules, "mock")
    # The backport's list is kept once found (its patchers stay active if the module goes).
    assert (probe.snapshot(first), len(lookups)) == ({id(started): started}, 3)


class _LazyMeta(type):
    """A metaclass whose classes fail to give their ``__dict__`` (as some lazy proxies do)."""

    def __getattribute__(cls, name):
        if name == "__dict__":
            raise RuntimeError("lazy class not loaded")
        return super().__getattribute__(name)


class _Lazy(metaclass=_LazyMeta):
    pass


def test_find_apps_skips_objects_whose_static_lookup_raises():
    module = types.ModuleType("test_odd")
    module.lazy_instance = _Lazy()
    module.lazy_class = _Lazy
    module.app = types.SimpleNamespace(dependency_overrides={})
    module.not_a_dict = types.SimpleNamespace(dependency_overrides=[])
    with pytest.raises(RuntimeError, match="lazy class not loaded"):
        inspect.getattr_static(module.lazy_instance, "dependency_overrides", None)
    assert apps._overrides_of(module.lazy_instance) is None
    assert apps._overrides_of(module.lazy_class) is None
    assert apps.find_apps([module]) == [("test_odd.app", module.app)]


def test_override_names_fall_back_to_a_bounded_repr():
    app = types.SimpleNamespace(dependency_overrides={})
    probe = apps.OverrideProbe([("main.app", app)])
    long_key = "k" * 100
    assert probe.describe((0, "get_db"), "added", {}, {}) == (
        "'get_db'", "main.app.dependency_overrides['get_db'] added")
    name = "'" + "k" * 56 + "..."
    assert len(name) == 60
    assert probe.describe((0, long_key), "removed", {}, {}) == (
        name, "main.app.dependency_overrides[{}] removed".format(name))
