"""The one pass over a module's AST that fills the file model.

Statements are walked recursively (their nesting is bounded by Python's own indentation
limit; an ``elif`` chain, which nests without indenting, is walked as a loop) and expressions
iteratively (they can nest thousands deep), keeping a small
context: the enclosing function and class, the test that owns what is created, the scope
names resolve in, whether we are in a ``finally:`` block, after a ``yield``, inside a
cleanup registration, and the ``with`` contexts open around the code. Function bodies are
read after the module body, as Python runs them: later, with every module-level binding
in place. It knows no kind of state: which calls to file is the caller's (``indexed``).
"""
import ast
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple, Union

from flake8_xdist_safety.analysis.model import (
    AFTER_YIELD, FINALLY, IN_FN_DECORATOR, IN_LAMBDA, MODULE_TIME, UNREACHABLE, ClassInfo,
    Context, FileModel, FunctionInfo, Owner, Site,
)
from flake8_xdist_safety.analysis.definitions import classify_bases, classify_decorators, decorator_contexts
from flake8_xdist_safety.analysis.expressions import child_fields
from flake8_xdist_safety.analysis.stores import StoreWalker
from flake8_xdist_safety.analysis.imports import absolute_module
from flake8_xdist_safety.analysis.project import package_of
from flake8_xdist_safety.analysis.scopes import Scope
from flake8_xdist_safety.analysis.vocabulary import (
    CLASS_TEARDOWN_HOOKS, CLEANUP_REGISTRARS, MOCKER_FIXTURES, MODULE_TEARDOWN_HOOKS, PATCH_NAMES,
    PER_TEST_TEARDOWNS,
)
from flake8_xdist_safety.config import Config

#: What the builder itself reads, whoever asks: patcher starts, pytest-mock's patch calls
#: (contexts), teardowns that hand on to the base's, and cleanup registrations.
BUILDER_CALLS = frozenset({"start", *PATCH_NAMES, *PER_TEST_TEARDOWNS, *CLEANUP_REGISTRARS})


def build_model(tree: ast.AST, filename: str, config: Config, indexed: FrozenSet[str]) -> FileModel:
    """The file model, filing the calls whose last names are in *indexed* (each reader
    declares the names it reads; the caller passes the union of its readers')."""
    model = FileModel(filename, config, indexed | BUILDER_CALLS, package_of(filename))
    builder = _Builder(model)
    if isinstance(tree, ast.Module):
        builder.stmts(tree.body)
        builder.deferred_bodies()
    return model


#: What a function body is read with once the module body is done: its function, class,
#: owner, pytest-mock fixtures in scope, class scopes and scope (a plain tuple: one per def).
_Deferred = Tuple[FunctionInfo, Optional[ClassInfo], Optional[Owner], FrozenSet[str],
                  List[Dict[str, ClassInfo]], Scope]


# -- the builder ---------------------------------------------------------------------------

