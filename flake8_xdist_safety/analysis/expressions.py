"""The builder's expression walk: iterative, since expressions can nest deeper than the
recursion limit. It files the calls some module declared it reads (by their real last
name), marks cleanup registrations and yields, and notes mentions of PYTEST_XDIST_WORKER.
"""
import ast
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

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
        stack: List[Tuple[ast.AST, int]] = [(root, flags)]
        pop, push = stack.pop, stack.append
        call_names = self.call_names
        while stack:
            node, flags = pop()
            cls = type(node)
            if cls is ast.Call:
                func = node.func  # type: ignore[attr-defined]
                cls_of_func = type(func)
                if cls_of_func is ast.Attribute:
                    last = func.attr
                elif cls_of_func is ast.Name:
                    last = func.id
                else:
                    last = None
                arg_flags = flags
                fn = self.fn
                if fn is not None and not flags & IN_LAMBDA:
                    if last is not None and cls_of_func is ast.Name:
                        fn.helper_calls.add(last)
                    elif cls_of_func is ast.Attribute and type(func.value) is ast.Name \
                            and func.value.id == "self":
                        fn.helper_calls.add("self." + func.attr)
                if last in call_names:
                    self._record_call(node, last, flags)  # type: ignore[arg-type]
                    if last in CLEANUP_REGISTRARS:
                        arg_flags |= CLEANUP
                push((func, flags))
                for arg in node.args:  # type: ignore[attr-defined]
                    push((arg, arg_flags))
                for kw in node.keywords:  # type: ignore[attr-defined]
                    push((kw.value, arg_flags))
            elif cls is ast.Name:
                if self.fn is not None:
                    self.fn.names_read.add(node.id)  # type: ignore[attr-defined]
            elif cls is ast.Constant:
                if type(node.value) is str and XDIST_WORKER_VAR in node.value:  # type: ignore[attr-defined]
                    self.mentions_xdist = True
            elif cls is ast.Attribute and type(node.value) is ast.Name:  # type: ignore[attr-defined]
                if self.fn is not None:  # ``self.client``, ``TestApi.client``
                    self.fn.names_read.add(node.value.id + "." + node.attr)  # type: ignore[attr-defined]
                    self.fn.names_read.add(node.value.id)  # type: ignore[attr-defined]
            elif cls is ast.Lambda:
                args = node.args  # type: ignore[attr-defined]
                for default in (*args.defaults, *args.kw_defaults):
                    if default is not None:
                        push((default, flags))
                push((node.body, flags | IN_LAMBDA))  # type: ignore[attr-defined]
            elif cls is ast.Yield or cls is ast.YieldFrom:
                if self.fn is not None and not flags & IN_LAMBDA:
                    self.fn.has_yield = True
                    known = self.fn.yield_contexts
                    known.extend(c for c in self.withs if not any(c is k for k in known))
                if node.value is not None:  # type: ignore[attr-defined]
                    push((node.value, flags))  # type: ignore[attr-defined]
            else:
                for field in child_fields(cls):
                    value = getattr(node, field, None)
                    if value is None:
                        continue
                    if type(value) is list:
                        for item in value:
                            if item is not None and not isinstance(item, (str, int)):
                                push((item, flags))
                    elif isinstance(value, ast.AST):
                        push((value, flags))

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
                self.fn.super_calls.add(last)
        elif via_mocker and self.fn is not None and name is not None \
                and name.startswith("unittest.mock.patch"):
            # mocker.patch...(...) is undone when the mocker fixture is torn down: after the test
            self.fn.contexts.append(Context(node, name, self.scope))
        model.calls.setdefault(last, []).append(site)

    def _record_cleanup_refs(self, node: ast.Call, flags: int) -> None:
        for arg in node.args:
            if self.fn is not None:
                if isinstance(arg, ast.Name):
                    self.fn.finalizer_names.add(arg.id)
                elif isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) \
                        and arg.value.id in ("self", "cls"):
                    self.fn.finalizer_names.add(arg.attr)  # self._restore
            if isinstance(arg, (ast.Attribute, ast.Name)):
                site = self.site(arg, self._callee(arg)[0], flags | CLEANUP)
                self.model.cleanup_refs.append(CleanupRef(site, node))
