"""How much memory the worker holds, and how many mock objects are still alive.

On Linux the resident set size is read from ``/proc/self/statm`` (its second field,
resident pages): the current RSS, so it can go down as well as up. Elsewhere the only
portable figure is ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, the *peak* RSS, which
only ever grows: there a test's "growth" is how much it raised the peak. Where neither
exists (Windows) the memory checks are off and the summary says so.
"""
import gc
import os
import sys
from typing import Callable, Optional, Tuple

from flake8_xdist_safety.runtime.pid import CURRENT as CURRENT_PID

MB = 1024 * 1024

RssReader = Callable[[], int]


def _statm_reader() -> Optional[RssReader]:
    path = "/proc/self/statm"
    try:
        page_size = os.sysconf("SC_PAGE_SIZE")
        descriptor = os.open(path, os.O_RDONLY)
    except (OSError, ValueError, AttributeError):
        return None
    # One descriptor, re-read with pread(): procfs regenerates the text on each read from
    # offset 0, and this skips open()'s io stack (5 µs a reading instead of 11 µs, a sizeable
    # part of the per-test budget). "self" is resolved at open, so a forked child opens its own.
    opened = {"pid": CURRENT_PID[0], "fd": descriptor}
    pread = os.pread

    def read_statm() -> int:
        if opened["pid"] != CURRENT_PID[0]:
            opened["pid"], opened["fd"] = CURRENT_PID[0], os.open(path, os.O_RDONLY)
        return int(pread(opened["fd"], 128, 0).split()[1]) * page_size

    return read_statm


def _maxrss_reader() -> Optional[RssReader]:
    try:
        import resource
    except ImportError:
        return None
    # ru_maxrss is in kilobytes on Linux and the BSDs, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024

    def read_maxrss() -> int:
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * scale

    return read_maxrss


def rss_reader() -> Tuple[Optional[RssReader], str]:
    """The best RSS reader of this platform and the name of its source, for the report."""
    reader = _statm_reader()
    if reader is not None:
        return reader, "/proc/self/statm (current RSS)"
    reader = _maxrss_reader()
    if reader is not None:
        return reader, "resource.getrusage ru_maxrss (peak RSS)"
    return None, "unavailable on this platform"


def live_mock_count() -> int:
    """Mock objects still alive after a full collection (0 if ``unittest.mock`` was never imported).

    This walks every object the garbage collector tracks, which is why it is opt-in.
    """
    mock_module = sys.modules.get("unittest.mock")
    if mock_module is None:
        return 0
    mock_base = mock_module.NonCallableMock
    gc.collect()
    # type(), not isinstance(): a mock with a spec lies about its __class__.
    return sum(1 for obj in gc.get_objects() if issubclass(type(obj), mock_base))
