"""The fixer's MXS002 paths: which teardowns MXS002 extends or adds (and every reason it does not), and
the name bindings new code relies on, binding form by binding form."""
import ast
import sys
import textwrap

import pytest

from fix_harness import OPT_IN, FixProject, dedent
from flake8_xdist_safety.fixer.names import (
    Binding, Use, body_bindings, function_locals, guaranteed_spelling, module_bindings, own_nodes,
)


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path / "proj")


def fix_gc(proj, source):
    """Fix MXS002 only in ``test_it.py``: (new text, [fixed notes], [not-fixed notes]) without the path."""
    proj.write({"test_it.py": source})
    status, out, err = proj.fix(OPT_IN, "--select=MXS002", "test_it.py")
    strip = len("test_it.py:")
    changes = [line[strip:] for line in out.splitlines() if not line.startswith("MXS002: ")]
    left = [line[strip:] for line in err.splitlines()]
    assert status == (1 if left else 0)
    return proj.read("test_it.py"), changes, left


# -- extending an existing teardown_method ------------------------------------------------------------------

def with_teardown(body):
    """A mocking test class (line 5) whose teardown_method has this body."""
    return ("import gc\nfrom unittest.mock import MagicMock\n\n\n"
            "class TestA:\n    def teardown_method(self):\n"
            + textwrap.indent(dedent(body), " " * 8) + "\n    def test_it(self):\n        MagicMock()\n")


NEVER_ENDS = "5:1: MXS002 not fixed: test class TestA: teardown_method never ends normally (it always raises)"


@pytest.mark.parametrize("body", [
    """
    with open("x"):
        raise RuntimeError("no")
    """,
    """
    try:
        self.conn = None
    finally:
        raise RuntimeError("no")
    """,
    """
    try:
        raise ValueError("a")
    except ValueError:
        raise RuntimeError("b")
    """,
    """
    try:
        self.conn = None
    except ValueError:
        raise
    else:
        raise RuntimeError("b")
    """,
    """
    if self.conn:
        raise ValueError("a")
    else:
        raise ValueError("b")
    """,
    """
    while True:
        self.conn = None
    """,
], ids=["with-raises", "finally-raises", "try-and-handler-raise", "else-and-handler-raise",
        "both-branches-raise", "endless-loop"])
def test_a_teardown_that_never_ends_normally_is_not_extended(proj, body):
    source = with_teardown(body)
    assert fix_gc(proj, source) == (source, [], [NEVER_ENDS])


@pytest.mark.parametrize("body", [
    """
    try:
        raise ValueError("a")
    except ValueError:
        self.conn = None
    """,
    """
    try:
        self.conn = None
    except ValueError:
        raise
    """,
    """
    while 1:
        break
    """,
    """
    if self.conn:
        raise ValueError("a")
    """,
    """
    with open("x") as stream:
        stream.read()
    """,
], ids=["handler-ends", "try-ends", "loop-breaks", "if-without-else", "with-ends"])
def test_a_teardown_that_can_end_normally_gets_gc_collect_at_its_end(proj, body):
    source = with_teardown(body)
    expected = with_teardown(dedent(body) + "gc.collect()\n")
    assert fix_gc(proj, source) == (
        expected, ["5:1: MXS002 fixed: test class TestA: teardown_method now calls gc.collect()"], [])


@pytest.mark.parametrize("source, why", [
    ("""
     import unittest
     from unittest.mock import MagicMock


     class TestA(unittest.IsolatedAsyncioTestCase):
         def asyncTearDown(self):
             self.conn = None

         async def test_it(self):
             MagicMock()
     """, "5:1: MXS002 not fixed: test class TestA: asyncTearDown is not async def"),
    ("""
     from unittest.mock import MagicMock


     class TestA:
         @staticmethod
         @classmethod
         def teardown_method(cls):
             pass

         def test_it(self):
             MagicMock()
     """, "4:1: MXS002 not fixed: test class TestA: teardown_method is decorated; its decorators decide "
          "whether and how it runs"),
    ("""
     from unittest.mock import MagicMock


     class TestA:
         def teardown_method(self): self.conn = None

         def test_it(self):
             MagicMock()
     """, "4:1: MXS002 not fixed: test class TestA: teardown_method is written on one line"),
    ("""
     from unittest.mock import MagicMock


     class TestA:
         def teardown_method(self):
             self.conn = None; return

         def test_it(self):
             MagicMock()
     """, "4:1: MXS002 not fixed: test class TestA: teardown_method ends with a return on the line of "
          "another statement"),
], ids=["sync-async-teardown", "two-decorators", "one-line", "return-sharing-a-line"])
def test_a_teardown_that_cannot_be_extended_is_left_with_the_reason(proj, source, why):
    assert fix_gc(proj, source) == (dedent(source), [], [why])


