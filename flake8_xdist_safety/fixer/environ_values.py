"""What an environment write may be rewritten as, judged from the statement and its function alone.

* The value must be a ``str`` by construction: ``os.environ[K] = None`` or ``= b"x"`` raises ``TypeError``,
  while ``monkeypatch.setenv`` converts it with a warning, so a test expecting the error would stop
  getting it. A string literal, an f-string, ``str(...)``, ``"...".format(...)``, ``"..." % ...``, a ``+``
  of two of these, or a name whose every binding in the same function is one of these counts.
* A write inside ``with monkeypatch.context() as m:`` or ``with mock.patch.dict(os.environ):`` (or in a
  function that starts a ``patch.dict`` of the environment) is undone when that context exits; the outer
  ``monkeypatch`` would instead put back, after the test, the value the context had set.
"""
import ast
from typing import Callable, Dict, List, Optional, Set

from flake8_xdist_safety.analysis.model import Context, FileModel
from flake8_xdist_safety.analysis.topics import TOPICS_BY_CODE
from flake8_xdist_safety.analysis.topics.base import Change, is_monkeypatch_context
from flake8_xdist_safety.fixer.names import AnyFunction, own_nodes

#: the environment's topic: what undoes a change of it
_ENVIRON = TOPICS_BY_CODE["MXS003"]

Resolve = Callable[[ast.expr], Optional[str]]
_DEPTH = 8


def is_string_by_construction(value: ast.expr, fn: AnyFunction, resolve: Resolve,
                              bound_elsewhere: Callable[[str], bool]) -> bool:
    """Is ``value`` (in function ``fn``) a ``str`` whatever the names in it hold?

    ``bound_elsewhere(name)``: the module binds ``name`` (so ``str`` may not be the builtin)."""
    bindings = _assignments(fn)
    return _is_string(value, bindings, bound_elsewhere, fn, _DEPTH)


def _is_string(node: ast.expr, bindings: Dict[str, Optional[List[ast.expr]]],
               bound_elsewhere: Callable[[str], bool], fn: AnyFunction, depth: int) -> bool:
    if depth == 0:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "str":
            return "str" not in bindings and not bound_elsewhere("str") and len(node.args) <= 1 \
                and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
        return isinstance(func, ast.Attribute) and func.attr == "format" \
            and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod):
            return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
        if isinstance(node.op, ast.Add):
            return all(_is_string(side, bindings, bound_elsewhere, fn, depth - 1)
                       for side in (node.left, node.right))
        return False
    if isinstance(node, ast.Name):
        values = bindings.get(node.id)
        return bool(values) and all(_is_string(v, bindings, bound_elsewhere, fn, depth - 1)
                                    for v in values or ())
    return False


def _assignments(fn: AnyFunction) -> Dict[str, Optional[List[ast.expr]]]:
    """Per name bound in ``fn``: the values of its plain ``name = value`` bindings, or None when any
    binding is of another kind (parameter, loop or ``with`` target, augmented, unpacking, walrus, import,
    ``global``/``nonlocal``)."""
    out: Dict[str, Optional[List[ast.expr]]] = {}
    args = fn.args
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None:
            out[arg.arg] = None
    plain: Set[int] = set()
    for node in own_nodes(fn.body):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    plain.add(id(target))
                    values = out.setdefault(target.id, [])
                    if values is not None:
                        values.append(node.value)
    for node in own_nodes(fn.body):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and id(node) not in plain:
            out[node.id] = None
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            out.update({name: None for name in node.names})
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update({(a.asname or a.name).split(".")[0]: None for a in node.names})
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = None
    return out


def restoring_context(change: Change, model: FileModel) -> Optional[str]:
    """Why a context around the change (or a ``patch.dict`` of the environment its function
    starts) restores the environment before ``monkeypatch`` would; None if none does. The
    contexts are the model's (resolved through the file's imports, pytest-mock included) and
    what undoes the environment is its topic's."""
    site = change.site
    for context in site.withs:
        if is_monkeypatch_context(context) or _ENVIRON.context_undo(context).covers(change):
            return (f"it is inside with {_shown(context.call)}, which undoes it on exit; monkeypatch would "
                    "instead restore the value that context set, after the test")
    chain = site.fn.chain() if site.fn is not None else []
    for call in model.calls_named("dict"):
        if call.fn in chain and isinstance(call.node, ast.Call) \
                and _ENVIRON.context_undo(Context(call.node, call.name, call.scope)).wildcard:
            return (f"{chain[0].name} also patches the environment with {_shown(call.node)}, whose exit or "
                    "stop() undoes changes made meanwhile; monkeypatch would restore another value later")
    return None


def _shown(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 40 else text[:37] + "..."
