"""The kinds of process state a test can leave behind: one topic module each.

Where is the knowledge about kind of state X? In its topic module, whole: what a change
looks like, what undoes it, the fields of its message:

* ``environ`` - MXS003, the process environment;
* ``overrides`` - MXS007, FastAPI ``dependency_overrides``;
* ``module_attrs`` - MXS012, attributes of modules, classes and module-level objects;
* ``sys_modules`` - MXS013, ``sys.modules`` and ``importlib.reload``;
* ``cwd`` - MXS014, the working directory;
* ``import_path`` - MXS015, ``sys.path``, ``sys.meta_path``, ``sys.path_hooks``;
* ``settings`` - MXS016, process-wide settings (one table) and ``mxs-undo-pairs``.

The generic core that asks the topics is analysis/state.py (per file),
analysis/undoing_fixtures.py with the conftest chain (fixtures around a test), and
rules/process_state.py (the one rule all topics share). Adding a kind of state is a topic
module, its entry below, its row in codes.py, its rule page and its tests.
"""
import ast
from typing import Dict, FrozenSet, Tuple

from flake8_xdist_safety.analysis.model import Site
from flake8_xdist_safety.analysis.topics.base import Topic
from flake8_xdist_safety.analysis.topics.cwd import CwdTopic
from flake8_xdist_safety.analysis.topics.environ import ENVIRON, EnvironTopic
from flake8_xdist_safety.analysis.topics.import_path import LISTS, ImportPathTopic
from flake8_xdist_safety.analysis.topics.module_attrs import ModuleAttrsTopic
from flake8_xdist_safety.analysis.topics.overrides import OVERRIDES, OverridesTopic
from flake8_xdist_safety.analysis.topics.settings import STREAMS, SettingsTopic, owns_attribute
from flake8_xdist_safety.analysis.topics.sys_modules import MODULES, SysModulesTopic

#: and the standard streams, which pytest's capture puts back around every test (MXS016)
_OWNED_NAMES = frozenset({ENVIRON, MODULES, *LISTS, *STREAMS, "warnings.filters"})


def _owned_elsewhere(site: Site, node: ast.Attribute) -> bool:
    """An attribute assignment another topic reports (MXS012 leaves it to that one)."""
    return node.attr == OVERRIDES or site.scope.resolve(node) in _OWNED_NAMES or owns_attribute(site, node)


TOPICS: Tuple[Topic, ...] = (
    EnvironTopic(), OverridesTopic(), ModuleAttrsTopic(_owned_elsewhere), SysModulesTopic(), CwdTopic(),
    ImportPathTopic(), SettingsTopic(),
)
TOPICS_BY_CODE: Dict[str, Topic] = {topic.code: topic for topic in TOPICS}
#: the call names every topic reads
TOPIC_CALLS: FrozenSet[str] = frozenset(name for topic in TOPICS for name in topic.calls)
