"""The ``flake8-xdist-safety`` console script: ``flake8-xdist-safety fix [OPTIONS] [FLAKE8 OPTIONS] PATH...``;
``rule CODE`` and ``rules`` print the rule pages (rule_docs).

Every argument the fixer does not define itself is flake8's: options, config files and files come from
flake8 exactly as ``flake8`` resolves them for the same arguments (see flake8_run).

Exit status: 0 nothing (left) to do; 1 changes pending (``--check``/``--diff``), a finding flake8 reports is
left unfixed, or a file could not be read, parsed or written; 2 usage or configuration error.
"""
import argparse
import configparser
import contextlib
import difflib
import importlib
import io
import os
import re
import sys
from typing import Dict, List, NamedTuple, Optional, Sequence, TextIO, Tuple, cast

from flake8.defaults import VALID_CODE_PREFIX
from flake8.exceptions import ExecutionError

from flake8_xdist_safety import __version__, rule_docs
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.fixer.add_noqa import add_noqa
from flake8_xdist_safety.fixer.edits import Text
from flake8_xdist_safety.checker import OptionValueExit, enabled_codes
from flake8_xdist_safety.fixer.flake8_run import FileVerdict, Flake8Run, PluginMissing
from flake8_xdist_safety.fixer.planner import Note
from flake8_xdist_safety.fixer.rewrites import FIXABLE, FixResult, fix_text
from flake8_xdist_safety.fixer.safe_write import (
    TEMP_SUFFIX, FileError, encode_like, read_source, remove_stale_temp_files, replace_atomically,
)
from flake8_xdist_safety.links import rule_pointer
from flake8_xdist_safety.fixer.output import GuardedOutput, silence_stdout

_LIST = re.compile(r"[,\s]+")
_LINE_IN_TEXT = re.compile(r"\bline (\d+)\b")
_ADD_NOQA_ALL = "--add-noqa-for-all"
_FIX_USAGE = ("flake8-xdist-safety fix [--diff | --check] [--add-noqa[=all]] [--select CODES] "
              "[--ignore CODES] [--group NAME] [flake8 options] PATH...")


class Narrowing(NamedTuple):
    """``fix --select/--ignore``: which of the findings flake8 reports the fixer acts on. They never widen
    what flake8 reports; the most specific prefix wins, an ignore on a tie."""

    select: Tuple[str, ...]
    ignore: Tuple[str, ...]

    def acts(self, code: str) -> bool:
        def longest(prefixes: Tuple[str, ...]) -> int:
            return max((len(p) for p in prefixes if code.startswith(p)), default=-1)
        selected = longest(self.select) if self.select else 0
        return selected >= 0 and selected > longest(self.ignore)


class UsageError(Exception):
    """A bad argument or configuration: one line, exit status 2."""


class Flake8UsageError(UsageError):
    """An argument flake8's parser refused: the fixer's usage, then one line, exit status 2."""


class Tally:
    def __init__(self) -> None:
        self.noqa: Dict[str, int] = {}
        self.noqa_files = 0
        self.gc_teardowns = 0  # MXS002 changes that make a teardown call gc.collect()
        #: each directory's entries, listed once per run (stale temporary files are looked for there)
        self.listings: Dict[str, List[str]] = {}


#: The cost of MXS002's fix, measured (README, "Adopting the memory-safety policy"; docs/rules/MXS002.md).
GC_COST = ("measured cost: 23-30 ms per test on a synthetic suite of mock-heavy tests, 7.2x the wall time "
           "(221 s -> 1,581 s) on a real suite; see `flake8-xdist-safety rule MXS002`")


