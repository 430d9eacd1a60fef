"""pytest hooks of the runtime checks: options only, unless ``--xdist-safety`` is given."""
from typing import Any


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("xdist-safety")
    group.addoption("--xdist-safety", action="store_true", default=False,
                    help="report tests that leak environment variables, patchers, "
                         "dependency overrides or memory (flake8-xdist-safety)")
    parser.addini("xdist_safety", type="bool", default=False,
                  help="enable the flake8-xdist-safety runtime checks")
