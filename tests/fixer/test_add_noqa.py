"""``fix --add-noqa``: every finding flake8 reports and the fixer leaves gets a ``# noqa: CODE`` on the
physical line flake8 reads for it, merged into an existing ``# noqa: X``, never inside a string; then
flake8 reports nothing, and a second run adds nothing."""
import pytest

from fix_harness import OPT_IN, FixProject

SOURCE = '''\
    import os
    from unittest.mock import patch


    def test_env():
        patch("os.getcwd").start()  # a started patcher
        os.environ.update(
            {"B": "2"},
        )
        os.environ.setdefault("C", "x")  # noqa:E501
        x = os.environ.pop("E")  # type: ignore
        os.environ.setdefault("F", """
            text
        """)
        os.environ.setdefault("G", "a" \\
                              "b")
        assert x
    '''
EXPECTED = '''\
import os
from unittest.mock import patch


def test_env():
    patch("os.getcwd").start()  # a started patcher  # noqa: MXS004
    os.environ.update(  # noqa: MXS003
        {"B": "2"},
    )
    os.environ.setdefault("C", "x")  # noqa:E501,MXS003
    x = os.environ.pop("E")  # type: ignore  # noqa: MXS003
    os.environ.setdefault("F", """
        text
    """)  # noqa: MXS003
    os.environ.setdefault("G", "a" \\
                          "b")  # noqa: MXS003
    assert x
'''


@pytest.fixture
def proj(tmp_path):
    return FixProject(tmp_path / "proj")


def test_noqa_goes_where_flake8_reads_it(proj):
    proj.write({"test_nq.py": SOURCE})
    status, out, err = proj.fix("--add-noqa", "test_nq.py")
    assert (status, err) == (0, "")
    assert proj.read("test_nq.py") == EXPECTED
    assert out == "# noqa added for 6 finding(s) in 1 file(s): MXS003 5, MXS004 1\n"
    assert proj.flake8("test_nq.py") == []
    assert proj.fix("--add-noqa", "test_nq.py") == (0, "", "")


def test_default_mode_fixes_first_then_suppresses_the_rest(proj):
    proj.write({"test_mix.py": """\
        import os


        def test_env():
            os.environ["A"] = "1"
            os.environ.update({"B": "2"})
        """})
    status, out, err = proj.fix("--add-noqa", "test_mix.py")
    assert (status, err) == (0, "")
    assert proj.read("test_mix.py") == (
        'import os\n\n\ndef test_env(monkeypatch):\n    monkeypatch.setenv("A", "1")\n'
        '    os.environ.update({"B": "2"})  # noqa: MXS003\n')
    assert out.splitlines()[-1] == "# noqa added for 1 finding(s) in 1 file(s): MXS003 1"


def test_add_noqa_all_fixes_nothing(proj):
    proj.write({"test_all.py": """\
        import os
        from unittest.mock import MagicMock


        class TestA:
            def test_it(self):
                MagicMock()
                os.environ["A"] = "1"
        """})
    status, out, err = proj.fix("--add-noqa=all", OPT_IN, "test_all.py")
    assert (status, err) == (0, "")
    assert proj.read("test_all.py") == (
        "import os\nfrom unittest.mock import MagicMock\n\n\n"
        "class TestA:  # noqa: MXS001,MXS002\n    def test_it(self):\n        MagicMock()\n"
        '        os.environ["A"] = "1"  # noqa: MXS003\n')
    assert out == "# noqa added for 3 finding(s) in 1 file(s): MXS001 1, MXS002 1, MXS003 1\n"
    assert proj.flake8(OPT_IN, "test_all.py") == []


def test_noqa_text_inside_a_string_is_never_edited(proj):
    source = ('import os\n\n\ndef test_env():\n'
              '    os.environ.setdefault("D", """\n    # noqa: E123\n    """)\n')
    proj.write({"test_str.py": source})
    status, out, err = proj.fix("--add-noqa", "test_str.py")
    assert status == 1
    assert proj.read("test_str.py") == source
    assert err == ("test_str.py:5:5: MXS003 no noqa added: flake8 would first read a '# noqa' inside a "
                   "string on this line\n")


def test_check_reports_what_would_be_added_and_writes_nothing(proj):
    proj.write({"test_c.py": "import os\n\n\ndef test_env():\n    os.environ.update(VALUES)\n"})
    before = proj.read("test_c.py")
    status, out, err = proj.fix("--add-noqa", "--check", "test_c.py")
    assert (status, err, proj.read("test_c.py")) == (1, "", before)
    assert out == "# noqa would be added for 1 finding(s) in 1 file(s): MXS003 1\n"


def test_crlf_file_keeps_its_endings(proj):
    (proj.root / "test_crlf.py").write_bytes(b"import os\r\n\r\n\r\ndef test_env():\r\n"
                                             b"    os.environ.update(VALUES)\r\n")
    assert proj.fix("--add-noqa", "test_crlf.py")[0] == 0
    data = (proj.root / "test_crlf.py").read_bytes()
    assert data.endswith(b"os.environ.update(VALUES)  # noqa: MXS003\r\n")
