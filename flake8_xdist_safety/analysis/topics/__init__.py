"""The kinds of process state a test can leave behind: one topic module each.

Where is the knowledge about kind of state X? In its topic module, whole: what a change
looks like, what undoes it, the fields of its message. ``environ`` (MXS003), ``overrides``
(MXS007). The generic core that asks the topics is analysis/state.py (per file),
analysis/undoing_fixtures.py with the conftest chain (fixtures around a test), and
rules/process_state.py (the one rule all topics share).
"""
from typing import Dict, FrozenSet, Tuple

from flake8_xdist_safety.analysis.topics.base import Topic
from flake8_xdist_safety.analysis.topics.environ import EnvironTopic
from flake8_xdist_safety.analysis.topics.overrides import OverridesTopic

TOPICS: Tuple[Topic, ...] = (EnvironTopic(), OverridesTopic())
TOPICS_BY_CODE: Dict[str, Topic] = {topic.code: topic for topic in TOPICS}
#: the call names every topic reads
TOPIC_CALLS: FrozenSet[str] = frozenset(name for topic in TOPICS for name in topic.calls)
