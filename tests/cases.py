"""Helpers shared by the test modules (imported as ``from cases import ...``).

A *case* is one lint input with its exact expected reports::

    RULE_CASES = [
        case('''
            import os

            def test_set():
                os.environ["A"] = "1"
            ''',
            "test_example.py:4:5: MXS003",
            id="subscript-assign"),
    ]

    @pytest.mark.parametrize(CASE, RULE_CASES)
    def test_rule_cases(lint, src, args, expected):
        assert lint(src, SELECT, *args) == expected

``args`` are extra flake8 arguments for that one case (``case(..., args=["--mxs-broad-scopes=session"])``).
Expected reports are ``path:line:col: CODE`` with flake8's 1-based column; ``at()`` spells them.
A rule's own tests compare whole lines, message included, with ``lint.messages(...)``: each
tests/rules module spells its message template once in a ``msg(line, col, <fields>)`` helper
(one helper per variant where a code has several messages) and passes the fields (names,
targets, scopes) per case.
"""
import textwrap
from typing import Iterable, List

import pytest

#: The parameter names a ``case()`` fills, for ``@pytest.mark.parametrize(CASE, [...])``.
CASE = "src, args, expected"


def case(src, *expected: str, id: str, args: Iterable[str] = ()):
    """``pytest.param(src, args, sorted(expected), id=id)``: sorted as ``lint`` sorts (as strings)."""
    return pytest.param(src, tuple(args), sorted(expected), id=id)


def at(line: int, col: int, code: str, path: str = "test_example.py") -> str:
    """One expected report: ``at(4, 1, "MXS001")`` -> ``"test_example.py:4:1: MXS001"``."""
    return f"{path}:{line}:{col}: {code}"


def code_only(line: str) -> str:
    """``path:line:col: CODE`` of a flake8 output line (drops the message)."""
    location, code = line.split(" ")[:2]
    return f"{location} {code}"


def mxs_lines(stdout: str) -> List[str]:
    """``path:line:col: CODE`` of the MXS lines of a flake8 run's output, without the ``./``, sorted."""
    out = []
    for line in stdout.splitlines():
        parts = line.split(" ")
        if len(parts) > 1 and parts[1].startswith("MXS"):
            location = parts[0][2:] if parts[0].startswith("./") else parts[0]
            out.append(location + " " + parts[1])
    return sorted(out)


def dedent(source: str) -> str:
    """A source as ``lint`` writes it: dedented, leading newlines dropped."""
    return textwrap.dedent(source).lstrip("\n")


# -- snippets used by several modules ------------------------------------------------------------

#: A module-level test function that creates a mock; its ``def`` is on line 4.
MOCKING_FN = """
    from unittest.mock import MagicMock


    def test_thing():
        MagicMock()
"""

#: A test class that creates a mock, without group or teardown; its ``class`` is on line 4.
MOCKING_CLASS = """
    from unittest.mock import MagicMock


    class TestThing:
        def test_it(self):
            MagicMock()
"""