def _codes(option: str, value: Optional[str]) -> Tuple[str, ...]:
    if value is None:
        return ()
    codes = tuple(code for code in _LIST.split(value.strip()) if code)
    for code in codes:
        if not VALID_CODE_PREFIX.match(code):
            raise UsageError(f"{option}: {code!r} is not a code or code prefix such as MXS002")
    return codes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flake8-xdist-safety", allow_abbrev=False,
                                     description="Tools for the flake8-xdist-safety plugin.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    commands.add_parser("bisect", add_help=False,  # dispatched in main(), before this parser
                        help="find the test that made TEST_ID fail in its pytest-xdist worker")
    fix = commands.add_parser(
        "fix", allow_abbrev=False, help="rewrite what flake8 reports for MXS001/MXS002/MXS003 in place",
        usage=_FIX_USAGE,
        description="Fix the MXS001 (xdist_group mark), MXS002 (gc.collect() teardown) and MXS003 "
                    "(os.environ change) findings flake8 reports for the same arguments. Every other "
                    "argument is flake8's: --config, --append-config, --isolated, --exclude, "
                    "--extend-exclude, --filename, --per-file-ignores, --extend-select, --extend-ignore, "
                    "--disable-noqa, the --mxs-* options; config files are found as flake8 finds them.")
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true",
                      help="print a unified diff, write nothing; exit 1 if anything would change "
                           "or a finding would be left")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if anything would change or a finding would be left")
    fix.add_argument("--add-noqa", action="store_const", const="unfixed",
                     help="append '# noqa: CODE' for every reported finding left unfixed "
                          "(--add-noqa=all: for every reported finding, fixing nothing)")
    # "--add-noqa=all" (an optional value would swallow the PATH after a bare --add-noqa)
    fix.add_argument(_ADD_NOQA_ALL, action="store_const", const="all", dest="add_noqa",
                     help=argparse.SUPPRESS)
    fix.add_argument("--select", metavar="CODES",
                     help="act only on these codes (prefixes) among those flake8 reports")
    fix.add_argument("--ignore", metavar="CODES", help="do not act on these codes (prefixes)")
    fix.add_argument("--group", metavar="NAME",
                     help="xdist_group name for every new mark (default: one name per test module)")
    rule_docs.add_commands(commands)
    fix.add_argument("--harmless-decorators", metavar="NAMES",
                     help="decorators (dotted names, as imported) that pass a new monkeypatch parameter "
                          "through to the test, like pytest's marks")
    return parser


def main(argv: Optional[Sequence[str]] = None, out: Optional[TextIO] = None,
         err: Optional[TextIO] = None) -> int:
    if out is None and sys.stdout is None:  # started with standard output closed (`fix . >&-`)
        sys.stdout = open(os.devnull, "w")  # flake8's formatter asks it isatty()
    else:
        out = out or sys.stdout
    err = err or sys.stderr
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["bisect"]:  # the runtime layer's command; by name: edges do not import runtime/
        bisect_main = getattr(importlib.import_module("flake8_xdist_safety.runtime.bisect"), "main")
        return int(bisect_main(args[1:], out, err))
    try:
        return _main(args, out, err)
    except BrokenPipeError:
        # `fix --diff | head -1`: the reader has gone; say nothing more and make sure the interpreter's
        # own flush at exit does not fail again on the closed pipe.
        if out is sys.stdout:
            silence_stdout()
        return 1
    except KeyboardInterrupt:
        print("flake8-xdist-safety: interrupted", file=err)
        return 130


def _main(argv: List[str], out: Optional[TextIO], err: TextIO) -> int:
    argv = [_ADD_NOQA_ALL if arg == "--add-noqa=all" else "--add-noqa" if arg == "--add-noqa=unfixed" else arg
            for arg in argv]
    parser = _parser()
    args, flake8_argv = parser.parse_known_args(argv)  # usage errors exit 2
    if args.command in rule_docs.COMMANDS:
        if flake8_argv:
            parser.parse_args(argv)  # says which arguments are not the command's, and exits 2
        return rule_docs.run(args, out or sys.stdout, err)
    try:
        narrowing = Narrowing(_codes("--select", args.select), _codes("--ignore", args.ignore))
        if args.group is not None and not args.group.strip():
            raise UsageError("--group needs a non-empty name")
        run = _flake8(flake8_argv)
    except Flake8UsageError as exc:
        print(f"usage: {_FIX_USAGE}\nflake8-xdist-safety fix: error: {exc}", file=err)
        return 2
    except UsageError as exc:
        print(f"flake8-xdist-safety: error: {exc}", file=err)
        return 2
    status = 0
    tally = Tally()
    guarded: Optional[GuardedOutput] = None
    if not (args.diff or args.check):
        guarded = GuardedOutput(out if out is not None and not out.closed else None)
        out = cast(TextIO, guarded)
    elif out is None or out.closed:
        print("flake8-xdist-safety: error: standard output is closed; nothing to print the "
              f"{'diff' if args.diff else 'changes'} to", file=err)
        return 2
    if not any(narrowing.acts(code) for code in enabled_codes(run.options)):
        # flake8 can report none of the codes acted on, in any file: nothing to read
        for path in run.paths:
            if not os.path.lexists(path):
                print(f"{path}: error: no such file or directory", file=err)
                status = 1
        return status
    for filename in run.filenames():
        status |= _fix_file(filename, run, narrowing, args, out, err, tally)
    if args.add_noqa and tally.noqa:
        verb = "would be added" if args.check or args.diff else "added"
        counts = ", ".join(f"{code} {count}" for code, count in sorted(tally.noqa.items()))
        total = sum(tally.noqa.values())
        print(f"# noqa {verb} for {total} finding(s) in {tally.noqa_files} file(s): {counts}", file=out)
    if tally.gc_teardowns and not args.diff:
        verb = "would make" if args.check else "made"
        print(f"MXS002: {verb} {tally.gc_teardowns} per-test teardown(s) call gc.collect(); {GC_COST}",
              file=out)
    if guarded is not None and guarded.lost:
        print(f"flake8-xdist-safety: error: standard output was closed; {guarded.lost} line(s) were not "
              "printed, but every file was fixed as if they had been", file=err)
        status = 1
    return status


