"""MXS010 (off by default): a mock class called without a spec."""
import ast
from typing import Iterator

from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.vocabulary import MOCK_CLASSES, MOCK_MODULE
from flake8_xdist_safety.analysis.model import FileModel

_SPEC_KEYWORDS = frozenset({"spec", "spec_set", "wraps"})
_SPEC_CLASS_NAMES = tuple(name for name, kind in MOCK_CLASSES.items() if kind.takes_spec)
#: the calls MXS010 reads
CALLS = _SPEC_CLASS_NAMES
_SPEC_CLASSES = frozenset(MOCK_MODULE + "." + name for name in _SPEC_CLASS_NAMES)


def check_spec(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS010."""
    for site in model.calls_named(*_SPEC_CLASS_NAMES):
        if site.name not in _SPEC_CLASSES:
            continue
        call: ast.Call = site.node  # type: ignore[assignment]
        if call.args:  # the first positional argument is the spec (or *args: cannot tell)
            continue
        if any(kw.arg is None or kw.arg in _SPEC_KEYWORDS for kw in call.keywords):
            continue
        yield finding("MXS010", site.node, site, factory=site.name.rsplit(".", 1)[-1])
