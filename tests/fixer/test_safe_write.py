"""safe_write: reading a source file as Python would, replacing it without ever losing a byte.

Failures (full disk, kill, unwritable directory, concurrent edits) are simulated by monkeypatching the
``os`` functions the module calls; every test asserts the exact message and the exact bytes left on disk.
"""
import codecs
import errno
import hashlib
import io
import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import tokenize
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest

from flake8_xdist_safety.fixer.safe_write import (
    FileError, SourceFile, describe_os_error, encode_like, read_source, replace_atomically,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ORIGINAL = b"import pytest\r\n\r\n\r\ndef test_a():\r\n    assert 1\r\n"
FIXED = b"import pytest\r\n\r\n\r\ndef test_a():\r\n    assert 2\r\n"


def write(directory: Path, data: bytes, name: str = "test_example.py") -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def temp_files(directory: Path) -> List[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".mxs-tmp"))


def os_error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def assert_refused(source: SourceFile, data: bytes, message: str) -> None:
    """replace_atomically refuses with ``message``, leaves the file byte-identical and no temp file."""
    with pytest.raises(FileError) as caught:
        replace_atomically(source, data)
    assert str(caught.value) == message
    path = Path(source.path)
    assert path.read_bytes() == source.data
    assert temp_files(path.parent) == []


# -- round trips --------------------------------------------------------------------------------------

ROUND_TRIPS: Dict[str, Tuple[bytes, str, str, bool]] = {
    # name: (bytes on disk, text, encoding, has_bom)
    "crlf": (ORIGINAL, ORIGINAL.decode(), "utf-8", False),
    "mixed-line-endings": (b"a = 1\r\nb = 2\nc = 3\rd = 4\n",
                           "a = 1\r\nb = 2\nc = 3\rd = 4\n", "utf-8", False),
    "no-final-newline": (b"x = 1\ny = 2", "x = 1\ny = 2", "utf-8", False),
    "empty": (b"", "", "utf-8", False),
    "utf-8": (b"name = '\xc3\xa9\xe2\x82\xac'\n", "name = '\u00e9\u20ac'\n", "utf-8", False),
    "utf-8-bom": (b"\xef\xbb\xbfx = '\xc3\xa9'\r\n", "x = '\u00e9'\r\n", "utf-8-sig", True),
    "bom-and-utf-8-cookie": (b"\xef\xbb\xbf# coding: utf-8\nx = 1\n",
                             "# coding: utf-8\nx = 1\n", "utf-8-sig", True),
    "latin-1-cookie": (b"# -*- coding: latin-1 -*-\r\nname = '\xe9\xe0'\r\n",
                       "# -*- coding: latin-1 -*-\r\nname = '\u00e9\u00e0'\r\n", "iso-8859-1", False),
    # Emacs-style names Python accepts (tokenize.detect_encoding normalises them)
    "utf-8-unix-cookie": (b"# -*- coding: utf-8-unix -*-\nx = '\xc3\xa9'\n",
                          "# -*- coding: utf-8-unix -*-\nx = '\u00e9'\n", "utf-8", False),
    "latin-1-unix-cookie": (b"# coding: latin-1-unix\nx = '\xe9'\n", "# coding: latin-1-unix\nx = '\u00e9'\n",
                            "iso-8859-1", False),
    "cookie-on-line-2": (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'",
                         "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\u20ac'",
                         "cp1252", False),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_round_trip_keeps_every_byte(tmp_path: Path, name: str) -> None:
    data, text, encoding, has_bom = ROUND_TRIPS[name]
    path = write(tmp_path, data)
    source = read_source(str(path))
    assert (source.path, source.data, source.text, source.encoding, source.has_bom) == (
        str(path), data, text, encoding, has_bom)
    assert encode_like(source, source.text) == data
    replace_atomically(source, encode_like(source, source.text))
    assert path.read_bytes() == data
    assert temp_files(tmp_path) == []


def test_an_edit_keeps_encoding_bom_and_line_endings(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf# caf\xc3\xa9\r\nx = 1\ry = 2")
    source = read_source(str(path))
    replace_atomically(source, encode_like(source, source.text.replace("2", "'\u00e9'")))
    assert path.read_bytes() == b"\xef\xbb\xbf# caf\xc3\xa9\r\nx = 1\ry = '\xc3\xa9'"


def test_an_edit_in_a_latin_1_file_is_written_in_latin_1(tmp_path: Path) -> None:
    path = write(tmp_path, b"# coding: latin-1\nname = '\xe9'\n")
    source = read_source(str(path))
    replace_atomically(source, encode_like(source, source.text + "other = '\u00e0'\n"))
    assert path.read_bytes() == b"# coding: latin-1\nname = '\xe9'\nother = '\xe0'\n"


def test_fingerprint_and_mode_describe_what_was_read(tmp_path: Path) -> None:
    path = write(tmp_path, b"x = 1\n")
    os.chmod(path, 0o640)
    os.utime(path, ns=(1_000_000_000, 1_234_567_891_000))
    source = read_source(str(path))
    assert source.mode == 0o640
    assert source.fingerprint == (6, 1_234_567_891_000, hashlib.sha256(b"x = 1\n").hexdigest())


@pytest.mark.parametrize("mode", [0o640, 0o755, 0o600, 0o664])
def test_replacement_has_the_original_permission_bits(tmp_path: Path, mode: int) -> None:
    path = write(tmp_path, ORIGINAL)
    os.chmod(path, mode)
    old_inode = path.stat().st_ino
    replace_atomically(read_source(str(path)), FIXED)
    assert path.read_bytes() == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.stat().st_ino != old_inode  # really a new file renamed over the old one


def test_relative_path_in_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, ORIGINAL)
    monkeypatch.chdir(tmp_path)
    replace_atomically(read_source("test_example.py"), FIXED)
    assert (tmp_path / "test_example.py").read_bytes() == FIXED
    assert temp_files(tmp_path) == []


def test_temp_file_is_a_hidden_sibling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    created: List[str] = []
    real_mkstemp = tempfile.mkstemp

    def recording_mkstemp(suffix: str, prefix: str, dir: str) -> Tuple[int, str]:
        fd, name = real_mkstemp(suffix=suffix, prefix=prefix, dir=dir)
        created.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    replace_atomically(read_source(str(path)), FIXED)
    [name] = created
    assert os.path.dirname(name) == str(tmp_path)
    assert os.path.basename(name).startswith(".test_example.py") and name.endswith(".mxs-tmp")


@pytest.mark.skipif(not IS_ROOT, reason="only root may give a file away to another owner")
def test_replacement_keeps_owner_and_group(tmp_path: Path) -> None:
    path = write(tmp_path, ORIGINAL)
    os.chown(path, 12345, 23456)
    replace_atomically(read_source(str(path)), FIXED)
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)


