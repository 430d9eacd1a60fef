from unittest import mock

from fakeapp import app, get_current_user, get_db, legacy_app


def fake_db():
    return "test database"


def test_overrides_db_and_keeps_it():
    # Leaks: the override outlives the test, so later tests in this worker get the fake.
    legacy_app.dependency_overrides[get_db] = fake_db
    assert legacy_app.resolve(get_db) == "test database"


def test_override_cleared_after_yield(admin_user):
    assert admin_user.resolve(get_current_user) == "admin"


def test_override_with_patch_dict():
    with mock.patch.dict(app.dependency_overrides, {get_current_user: lambda: "guest"}):
        assert app.resolve(get_current_user) == "guest"
