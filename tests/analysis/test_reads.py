"""What a function's code reads and which helpers it calls (analysis/reads.py): the names MXS005
asks to tell who can see a stored mock, the conftest rule to tell whether a function is called,
and MXS002 to follow a teardown into the helpers that collect garbage."""
import ast
import sys
import textwrap

import pytest

from flake8_xdist_safety.analysis.builder import build_model
from flake8_xdist_safety.analysis.reads import helpers_called, names_from_calls, names_read
from flake8_xdist_safety.config import Config


def reads(source: str, function: str = "f", ask=names_read):
    model = build_model(ast.parse(textwrap.dedent(source)), "test_x.py", Config(), frozenset())
    fn = next(fn for fn in model.functions if fn.name == function)
    return ask(model, fn)


@pytest.mark.parametrize("source, expected", [
    pytest.param("def f():\n    CLIENT.get(1)\n", {"CLIENT", "CLIENT.get"}, id="call-on-a-name"),
    pytest.param("def f(self):\n    self.client.get()\n", {"self", "self.client"}, id="attribute-chain"),
    pytest.param("def f():\n    return Api.x\n", {"Api", "Api.x"}, id="class-attribute"),
    pytest.param("def f():\n    g(lambda: MOCK)\n", {"g", "MOCK"}, id="lambda-body"),
    pytest.param("def f():\n    [m for m in MOCKS if m]\n", {"m", "MOCKS"}, id="comprehension"),
    pytest.param("def f():\n    d[KEY] = VALUE\n", {"d", "KEY", "VALUE"},
                 id="subscript-store-reads-its-parts"),
    pytest.param("def f():\n    class C(Base):\n        x = MOCK\n", {"Base", "MOCK"}, id="class-body"),
    pytest.param("def f():\n    @deco\n    def g(a=DEFAULT):\n        INNER\n", {"deco", "DEFAULT"},
                 id="nested-def-decorators-and-defaults-not-its-body"),
])
def test_reads(source, expected):
    assert reads(source) == expected


@pytest.mark.parametrize("source", [
    pytest.param("def f():\n    x = 1\n", id="a-name-bound"),
    pytest.param("def f():\n    del x\n", id="a-name-deleted"),
    pytest.param("def f():\n    for x in ():\n        pass\n", id="a-loop-variable"),
    pytest.param("def f():\n    x: Mock = 1\n", id="an-annotation"),
    pytest.param("def f(a: Mock = 1) -> Mock:\n    pass\n", id="its-own-signature"),
    pytest.param("def f():\n    def g(a: Mock) -> Mock:\n        pass\n", id="a-nested-signature"),
])
def test_not_reads(source):
    assert reads(source) == set()


def test_a_self_attribute_assigned_is_not_read():
    assert reads("def f(self):\n    self.client = 1\n") == {"self"}


def test_reads_are_kept_per_function():
    source = "def f():\n    A\n\ndef g():\n    B\n"
    model = build_model(ast.parse(source), "test_x.py", Config(), frozenset())
    f, g = model.functions
    assert names_read(model, f) is names_read(model, f)
    assert (names_read(model, f), names_read(model, g)) == ({"A"}, {"B"})


def test_a_deep_expression_is_read_without_recursion():
    source = "def f():\n    x = " + " + ".join(["A"] * 5000) + "\n"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20000)  # for ast.parse of 5,000 nested additions, not for the walk
    try:
        tree = ast.parse(source)
    finally:
        sys.setrecursionlimit(limit)
    model = build_model(tree, "test_x.py", Config(), frozenset())
    assert names_read(model, model.functions[0]) == {"A"}


@pytest.mark.parametrize("source, expected", [
    pytest.param("def f():\n    reset()\n", {"reset"}, id="bare-name"),
    pytest.param("def f(self):\n    self._cleanup()\n", {"self._cleanup"}, id="own-method"),
    pytest.param("def f(self):\n    other.cleanup()\n    self.a.b()\n", set(), id="other-receivers"),
    pytest.param("def f():\n    g(h())\n", {"g", "h"}, id="nested-calls"),
    pytest.param("def f():\n    g(lambda: h())\n", {"g"}, id="not-in-a-lambda-body"),
    pytest.param("def f():\n    g(lambda a=h(): a)\n", {"g", "h"}, id="a-lambda-default-runs"),
    pytest.param("def f():\n    def inner():\n        h()\n", set(), id="not-in-a-nested-def-body"),
    pytest.param("def f():\n    @deco()\n    def inner():\n        pass\n", {"deco"},
                 id="nested-decorator-runs"),
    pytest.param("def f():\n    class C:\n        x = make()\n", {"make"}, id="nested-class-body-runs"),
])
def test_helpers_called(source, expected):
    assert reads(source, ask=helpers_called) == expected


@pytest.mark.parametrize("source, expected", [
    pytest.param("def f():\n    app = make_app()\n", {"app"}, id="a-name"),
    pytest.param("def f():\n    app, (x, y), [dep] = make()\n", {"app"}, id="top-level-tuple-elements"),
    pytest.param("def f():\n    app: App = make_app()\n", {"app"}, id="annotated"),
    pytest.param("def f():\n    a = b = make()\n", {"a", "b"}, id="chained"),
    pytest.param("def f():\n    if x:\n        with y:\n            try:\n                app = make()\n"
                 "            finally:\n                other = make()\n", {"app", "other"}, id="in-blocks"),
    pytest.param("def f():\n    class C:\n        app = make()\n", {"app"}, id="a-nested-class-body"),
    pytest.param("def f():\n    app = APP\n    self.app = make()\n", set(), id="not-a-call-or-not-a-name"),
    pytest.param("def f():\n    def g():\n        app = make()\n", set(), id="not-a-nested-def"),
])
def test_names_from_calls(source, expected):
    assert reads(source, ask=names_from_calls) == expected
