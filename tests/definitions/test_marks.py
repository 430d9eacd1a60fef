"""Which markers apply to a test: its decorators, the ``pytestmark`` of its class, of the
same-file bases of that class and of the enclosing test classes, and the module ``pytestmark`` (its
last binding, wherever in the module); through any import alias of ``pytest.mark`` and names bound
to marks at module level. Markers on methods don't cover the class. (The unnamed ``xdist_group``
is MXS001's business: tests/rules/test_mxs001_xdist_group.py.)

Observed through MXS001/MXS002 (``xdist_group``, ``usefixtures``).
"""
import pytest

from cases import at

#: Only these two codes are selected, so that other rules' findings do not blur the picture.
SELECT = "--select=MXS001,MXS002"
MXS001_ONLY = "--select=MXS001"


# -- test functions ------------------------------------------------------------------------

MARKER_CASES = [
    # (id, lines above the def, applies?)
    ("decorator-name", '@pytest.mark.xdist_group(name="things")', True),
    ("decorator-positional", '@pytest.mark.xdist_group("things")', True),
    ("decorator-among-others", '@pytest.mark.slow\n@pytest.mark.xdist_group(name="things")', True),
    ("module-pytestmark", 'pytestmark = pytest.mark.xdist_group(name="things")', True),
    ("module-pytestmark-list",
     'pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="things")]', True),
    ("module-pytestmark-tuple",
     'pytestmark = (pytest.mark.slow, pytest.mark.xdist_group("things"))', True),
    ("other-marker", "@pytest.mark.slow", False),
    ("misspelt-marker", '@pytest.mark.xdist_groups(name="things")', False),
    ("module-pytestmark-other", "pytestmark = [pytest.mark.slow]", False),
]


@pytest.mark.parametrize(
    "above, applies", [c[1:] for c in MARKER_CASES], ids=[c[0] for c in MARKER_CASES]
)
def test_markers_that_apply_to_a_test_function(lint, above, applies):
    source = (
        "import pytest\nfrom unittest.mock import MagicMock\n\n\n"
        + above
        + "\ndef test_thing():\n    MagicMock()\n"
    )
    def_line = 6 + above.count("\n")
    expected = [] if applies else [f"test_example.py:{def_line}:1: MXS001"]
    assert lint(source, SELECT) == expected


@pytest.mark.parametrize(
    "imports, decorator",
    [
        ("import pytest as pt", '@pt.mark.xdist_group(name="things")'),
        ("from pytest import mark", '@mark.xdist_group(name="things")'),
        ("from pytest import mark as m", '@m.xdist_group("things")'),
    ],
)
def test_marker_through_aliased_pytest_imports(lint, imports, decorator):
    source = imports + "\nfrom unittest.mock import MagicMock\n\n\n" + decorator + (
        "\ndef test_thing():\n    MagicMock()\n"
    )
    assert lint(source, SELECT) == []


def test_pytest_alias_and_from_pytest_import_mark(lint):
    src = """
        import pytest as pt
        from pytest import mark as m
        from unittest.mock import MagicMock


        @pt.mark.xdist_group(name="a")
        def test_a():
            MagicMock()


        @m.xdist_group(name="b")
        def test_b():
            MagicMock()


        @m.skip
        def test_c():
            MagicMock()
    """
    assert lint(src, MXS001_ONLY) == [at(17, 1, "MXS001")]


def test_mark_alias_called_at_use(lint):
    # ``grp = pytest.mark.xdist_group`` then ``@grp(name="g")`` is a named group.
    src = """
        import pytest
        from unittest.mock import MagicMock

        grp = pytest.mark.xdist_group


        @grp(name="g")
        def test_it():
            MagicMock()
    """
    assert lint(src, MXS001_ONLY) == []


