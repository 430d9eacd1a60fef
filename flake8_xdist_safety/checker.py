"""The flake8 entry point: wires options, builds the file model, runs the rules."""
import ast
import gc
import sys
from typing import Any, ClassVar, FrozenSet, Iterator, List, Optional, Tuple, Type

from flake8.exceptions import PluginExecutionFailed

from flake8_xdist_safety import __version__
from flake8_xdist_safety.codes import DEFAULT_OFF, PUBLIC_CODES
from flake8_xdist_safety.config import Config, OptionError, config_from_options, register_options
from flake8_xdist_safety.findings import format_message
from flake8_xdist_safety.analysis.builder import build_model
from flake8_xdist_safety.analysis.project import file_config
from flake8_xdist_safety.rules import ALL_CALLS, RULES, RULES_BY_CODE, calls_for

_CODE_OF_RULE = {rule: code for code, rule in RULES_BY_CODE.items()}


class OptionValueExit(SystemExit):
    """A bad ``mxs-*`` value: exit status 2, the status flake8's own argument parser gives a bad value
    of flake8's options (1 means findings, or a crash). ``message`` names the option and the value."""

    def __init__(self, message: str) -> None:
        super().__init__(2)
        self.message = message


class XdistSafetyChecker:
    name = "flake8-xdist-safety"
    version = __version__

    #: Set once per process by parse_options (flake8 re-runs it in -j workers).
    config: ClassVar[Config] = Config()

    def __init__(self, tree: ast.AST, filename: str = "stdin") -> None:
        self.tree = tree
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager) -> None:  # type: ignore[no-untyped-def]
        register_options(option_manager)
        option_manager.extend_default_ignore(DEFAULT_OFF)

    @classmethod
    def parse_options(cls, options) -> None:  # type: ignore[no-untyped-def]
        try:
            config = config_from_options(options)
        except OptionError as exc:
            # One line, no traceback, and a status CI can tell from findings.
            print(f"flake8-xdist-safety: error: {exc}", file=sys.stderr)
            raise OptionValueExit(str(exc)) from None
        cls.config = config._replace(enabled_codes=enabled_codes(options))

    def run(self) -> Iterator[Tuple[int, int, str, Type["XdistSafetyChecker"]]]:
        """Everything that can raise is inside the guard (reading the project's configuration,
        building the model, each rule, formatting each message): flake8 lets an exception out
        of ``run()`` escape as a raw traceback that stops the whole run."""
        reports, failure = self._check()
        for line, col, text in reports:
            yield line, col, text, type(self)
        if failure is not None:
            raise PluginExecutionFailed(self.filename, self.name, failure) from failure

    def _check(self) -> Tuple[List[Tuple[int, int, str]], Optional[Exception]]:
        """The file's reports, and the first exception (the others' reports still count).

        The cyclic collector is paused meanwhile: the model is freed by reference counting
        once the rules are done (``release()``), and a collector rescanning a model that grows
        with the file made a file of thousands of tests superlinear."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._reports()
        finally:
            if collecting:
                gc.enable()

    def _reports(self) -> Tuple[List[Tuple[int, int, str]], Optional[Exception]]:
        try:
            config = file_config(self.config, self.filename)
            if not config.is_test_file(self.filename):
                return [], None
            enabled = config.enabled_codes
            calls = ALL_CALLS if enabled is None else calls_for(enabled)
            model = build_model(self.tree, self.filename, config, calls)
        except Exception as exc:
            return [], exc
        reports: List[Tuple[int, int, str]] = []
        failure = None
        for rule in RULES:
            code = _CODE_OF_RULE.get(rule)
            if enabled is not None and code is not None and code not in enabled:
                continue  # flake8 would drop every finding: do not spend time on them
            try:
                reports += [(item.line, item.col, format_message(item)) for item in rule(model, config)]
            except Exception as exc:  # one broken rule must not hide the others
                failure = failure or exc
        model.release()
        return reports, failure


def enabled_codes(options: Any) -> FrozenSet[str]:
    """The codes this run may report: those flake8's select/ignore let through (per-file-
    ignores and noqa can only drop more), minus the off-by-default ones the user's
    ``select``/``extend-select`` do not name by code or prefix. flake8 alone is not enough:
    a plain ``ignore = E501`` replaces its default-ignore list, which would switch them on.
    A pure function of the options, so ``-j`` workers and stdin runs decide alike."""
    named = [*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())]
    chosen = {code for code in DEFAULT_OFF if any(code.startswith(p.strip()) for p in named if p.strip())}
    allowed = [c for c in PUBLIC_CODES if c not in DEFAULT_OFF or c in chosen]
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return frozenset(c for c in allowed if engine.decision_for(c) is Decision.Selected)
    except Exception:  # another flake8 internals version: select/ignore as flake8 decides
        return frozenset(allowed)
