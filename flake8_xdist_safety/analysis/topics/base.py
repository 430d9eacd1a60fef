"""What a topic is: one kind of process state, told by what a change of it looks like, what
undoes it, and the fields its message needs. The generic core (analysis/state.py, the
conftest chain, the rule in rules/process_state.py) knows nothing else about it.

A topic answers, for one file model:

* ``changes``: the statements and calls that change the state (also those in a cleanup
  position: put back in a ``finally``, a restore is a change too);
* ``restores``: forms that only undo (``del app.dependency_overrides[k]``, ``gc.enable()``);
* ``context_undo``: what a context (a ``with`` item, a call decorator, ``mocker.patch...``)
  puts back when it ends;
* ``savers``: calls that save the value first and put it back after the test
  (``monkeypatch.setenv``): a change made after one, of the same thing, is undone too.

Keys name what a change touches (an environment variable, ``module.attr``); a change is
undone by an undo whose keys include its keys, or by a *wildcard* undo (one that puts back
what it cannot name: ``os.environ.update(saved)``, ``patch.dict(os.environ)``).
"""
import ast
from typing import Any, FrozenSet, Iterable, List, Mapping, NamedTuple, Optional, Tuple

from flake8_xdist_safety.analysis.model import CleanupRef, Context, FileModel, Site
from flake8_xdist_safety.analysis.shown import shown
from flake8_xdist_safety.analysis.vocabulary import UNITTEST_SETUPS, XUNIT_MODULE_SETUPS, XUNIT_SETUPS

#: Prefix of a key that is not a literal (``os.environ[name]``): the same spelling in the
#: same function is the same key; as an undo it is a wildcard (it may undo anything).
SPELLED = "\0"


class Undo(NamedTuple):
    """What an undo puts back: these keys, or (wildcard) anything of its topic."""
    keys: FrozenSet[str] = frozenset()
    wildcard: bool = False

    def covers(self, change: "Change") -> bool:
        if self.wildcard:
            return True
        return not change.opaque and bool(change.keys) and change.keys <= self.keys

    def __or__(self, other: "Undo") -> "Undo":
        return Undo(self.keys | other.keys, self.wildcard or other.wildcard)

    def __bool__(self) -> bool:
        return self.wildcard or bool(self.keys)


NOTHING = Undo()
EVERYTHING = Undo(wildcard=True)


class Change(NamedTuple):
    site: Site
    #: what it changes (or, as an undo, puts back); SPELLED-prefixed keys are not literal
    keys: FrozenSet[str]
    #: it also changes what cannot be named (``os.environ.clear()``)
    opaque: bool
    #: the message's fields (those of the topic's template for *key*)
    fields: Mapping[str, object]
    #: the code table key of its message (a topic's code or a ``CODE-variant``)
    key: str
    #: what else its topic needs to know of it (the app of MXS007's overrides)
    detail: Any = None

    @property
    def target(self) -> str:
        """What it changes, as its message shows it (every state message has a target)."""
        return str(self.fields.get("target", ""))

    def as_undo(self) -> Undo:
        wildcard = self.opaque or not self.keys or any(k.startswith(SPELLED) for k in self.keys)
        return Undo(self.keys, wildcard)


class Topic:
    """One kind of process state (see the module docstring). Subclasses fill these in."""

    code = ""
    #: last names of the calls it reads, and of the mappings and attributes it reads stores
    #: into (``environ`` of ``os.environ[k] = v``): the builder keeps only what is named
    calls: Tuple[str, ...] = ()
    #: report changes made when a test module is imported (never undone)
    import_time = True
    #: a second change of the same keys in the same function, with no guaranteed restore,
    #: is taken as the hand-written restore of the first (the first is the finding)
    repeats_are_restores = True

    def changes(self, model: FileModel) -> List[Change]:
        raise NotImplementedError

    def restores(self, model: FileModel) -> List[Change]:
        """Forms that only undo (they are never reported)."""
        return []

    def cleanup_undo(self, ref: CleanupRef) -> Optional[Change]:
        """What a callable handed to a cleanup registrar undoes (``addCleanup(os.chdir, d)``)."""
        return None

    def context_undo(self, context: Context) -> Undo:
        return NOTHING

    def savers(self, model: FileModel) -> List[Change]:
        return []

    def exempt(self, model: FileModel, change: Change) -> bool:
        """A change whose state dies with the test (an object the test made itself)."""
        return False


