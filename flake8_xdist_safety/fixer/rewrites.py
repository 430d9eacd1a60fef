"""The fixer's rounds over one file: plan the MXS001/MXS002/MXS003 fixes for what flake8 reports, apply
them, follow up, and prove the result before anything is written.

The plugin's own analysis decides what is wrong, flake8 decides what is reported (see flake8_run); this
module matches flake8's violations to the plugin's findings, hands them to the planners, and re-checks:

* the fixed text must compile;
* flake8 must report no more of a fixed code than it did minus the findings fixed (a suppressed one may
  appear: the user chose to suppress it), and exactly as many of every other code as before.

Otherwise the file is left as it was (when the environment rewrites are what breaks that, it is retried
without them). A ``del os.environ[K]`` that restored by hand what a rewritten assignment set becomes a
finding once the assignment is gone: later rounds rewrite those follow-ups too.
"""
import ast
from typing import Callable, Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Set, Tuple

from flake8.violation import Violation

from flake8_xdist_safety.analysis.builder import build_model
from flake8_xdist_safety.analysis.model import FileModel
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.findings import Finding, format_message
from flake8_xdist_safety.fixer.edits import FixError, LineMap, Text, apply_edits
from flake8_xdist_safety.fixer.flake8_run import FileVerdict
from flake8_xdist_safety.fixer.plan_environ import plan_environ
from flake8_xdist_safety.fixer.plan_gc_teardown import plan_gc_teardown
from flake8_xdist_safety.fixer.plan_xdist_group import plan_xdist_group
from flake8_xdist_safety.fixer.planner import Note, Plan
from flake8_xdist_safety.fixer.unused_imports import unused_import_edits
from flake8_xdist_safety.rules import ALL_CALLS, RULES_BY_CODE

FIXABLE = ("MXS001", "MXS002", "MXS003")
_MAX_ROUNDS = 3

#: flake8 on a text of this file (what it would report if the file held that text)
Check = Callable[[str], FileVerdict]


class FixResult(NamedTuple):
    text: str  # the fixed text (the input if nothing changed or the fix was rejected)
    changes: List[Note]  # on the lines of the input
    not_fixed: List[Note]  # on the lines of the input
    error: Optional[str] = None  # why the file was left as it was
    #: from the input's lines to the fixed text's, one map per round
    maps: Tuple[LineMap, ...] = ()

    def forward(self, line: int) -> int:
        """The line of the fixed text that line ``line`` of the input became."""
        for line_map in self.maps:
            line = line_map.forward(line)
        return line


class _Unsettled(Exception):
    """Follow-up rounds kept finding work in these functions (``Class.test_name``)."""

    def __init__(self, functions: FrozenSet[str]) -> None:
        super().__init__(", ".join(sorted(functions)))
        self.functions = functions


class _Options(NamedTuple):
    codes: Sequence[str]
    group: Optional[str]
    max_line_length: int
    unsettled: FrozenSet[str]
    remove_unused_imports: bool
    harmless_decorators: FrozenSet[str]


class _Round(NamedTuple):
    plan: Plan
    findings: Dict[str, List[Finding]]  # every finding of every rule, by code


def violation_key(violation: Violation) -> Tuple[str, int, int, str]:
    return violation.code, violation.line_number, violation.column_number, violation.text


def finding_key(item: Finding) -> Tuple[str, int, int, str]:
    """The key flake8's violation of this finding has: code, line, 1-based column, message text."""
    return item.code, item.line, item.col + 1, format_message(item).split(" ", 1)[1]


def matching_findings(violations: Sequence[Violation], findings: Dict[str, List[Finding]]
                      ) -> Tuple[List[Finding], List[Violation]]:
    """The plugin's findings flake8 reported as these violations, and violations matching none."""
    index: Dict[Tuple[str, int, int, str], List[Finding]] = {}
    for items in findings.values():
        for item in items:
            index.setdefault(finding_key(item), []).append(item)
    found, unmatched = [], []
    for violation in violations:
        candidates = index.get(violation_key(violation))
        if candidates:
            found.append(candidates.pop(0))
        else:
            unmatched.append(violation)
    return found, unmatched


