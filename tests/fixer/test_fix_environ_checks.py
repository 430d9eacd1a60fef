"""What the MXS003 rewrite checks before it moves a restore, one shape at a time: the values it accepts,
the teardown code it takes as harmless, the fixtures and hooks it looks at, the callers it refuses."""
import pytest

from fix_harness import FixProject, dedent
from flake8_xdist_safety.fixer.rewrites import _functions_at  # noqa: F401 (used below)


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path)


def fix(proj, source, **files):
    """Fix MXS003 in test_it.py: (fixed?, the not-fixed reasons without position and target)."""
    proj.write({"test_it.py": source, **files})
    status, out, err = proj.fix("--select=MXS003", "test_it.py")
    reasons = [line.split(": ", 3)[-1] for line in err.splitlines()]
    assert status == (1 if reasons else 0), err
    return "fixed:" in out, reasons


def one_test(body, params="", before="", header="import os\n\nimport pytest\n"):
    return header + dedent(before) + f"\n\ndef test_it({params}):\n" + "".join(
        f"    {line}\n" for line in dedent(body).splitlines())


# -- values ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    'os.environ["A"] = "%s" % 1',
    'os.environ["A"] = "a" + "b"',
    'os.environ["A"] = f"{1}" + "{}".format(2)',
    'x: str = "a"\nos.environ["A"] = x',
    'x = y = "a"\nos.environ["A"] = x + y',
])
def test_a_str_by_construction_is_rewritten(proj, body):
    assert fix(proj, one_test(body)) == (True, [])


NOT_STR = ("the value is not a str by construction (a string literal, f-string, str(...), '...'.format(...) "
           "or '...' % ...): os.environ raises TypeError for other values, monkeypatch.setenv converts them")


@pytest.mark.parametrize("body, params, before", [
    ('os.environ["A"] = "a" + x', "x", ""),
    ('os.environ["A"] = b"%d" % 1', "", ""),
    ('os.environ["A"] = "a" * 2', "", ""),
    ('os.environ["A"] = str(1, 2)', "", ""),
    ('os.environ["A"] = str(1)', "", "str = repr\n"),
    ('os.environ["A"] = x', "", "x = 'a'\n"),
    ('global x\nx = "a"\nos.environ["A"] = x', "", ""),
    ('for x in "ab":\n    pass\nos.environ["A"] = x', "", ""),
    ('import x\nos.environ["A"] = x', "", ""),
    ('def x():\n    pass\nos.environ["A"] = x', "", ""),
    ('x = "a"\nx += "b"\nos.environ["A"] = x', "", ""),
    ('a0 = "x"\n' + "".join(f"a{n + 1} = a{n}\n" for n in range(9)) + 'os.environ["A"] = a9', "", ""),
])
def test_anything_else_is_not_rewritten(proj, body, params, before):
    assert fix(proj, one_test(body, params, before)) == (False, [NOT_STR])


def test_a_change_in_an_except_block_inside_monkeypatch_context_is_not_rewritten(proj):
    body = """\
        with monkeypatch.context() as m:
            try:
                m.setenv("A", "a")
            except KeyError:
                os.environ["A"] = "b"
        """
    # Not even reported: m saved A first and puts it back when the block ends.
    assert fix(proj, one_test(body, "monkeypatch")) == (False, [])


# -- teardown code that cannot observe the environment ----------------------------------------------------

@pytest.mark.parametrize("after_yield", [
    "pass", '"""Nothing to undo."""', "return", "state.x = None", "del state.x", "gc.collect()",
    "import gc", "from gc import collect", "flag = True",
])
def test_harmless_code_after_yield_does_not_stop_the_rewrite(proj, after_yield):
    fixture = f"""\
        import gc


        class State:
            x = 1


        state = State()


        @pytest.fixture(name="resource")
        def _resource():
            state.x = 1
            yield state
            {after_yield}
        """
    assert fix(proj, one_test('os.environ["A"] = "1"', "resource", fixture)) == (True, [])


