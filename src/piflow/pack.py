"""Policy packs: a project's own measure catalog, checklist forms and policy.

``piflow.toml`` may name a folder (``pack = "pack"``, relative to the file) with
any of the three data files the tool ships, in the same shape:

- ``measures.yaml``: measures by ``id`` (the same id replaces the built-in one,
  a new id adds one) and ``combined`` labels;
- ``checklists.yaml``: checklist forms by ``number`` (the same number replaces
  the built-in form);
- ``policy.yaml``: requirements, as a ``--policy`` file (same id replaces, new id
  adds, ``disable`` removes); a ``--policy`` file still goes on top.

Every file is checked with located errors (P101 shape, P205 unknown measure id).
"""

from __future__ import annotations

from difflib import get_close_matches
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from piflow import bundled
from piflow.catalog import Catalog, _measure_from, default_catalog
from piflow.checklist_forms import checklist_data, condition_texts, localised_condition, normalise
from piflow.diagnostics import Diagnostic, InputError, located
from piflow.inputfile import read_bytes
from piflow.project import project_for
from piflow.yamlsource import decode, parse


class _Strict(BaseModel):
    # Built on first use: most runs have no pack, and building ten schemas at every start cost ~4 ms.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class MeasureEntry(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    label: str = Field(min_length=1)
    en: str = ""
    aliases: list[str] = []
    category: str = Field(pattern=r"^(system|operational)$")
    side: str = Field(pattern=r"^(ward|partner|both)$")
    ward_text: str = ""
    partner_text: str = ""
    sources: list[str] = []
    implies: list[str] = []


class MeasuresFile(_Strict):
    version: int = 1
    measures: list[MeasureEntry] = []
    combined: dict[str, list[str]] = {}


class PartEntry(_Strict):
    """One measure an item asks for, and when (a condition of data/checklists.yaml's ``conditions``)."""

    measure: str = Field(min_length=1)
    when: str | None = None
    by: str | None = Field(None, pattern=r"^anyone$")
    hand: str | None = Field(None, description="a data class (認証情報) that must be handed over by hand")


class ItemEntry(_Strict):
    """An item: its wording and its parts (``parts``, or the older ``measures`` + ``cloud_measures``)."""

    text: str = Field(min_length=1)
    parts: list[str | PartEntry] | None = Field(None, min_length=1)
    measures: list[str] = []
    cloud_measures: list[str] = []
    guides: bool = False
    text_recipient: str | None = None

    @model_validator(mode="after")
    def _has_parts(self):
        if not self.parts and not self.measures:
            raise ValueError("an item needs parts (or measures) / 項目には parts（または measures）が必要です")
        return self


class SectionEntry(_Strict):
    name: str = Field(min_length=1)
    partner_waivers: bool = False  # ward-side items about the partner's systems: its waivers answer them too
    items: list[ItemEntry] = Field(min_length=1)


class FormEntry(_Strict):
    side: str = Field(pattern=r"^(ward|partner)$")
    header: str = Field(min_length=1)
    sections: list[SectionEntry] = Field(min_length=1)


class ChecklistEntry(_Strict):
    number: int = Field(ge=1, le=8)
    title: str = Field(min_length=1)
    basis: str = ""
    media: str | None = None
    forms: list[FormEntry] = Field(min_length=1)


class ConditionEntry(_Strict):
    """A pack's wording for a condition the tool knows (its reason printed as 「－（…）」).

    ``reason_if`` lists conditions one of which ``reason`` takes for granted (「電子データのみの取扱いのため」
    says the partner handles data, electronically); where none holds, ``reason_else`` is printed.
    Left out, the built-in ones stay."""

    title: str = Field(min_length=1)
    title_en: str = ""
    reason: str = Field(min_length=1)
    reason_if: list[str] | None = Field(None, min_length=1)
    reason_else: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _both_or_neither(self) -> ConditionEntry:
        if (self.reason_if is None) != (self.reason_else is None):
            raise ValueError("reason_if と reason_else は組で書きます (reason_if and reason_else go together)")
        return self


class ChecklistsFile(_Strict):
    version: int = 1
    conditions: dict[str, ConditionEntry] = {}
    checklists: list[ChecklistEntry] = []


def pack_folder(path: str | Path | None) -> Path | None:
    """The pack of the project a flow (or the current folder) belongs to, if it has one."""
    return project_for(path).pack


def _read(file: Path, model: type[BaseModel]):
    """(validated model, raw data, source) for one pack file, or raise located diagnostics."""
    name = str(file)
    raw = read_bytes(name)  # regular files only, bounded
    text, errors = decode(name, raw)
    if text is None:
        raise InputError(errors)
    source, errors = parse(name, text)
    if source is None or errors:
        raise InputError(errors)
    try:
        return model.model_validate(source.data), source
    except ValidationError as exc:
        raise InputError(located(name, source, exc, "ポリシーパックの誤り")) from None


