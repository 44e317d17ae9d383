"""The ward's checklist forms (別紙チェックリスト 1-8) as the tool ships them: data, read once.

Below the loader and the packs, so that a policy pack can replace a form by number without the
data climbing back up to the code that fills the forms (piflow.checklist).

Every item is normalised here to a list of parts ``{measure, when, by}`` (see the header of
``data/checklists.yaml``); the older shape (``measures`` + ``cloud_measures``) that policy packs
may still use is read as the same parts.
"""

from __future__ import annotations

from functools import cache

from piflow import bundled
from piflow.project import DEFAULT_MUNICIPALITY, localise

_SHORT = ("区", "市", "町", "村")


def ward_word(municipality: str) -> str:
    """How the forms speak of the municipality: 新宿区 → 区, 長崎市 → 市 (区 when it cannot tell)."""
    return municipality[-1] if municipality and municipality[-1] in _SHORT else "区"


def localised(text: str, municipality: str) -> str:
    """``{municipality}`` and ``{ward}`` (区が行う → 市が行う) filled in."""
    return localise(text, municipality).replace("{ward}", ward_word(municipality))


def parts_of(item: dict) -> list[dict]:
    """An item's parts as ``{measure, when, by, hand}`` dicts, whichever shape the item is written in."""
    if "parts" in item and item["parts"] is not None:
        out = []
        for p in item["parts"]:
            if isinstance(p, str):
                out.append({"measure": p, "when": None, "by": None, "hand": None})
            else:
                out.append({"measure": p["measure"], "when": p.get("when"), "by": p.get("by"), "hand": p.get("hand")})
        return out
    return ([{"measure": m, "when": None, "by": None, "hand": None} for m in item.get("measures") or ()]
            + [{"measure": m, "when": "cloud", "by": "anyone", "hand": None} for m in item.get("cloud_measures") or ()])


def normalise(checklist: dict, municipality: str) -> dict:
    """One checklist with its texts localised and every item's ``parts`` in the one shape."""
    out = dict(checklist, title=localised(checklist["title"], municipality))
    forms = []
    for form in checklist["forms"]:
        sections = []
        for section in form["sections"]:
            items = []
            for item in section["items"]:
                new = {"text": localised(item["text"], municipality), "parts": parts_of(item),
                       "guides": bool(item.get("guides")),
                       "partner_waivers": bool(item.get("guides") or section.get("partner_waivers")),
                       "text_recipient": localised(item["text_recipient"], municipality)
                       if item.get("text_recipient") else None}
                new["measures"] = [p["measure"] for p in new["parts"]]
                items.append(new)
            sections.append(dict(section, items=items))
        forms.append(dict(form, header=localised(form["header"], municipality), sections=sections))
    out["forms"] = forms
    return out


@cache
def _bundled() -> dict:
    return bundled.load("checklists")


@cache
def checklist_data(municipality: str = DEFAULT_MUNICIPALITY) -> dict:
    """The forms, with the municipality's name where they name it (its 情報セキュリティポリシー, 区/市)."""
    return {c["number"]: normalise(c, municipality) for c in _bundled()["checklists"]}


@cache
def condition_texts(municipality: str = DEFAULT_MUNICIPALITY) -> dict[str, dict[str, str]]:
    """Condition name -> its title, title_en and the reason a form prints when it does not hold."""
    return {name: localised_condition(entry, municipality) for name, entry in _bundled()["conditions"].items()}


def localised_condition(entry: dict, municipality: str) -> dict:
    """A condition's wording with ``{ward}`` filled in (``reason_if`` is a list of condition names)."""
    return {k: localised(v, municipality) if isinstance(v, str) else v for k, v in entry.items()}


__all__ = ["checklist_data", "condition_texts", "localised", "localised_condition", "normalise", "parts_of", "ward_word"]