def literal_key(node: Optional[ast.expr], site: Site) -> str:
    """A key from an argument: the literal string (or a name bound to one), else its spelling."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        constant = site.scope.constant(node.id, node)
        if isinstance(constant, str):
            return constant
    return SPELLED + shown(node, limit=200)


def keys_of(nodes: Iterable[Optional[ast.expr]], site: Site) -> FrozenSet[str]:
    return frozenset(literal_key(node, site) for node in nodes)


#: Monkeypatch methods that save before they change; a topic names the ones it reads.
MONKEYPATCH_CONTEXTS = (
    "pytest.MonkeyPatch.context", "_pytest.monkeypatch.MonkeyPatch.context")


def monkeypatch_method(site: Site) -> Optional[str]:
    """``setenv`` for ``monkeypatch.setenv(...)`` on pytest's fixture (a parameter named
    ``monkeypatch``) or on ``m`` of ``with monkeypatch.context() as m:``; else None."""
    call = site.node
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return None
    receiver = call.func.value
    if not isinstance(receiver, ast.Name):
        return None
    name = receiver.id
    if name == "monkeypatch" and site.scope.binding_kind(name) == "function" \
            and site.scope.value(name, receiver) is None:
        return call.func.attr
    for context in site.withs:
        if context.bound == name and context.name is not None and is_monkeypatch_context(context):
            return call.func.attr
    return None


def is_monkeypatch_context(context: Context) -> bool:
    """``with monkeypatch.context() as m:`` on pytest's fixture, or ``pytest.MonkeyPatch.context()``."""
    func = context.call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "context"):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Name) and receiver.id == "monkeypatch" \
            and context.scope.binding_kind("monkeypatch") == "function":
        return True  # pytest's fixture, a parameter
    return context.name in MONKEYPATCH_CONTEXTS


def saver_reaches(saver: Site, change: Site) -> bool:
    """Does a saving call's undo cover *change*: made before it in the same function (or one
    it is nested in), and inside the same ``monkeypatch.context()`` block if it was in one."""
    if saver.fn is None or change.fn is None or saver.fn not in change.fn.chain():
        return False
    if (saver.line, saver.col) >= (change.line, change.col):
        return False
    call = saver.node
    receiver = call.func.value.id  # type: ignore[attr-defined]
    block = next((c for c in saver.withs if c.bound == receiver), None)
    return block is None or any(c is block for c in change.withs)


class XunitSetup(NamedTuple):
    """An xunit-style setup hook a change is made in: no fixture (``monkeypatch``) there."""
    hook: str
    #: the teardown hook that matches it (``teardown_method`` for ``setup_method``)
    teardown: str
    #: the unittest cleanup registrar offered there (``addCleanup``), if any, and what it is called
    #: on (the hook's first parameter, ``self`` or ``cls``)
    registrar: Optional[str] = None
    receiver: str = ""


def xunit_setup(site: Site) -> Optional[XunitSetup]:
    """The xunit-style setup hook whose body (or a function nested in it) holds *site*: a
    module-level ``setup_module``/``setup_function``/``setUpModule``, a ``setup_method``/
    ``setup_class`` of a class, or ``setUp``/``asyncSetUp``/``setUpClass`` of a unittest TestCase
    (or of a class with a base flake8 cannot see). None anywhere else."""
    top = site.fn.outermost() if site.fn is not None else None
    entry = XUNIT_SETUPS.get(top.name) if top is not None else None
    if top is None or entry is None:
        return None
    teardown, registrar = entry
    cls = top.cls
    if top.name in XUNIT_MODULE_SETUPS:
        return XunitSetup(top.name, teardown) if top.module_level else None
    if cls is None or top.name in UNITTEST_SETUPS and not (cls.is_testcase or cls.has_unseen_base()):
        return None
    first = top.node.args.posonlyargs + top.node.args.args
    if registrar is None or not cls.is_testcase or not first:
        return XunitSetup(top.name, teardown)
    return XunitSetup(top.name, teardown, registrar, first[0].arg)


def patch_target(context: Context) -> Optional[str]:
    """The dotted target of ``patch("a.b.c")`` / ``patch.object(a.b, "c")`` (the attribute
    it replaces), or None."""
    name = context.name or ""
    call = context.call
    if name == "unittest.mock.patch":
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
        return None
    if name == "unittest.mock.patch.object" and len(call.args) >= 2:
        owner = context.scope.resolve(call.args[0])
        attr = call.args[1]
        if owner is not None and isinstance(attr, ast.Constant) and isinstance(attr.value, str):
            return owner + "." + attr.value
    return None


def patch_dict_target(context: Context) -> Optional[ast.expr]:
    """The mapping of ``patch.dict(mapping, ...)`` (or its ``in_dict=``), or None."""
    if context.name != "unittest.mock.patch.dict":
        return None
    call = context.call
    if call.args:
        return call.args[0]
    return next((kw.value for kw in call.keywords if kw.arg == "in_dict"), None)


def names_mapping(node: Optional[ast.expr], context: Context, dotted: str) -> bool:
    """Is *node* the mapping *dotted* (``os.environ``, or the string ``"os.environ"``)?"""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return node.value == dotted
    return context.scope.resolve(node) == dotted
