"""``fix_text``'s rounds and proofs with flake8's verdicts under the test's control: a fixed text that
does not parse or compile, a verdict that changes other codes, follow-ups that never settle, the retry
without the environment rewrites, and violations the plugin has no finding for."""
import ast

import pytest

from fix_harness import dedent
from flake8_xdist_safety.fixer.flake8_run import Flake8Run
from flake8_xdist_safety.fixer.planner import Note
from flake8_xdist_safety.fixer import rewrites
from flake8_xdist_safety.fixer.rewrites import fix_text

ENV_TESTS = """
    import os


    def test_a():
        os.environ["A"] = "1"


    def test_b():
        os.environ["B"] = "1"
"""

MOCK_AND_ENV = """
    import os
    from unittest.mock import MagicMock


    def test_a():
        MagicMock()
        os.environ["A"] = "1"
"""


class Flake8:
    """flake8 on ``test_it.py`` in a fresh project, for ``flake8 *argv test_it.py``."""

    def __init__(self, root, source, *argv):
        (root / ".git").mkdir(parents=True)
        self.text = dedent(source)
        (root / "test_it.py").write_text(self.text)
        self.run = Flake8Run([*argv, "test_it.py"])
        self.config = self.run.config_for("test_it.py")
        self.first = self.check(self.text)
        self.checked = []

    def check(self, text):
        return self.run.check("test_it.py", text)

    def fix(self, check, codes, first=None):
        return fix_text(self.text, "test_it.py", self.config, check, first or self.first, codes)


@pytest.fixture
def flake8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def make(source, *argv):
        return Flake8(tmp_path, source, *argv)

    return make


def _left(result):
    return [(note.line, note.col, note.code, note.text) for note in result.not_fixed]


def test_a_fixed_text_flake8_cannot_parse_is_rejected_with_every_finding_left(flake8):
    run = flake8(ENV_TESTS)
    result = run.fix(lambda text: run.check(text)._replace(violations=[], unparsable="E999 SyntaxError: x"),
                     ["MXS003"])
    why = "the fixed text does not parse (E999 SyntaxError: x)"
    assert result.text == run.text
    assert result.changes == []
    assert result.error == why
    assert _left(result) == [(5, 4, "MXS003", "not fixed: " + why), (9, 4, "MXS003", "not fixed: " + why)]


def test_a_fixed_tree_that_does_not_compile_is_rejected(flake8):
    run = flake8(ENV_TESTS)
    broken = ast.parse("def f():\n    pass\nreturn 1\n")  # parses, but return is outside a function
    result = run.fix(lambda text: run.check(text)._replace(violations=[], tree=broken), ["MXS003"])
    assert result.text == run.text
    assert result.error == "the fixed text does not compile ('return' outside function (test_it.py, line 3))"
    assert [note[3] for note in _left(result)] == ["not fixed: " + result.error] * 2


def test_a_fix_that_changes_the_count_of_another_code_is_rejected(flake8):
    run = flake8(ENV_TESTS)

    def with_a_new_mxs004(text):
        verdict = run.check(text)
        extra = verdict.violations + [run.first.violations[0]._replace(code="MXS004")]
        return verdict._replace(violations=extra)

    result = run.fix(with_a_new_mxs004, ["MXS003"])
    assert result.text == run.text
    assert result.error == "after the fix flake8 would report 1 MXS004 finding(s) instead of 0"


def test_a_fix_may_leave_fewer_of_a_fixed_code_but_not_more(flake8):
    run = flake8(ENV_TESTS)

    def one_more_mxs003(text):
        verdict = run.check(text)
        extra = run.first.violations[0]._replace(line_number=99)
        return verdict._replace(violations=verdict.violations + [extra])

    result = run.fix(one_more_mxs003, ["MXS003"])
    assert result.error == "after the fix flake8 would report 1 MXS003 finding(s) instead of 0"


def test_a_function_whose_fixes_do_not_settle_is_left_alone_and_the_rest_is_fixed(flake8, monkeypatch):
    # No input known makes the follow-up rounds run on (the changes of one variable in one function are
    # planned together); the attempt reports test_b as unsettled to exercise what happens then.
    run = flake8(ENV_TESTS + "\n\n    def test_c():\n        os.environ['C'] = '1'\n")
    real, seen = rewrites._attempt, []

    def attempt(text, filename, config, check, first, options):
        seen.append(options.unsettled)
        if not options.unsettled:
            raise rewrites._Unsettled(frozenset({"test_b"}))
        return real(text, filename, config, check, first, options)

    monkeypatch.setattr(rewrites, "_attempt", attempt)
    result = run.fix(run.check, ["MXS003"])
    assert seen == [frozenset(), frozenset({"test_b"})]
    assert result.error is None
    assert result.text == run.text.replace("def test_a():", "def test_a(monkeypatch):").replace(
        'os.environ["A"] = "1"', 'monkeypatch.setenv("A", "1")').replace(
        "def test_c():", "def test_c(monkeypatch):").replace(
        "os.environ['C'] = '1'", "monkeypatch.setenv('C', '1')")
    why = ("not fixed: os.environ['B']: the fixes of test_b did not settle after several rounds; "
           "it is left as it was")
    assert _left(result) == [(9, 4, "MXS003", why)]


