"""Test classes and test functions, as pytest collects them: ``Test*`` classes (the
``--mxs-test-classes`` globs) and ``unittest.TestCase`` subclasses, ``test*`` functions at module
level or in a test class; nested classes judged on their own; classes with a base that can't be
seen are not judged (the base may carry markers and teardowns).

Observed through MXS001/MXS002.
"""
import pytest

from cases import MOCKING_FN, at

#: Only these two codes are selected, so that other rules' findings do not blur the picture.
SELECT = "--select=MXS001,MXS002"
MXS001_ONLY = "--select=MXS001"


# -- test classes --------------------------------------------------------------------------

CLASS_TEMPLATE = """\
{imports}
from unittest.mock import MagicMock


{header}
    def test_it(self):
        MagicMock()
"""
BOTH_AT_5 = ["test_example.py:5:1: MXS001", "test_example.py:5:1: MXS002"]


@pytest.mark.parametrize(
    "imports, header, expected",
    [
        ("import os", "class TestThing:", BOTH_AT_5),
        ("import os", "class TestThing(object):", BOTH_AT_5),
        ("import unittest", "class ThingTests(unittest.TestCase):", BOTH_AT_5),
        ("import unittest as ut", "class ThingTests(ut.TestCase):", BOTH_AT_5),
        ("from unittest import TestCase", "class ThingTests(TestCase):", BOTH_AT_5),
        ("from unittest import TestCase as TC", "class ThingTests(TC):", BOTH_AT_5),
        ("import unittest", "class ThingTests(unittest.IsolatedAsyncioTestCase):", BOTH_AT_5),
        (
            "from unittest import IsolatedAsyncioTestCase",
            "class ThingTests(IsolatedAsyncioTestCase):",
            BOTH_AT_5,
        ),
        # near-misses: not named Test*, not a unittest TestCase
        ("import os", "class ThingTests:", []),
        ("import os", "class ThingTests(object):", []),
        ("import os", "class Helper:", []),
    ],
)
def test_test_class_definition(lint, imports, header, expected):
    source = CLASS_TEMPLATE.format(imports=imports, header=header)
    assert lint(source, SELECT) == expected


def test_unittest_testcase_subclass_through_a_same_file_base_is_a_test_class(lint):
    source = """
        import unittest
        from unittest.mock import MagicMock


        class Base(unittest.TestCase):
            pass


        class ThingTests(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == sorted(
        ["test_example.py:9:1: MXS001", "test_example.py:9:1: MXS002"]
    )


def test_testcase_via_from_import_alias(lint):
    src = """
        from unittest import IsolatedAsyncioTestCase as IATC
        from unittest.mock import AsyncMock


        class Anything(IATC):
            async def test_it(self):
                AsyncMock()
    """
    assert lint(src, SELECT) == [at(5, 1, "MXS001"), at(5, 1, "MXS002")]


def test_test_class_names_option_replaces_the_default(lint):
    source = """
        from unittest.mock import MagicMock


        class ThingTests:
            def test_it(self):
                MagicMock()


        class TestOther:
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT, "--mxs-test-classes=*Tests") == [
        "test_example.py:4:1: MXS001",
        "test_example.py:4:1: MXS002",
    ]


def test_custom_test_classes_replace_default(lint):
    src = """
        import unittest
        from unittest.mock import MagicMock


        class TestA:
            def test_it(self):
                MagicMock()


        class CheckB:
            def test_it(self):
                MagicMock()


        class Case(unittest.TestCase):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, MXS001_ONLY, "--mxs-test-classes=Check*") == [at(10, 1, "MXS001"), at(15, 1, "MXS001")]


def test_test_class_defined_inside_a_function_is_not_a_test_class(lint):
    source = """
        from unittest.mock import MagicMock


        def make_suite():
            class TestThing:
                def test_it(self):
                    MagicMock()

            return TestThing
    """
    assert lint(source, SELECT) == []


def test_test_class_nested_in_a_non_test_class_is_not_a_test_class(lint):
    source = """
        from unittest.mock import MagicMock


        class Helpers:
            class TestThing:
                def test_it(self):
                    MagicMock()
    """
    assert lint(source, SELECT) == []


def test_test_class_nested_in_non_test_class(lint):
    src = """
        from unittest.mock import MagicMock


        class Helpers:
            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint(src, SELECT) == []


def test_test_class_inside_if_block(lint):
    src = """
        import sys
        from unittest.mock import MagicMock

        if sys.version_info >= (3, 0):
            class TestA:
                def test_it(self):
                    MagicMock()

            def test_b():
                MagicMock()
    """
    assert lint(src, SELECT) == [at(5, 5, "MXS001"), at(5, 5, "MXS002"), at(9, 5, "MXS001")]


# -- nested test classes -------------------------------------------------------------------