class _Builder(StoreWalker):
    def __init__(self, model: FileModel) -> None:
        super().__init__()
        self.model = model
        self.config = model.config
        self.is_test_name = model.config.test_function_matcher()
        self.scope: Scope = model.imports
        self.deferred: List[_Deferred] = []
        #: last names wanted by some reader, and local names imported as one of them
        self.wanted = model.indexed
        self.call_names = set(self.wanted)
        self.fn: Optional[FunctionInfo] = None
        self.cls: Optional[ClassInfo] = None
        self.owner: Optional[Owner] = None
        self.in_finally = False
        self.withs: Tuple[Context, ...] = ()
        self.mockers: FrozenSet[str] = frozenset()  # pytest-mock fixture params in scope
        #: classes defined in each enclosing scope (module first), for same-file bases
        self.class_scopes: List[Dict[str, ClassInfo]] = [model.module_classes]
        self.started: Set[int] = set()
        self.entered: Set[int] = set()
        self.mentions_xdist = False
        self.unreachable = False
        self.stmt: ast.stmt = ast.Pass(lineno=1, col_offset=0)

    def resolve(self, node: ast.expr) -> Optional[str]:
        return self.scope.resolve(node)

    def site(self, node: ast.AST, name: Optional[str], flags: int) -> Site:
        """A Site in the current context (flags completed from it)."""
        fn = self.fn
        if self.in_finally:
            flags |= FINALLY
        if fn is not None:
            # Only pytest guarantees the code after a yield runs; a plain
            # @contextmanager skips it when the with-body raises.
            if fn.has_yield and fn.is_fixture:
                flags |= AFTER_YIELD
        elif not flags & IN_LAMBDA:
            flags |= MODULE_TIME
        if self.unreachable:
            flags |= UNREACHABLE
        return Site(node, name, self.stmt, fn, self.cls, self.owner, flags, self.withs, self.scope)

    def deferred_bodies(self) -> None:
        """Read function bodies (and the bodies of functions nested in them) in order."""
        for job in self.deferred:  # nested defs are appended while it runs, and read in turn
            self.fn, self.cls, self.owner, self.mockers, self.class_scopes, self.scope = job
            self.in_finally, self.withs, self.unreachable = False, (), False
            self.stmts(job[0].node.body)

    # -- statements ------------------------------------------------------------------------
    def stmts(self, body: List[ast.stmt]) -> None:
        saved = self.unreachable  # what follows a return or raise in the same body never runs
        handlers = self._handlers
        expr = self.expr
        for node in body:
            self.stmt = node
            kind = type(node)
            if kind is ast.Expr:  # the commonest statements: their expressions, with no handler call
                expr(node.value, 0)  # type: ignore[attr-defined]
                continue
            if kind is ast.Assert:
                expr(node.test, 0)  # type: ignore[attr-defined]
                if node.msg is not None:  # type: ignore[attr-defined]
                    expr(node.msg, 0)  # type: ignore[attr-defined]
                continue
            handler = handlers.get(kind)
            handler(self, node) if handler is not None else self.generic(node, 0)
            if kind is ast.Return or kind is ast.Raise:
                self.unreachable = True
        self.unreachable = saved

    def generic(self, node: ast.AST, flags: int) -> None:
        for field in child_fields(type(node)):
            value = getattr(node, field, None)
            if value is None:
                continue
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.stmts(value)
                else:
                    for item in value:
                        if isinstance(item, ast.expr):
                            self.expr(item, flags)
                        elif isinstance(item, ast.AST):
                            self.generic(item, flags)
            elif isinstance(value, ast.expr):
                self.expr(value, flags)
            elif isinstance(value, ast.AST):
                self.generic(value, flags)

    def import_(self, node: Union[ast.Import, ast.ImportFrom]) -> None:
        scope = self.scope
        if isinstance(node, ast.ImportFrom) and self.fn is None and self.cls is None \
                and any(alias.name == "*" for alias in node.names):
            self.model.star_imports.append(absolute_module(node.module or "", node.level or 0, scope.package))
        # ``from unittest.mock import MagicMock as MM``: calls of MM are interesting too.
        for local in scope.bind_import(node):
            target = scope.bindings[local]
            if target is not None and target.rsplit(".", 1)[-1] in self.wanted:
                self.call_names.add(local)

    def classdef(self, node: ast.ClassDef) -> None:
        model = self.model
        outer_cls, outer_fn = self.cls, self.fn
        info = ClassInfo(node, outer_cls if outer_fn is None else None, outer_fn)
        classify_bases(info, self.scope, self.class_scopes)
        in_test_scope = outer_fn is None and (outer_cls is None or outer_cls.is_test)
        info.is_test = in_test_scope and (
            info.is_testcase or self.config.is_test_class_name(node.name)
        )
        info.contexts = decorator_contexts(node.decorator_list, self.scope, self._callee)
        model.classes.append(info)
        if outer_cls is not None and outer_fn is None:
            outer_cls.nested.append(info)
        outer_owner = self.owner
        owner = info if info.is_test else outer_owner
        # Decorators belong to the class (and to its owner, for MXS001).
        self.owner = owner
        for deco in node.decorator_list:
            self.expr(deco, 0)
        self.owner = outer_owner
        for base in node.bases:
            self.expr(base, 0)
        for kw in node.keywords:
            self.expr(kw.value, 0)
        self.class_scopes[-1][node.name] = info
        self.scope.bind_local(node.name, None, node)
        outer_scope = self.scope
        self.cls, self.owner, self.scope = info, owner, Scope("class", outer_scope)
        self.class_scopes.append({})
        self.stmts(node.body)
        self.class_scopes.pop()
        self.cls, self.owner, self.scope = outer_cls, outer_owner, outer_scope

    def funcdef(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        model = self.model
        outer_fn, cls = self.fn, self.cls
        direct_cls = cls if outer_fn is None else None
        info = FunctionInfo(node, outer_fn, direct_cls)
        name = node.name
        if info.module_level:
            info.is_test = self.is_test_name(name)
            if name in MODULE_TEARDOWN_HOOKS:
                info.hook = name
            model.module_functions[name] = info
        elif direct_cls is not None:
            direct_cls.methods[name] = info
            info.is_test_method = direct_cls.is_test and self.is_test_name(name)
            if name in CLASS_TEARDOWN_HOOKS:
                info.hook = name
            if info.is_test_method:  # unittest's patch decorators on a class wrap test methods
                info.contexts += tuple(direct_cls.contexts)
        if node.decorator_list:
            classify_decorators(info, self.scope, self._callee)
        model.functions.append(info)

        outer_owner = self.owner
        owner = info if info.is_test and outer_owner is None else outer_owner
        # Decorators and defaults are evaluated where the def stands, on behalf of the test.
        self.owner = owner
        for deco in node.decorator_list:
            self.expr(deco, IN_FN_DECORATOR)
        args = node.args
        if args.defaults or args.kw_defaults:
            for default in (*args.defaults, *args.kw_defaults):
                if default is not None:
                    self.expr(default, 0)
        self.owner = outer_owner
        self.scope.bind_local(name, None, node)
        body_scope = Scope("function", self.scope, parameters=info.params)
        if args.vararg is not None or args.kwarg is not None:
            for star in (args.vararg, args.kwarg):
                if star is not None:
                    body_scope.bind_local(star.arg)
        mockers = info.params & MOCKER_FIXTURES
        self.deferred.append((info, cls, owner, self.mockers | mockers if mockers else self.mockers,
                              self.class_scopes + [{}], body_scope))

    def with_(self, node: Union[ast.With, ast.AsyncWith]) -> None:
        frames = []
        for item in node.items:
            expr = item.context_expr
            if isinstance(expr, ast.Call):
                self.entered.add(id(expr))
                bound = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
                frames.append(Context(expr, self._callee(expr.func)[0], self.scope, True, bound,
                                      node.body[-1]))
            self.expr(expr, 0)
            if item.optional_vars is not None:
                self._store_target(item.optional_vars, "set")
        saved = self.withs
        if frames:
            self.withs = saved + tuple(frames)
        self.stmts(node.body)
        self.withs = saved

    def try_(self, node: ast.Try) -> None:
        self.stmts(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.expr(handler.type, 0)
            self.stmts(handler.body)
        self.stmts(node.orelse)
        saved = self.in_finally
        self.in_finally = True
        self.stmts(node.finalbody)
        self.in_finally = saved

    def expr_stmt(self, node: Union[ast.Expr, ast.Return]) -> None:
        if node.value is not None:
            self.expr(node.value, 0)

    def for_(self, node: Union[ast.For, ast.AsyncFor]) -> None:
        self.expr(node.target, 0)  # as the generic walk reads it: the loop variable is a name
        self.expr(node.iter, 0)
        self.stmts(node.body)
        self.stmts(node.orelse)

    def if_(self, node: ast.If) -> None:
        # An elif chain nests one If in the orelse of the last: walk it as a loop, or a
        # chain of a few hundred branches would exceed the recursion limit.
        while True:
            self.expr(node.test, 0)
            self.stmts(node.body)
            orelse = node.orelse
            if len(orelse) != 1 or not isinstance(orelse[0], ast.If):
                self.stmts(orelse)
                return
            node = orelse[0]
            self.stmt = node

    _handlers: Dict[type, Callable[["_Builder", Any], None]] = {
        ast.Import: import_,
        ast.ImportFrom: import_,
        ast.ClassDef: classdef,
        ast.FunctionDef: funcdef,
        ast.AsyncFunctionDef: funcdef,
        ast.Assign: StoreWalker.assign,
        ast.AnnAssign: StoreWalker.assign,
        ast.AugAssign: StoreWalker.augassign,
        ast.Delete: StoreWalker.delete,
        ast.With: with_,
        ast.AsyncWith: with_,
        ast.Try: try_,
        ast.Expr: expr_stmt,
        ast.Return: expr_stmt,
        ast.For: for_,
        ast.AsyncFor: for_,
        ast.If: if_,
    }
    if hasattr(ast, "TryStar"):  # Python 3.11+
        _handlers[getattr(ast, "TryStar")] = try_