def test_a_base_teardown_shared_by_two_classes_is_extended_once(proj):
    source = """
        from unittest.mock import MagicMock


        class Base:
            def teardown_method(self):
                self.conn = None


        class TestA(Base):
            def test_it(self):
                MagicMock()


        class TestB(Base):
            def test_it(self):
                MagicMock()
    """
    text, changes, left = fix_gc(proj, source)
    assert text == "import gc\n" + dedent(source).replace(
        "        self.conn = None\n", "        self.conn = None\n        gc.collect()\n")
    assert changes == ["9:1: MXS002 fixed: test class TestA: teardown_method now calls gc.collect()",
                       "14:1: MXS002 fixed: test class TestB: its teardown_method was fixed above"]
    assert left == []


# -- adding a teardown ------------------------------------------------------------------------------------

ADDED = ('    def teardown_method(self, method):\n'
         '        """Free this test\'s mocks now: they are reference cycles."""\n'
         '        gc.collect()\n')


def test_a_subclass_is_covered_by_the_teardown_added_to_its_base(proj):
    source = """
        from unittest.mock import MagicMock


        class TestBase:
            def test_base(self):
                MagicMock()


        class TestChild(TestBase):
            def test_child(self):
                MagicMock()
    """
    text, changes, left = fix_gc(proj, source)
    assert text == "import gc\n" + dedent(source).replace(
        "class TestBase:\n", "class TestBase:\n" + ADDED + "\n")
    assert changes == [
        "4:1: MXS002 fixed: test class TestBase: added teardown_method calling gc.collect()",
        "9:1: MXS002 fixed: test class TestChild: covered by the teardown added to its base class"]
    assert left == []


def test_a_nested_class_that_is_no_test_class_does_not_stop_the_new_teardown(proj):
    source = """
        from unittest.mock import MagicMock


        class TestOuter:
            class Helper:
                class Deeper:
                    pass

            def test_it(self):
                MagicMock()
    """
    text, changes, _ = fix_gc(proj, source)
    assert text == "import gc\n" + dedent(source).replace(
        "    def test_it(self):\n", ADDED + "\n    def test_it(self):\n")
    assert changes == ["4:1: MXS002 fixed: test class TestOuter: added teardown_method calling gc.collect()"]


def test_comments_above_the_first_method_stay_attached_to_it(proj):
    source = """
        from unittest.mock import MagicMock


        class TestA:
            value = 1
            # the test
            # (it makes a mock)
            def test_it(self):
                MagicMock()
    """
    text, _, _ = fix_gc(proj, source)
    assert text == "import gc\n" + dedent(source).replace("    # the test\n", ADDED + "\n    # the test\n")


def test_a_class_without_methods_gets_the_teardown_after_its_body(proj):
    source = """
        from unittest.mock import MagicMock


        class TestA:
            client = MagicMock()
            label = "a"
    """
    text, changes, left = fix_gc(proj, source)
    assert text == "import gc\n" + dedent(source) + "\n" + ADDED
    assert changes == ["4:1: MXS002 fixed: test class TestA: added teardown_method calling gc.collect()"]
    assert left == []


@pytest.mark.parametrize("source, why", [
    ("""
     from unittest.mock import MagicMock


     class TestA: client = MagicMock()
     """, "4:1: MXS002 not fixed: test class TestA: the class body is on the class line"),
    ("""
     from unittest.mock import MagicMock

     gc = None


     class TestA:
         def test_it(self):
             MagicMock()
     """, "6:1: MXS002 not fixed: test class TestA: the name gc is bound to something else in this module "
          "(line 3) or where the fix goes"),
], ids=["class-line-body", "gc-rebound"])
def test_a_teardown_that_cannot_be_added_is_left_with_the_reason(proj, source, why):
    assert fix_gc(proj, source) == (dedent(source), [], [why])


# -- bindings, form by form ---------------------------------------------------------------------------------

def bindings(source):
    return {name: found for name, found in module_bindings(ast.parse(dedent(source))).by_name.items()}


