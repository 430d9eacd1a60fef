"""MXS010 (off by default): a mock class called without a spec."""
import ast
from typing import Iterator

from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.mock_creations import SPEC_CLASSES
from flake8_xdist_safety.analysis.model import FileModel

_SPEC_KEYWORDS = frozenset({"spec", "spec_set", "wraps"})


def check_spec(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS010."""
    for site in model.calls_named("MagicMock", "AsyncMock", "NonCallableMagicMock", "Mock",
                                  "NonCallableMock"):
        if site.name not in SPEC_CLASSES:
            continue
        call: ast.Call = site.node  # type: ignore[assignment]
        if call.args:  # the first positional argument is the spec (or *args: cannot tell)
            continue
        if any(kw.arg is None or kw.arg in _SPEC_KEYWORDS for kw in call.keywords):
            continue
        yield finding("MXS010", site.node, site, factory=site.name.rsplit(".", 1)[-1])
