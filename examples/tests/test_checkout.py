"""A small test module with one example of each MXS finding (MXS001, MXS002 and MXS010 are
opt-in: `flake8 --extend-select=MXS001,MXS002,MXS010`)."""
import os
import socket
from unittest import mock

import pytest

SHARED_CLIENT = mock.MagicMock()  # MXS005: two tests below see the same mock


class TestCheckout:  # MXS001 + MXS002: creates mocks, no xdist_group, no gc teardown
    def test_total(self):
        SHARED_CLIENT.get_cart.return_value = None
        cart = mock.MagicMock()
        cart.total.return_value = 42
        assert cart.total() == 42

    def test_discount_env(self):
        os.environ["DISCOUNT"] = "10"  # MXS003: never restored
        assert os.environ["DISCOUNT"] == "10"

    def test_started_patcher(self):
        patcher = mock.patch("os.getcwd", return_value="/srv")
        patcher.start()  # MXS004: a failing assert would skip the stop below
        assert os.getcwd() == "/srv"
        patcher.stop()


def test_override(api):
    assert SHARED_CLIENT
    api.dependency_overrides["db"] = lambda: None  # MXS007: never cleared


@pytest.mark.xdist_group  # MXS011: unnamed, so it joins the suite-wide "default" group
def test_fixed_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 8765))  # MXS008: two workers, one port
        assert server.getsockname()[1] == 8765


@pytest.mark.performance
def test_checkout_is_fast():  # MXS009: timed beside busy workers
    assert sum(range(1000)) == 499500


@pytest.fixture
def api():
    return mock.MagicMock()