def rule_findings(model: FileModel, config: Config, codes: Sequence[str]) -> Dict[str, List[Finding]]:
    return {code: list(RULES_BY_CODE[code](model, config)) for code in codes}


def _model(verdict: FileVerdict, text: str, filename: str, config: Config) -> Tuple[ast.Module, FileModel]:
    tree = verdict.tree if isinstance(verdict.tree, ast.Module) else ast.parse(text, filename)
    return tree, build_model(tree, filename, config, ALL_CALLS)


def _plan_round(text: str, filename: str, config: Config, verdict: FileVerdict,
                options: _Options) -> Tuple[_Round, List[Violation]]:
    codes = options.codes
    tree, model = _model(verdict, text, filename, config)
    findings = rule_findings(model, config, codes)
    wanted = [v for v in verdict.violations if v.code in codes]
    acted, unmatched = matching_findings(wanted, findings)
    plan = Plan(Text(text), tree, model, config)
    plan.max_line_length = options.max_line_length
    plan.unsettled = options.unsettled
    plan.harmless_decorators = options.harmless_decorators
    if "MXS001" in codes:
        plan_xdist_group(plan, [f for f in acted if f.code == "MXS001"], findings["MXS001"], options.group)
    if "MXS002" in codes:
        plan_gc_teardown(plan, [f for f in acted if f.code == "MXS002"])
    if "MXS003" in codes:
        plan_environ(plan, [f for f in acted if f.code == "MXS003"], findings["MXS003"])
    plan.header()
    return _Round(plan, findings), unmatched


