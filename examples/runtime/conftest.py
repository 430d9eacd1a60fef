import os

import pytest

from fakeapp import app, get_current_user


@pytest.fixture
def region():
    """Sets an environment variable and puts the old value back, whatever the test does."""
    old = os.environ.get("EXAMPLE_REGION")
    os.environ["EXAMPLE_REGION"] = "eu-west-1"
    try:
        yield "eu-west-1"
    finally:
        if old is None:
            del os.environ["EXAMPLE_REGION"]
        else:
            os.environ["EXAMPLE_REGION"] = old


@pytest.fixture
def admin_user():
    """Overrides a dependency for one test and removes the override after yield."""
    app.dependency_overrides[get_current_user] = lambda: "admin"
    yield app
    app.dependency_overrides.clear()