def test_nested_test_class_is_judged_on_its_own(lint):
    # The inner class creates mocks; the outer one does not become a mock-creating class.
    source = """
        from unittest.mock import MagicMock


        class TestOuter:
            def test_plain(self):
                assert True

            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint(source, SELECT) == [
        "test_example.py:8:5: MXS001",
        "test_example.py:8:5: MXS002",
    ]


def test_nested_mocks_do_not_make_enclosing_class_mock_creating(lint):
    src = """
        from unittest.mock import MagicMock


        class TestOuter:
            def test_plain(self):
                pass

            class TestInner:
                def test_it(self):
                    MagicMock()
    """
    assert lint(src, SELECT) == [at(8, 5, "MXS001"), at(8, 5, "MXS002")]


def test_deeply_nested_test_class_reported_at_its_own_class_keyword(lint):
    source = """
        from unittest.mock import MagicMock


        class TestA:
            class TestB:
                class TestC:
                    def test_it(self):
                        MagicMock()
    """
    assert lint(source, SELECT) == [
        "test_example.py:6:9: MXS001",
        "test_example.py:6:9: MXS002",
    ]


# -- test functions ------------------------------------------------------------------------

def test_module_level_test_function(lint):
    assert lint(MOCKING_FN, SELECT) == ["test_example.py:4:1: MXS001"]


def test_module_level_async_test_function(lint):
    source = """
        from unittest.mock import AsyncMock


        async def test_thing():
            await AsyncMock()()
    """
    assert lint(source, SELECT) == ["test_example.py:4:1: MXS001"]


def test_async_test_function(lint):
    src = """
        from unittest.mock import AsyncMock


        async def test_it():
            AsyncMock()
    """
    assert lint(src, SELECT) == [at(4, 1, "MXS001")]


def test_function_not_named_test_is_not_a_test_function(lint):
    source = """
        from unittest.mock import MagicMock


        def build_client():
            return MagicMock()
    """
    assert lint(source, SELECT) == []


def test_function_not_named_test(lint):
    src = """
        from unittest.mock import MagicMock


        def check_it():
            MagicMock()


        def helper_test():
            MagicMock()
    """
    assert lint(src, SELECT) == []


def test_test_function_nested_in_a_function_is_not_a_test_function(lint):
    source = """
        from unittest.mock import MagicMock


        def make_tests():
            def test_thing():
                MagicMock()

            return test_thing
    """
    assert lint(source, SELECT) == []


def test_test_function_nested_in_test_function(lint):
    src = """
        from unittest.mock import MagicMock


        def test_outer():
            def test_inner():
                MagicMock()
            return test_inner
    """
    assert lint(src, SELECT) == [at(4, 1, "MXS001")]


def test_method_named_test_outside_a_test_class_is_not_a_test_function(lint):
    source = """
        from unittest.mock import MagicMock


        class Helper:
            def test_thing(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_test_function_nested_in_non_test_class(lint):
    src = """
        from unittest.mock import MagicMock


        class Helper:
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


# -- bases that can't be seen --------------------------------------------------------------

@pytest.mark.parametrize(
    "imports, header, expected",
    [
        ("from helpers import BaseTest", "class TestThing(BaseTest):", []),
        ("from helpers import *", "class TestThing(BaseTest):", []),
        ("import helpers", "class TestThing(helpers.BaseTest):", []),
        ("import os", "class TestThing(UndefinedBase):", []),
        ("from django.test import TestCase", "class TestThing(TestCase):", []),
        ("import unittest", "class TestThing(unittest.TestCase, Missing):", []),
        # controls: bases that can be seen
        ("import os", "class TestThing(object):", BOTH_AT_5),
        ("import unittest", "class TestThing(unittest.TestCase):", BOTH_AT_5),
    ],
)
def test_bases_that_cant_be_seen(lint, imports, header, expected):
    assert lint(CLASS_TEMPLATE.format(imports=imports, header=header), SELECT) == expected


def test_base_that_cant_be_seen_through_a_same_file_base(lint):
    source = """
        from helpers import BaseTest
        from unittest.mock import MagicMock


        class TestBase(BaseTest):
            pass


        class TestThing(TestBase):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == []


def test_same_file_base_that_can_be_seen(lint):
    source = """
        from unittest.mock import MagicMock


        class Mixin:
            pass


        class TestThing(Mixin):
            def test_it(self):
                MagicMock()
    """
    assert lint(source, SELECT) == [
        "test_example.py:8:1: MXS001",
        "test_example.py:8:1: MXS002",
    ]


def test_base_defined_after_the_subclass_is_unseen(lint):
    src = """
        from unittest.mock import MagicMock


        class TestA(Base):
            def test_it(self):
                MagicMock()


        class Base:
            pass
    """
    assert lint(src, SELECT) == []


def test_imported_base_through_same_file_base(lint):
    src = """
        from unittest.mock import MagicMock

        from helpers import SharedBase


        class Local(SharedBase):
            pass


        class TestA(Local):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


def test_object_and_testcase_bases_are_seen(lint):
    src = """
        import unittest
        from unittest.mock import MagicMock


        class TestA(object):
            def test_it(self):
                MagicMock()


        class TestB(unittest.TestCase):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == sorted([
        at(5, 1, "MXS001"), at(5, 1, "MXS002"), at(10, 1, "MXS001"), at(10, 1, "MXS002"),
    ])


def test_star_imported_base(lint):
    src = """
        from unittest.mock import MagicMock
        from helpers import *


        class TestA(Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == []


def test_same_file_base_spelled_as_attribute_is_seen(lint):
    src = """
        from unittest.mock import MagicMock


        class Bases:
            class Base:
                pass


        class TestA(Bases.Base):
            def test_it(self):
                MagicMock()
    """
    assert lint(src, SELECT) == [at(9, 1, "MXS001"), at(9, 1, "MXS002")]