def _attempt(text: str, filename: str, config: Config, check: Check, first: FileVerdict,
             options: _Options) -> FixResult:
    codes = options.codes
    current_round, unmatched = _plan_round(text, filename, config, first, options)
    plan = current_round.plan
    not_fixed = list(plan.not_fixed)
    not_fixed += [Note(v.line_number, v.column_number - 1, v.code,
                       "not fixed: the fixer found no finding of its own here") for v in unmatched]
    if not plan.edits:
        return FixResult(text, [], not_fixed)
    changes = plan.changes + plan.also_changed
    fixed: Dict[str, int] = {}
    for note in plan.changes:
        fixed[note.code] = fixed.get(note.code, 0) + 1
    maps = [LineMap(plan.text, plan.edits)]
    current = apply_edits(text, plan.edits)
    follow_ups = [code for code in codes if code == "MXS003"]
    verdict = check(current)
    rounds = 0
    while follow_ups and any(v.code in follow_ups for v in verdict.violations):
        later, _ = _plan_round(current, filename, config, verdict, options._replace(codes=follow_ups))
        # a finding refused again is reported once, as the first round saw it (its lines are the input's)
        seen = {(note.line, note.col, note.code) for note in not_fixed}
        not_fixed += [note._replace(line=_back(maps, note.line)) for note in later.plan.not_fixed
                      if (_back(maps, note.line), note.col, note.code) not in seen]
        if not later.plan.edits:
            break
        if rounds == _MAX_ROUNDS:  # it would still change something: leave those functions alone
            raise _Unsettled(_functions_at(later.plan))
        rounds += 1
        changes += [note._replace(line=_back(maps, note.line))
                    for note in later.plan.changes + later.plan.also_changed]
        maps.append(LineMap(later.plan.text, later.plan.edits))
        current = apply_edits(current, later.plan.edits)
        verdict = check(current)
    if verdict.unparsable is None and options.remove_unused_imports and fixed.get("MXS003"):
        before = first.tree if isinstance(first.tree, ast.Module) else ast.parse(text, filename)
        after = verdict.tree if isinstance(verdict.tree, ast.Module) else ast.parse(current, filename)
        fixed_text = Text(current)
        # Not listed as changes of their own: they are part of the rewrites that made them unused.
        edits, _ = unused_import_edits(before, after, fixed_text, lambda n: _back(maps, n), filename)
        if edits:
            maps.append(LineMap(fixed_text, edits))
            current = apply_edits(current, edits)
            verdict = check(current)
    if verdict.unparsable is not None:
        raise FixError(f"the fixed text does not parse ({verdict.unparsable})")
    try:  # the compiler's own checks (a misplaced return, nonlocal, ...) beyond what parsing proves
        compile(verdict.tree if isinstance(verdict.tree, ast.Module) else current, filename, "exec",
                dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise FixError(f"the fixed text does not compile ({exc})") from None
    _verify(first, verdict, codes, fixed)
    return FixResult(current, sorted(changes, key=_order), sorted(not_fixed, key=_order), None,
                     tuple(maps))


def _functions_at(plan: Plan) -> FrozenSet[str]:
    """The functions (``Class.test_name``) in which a round's plan changed something."""
    lines = {note.line for note in plan.changes}
    found: Set[str] = set()
    todo: List[Tuple[ast.AST, Tuple[str, ...]]] = [(plan.tree, ())]
    while todo:
        node, names = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                todo.append((child, names + (child.name,)))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if any(child.lineno <= line <= (child.end_lineno or child.lineno) for line in lines):
                    found.add(".".join(names + (child.name,)))
    return frozenset(found)


def _attempt_settling(text: str, filename: str, config: Config, check: Check, first: FileVerdict,
                      options: _Options) -> FixResult:
    while True:
        try:
            return _attempt(text, filename, config, check, first, options)
        except _Unsettled as exc:
            if exc.functions <= options.unsettled:  # no function to leave out: give the whole file up
                raise FixError("the fixes did not settle after several rounds") from None
            options = options._replace(unsettled=options.unsettled | exc.functions)


def _verify(first: FileVerdict, last: FileVerdict, codes: Sequence[str], fixed: Dict[str, int]) -> None:
    def counts(verdict: FileVerdict) -> Dict[str, int]:
        out: Dict[str, int] = {}
        for violation in verdict.violations:
            out[violation.code] = out.get(violation.code, 0) + 1
        return out

    was, now = counts(first), counts(last)
    for code in sorted(set(was) | set(now)):
        expected = was.get(code, 0) - fixed.get(code, 0)
        got = now.get(code, 0)
        if got > expected if code in codes else got != expected:
            raise FixError(f"after the fix flake8 would report {got} {code} finding(s) instead of {expected}")


def _back(maps: List[LineMap], line: int) -> int:
    for line_map in reversed(maps):
        line = line_map.back(line)
    return line


def _order(note: Note) -> Tuple[int, str, int]:
    return note.line, note.code, note.col


def fix_text(text: str, filename: str, config: Config, check: Check, first: FileVerdict,
             codes: Sequence[str], group: Optional[str] = None, max_line_length: int = 79,
             remove_unused_imports: bool = True, harmless_decorators: FrozenSet[str] = frozenset()
             ) -> FixResult:
    """Fix the findings of ``codes`` (a subset of FIXABLE) that flake8 reported in ``first`` (the verdict
    on ``text``). Never raises FixError: a rejected fix is a result with ``error`` set.

    A function whose environment fixes do not settle is left as it was (its findings "not fixed") and the
    rest of the file is fixed without it."""
    attempts = [list(codes)]
    if "MXS003" in codes and len(codes) > 1:
        attempts.append([code for code in codes if code != "MXS003"])
    error = "nothing to fix"
    for attempt in attempts:
        options = _Options(attempt, group, max_line_length, frozenset(), remove_unused_imports,
                           harmless_decorators)
        try:
            result = _attempt_settling(text, filename, config, check, first, options)
        except FixError as exc:
            error = str(exc)
            continue
        if attempt != list(codes):
            skipped = [Note(v.line_number, v.column_number - 1, v.code,
                            f"not fixed: rewriting this file's environment changes was rejected: {error}")
                       for v in first.violations if v.code not in attempt and v.code in codes]
            result = result._replace(not_fixed=sorted(result.not_fixed + skipped, key=_order))
        return result
    left = [Note(v.line_number, v.column_number - 1, v.code, f"not fixed: {error}")
            for v in first.violations if v.code in codes]
    return FixResult(text, [], sorted(left, key=_order), error)
