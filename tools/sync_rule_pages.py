"""Copy docs/rules/MXSnnn.md into the package (flake8_xdist_safety/rule_pages/), where
``flake8-xdist-safety rule CODE`` reads them; remove copies whose page is gone.

    python tools/sync_rule_pages.py

docs/rules/ is the one place pages are edited; tests/test_rule_pages.py fails until this has run.
"""
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "rules"
SHIPPED = ROOT / "flake8_xdist_safety" / "rule_pages"
PATTERN = "MXS[0-9][0-9][0-9].md"


def main() -> int:
    SHIPPED.mkdir(exist_ok=True)
    pages = {page.name for page in SOURCE.glob(PATTERN)}
    for stale in sorted(page for page in SHIPPED.glob(PATTERN) if page.name not in pages):
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}")
    for name in sorted(pages):
        target = SHIPPED / name
        if not target.exists() or target.read_bytes() != (SOURCE / name).read_bytes():
            shutil.copyfile(SOURCE / name, target)
            print(f"copied docs/rules/{name} -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
