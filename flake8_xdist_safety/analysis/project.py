"""The project a checked file belongs to: the pytest configuration pytest itself would use,
its directory (the rootdir), and whether ``--dist loadgroup`` is in effect.

Everything is found from the file's own location, never the current directory, so the
same file gives the same findings from anywhere; each directory and each configuration is
read once per process (flake8 -j workers each keep their own small cache).
"""
import configparser
import glob
import os
import re
import shlex
import sys
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

from flake8_xdist_safety.config import Config, prefix_or_glob

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on the 3.9/3.10 CI leg
    import tomli as tomllib

#: Files pytest reads its configuration from, in the order it looks for them per directory.
CONFIG_FILES = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
#: Without a pytest configuration, these mark a project root (the conftest walk stops there).
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".git")
#: Where projects write their test command, relative to the project root.
_COMMAND_FILES = ("tox.ini", "noxfile.py", "Makefile", ".gitlab-ci.yml", "*.sh",
                  ".github/workflows/*.yml", ".github/workflows/*.yaml", "scripts/*.sh")
_LOADGROUP = re.compile(r"""--dist(?:\s*=\s*|["',\s]+)["']?loadgroup\b""")


class PytestConfig(NamedTuple):
    #: the configuration file, or None when pytest would find none
    path: Optional[str]
    #: its directory: pytest's rootdir (no conftest.py above it is loaded)
    root: Optional[str]
    #: the ini options the plugin reads, as pytest splits them
    python_files: Optional[Tuple[str, ...]] = None
    python_classes: Optional[Tuple[str, ...]] = None
    python_functions: Optional[Tuple[str, ...]] = None
    usefixtures: Tuple[str, ...] = ()
    #: ``--dist loadgroup`` in effect: True, False, or None (no configuration: unknown)
    loadgroup: Optional[bool] = None


NO_CONFIG = PytestConfig(None, None)

_BY_DIRECTORY: Dict[str, PytestConfig] = {}
_BY_PATH: Dict[str, PytestConfig] = {}
_ROOTS: Dict[str, Optional[str]] = {}


def pytest_config_for(filename: str) -> PytestConfig:
    """The pytest configuration for a checked file (or ``--stdin-display-name`` path)."""
    directory = os.path.dirname(os.path.abspath(filename))
    cached = _BY_DIRECTORY.get(directory)
    if cached is None:
        cached = _find(directory)
        _BY_DIRECTORY[directory] = cached
    return cached


def project_root(filename: str) -> Optional[str]:
    """The pytest rootdir, else the nearest directory upward holding a root marker."""
    config = pytest_config_for(filename)
    if config.root is not None:
        return config.root
    directory = os.path.dirname(os.path.abspath(filename))
    if directory not in _ROOTS:
        _ROOTS[directory] = _marked_root(directory)
    return _ROOTS[directory]


def package_of(filename: str) -> Optional[str]:
    """The dotted package of a file for its relative imports: its directory relative to the
    project root (``tests/api/test_a.py`` -> ``tests.api``), or the ``__init__.py`` chain
    when there is no root; None when the directories are not identifiers."""
    directory = os.path.dirname(os.path.abspath(filename))
    root = project_root(filename)
    parts: List[str] = []
    if root is not None and (directory + os.sep).startswith(root.rstrip(os.sep) + os.sep):
        relative = os.path.relpath(directory, root)
        parts = [] if relative == "." else relative.split(os.sep)
    else:
        while os.path.isfile(os.path.join(directory, "__init__.py")):
            parts.insert(0, os.path.basename(directory))
            directory = os.path.dirname(directory)
    if not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def _marked_root(directory: str) -> Optional[str]:
    return next((d for d in _upward(directory)
                 if any(os.path.exists(os.path.join(d, m)) for m in ROOT_MARKERS)), None)


def _upward(directory: str) -> Iterator[str]:
    """*directory* and each of its parents, up to the filesystem root."""
    while True:
        yield directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return
        directory = parent


