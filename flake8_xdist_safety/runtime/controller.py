"""The hooks of the plugin that run on the pytest-xdist controller: the run directory it hands to
the workers, and what it collects from each worker when it goes down, from its end-of-session
report or, if it died, from its journal."""
import shutil
import tempfile
from typing import Any, Dict, List, Optional

import pytest

from flake8_xdist_safety.runtime.findings import Finding
from flake8_xdist_safety.runtime.journal import RUN_DIRECTORY_KEY, Journal, read_journal

#: The key of this plugin's data in ``config.workeroutput``.
WORKEROUTPUT_KEY = "xdist_safety"


class ControllerHooks:
    """Mixed into ``RuntimeChecks``, which owns these attributes."""

    findings: List[Finding]
    notes: List[str]
    order: Dict[str, List[str]]
    workers: Dict[str, Dict[str, Any]]
    journal: Optional[Journal]
    run_directory: Optional[str]

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        if self.run_directory is None:
            self.run_directory = tempfile.mkdtemp(prefix="xdist-safety-run-")
        node.workerinput[RUN_DIRECTORY_KEY] = self.run_directory

    def pytest_unconfigure(self, config: Any) -> None:
        if self.journal is not None:
            self.journal.close()
        if self.run_directory is not None:
            shutil.rmtree(self.run_directory, ignore_errors=True)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        worker = str(getattr(node, "gateway", None) and node.gateway.id or "?")
        output = getattr(node, "workeroutput", None) or {}
        data = output.get(WORKEROUTPUT_KEY)
        if data is None:
            self._recover(worker, error)
            return
        self.findings.extend(Finding.from_dict(raw, worker) for raw in data.get("findings", []))
        self.order[worker] = [str(nodeid) for nodeid in data.get("order", [])]
        if data.get("summary"):
            self.workers[worker] = dict(data["summary"])
        self.notes.extend(note for note in data.get("notes", []) if note not in self.notes)

    def _recover(self, worker: str, error: Any) -> None:
        """A worker that died: what its journal holds, and which test it died in or after."""
        recovered = read_journal(self.run_directory, worker) if self.run_directory else None
        if recovered is None:
            self.notes.append("worker {} went down without sending its findings ({})".format(
                worker, error or "no --xdist-safety data"))
            return
        self.findings.extend(recovered.findings)
        self.order[worker] = recovered.order
        if recovered.running is not None:
            when = "during {}".format(recovered.running)
        elif recovered.last_done is not None:
            when = "after {}".format(recovered.last_done)
        else:
            when = "before its first test"
        self.notes.append("worker {} died {} ({} test(s) started); its findings and order up to "
                          "then are kept".format(worker, when, len(recovered.order)))
