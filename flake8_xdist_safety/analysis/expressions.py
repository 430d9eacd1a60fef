"""The builder's expression walk: iterative, since expressions can nest deeper than the
recursion limit. It files the calls some module declared it reads (by their real last
name), marks cleanup registrations and yields, and notes mentions of PYTEST_XDIST_WORKER.
"""
import ast
from operator import attrgetter
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from flake8_xdist_safety.analysis.model import (
    CLEANUP, IN_LAMBDA, XDIST_WORKER_VAR, CleanupRef, Context, FileModel, FunctionInfo, Site,
)
from flake8_xdist_safety.analysis.scopes import Scope
from flake8_xdist_safety.analysis.vocabulary import CLEANUP_REGISTRARS, PER_TEST_TEARDOWNS

_SKIP_FIELDS = frozenset({"ctx", "op", "type_comment", "kind", "conversion", "level"})
_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}
#: Node kinds never worth descending into (match patterns exist from Python 3.10 on).
_LEAF_BASES = tuple(
    getattr(ast, name) for name in ("expr_context", "operator", "pattern") if hasattr(ast, name)
)


def child_fields(cls: type) -> Tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        if cls is ast.Constant or issubclass(cls, _LEAF_BASES):
            fields = ()
        else:
            fields = tuple(
                f for f in getattr(cls, "_fields", ())
                if f not in _SKIP_FIELDS and f not in ("id", "attr", "arg", "name", "names",
                                                       "module", "asname", "is_async")
            )
        _CHILD_FIELDS[cls] = fields
    return fields


Getter = Callable[[ast.AST], Sequence[Any]]
#: per node class: (the single child fields, the list child fields), each read in one call
_LAYOUTS: Dict[type, Tuple[Getter, Getter]] = {}


def _getter(fields: Sequence[str]) -> Getter:
    if not fields:
        return lambda node: ()
    if len(fields) == 1:
        get = attrgetter(fields[0])
        return lambda node: (get(node),)
    return attrgetter(*fields)


def _layout(cls: type, node: ast.AST) -> Tuple[Getter, Getter]:
    """How to read a node class's children fast; a field is a list in every node of a class
    (the grammar says so), so the first node seen tells. Operators (``Compare.ops``) are leaves."""
    fields = [f for f in child_fields(cls) if f != "ops" and hasattr(node, f)]
    lists = [f for f in fields if type(getattr(node, f)) is list]
    singles = [f for f in fields if f not in lists]
    return _getter(singles), _getter(lists)


_Name, _Attribute, _Constant, _Call, _Compare = ast.Name, ast.Attribute, ast.Constant, ast.Call, ast.Compare
_VALUE = attrgetter("value")
#: Common node classes whose children are never None, read in one C call: several required
#: fields (a tuple) or one list of nodes. The rest take the generic layout walk.
_FLAT: Dict[type, Getter] = {
    ast.BinOp: attrgetter("left", "right"),
    ast.Subscript: attrgetter("value", "slice"),
    ast.IfExp: attrgetter("test", "body", "orelse"),
    ast.NamedExpr: attrgetter("target", "value"),
    ast.List: attrgetter("elts"),
    ast.Tuple: attrgetter("elts"),
    ast.Set: attrgetter("elts"),
    ast.JoinedStr: attrgetter("values"),
    ast.BoolOp: attrgetter("values"),
}
#: node classes with a walk of their own (``_special``)
_SPECIAL = frozenset({ast.Lambda, ast.Yield, ast.YieldFrom})


class _Restore:
    """On the expression stack, below a subtree walked with other flags: the flags after it."""

    __slots__ = ("flags",)

    def __init__(self, flags: int) -> None:
        self.flags = flags