def _find(directory: str) -> PytestConfig:
    for current in _upward(directory):
        for name in CONFIG_FILES:
            path = os.path.join(current, name)
            if os.path.isfile(path):
                config = _BY_PATH.get(path)
                if config is None:
                    config = _read(path)
                    _BY_PATH[path] = config
                if config is not NO_CONFIG:
                    return config
    return NO_CONFIG


def _read(path: str) -> PytestConfig:
    """The configuration in *path*, or NO_CONFIG when it holds none or cannot be read."""
    try:
        options = _ini_options(path)
    except Exception:  # unreadable or malformed: pytest's problem to report, not ours
        return NO_CONFIG
    if options is None:
        return NO_CONFIG
    root = os.path.dirname(path)
    addopts = _words(options.get("addopts"))
    loadgroup = bool(_LOADGROUP.search(" ".join(addopts))) or _commands_use_loadgroup(root)
    return PytestConfig(
        path=path,
        root=root,
        python_files=_words_or_none(options.get("python_files")),
        python_classes=_words_or_none(options.get("python_classes")),
        python_functions=_words_or_none(options.get("python_functions")),
        usefixtures=tuple(_words(options.get("usefixtures"))),
        loadgroup=loadgroup,
    )


def _ini_options(path: str) -> Optional[Dict[str, object]]:
    name = os.path.basename(path)
    if name == "pyproject.toml":
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        tool = data.get("tool", {})
        pytest_table = tool.get("pytest") if isinstance(tool, dict) else None
        if not isinstance(pytest_table, dict):
            return None
        ini = pytest_table.get("ini_options")
        if isinstance(ini, dict):
            return dict(ini)
        return {k: v for k, v in pytest_table.items() if k != "ini_options"}  # pytest 9's [tool.pytest]
    parser = configparser.RawConfigParser()
    with open(path, encoding="utf-8") as handle:
        parser.read_file(handle)
    section = {"pytest.ini": "pytest", ".pytest.ini": "pytest", "tox.ini": "pytest",
               "setup.cfg": "tool:pytest"}[name]
    if parser.has_section(section):
        return dict(parser.items(section))
    return {} if name in ("pytest.ini", ".pytest.ini") else None  # pytest.ini counts even if empty


def _words(value: object) -> List[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError:  # an unbalanced quote: split on whitespace, as a fallback
        return str(value).split()


def _words_or_none(value: object) -> Optional[Tuple[str, ...]]:
    words = _words(value)
    return tuple(words) if words else None


def _commands_use_loadgroup(root: str) -> bool:
    for pattern in _COMMAND_FILES:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read(1_000_000)
            except OSError:
                continue
            if _LOADGROUP.search(text):
                return True
    return False


_FILE_CONFIGS: Dict[Tuple[int, Optional[str], Optional[str]], Tuple[Config, Config]] = {}


def file_config(config: Config, filename: str) -> Config:
    """*config* completed for one file from its project's pytest configuration: the
    options the user did not set explicitly take pytest's python_files, python_classes
    and python_functions; usefixtures, ``--dist loadgroup`` and the root come along."""
    pytest = pytest_config_for(filename)
    root = project_root(filename)
    key = (id(config), pytest.path, root)
    cached = _FILE_CONFIGS.get(key)
    if cached is not None and cached[0] is config:
        return cached[1]
    result = config._replace(usefixtures=frozenset(pytest.usefixtures), loadgroup=pytest.loadgroup,
                             project_root=root)
    if pytest.python_files and "test_files" not in config.explicit:
        result = result._replace(test_files=pytest.python_files, pytest_file_globs=True)
    if pytest.python_classes and "test_classes" not in config.explicit:
        result = result._replace(test_classes=tuple(prefix_or_glob(v) for v in pytest.python_classes))
    if pytest.python_functions:
        result = result._replace(test_functions=tuple(prefix_or_glob(v) for v in pytest.python_functions))
    _FILE_CONFIGS[key] = (config, result)
    return result
