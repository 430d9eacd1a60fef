"""``# noqa`` through the real flake8: it applies on the reported (``class`` / ``def``) line only."""
import textwrap

import pytest

from cases import MOCKING_CLASS, at


@pytest.mark.parametrize(
    "comment, expected",
    [
        ("", ["test_example.py:4:1: MXS001", "test_example.py:4:1: MXS002"]),
        ("  # noqa: MXS001", ["test_example.py:4:1: MXS002"]),
        ("  # noqa: MXS002", ["test_example.py:4:1: MXS001"]),
        ("  # noqa: MXS001,MXS002", []),
        ("  # noqa: E501", ["test_example.py:4:1: MXS001", "test_example.py:4:1: MXS002"]),
    ],
)
def test_noqa_on_the_class_line(lint_flake8, comment, expected):
    header = "class TestThing:"
    source = textwrap.dedent(MOCKING_CLASS).replace(header, header + comment)
    assert lint_flake8(source, "--select=MXS001,MXS002") == expected


def test_noqa_on_a_test_function(lint_flake8):
    source = """
        from unittest.mock import MagicMock


        def test_one():  # noqa: MXS001
            MagicMock()


        def test_two():
            MagicMock()
    """
    assert lint_flake8(source, "--select=MXS001,MXS002") == ["test_example.py:8:1: MXS001"]


def test_noqa_on_the_decorator_line_does_not_suppress(lint_flake8):
    source = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.slow  # noqa: MXS001
        def test_thing():
            MagicMock()
    """
    assert lint_flake8(source, "--select=MXS001,MXS002") == ["test_example.py:6:1: MXS001"]


def test_noqa_for_mxs001_leaves_other_codes_on_the_same_file(project):
    project.write(
        {
            "test_example.py": """
                from unittest.mock import MagicMock


                class TestThing:  # noqa: MXS001
                    def test_it(self):
                        MagicMock()
            """
        }
    )
    lines = project.flake8("--select=MXS001,MXS002")
    assert [" ".join(line.split(" ")[:2]) for line in lines] == ["test_example.py:4:1: MXS002"]
    assert "TestThing" in lines[0]


def test_noqa_mxs001_only(lint_flake8):
    src = """
        from unittest.mock import MagicMock


        class TestA:  # noqa: MXS001
            def test_it(self):
                MagicMock()
    """
    assert lint_flake8(src, "--select=MXS001,MXS002") == [at(4, 1, "MXS002")]
