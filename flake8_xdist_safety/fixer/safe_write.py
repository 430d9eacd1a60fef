"""The fixer's file I/O: read a source file as Python would, later replace it without ever losing a byte.

Reading refuses anything that is not a plain regular file (a symlink, FIFO, device, directory) and any
file Python itself could not decode.  Writing never opens the original for writing: the new text goes to
a temporary file in the same directory, is flushed to disk, gets the original's permission bits and
owner, and only then, after checking that nobody changed the original since it was read, is renamed over
it with ``os.replace``.  A full disk, a kill or a crash at any point leaves the original byte-identical (at
worst a stray ``.<name>.<pid>.<random>.mxs-tmp`` file next to it, which the next run that fixes the file
removes once no process of that id is running: see :func:`remove_stale_temp_files`).

Every refusal is a :class:`FileError` whose text is one line ending in "skipped" (nothing was read) or "left
untouched" (nothing was written), for the CLI to print after the path.
"""
import codecs
import errno
import hashlib
import io
import os
import stat
import tempfile
import tokenize
from typing import Iterable, List, NamedTuple, Tuple

TEMP_SUFFIX = ".mxs-tmp"

_BOM = codecs.BOM_UTF8

# O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever; it changes nothing
# for a regular file.  O_NOFOLLOW: a path swapped for a symlink after lstat() fails instead of being
# followed.  Both are POSIX-only, O_BINARY is Windows-only; absent flags are simply 0.
_READ_FLAGS: int = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
                    | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
_CHUNK = 1 << 20


class FileError(Exception):
    """A file the fixer leaves alone; ``str()`` is one line, e.g. ``'is a symbolic link; skipped'``."""


class Fingerprint(NamedTuple):
    """What the file on disk looked like when it was read, to notice an edit made while fixing."""

    size: int
    mtime_ns: int
    sha256: str  # hex digest of the bytes read


class SourceFile(NamedTuple):
    """One source file as read, with everything needed to write it back in its own format."""

    path: str
    data: bytes  # exactly what was read
    text: str  # decoded in ``encoding``, BOM removed, line endings untouched
    encoding: str  # as tokenize.detect_encoding names it: "utf-8-sig" with a BOM, else the cookie's
    has_bom: bool
    mode: int  # permission bits (stat.S_IMODE), copied to the new file
    fingerprint: Fingerprint


def describe_os_error(exc: OSError) -> str:
    """The reason of an OSError on one line, without the path: ``'No space left on device'``."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    return " ".join(reason.split())


# -- reading -----------------------------------------------------------------------------------------

def read_source(path: str) -> SourceFile:
    """Read and decode ``path`` as Python would; :class:`FileError` ("...; skipped") if it cannot be."""
    try:
        data, status = _read_regular_file(path)
    except _NotRegular as exc:
        raise FileError(f"{exc}; skipped") from None
    except _Changed:
        raise FileError("changed while reading; skipped") from None
    except OSError as exc:
        raise FileError(f"cannot read: {describe_os_error(exc)}; skipped") from exc
    try:
        encoding, has_bom = _detect_encoding(data)
    except ValueError as exc:
        raise FileError(f"{exc}; skipped") from None
    body = data[len(_BOM):] if has_bom else data
    try:
        # bytes.decode never translates newlines, so "\r\n" and a lone "\r" survive as they are.
        text = body.decode("utf-8" if has_bom else encoding)
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(_BOM) if has_bom else 0)  # of the file, BOM included
        codec_shown = "utf-8" if has_bom else encoding  # "utf-8-sig" would say nothing more to a user
        raise FileError(f"cannot decode byte 0x{data[offset]:02x} at offset {offset} "
                        f"(line {_line_at(data, offset)}) as {codec_shown}; skipped") from None
    except LookupError:  # a real codec, but bytes-to-bytes ("hex", "zlib"): not a text encoding
        raise FileError(f"declares coding {encoding}, which is not a text encoding; skipped") from None
    return SourceFile(
        path=path, data=data, text=text, encoding=encoding, has_bom=has_bom,
        mode=stat.S_IMODE(status.st_mode), fingerprint=_fingerprint(data, status),
    )


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting "\\r\\n", "\\n" and "\\r" as Python does."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def _detect_encoding(data: bytes) -> Tuple[str, bool]:
    """``(encoding, has_bom)`` as Python's own source reader decides them (``tokenize.detect_encoding``:
    a byte-order mark, a PEP 263 cookie on line 1 or 2); ValueError(reason) for an unknown or
    contradictory cookie."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        message = str(exc.msg)
        if message.startswith("unknown encoding: "):
            raise ValueError(f"declares an unknown encoding {message.split(': ', 1)[1]!r}") from None
        if message.startswith("encoding problem") and data.startswith(_BOM):
            raise ValueError("has a UTF-8 byte order mark but declares another coding") from None
        # "invalid or missing encoding declaration": line 1 or 2 is not UTF-8 and declares nothing.
        # Python reads it as UTF-8 and fails; decoding says where.
        return "utf-8", False
    has_bom = encoding == "utf-8-sig"
    return encoding, has_bom


