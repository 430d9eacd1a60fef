"""Which pytest markers apply to a test class or function, closest first (as pytest sees them)."""
import ast
from typing import List, NamedTuple, Optional, Set

from flake8_xdist_safety.model import ClassInfo, FileModel, FunctionInfo

_MARK_PREFIX = "pytest.mark."


class Mark(NamedTuple):
    name: str
    node: ast.expr
    args: List[ast.expr]
    keywords: List[ast.keyword]
    called: bool


def parse_marks(model: FileModel, expr: ast.expr, _seen: Optional[Set[str]] = None) -> List[Mark]:
    """Marks in a decorator or ``pytestmark`` value: a mark, a list/tuple of them, a sum of
    lists, or a module-level name bound to any of those. Anything else gives no marks."""
    if isinstance(expr, (ast.List, ast.Tuple)):
        return [m for element in expr.elts for m in parse_marks(model, element, _seen)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return parse_marks(model, expr.left, _seen) + parse_marks(model, expr.right, _seen)
    call = expr if isinstance(expr, ast.Call) else None
    target = call.func if call is not None else expr
    if isinstance(target, ast.Attribute) and target.attr == "with_args":
        target = target.value
    name = model.imports.resolve(target)
    if name is None:
        return []
    if name.startswith(_MARK_PREFIX):
        mark_name = name[len(_MARK_PREFIX):]
        if "." in mark_name or not mark_name:
            return []
        if call is None:
            return [Mark(mark_name, expr, [], [], False)]
        return [Mark(mark_name, expr, list(call.args), list(call.keywords), True)]
    if call is None and "." not in name and not model.imports.is_imported(name):
        value = model.module_values.get(name)
        seen = _seen or set()
        if value is not None and name not in seen:
            return parse_marks(model, value, seen | {name})
    return []


def is_opaque(model: FileModel, expr: ast.expr, _seen: Optional[Set[str]] = None) -> bool:
    """Does a ``pytestmark`` value hold something that may be marks we cannot see?

    A call of some helper, a name imported or not defined in this file, ``*OTHER``: pytest
    may find an ``xdist_group`` there, so rules that need its absence stay silent.
    """
    if isinstance(expr, (ast.List, ast.Tuple)):
        return any(is_opaque(model, element, _seen) for element in expr.elts)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return is_opaque(model, expr.left, _seen) or is_opaque(model, expr.right, _seen)
    if isinstance(expr, ast.Starred):
        return True
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "with_args":
            func = func.value
        name = model.imports.resolve(func)
        return name is None or not name.startswith(_MARK_PREFIX)
    if isinstance(expr, ast.Name):
        if model.imports.is_imported(expr.id):
            return not (model.imports.resolve(expr) or "").startswith(_MARK_PREFIX)
        value = model.module_values.get(expr.id)
        seen = _seen or set()
        if value is None or expr.id in seen:
            return value is None
        return is_opaque(model, value, seen | {expr.id})
    return False


def _decorator_marks(model: FileModel, decorators: List[ast.expr]) -> List[Mark]:
    # The decorator nearest the def is applied first, so pytest lists it first.
    return [m for deco in reversed(decorators) for m in parse_marks(model, deco)]


def class_marks(model: FileModel, cls: ClassInfo) -> List[Mark]:
    """Marks applying to a test class, closest first: its own ``pytestmark`` and decorators,
    same-file bases (MRO-ish order), enclosing test classes, then the module."""
    return _class_own_marks(model, cls, set()) + module_marks(model)


def _class_own_marks(model: FileModel, cls: ClassInfo, seen: Set[int]) -> List[Mark]:
    if id(cls) in seen:
        return []
    seen.add(id(cls))
    marks = [m for value in cls.pytestmark for m in parse_marks(model, value)]
    marks += _decorator_marks(model, cls.decorators)
    for base in cls.base_classes:
        marks += _class_own_marks(model, base, seen)
    if cls.parent is not None and cls.parent.is_test:
        marks += _class_own_marks(model, cls.parent, seen)
    return marks


def opaque_pytestmark(model: FileModel, cls: Optional[ClassInfo]) -> bool:
    """Is a ``pytestmark`` that applies (module, class, bases, enclosing) opaque?"""
    values = list(model.module_pytestmark)
    seen: Set[int] = set()
    todo = [cls] if cls is not None else []
    while todo:
        klass = todo.pop()
        if id(klass) in seen:
            continue
        seen.add(id(klass))
        values += klass.pytestmark
        todo += klass.base_classes
        if klass.parent is not None and klass.parent.is_test:
            todo.append(klass.parent)
    return any(is_opaque(model, value) for value in values)


def module_marks(model: FileModel) -> List[Mark]:
    return [m for value in model.module_pytestmark for m in parse_marks(model, value)]


def function_marks(model: FileModel, fn: FunctionInfo) -> List[Mark]:
    """Marks applying to a test function or method, closest first."""
    marks = _decorator_marks(model, fn.node.decorator_list)
    if fn.cls is not None:
        return marks + class_marks(model, fn.cls)
    return marks + module_marks(model)


def closest(marks: List[Mark], name: str) -> Optional[Mark]:
    for mark in marks:
        if mark.name == name:
            return mark
    return None


def mark_argument(mark: Mark, position: int, keyword: str) -> Optional[ast.expr]:
    for kw in mark.keywords:
        if kw.arg == keyword:
            return kw.value
    if len(mark.args) > position and not isinstance(mark.args[position], ast.Starred):
        return mark.args[position]
    return None


def usefixtures_names(marks: List[Mark]) -> Set[str]:
    names = set()
    for mark in marks:
        if mark.name == "usefixtures":
            for arg in mark.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
    return names
