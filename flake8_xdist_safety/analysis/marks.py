"""Which pytest markers apply to a test class or function, closest first (as pytest sees them)."""
import ast
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Set

from flake8_xdist_safety.analysis.model import ClassInfo, FileModel, FunctionInfo
from flake8_xdist_safety.analysis.vocabulary import argument

_MARK_PREFIX = "pytest.mark."
#: the marks of no decorators (shared, as every cached list is: callers never mutate them)
_NO_MARKS: List["Mark"] = []
_NO_ARGUMENTS: List[ast.expr] = []
_NO_KEYWORDS: List[ast.keyword] = []


class Mark(NamedTuple):
    name: str
    node: ast.expr
    args: List[ast.expr]
    keywords: List[ast.keyword]
    called: bool


def _elements(model: FileModel, expr: ast.expr) -> List[ast.expr]:
    """The single items of a marks value, in order: lists, tuples and ``+`` are opened and
    module-level names followed (each name once). Iterative: a value may nest thousands deep."""
    if type(expr) is ast.Call or type(expr) is ast.Attribute:
        return [expr]  # nearly every decorator: a single item
    out: List[ast.expr] = []
    seen: Set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.List, ast.Tuple)):
            stack.extend(reversed(node.elts))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            stack.extend((node.right, node.left))
        elif isinstance(node, ast.Name) and not model.imports.is_imported(node.id) \
                and node.id in model.imports.values:
            if node.id not in seen:
                seen.add(node.id)
                stack.append(model.imports.values[node.id])
        else:
            out.append(node)
    return out


def _mark_name(model: FileModel, target: ast.expr) -> Optional[str]:
    """``xdist_group`` for ``pytest.mark.xdist_group`` (through imports, ``.with_args`` and
    a module-level alias such as ``grp = pytest.mark.xdist_group``)."""
    imports = model.imports
    if type(target) is ast.Attribute and target.attr == "with_args":
        target = target.value
    if type(target) is ast.Name and not imports.is_imported(target.id):
        alias = imports.values.get(target.id)
        if isinstance(alias, ast.Attribute):
            target = alias
    parts = []  # the chain, outermost first; resolved by hand: most decorators are no marks
    while type(target) is ast.Attribute:
        parts.append(target.attr)
        target = target.value
    if type(target) is not ast.Name:
        return None
    root = imports.target(target.id) or target.id
    if not root.startswith("pytest"):
        return None  # ``patch(...)``, ``staticmethod``: not rooted in pytest, so not a mark
    if root == "pytest" and len(parts) == 2 and parts[1] == "mark":
        return parts[0]  # the common spelling, ``pytest.mark.NAME``
    parts.append(root)
    name = ".".join(reversed(parts))
    if not name.startswith(_MARK_PREFIX):
        return None
    mark_name = name[len(_MARK_PREFIX):]
    return mark_name if mark_name and "." not in mark_name else None


def parse_marks(model: FileModel, expr: ast.expr) -> List[Mark]:
    """Marks in a decorator or ``pytestmark`` value: a mark, a list/tuple of them, a sum of
    lists, or a module-level name bound to any of those. Anything else gives no marks."""
    cache: Dict[int, List[Mark]] = model.memo("marks")
    marks = cache.get(id(expr))
    if marks is None:
        marks = cache[id(expr)] = _parse_marks(model, expr)
    return marks


def _parse_marks(model: FileModel, expr: ast.expr) -> List[Mark]:
    marks = []
    for node in _elements(model, expr):
        if type(node) is ast.Call:
            name = _mark_name(model, node.func)
            if name is not None:  # the call's own lists: a Mark is read, never changed
                marks.append(Mark(name, node, node.args, node.keywords, True))
        else:
            name = _mark_name(model, node)
            if name is not None:
                marks.append(Mark(name, node, _NO_ARGUMENTS, _NO_KEYWORDS, False))
    return marks


