"""The rules: each reads the file model and yields ``(line, col, message)``.

Where is MXSnnn decided? MXS001/MXS002: memory.py; MXS003: environ.py; MXS004: patchers.py;
MXS005/MXS006: sharing.py; MXS007: overrides.py; MXS008: resources.py; MXS009: performance.py;
MXS010: spec.py.
"""
from flake8_xdist_safety.rules.environ import check_environ
from flake8_xdist_safety.rules.memory import check_gc_teardown, check_xdist_group
from flake8_xdist_safety.rules.overrides import check_overrides
from flake8_xdist_safety.rules.patchers import check_patchers
from flake8_xdist_safety.rules.performance import check_performance
from flake8_xdist_safety.rules.resources import check_shared_resources
from flake8_xdist_safety.rules.sharing import check_broad_fixtures, check_module_mocks
from flake8_xdist_safety.rules.spec import check_spec

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
}
RULES = tuple(RULES_BY_CODE.values())
