from unittest import mock

import pytest

import fakeapp

# Each patch replaces the function with a small recorder (new=...), so these tests create
# no mock objects; what matters here is whether each patch is undone.
SENT = []


def record_email(address, body):
    SENT.append(address)


def test_starts_patcher_and_never_stops_it():
    # Leaks: the patch stays active in this worker after the test.
    mock.patch("fakeapp.send_email", new=record_email).start()
    fakeapp.send_email("ops@example.com", "hello")
    assert SENT[-1] == "ops@example.com"


def test_patch_as_context_manager():
    with mock.patch("fakeapp.get_db", new=lambda: "sqlite://"):
        assert fakeapp.get_db() == "sqlite://"
    assert fakeapp.get_db() == "production database"


@mock.patch("fakeapp.get_current_user", new=lambda: "tester")
def test_patch_as_decorator():
    assert fakeapp.get_current_user() == "tester"


@pytest.fixture
def patched_user():
    patcher = mock.patch("fakeapp.get_current_user", new=lambda: "mailer")
    yield patcher.start()
    patcher.stop()


def test_patcher_stopped_in_teardown(patched_user):
    assert fakeapp.get_current_user() == "mailer"
