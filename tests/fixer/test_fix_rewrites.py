"""The rewrites in detail: names new code may use, where new lines go, which shapes are refused, and
the fixer's cost (linear in the file and its findings)."""
import ast

import pytest

from fix_harness import OPT_IN, FixProject, dedent
from flake8_xdist_safety.fixer.edits import Edit, LineMap, Text, apply_edits
from flake8_xdist_safety.fixer.names import Use, guaranteed_spelling, module_bindings


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path / "proj")


def fixed(proj, source, *argv):
    proj.write({"test_it.py": source})
    status, out, err = proj.fix(OPT_IN, *argv, "test_it.py")
    return proj.read("test_it.py"), err


# -- names ----------------------------------------------------------------------------------------------

def spelling(source, wanted, line, at_import=True):
    tree = ast.parse(dedent(source))
    found = guaranteed_spelling(module_bindings(tree), wanted, Use(line, at_import, []), {})
    return found[0] if found else None


@pytest.mark.parametrize("source, wanted, line, expected", [
    ("import pytest\n", "pytest", 5, "pytest"),
    ("import pytest as pt\n", "pytest", 5, "pt"),
    ("from pytest import mark\n", "pytest.mark", 5, "mark"),
    ("import unittest.mock\n", "unittest.mock", 5, "unittest.mock"),
    ("import unittest\n", "unittest.mock", 5, None),  # the submodule may not be loaded
    ("x = 1\nimport pytest\n", "pytest", 2, None),  # bound only below the use
    ("import pytest\npytest = None\n", "pytest", 5, None),  # rebound
    ("try:\n    import pytest\nexcept ImportError:\n    pytest = None\n", "pytest", 9, None),
    ("if True:\n    import gc\n", "gc", 5, None),  # conditional
    ("import gc\ndef f():\n    global gc\n    gc = 1\n", "gc", 9, None),  # rebound through global
    ("import gc\nfor gc in []:\n    pass\n", "gc", 9, None),
    ("import gc\nwith open('x') as gc:\n    pass\n", "gc", 9, None),
    ("import gc\n[gc := 1]\n", "gc", 9, None),  # a walrus binds at module level
    ("import gc\n[x for gc in range(3)]\n", "gc", 9, "gc"),  # comprehension variables do not leak
    ("import gc\ndef f(gc):\n    pass\n", "gc", 9, "gc"),  # a parameter is local to f
])
def test_a_name_is_used_only_where_it_is_bound_to_the_wanted_object(source, wanted, line, expected):
    assert spelling(source, wanted, line) == expected


def test_a_local_of_the_teardown_shadows_the_module_name(proj):
    source = """\
        import gc
        from unittest.mock import MagicMock


        class TestA:
            def teardown_method(self):
                gc = None
                self.x = gc

            def test_it(self):
                MagicMock()
        """
    text, err = fixed(proj, source, "--select=MXS002")
    assert text == dedent(source)
    assert "MXS002 not fixed: test class TestA: the name gc is bound to something else" in err


def test_a_class_body_binding_shadows_a_decorator_of_a_nested_class(proj):
    source = """\
        import pytest
        from unittest.mock import MagicMock


        class TestHolder:
            pytest = None

            class TestInner:
                def test_it(self):
                    MagicMock()
        """
    text, err = fixed(proj, source, "--select=MXS001")
    assert text == dedent(source)
    assert "MXS001 not fixed: test class TestInner: the name pytest is bound to something else" in err


# -- where new lines go -----------------------------------------------------------------------------------

def test_imports_follow_a_docstring_and_future_import_sharing_a_line(proj):
    source = '"""Doc."""; from __future__ import annotations\nfrom unittest.mock import MagicMock\n\n\n' \
             "def test_it():\n    MagicMock()\n"
    text, _ = fixed(proj, source)
    assert text.startswith('"""Doc."""; from __future__ import annotations\nimport pytest\n'
                           "from unittest.mock import MagicMock\n\n"
                           'pytestmark = pytest.mark.xdist_group(name="test_it")\n')
    assert ast.get_docstring(ast.parse(text)) == "Doc."


def test_pytestmark_list_is_extended_and_grouped_tests_are_decorated_singly(proj):
    source = """\
        from unittest.mock import MagicMock

        import pytest

        pytestmark = [pytest.mark.slow]


        def test_it():
            MagicMock()
        """
    text, _ = fixed(proj, source)
    assert 'pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="test_it")]' in text


