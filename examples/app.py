"""Application code: flake8-xdist-safety leaves files that are not tests alone."""
import os
from unittest.mock import MagicMock

DEFAULT_CLIENT = MagicMock()  # not a test file, so not reported


def configure() -> None:
    os.environ["APP_MODE"] = "demo"
