"""No expression a parseable file can hold makes a rule raise: deep keys are shown bounded."""
import pytest

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
def test_a_deep_environment_key_is_reported_not_fatal(lint, statement):
    src = f"import os\n\n\ndef test_set():\n    {statement}\n"
    assert lint({"test_example.py": src}, "--select=MXS003") == ["test_example.py:5:5: MXS003"]


def test_a_deep_key_in_a_conftest_is_reported_once_in_the_conftest(lint):
    conftest = f"import os\n\nos.environ[{TERMS}] = 'v'\n"
    test = "def test_it():\n    pass\n"
    found = lint({"conftest.py": conftest, "test_a.py": test}, "--select=MXS003")
    assert found == []  # a module-level change in a conftest is every test's environment alike


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
