"""Process state a test leaves behind for the next test in its worker (MXS012-MXS016)."""
import importlib
import logging
import os
import sys

import app


def test_debug_mode():
    app.DEBUG = True  # MXS012: every later test in the worker runs in debug mode
    assert app.DEBUG


def test_fake_settings_module():
    sys.modules["app_settings"] = object()  # MXS013: later imports get the fake
    importlib.import_module("app_settings")


def test_report_in_tmp_dir(tmp_path):
    os.chdir(tmp_path)  # MXS014: later tests resolve relative paths from a deleted directory
    assert os.getcwd() == str(tmp_path)


def test_plugin_dir(tmp_path):
    sys.path.insert(0, str(tmp_path))  # MXS015: later imports may find modules in tmp_path
    assert sys.path[0] == str(tmp_path)


def test_verbose():
    logging.getLogger("app").setLevel(logging.DEBUG)  # MXS016: the level stays for later tests
    assert logging.getLogger("app").isEnabledFor(logging.DEBUG)


def test_debug_mode_done_right(monkeypatch, tmp_path):
    monkeypatch.setattr(app, "DEBUG", True)
    monkeypatch.setitem(sys.modules, "app_settings", object())
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(tmp_path)
    assert app.DEBUG
