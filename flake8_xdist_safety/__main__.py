"""``python -m flake8_xdist_safety fix PATH...``."""
from flake8_xdist_safety.fixer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
