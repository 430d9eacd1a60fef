import os
from unittest import mock


def test_sets_token_and_leaves_it():
    # Leaks: nothing removes the variable, so every later test in this worker sees it.
    os.environ["EXAMPLE_API_TOKEN"] = "not-a-secret"
    assert os.environ["EXAMPLE_API_TOKEN"] == "not-a-secret"


def test_monkeypatch_setenv(monkeypatch):
    monkeypatch.setenv("EXAMPLE_DEBUG", "1")
    assert os.environ["EXAMPLE_DEBUG"] == "1"


def test_patch_dict_environ():
    with mock.patch.dict(os.environ, {"EXAMPLE_LOCALE": "de_DE"}):
        assert os.environ["EXAMPLE_LOCALE"] == "de_DE"


def test_fixture_restores(region):
    assert os.environ["EXAMPLE_REGION"] == region