@cache
def catalog_in(folder: Path | None) -> Catalog:
    """The built-in catalog with the pack's measures.yaml merged over it (by id)."""
    file = folder / "measures.yaml" if folder else None
    if file is None or not file.is_file():
        return default_catalog()
    user, source = _read(file, MeasuresFile)
    base = bundled.load("measures")
    merged = {e["id"]: e for e in base["measures"]}
    merged.update({m.id: m.model_dump() for m in user.measures})
    combined = {**(base.get("combined") or {}), **user.combined}
    diags = []
    for i, m in enumerate(user.measures):
        for j, mid in enumerate(m.implies):
            if mid not in merged:
                diags.append(_unknown(file, source, ("measures", i, "implies", j), mid))
    for label, ids in user.combined.items():
        for j, mid in enumerate(ids):
            if mid not in merged:
                diags.append(_unknown(file, source, ("combined", label, j), mid))
    if diags:
        raise InputError(diags)
    return Catalog([_measure_from(e) for e in merged.values()], combined)


@cache
def checklists_in(folder: Path | None, municipality: str) -> dict[int, dict]:
    """Checklist forms by number: the built-in ones, a pack's checklists.yaml replacing by number."""
    forms = dict(checklist_data(municipality))
    file = folder / "checklists.yaml" if folder else None
    if file is None or not file.is_file():
        return forms
    user, source = _read(file, ChecklistsFile)
    catalog = catalog_in(folder)
    conditions = condition_texts(municipality)
    diags = [_unknown_condition(file, source, ("conditions", name), name, conditions)
             for name in user.conditions if name not in conditions]
    diags += [_unknown_condition(file, source, ("conditions", name, "reason_if", k), other, conditions)
              for name, entry in user.conditions.items() for k, other in enumerate(entry.reason_if or ())
              if other not in conditions]
    for i, c in enumerate(user.checklists):
        for j, form in enumerate(c.forms):
            for k, section in enumerate(form.sections):
                for n, item in enumerate(section.items):
                    at = ("checklists", i, "forms", j, "sections", k, "items", n)
                    for key in ("measures", "cloud_measures"):
                        for m, mid in enumerate(getattr(item, key)):
                            if mid not in catalog:
                                diags.append(_unknown(file, source, (*at, key, m), mid))
                    for m, part in enumerate(item.parts or ()):
                        mid = part if isinstance(part, str) else part.measure
                        where = (*at, "parts", m) if isinstance(part, str) else (*at, "parts", m, "measure")
                        if mid not in catalog:
                            diags.append(_unknown(file, source, where, mid))
                        if not isinstance(part, str) and part.when is not None and part.when not in conditions:
                            diags.append(_unknown_condition(file, source, (*at, "parts", m, "when"), part.when,
                                                            conditions))
    if diags:
        raise InputError(diags)
    for c in user.checklists:
        forms[c.number] = normalise(c.model_dump(exclude_none=False), municipality)
    return dict(sorted(forms.items()))


@cache
def conditions_in(folder: Path | None, municipality: str) -> dict[str, dict[str, str]]:
    """Condition name -> title and reason: the built-in wording, a pack's checklists.yaml ``conditions`` over it."""
    texts = dict(condition_texts(municipality))
    file = folder / "checklists.yaml" if folder else None
    if file is None or not file.is_file():
        return texts
    checklists_in(folder, municipality)  # validates the file (located errors) first
    user, _ = _read(file, ChecklistsFile)
    for name, entry in user.conditions.items():
        # Over the built-in wording: a pack that rewords the reason keeps the built-in reason_if / reason_else.
        texts[name] = {**texts[name], **localised_condition(entry.model_dump(exclude_none=True), municipality)}
    return texts


def _unknown_condition(file: Path, source, path: tuple, name: str, known) -> Diagnostic:
    line, col = source.where(path)
    near = get_close_matches(name, list(known), n=1)
    hint = f"（もしかして (did you mean): {near[0]}）" if near else ""
    return Diagnostic(str(file), line, col, "P207", f"条件「{name}」はありません{hint}。使える条件: {'、'.join(known)}",
                      f"unknown condition {name!r}; known: {', '.join(known)}")


def policy_file_in(folder: Path | None) -> str | None:
    file = folder / "policy.yaml" if folder else None
    return str(file) if file is not None and file.is_file() else None


def _unknown(file: Path, source, path: tuple, mid: str) -> Diagnostic:
    line, col = source.where(path)
    return Diagnostic(str(file), line, col, "P205", f"保護対策の ID「{mid}」はカタログにありません",
                      f"unknown measure id {mid!r}")
