"""Which recorded calls create mocks (the issue's "mock creation" definition)."""
import ast
from typing import FrozenSet, List, NamedTuple, Optional

from flake8_xdist_safety.analysis.model import FileModel, Site
from flake8_xdist_safety.analysis.vocabulary import MOCK_CLASSES, MOCK_MODULE

_MOCK = MOCK_MODULE + "."
DEFAULT_FACTORIES = frozenset(
    [_MOCK + name for name, kind in MOCK_CLASSES.items() if kind.creates_by_default]
    + [_MOCK + "create_autospec"])
PATCH = _MOCK + "patch"
PATCH_OBJECT = _MOCK + "patch.object"
PATCH_MULTIPLE = _MOCK + "patch.multiple"
#: Patch-family callables that return a patcher (they create their mock when entered).
PATCHERS = frozenset({PATCH, PATCH_OBJECT, PATCH_MULTIPLE, _MOCK + "patch.dict"})
#: Position of the ``new`` argument of patch / patch.object.
_NEW_POSITION = {PATCH: 1, PATCH_OBJECT: 2}
#: the calls this module reads (and the configured factories' last names, indexed by the model)
CALLS = (*(n.rsplit(".", 1)[-1] for n in DEFAULT_FACTORIES), "patch", "object", "multiple")


class Creation(NamedTuple):
    site: Site
    factory: str  # display name: MagicMock, patch.object, tests.helpers.make_mock
    is_patch: bool  # patch family: a patcher that creates its mock when entered/started


def mock_creations(model: FileModel) -> List[Creation]:
    """Every mock creation in the file, in source order (computed once per model)."""
    cached = model.cache.get("mock_creations")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    custom = model.config.mock_factories
    names = set(CALLS) | {n.rsplit(".", 1)[-1] for n in custom}
    out = []
    for site in model.calls_named(*sorted(names)):
        creation = _creation(model, site, custom)
        if creation is not None:
            out.append(creation)
    out.sort(key=lambda c: (c.site.line, c.site.col))
    model.cache["mock_creations"] = out
    return out


def _creation(model: FileModel, site: Site, custom: FrozenSet[str]) -> Optional[Creation]:
    name = site.name
    call = site.node
    if name is None or not isinstance(call, ast.Call):
        return None
    if name in DEFAULT_FACTORIES or name in custom:
        return Creation(site, _display(name), False)
    if name in (PATCH, PATCH_OBJECT) and _patch_creates(call, _NEW_POSITION[name]):
        return Creation(site, _display(name), True)
    if name == PATCH_MULTIPLE and _multiple_creates(site, call):
        return Creation(site, _display(name), True)
    return None


def _display(name: str) -> str:
    return name[len(_MOCK):] if name.startswith(_MOCK) else name


def _patch_creates(call: ast.Call, new_position: int) -> bool:
    """patch/patch.object create a mock unless given a replacement (``new``)."""
    keywords = {kw.arg for kw in call.keywords}
    if None in keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return False  # **kwargs / *args: cannot tell; precision over noise
    if "new_callable" in keywords:
        return True
    return "new" not in keywords and len(call.args) <= new_position


def _multiple_creates(site: Site, call: ast.Call) -> bool:
    """patch.multiple creates mocks only for the attributes given ``DEFAULT``."""
    for kw in call.keywords:
        name = site.scope.resolve(kw.value) if kw.arg else None
        if name is not None and (name == _MOCK + "DEFAULT" or name.endswith(".DEFAULT")):
            return True
    return False
