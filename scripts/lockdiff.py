"""Print the installed packages whose version differs from uv.lock: ``name lock-version -> installed``.

Used by ``make test-latest`` to name the dependency behind a failure.  Run with the interpreter of the
environment to compare:  .venv-latest/bin/python scripts/lockdiff.py uv.lock
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata


def locked(path: str) -> dict[str, set[str]]:
    with open(path, "rb") as handle:
        lock = tomllib.load(handle)
    pins: dict[str, set[str]] = {}
    for package in lock.get("package", []):
        if "editable" in package.get("source", {}) or "virtual" in package.get("source", {}):
            continue  # piflow itself
        pins.setdefault(package["name"], set()).add(package["version"])
    return pins


def main(argv: list[str]) -> int:
    pins = locked(argv[1] if len(argv) > 1 else "uv.lock")
    for dist in sorted(metadata.distributions(), key=lambda d: d.metadata["Name"].lower()):
        name = dist.metadata["Name"].lower().replace("_", "-").replace(".", "-")
        if name in pins and dist.version not in pins[name]:
            print(f"{name} {'/'.join(sorted(pins[name]))} -> {dist.version}")
        elif name not in pins and name not in {"piflow", "pip", "setuptools"}:
            print(f"{name} (not in uv.lock) {dist.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
