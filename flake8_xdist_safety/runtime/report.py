"""The terminal summary section and the JSON report: the same findings, two forms."""
import json
import os
from collections import Counter
from typing import Any, Dict, List, Optional

from flake8_xdist_safety.runtime.findings import FAIL, Finding
from flake8_xdist_safety.runtime.settings import Settings

TITLE = "xdist-safety: state left behind by tests"
JSON_FORMAT_VERSION = 1


def _versions() -> Dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("pytest", "pytest-xdist", "flake8-xdist-safety"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = ""
    return versions


def write_json(path: str, findings: List[Finding], workers: Dict[str, Dict[str, Any]],
               notes: List[str], order: Optional[Dict[str, List[str]]] = None,
               rootdir: str = "") -> None:
    document = {
        "format": JSON_FORMAT_VERSION,
        "versions": _versions(),
        "findings": [finding.to_dict() for finding in findings],
        "workers": workers,
        "notes": notes,
        # Each worker's tests in the order it ran them ("" without workers): what `bisect` replays.
        "order": order or {},
        "rootdir": rootdir,
    }
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=2, sort_keys=True)
        out.write("\n")


def format_finding(finding: Finding) -> List[str]:
    """Two lines: ``CODE path:line where [worker]``, then the detail and the rule page."""
    head = finding.code + (" FAIL" if finding.level == FAIL else "")
    location = "{}:{}".format(finding.path, finding.line) if finding.path else ""
    worker = " [{}]".format(finding.worker) if finding.worker else ""
    first = " ".join(part for part in (head, location, finding.where) if part) + worker
    page = "  ({})".format(finding.rule_page) if finding.rule_page else ""
    return [first, "    " + finding.detail + page]


def _worker_line(worker: str, summary: Dict[str, Any]) -> str:
    name = worker or "main process"
    first, last = summary.get("first_mb"), summary.get("last_mb")
    if first is None or last is None:
        return "{}: {} tests, RSS {}".format(name, summary.get("tests", 0), summary.get("rss_source"))
    return "{}: {} tests, RSS {:.1f} -> {:.1f} MB ({:+.1f} MB)".format(
        name, summary.get("tests", 0), first, last, last - first)


def write_summary(terminal: Any, findings: List[Finding], workers: Dict[str, Dict[str, Any]],
                  notes: List[str], settings: Settings) -> None:
    terminal.write_sep("=", TITLE)
    for finding in findings:
        for line in format_finding(finding):
            terminal.write_line(line)
    if workers:
        sources = sorted({str(summary.get("rss_source")) for summary in workers.values()})
        terminal.write_line("memory, from {}; per test {}, per worker session {}:".format(
            " / ".join(sources), settings.test_growth.describe(), settings.session_growth.describe()))
        for worker in sorted(workers):
            terminal.write_line("    " + _worker_line(worker, workers[worker]))
    for note in notes:
        terminal.write_line("note: " + note)
    counts = Counter(finding.code for finding in findings)
    total = ", ".join("{} {}".format(count, code) for code, count in sorted(counts.items()))
    terminal.write_line("{} finding(s){}".format(len(findings), ": " + total if total else "")
                        + (", JSON in {}".format(settings.json_path) if settings.json_path else ""))
