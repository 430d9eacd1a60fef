"""The package's layers, as its docstring states them: a module imports only its own layer
or below, and every call name a module reads is indexed by the builder."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "flake8_xdist_safety"
BASE = {"codes", "findings", "config", "links", "analysis.vocabulary", "analysis.imports", "__init__"}


def layer(module: str) -> int:
    if module in BASE:
        return 1
    if module.startswith("analysis"):
        return 2
    if module.startswith("rules"):
        return 3
    if module.startswith("runtime"):
        return 0  # apart: checked on its own below
    return 4


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        yield name[:-len(".__init__")] if name.endswith(".__init__") else name, path


def imported(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("flake8_xdist_safety"):
            yield node.module[len("flake8_xdist_safety."):] or "__init__"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("flake8_xdist_safety."):
                    yield alias.name[len("flake8_xdist_safety."):]


@pytest.mark.parametrize("module, path", list(modules()), ids=[m for m, _ in modules()])
def test_a_module_imports_only_its_layer_or_below(module, path):
    mine = layer(module)
    for target in imported(path):
        if mine == 0:
            assert layer(target) in (0, 1) and target != "config", f"{module} imports {target}"
        else:
            assert layer(target) != 0 and layer(target) <= mine, f"{module} (layer {mine}) imports {target}"


def test_a_call_name_nobody_declared_is_refused():
    from flake8_xdist_safety.analysis.builder import build_model
    from flake8_xdist_safety.config import Config

    model = build_model(ast.parse("x = 1\n"), "test_a.py", Config(), frozenset({"launch"}))
    assert model.calls_named("launch") == []
    model = build_model(ast.parse("launch()\n"), "test_a.py", Config(), frozenset())
    with pytest.raises(LookupError, match="'launch' is read but was not indexed"):
        model.calls_named("launch")


def test_every_reader_of_calls_declares_them_to_the_rules_table():
    """Each rule's entry lists what it and the analysis it asks read: building a model with
    only a rule's own calls gives it the same findings as with every call indexed."""
    import flake8_xdist_safety.rules as rules
    from flake8_xdist_safety.analysis.builder import build_model
    from flake8_xdist_safety.config import Config

    reported = set()
    for path in sorted((PACKAGE.parent / "examples" / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def findings(code, calls):
            model = build_model(tree, str(path), Config(), calls)
            return [f[:2] for f in rules.RULE_ENTRIES[code].check(model, Config())]

        for code in rules.RULE_ENTRIES:
            every = findings(code, rules.ALL_CALLS)
            assert findings(code, rules.calls_for(frozenset({code}))) == every, code
            reported.update(key.split("-")[0] for key, _node in every)
    assert reported >= {"MXS003", "MXS004", "MXS005", "MXS007", "MXS008", "MXS012", "MXS013", "MXS014",
                        "MXS015", "MXS016"}


#: Known and being split: the fixer's planner is rewritten module by module (issue 9).
KNOWN_LONG = {"fixer.rewrites"}


def test_no_module_is_over_400_lines():
    lengths = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in modules()}
    assert {m: n for m, n in lengths.items() if n > 400 and m not in KNOWN_LONG} == {}
