"""Shared harness: write a small project, lint it, read back ``path:line:col: CODE`` reports.

Two linters with one interface, both over the ``project`` fixture (a temp dir with a ``.git``
root marker):

* ``lint`` - the fast in-process harness, the default for rule and definition cases. No flake8
  start-up per call: flake8's plugins and option manager (every plugin's ``add_options``) are
  built once per process; per call, in the project directory, the arguments are parsed by flake8's
  own ``aggregate_options`` as for ``flake8 *args .``, handed to ``parse_options``, then for each
  file flake8 would pick from ``.`` (flake8's ``expand_paths``) the file is read and parsed as
  flake8 reads it
  (``FileProcessor``), ``XdistSafetyChecker(tree=..., filename="./<path>").run()`` is exhausted
  in the project directory (constructor parameters filled by name, as flake8 does), and reports are kept by flake8's select/ignore decision
  (``DecisionEngine``) and formatted as flake8 does (1-based column).
  It refuses (``NotEmulated``) what it does not emulate: ``# noqa`` in a source, a flake8 config
  file (``setup.cfg``, ``tox.ini``, ``.flake8``) in the project, and every flake8 argument other
  than ``--select=``, ``--ignore=``, ``--extend-select=``, ``--extend-ignore=`` and the plugin's
  ``--mxs-...=`` options (so no ``-j``, stdin, ``--per-file-ignores``, ``--exclude``, ``--config``,
  paths). Use ``lint_flake8`` for those.
* ``lint_flake8`` - the same calls through the real flake8 (``flake8.main.cli.main`` in-process).

``lint(files, *args)`` -> sorted ``["path:line:col: CODE", ...]``; ``lint.messages(files, *args)``
-> the same lines with their messages. ``files`` is ``{path: source}`` (dedented) or one source,
written to ``test_example.py``. ``project.run(...)`` runs flake8 as a subprocess (entry points,
``-j``, stdin, exit status, stderr).

``MXS_TESTS_REAL_FLAKE8=1 pytest`` makes ``lint`` the real flake8 too: the suite must pass both
ways (that is how the fast harness is checked against flake8).
"""
import functools
import inspect
import os
import subprocess
import sys
import tempfile
from configparser import RawConfigParser
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import flake8
import pytest
from flake8.discover_files import expand_paths
from flake8.main.cli import main as flake8_main
from flake8.main.options import register_default_options, stage1_arg_parser
from flake8.options.aggregator import aggregate_options
from flake8.options.config import load_config
from flake8.options.manager import OptionManager
from flake8.plugins import finder
from flake8.processor import FileProcessor
from flake8.style_guide import Decision, DecisionEngine

from flake8_xdist_safety.checker import XdistSafetyChecker

from cases import code_only, dedent

Files = Union[str, Dict[str, str]]

#: flake8 arguments the fast harness reproduces exactly; anything else needs real flake8.
EMULATED_ARGUMENTS = ("--select=", "--ignore=", "--extend-select=", "--extend-ignore=", "--mxs-")
#: Files flake8 reads its configuration from (in the directory it runs in).
FLAKE8_CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")

REAL_FLAKE8_EVERYWHERE = os.environ.get("MXS_TESTS_REAL_FLAKE8") == "1"


class NotEmulated(Exception):
    """The fast harness cannot reproduce flake8 for this input: use ``lint_flake8``."""


class Project:
    """A throw-away project directory (with a `.git` root marker) to lint."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / ".git").mkdir(parents=True, exist_ok=True)

    def write(self, files: Dict[str, str]) -> None:
        for name, source in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dedent(source))

    def flake8(self, *args: str, paths: Sequence[str] = (".",)) -> List[str]:
        """Run flake8 in-process in the project; return the MXS lines, messages included."""
        out = self.root / ".flake8-output.txt"
        if out.exists():  # flake8 appends to --output-file
            out.unlink()
        argv = [*args, "--output-file", str(out), *paths]
        with _in_directory(self.root):
            flake8_main(argv)
        lines = out.read_text().splitlines() if out.exists() else []
        return sorted(_strip_dot(line) for line in lines if " MXS" in line)

    def codes(self, *args: str, paths: Sequence[str] = (".",)) -> List[str]:
        """Like :meth:`flake8`, but only ``path:line:col: CODE`` (no message text)."""
        return [code_only(line) for line in self.flake8(*args, paths=paths)]

    def run(self, *args: str, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
        """Run flake8 as a subprocess (entry points, -j, stdin)."""
        return subprocess.run(
            [sys.executable, "-m", "flake8", *args],
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )


class Flake8Linter:
    """``lint`` through the real flake8."""

    def __init__(self, project: Project) -> None:
        self.project = project

    def __call__(self, files: Files, *args: str) -> List[str]:
        return self.codes(files, *args)

    def codes(self, files: Files, *args: str) -> List[str]:
        self.project.write(_as_files(files))
        return self.project.codes(*args)

    def messages(self, files: Files, *args: str) -> List[str]:
        self.project.write(_as_files(files))
        return self.project.flake8(*args)


class FastLinter(Flake8Linter):
    """``lint`` in-process, without flake8's start-up (see the module docstring)."""

    #: What it raises for an input it does not emulate.
    NotEmulated = NotEmulated

    def codes(self, files: Files, *args: str) -> List[str]:
        return [code_only(line) for line in self.messages(files, *args)]

    def messages(self, files: Files, *args: str) -> List[str]:
        self.project.write(_as_files(files))
        return lint_in_process(self.project.root, args)


