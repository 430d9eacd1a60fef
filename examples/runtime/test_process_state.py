"""One leak of each kind of interpreter state (docs/runtime.md), and the compliant form beside it."""
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading

import colorsys

import fakeapp

STOP_POLLING = threading.Event()


def test_changes_directory_and_stays():
    # Leaks (MXS014): relative paths in every later test of this worker resolve from here.
    os.chdir(tempfile.gettempdir())


def test_changes_directory_with_monkeypatch(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)


def test_prepends_to_sys_path():
    # Leaks (MXS015): later imports in this worker may find a different module first.
    sys.path.insert(0, os.path.join(tempfile.gettempdir(), "example-plugins"))


def test_prepends_with_monkeypatch(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(tmp_path))


def test_replaces_a_module():
    # Leaks (MXS013): every later `import colorsys` in this worker gets the stub.
    sys.modules["colorsys"] = type(colorsys)("colorsys")


def test_sets_socket_timeout():
    # Leaks (MXS016): every socket opened later in this worker times out after 30 s.
    socket.setdefaulttimeout(30.0)


def test_raises_log_level():
    # Leaks (MXS016): the application's logger stays at DEBUG for the rest of the worker.
    fakeapp.log.setLevel(logging.DEBUG)


def test_log_level_with_caplog(caplog):
    caplog.set_level(logging.DEBUG, logger="fakeapp")


def test_starts_poller_thread():
    # Leaks (MXS016): the thread outlives the test.
    threading.Thread(target=STOP_POLLING.wait, name="example-poller", daemon=True).start()


def test_joins_its_thread():
    thread = threading.Thread(target=lambda: None, name="example-short")
    thread.start()
    thread.join()


def test_starts_server_process():
    # Leaks (MXS016): the child process is still running when the next test starts.
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])


def test_waits_for_its_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_reloads_the_plugins_module():
    import importlib

    import fakeplugins

    # Leaks (MXS013): `Plugin` is a new class for every later test of this worker; instances
    # made from the class other modules imported earlier are no longer `isinstance` of it.
    importlib.reload(fakeplugins)