def _flake8(argv: List[str]) -> Flake8Run:
    # What flake8's parser and the plugin print on the way to exiting is said again in the fixer's words.
    printed = io.StringIO()
    try:
        with contextlib.redirect_stderr(printed):
            run = Flake8Run(argv)
    except OptionValueExit as exc:  # a bad mxs-* value
        raise UsageError(exc.message) from None
    except SystemExit as exc:
        if isinstance(exc.code, str):  # another plugin's
            raise UsageError(" ".join(exc.code.split())) from None
        refused = re.search(r"^flake8: error: (.*)$", printed.getvalue(), re.MULTILINE)
        if exc.code == 2 and refused:  # flake8's argparse: an unknown option, a bad value
            raise Flake8UsageError(refused.group(1)) from None
        sys.stderr.write(printed.getvalue())
        raise
    except configparser.Error as exc:  # a config file flake8 cannot parse
        raise UsageError(f"cannot read the configuration: {_one_line(exc)}") from None
    except (ExecutionError, PluginMissing, OSError, ValueError) as exc:
        raise UsageError(_one_line(exc)) from None
    sys.stderr.write(printed.getvalue())
    if not run.paths:
        raise UsageError("fix needs at least one PATH")
    if "-" in run.paths:
        raise UsageError("standard input cannot be fixed in place; name the files")
    return run


def _fix_file(filename: str, run: Flake8Run, narrowing: Narrowing, args: argparse.Namespace,
              out: TextIO, err: TextIO, tally: Tally) -> int:
    """Fix one file; 0 if nothing is left for flake8 to report among the codes acted on, else 1."""
    if not os.path.lexists(filename):
        print(f"{filename}: error: no such file or directory", file=err)
        return 1
    try:
        config = run.config_for(filename)
    except Exception as exc:  # a pytest configuration the analysis cannot read
        print(f"{filename}: error: cannot read its project's configuration: {_one_line(exc)}; skipped",
              file=err)
        return 1
    if not config.is_test_file(filename):
        return 0  # the checker skips it too: flake8 reports nothing here for the fixer
    if not (args.diff or args.check):
        _remove_stale_temp_files(filename, out, tally)
    try:
        source = read_source(filename)
        first = _check(run, filename, source.text)
    except FileError as exc:
        print(f"{filename}: error: {exc}", file=err)
        return 1
    if first.unparsable is not None:
        print(f"{filename}: error: cannot parse it ({first.unparsable}); left untouched", file=err)
        return 1
    if not _narrowed(first, narrowing).violations:
        return 0
    try:
        result, noqa = _plan(filename, run, narrowing, args, source.text, first, config)
    except FileError as exc:
        print(f"{filename}: error: {exc}", file=err)
        return 1
    status = 1 if result.not_fixed or result.error else 0
    written = False
    if result.error is not None:
        print(f"{filename}: error: not fixed, left untouched: {result.error}", file=err)
    if result.text != source.text:
        try:
            data = encode_like(source, result.text)
            if args.diff:
                _print_diff(filename, source.text, result.text, out)
            elif args.check:
                _print_notes(filename, result.changes, "would fix", out)
            else:
                replace_atomically(source, data)
                written = True
                _print_notes(filename, result.changes, "fixed", out)
        except FileError as exc:
            print(f"{filename}: error: {exc}", file=err)
            return 1
        if args.diff or args.check:
            status = 1
        tally.gc_teardowns += sum(1 for note in result.changes
                                  if note.code == "MXS002" and note.text.endswith("gc.collect()"))
        if noqa:
            tally.noqa_files += 1
            for code, count in noqa.items():
                tally.noqa[code] = tally.noqa.get(code, 0) + count
    for note in result.not_fixed:
        line, text = note.line, note.text
        if written:  # lines of the file as it now is, also those the reason names
            line = result.forward(line)
            text = _LINE_IN_TEXT.sub(lambda m: f"line {result.forward(int(m.group(1)))}", text)
        print(f"{filename}:{line}:{note.col + 1}: {note.code} {text}", file=err)
    return status


