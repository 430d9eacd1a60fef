"""The fixer: ``flake8-xdist-safety fix``."""
