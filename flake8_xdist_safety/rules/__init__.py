"""The rules: each reads the file model and yields ``(line, col, message)``.

Where is MXSnnn decided? MXS001: xdist_group.py; MXS002: gc_teardown.py; MXS003:
environ_restore.py; MXS004: patcher_stop.py; MXS005/MXS006: shared_mocks.py; MXS007:
dependency_overrides.py; MXS008: shared_resources.py; MXS009: performance_tests.py;
MXS010: mock_spec.py; MXS011: group_effect.py.
"""
from flake8_xdist_safety.rules.environ_restore import check_environ
from flake8_xdist_safety.rules.gc_teardown import check_gc_teardown
from flake8_xdist_safety.rules.group_effect import check_group_effect
from flake8_xdist_safety.rules.xdist_group import check_xdist_group
from flake8_xdist_safety.rules.dependency_overrides import check_overrides
from flake8_xdist_safety.rules.patcher_stop import check_patchers
from flake8_xdist_safety.rules.performance_tests import check_performance
from flake8_xdist_safety.rules.shared_resources import check_shared_resources
from flake8_xdist_safety.rules.shared_mocks import check_broad_fixtures, check_module_mocks
from flake8_xdist_safety.rules.mock_spec import check_spec

#: code -> rule; the checker runs them in this order.
RULES_BY_CODE = {
    "MXS001": check_xdist_group,
    "MXS002": check_gc_teardown,
    "MXS003": check_environ,
    "MXS004": check_patchers,
    "MXS005": check_module_mocks,
    "MXS006": check_broad_fixtures,
    "MXS007": check_overrides,
    "MXS008": check_shared_resources,
    "MXS009": check_performance,
    "MXS010": check_spec,
    "MXS011": check_group_effect,
}
RULES = tuple(RULES_BY_CODE.values())