def _remove_stale_temp_files(filename: str, out: TextIO, tally: Tally) -> None:
    directory = os.path.dirname(filename) or os.curdir
    names = tally.listings.get(directory)
    if names is None:
        try:
            names = [n for n in os.listdir(directory) if n.endswith(TEMP_SUFFIX)]
        except OSError:
            names = []
        tally.listings[directory] = names
    for name in remove_stale_temp_files(filename, names):
        print(f"{os.path.join(os.path.dirname(filename), name)}: removed: a temporary file an interrupted "
              f"run left while fixing {filename}", file=out)


def _check(run: Flake8Run, filename: str, text: str) -> FileVerdict:
    """flake8's verdict on ``text``; FileError when the plugin or Python cannot analyse it (the message
    is one line)."""
    try:
        return run.check(filename, text)
    except RecursionError:
        raise FileError("nested too deeply to analyse; left untouched") from None
    except MemoryError:
        raise FileError("too large to analyse; left untouched") from None
    except Exception as exc:  # the plugin failed on it (flake8 would stop with this too)
        raise FileError(f"cannot be analysed: {_one_line(exc)}; left untouched") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _narrowed(verdict: FileVerdict, narrowing: Narrowing) -> FileVerdict:
    return verdict._replace(violations=[v for v in verdict.violations if narrowing.acts(v.code)])


def _plan(filename: str, run: Flake8Run, narrowing: Narrowing, args: argparse.Namespace, text: str,
          first: FileVerdict, config: Config) -> Tuple[FixResult, Dict[str, int]]:
    def check(candidate: str) -> FileVerdict:
        return _check(run, filename, candidate)

    acted = _narrowed(first, narrowing).violations
    codes = sorted({v.code for v in acted if v.code in FIXABLE})
    if args.add_noqa == "all" or not codes:
        result = FixResult(text, [], [])
    else:
        try:
            result = fix_text(text, filename, config, check, first, codes, args.group,
                              int(getattr(run.options, "max_line_length", 79)), run.reports(filename, "F401"),
                              frozenset(n for n in _LIST.split(args.harmless_decorators or "") if n))
        except (RecursionError, MemoryError, ValueError, SyntaxError) as exc:
            raise FileError(f"cannot be fixed ({type(exc).__name__}); left untouched") from None
    fixed_codes = set(codes) if result.error is None and args.add_noqa != "all" else set()
    unfixable = [Note(v.line_number, v.column_number - 1, v.code,
                      f"not fixed: the fixer does not rewrite {v.code}; see {rule_pointer(v.code)}")
                 for v in acted if v.code not in fixed_codes and v.code not in FIXABLE]
    if not args.add_noqa:
        return result._replace(not_fixed=sorted(result.not_fixed + unfixable)), {}
    left = _narrowed(check(result.text), narrowing) if result.text != text else _narrowed(first, narrowing)
    noqa = add_noqa(result.text, left.violations, lambda candidate: _narrowed(check(candidate), narrowing))
    # What could not be fixed is suppressed instead: no longer "not fixed", nor an error.
    # noqa.failed are lines of the text as written already
    return result._replace(text=noqa.text, not_fixed=noqa.failed, error=None, maps=()), noqa.added


def _print_notes(filename: str, notes: List[Note], verb: str, out: TextIO) -> None:
    for note in notes:
        print(f"{filename}:{note.line}:{note.col + 1}: {note.code} {verb}: {note.text}", file=out)


def _print_diff(filename: str, before: str, after: str, out: TextIO) -> None:
    # Split where Python splits lines (str.splitlines would also split at form feeds and the like).
    diff = difflib.unified_diff(Text(before).lines, Text(after).lines, fromfile=filename, tofile=filename)
    for line in diff:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.write(line)
