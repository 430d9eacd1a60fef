"""The analysis helpers on their own: group names of marks, the group pytest-xdist computes, the
suggested group of odd file names, relative imports, and showing nodes that cannot be shown."""
import ast
import os

import pytest

from cases import dedent
from flake8_xdist_safety.rules import ALL_CALLS
from flake8_xdist_safety.analysis.builder import build_model
from flake8_xdist_safety.analysis.imports import (
    absolute_module, canonical, import_bindings, module_level_imports, split_dotted,
)
from flake8_xdist_safety.analysis.marks import Mark
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.vocabulary import MOCK_STAR_NAMES
from flake8_xdist_safety.analysis.xdist_groups import (
    group_of, is_grouped, mark_group_name, suggested_group,
)
from flake8_xdist_safety.config import Config

# -- the group a mark names ------------------------------------------------------------------------


def _mark(expression):
    node = ast.parse(expression, mode="eval").body
    if isinstance(node, ast.Call):
        return Mark("xdist_group", node, list(node.args), list(node.keywords), True)
    return Mark("xdist_group", node, [], [], False)


@pytest.mark.parametrize("expression, expected", [
    ("pytest.mark.xdist_group", ""),  # not called: unnamed
    ("pytest.mark.xdist_group()", ""),
    ("pytest.mark.xdist_group(reason='x')", ""),  # no name argument at all
    ("pytest.mark.xdist_group('db')", "db"),
    ("pytest.mark.xdist_group(name='db')", "db"),
    ("pytest.mark.xdist_group(**options)", None),
    ("pytest.mark.xdist_group(name='db', **options)", None),
    ("pytest.mark.xdist_group(*names)", None),
    ("pytest.mark.xdist_group(GROUP)", None),
    ("pytest.mark.xdist_group(name=f'db{n}')", None),
    ("pytest.mark.xdist_group(3)", None),
    ("pytest.mark.xdist_group(name=b'db')", None),
])
def test_mark_group_name(expression, expected):
    assert mark_group_name(_mark(expression)) == expected


# -- the group pytest-xdist computes ---------------------------------------------------------------

GROUPED_MODULE = """
    import pytest

    pytestmark = pytest.mark.xdist_group("mod")


    @pytest.mark.xdist_group
    class TestUnnamed:
        def test_a(self):
            pass


    @pytest.mark.xdist_group(name="api")
    class TestApi:
        @pytest.mark.xdist_group(name="api")
        def test_same(self):
            pass

        @pytest.mark.xdist_group("zeta")
        def test_more(self):
            pass


    @pytest.mark.xdist_group(name=NAME)
    def test_unreadable():
        pass


    def test_module_only():
        pass
"""

UNGROUPED_MODULE = """
    import pytest


    @pytest.mark.xdist_group
    class TestUnnamed:
        def test_a(self):
            pass


    @pytest.mark.slow
    def test_plain():
        pass


    @pytest.mark.xdist_group(**options)
    def test_unknown():
        pass
"""


def _owners(source):
    model = build_model(ast.parse(dedent(source)), "test_groups.py", Config(), ALL_CALLS)
    owners = {cls.name: cls for cls in model.classes}
    owners.update((fn.name, fn) for fn in model.functions)
    return model, owners


@pytest.mark.parametrize("owner, group, grouped", [
    ("TestUnnamed", "default_mod", True),
    ("test_a", "default_mod", True),
    ("TestApi", "api_mod", True),
    ("test_same", "api_mod", True),  # the same name twice counts once
    ("test_more", "api_mod_zeta", True),  # sorted, joined with _
    ("test_unreadable", None, True),  # a name it cannot read: no group, but maybe grouped
    ("test_module_only", "mod", True),
])
def test_group_of_joins_every_applying_mark(owner, group, grouped):
    model, owners = _owners(GROUPED_MODULE)
    assert group_of(model, owners[owner]) == group
    assert is_grouped(model, owners[owner]) is grouped


@pytest.mark.parametrize("owner, group, grouped", [
    ("TestUnnamed", "default", False),  # an unnamed mark puts it in "default": not a group of its own
    ("test_a", "default", False),
    ("test_plain", None, False),  # no xdist_group mark at all
    ("test_unknown", None, True),
])
def test_unnamed_and_missing_marks(owner, group, grouped):
    model, owners = _owners(UNGROUPED_MODULE)
    assert group_of(model, owners[owner]) == group
    assert is_grouped(model, owners[owner]) is grouped