@pytest.mark.parametrize("fixture, why", [
    ("@pytest.fixture\ndef resource(request):\n    request.addfinalizer(print)\n",
     "fixture resource (line 5) registers a finalizer with addfinalizer(), after monkeypatch restores"),
    ("@pytest.fixture\ndef resource():\n    with open(__file__):\n        yield\n",
     "fixture resource (line 5) yields inside a block (with, try, if, loop) whose rest runs after the test, "
     "after monkeypatch restores"),
    ("@pytest.fixture\ndef resource(inner):\n    return inner\n\n\n@pytest.fixture\ndef inner():\n    yield\n"
     "    print(os.environ)\n",
     "fixture inner (line 10) runs code after its yield (line 12), after monkeypatch restores"),
    ("@pytest.fixture\ndef other():\n    yield\n    print()\n",
     "fixture unknown is not defined in this file or its conftest chain: its teardown, which runs after "
     "monkeypatch restores, cannot be seen"),
])
def test_a_fixture_that_runs_code_after_the_test_stops_the_rewrite(proj, fixture, why):
    params = "unknown" if "other" in fixture else "resource"
    assert fix(proj, one_test('os.environ["A"] = "1"', params, fixture)) == (False, [why])


def test_fixtures_named_by_usefixtures_and_indirect_parametrize_are_looked_at(proj):
    fixture = "@pytest.fixture\ndef resource():\n    yield\n    print()\n"
    source = one_test('os.environ["A"] = "1"', "", fixture).replace(
        "def test_it", '@pytest.mark.usefixtures("resource")\ndef test_it')
    why = "fixture resource (line 5) runs code after its yield (line 7), after monkeypatch restores"
    assert fix(proj, source) == (False, [why])
    source = one_test('os.environ["A"] = "1"', "resource", fixture).replace(
        "def test_it", '@pytest.mark.parametrize("resource", [1], indirect=True)\ndef test_it')
    assert fix(proj, source) == (False, [why])


def test_parametrized_and_patched_parameters_are_no_fixtures(proj):
    source = one_test('os.environ["A"] = "1"', "getcwd, sep, value, flag=1", "from unittest import mock\n")
    decorators = ('@pytest.mark.parametrize("value", [1])\n@mock.patch("os.getcwd")\n'
                  '@mock.patch.object(os, "sep")\n@mock.patch("os.name", new="x")\n')
    source = source.replace("def test_it", decorators + "def test_it")
    assert fix(proj, source) == (True, [])


def test_hooks_and_finalizers_of_a_pytest_test(proj):
    assert fix(proj, one_test('request.addfinalizer(print)\nos.environ["A"] = "1"', "request")) == (False, [
        "test_it calls addfinalizer(): the callback runs after monkeypatch restores"])
    source = one_test('os.environ["A"] = "1"', "", "def teardown_module(module):\n    print()\n")
    why = "teardown_module runs after monkeypatch restores and may see the variable"
    assert fix(proj, source) == (False, [why])
    source = one_test('os.environ["A"] = "1"', "", "def teardown_module(module):\n    module.done = True\n")
    assert fix(proj, source) == (True, [])


def test_an_autouse_fixture_of_the_conftest_chain_with_teardown_stops_the_rewrite(proj):
    conftest = "import pytest\n\n\n@pytest.fixture(autouse=True)\ndef audit():\n    yield\n    print()\n"
    assert fix(proj, one_test('os.environ["A"] = "1"'), **{"conftest.py": conftest}) == (False, [
        "autouse fixture audit (conftest.py:5) runs code after its yield (conftest.py:7), after monkeypatch "
        "restores"])


def test_a_conftest_that_does_not_parse_is_left_out_as_pytest_could_not_load_it(proj):
    assert fix(proj, one_test('os.environ["A"] = "1"'), **{"conftest.py": "def broken(:\n"}) == (True, [])


