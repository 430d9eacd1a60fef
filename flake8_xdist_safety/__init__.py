"""flake8-xdist-safety: flake8 checks for test code that breaks or bloats pytest-xdist runs."""
try:
    from importlib.metadata import PackageNotFoundError, version
except ImportError:  # pragma: no cover - Python < 3.8 is not supported
    raise

try:
    __version__ = version("flake8-xdist-safety")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"