def test_follow_ups_that_never_settle_with_nothing_left_to_leave_out_reject_the_file(flake8, monkeypatch):
    run = flake8(ENV_TESTS)

    def attempt(text, filename, config, check, first, options):
        raise rewrites._Unsettled(frozenset({"test_b"}))

    monkeypatch.setattr(rewrites, "_attempt", attempt)
    result = run.fix(run.check, ["MXS003"])
    assert (result.text, result.error) == (run.text, "the fixes did not settle after several rounds")
    assert _left(result) == [(5, 4, "MXS003", "not fixed: the fixes did not settle after several rounds"),
                             (9, 4, "MXS003", "not fixed: the fixes did not settle after several rounds")]


def test_the_changes_of_one_variable_in_one_test_are_planned_in_one_round(flake8):
    # Five set/del pairs: flake8 reports only the first set; one round rewrites all ten statements.
    body = "".join(f"    os.environ['K'] = '{n}'\n    del os.environ['K']\n" for n in range(5))
    run = flake8("import os\n\n\ndef test_many():\n" + body)
    checked = []

    def check(text):
        checked.append(text)
        return run.check(text)

    result = run.fix(check, ["MXS003"])
    # the fixed text, once (no follow-up round), and once more without the import it left unused
    assert [text.startswith("import os\n") for text in checked] == [True, False]
    assert result.error is None
    assert "os" not in result.text.replace("monkeypatch", "")
    assert [note.line for note in result.changes] == list(range(5, 15))


def test_changes_restored_by_hand_are_rewritten_with_the_change_they_restore(flake8):
    source = """
        import os


        def test_a():
            os.environ["A"] = "1"
            del os.environ["A"]
            os.environ["A"] = "2"
            del os.environ["A"]
    """
    run = flake8(source)
    result = run.fix(run.check, ["MXS003"])
    assert result.error is None
    assert result.text == dedent("""
        def test_a(monkeypatch):
            monkeypatch.setenv("A", "1")
            monkeypatch.delenv("A")
            monkeypatch.setenv("A", "2")
            monkeypatch.delenv("A")
    """)


def test_when_the_environment_rewrites_break_the_proof_the_rest_is_still_fixed(flake8):
    run = flake8(MOCK_AND_ENV, "--extend-select=MXS001")
    assert [v.code for v in run.first.violations] == ["MXS001", "MXS003"]
    calls = []

    def unparsable_once(text):
        calls.append(text)
        verdict = run.check(text)
        if len(calls) == 1:  # the attempt with both codes
            return verdict._replace(violations=[], unparsable="E999 SyntaxError: x")
        return verdict

    result = run.fix(unparsable_once, ["MXS001", "MXS003"])
    assert len(calls) == 2
    assert "monkeypatch" in calls[0] and "monkeypatch" not in calls[1]
    assert result.error is None
    assert result.text == dedent("""
        import pytest
        import os
        from unittest.mock import MagicMock

        pytestmark = pytest.mark.xdist_group(name="test_it")


        def test_a():
            MagicMock()
            os.environ["A"] = "1"
    """)
    assert result.changes == [Note(5, 0, "MXS001", "test functions test_a: added pytestmark = "
                                                   'pytest.mark.xdist_group(name="test_it")')]
    rejected = "the fixed text does not parse (E999 SyntaxError: x)"
    assert _left(result) == [(7, 4, "MXS003", "not fixed: rewriting this file's environment changes was "
                                              "rejected: " + rejected)]


def test_a_violation_with_no_finding_of_the_plugin_is_left_with_that_reason(flake8):
    run = flake8(ENV_TESTS)
    stray = run.first.violations[0]._replace(line_number=1, column_number=1)
    first = run.first._replace(violations=[stray, *run.first.violations])
    result = run.fix(run.check, ["MXS003"], first=first)
    assert result.error is None
    assert _left(result) == [(1, 0, "MXS003", "not fixed: the fixer found no finding of its own here")]
    assert [(note.line, note.text) for note in result.changes] == [
        (5, 'test_a: monkeypatch.setenv("A", "1")'), (9, 'test_b: monkeypatch.setenv("B", "1")')]


def test_only_stray_violations_leave_the_text_alone(flake8):
    run = flake8(ENV_TESTS)
    stray = run.first.violations[0]._replace(line_number=2, column_number=3, text="something else")
    result = run.fix(run.check, ["MXS003"], first=run.first._replace(violations=[stray]))
    assert (result.text, result.changes, result.error) == (run.text, [], None)
    assert _left(result) == [(2, 2, "MXS003", "not fixed: the fixer found no finding of its own here")]


def test_a_hand_restore_is_not_rewritten_without_the_change_it_restores(flake8):
    source = """
        import os


        def test_a():
            os.environ["A"] = "1"
            try:
                os.environ["B"] = "1"
            finally:
                del os.environ["B"]
            del os.environ["A"]
    """
    run = flake8(source)
    result = run.fix(run.check, ["MXS003"])
    leaves_the_set = 'os.environ["A"] = "1"' in result.text
    assert not (leaves_the_set and 'monkeypatch.delenv("A")' in result.text), result.text
