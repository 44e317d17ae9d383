"""The ward's checklist forms (別紙チェックリスト 1-8) as the tool ships them: data, read once.

Below the loader and the packs, so that a policy pack can replace a form by number without the
data climbing back up to the code that fills the forms (piflow.checklist).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from piflow.catalog import load_bundled_yaml
from piflow.project import DEFAULT_MUNICIPALITY, localise


@cache
def checklist_data(municipality: str = DEFAULT_MUNICIPALITY) -> dict:
    """The forms, with the municipality's name where they name it (its 情報セキュリティポリシー)."""
    text = resources.files("piflow.data").joinpath("checklists.yaml").read_text(encoding="utf-8")
    return {c["number"]: c for c in load_bundled_yaml(localise(text, municipality))["checklists"]}
