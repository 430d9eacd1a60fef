"""The one table of codes: code -> message template, and whether it is on by default.

Everything else (the default-ignore list, the README table, the docs pages and the
meta-tests) is checked against this table.
"""
import string
from typing import Dict, FrozenSet, NamedTuple, Tuple


class Code(NamedTuple):
    template: str
    default_on: bool = True
    #: the mxs-* options that change what this code reports (on the code's main entry)
    options: Tuple[str, ...] = ()


CODES: Dict[str, Code] = {
    "MXS001": Code(
        "{kind} {name} creates mocks but no xdist_group marker applies; "
        'add @pytest.mark.xdist_group(name="{group}")',
        default_on=False,
        options=("mxs-test-classes", "mxs-mock-factories"),
    ),

    "MXS002": Code(
        "test class {name} creates mocks but has no per-test gc.collect() teardown; "
        "add a teardown_method that calls gc.collect()",
        default_on=False,
        options=("mxs-gc-fixtures", "mxs-mock-factories"),
    ),
    "MXS002-testcase": Code(
        "test class {name} creates mocks but has no per-test gc.collect() teardown; "
        "add a tearDown that calls gc.collect()",
        default_on=False,
    ),
    "MXS002-teardown": Code(
        "test class {name} creates mocks but its {method} never calls gc.collect(); "
        "call gc.collect() there",
        default_on=False,
    ),
    "MXS002-never-runs": Code(
        "test class {name} creates mocks but the gc.collect() in its {method} does not count: {reason}",
        default_on=False,
    ),
    "MXS003": Code(
        "{target} is changed without a guaranteed restore; "
        "use monkeypatch.setenv() / monkeypatch.delenv()"
    ),
    "MXS004": Code(
        "patcher for {target} is started without a guaranteed stop; "
        "use a with block, the decorator, or pytest-mock's mocker"
    ),
    "MXS005": Code(
        "{factory}() created {where} is shared by every test in the worker; "
        "create it inside a test or a function-scoped fixture",
        options=("mxs-mock-factories",),
    ),
    "MXS006": Code(
        "fixture {name} (scope={scope!r}) creates a mock that every test in its scope "
        "shares; create the mock in a function-scoped fixture",
        options=("mxs-broad-scopes",),
    ),
    "MXS007": Code(
        "{target} changed without a guaranteed cleanup; clear it after yield, "
        "in a finally block, or use patch.dict()"
    ),
    "MXS008": Code(
        "fixed port {port} is shared by all xdist workers; "
        "bind port 0 or use a free-port fixture"
    ),
    "MXS008-path": Code(
        "fixed path {path!r} is shared by all xdist workers; "
        "use tmp_path / tmp_path_factory"
    ),
    "MXS009": Code(
        "performance test {name} runs inside xdist workers; skip it when "
        'PYTEST_XDIST_WORKER is set: @pytest.mark.skipif("PYTEST_XDIST_WORKER" in os.environ, ...)',
        options=("mxs-performance-markers",),
    ),
    "MXS010": Code(
        "{factory}() without a spec invents attributes on access; "
        "pass spec=, spec_set= or wraps=",
        default_on=False,
    ),
    "MXS011": Code(
        "xdist_group mark in a conftest.py pytestmark is never applied by pytest; "
        "mark the test modules or classes instead"
    ),
    "MXS011-unnamed": Code(
        "xdist_group mark without a name puts its tests in the one 'default' group the whole "
        'suite shares; name it, e.g. xdist_group(name="{group}")'
    ),
    "MXS011-no-loadgroup": Code(
        "xdist_group marks in this file do nothing: the project's pytest configuration never "
        "runs with --dist loadgroup; add it to addopts or remove the marks"
    ),
    "MXS012": Code(
        "{target} is {how} without a guaranteed restore; use {suggestion}"
    ),
    "MXS012-setup": Code(
        "{target} is {how} in {setup} without a guaranteed restore; put the old value back in {teardown}"
    ),
    "MXS012-unittest-setup": Code(
        "{target} is {how} in {setup} without a guaranteed restore; put the old value back in {teardown} "
        "or with {receiver}.{registrar}(setattr, {owner}, {name}, old)"
    ),
    "MXS013": Code(
        "{target} changes sys.modules without a guaranteed restore; "
        "use monkeypatch.setitem(sys.modules, ...) or mock.patch.dict(sys.modules)"
    ),
    "MXS013-reload": Code(
        "{target} replaces the module's objects for every later test; "
        "reload it again in a finally block or teardown, or avoid the reload"
    ),
    "MXS014": Code(
        "{target} changes the working directory without a guaranteed restore; "
        "use monkeypatch.chdir() or contextlib.chdir()"
    ),
    "MXS015": Code(
        "{target} changes the import path without a guaranteed restore; "
        "use monkeypatch.syspath_prepend() or restore a saved copy in a finally block"
    ),
    "MXS016": Code(
        "{target} changes {setting} for the whole process without a guaranteed restore; {undo}",
        options=("mxs-undo-pairs",),
    ),
}

#: The public codes (message variants share their code's prefix).
PUBLIC_CODES = sorted({key.split("-")[0] for key in CODES})
#: Off by default: reported only when select or extend-select names them (by code or prefix).
DEFAULT_OFF = sorted(key for key, code in CODES.items() if not code.default_on and "-" not in key)


_FIELDS: Dict[str, FrozenSet[str]] = {
    key: frozenset(
        field.split("!")[0].split(":")[0]
        for _, field, _, _ in string.Formatter().parse(code.template) if field)
    for key, code in CODES.items()
}


def message(key: str, **fields: object) -> str:
    """The one place message text is made: ``MXS003 os.environ['A'] is changed ...``."""
    return key.split("-", 1)[0] + " " + CODES[key].template.format(**fields)


def template_fields(key: str) -> FrozenSet[str]:
    """The ``{fields}`` of *key*'s message template."""
    return _FIELDS[key]
