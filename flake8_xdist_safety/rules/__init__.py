"""The rules: each reads the file model and yields :class:`~flake8_xdist_safety.findings.Finding`
values (data; the message text is made at the edges from the code table).

Where is MXSnnn decided? MXS001: xdist_group.py; MXS002: gc_teardown.py; MXS004:
patcher_stop.py; MXS005/MXS006: shared_mocks.py; MXS008: shared_resources.py; MXS009:
performance_tests.py; MXS010: mock_spec.py; MXS011: group_effect.py. Every kind of process
state (MXS003 the environment, MXS007 dependency overrides, ...) is one topic in
analysis/topics/, decided by the one rule in process_state.py.

Each rule declares the call names it reads; whoever builds a model for rules passes the
union of theirs (``calls_for``).
"""
import functools
from typing import Dict, FrozenSet, NamedTuple, Tuple

from flake8_xdist_safety.analysis import fixtures, mock_creations
from flake8_xdist_safety.analysis.topics import TOPICS
from flake8_xdist_safety.rules import mock_spec, patcher_stop, shared_mocks, shared_resources
from flake8_xdist_safety.rules.gc_teardown import check_gc_teardown
from flake8_xdist_safety.rules.group_effect import check_group_effect
from flake8_xdist_safety.rules.performance_tests import check_performance
from flake8_xdist_safety.rules.process_state import Rule, state_rule
from flake8_xdist_safety.rules.xdist_group import check_xdist_group


class RuleEntry(NamedTuple):
    check: Rule
    #: last names of the calls the rule (and the analysis it asks) reads
    calls: Tuple[str, ...] = ()


_ENTRIES: Dict[str, RuleEntry] = {
    "MXS001": RuleEntry(check_xdist_group, mock_creations.CALLS),
    "MXS002": RuleEntry(check_gc_teardown, (*mock_creations.CALLS, *fixtures.CALLS)),
    "MXS004": RuleEntry(patcher_stop.check_patchers, patcher_stop.CALLS),
    "MXS005": RuleEntry(shared_mocks.check_module_mocks, shared_mocks.CALLS),
    "MXS006": RuleEntry(shared_mocks.check_broad_fixtures, shared_mocks.CALLS),
    "MXS008": RuleEntry(shared_resources.check_shared_resources, shared_resources.CALLS),
    "MXS009": RuleEntry(check_performance),
    "MXS010": RuleEntry(mock_spec.check_spec, mock_spec.CALLS),
    "MXS011": RuleEntry(check_group_effect),
    **{topic.code: RuleEntry(state_rule(topic), topic.calls) for topic in TOPICS},
}
#: code -> rule entry, in code order (the order the checker runs them)
RULE_ENTRIES: Dict[str, RuleEntry] = dict(sorted(_ENTRIES.items()))
#: code -> rule
RULES_BY_CODE: Dict[str, Rule] = {code: entry.check for code, entry in RULE_ENTRIES.items()}
RULES = tuple(RULES_BY_CODE.values())
#: every call name some rule reads
ALL_CALLS: FrozenSet[str] = frozenset(name for entry in RULE_ENTRIES.values() for name in entry.calls)


@functools.lru_cache(maxsize=16)
def calls_for(codes: FrozenSet[str]) -> FrozenSet[str]:
    """The call names the rules of *codes* read (the model need index no more). Cached: every
    file of a run asks with the same codes."""
    return frozenset(name for code in codes if code in RULE_ENTRIES for name in RULE_ENTRIES[code].calls)
