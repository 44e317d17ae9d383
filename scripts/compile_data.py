"""Write the JSON twin of every bundled data file (src/piflow/data/*.yaml): `make data`.

The twins only make start-up faster (piflow.bundled); a stale one is ignored, and
tests/test_bundled.py fails until this has been run again.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from piflow import bundled  # noqa: E402


def main() -> int:
    folder = ROOT / "src" / "piflow" / "data"
    for source in sorted(folder.glob("*.yaml")):
        twin = source.with_suffix(".json")
        text = bundled.compiled(source.read_text(encoding="utf-8"))
        if not twin.is_file() or twin.read_text(encoding="utf-8") != text:
            twin.write_text(text, encoding="utf-8")
            print(f"wrote {twin.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
