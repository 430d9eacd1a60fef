"""The fixer never loses a byte and never stops on one bad file: links, FIFOs, read-only files, files
edited while it runs, undecodable or unparsable ones are reported on one line each and left as they are;
the file's own encoding, byte-order mark and line endings are kept; ``fixed:`` is printed only after the
write succeeded."""
import os
import stat

import sys

import pytest

from fix_harness import OPT_IN, FixProject
from flake8_xdist_safety.fixer import cli

ENV = "import os\n\n\ndef test_env():\n    os.environ['A'] = '1'\n"
FIXED_ENV = "def test_env(monkeypatch):\n    monkeypatch.setenv('A', '1')\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path / "proj")


def test_symlink_and_its_target_are_untouched_and_the_run_goes_on(proj, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text(ENV)
    proj.write({"test_ok.py": ENV})
    os.symlink(outside, proj.root / "test_link.py")
    status, out, err = proj.fix(".")
    assert status == 1
    assert err == "./test_link.py: error: is a symbolic link; skipped\n"
    assert outside.read_text() == ENV
    assert proj.read("test_ok.py") == FIXED_ENV
    assert out.startswith("./test_ok.py:5:5: MXS003 fixed:")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_reported_without_blocking(proj):
    proj.write({"test_ok.py": ENV})
    os.mkfifo(proj.root / "test_pipe.py")
    status, _, err = proj.fix(".")
    assert status == 1
    assert err == "./test_pipe.py: error: is a named pipe (FIFO); skipped\n"
    assert proj.read("test_ok.py") == FIXED_ENV


def test_read_only_file_is_left_untouched_and_not_reported_as_fixed(proj):
    proj.write({"test_ro.py": ENV})
    path = proj.root / "test_ro.py"
    path.chmod(0o444)
    status, out, err = proj.fix("test_ro.py")
    assert (status, out) == (1, "")
    assert err == "test_ro.py: error: is read-only; left untouched\n"
    assert proj.read("test_ro.py") == ENV
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_file_edited_while_fixing_is_left_as_edited(proj, monkeypatch):
    proj.write({"test_race.py": ENV})
    real = cli.replace_atomically

    def edit_first(source, data):
        with open(source.path, "a") as handle:
            handle.write("# edited by someone else\n")
        real(source, data)

    monkeypatch.setattr(cli, "replace_atomically", edit_first)
    status, out, err = proj.fix("test_race.py")
    assert (status, out) == (1, "")
    assert err == "test_race.py: error: changed while fixing; left untouched\n"
    assert proj.read("test_race.py") == ENV + "# edited by someone else\n"


def test_missing_path_is_reported(proj):
    status, _, err = proj.fix("test_missing.py")
    assert (status, err) == (1, "test_missing.py: error: no such file or directory\n")


def test_undecodable_test_file_is_reported_other_files_are_not_read(proj):
    (proj.root / "test_latin.py").write_bytes(b"# caf\xe9\nimport os\n")
    (proj.root / "helpers.py").write_bytes(b"# caf\xe9\n")  # not a test file: the plugin skips it
    status, _, err = proj.fix(".")
    assert status == 1
    assert err == "./test_latin.py: error: cannot decode byte 0xe9 at offset 5 (line 1) as utf-8; skipped\n"


@pytest.mark.parametrize("source, error", [
    pytest.param("x = 1" + " + 1" * 100000 + "\n", "nested too deeply to analyse",
                 marks=pytest.mark.skipif(sys.version_info < (3, 10), reason=(
                     "Python 3.9's parser builds this tree and the plugin analyses it: nothing to report")),
                 id="nested-too-deeply"),
    ("x = " + "-" * 100000 + "1\n", "too large to analyse"),
    ("def test(:\n    pass\n", "cannot parse it (E999 SyntaxError"),
    # null bytes: a ValueError from older parsers, a SyntaxError (E999) from newer ones
    ("x = 1\x00\n", ("cannot be analysed", "cannot parse it")),
])
def test_file_whose_tree_cannot_be_built_is_reported_and_the_run_goes_on(proj, source, error):
    proj.write({"test_ok.py": ENV})
    (proj.root / "test_bad.py").write_text(source)
    status, out, err = proj.fix(".")
    assert status == 1
    [line] = err.splitlines()
    errors = error if isinstance(error, tuple) else (error,)
    assert line.startswith(tuple(f"./test_bad.py: error: {e}" for e in errors))
    assert "Traceback" not in err
    assert proj.read("test_ok.py") == FIXED_ENV


def test_plugin_failure_is_one_line(proj, monkeypatch):
    proj.write({"test_a.py": ENV})

    def broken(self, filename, text):
        raise RuntimeError("the plugin broke")

    monkeypatch.setattr(cli.Flake8Run, "check", broken)
    status, _, err = proj.fix("test_a.py")
    assert (status, err) == (1, "test_a.py: error: cannot be analysed: the plugin broke; left untouched\n")


# -- the file's own format ------------------------------------------------------------------------------

def test_coding_cookie_is_honoured(proj):
    source = "# -*- coding: latin-1 -*-\nimport os\n\n\ndef test_env():\n    os.environ['A'] = 'caf\xe9'\n"
    (proj.root / "test_latin.py").write_bytes(source.encode("latin-1"))
    status, out, err = proj.fix("test_latin.py")
    assert (status, err) == (0, "")
    data = (proj.root / "test_latin.py").read_bytes()
    assert data.decode("latin-1") == source.replace("def test_env():", "def test_env(monkeypatch):").replace(
        "os.environ['A'] = 'caf\xe9'", "monkeypatch.setenv('A', 'caf\xe9')").replace("import os\n", "")


def test_group_name_the_encoding_cannot_hold_leaves_the_file_untouched(proj):
    source = "# coding: ascii\nfrom unittest.mock import MagicMock\n\n\ndef test_it():\n    MagicMock()\n"
    proj.write({"test_ascii.py": source})
    status, out, err = proj.fix(OPT_IN, "--group", "caf\xe9", "test_ascii.py")
    assert (status, out) == (1, "")
    assert err == "test_ascii.py: error: cannot write '\xe9' in its encoding ascii; left untouched\n"
    assert proj.read("test_ascii.py") == source


def test_byte_order_mark_is_kept(proj):
    (proj.root / "test_bom.py").write_bytes(b"\xef\xbb\xbf" + ENV.encode())
    assert proj.fix("test_bom.py")[0] == 0
    assert (proj.root / "test_bom.py").read_bytes() == b"\xef\xbb\xbf" + FIXED_ENV.encode()


def test_new_lines_take_the_ending_of_their_neighbours(proj):
    # a CRLF header (docstring, imports) and an LF body, as a file edited on two systems may be
    source = ('"""Doc."""\r\nfrom unittest.mock import MagicMock\r\n\r\n\r\n'
              "class TestMixed:\n    def test_it(self):\n        MagicMock()\n")
    (proj.root / "test_mixed.py").write_bytes(source.encode())
    assert proj.fix(OPT_IN, "test_mixed.py")[0] == 0
    assert (proj.root / "test_mixed.py").read_bytes().decode() == (
        '"""Doc."""\r\nimport gc\r\nimport pytest\r\nfrom unittest.mock import MagicMock\r\n\r\n\r\n'
        '@pytest.mark.xdist_group(name="test_mixed")\n'
        "class TestMixed:\n"
        "    def teardown_method(self, method):\n"
        '        """Free this test\'s mocks now: they are reference cycles."""\n'
        "        gc.collect()\n\n"
        "    def test_it(self):\n        MagicMock()\n")


@pytest.mark.skipif(IS_ROOT or not hasattr(os, "geteuid"), reason="root may write anywhere")
def test_unwritable_directory_is_reported(proj):
    proj.write({"sub/test_a.py": ENV})
    (proj.root / "sub").chmod(0o555)
    try:
        status, out, err = proj.fix("sub/test_a.py")
    finally:
        (proj.root / "sub").chmod(0o755)
    assert (status, out) == (1, "")
    assert err.startswith("sub/test_a.py: error: cannot write: Permission denied; left untouched")