def test_suppressed_finding_keeps_the_module_mark_away(proj):
    source = """\
        from unittest.mock import MagicMock

        import pytest


        def test_one():
            MagicMock()


        def test_two():  # noqa: MXS001
            MagicMock()
        """
    text, _ = fixed(proj, source)
    assert "pytestmark" not in text
    assert '@pytest.mark.xdist_group(name="test_it")\ndef test_one():' in text
    assert "\n\ndef test_two():  # noqa: MXS001" in text


# -- MXS003 shapes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("statement, expected", [
    ('os.environ["A"] = "1"', 'monkeypatch.setenv("A", "1")'),
    ('os.environ["A"] = ("1"  # one\n    )', 'monkeypatch.setenv("A", ("1"  # one\n    ))'),
    ("os.environ[key()] = 'v'", "monkeypatch.setenv(key(), 'v')"),
    ('del os.environ["A"]', 'monkeypatch.delenv("A")'),
    ('os.environ.pop("A")', 'monkeypatch.delenv("A")'),
    ('os.environ.pop("A", None)', 'monkeypatch.delenv("A", raising=False)'),
    ('os.environ["A"] = "1"; other = 2', 'monkeypatch.setenv("A", "1"); other = 2'),
])
def test_a_statement_that_is_the_change_becomes_monkeypatch(proj, statement, expected):
    source = f"import os\n\n\ndef test_env(key=str):\n    {statement}\n"
    text, err = fixed(proj, source)
    assert text == f"def test_env(monkeypatch, key=str):\n    {expected}\n"  # import os is unused now
    assert err == ""


@pytest.mark.parametrize("statement, why", [
    ("os.environ[key()] = str(value())", "both have side effects"),
    ("os.environ['A'] = 'a', 'b'", "not a single expression"),
    ("os.environ['A'], x = 'a', 'b'", "unpacks into more than the environment variable"),
    ("x = os.environ['A'] = 'a'", "a chained assignment"),
    ("os.environ['A'] += 'x'", "only os.environ[K] = V"),
    ("os.environ.pop('A', value())", "may have side effects"),
    ("os.environ.pop(*names)", "only with a key and an optional default"),
    ("os.environ.pop('A') or None", "only os.environ[K] = V"),
    ("os.putenv('A', '1')", "only os.environ[K] = V"),
])
def test_anything_else_is_not_fixed_with_the_reason(proj, statement, why):
    source = f"import os\n\nnames = []\n\n\ndef value():\n    return 'v'\n\n\ndef test_env(key=str):\n" \
             f"    {statement}\n"
    text, err = fixed(proj, source)
    assert text == source
    assert why in err and "MXS003 not fixed" in err


def test_setup_method_changes_are_not_fixed(proj):
    source = """\
        import os


        class TestEnv:
            def setup_method(self):
                os.environ["A"] = "1"

            def test_it(self):
                assert os.environ["A"]
        """
    text, err = fixed(proj, source)
    assert text == dedent(source)
    assert "only changes made directly in a test function or method are rewritten" in err


# -- cost -------------------------------------------------------------------------------------------------

def test_line_map_is_exact_over_many_edits():
    # Its cost is measured by benchmarks/fix_speed.py, not here: a timed test only measures
    # the machine it runs on.
    source = "".join(f"line {i}\n" for i in range(100_000))
    text = Text(source)
    edits = [text.before_line(i, ["new a", "new b"]) for i in range(1, 100_001, 2)]
    line_map = LineMap(text, edits)
    new = Text(apply_edits(source, edits))
    for number in range(1, len(new.lines) + 1, 997):
        back = line_map.back(number)
        if not new.line(number).startswith("new"):
            assert new.line(number) == text.line(back)


def test_line_map_across_replacements():
    text = Text("a\nb\nc\nd\n")
    edits = [Edit(2, 3, "B1\nB2"), Edit(6, 6, "x\n")]  # b -> two lines; a line before d
    line_map = LineMap(text, edits)
    assert apply_edits(text.source, edits) == "a\nB1\nB2\nc\nx\nd\n"
    assert [line_map.back(n) for n in range(1, 7)] == [1, 2, 2, 3, 4, 4]


@pytest.mark.slow
def test_a_big_set_then_delete_file_is_fixed_whole(proj):
    # How long it takes is benchmarks/fix_speed.py's question (a timed test measures the machine).
    body = "".join(f"def test_{i}():\n    os.environ['V{i}'] = 'x'\n    del os.environ['V{i}']\n\n"
                   for i in range(1000))
    proj.write({"test_big.py": "import os\n\n\n" + body})  # 4,000 lines
    status, out, _ = proj.fix("--check", "test_big.py")
    assert status == 1 and len(out.splitlines()) == 2000
