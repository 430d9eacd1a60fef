"""Run flake8 in this process, optionally without one plugin, and report peak RSS.

Used by bench.py for both arms, so the shim's own overhead is paid by both:

    python flake8_shim.py --plugin-module flake8_xdist_safety --drop --report r.json -- -j1 DIR
    python flake8_shim.py --plugin-module flake8_xdist_safety        --report r.json -- -j1 DIR

``--also-drop MODULE`` (repeatable) hides another plugin the same way in both arms,
e.g. to measure against flake8's own defaults in an environment with more plugins.

``--drop`` hides every ``flake8.extension`` / ``flake8.report`` entry point whose
object lives in ``--plugin-module`` (or a submodule) from flake8's plugin finder, so the
plugin is never imported, registers no options and never runs; nothing is uninstalled.
(``--select`` cannot do this: flake8 runs every installed checker on every file.)

The report (JSON) holds this process's own peak RSS in KiB (VmHWM on Linux, see
_peak_rss_kib; with ``-j1`` flake8 checks every file in this process), flake8's exit
status, and which matching entry points were dropped or kept, so the caller can check
that each arm really ran with / without the plugin.
"""
import sys
from typing import Any, Dict, List, Optional, Tuple


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    own, flake8_args = argv[:split], argv[split + 1:]
    module, drop, report = "", False, ""
    always_drop: List[str] = []
    i = 0
    while i < len(own):
        if own[i] == "--plugin-module":
            module, i = own[i + 1], i + 2
        elif own[i] == "--report":
            report, i = own[i + 1], i + 2
        elif own[i] == "--also-drop":
            always_drop.append(own[i + 1])
            i += 2
        elif own[i] == "--drop":
            drop, i = True, i + 1
        else:
            print(f"flake8_shim: unknown argument {own[i]!r}", file=sys.stderr)
            return 2
    if drop and not module:
        print("flake8_shim: --drop needs --plugin-module", file=sys.stderr)
        return 2

    seen: Dict[str, List[str]] = {"dropped": [], "kept": [], "also_dropped": []}
    _patch_finder(module, drop, always_drop, seen)

    from flake8.main import cli

    status = 1
    try:
        status = cli.main(flake8_args)
    finally:
        if report:
            _write_report(report, status, seen)
    return status


def _matches(value: str, module: str) -> bool:
    target = value.split(":", 1)[0].strip()
    return target == module or target.startswith(module + ".")


def _patch_finder(module: str, drop: bool, always_drop: List[str], seen: Dict[str, List[str]]) -> None:
    from flake8.plugins import finder

    original = finder._find_importlib_plugins

    def filtered() -> Any:
        for plugin in original():
            ep = plugin.entry_point
            if any(_matches(ep.value, other) for other in always_drop):
                seen["also_dropped"].append(f"{plugin.package}[{ep.name}]={ep.value}")
                continue
            if module and _matches(ep.value, module):
                seen["dropped" if drop else "kept"].append(f"{plugin.package}[{ep.name}]={ep.value}")
                if drop:
                    continue
            yield plugin

    # find_plugins() looks the name up in the module at call time.
    finder._find_importlib_plugins = filtered


def _write_report(path: str, status: int, seen: Dict[str, List[str]]) -> None:
    import json

    peak, source = _peak_rss_kib()
    with open(path, "w") as fh:
        json.dump({"maxrss_kib": peak, "maxrss_source": source, "exit_status": status, **seen}, fh)


def _peak_rss_kib() -> Tuple[int, str]:
    """This process's peak RSS in KiB.

    Linux: VmHWM from /proc/self/status, the high-water mark of this process's own
    address space. Not ru_maxrss: at exec() Linux seeds the new process's ru_maxrss with
    the peak of the address space it replaces, which after Python's vfork()-based
    subprocess launch is the *parent's* - a big benchmark parent would hide the child's.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]), "VmHWM"
    except OSError:
        pass
    import resource

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # bytes on macOS, KiB elsewhere
    return (maxrss // 1024 if sys.platform == "darwin" else maxrss), "ru_maxrss"


if __name__ == "__main__":
    sys.exit(main())
