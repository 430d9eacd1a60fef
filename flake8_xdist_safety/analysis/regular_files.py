"""Read a project file that may be anything: only a regular file, only up to a bound.

A named pipe at ``Makefile`` or ``.github/workflows/ci.yml`` blocks a plain ``open()`` until
a writer comes (forever, in a lint run); a device (a symlink to ``/dev/zero``) never ends.
The file is opened without blocking and checked on the open descriptor (no gap between a
check and the open for a swapped file to slip through), then read to at most the bound.
"""
import os
import stat
from typing import Optional

#: 1 MiB. The files read this way are configuration and command files (pytest.ini,
#: pyproject.toml, a Makefile, a CI workflow) and the project's own Python modules: real ones
#: are a few KiB, the largest seen in public projects well under 1 MiB. The bound caps the
#: memory and time one odd file can cost a lint run; a file over it is treated as unreadable.
MAX_BYTES = 1 << 20


def read_regular_file(path: str, limit: int = MAX_BYTES) -> Optional[bytes]:
    """The bytes of *path* when it is a regular file (symlinks followed) of at most *limit*
    bytes; None when it is missing, unreadable, not a regular file, or larger."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        chunks = []
        remaining = limit + 1  # one byte more: a file that grew past the bound is refused too
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(descriptor)


def read_regular_text(path: str, limit: int = MAX_BYTES) -> Optional[str]:
    """The text of :func:`read_regular_file` decoded as UTF-8 (a byte-order mark dropped,
    undecodable bytes replaced), or None."""
    data = read_regular_file(path, limit)
    if data is None:
        return None
    return data.decode("utf-8-sig", errors="replace")
