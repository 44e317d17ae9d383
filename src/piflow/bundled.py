"""The data files piflow ships (checklist forms, measure catalog, policy, themes), read fast.

The YAML files are the source people edit and review.  Parsing them costs more than the rest of
a short command (about 25 ms for the checklist forms and the catalog, with the C parser), so each
one has a compiled twin, ``<name>.json``, holding the parsed data and the SHA-256 of the YAML
text it came from.  The twin is used only while that hash matches; an edited YAML file is parsed
as before (correct, only slower) until ``make data`` writes the twin again, and
``tests/test_bundled.py`` fails while any twin is stale.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import yaml

PACKAGE = "piflow.data"  # the bundled data `make data` compiles (the themes are too small to matter)


def parse_yaml(text: str) -> Any:
    """Our own data files: trusted, no positions needed, so the fast C loader when present."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compiled(text: str) -> str:
    """The JSON twin of a YAML text (what ``make data`` writes)."""
    return json.dumps({"source_sha256": digest(text), "data": parse_yaml(text)}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def load(name: str, package: str = PACKAGE) -> Any:
    """The parsed ``<name>.yaml`` of a package: from its JSON twin when that was made from this text."""
    return load_from(resources.files(package), name)


def load_from(folder, name: str) -> Any:
    """The same from a folder (a ``Path`` or a package's ``Traversable``)."""
    text = folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    twin = folder.joinpath(f"{name}.json")
    if twin.is_file():
        try:
            packed = json.loads(twin.read_text(encoding="utf-8"))
        except ValueError:
            packed = None
        if isinstance(packed, dict) and packed.get("source_sha256") == digest(text):
            return packed["data"]
    return parse_yaml(text)