def lint_in_process(root: Path, args: Sequence[str]) -> List[str]:
    """What ``flake8 *args .`` run in *root* prints for MXS, sorted, without the ``./``."""
    for arg in args:
        if not arg.startswith(EMULATED_ARGUMENTS):
            raise NotEmulated(f"the fast lint does not emulate the flake8 argument {arg!r}: use lint_flake8")
    for name in FLAKE8_CONFIG_FILES:
        if (root / name).exists():
            raise NotEmulated(f"the fast lint does not read flake8 config files ({name}): use lint_flake8")
    lines = []
    with _in_directory(root):
        options, decider = flake8_options(args)
        configure_checker(options)
        filenames = expand_paths(
            paths=["."],
            stdin_display_name=options.stdin_display_name,
            filename_patterns=options.filename,
            exclude=(*options.exclude, *options.extend_exclude),
        )
        for filename in filenames:
            try:
                processor = FileProcessor(filename, options)
                tree = processor.build_ast()
            except (OSError, SyntaxError):  # flake8 reports E902 / E999 and runs no AST plugin
                continue
            if any("noqa" in line.lower() for line in processor.lines):
                raise NotEmulated(f"{filename} has a noqa comment: use lint_flake8")
            arguments = processor.keyword_arguments_for(_checker_parameters(), {"tree": tree})
            for line, col, text, _ in XdistSafetyChecker(tree=tree, **arguments).run():
                code = text.split(" ", 1)[0]
                if decider.decision_for(code) is Decision.Selected:
                    lines.append(f"{_strip_dot(processor.filename)}:{line}:{(col or 0) + 1}: {text}")
    return sorted(line for line in lines if " MXS" in line)


@functools.lru_cache(maxsize=None)
def _flake8_option_manager() -> OptionManager:
    """What flake8 builds at start-up before it reads arguments or config files: the plugins
    (found through their entry points) and an option manager with every plugin's options
    (``add_options``, ``extend_default_ignore``). The costly part of a flake8 run; built once."""
    with _in_directory(_empty_directory()):
        cfg, cfg_dir = load_config(None, [], isolated=False)
        plugin_options = finder.parse_plugin_options(cfg, cfg_dir, enable_extensions=None,
                                                     require_plugins=None)
        plugins = finder.load_plugins(finder.find_plugins(cfg, plugin_options), plugin_options)
    manager = OptionManager(version=flake8.__version__, plugin_versions=plugins.versions_str(),
                            parents=[stage1_arg_parser()], formatter_names=list(plugins.reporters))
    register_default_options(manager)
    manager.register_plugins(plugins)
    return manager


def flake8_options(args: Sequence[str]):
    """flake8's options namespace for ``flake8 *args .`` run in the current directory (which has
    no config file: the fast harness refuses those), and its select/ignore decision engine."""
    manager = _flake8_option_manager()
    options = aggregate_options(manager, RawConfigParser(), os.path.abspath("."), [*args, "."])
    return options, DecisionEngine(options)


@functools.lru_cache(maxsize=None)
def _checker_parameters() -> Dict[str, bool]:
    """The constructor parameters flake8 fills by name (name -> required), as flake8 finds them:
    the positional-or-keyword ones; ``tree`` is given, the others are read off the file."""
    signature = inspect.signature(XdistSafetyChecker)
    return {
        name: parameter.default is parameter.empty
        for name, parameter in signature.parameters.items()
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD
    }


def configure_checker(options) -> None:
    """What flake8 does before checking files: hand the options to the plugin."""
    XdistSafetyChecker.parse_options(options)


@functools.lru_cache(maxsize=None)
def _empty_directory() -> str:
    return tempfile.mkdtemp(prefix="mxs-flake8-options-")


class _in_directory:
    def __init__(self, path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.saved = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc) -> None:
        os.chdir(self.saved)


def _as_files(files: Files) -> Dict[str, str]:
    return {"test_example.py": files} if isinstance(files, str) else files


def _strip_dot(line: str) -> str:
    return line[2:] if line.startswith("./") else line


# -- fixtures --------------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj")


@pytest.fixture
def lint_flake8(project: Project) -> Flake8Linter:
    """``lint_flake8(files, *flake8_args)`` -> sorted ``["file:line:col: CODE", ...]`` (real flake8)."""
    return Flake8Linter(project)


@pytest.fixture
def lint_fast(project: Project) -> FastLinter:
    """The fast in-process harness, even under ``MXS_TESTS_REAL_FLAKE8=1``."""
    return FastLinter(project)


@pytest.fixture
def lint(project: Project) -> Flake8Linter:
    """``lint(files, *flake8_args)`` -> sorted ``["file:line:col: CODE", ...]`` (fast, in-process;
    the real flake8 under ``MXS_TESTS_REAL_FLAKE8=1``)."""
    return Flake8Linter(project) if REAL_FLAKE8_EVERYWHERE else FastLinter(project)


@pytest.fixture
def checker_options():
    """``checker_options(*flake8_args)``: configure ``XdistSafetyChecker`` as flake8 would for
    those arguments (for tests that drive the checker on a tree directly); returns the options."""

    def configure(*args: str):
        with _in_directory(_empty_directory()):
            options, _ = flake8_options(args)
            configure_checker(options)
        return options

    return configure
