"""One runtime finding: what leaked, from which test, in which worker.

Findings cross the process boundary under pytest-xdist (worker -> controller through
``config.workeroutput``, which execnet serialises), so they convert to and from plain
dicts of strings and ints.
"""
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

#: What a finding is about; ``memory`` findings have no MXS code.
KIND_ENV = "environ"
KIND_PATCHER = "patcher"
KIND_OVERRIDE = "override"
KIND_MEMORY = "memory"
KIND_MOCKS = "mocks"
KIND_GROUPING = "grouping"

#: Levels: a warning is reported; a failure is reported and fails the run (or the test).
WARN = "warn"
FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    """A leak or a grouping problem seen at run time.

    ``where`` is a test node id, ``fixture NAME (scope=...)`` for a wider-scoped fixture
    that left state behind after its own teardown, or ``session`` for a worker's totals.
    ``worker`` is the xdist worker id (``gw0``...) or ``""`` when run without workers.
    """

    code: str  # "MXS003"... or "memory"
    kind: str
    where: str
    path: str
    line: int
    detail: str
    level: str = WARN
    worker: str = ""
    #: Extra machine-readable facts for the JSON report (node ids, megabytes...).
    data: Dict[str, Any] = field(default_factory=dict)

    @property
    def rule_page(self) -> str:
        return "docs/rules/{}.md".format(self.code) if self.code.startswith("MXS") else ""

    def sort_key(self) -> Tuple[str, int, str, str, str]:
        # The worker is left out: the same suite gives the same order with and without -n.
        return (self.path, self.line, self.where, self.code, self.detail)

    def to_dict(self) -> Dict[str, Any]:
        as_dict = asdict(self)
        as_dict["rule_page"] = self.rule_page
        return as_dict

    @classmethod
    def from_dict(cls, raw: Dict[str, Any], worker: Optional[str] = None) -> "Finding":
        return cls(
            code=str(raw["code"]), kind=str(raw["kind"]), where=str(raw["where"]),
            path=str(raw["path"]), line=int(raw["line"]), detail=str(raw["detail"]),
            level=str(raw.get("level", WARN)),
            worker=str(raw.get("worker", "")) if worker is None else worker,
            data=dict(raw.get("data", {})),
        )


def dedupe(findings: List[Finding]) -> List[Finding]:
    """Sorted, without repeats of the same report from several workers.

    Grouping findings are made from collection, which every worker does in full, and a
    session-scoped fixture runs in every worker: those are kept once (with the first worker's id).
    """
    seen: Set[Tuple[str, ...]] = set()
    unique = []
    for finding in sorted(findings, key=lambda each: each.sort_key() + (each.worker,)):
        # A worker's session total is that worker's; anything else (a test runs in one worker,
        # a fixture's or the grouping's report is the same code whichever worker saw it) is one.
        identity: Tuple[str, ...] = tuple(str(part) for part in finding.sort_key())
        if finding.where == "session":
            identity += (finding.worker,)
        if identity not in seen:
            seen.add(identity)
            unique.append(finding)
    return unique