def is_opaque(model: FileModel, expr: ast.expr) -> bool:
    """Does a ``pytestmark`` value hold something that may be marks we cannot see?

    A call of some helper, a name imported or not defined in this file, ``*OTHER``: pytest
    may find an ``xdist_group`` there, so rules that need its absence stay silent.
    """
    for node in _elements(model, expr):
        if isinstance(node, ast.Starred):
            return True
        if isinstance(node, ast.Call):
            if _mark_name(model, node.func) is None:
                return True
        elif isinstance(node, ast.Name) and _mark_name(model, node) is None:
            return True  # imported, or bound nowhere in this file
    return False


def decorator_marks(model: FileModel, decorators: List[ast.expr]) -> List[Mark]:
    """The marks of a def's or class's decorators. The decorator nearest the def is applied
    first, so pytest lists it first. (Kept per list: several rules ask for every test.)"""
    if not decorators:
        return _NO_MARKS
    cache: Dict[int, List[Mark]] = model.memo("decorator_marks")
    marks = cache.get(id(decorators))
    if marks is None:
        marks = cache[id(decorators)] = [m for deco in reversed(decorators) for m in parse_marks(model, deco)]
    return marks


def class_marks(model: FileModel, cls: ClassInfo) -> List[Mark]:
    """Marks applying to a test class, closest first: its own ``pytestmark`` and decorators,
    same-file bases (MRO-ish order), enclosing test classes, then the module. (Kept per
    class: every test of the class asks.)"""
    cache: Dict[int, List[Mark]] = model.memo("class_marks")
    marks = cache.get(id(cls))
    if marks is None:
        marks = cache[id(cls)] = _class_marks(model, cls)
    return marks


def _class_marks(model: FileModel, cls: ClassInfo) -> List[Mark]:
    marks: List[Mark] = []
    for klass in cls.applying_where("marked", lambda c: bool(c.pytestmark or c.decorators)):
        marks += [m for value in klass.pytestmark for m in parse_marks(model, value)]
        marks += decorator_marks(model, klass.decorators)
    return marks + module_marks(model)


def opaque_pytestmark(model: FileModel, cls: Optional[ClassInfo]) -> bool:
    """Is a ``pytestmark`` that applies (module, class, bases, enclosing) opaque?"""
    values = list(model.module_pytestmark)
    for klass in cls.applying_where("marked", lambda c: bool(c.pytestmark or c.decorators)) if cls else ():
        values += klass.pytestmark
    return any(is_opaque(model, value) for value in values)


def module_marks(model: FileModel) -> List[Mark]:
    return [m for value in model.module_pytestmark for m in parse_marks(model, value)]


def file_mark_names(model: FileModel) -> FrozenSet[str]:
    """The names of every mark written in the file (decorators and ``pytestmark`` values), so
    a rule about one mark skips a file without it instead of asking test by test."""
    names = model.cache.get("mark_names")
    if names is None:
        values = [*model.module_pytestmark, *(v for cls in model.classes for v in cls.pytestmark),
                  *(deco for cls in model.classes for deco in cls.decorators),
                  *(deco for fn in model.functions for deco in fn.node.decorator_list)]
        found = set()
        for value in values:  # each decorator's marks are kept (parse_marks) for the rules
            for mark in parse_marks(model, value):
                found.add(mark.name)
        names = model.cache["mark_names"] = frozenset(found)
    return names


def function_marks(model: FileModel, fn: FunctionInfo) -> List[Mark]:
    """Marks applying to a test function or method, closest first."""
    marks = decorator_marks(model, fn.node.decorator_list)
    if fn.cls is not None:
        return marks + class_marks(model, fn.cls)
    return marks + module_marks(model)


def mark_argument(mark: Mark, position: int, keyword: str) -> Optional[ast.expr]:
    return argument(mark.args, mark.keywords, position, keyword)


def usefixtures_names(marks: List[Mark]) -> Set[str]:
    names = set()
    for mark in marks:
        if mark.name == "usefixtures":
            for arg in mark.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
    return names