@pytest.mark.parametrize("filename, root, expected", [
    ("tests/api/test_keys.py", "", "api.test_keys"),
    ("tests/tests/test_keys.py", "", "test_keys"),  # every leading test directory goes
    ("test/testing/unit/test_keys.py", "", "unit.test_keys"),
    ("tests/api/test_keys", "", "api.test_keys"),  # no .py to strip (a stdin display name)
    ("tests/test_keys.py", None, "test_keys"),  # no root: the last two parts, then the same rule
    ("src/api/test_keys.pyi", None, "api.test_keys.pyi"),
    ("tests/test_keys.py", "elsewhere", "test_keys"),  # outside the root: the last two parts
])
def test_suggested_group_of_odd_paths(tmp_path, filename, root, expected):
    project = tmp_path / "proj"
    project_root = None if root is None else str(project / root) if root else str(project) + os.sep
    config = Config(project_root=project_root)
    model = build_model(ast.parse("x = 1\n"), str(project / filename), config, ALL_CALLS)
    assert suggested_group(model) == expected


# -- imports ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("module, level, package, expected", [
    ("helpers", 0, "tests", "helpers"),
    ("mock", 0, None, "unittest.mock"),
    ("helpers", 1, "tests", "tests.helpers"),
    ("", 1, "tests.api", "tests.api"),  # from . import x
    ("helpers", 2, "tests.api", "tests.helpers"),
    ("", 3, "a.b.c", "a"),
    ("helpers", 1, None, ".helpers"),  # no package known: the dots stay
    ("helpers", 3, "tests", "...helpers"),  # above the top package
    ("helpers", 2, "", "..helpers"),
    ("helpers", 1, "", "helpers"),  # a top-level module's sibling
])
def test_absolute_module(module, level, package, expected):
    assert absolute_module(module, level, package) == expected


@pytest.mark.parametrize("statement, package, expected", [
    ("import mock", None, [("mock", "unittest.mock")]),
    ("import mock.mock as m", None, [("m", "unittest.mock.mock")]),
    ("import os.path", None, [("os", "os")]),
    ("from . import helpers", "tests", [("helpers", "tests.helpers")]),
    ("from .. import helpers", None, [("helpers", "..helpers")]),
    ("from os import *", None, []),
    ("from mock import MagicMock as MM, patch", None,
     [("MM", "unittest.mock.MagicMock"), ("patch", "unittest.mock.patch")]),
])
def test_import_bindings(statement, package, expected):
    assert import_bindings(ast.parse(statement).body[0], package) == expected


def test_a_star_import_of_mock_binds_the_names_the_rules_read():
    bindings = import_bindings(ast.parse("from mock import *").body[0], None)
    assert bindings == [(name, "unittest.mock." + name) for name in MOCK_STAR_NAMES]


def test_module_level_imports_keep_the_first_binding_of_the_module_body():
    tree = ast.parse(dedent("""
        import os
        from .helpers import make as factory
        from unittest import mock
        import mock
        from os import path as os

        if True:
            import json

        def f():
            import sys
    """))
    assert module_level_imports(tree, "tests.api") == {
        "os": "os", "factory": "tests.api.helpers.make", "mock": "unittest.mock"}
    assert module_level_imports(tree)["factory"] == ".helpers.make"


@pytest.mark.parametrize("expression, expected", [
    ("a", ("a", [])),
    ("a.b.c", ("a", ["b", "c"])),
    ("a().b", None),
    ("a[0].b", None),
])
def test_split_dotted(expression, expected):
    assert split_dotted(ast.parse(expression, mode="eval").body) == expected


def test_canonical_folds_only_the_mock_backport():
    assert [canonical(name) for name in ("mock", "mock.patch", "mockery.x", "unittest.mock")] == [
        "unittest.mock", "unittest.mock.patch", "mockery.x", "unittest.mock"]


# -- showing a node --------------------------------------------------------------------------------

def test_shown_never_raises_and_bounds_its_text():
    assert shown(None) == "..."
    assert shown(ast.Name()) == "..."  # a node without its fields: the unparser fails
    assert shown(ast.BinOp(left=ast.Name("a"), op=None, right=ast.Name("b"))) == "..."
    assert shown(ast.parse("a + b", mode="eval").body) == "a + b"
    assert shown(ast.parse("f(" + "x, " * 20 + ")", mode="eval").body, limit=12) == "f(x, x, x..."
    too_big = ast.parse("+".join(["a"] * 40), mode="eval").body
    assert shown(too_big) == "..."  # too many nodes to unparse
    long_key = ast.Constant("K" * 100)
    assert shown(long_key) == "'" + "K" * 76 + "..."  # a string is shown to 80 characters