def test_a_teardown_handing_on_to_super_in_a_class_with_seen_bases_is_harmless(proj):
    source = dedent("""\
        import os


        class Base:
            def teardown_method(self, method):
                self.done = True


        class TestIt(Base):
            def teardown_method(self, method):
                super().teardown_method(method)

            def test_it(self):
                os.environ["A"] = "1"
        """)
    assert fix(proj, source) == (True, [])


# -- TestCase: what runs after patch.dict restores ---------------------------------------------------

def test_a_testcase_with_a_base_from_elsewhere_is_not_decorated(proj):
    source = dedent("""\
        import os
        import unittest

        from helpers import Mixin


        class TestIt(Mixin, unittest.TestCase):
            def test_it(self):
                os.environ["A"] = "1"
        """)
    assert fix(proj, source) == (False, [
        "a base of TestIt is not defined in this file: its tearDown and cleanups, which run after patch.dict "
        "restores, cannot be seen"])


# -- pytest must be the caller -------------------------------------------------------------------------

@pytest.mark.parametrize("source, why", [
    ("import os\n\n\nclass TestIt:\n    def __init__(self):\n        pass\n\n    def test_it(self):\n"
     "        os.environ['A'] = '1'\n", "TestIt defines __init__ or __new__, so pytest does not collect it"),
    ("import os\n\n\nclass TestIt:\n    __test__ = False\n\n    def test_it(self):\n"
     "        os.environ['A'] = '1'\n",
     "TestIt sets __test__ = False, so pytest does not collect it"),
    ("import os\n\n__test__ = False\n\n\nclass TestIt:\n    def test_it(self):\n"
     "        os.environ['A'] = '1'\n",
     "the module sets __test__ = False, so pytest does not collect it"),
])
def test_a_class_pytest_does_not_collect_gets_no_parameter(proj, source, why):
    assert fix(proj, source) == (False, [why])


def test_a_monkeypatch_fixture_of_the_conftest_chain_is_not_pytests(proj):
    conftest = 'import pytest\n\n\n@pytest.fixture\ndef monkeypatch():\n    return "own"\n'
    assert fix(proj, one_test('os.environ["A"] = "1"'), **{"conftest.py": conftest}) == (False, [
        "a fixture named monkeypatch is defined in conftest.py:5: the test would get it, not pytest's"])


def test_the_functions_of_a_round_are_named_by_class_and_name():
    import ast

    from flake8_xdist_safety.fixer.planner import Note

    class Round:
        tree = ast.parse("class TestA:\n    def test_a(self):\n        x = 1\n\n\ndef test_b():\n    y = 2\n")
        changes = [Note(3, 8, "MXS003", "x"), Note(7, 4, "MXS003", "y")]

    assert _functions_at(Round()) == frozenset({"TestA.test_a", "test_b"})


def test_decorators_the_team_declares_harmless_pass_the_parameter_through(proj):
    source = dedent("""\
        import os

        from helpers import keep_signature


        @keep_signature
        def test_it():
            os.environ["A"] = "1"
        """)
    assert fix(proj, source) == (False, [
        "test_it is wrapped by helpers.keep_signature, which may not pass a new fixture parameter through"])
    proj.write({"test_it.py": source})
    status, out, err = proj.fix("--harmless-decorators=helpers.keep_signature,other", "test_it.py")
    assert (status, err) == (0, "")
    assert "def test_it(monkeypatch):\n    monkeypatch.setenv(\"A\", \"1\")\n" in proj.read("test_it.py")


@pytest.mark.parametrize("hook", ["pytest_runtest_teardown(item)",
                                  "pytest_fixture_post_finalizer(fixturedef)"])
def test_a_conftest_hook_of_the_teardown_phase_stops_the_rewrite(proj, hook):
    conftest = (f"import os\n\n\ndef {hook}:\n    print(os.environ)\n\n\n"
                "def pytest_configure(config):\n    pass\n")
    name = hook.split("(")[0]
    assert fix(proj, one_test('os.environ["A"] = "1"'), **{"conftest.py": conftest}) == (False, [
        f"conftest.py:4 implements {name}, which runs around the test's teardown, after monkeypatch "
        "restores"])
