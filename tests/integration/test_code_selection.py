"""Which codes flake8 reports (real flake8): MXS010 is off by default, on with ``extend-select`` or
an explicit ``--select=MXS``; the rules for codes flake8 would drop are not run."""


SPECLESS = """
    import pytest
    from unittest.mock import MagicMock


    @pytest.mark.xdist_group(name="things")
    def test_thing():
        client = MagicMock()
        assert client
"""


def test_mxs010_off_by_default(lint_flake8):
    assert lint_flake8(SPECLESS) == []


def test_mxs010_on_with_extend_select(project):
    project.write({"test_example.py": SPECLESS})
    lines = project.flake8("--extend-select=MXS010")
    assert [" ".join(line.split(" ")[:2]) for line in lines] == ["test_example.py:7:14: MXS010"]
    assert "MagicMock" in lines[0]


def test_mxs010_on_with_select_mxs_prefix(lint_flake8):
    assert lint_flake8(SPECLESS, "--select=MXS") == ["test_example.py:7:14: MXS010"]


def test_extend_select_mxs010_keeps_the_default_codes(lint_flake8):
    source = """
        import os
        from unittest.mock import MagicMock


        def test_thing():
            os.environ["A"] = "1"
            MagicMock()
    """
    assert lint_flake8(source, "--extend-select=MXS010") == [
        "test_example.py:6:5: MXS003",
        "test_example.py:7:5: MXS010",
    ]


def test_rules_for_codes_flake8_would_drop_are_not_run(project, monkeypatch):
    """flake8 runs every plugin whatever --select says; rules whose code is ignored
    everywhere are skipped (a failing one would otherwise surface)."""
    from flake8_xdist_safety import checker

    def broken(model, config):
        raise ZeroDivisionError("must not run")

    monkeypatch.setitem(checker._CODE_OF_RULE, broken, "MXS010")
    monkeypatch.setattr(checker, "RULES", (broken, *checker.RULES))
    project.write({"test_x.py": """
        from unittest.mock import MagicMock


        def test_it():
            MagicMock()
        """})
    # MXS010 is off by default: the broken MXS010 rule is skipped, the others still run.
    assert project.codes("--extend-select=MXS001") == ["test_x.py:4:1: MXS001"]
    assert project.codes("--select=MXS001") == ["test_x.py:4:1: MXS001"]
