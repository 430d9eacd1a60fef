"""The project's own modules a file reaches: the fixtures a conftest.py brings in (star
imports, ``pytest_plugins``, names imported from the project's modules) and the helpers a
test or fixture calls (``with isolated_environment():`` from ``tests/helpers.py``).

A dotted module is looked for under the project root and under each directory from the
file's up to it, as ``a/b.py`` or ``a/b/__init__.py``; only regular files of bounded size
are read, each parsed once per process (until it changes). A module that cannot be found,
read or parsed is unknown: it brings nothing, and never an error. Star imports and
``pytest_plugins`` are followed ``MAX_DEPTH`` modules deep.
"""
import ast
import io
import os
import tokenize
from typing import Dict, List, Optional, Set, Tuple

from flake8_xdist_safety.analysis import fixtures
from flake8_xdist_safety.analysis.builder import build_model
from flake8_xdist_safety.analysis.model import FileModel, FunctionInfo
from flake8_xdist_safety.analysis.project import project_root
from flake8_xdist_safety.analysis.regular_files import read_regular_file
from flake8_xdist_safety.analysis.topics import TOPIC_CALLS
from flake8_xdist_safety.config import Config

MAX_DEPTH = 3
_CALLS = TOPIC_CALLS | frozenset(fixtures.CALLS)
#: path -> (mtime and size, its model or None); small per process (flake8 -j workers each keep theirs)
_MODELS: Dict[str, Tuple[Tuple[int, int], Optional[FileModel]]] = {}

Reached = Tuple[FileModel, FunctionInfo]


def load_model(path: str, config: Config) -> Optional[FileModel]:
    """The model of the project module at *path*, or None when it cannot be read or parsed."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    stamp = (status.st_mtime_ns, status.st_size)
    cached = _MODELS.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    model: Optional[FileModel] = None
    data = read_regular_file(path)
    if data is not None:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            tree = ast.parse(data.decode(encoding), filename=path)
            model = build_model(tree, path, config, _CALLS)
        except Exception:  # not Python this interpreter reads, or too deep: unknown
            model = None
    _MODELS[path] = (stamp, model)
    return model


def module_file(dotted: str, near: FileModel) -> Optional[str]:
    """The file of the project module *dotted*, looked for from *near*'s directory up to
    the project root; None when it is not the project's (or a relative import left dots)."""
    parts = dotted.split(".")
    if not dotted or not all(part.isidentifier() for part in parts):
        return None
    root = near.config.project_root or project_root(near.filename)
    directory = os.path.dirname(os.path.abspath(near.filename))
    bases = [directory]
    while root is not None and directory != root and os.path.dirname(directory) != directory:
        directory = os.path.dirname(directory)
        bases.append(directory)
    for base in bases:
        stem = os.path.join(base, *parts)
        for path in (stem + ".py", os.path.join(stem, "__init__.py")):
            if os.path.isfile(path):
                return path
    return None


def function_named(model: FileModel, dotted: Optional[str]) -> Optional[Reached]:
    """The function *dotted* names, as resolved in *model*: one of its own module-level
    functions, or one defined in the project module it was imported from."""
    if not dotted:
        return None
    if "." not in dotted:
        own = model.module_functions.get(dotted)
        return (model, own) if own is not None else None
    module, _, name = dotted.rpartition(".")
    path = module_file(module, model)
    other = load_model(path, model.config) if path is not None else None
    found = other.module_functions.get(name) if other is not None else None
    return (other, found) if other is not None and found is not None else None


def reached_fixtures(model: FileModel) -> List[Reached]:
    """Fixtures a conftest.py registers from other project modules: what it star-imports,
    what its ``pytest_plugins`` name, and fixtures it imports by name (transitively, for
    star imports and plugins, ``MAX_DEPTH`` deep)."""
    out: List[Reached] = []
    seen: Set[str] = {os.path.abspath(model.filename)}
    todo = [(model, 0)]
    while todo:
        current, depth = todo.pop()
        if current is not model:
            out.extend((current, fn) for fn in current.module_functions.values() if fn.is_fixture)
        for local, target in current.imports.bindings.items():
            reached = function_named(current, target) if target is not None and local not in \
                current.module_functions else None
            if reached is not None and reached[1].is_fixture:
                out.append(reached)
        if depth >= MAX_DEPTH:
            continue
        for dotted in [*current.star_imports, *_plugins(current)]:
            path = module_file(dotted, current)
            if path is None or os.path.abspath(path) in seen:
                continue
            seen.add(os.path.abspath(path))
            other = load_model(path, current.config)
            if other is not None:
                todo.append((other, depth + 1))
    return out


def _plugins(model: FileModel) -> List[str]:
    """The module names of ``pytest_plugins = "a.b"`` / ``["a.b", ...]`` / ``("a.b",)``."""
    value = model.imports.values.get("pytest_plugins")
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    return [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]