# -- encoding the fixed text -------------------------------------------------------------------------

def encode_like(source: SourceFile, new_text: str) -> bytes:
    """``new_text`` in the file's own encoding, BOM restored; FileError ("...; left untouched") if it
    has a character that encoding cannot hold, or if Python would read the result in another encoding."""
    try:
        # "utf-8-sig" writes the BOM back by itself.
        data = new_text.encode(source.encoding)
    except UnicodeEncodeError as exc:
        character = exc.object[exc.start]
        raise FileError(f"cannot write {character!r} in its encoding {source.encoding}; "
                        "left untouched") from None
    # An edit that pushes the coding cookie below line 2 (or rewrites it) would make Python read the
    # new file in a different encoding than it was written in.
    try:
        encoding_read_back, _ = _detect_encoding(data)
    except ValueError as exc:
        raise FileError(f"the fixed text {exc}; left untouched") from None
    if codecs.lookup(encoding_read_back).name != codecs.lookup(source.encoding).name:
        raise FileError(f"the fixed text would be read as {encoding_read_back}, not {source.encoding}; "
                        "left untouched")
    return data


# -- replacing the file ------------------------------------------------------------------------------

def replace_atomically(source: SourceFile, data: bytes) -> None:
    """Replace ``source.path`` with ``data`` so that it is, at every instant, either the old bytes or the
    new ones; FileError ("...; left untouched") if that cannot be done or the file changed since read."""
    current = _unchanged_status(source)
    if not _is_writable(source.path, current):
        raise FileError("is read-only; left untouched")
    directory = os.path.dirname(source.path) or os.curdir
    try:
        fd, temp_path = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(source.path)}.{os.getpid()}.", suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise FileError(f"cannot write: {describe_os_error(exc)}; left untouched") from exc
    replaced = False
    try:
        try:
            _fill(fd, data)
            _copy_owner_and_mode(fd, temp_path, current, source.mode)
        finally:
            os.close(fd)  # on NFS a full disk may only be reported here
        # As late as possible, to keep the window in which another edit could be lost small: POSIX has no
        # "rename unless the target changed".
        _unchanged_status(source, check_content=True)
        os.replace(temp_path, source.path)
        replaced = True
    except OSError as exc:
        raise FileError(f"cannot write: {describe_os_error(exc)}; left untouched") from exc
    finally:
        if not replaced:  # also on KeyboardInterrupt: no stray temp file for a Ctrl-C
            _remove_quietly(temp_path)
    _fsync_directory(directory)


def stale_temp_files(path: str, names: Iterable[str]) -> List[str]:
    """Among ``names`` (the entries of ``path``'s directory), the temporary files a fixer run that is no
    longer running left for ``path``: ``.<name>.<pid>.<random>.mxs-tmp`` whose pid is not a live process."""
    prefix = f".{os.path.basename(path)}."
    found = []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        middle = name[len(prefix):-len(TEMP_SUFFIX)].split(".")
        if len(middle) == 2 and middle[0].isdigit() and not _is_running(int(middle[0])):
            found.append(name)
    return sorted(found)


def remove_stale_temp_files(path: str, names: Iterable[str]) -> List[str]:
    """Remove what :func:`stale_temp_files` finds (regular files only); the names removed."""
    directory = os.path.dirname(path) or os.curdir
    removed = []
    for name in stale_temp_files(path, names):
        temp = os.path.join(directory, name)
        try:
            if stat.S_ISREG(os.lstat(temp).st_mode):
                os.unlink(temp)
                removed.append(name)
        except OSError:
            pass  # gone meanwhile, or not ours to remove: nothing to report
    return removed


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix" or pid <= 0:
        return True  # cannot tell (os.kill(pid, 0) would end the process on Windows): keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _fill(fd: int, data: bytes) -> None:
    """Write all of ``data`` and force it to disk, so that the rename can never expose a short file."""
    remaining = memoryview(data)
    while remaining:
        written = os.write(fd, remaining[:_CHUNK])
        if written <= 0:  # a regular file never does this; refuse rather than loop forever
            raise OSError(errno.EIO, "write made no progress")
        remaining = remaining[written:]
    os.fsync(fd)