@pytest.mark.skipif(not IS_ROOT, reason="needs a file owned by someone else")
def test_owner_that_cannot_be_kept_leaves_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))
    os.chown(path, 12345, 23456)

    def refuse(fd: int, uid: int, gid: int) -> None:
        raise os_error(errno.EPERM)

    monkeypatch.setattr(os, "fchown", refuse)
    assert_refused(source, FIXED, "cannot keep its owner 12345 and group 23456; left untouched")


# -- failures while writing ---------------------------------------------------------------------------

def test_full_disk_on_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))

    def disk_full(fd: int, data: bytes) -> int:
        raise os_error(errno.ENOSPC)

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(FileError) as caught:
        replace_atomically(source, FIXED)
    assert str(caught.value) == "cannot write: No space left on device; left untouched"
    assert path.read_bytes() == ORIGINAL
    assert temp_files(tmp_path) == []


def test_full_disk_half_way_through_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))
    real_write = os.write
    calls: List[int] = []

    def short_then_full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:10]))  # a short write, as a nearly full disk gives
        raise os_error(errno.ENOSPC)

    monkeypatch.setattr(os, "write", short_then_full)
    assert_refused(source, FIXED * 50, "cannot write: No space left on device; left untouched")
    assert calls == [len(FIXED) * 50, len(FIXED) * 50 - 10]


def test_full_disk_on_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))

    def fsync_fails(fd: int) -> None:
        raise os_error(errno.ENOSPC)

    monkeypatch.setattr(os, "fsync", fsync_fails)
    assert_refused(source, FIXED, "cannot write: No space left on device; left untouched")


def test_quota_reported_only_on_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))
    real_close = os.close

    def close_fails(fd: int) -> None:
        real_close(fd)
        raise os_error(errno.EDQUOT)

    monkeypatch.setattr(os, "close", close_fails)
    assert_refused(source, FIXED, "cannot write: Disk quota exceeded; left untouched")


def test_read_only_file_system_on_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))

    def read_only(src: str, dst: str) -> None:
        raise os_error(errno.EROFS)

    monkeypatch.setattr(os, "replace", read_only)
    assert_refused(source, FIXED, "cannot write: Read-only file system; left untouched")


