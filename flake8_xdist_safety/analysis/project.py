"""The project a checked file belongs to: the pytest configuration pytest itself would use,
its directory (the rootdir), and whether ``--dist loadgroup`` is in effect.

Everything is found from the file's own location, never the current directory, so the
same file gives the same findings from anywhere; each directory and each configuration is
read once per process (flake8 -j workers each keep their own small cache). Only regular
files of a bounded size are read (analysis.regular_files): a named pipe never hangs a run.
"""
import os
import re
import shlex
from typing import FrozenSet, Dict, Iterator, List, NamedTuple, Optional, Tuple, Union

from flake8_xdist_safety.analysis.pytest_commands import (
    LOADGROUP, Command, CommandFile, command_files, has_expansion, read_command_file)
from flake8_xdist_safety.analysis.pytest_ini import CONFIG_FILES, Unreadable, ini_options
from flake8_xdist_safety.config import Config, prefix_or_glob

#: Without a pytest configuration, these mark a project root (the conftest walk stops there).
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".git")
#: addopts that run xdist: the configuration itself says how tests are distributed.
_RUNS_XDIST = re.compile(r"(?:^|\s)(?:-n|--numprocesses|--dist|--tx)(?=[\s=0-9]|$)|(?:^|\s)-n\w")


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
    #: ``--dist loadgroup`` in effect: True, False, or None (unknown)
    loadgroup: Optional[bool] = None
    #: False when pytest would stop on the file (malformed, unreadable): defaults apply
    readable: bool = True
    #: pytest's own restorers that addopts turns off: "warnings" (``-p no:warnings``) and
    #: "capture" (``-s``, ``--capture=no``)
    restorers_off: FrozenSet[str] = frozenset()


NO_CONFIG = PytestConfig(None, None)

_BY_DIRECTORY: Dict[str, PytestConfig] = {}
_BY_PATH: Dict[str, PytestConfig] = {}
_ROOTS: Dict[str, Optional[str]] = {}
_PACKAGES: Dict[str, Optional[str]] = {}


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
    when there is no root; None when the directories are not identifiers. (Kept per directory.)"""
    directory = os.path.dirname(os.path.abspath(filename))
    if directory not in _PACKAGES:
        _PACKAGES[directory] = _package_of_directory(directory, project_root(filename))
    return _PACKAGES[directory]


def _package_of_directory(directory: str, root: Optional[str]) -> Optional[str]:
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


#: A configuration file pytest would stop on.
_UNREADABLE = "unreadable"
_OPTIONS: Dict[str, Union[None, str, Dict[str, object]]] = {}
_LOCATED: Dict[str, Optional[str]] = {}
_COMMANDS: Dict[Tuple[str, str], CommandFile] = {}


def _find(directory: str) -> PytestConfig:
    path = _located(directory)
    if path is None:
        return NO_CONFIG
    config = _BY_PATH.get(path)
    if config is None:
        config = _BY_PATH[path] = _read(path)
    return config


def _located(directory: str) -> Optional[str]:
    """The configuration file pytest finds from *directory* (a malformed one included: pytest
    stops there, it does not walk on), or None."""
    if directory in _LOCATED:
        return _LOCATED[directory]
    found = None
    for current in _upward(directory):
        for name in CONFIG_FILES:
            path = os.path.join(current, name)
            if os.path.isfile(path) and _options(path) is not None:  # a FIFO is no file to pytest
                found = path
                break
        if found is not None:
            break
    _LOCATED[directory] = found
    return found


def _options(path: str) -> Union[None, str, Dict[str, object]]:
    if path not in _OPTIONS:
        try:
            _OPTIONS[path] = ini_options(path, os.path.basename(path))
        except Unreadable:
            _OPTIONS[path] = _UNREADABLE
    return _OPTIONS[path]


def _read(path: str) -> PytestConfig:
    """The configuration in *path* (which holds one, possibly unreadable)."""
    options = _options(path)
    root = os.path.dirname(path)
    unreadable = PytestConfig(path=path, root=root, loadgroup=None, readable=False)
    if not isinstance(options, dict):  # pytest would stop: its defaults, and nothing known
        return unreadable
    try:
        python_files = _words_or_none(options.get("python_files"))
        python_classes = _words_or_none(options.get("python_classes"))
        python_functions = _words_or_none(options.get("python_functions"))
        usefixtures = tuple(_words(options.get("usefixtures")))
        addopts = " ".join(_words(options.get("addopts")))
    except ValueError:  # a TOML integer past str()'s 4,300 digits: pytest's str() raises too
        return unreadable
    return PytestConfig(path=path, root=root, python_files=python_files, python_classes=python_classes,
                        python_functions=python_functions, usefixtures=usefixtures,
                        loadgroup=_loadgroup(path, addopts), restorers_off=_restorers_off(addopts))


def _restorers_off(addopts: str) -> FrozenSet[str]:
    """Which of pytest's own save-and-restore plugins addopts turns off."""
    words = _words(addopts)
    off = set()
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in ("-pno:warnings", "-p no:warnings") or word == "-p" and following == "no:warnings":
            off.add("warnings")
        if word == "--capture=no" or word == "--capture" and following == "no" or "s" in _short_flags(word):
            off.add("capture")
    return frozenset(off)


