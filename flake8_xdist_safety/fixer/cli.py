"""The ``flake8-xdist-safety`` console script: ``flake8-xdist-safety fix [--diff|--check] PATH...``.

Exit status: 0 nothing to do or everything fixed; 1 changes pending (``--check``/``--diff``),
something left unfixed, or a file that could not be read or parsed; 2 usage error.
"""
import argparse
import configparser
import difflib
import fnmatch
import os
import re
import sys
from typing import Dict, Iterator, List, Optional, Sequence, TextIO

from flake8_xdist_safety import __version__
from flake8_xdist_safety.config import Config, OptionError, make_config
from flake8_xdist_safety.fixer.rewrites import fix_source

#: flake8's default ``exclude`` (flake8.defaults.EXCLUDE), for walking directories.
DEFAULT_EXCLUDE = (".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox",
                   ".eggs", "*.egg")
_OPTIONS = ("mxs-test-files", "mxs-test-classes", "mxs-mock-factories", "mxs-gc-fixtures",
            "mxs-broad-scopes", "mxs-performance-markers")
_LIST = re.compile(r"[,\s]")  # flake8's comma-separated-list splitter


# -- the [flake8] settings, found and read as flake8 finds and reads them ------------------------

def find_config_file(path: str) -> Optional[str]:
    """The first of setup.cfg, tox.ini, .flake8 with a [flake8] section, from ``path`` upward
    (stopping at the home directory), as flake8 looks for it."""
    home = os.path.realpath(os.path.expanduser("~"))
    path = os.path.realpath(path)
    while True:
        for candidate in ("setup.cfg", "tox.ini", ".flake8"):
            parser = configparser.RawConfigParser()
            try:
                parser.read(os.path.join(path, candidate), encoding="UTF-8")
            except (UnicodeDecodeError, configparser.Error):
                continue  # flake8 ignores an unparseable candidate too
            if "flake8" in parser or "flake8:local-plugins" in parser:
                return os.path.join(path, candidate)
        parent = os.path.dirname(path)
        if parent == path or parent == home:
            return None
        path = parent


def read_settings(path: Optional[str]) -> Dict[str, List[str]]:
    """``[flake8]`` list settings by dashed name (``mxs_test_files`` is read too)."""
    if path is None:
        return {}
    parser = configparser.RawConfigParser()
    parser.read(path, encoding="UTF-8")
    if "flake8" not in parser:
        return {}
    out = {}
    for key, value in parser["flake8"].items():
        name = key.replace("_", "-")
        if name in _OPTIONS or name in ("exclude", "extend-exclude"):
            out[name] = [v for v in _LIST.split(value) if v]
    return out


def load_config(settings: Dict[str, List[str]]) -> Config:
    given = {name.replace("-", "_")[4:]: values for name, values in settings.items()
             if name in _OPTIONS}
    return make_config(**given)


# -- files --------------------------------------------------------------------------------------

def _excluded(path: str, patterns: Sequence[str]) -> bool:
    base = os.path.basename(path)
    return any(fnmatch.fnmatch(base, p) or fnmatch.fnmatch(os.path.abspath(path), p)
               for p in patterns)


def iter_files(paths: Sequence[str], config: Config, exclude: Sequence[str],
               err: TextIO) -> Iterator[str]:
    """Files named on the command line, and test files under named directories."""
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _excluded(os.path.join(root, d), exclude))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.endswith(".py") and config.is_test_file(full) \
                            and not _excluded(full, exclude):
                        yield full
        elif os.path.exists(path):
            yield path
        else:
            print(f"{path}: error: no such file or directory", file=err)
            yield ""  # counted as a failure by the caller


# -- the fix subcommand -------------------------------------------------------------------------

def fix_file(path: str, config: Config, args: argparse.Namespace,
             out: TextIO, err: TextIO) -> int:
    """Fix one file; return 0 (nothing pending), 1 (pending, unfixed or bad input)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        source = raw.decode("utf-8")
    except OSError as exc:
        print(f"{path}: error: cannot read: {exc.strerror or exc}", file=err)
        return 1
    except UnicodeDecodeError as exc:
        print(f"{path}: error: not UTF-8 (byte {exc.start}); left untouched", file=err)
        return 1
    if not config.is_test_file(path):
        return 0
    try:
        result = fix_source(source, path, config, args.group)
    except (SyntaxError, ValueError) as exc:  # ValueError: null bytes in the source
        where = f", line {exc.lineno}" if isinstance(exc, SyntaxError) and exc.lineno else ""
        message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        print(f"{path}: error: syntax error{where}: {message}; left untouched", file=err)
        return 1
    status = 0
    if result.error is not None:
        print(f"{path}: error: not fixed, left untouched: {result.error}", file=err)
        status = 1
    for note in result.not_fixed:
        print(f"{path}:{note.line}:{note.col + 1}: {note.code} {note.text}", file=err)
        status = 1
    if not result.changed:
        return status
    if args.diff:
        diff = difflib.unified_diff(
            source.splitlines(keepends=True), result.source.splitlines(keepends=True),
            fromfile=path, tofile=path)
        for line in diff:
            if not line.endswith(("\n", "\r")):
                line += "\n\\ No newline at end of file\n"
            out.write(line)
        return 1
    verb = "would fix" if args.check else "fixed"
    for note in result.changes:
        print(f"{path}:{note.line}:{note.col + 1}: {note.code} {verb}: {note.text}", file=out)
    if args.check:
        return 1
    with open(path, "wb") as handle:
        handle.write(result.source.encode("utf-8"))
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flake8-xdist-safety",
        description="Tools for the flake8-xdist-safety plugin.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    fix = commands.add_parser(
        "fix", help="rewrite mechanical MXS001/MXS002/MXS003 violations in place",
        description="Rewrite MXS001 (xdist_group marker), MXS002 (gc.collect() teardown) and "
                    "simple MXS003 (os.environ -> monkeypatch) violations in place. Reads the "
                    "mxs-* settings from the [flake8] section of setup.cfg, tox.ini or .flake8.")
    fix.add_argument("paths", nargs="+", metavar="PATH",
                     help="files, or directories to walk for test files (mxs-test-files globs)")
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true",
                      help="print a unified diff, write nothing; exit 1 if anything would change")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if anything would change")
    fix.add_argument("--group", metavar="NAME",
                     help="xdist_group name to use for every file (default: the file's stem)")
    return parser


def main(argv: Optional[Sequence[str]] = None, out: Optional[TextIO] = None,
         err: Optional[TextIO] = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)  # usage errors exit 2
    if args.group is not None and not args.group.strip():
        print("flake8-xdist-safety: error: --group needs a non-empty name", file=err)
        return 2
    try:
        settings = read_settings(find_config_file("."))
        config = load_config(settings)
    except (OptionError, configparser.Error, UnicodeDecodeError) as exc:
        print(f"flake8-xdist-safety: error: {str(exc).splitlines()[0]}", file=err)
        return 2
    exclude = settings.get("exclude", list(DEFAULT_EXCLUDE)) + settings.get("extend-exclude", [])
    status = 0
    for path in iter_files(args.paths, config, exclude, err):
        status |= fix_file(path, config, args, out, err) if path else 1
    return status
