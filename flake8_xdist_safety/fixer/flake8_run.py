"""What ``flake8`` would report: the fixer's one source for options, files and "is this finding reported".

Everything comes from flake8 itself, for the same arguments: ``parse_args`` (config discovery, ``--config``,
``--append-config``, ``--isolated``, every option, the plugin's ``parse_options``), ``expand_paths`` (``exclude``,
``extend-exclude``, ``filename``), flake8's ``FileChecker`` (``# flake8: noqa``, the noqa line of each finding)
and ``StyleGuideManager.handle_error`` (select/ignore, extend-*, default-off codes, ``per-file-ignores``, inline
``# noqa``, ``--disable-noqa``). The fixer acts on exactly the violations flake8's style guide hands to its
formatter; nothing here re-decides any of that.

Only this plugin's checker is run (the fixer has no use for other plugins' findings), on the text the fixer
read, so flake8 judges the very bytes that get fixed.
"""
import argparse
import ast
import io
import operator
from typing import Any, List, NamedTuple, Optional, Sequence

from flake8.checker import FileChecker
from flake8.discover_files import expand_paths
from flake8.formatting.base import BaseFormatter
from flake8.options.parse_args import parse_args
from flake8.plugins.finder import Checkers
from flake8.processor import FileProcessor
from flake8.style_guide import StyleGuideManager
from flake8.violation import Violation

from flake8_xdist_safety.analysis.project import file_config
from flake8_xdist_safety.checker import XdistSafetyChecker
from flake8_xdist_safety.config import Config

#: flake8's own codes for "could not tokenize or parse the file".
_UNPARSABLE = ("E902", "E999")


class PluginMissing(Exception):
    """flake8 did not load this plugin (not installed, or disabled)."""


class FileVerdict(NamedTuple):
    #: the MXS violations flake8 reports for the file, in flake8's order (line, column)
    violations: List[Violation]
    #: flake8's E999/E902 text when it could not parse or tokenize the file
    unparsable: Optional[str]
    #: the tree flake8 parsed (the text's own, shared with the checker: never mutate it)
    tree: Optional[ast.AST]


class _Collector(BaseFormatter):  # type: ignore[misc]
    """A formatter that keeps what the style guide decided to report instead of printing it."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.reported: List[Violation] = []
        super().__init__(options)

    def handle(self, error: Violation) -> None:
        self.reported.append(error)

    def format(self, error: Violation) -> Optional[str]:
        return None


class _KeepingTreeProcessor(FileProcessor):  # type: ignore[misc]
    """flake8's processor over given lines, keeping the tree it builds for the fixer to reuse."""

    tree: Optional[ast.AST] = None

    def build_ast(self) -> ast.AST:
        self.tree = super().build_ast()
        return self.tree


class _GivenTextChecker(FileChecker):  # type: ignore[misc]
    """flake8's FileChecker over text already in memory rather than the file on disk."""

    def __init__(self, *, lines: List[str], **kwargs: Any) -> None:
        self._given_lines = lines
        super().__init__(**kwargs)

    def _make_processor(self) -> _KeepingTreeProcessor:
        return _KeepingTreeProcessor(self.filename, self.options, lines=list(self._given_lines))

    def process_tokens(self) -> None:
        # flake8's token pass only feeds physical- and logical-line plugins, and none run here; the noqa
        # line of a finding is looked up from the file's tokens on its own (FileProcessor.noqa_line_for).
        return None


def flake8_lines(text: str) -> List[str]:
    """The lines flake8 would read from a file holding ``text`` (it reads through universal newlines)."""
    return io.StringIO(text, newline=None).readlines()


class Flake8Run:
    """flake8's view of one ``flake8-xdist-safety fix`` invocation."""

    def __init__(self, argv: Sequence[str]) -> None:
        plugins, options = parse_args(list(argv))
        ours = [p for p in plugins.checkers.tree if p.obj is XdistSafetyChecker]
        if not ours:
            raise PluginMissing("flake8 did not load the flake8-xdist-safety plugin; is it installed in "
                                "this environment and not disabled?")
        self.options = options
        self.plugins = Checkers(tree=ours, logical_line=[], physical_line=[])
        self.collector = _Collector(options)
        self.guide = StyleGuideManager(options, self.collector)
        #: the plugin's settings, as its parse_options built them from these options
        self.config: Config = XdistSafetyChecker.config

    def config_for(self, filename: str) -> Config:
        """The settings the checker uses for this file (completed from the file's pytest configuration,
        exactly as XdistSafetyChecker.run completes them)."""
        return file_config(self.config, filename)

    @property
    def paths(self) -> List[str]:
        return list(self.options.filenames)

    def filenames(self) -> List[str]:
        """The files flake8 would check for these paths, sorted as flake8 sorts its report."""
        options = self.options
        found = expand_paths(
            paths=options.filenames,
            stdin_display_name=options.stdin_display_name,
            filename_patterns=options.filename,
            exclude=(*options.exclude, *options.extend_exclude),
        )
        return sorted(set(found))

    def reports(self, filename: str, code: str) -> bool:
        """Would flake8 report ``code`` (of another plugin, e.g. F401) in this file on a line without
        ``# noqa``? Asked of its style guide: select/ignore, extend-*, per-file-ignores."""
        self.collector.reported = []
        with self.guide.processing_file(filename):
            self.guide.handle_error(code, filename, 1, 1, "probe", "")
        return bool(self.collector.reported)

    def check(self, filename: str, text: str) -> FileVerdict:
        """What flake8 reports for ``filename`` if it held ``text``. Errors of the plugin
        (PluginExecutionFailed), RecursionError and MemoryError propagate."""
        checker = _GivenTextChecker(filename=filename, plugins=self.plugins, options=self.options,
                                    lines=flake8_lines(text))
        _, results, _ = checker.run_checks()
        unparsable = next((f"{code} {message}" for code, _, _, message, _ in results if code in _UNPARSABLE),
                          None)
        results.sort(key=operator.itemgetter(1, 2))  # as flake8's Manager.report does
        self.collector.reported = []
        with self.guide.processing_file(filename):
            for code, line, column, message, physical_line in results:
                if code not in _UNPARSABLE:
                    self.guide.handle_error(code, filename, line, column, message, physical_line)
        reported = [v for v in self.collector.reported if v.code.startswith("MXS")]
        processor = checker.processor
        tree = processor.tree if isinstance(processor, _KeepingTreeProcessor) else None
        return FileVerdict(reported, unparsable, tree)
