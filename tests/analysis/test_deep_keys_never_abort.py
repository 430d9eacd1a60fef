"""No expression a parseable file can hold makes a rule raise: deep keys are shown bounded.

Run through the checker itself: other flake8 plugins (pyflakes) recurse on such input."""
import ast

import pytest

from flake8_xdist_safety.checker import XdistSafetyChecker
from flake8_xdist_safety.config import Config


def mxs003(tmp_path, monkeypatch, source):
    monkeypatch.setattr(XdistSafetyChecker, "config", Config())  # whatever other tests configured
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "test_example.py").write_text(source)
    found = XdistSafetyChecker(ast.parse(source), "test_example.py").run()
    return [f"{line}:{col + 1}: {text.split()[0]}" for line, col, text, _ in found
            if text.startswith("MXS003")]


TERMS = " + ".join(f'"k{i}"' for i in range(400))


@pytest.mark.parametrize("statement", [
    f"os.environ[{TERMS}] = 'v'",
    f"os.environ.pop({TERMS})",
    f"os.environ.setdefault({TERMS}, 'v')",
    f"os.putenv({TERMS}, 'v')",
    "os.environ[f'{PREFIX}_' + " + TERMS + "] = 'v'",
    "os.environ[" + "a." * 2500 + "b] = 'v'",
    "os.environ[" + "f(" * 150 + "x" + ")" * 150 + "] = 'v'",
    "os.environ[" + "x" + "[0]" * 2500 + "] = 'v'",
], ids=["subscript", "pop", "setdefault", "putenv", "f-string", "attribute-chain", "call-chain",
        "subscript-chain"])
def test_a_deep_environment_key_is_reported_not_fatal(tmp_path, monkeypatch, statement):
    src = f"import os\n\n\ndef test_set():\n    {statement}\n"
    assert mxs003(tmp_path, monkeypatch, src) == ["5:5: MXS003"]


def test_a_conftest_that_appears_later_in_the_process_is_read(project):
    test = "import os\n\n\ndef test_set(restore_env):\n    os.environ['A'] = '1'\n"
    project.write({"test_a.py": test})
    assert project.codes("--select=MXS003") == ["test_a.py:5:5: MXS003"]
    project.write({"conftest.py": (
        "import os\nimport pytest\n\n\n@pytest.fixture\ndef restore_env():\n"
        "    saved = dict(os.environ)\n    yield\n    os.environ.clear()\n    os.environ.update(saved)\n")})
    assert project.codes("--select=MXS003") == []
    (project.root / "conftest.py").unlink()
    assert project.codes("--select=MXS003") == ["test_a.py:5:5: MXS003"]