class ExpressionWalker:
    """The expression half of the builder (which provides the context attributes)."""

    model: FileModel
    fn: Optional[FunctionInfo]
    withs: Tuple[Context, ...]
    call_names: Set[str]
    started: Set[int]
    entered: Set[int]
    mentions_xdist: bool
    unreachable: bool
    mockers: FrozenSet[str]
    scope: Scope

    def __init__(self) -> None:
        stack: List[Any] = []
        self._stack = (stack, stack.pop, stack.append, stack.extend)

    def site(self, node: ast.AST, name: Optional[str], flags: int) -> Site:
        raise NotImplementedError

    def resolve(self, node: ast.expr) -> Optional[str]:
        raise NotImplementedError

    def _callee(self, func: ast.expr) -> Tuple[Optional[str], bool]:
        """Resolved name of a callee; pytest-mock fixtures map onto ``unittest.mock``."""
        name = self.resolve(func)
        if name is None:
            return None, False
        root, _, rest = name.partition(".")
        if root in self.mockers and not self.scope.is_imported(root):
            return ("unittest.mock." + rest if rest else "unittest.mock"), True
        return name, False

    # -- expressions (iterative: they can nest deeper than the recursion limit) -------------
    def expr(self, root: ast.expr, flags: int) -> None:
        """Walk *root* with *flags*. The stack holds nodes; a subtree walked with other flags
        (a cleanup registration's arguments, a lambda body) sits above a marker that puts the
        outer flags back: every node, on the hot path, is one push and one pop."""
        fn = self.fn
        cls = type(root)
        if cls is _Name:  # most roots are a single name or constant: no stack for them
            return
        if cls is _Constant:
            value = root.value  # type: ignore[attr-defined]
            if fn is None and type(value) is str and XDIST_WORKER_VAR in value:
                self.mentions_xdist = True
            return
        stack, pop, push, extend = self._stack  # one empty stack reused: a walk never nests
        push(root)
        layouts, flat, call_names = _LAYOUTS, _FLAT, self.call_names
        while stack:
            node = pop()
            cls = type(node)
            if cls is _Name:  # the commonest nodes first (what a name reads is asked lazily: reads.py)
                pass
            elif cls is _Constant:
                # Only a module-level name's value is asked (builder.assign); a function body
                # has thousands of strings (docstrings) and never needs the search.
                if fn is None and type(node.value) is str and XDIST_WORKER_VAR in node.value:
                    self.mentions_xdist = True
            elif cls is _Attribute:
                value = node.value
                while type(value) is _Attribute:  # ``a.b.c`` in one step
                    value = value.value
                if type(value) is not _Name:
                    push(value)
            elif cls is _Call:
                func = node.func
                kind = type(func)
                if kind is _Attribute:  # ``a.b.method(...)``: the receiver chain, in place
                    value = func.value
                    while type(value) is _Attribute:
                        value = value.value
                    if type(value) is not _Name:
                        push(value)
                elif kind is not _Name:
                    push(func)
                last = func.attr if kind is _Attribute else func.id if kind is _Name else None
                if last in call_names:
                    flags = self._filed_call(node, last, flags, stack)
                extend(node.args)
                keywords = node.keywords
                if keywords:
                    extend(map(_VALUE, keywords))
            elif cls is _Compare:
                push(node.left)
                extend(node.comparators)
            elif cls in flat:
                extend(flat[cls](node))
            elif cls is _Restore:
                flags = node.flags
            elif cls in _SPECIAL:
                flags = self._special(node, flags, stack)
            else:
                layout = layouts.get(cls)
                if layout is None:
                    layout = layouts[cls] = _layout(cls, node)
                singles, lists = layout
                for child in singles(node):
                    if child is not None:
                        push(child)
                for items in lists(node):
                    for item in items:
                        if item is not None:
                            push(item)

    def files(self, call: ast.Call) -> bool:
        """Is *call* filed in ``model.calls`` (its last name indexed)? The builder keeps the
        call assignments of those only: a Site for every ``x = f()`` of a suite would cost."""
        func: Any = call.func
        kind = type(func)
        return (func.attr if kind is _Attribute else func.id if kind is _Name else None) in self.call_names

    def _filed_call(self, node: ast.Call, last: str, flags: int, stack: List[Any]) -> int:
        """File a call whose last name is indexed; its arguments (pushed next) are cleanup code
        when it registers a cleanup. Returns the flags for them."""
        self._record_call(node, last, flags)
        if last not in CLEANUP_REGISTRARS:
            return flags
        stack.append(_Restore(flags))  # reached once the arguments are done
        return flags | CLEANUP

    def _special(self, node: ast.AST, flags: int, stack: List[Any]) -> int:
        """A lambda (its body does not run here) or a yield (where a fixture's test runs)."""
        if isinstance(node, ast.Lambda):
            args = node.args
            for default in (*args.defaults, *args.kw_defaults):
                if default is not None:
                    stack.append(default)
            stack.append(_Restore(flags))
            stack.append(node.body)
            return flags | IN_LAMBDA
        fn = self.fn
        if fn is not None and not flags & IN_LAMBDA:
            fn.has_yield = True
            known = fn.yield_contexts
            fn.yield_contexts += tuple(c for c in self.withs if not any(c is k for k in known))
        value = getattr(node, "value", None)
        if value is not None:
            stack.append(value)
        return flags

    def _record_call(self, node: ast.Call, last: str, flags: int) -> None:
        model = self.model
        name, via_mocker = self._callee(node.func)
        if name is not None and isinstance(node.func, ast.Name):
            last = name.rsplit(".", 1)[-1]  # file an aliased import under its real name
        site = self.site(node, name, flags)
        site.via_mocker = via_mocker
        key = id(node)
        if key in self.started:
            site.started = True
        if key in self.entered:
            site.entered = True
        if last == "start" and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Call):
            self.started.add(id(node.func.value))
        elif last in CLEANUP_REGISTRARS:
            self._record_cleanup_refs(node, flags)
            if last.startswith("enter") and node.args and isinstance(node.args[0], ast.Call):
                self.entered.add(id(node.args[0]))
        elif last in PER_TEST_TEARDOWNS and self.fn is not None and isinstance(node.func, ast.Attribute):
            receiver = node.func.value  # super().teardown_method() or Base.teardown_method(self)
            if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) \
                    and receiver.func.id == "super" or isinstance(receiver, ast.Name) \
                    and receiver.id not in ("self", "cls"):
                self.fn.super_calls |= {last}
        elif via_mocker and self.fn is not None and name is not None \
                and name.startswith("unittest.mock.patch"):
            # mocker.patch...(...) is undone when the mocker fixture is torn down: after the test
            self.fn.contexts += (Context(node, name, self.scope),)
        model.calls.setdefault(last, []).append(site)

    def _record_cleanup_refs(self, node: ast.Call, flags: int) -> None:
        for arg in node.args:
            if self.fn is not None:
                if isinstance(arg, ast.Name):
                    self.fn.finalizer_names |= {arg.id}
                elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) \
                        and arg.value.id in ("self", "cls"):
                    self.fn.finalizer_names |= {arg.attr}  # self._restore
            if isinstance(arg, (ast.Attribute, ast.Name)):
                site = self.site(arg, self._callee(arg)[0], flags | CLEANUP)
                self.model.cleanup_refs.append(CleanupRef(site, node))
