"""MXS003 shapes: keys that are not one expression, names that are taken, signatures the monkeypatch
parameter cannot join, and the patch.dict decorator of unittest.TestCase methods."""
import pytest

from fix_harness import FixProject


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path / "proj")


def fix_env(proj, source):
    """Fix MXS003 in ``test_it.py``: (new text, fixed notes, not-fixed notes), without the path."""
    proj.write({"test_it.py": source})
    status, out, err = proj.fix("--select=MXS003", "test_it.py")
    strip = len("test_it.py:")
    changes, left = [line[strip:] for line in out.splitlines()], [line[strip:] for line in err.splitlines()]
    assert status == (1 if left else 0)
    return proj.read("test_it.py"), changes, left


@pytest.mark.parametrize("source, why", [
    ("import os\n\n\ndef test_env():\n    os.environ.pop(('A', 'B'))\n",
     "5:5: MXS003 not fixed: os.environ.pop(('A', 'B')): the key is not a single expression"),
    ("import os\n\n\ndef test_env():\n    del os.environ['A', 'B']\n",
     "5:5: MXS003 not fixed: os.environ[('A', 'B')]: the key is not a single expression"),
    ("import os\n\n\ndef test_env():\n    os.environ['A', 'B'] = '1'\n",
     "5:5: MXS003 not fixed: os.environ[('A', 'B')]: the key is not a single expression"),
    ("import os\n\n\ndef test_env():\n    os.environ[1:2] = '1'\n",
     "5:5: MXS003 not fixed: os.environ[1:2]: the key is not a single expression"),
    ("import os\n\nx = 1\n\n\ndef test_env():\n    del os.environ['A'], x\n",
     "7:5: MXS003 not fixed: os.environ['A']: the del statement deletes more than one target"),
    ("import os\n\nmonkeypatch = None\n\n\ndef test_env():\n    os.environ['A'] = '1'\n",
     "7:5: MXS003 not fixed: os.environ['A']: the name monkeypatch already means something else in "
     "test_env"),
    ("import os\nimport hypothesis\n\n\n"
     "@hypothesis.settings(max_examples=10, deadline=None, derandomize=True)\n"
     "def test_env():\n    os.environ['A'] = '1'\n",
     "7:5: MXS003 not fixed: os.environ['A']: test_env is wrapped by hypothesis.settings, which may not pass "
     "a new fixture parameter through"),
    ("import os\n\n\n@some.helpers.module.wrap_with_settings_longer(max_examples=10)\n"
     "def test_env():\n    os.environ['A'] = '1'\n",
     "6:5: MXS003 not fixed: os.environ['A']: test_env is wrapped by "
     "some.helpers.module.wrap_with_setting..., which may not pass a new fixture parameter through"),
    ("import os\n\n\ndef test_env(tmp_path, /):\n    os.environ['A'] = '1'\n",
     "5:5: MXS003 not fixed: os.environ['A']: cannot add the monkeypatch parameter to test_env"),
    ("import os\n\n\ndef test_env \\\n        ():\n    os.environ['A'] = '1'\n",
     "6:5: MXS003 not fixed: os.environ['A']: cannot add the monkeypatch parameter to test_env"),
    ("import os\nimport unittest\n\nmock = None\nunittest = unittest\n\n\nclass TestEnv(unittest.TestCase):\n"
     "    def test_env(self):\n        os.environ['A'] = '1'\n",
     "10:9: MXS003 not fixed: os.environ['A']: the name unittest is bound to something else in this module "
     "(line 5) or where the fix goes"),
], ids=["pop-tuple-key", "del-tuple-key", "assign-tuple-key", "assign-slice", "del-two-targets",
        "monkeypatch-taken", "wrapped-by-hypothesis", "wrapped-by-a-long-call", "positional-only",
        "name-and-parenthesis-apart", "unittest-rebound"])
def test_not_fixed_with_the_reason(proj, source, why):
    assert fix_env(proj, source) == (source, [], [why])


@pytest.mark.parametrize("signature, expected", [
    ("test_env(*, flag=1)", "test_env(monkeypatch, *, flag=1)"),
    ("test_env(flag=1)", "test_env(monkeypatch, flag=1)"),
    ("test_env(*args, **kwargs)", "test_env(monkeypatch, *args, **kwargs)"),
    ("test_env()", "test_env(monkeypatch)"),
])
def test_the_monkeypatch_parameter_goes_before_any_other(proj, signature, expected):
    source = f"import os\n\n\ndef {signature}:\n    os.environ['A'] = '1'\n"
    assert fix_env(proj, source) == (
        f"def {expected}:\n    monkeypatch.setenv('A', '1')\n",  # import os, now unused, is removed
        ["5:5: MXS003 fixed: test_env: monkeypatch.setenv('A', '1')"], [])


def test_a_static_test_method_gets_the_parameter_too(proj):
    source = ("import os\n\n\nclass TestEnv:\n    @staticmethod\n    def test_env():\n"
              "        os.environ['A'] = '1'\n")
    assert fix_env(proj, source) == (
        source.replace("test_env()", "test_env(monkeypatch)").replace(
            "os.environ['A'] = '1'", "monkeypatch.setenv('A', '1')").replace("import os\n\n\n", ""),
        ["7:9: MXS003 fixed: test_env: monkeypatch.setenv('A', '1')"], [])


def test_one_patch_dict_decorator_covers_every_change_of_a_testcase_method(proj):
    source = ("import os\nimport unittest\n\n\nclass TestEnv(unittest.TestCase):\n    def test_env(self):\n"
              "        os.environ['A'] = '1'\n        os.environ['B'] = '1'\n")
    assert fix_env(proj, source) == (
        "import unittest.mock\n" + source.replace(
            "    def test_env(self):\n",
            '    @unittest.mock.patch.dict("os.environ")\n    def test_env(self):\n'),
        ['7:9: MXS003 fixed: test_env: added @unittest.mock.patch.dict("os.environ") (a unittest.TestCase '
         "method gets no fixtures)",
         "8:9: MXS003 fixed: test_env: covered by the patch.dict decorator added to it"],
        [])
