"""A stand-in for a FastAPI application: what the runtime checks look for is an object with a
dict attribute ``dependency_overrides``, so the example needs no web framework installed."""
import logging

log = logging.getLogger("fakeapp")


class FakeApp:
    def __init__(self):
        self.dependency_overrides = {}

    def resolve(self, dependency):
        """Call the override of *dependency* if one is set, as FastAPI does per request."""
        return self.dependency_overrides.get(dependency, dependency)()


def get_db():
    return "production database"


def get_current_user():
    return "anonymous"


def send_email(address, body):
    raise RuntimeError("the example must never send mail")


app = FakeApp()
# A second application, as when a legacy API is mounted beside the new one.
legacy_app = FakeApp()