def test_interrupt_mid_write_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))
    real_write = os.write

    def interrupted(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[:5]))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        replace_atomically(source, FIXED)
    assert path.read_bytes() == ORIGINAL
    assert temp_files(tmp_path) == []


KILLED_CHILD = """
import os, sys
from flake8_xdist_safety.fixer import safe_write
source = safe_write.read_source(sys.argv[1])
real_write = os.write
def write_half_then_wait(fd, data):
    real_write(fd, bytes(data[:len(data) // 2]))
    print("half written", flush=True)
    sys.stdin.read()  # until the parent kills us
os.write = write_half_then_wait
safe_write.replace_atomically(source, b"new text\\n" * 100000)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_mid_write_cannot_truncate_the_original(tmp_path: Path) -> None:
    path = write(tmp_path, ORIGINAL)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(path)], cwd=REPO_ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == b"half written\n"
    finally:
        child.kill()
        child.communicate(timeout=10)
    assert path.read_bytes() == ORIGINAL
    # A real kill leaves the half-written temp file, under a name that says what it is, and nothing else.
    [leftover] = temp_files(tmp_path)
    assert (tmp_path / leftover).stat().st_size == len(b"new text\n") * 50000
    assert read_source(str(path)).data == ORIGINAL


def test_the_original_is_never_opened_for_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    opened: Dict[int, str] = {}
    open_flags: List[Tuple[str, int]] = []
    written_to: List[str] = []
    real_open, real_write = os.open, os.write

    def recording_open(file: str, flags: int, mode: int = 0o777, **kwargs: int) -> int:
        fd = real_open(file, flags, mode, **kwargs)
        opened[fd] = os.fspath(file)
        open_flags.append((os.fspath(file), flags))
        return fd

    def recording_write(fd: int, data: bytes) -> int:
        written_to.append(opened[fd])
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", recording_open)
    monkeypatch.setattr(os, "write", recording_write)
    replace_atomically(read_source(str(path)), FIXED)
    writing = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_TRUNC | os.O_CREAT
    assert [flags & writing for name, flags in open_flags if name == str(path)] == [0, 0]  # read, re-check
    assert written_to and all(name.endswith(".mxs-tmp") for name in written_to)
    assert path.read_bytes() == FIXED


def test_unwritable_directory_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))

    def no_permission(**kwargs: str) -> Tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), kwargs["dir"])

    monkeypatch.setattr(tempfile, "mkstemp", no_permission)
    assert_refused(source, FIXED, "cannot write: Permission denied; left untouched")


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root ignores directory permissions")
def test_unwritable_directory(tmp_path: Path) -> None:
    directory = tmp_path / "locked"
    directory.mkdir()
    path = write(directory, ORIGINAL)
    source = read_source(str(path))
    os.chmod(directory, 0o555)
    try:
        assert_refused(source, FIXED, "cannot write: Permission denied; left untouched")
    finally:
        os.chmod(directory, 0o755)


def test_write_protected_file(tmp_path: Path) -> None:
    path = write(tmp_path, ORIGINAL)
    os.chmod(path, 0o444)
    source = read_source(str(path))
    assert_refused(source, FIXED, "is read-only; left untouched")
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_file_not_writable_by_this_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(FileError, match="^is read-only; left untouched$"):
        replace_atomically(source, FIXED)
    assert path.read_bytes() == ORIGINAL


# -- files that are not plain regular files -----------------------------------------------------------

@pytest.mark.parametrize("target", ["inside", "outside", "dangling", "directory"])
def test_symlink_is_skipped_and_not_followed(tmp_path: Path, target: str) -> None:
    tree, elsewhere = tmp_path / "tree", tmp_path / "elsewhere"
    tree.mkdir()
    elsewhere.mkdir()
    targets = {
        "inside": write(tree, ORIGINAL, "test_real.py"),
        "outside": write(elsewhere, ORIGINAL, "test_outside.py"),
        "dangling": tree / "missing.py",
        "directory": elsewhere,
    }
    link = tree / "test_link.py"
    link.symlink_to(targets[target])
    with pytest.raises(FileError) as caught:
        read_source(str(link))
    assert str(caught.value) == "is a symbolic link; skipped"
    assert link.is_symlink()
    for real in (tree / "test_real.py", elsewhere / "test_outside.py"):
        if real.exists():
            assert real.read_bytes() == ORIGINAL


def test_symlink_swapped_in_between_lstat_and_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    outside = write(tmp_path, b"secret = 1\n", "outside.py")
    real_open = os.open

    def swap_then_open(file: str, flags: int, mode: int = 0o777) -> int:
        os.unlink(file)
        os.symlink(outside, file)
        return real_open(file, flags, mode)

    monkeypatch.setattr(os, "open", swap_then_open)
    with pytest.raises(FileError, match="^is a symbolic link; skipped$"):
        read_source(str(path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "test_fifo.py"
    os.mkfifo(fifo)
    outcome: List[str] = []

    def read_it() -> None:
        try:
            read_source(str(fifo))
        except FileError as exc:
            outcome.append(str(exc))

    reader = threading.Thread(target=read_it, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # unblock the reader so the test run can finish, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("read_source blocked on a FIFO")
    assert outcome == ["is a named pipe (FIFO); skipped"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_socket_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "test_socket.py"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(FileError, match=r"^is a socket; skipped$"):
            read_source(str(path))


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_device_is_skipped() -> None:
    with pytest.raises(FileError, match=r"^is a character device; skipped$"):
        read_source("/dev/null")


def test_directory_is_skipped(tmp_path: Path) -> None:
    with pytest.raises(FileError, match=r"^is a directory; skipped$"):
        read_source(str(tmp_path))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileError, match=r"^cannot read: No such file or directory; skipped$"):
        read_source(str(tmp_path / "test_gone.py"))


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)

    def no_permission(file: str, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), file)

    monkeypatch.setattr(os, "open", no_permission)
    with pytest.raises(FileError, match=r"^cannot read: Permission denied; skipped$"):
        read_source(str(path))


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root ignores file permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, ORIGINAL)
    os.chmod(path, 0o000)
    with pytest.raises(FileError, match=r"^cannot read: Permission denied; skipped$"):
        read_source(str(path))


def test_file_growing_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    real_read = os.read
    reads: List[int] = []

    def read_while_appending(fd: int, size: int) -> bytes:
        chunk = real_read(fd, size)
        reads.append(len(chunk))
        if len(reads) == 1:
            with open(path, "ab") as other_writer:
                other_writer.write(b"# more\n")
        return chunk

    monkeypatch.setattr(os, "read", read_while_appending)
    with pytest.raises(FileError, match=r"^changed while reading; skipped$"):
        read_source(str(path))


# -- edits made while the fixer runs ------------------------------------------------------------------

def _same_size_edit(path: Path) -> None:
    status = path.stat()
    path.write_bytes(ORIGINAL.replace(b"assert 1", b"assert 7"))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))  # hide it from size and mtime


def _touch(path: Path) -> None:
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))


def _append(path: Path) -> None:
    with open(path, "ab") as handle:
        handle.write(b"# edited\n")


def _chmod(path: Path) -> None:
    os.chmod(path, 0o600)


def _delete(path: Path) -> None:
    path.unlink()


def _symlink_outside(path: Path) -> None:
    path.unlink()
    path.symlink_to(write(path.parent.parent, b"outside = 1\n", "outside.py"))


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


EDITS: Dict[str, Callable[[Path], None]] = {
    "same-size-content": _same_size_edit, "mtime": _touch, "appended": _append, "mode": _chmod,
    "deleted": _delete, "replaced-by-symlink": _symlink_outside,
}
if hasattr(os, "mkfifo"):
    EDITS["replaced-by-fifo"] = _fifo


def _snapshot(path: Path) -> Tuple[bool, bool, bytes, int]:
    """What the other edit left at ``path``, to check it is kept exactly."""
    if not os.path.lexists(path):
        return False, False, b"", 0
    status = os.lstat(path)
    content = path.read_bytes() if stat.S_ISREG(status.st_mode) or path.is_symlink() else b""
    return True, path.is_symlink(), content, status.st_mtime_ns


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_change_between_read_and_replace_is_kept(tmp_path: Path, edit: str) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    path = write(tree, ORIGINAL)
    source = read_source(str(path))
    EDITS[edit](path)
    before = _snapshot(path)
    with pytest.raises(FileError) as caught:
        replace_atomically(source, FIXED)
    assert str(caught.value) == "changed while fixing; left untouched"
    assert _snapshot(path) == before
    assert temp_files(tree) == []
    if edit == "replaced-by-symlink":
        assert (tmp_path / "outside.py").read_bytes() == b"outside = 1\n"


def test_change_while_the_temp_file_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))
    real_fsync = os.fsync

    def fsync_while_someone_edits(fd: int) -> None:
        real_fsync(fd)
        _same_size_edit(path)

    monkeypatch.setattr(os, "fsync", fsync_while_someone_edits)
    with pytest.raises(FileError, match=r"^changed while fixing; left untouched$"):
        replace_atomically(source, FIXED)
    assert path.read_bytes() == ORIGINAL.replace(b"assert 1", b"assert 7")
    assert temp_files(tmp_path) == []


def test_hard_linked_file_is_left_alone(tmp_path: Path) -> None:
    path = write(tmp_path, ORIGINAL)
    source = read_source(str(path))
    os.link(path, tmp_path / "test_other_name.py")
    assert_refused(source, FIXED, "has 2 hard links, which replacing it would split; left untouched")
    assert (tmp_path / "test_other_name.py").read_bytes() == ORIGINAL


# -- encodings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, new_text, message", [
    (b"# coding: ascii\nx = 1\n", "# coding: ascii\nx = '\u00e9'\n",
     "cannot write '\u00e9' in its encoding ascii; left untouched"),
    (b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "# -*- coding: latin-1 -*-\nx = '\u00e9\u20ac'\n",
     "cannot write '\u20ac' in its encoding iso-8859-1; left untouched"),
    (b"x = 1\n", "x = '\ud800'\n", "cannot write '\\ud800' in its encoding utf-8; left untouched"),
    (b"#!/usr/bin/env python\n# coding: latin-1\nx = '\xe9'\n",
     "import pytest\n#!/usr/bin/env python\n# coding: latin-1\nx = '\u00e9'\n",
     "the fixed text would be read as utf-8, not iso-8859-1; left untouched"),
    (b"x = 1\n", "\ufeffx = 1\n", "the fixed text would be read as utf-8-sig, not utf-8; left untouched"),
    (b"x = 1\n", "# coding: klingon\nx = 1\n",
     "the fixed text declares an unknown encoding 'klingon'; left untouched"),
])
def test_encode_like_refuses(tmp_path: Path, data: bytes, new_text: str, message: str) -> None:
    source = read_source(str(write(tmp_path, data)))
    with pytest.raises(FileError) as caught:
        encode_like(source, new_text)
    assert str(caught.value) == message


def test_encode_like_restores_the_bom(tmp_path: Path) -> None:
    source = read_source(str(write(tmp_path, b"\xef\xbb\xbfx = 1\n")))
    assert encode_like(source, "y = '\u00e9'\n") == b"\xef\xbb\xbfy = '\xc3\xa9'\n"


@pytest.mark.parametrize("data, message", [
    (b"# coding: klingon\nx = 1\n", "declares an unknown encoding 'klingon'; skipped"),
    (b"#!/usr/bin/python\n# vim: fileencoding=no-such-codec\n",
     "declares an unknown encoding 'no-such-codec'; skipped"),
    (b"# coding: hex\nx = 1\n", "declares coding hex, which is not a text encoding; skipped"),
    (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
     "has a UTF-8 byte order mark but declares another coding; skipped"),
    (b"x = 1\r\ny = '\xff'\r\n", "cannot decode byte 0xff at offset 12 (line 2) as utf-8; skipped"),
    (b"a = 1\rb = 2\nc = '\xc3('\n", "cannot decode byte 0xc3 at offset 17 (line 3) as utf-8; skipped"),
    (b"\xef\xbb\xbfx = '\xff'\n", "cannot decode byte 0xff at offset 8 (line 1) as utf-8; skipped"),
    (b"# coding: ascii\nx = '\xe9'\n", "cannot decode byte 0xe9 at offset 21 (line 2) as ascii; skipped"),
    # a cookie after a line of code does not count, as for Python itself
    (b"x = 1\n# coding: latin-1\ny = '\xe9'\n",
     "cannot decode byte 0xe9 at offset 29 (line 3) as utf-8; skipped"),
])
def test_read_source_refuses_undecodable(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(FileError) as caught:
        read_source(str(path))
    assert str(caught.value) == message
    assert path.read_bytes() == data


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_encoding_agrees_with_python(tmp_path: Path, name: str) -> None:
    """The encoding and text are what Python's own source reader (tokenize) makes of the bytes."""
    data = ROUND_TRIPS[name][0]
    python_encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    source = read_source(str(write(tmp_path, data)))
    assert codecs.lookup(source.encoding).name == codecs.lookup(python_encoding).name
    assert source.text == data.decode(python_encoding)


# -- describe_os_error --------------------------------------------------------------------------------

@pytest.mark.parametrize("exc, reason", [
    (OSError(errno.ENOSPC, "No space left on device", "/tmp/x"), "No space left on device"),
    (OSError("two\nlines"), "two lines"),
    (OSError(), "OSError"),
])
def test_describe_os_error(exc: OSError, reason: str) -> None:
    assert describe_os_error(exc) == reason
