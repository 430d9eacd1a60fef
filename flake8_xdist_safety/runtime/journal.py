"""Each worker's record of its run, written as it goes: one JSON-lines file per worker in a run
directory the controller owns. A worker that dies (``os._exit``, an OOM kill) loses nothing it
had finished: the controller reads the file when the worker's end-of-session report is missing.

Lines: ``{"start": NODEID}`` when a test starts, ``{"done": NODEID, "findings": [...]}`` when
its whole protocol is over, ``{"findings": [...]}`` for findings outside any test.
"""
import json
import os
from typing import Any, Dict, List, NamedTuple, Optional

from flake8_xdist_safety.runtime.findings import Finding

#: ``workerinput`` key under which the controller hands its run directory to the workers.
RUN_DIRECTORY_KEY = "xdist_safety_run_directory"


class Journal:
    def __init__(self, directory: str, worker: str) -> None:
        self.path = os.path.join(directory, worker + ".jsonl")
        # O_APPEND and one write() per line: a line is in the file the moment the call returns,
        # whatever happens to the process afterwards.
        self._descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def _write(self, record: Dict[str, Any]) -> None:
        os.write(self._descriptor, (json.dumps(record) + "\n").encode("utf-8"))

    def start(self, nodeid: str) -> None:
        self._write({"start": nodeid})

    def done(self, nodeid: str, findings: List[Finding]) -> None:
        self._write({"done": nodeid, "findings": [finding.to_dict() for finding in findings]})

    def extra(self, findings: List[Finding]) -> None:
        if findings:
            self._write({"findings": [finding.to_dict() for finding in findings]})

    def close(self) -> None:
        os.close(self._descriptor)


class Recovered(NamedTuple):
    order: List[str]
    findings: List[Finding]
    last_done: Optional[str]
    #: The test that had started and not finished when the worker died, if any.
    running: Optional[str]


def read_journal(directory: str, worker: str) -> Optional[Recovered]:
    """What a worker wrote before it went down; None if it wrote nothing."""
    path = os.path.join(directory, worker + ".jsonl")
    try:
        with open(path, encoding="utf-8") as lines:
            text = lines.read()
    except OSError:
        return None
    order: List[str] = []
    findings: List[Finding] = []
    last_done: Optional[str] = None
    running: Optional[str] = None
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # the line being written when the process died
            continue
        if "start" in record:
            order.append(str(record["start"]))
            running = str(record["start"])
        if "done" in record:
            last_done, running = str(record["done"]), None
        findings.extend(Finding.from_dict(raw, worker) for raw in record.get("findings", []))
    return Recovered(order, findings, last_done, running)
