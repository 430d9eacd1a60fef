import os

import pytest

# Module level of a conftest.py: every test of the directory sees it, in every worker.
os.environ.setdefault("APP_MODE", "test")


@pytest.fixture(scope="session")
def payment_gateway(session_mocker):
    """MXS006: one mock for the whole session; its call history grows with every test."""
    return session_mocker.MagicMock(name="gateway")