def test_marked_name_bound_at_module_level(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        SERIAL = pytest.mark.xdist_group(name="serial")


        @SERIAL
        def test_it():
            MagicMock()
    """
    assert lint(src, MXS001_ONLY) == []


def test_group_name_from_variable(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        GROUP = "g"


        @pytest.mark.xdist_group(name=GROUP)
        def test_it():
            MagicMock()
    """
    assert lint(src, MXS001_ONLY) == []


def test_with_args_group(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group.with_args("g")
        def test_it():
            MagicMock()
    """
    assert lint(src, MXS001_ONLY) == []


def test_marker_from_a_non_pytest_mark_does_not_apply(lint):
    source = """
        from fakes import mark
        from unittest.mock import MagicMock


        @mark.xdist_group(name="things")
        def test_thing():
            MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:6:1: MXS001"]


def test_pytestmark_bound_inside_a_function_does_not_apply(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        def configure():
            pytestmark = pytest.mark.xdist_group(name="things")
            return pytestmark


        def test_thing():
            MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:10:1: MXS001"]


def test_marker_expression_in_the_body_does_not_apply(lint):
    source = """
        import pytest
        from unittest.mock import MagicMock


        def test_thing():
            pytest.mark.xdist_group(name="things")
            MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:5:1: MXS001"]


# -- module pytestmark ----------------------------------------------------------------------

def test_module_pytestmark_after_the_tests(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        def test_it():
            MagicMock()


        pytestmark = [pytest.mark.xdist_group(name="m")]
    """
    assert lint(src, MXS001_ONLY) == []


def test_module_pytestmark_rebound_last_binding_wins(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        pytestmark = pytest.mark.xdist_group(name="g")
        pytestmark = pytest.mark.skip


        def test_it():
            MagicMock()
    """
    assert lint(src, MXS001_ONLY) == [at(8, 1, "MXS001")]


def test_module_pytestmark_named_usefixtures_list_gc_fixture(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock

        pytestmark = [pytest.mark.xdist_group(name="m"), pytest.mark.usefixtures("collect_garbage")]


        class TestA:
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT, "--mxs-gc-fixtures=collect_garbage") == []
    assert lint(src, SELECT) == [at(7, 1, "MXS002")]


# -- test classes --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "source, class_line, applies",
    [
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            @pytest.mark.xdist_group(name="things")
            class TestThing:
                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            7,
            True,
            id="class-decorator",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = pytest.mark.xdist_group(name="things")

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            True,
            id="class-pytestmark-single",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="things")]

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            True,
            id="class-pytestmark-list",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = (pytest.mark.xdist_group("things"),)

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            True,
            id="class-pytestmark-tuple",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock

            pytestmark = pytest.mark.xdist_group(name="things")


            class TestThing:
                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            8,
            True,
            id="module-pytestmark",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                pytestmark = [pytest.mark.slow]

                def teardown_method(self):
                    gc.collect()

                def test_it(self):
                    MagicMock()
            """,
            6,
            False,
            id="class-pytestmark-without-group",
        ),
        pytest.param(
            """
            import gc
            import pytest
            from unittest.mock import MagicMock


            class TestThing:
                def teardown_method(self):
                    gc.collect()

                @pytest.mark.xdist_group(name="things")
                def helper(self):
                    pass

                def test_it(self):
                    MagicMock()
            """,
            6,
            False,
            id="marker-on-a-method-only",
        ),
    ],
)
def test_markers_that_apply_to_a_test_class(lint, source, class_line, applies):
    expected = [] if applies else [f"test_example.py:{class_line}:1: MXS001"]
    assert lint(source, SELECT) == expected


def test_positional_group_on_class(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group("name")
        class TestA:
            def test_it(self):
                MagicMock()
    """
    assert lint(src, MXS001_ONLY) == []


def test_group_only_on_a_method_does_not_cover_the_class(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        class TestA:
            @pytest.mark.xdist_group(name="g")
            def test_it(self):
                MagicMock()
    """
    assert lint(src, MXS001_ONLY) == [at(5, 1, "MXS001")]


def test_class_pytestmark_rebound_last_binding_wins(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        class TestA:
            pytestmark = pytest.mark.xdist_group(name="g")
            pytestmark = pytest.mark.skip

            def test_it(self):
                MagicMock()
    """
    assert lint(src, MXS001_ONLY) == [at(5, 1, "MXS001")]


def test_markers_of_a_same_file_base_apply(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="things")
        class TestBase:
            def teardown_method(self):
                gc.collect()


        class TestChild(TestBase):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_pytestmark_of_a_same_file_mixin_two_levels_up_applies(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        class GroupedMixin:
            pytestmark = pytest.mark.xdist_group(name="things")


        class CollectingMixin(GroupedMixin):
            def teardown_method(self):
                gc.collect()


        class TestChild(CollectingMixin):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_marks_from_same_file_base_two_levels_up(lint):
    src = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="g")
        class Root:
            def teardown_method(self):
                gc.collect()


        class Middle(Root):
            pass


        class TestLeaf(Middle):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


def test_pytestmark_attribute_on_base_two_levels_up(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        class Root:
            pytestmark = [pytest.mark.xdist_group(name="g")]


        class Middle(Root):
            pass


        class TestLeaf(Middle):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, MXS001_ONLY) == []


def test_same_file_base_without_marker(lint):
    source = """
        import gc
        from unittest.mock import MagicMock


        class Base:
            def teardown_method(self):
                gc.collect()


        class TestChild(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == ["test_example.py:10:1: MXS001"]


def test_markers_of_enclosing_test_classes_apply_to_a_nested_class(lint):
    source = """
        import gc
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="things")
        class TestOuter:
            class TestMiddle:
                class TestInner:
                    def teardown_method(self):
                        gc.collect()

                    def test_it(self):
                        MagicMock()
    """
    assert lint(source, SELECT) == []


def test_nested_class_inherits_enclosing_group(lint):
    src = """
        import pytest
        from unittest.mock import MagicMock


        @pytest.mark.xdist_group(name="outer")
        class TestOuter:
            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint(src, MXS001_ONLY) == []
