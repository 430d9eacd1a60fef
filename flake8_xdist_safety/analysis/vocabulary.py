"""The names the analysis and the rules speak in, each defined once.

The builder files a call only when its last name is *indexed*: every module that reads
calls declares the names it reads (a ``CALLS`` tuple), whoever builds a model passes the
union of its readers' names, and ``FileModel.calls_named`` refuses a name that was not
indexed, so a reader cannot silently ask for calls the builder never kept.
"""
import ast
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

MOCK_MODULE = "unittest.mock"


class MockClass(NamedTuple):
    creates_by_default: bool  # counts as a mock creation without mxs-mock-factories
    takes_spec: bool  # MXS010 asks it for spec=/spec_set=/wraps=


#: unittest.mock's classes, by name: the one table every rule reads.
MOCK_CLASSES: Dict[str, MockClass] = {
    "MagicMock": MockClass(True, True),
    "AsyncMock": MockClass(True, True),
    "NonCallableMagicMock": MockClass(True, True),
    "Mock": MockClass(False, True),
    "NonCallableMock": MockClass(False, True),
}
#: Other unittest.mock callables the rules read: factories and the patch family.
MOCK_CALLABLES = ("create_autospec", "patch")
#: Names a star-import of unittest.mock binds that the rules care about.
MOCK_STAR_NAMES = (*MOCK_CLASSES, *MOCK_CALLABLES, "DEFAULT")

#: Per-test teardown hooks pytest or unittest call after each test of a class.
PER_TEST_TEARDOWNS = ("teardown_method", "tearDown", "asyncTearDown")
#: Hooks unittest calls, on TestCase subclasses only.
UNITTEST_TEARDOWNS = frozenset({"tearDown", "asyncTearDown", "tearDownClass"})
#: Every class-level hook that runs after tests (a context manager class undoes in
#: ``__exit__`` what ``__enter__`` did).
CLASS_TEARDOWN_HOOKS = frozenset(
    {*PER_TEST_TEARDOWNS, "teardown_class", "tearDownClass", "__exit__", "__aexit__"})
MODULE_TEARDOWN_HOOKS = frozenset({"teardown_function", "teardown_module", "tearDownModule"})
#: Per-test setup hooks: a cleanup they register runs after every test of the class.
PER_TEST_SETUPS = ("setUp", "asyncSetUp", "setup_method")
#: xunit-style setup hooks (no fixture, so no ``monkeypatch``, is available in them) -> the teardown
#: that matches each, and the cleanup registrar unittest offers there (called on the hook's first
#: parameter, ``self`` or ``cls``), if any. The camel-case class and method hooks run on TestCases.
XUNIT_SETUPS: Dict[str, Tuple[str, Optional[str]]] = {
    "setup_method": ("teardown_method", None),
    "setup_class": ("teardown_class", None),
    "setup_function": ("teardown_function", None),
    "setup_module": ("teardown_module", None),
    "setUpModule": ("tearDownModule", None),
    "setUp": ("tearDown", "addCleanup"),
    "asyncSetUp": ("asyncTearDown", "addCleanup"),
    "setUpClass": ("tearDownClass", "addClassCleanup"),
}
XUNIT_MODULE_SETUPS = frozenset({"setup_function", "setup_module", "setUpModule"})
UNITTEST_SETUPS = frozenset({"setUp", "asyncSetUp", "setUpClass"})
#: Calls that register a cleanup to run later.
CLEANUP_REGISTRARS = frozenset({
    "addCleanup", "addAsyncCleanup", "addClassCleanup", "addModuleCleanup",
    "addfinalizer", "callback", "push_async_callback",
    "enter_context", "enterContext", "enter_async_context", "enterAsyncContext",
})
MOCKER_FIXTURES = frozenset(
    {"mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"})
#: Last names of unittest.mock's patchers (``patch``, ``patch.object`` ...).
PATCH_NAMES = ("patch", "object", "dict", "multiple")
#: Methods of a helper class named for putting things back (``SetEnv.clear()``, ``reset``,
#: ``restore_all``): what a fixture calls after its ``yield`` or a teardown calls.
RESTORING_METHOD_PREFIXES = ("clear", "reset", "restore", "cleanup", "clean_up", "teardown", "tear_down",
                             "undo", "revert")


def argument(args: Sequence[ast.expr], keywords: Sequence[ast.keyword],
             position: Optional[int], keyword: Optional[str]) -> Optional[ast.expr]:
    """The argument passed as *keyword*, or else at *position* — unless a ``*args``
    stands at or before it (then its position cannot be told)."""
    if keyword is not None:
        for kw in keywords:
            if kw.arg == keyword:
                return kw.value
    if position is None or len(args) <= position:
        return None
    if any(isinstance(a, ast.Starred) for a in args[:position + 1]):
        return None
    return args[position]


def call_argument(call: ast.Call, position: Optional[int], keyword: Optional[str]) -> Optional[ast.expr]:
    return argument(call.args, call.keywords, position, keyword)


def statement_blocks(node: ast.AST) -> Iterator[List[ast.stmt]]:
    """The statement lists directly in *node*: bodies, ``else``/``finally``, handlers', cases'."""
    for _, value in ast.iter_fields(node):
        if not isinstance(value, list) or not value:
            continue
        if isinstance(value[0], ast.stmt):
            yield value
            continue
        for item in value:
            body = getattr(item, "body", None)
            if isinstance(body, list):  # an except handler, a match case
                yield body