def test_every_binding_form_at_module_level():
    found = bindings("""
        import os.path
        import json as j
        from . import sibling
        from ..pkg import thing as other
        from os import *
        x: int
        y: int = 1
        a, (b, *c) = 1, (2, 3)
        f = lambda: (inner := 1)
        try:
            pass
        except ValueError as err:
            from gc import collect
        [w := 2]
        for i in []:
            del y
    """)
    assert found == {
        "os": [Binding(1, "os", "os.path", True)],
        "j": [Binding(2, "json", None, True)],
        "sibling": [Binding(3, ".sibling", None, True)],
        "other": [Binding(4, "..pkg.thing", None, True)],
        "y": [Binding(7, None, None, False), Binding(16, None, None, False)],
        "a": [Binding(8, None, None, False)],
        "b": [Binding(8, None, None, False)],
        "c": [Binding(8, None, None, False)],
        "f": [Binding(9, None, None, False)],
        "err": [Binding(12, None, None, False)],
        "collect": [Binding(13, "gc.collect", None, False)],
        "w": [Binding(14, None, None, False)],
        "i": [Binding(15, None, None, False)],
    }


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements are Python 3.10+")
def test_match_captures_bind_conditionally():
    found = bindings("""
        match command:
            case [first, *rest]:
                import gc
            case {"k": value, **others}:
                pass
            case Point(x=px) as whole:
                pass
    """)
    assert {name: [(b.line, b.target, b.unconditional) for b in found[name]] for name in found} == {
        "first": [(2, None, False)], "rest": [(2, None, False)], "gc": [(3, "gc", False)],
        "value": [(4, None, False)], "others": [(4, None, False)],
        "px": [(6, None, False)], "whole": [(6, None, False)],
    }


def test_defs_and_classes_bind_their_names_but_keep_their_bodies():
    scope = body_bindings(ast.parse(dedent("""
        def helper(arg=(d := 1)) -> int:
            hidden = 1

        class Inner:
            also_hidden = 2
    """)).body)
    assert scope.by_name == {"helper": [Binding(1, None, None, True, True)],
                             "d": [Binding(1, None, None, False)],
                             "Inner": [Binding(4, None, None, True, True)]}
    assert scope.first_assignment("helper") is None and scope.first_other("helper") is not None


def test_resolve_follows_only_names_bound_by_imports_of_one_object():
    scope = module_bindings(ast.parse(dedent("""
        import unittest.mock as um
        import gc
        import gc as gc
        import os
        import sys as os
        import json
        json = None
    """)))

    def resolve(expression):
        return scope.resolve(ast.parse(expression, mode="eval").body)

    assert resolve("um.patch.dict") == "unittest.mock.patch.dict"
    assert resolve("gc.collect") == "gc.collect"  # two imports, one object
    assert resolve("os.path") is None  # two objects
    assert resolve("json.loads") is None  # rebound
    assert resolve("unbound.name") is None
    assert resolve("um().patch") is None
    assert resolve("'os'.join") is None


def test_function_locals_are_parameters_and_body_bindings_not_declared_global():
    node = ast.parse(dedent("""
        def f(a, /, b, *args, c, **kw):
            global g, h
            g = 1
            x = 2

            def inner():
                nonlocal x
                y = 3
    """)).body[0]
    assert function_locals(node) == {"a", "b", "args", "c", "kw", "x", "inner"}


def test_own_nodes_keep_out_of_nested_scopes_but_not_their_signatures():
    body = ast.parse(dedent("""
        @decorate
        def inner(a=default, *, b=kw_default) -> Returned:
            hidden_in_def
        lambda c=lambda_default: hidden_in_lambda
        class Nested(Base, metaclass=Meta):
            hidden_in_class
    """)).body
    names = [node.id for node in own_nodes(body) if isinstance(node, ast.Name)]
    assert names == ["decorate", "default", "kw_default", "Returned", "lambda_default", "Base", "Meta"]


@pytest.mark.parametrize("source, expected", [
    ("import pytest as pt\nimport pytest\n", ("pt", 1)),
    ("import pytest\nimport pytest as pt\n", ("pt", 2)),
])
def test_the_shortest_spelling_wins_whatever_the_order_of_the_imports(source, expected):
    tree = ast.parse(source)
    assert guaranteed_spelling(module_bindings(tree), "pytest", Use(9, True, []), {}) == expected