#: pytest's (and xdist's) short options that take a value: ``-rfEs`` is ``-r fEs``, no ``-s``
_TAKES_VALUE = frozenset("rpkmcoWn")


def _short_flags(word: str) -> str:
    """The flags of a short-option cluster (``-sv`` -> ``sv``), up to one that takes a value."""
    if not word.startswith("-") or word.startswith("--"):
        return ""
    flags = ""
    for letter in word[1:]:
        if not letter.isalpha():
            return ""
        flags += letter
        if letter in _TAKES_VALUE:
            break
    return flags


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


# -- --dist loadgroup ----------------------------------------------------------------------

def _loadgroup(config_path: str, addopts: str) -> Optional[bool]:
    """*yes* when addopts, or a command that runs pytest for this configuration, says
    ``--dist loadgroup``; *no* when addopts runs xdist or such commands were found and none
    says it; *unknown* when nothing tells how pytest is run, or a command takes its options
    from a variable, or a command file is over the size bound."""
    if LOADGROUP.search(addopts):
        return True
    evidence = bool(_RUNS_XDIST.search(addopts))
    unknown = False
    root = os.path.dirname(config_path)
    for checkout in _checkouts(root):
        for path in command_files(checkout):
            read = _COMMANDS.get((path, checkout))
            if read is None:
                read = _COMMANDS[(path, checkout)] = read_command_file(path, checkout)
            if read.text is None:
                unknown = unknown or os.path.isfile(path)  # too big to read: it may say anything
                continue
            ours = [c for c in read.commands if _runs_for(c, config_path)]
            if not ours:
                continue
            evidence = True
            inside_commands = sum(len(LOADGROUP.findall(c.text)) for c in read.commands)
            if any(LOADGROUP.search(c.text) for c in ours) \
                    or len(LOADGROUP.findall(read.text)) > inside_commands:
                return True  # in our command, or outside every command (a variable, an env)
            unknown = unknown or any(has_expansion(" ".join(c.arguments)) for c in ours)
    return None if unknown or not evidence else False


def _checkouts(root: str) -> Iterator[str]:
    """The project root, and the enclosing repository root (nearest directory upward with
    ``.git``) when that is another directory: CI files live there."""
    yield root
    repository = next((d for d in _upward(root) if os.path.lexists(os.path.join(d, ".git"))), None)
    if repository is not None and repository != root:
        yield repository


def _runs_for(command: Command, config_path: str) -> bool:
    """Does *command* run pytest with this configuration? pytest finds it from the common
    directory of the arguments that exist (option values included, as pytest does), else
    from where it runs; ``-c``/``--config-file`` name it outright. A command whose place is
    unknown counts: it may run anywhere."""
    if command.cwd is None:
        return True
    arguments = list(command.arguments)
    directories = []
    for index, argument in enumerate(arguments):
        if argument in ("-c", "--config-file") and index + 1 < len(arguments):
            return os.path.normpath(os.path.join(command.cwd, arguments[index + 1])) == config_path
        if argument.startswith("--config-file="):
            return os.path.normpath(os.path.join(command.cwd, argument.split("=", 1)[1])) == config_path
        if argument.startswith("-"):
            continue
        path = os.path.normpath(os.path.join(command.cwd, argument.split("::")[0]))
        if os.path.exists(path):
            directories.append(path if os.path.isdir(path) else os.path.dirname(path))
    anchor = os.path.commonpath(directories) if directories else command.cwd
    return _located(anchor) == config_path


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
                             project_root=root, restorers_off=pytest.restorers_off)
    if pytest.python_files and "test_files" not in config.explicit:
        result = result._replace(test_files=pytest.python_files, pytest_file_globs=True)
    if pytest.python_classes and "test_classes" not in config.explicit:
        result = result._replace(test_classes=tuple(prefix_or_glob(v) for v in pytest.python_classes))
    if pytest.python_functions:
        result = result._replace(test_functions=tuple(prefix_or_glob(v) for v in pytest.python_functions))
    _FILE_CONFIGS[key] = (config, result)
    return result