def _copy_owner_and_mode(fd: int, temp_path: str, original: os.stat_result, mode: int) -> None:
    # mkstemp makes the file ours and 0o600; the replacement must not change who may read or run it.
    if hasattr(os, "fchown"):
        temp = os.fstat(fd)
        if (temp.st_uid, temp.st_gid) != (original.st_uid, original.st_gid):
            try:
                os.fchown(fd, original.st_uid, original.st_gid)
            except OSError:
                raise FileError(f"cannot keep its owner {original.st_uid} and group {original.st_gid}; "
                                "left untouched") from None
    # After fchown, which may clear set-user-ID bits.
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows before 3.13
        os.chmod(temp_path, mode)


def _is_writable(path: str, status: os.stat_result) -> bool:
    # No write bit at all means someone protected the file on purpose; root would ignore that, we don't.
    return bool(stat.S_IMODE(status.st_mode) & 0o222) and os.access(path, os.W_OK)


def _unchanged_status(source: SourceFile, check_content: bool = False) -> os.stat_result:
    """The current lstat() of the file if it is still what was read, else FileError."""
    changed = FileError("changed while fixing; left untouched")
    try:
        status = os.lstat(source.path)
    except OSError:
        raise changed from None
    expected = source.fingerprint
    if (not stat.S_ISREG(status.st_mode) or status.st_size != expected.size
            or status.st_mtime_ns != expected.mtime_ns or stat.S_IMODE(status.st_mode) != source.mode):
        raise changed
    if status.st_nlink > 1:
        # os.replace gives the path a new inode; the other names would keep the old text.
        raise FileError(f"has {status.st_nlink} hard links, which replacing it would split; left untouched")
    if check_content:
        try:
            data, now = _read_regular_file(source.path)
        except (_NotRegular, _Changed, OSError):
            raise changed from None
        if _fingerprint(data, now) != expected or (now.st_dev, now.st_ino) != (status.st_dev, status.st_ino):
            raise changed
    return status


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # nothing better to do; the name ends in TEMP_SUFFIX so it can be found


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX; best effort: the replace has already happened)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory
    finally:
        os.close(fd)


# -- reading a regular file without following links or blocking ----------------------------------------

class _NotRegular(Exception):
    """The path is not a regular file; str() says what it is."""


class _Changed(Exception):
    """The file changed while it was being read."""


def _read_regular_file(path: str) -> Tuple[bytes, os.stat_result]:
    """All bytes of a regular file and its fstat() after reading; never opens a symlink or a FIFO."""
    before = os.lstat(path)
    _require_regular(before)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        if stat.S_ISLNK(_lstat_mode(path)):  # swapped for a symlink after lstat (O_NOFOLLOW: ELOOP)
            raise _NotRegular("is a symbolic link") from None
        raise
    try:
        opened = os.fstat(fd)
        _require_regular(opened)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise _Changed
        chunks = []
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    unsettled = (after.st_size, after.st_mtime_ns) != (opened.st_size, opened.st_mtime_ns)
    if unsettled or len(data) != after.st_size:
        raise _Changed  # being written by someone else right now
    return data, after


def _lstat_mode(path: str) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def _require_regular(status: os.stat_result) -> None:
    mode = status.st_mode
    if stat.S_ISREG(mode):
        return
    kinds = (
        (stat.S_ISLNK, "is a symbolic link"),
        (stat.S_ISDIR, "is a directory"),
        (stat.S_ISFIFO, "is a named pipe (FIFO)"),
        (stat.S_ISSOCK, "is a socket"),
        (stat.S_ISCHR, "is a character device"),
        (stat.S_ISBLK, "is a block device"),
    )
    for is_kind, description in kinds:
        if is_kind(mode):
            raise _NotRegular(description)
    raise _NotRegular("is not a regular file")


def _fingerprint(data: bytes, status: os.stat_result) -> Fingerprint:
    return Fingerprint(size=status.st_size, mtime_ns=status.st_mtime_ns,
                       sha256=hashlib.sha256(data).hexdigest())
