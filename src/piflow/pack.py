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

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from piflow.catalog import Catalog, _measure_from, default_catalog, load_bundled_yaml
from piflow.checklist_forms import checklist_data
from piflow.diagnostics import Diagnostic, InputError, located
from piflow.inputfile import read_bytes
from piflow.project import localise, project_for
from piflow.yamlsource import decode, parse


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class ItemEntry(_Strict):
    text: str = Field(min_length=1)
    measures: list[str] = Field(min_length=1)
    cloud_measures: list[str] = []


class SectionEntry(_Strict):
    name: str = Field(min_length=1)
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


class ChecklistsFile(_Strict):
    version: int = 1
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
    text = resources.files("piflow.data").joinpath("measures.yaml").read_text(encoding="utf-8")
    base = load_bundled_yaml(text)
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
    diags = []
    for i, c in enumerate(user.checklists):
        for j, form in enumerate(c.forms):
            for k, section in enumerate(form.sections):
                for n, item in enumerate(section.items):
                    for key in ("measures", "cloud_measures"):
                        for m, mid in enumerate(getattr(item, key)):
                            if mid not in catalog:
                                path = ("checklists", i, "forms", j, "sections", k, "items", n, key, m)
                                diags.append(_unknown(file, source, path, mid))
    if diags:
        raise InputError(diags)
    for c in user.checklists:
        data = c.model_dump()
        for form in data["forms"]:
            for section in form["sections"]:
                for item in section["items"]:
                    item["text"] = localise(item["text"], municipality)
        forms[c.number] = data
    return dict(sorted(forms.items()))


def policy_file_in(folder: Path | None) -> str | None:
    file = folder / "policy.yaml" if folder else None
    return str(file) if file is not None and file.is_file() else None


def _unknown(file: Path, source, path: tuple, mid: str) -> Diagnostic:
    line, col = source.where(path)
    return Diagnostic(str(file), line, col, "P205", f"保護対策の ID「{mid}」はカタログにありません",
                      f"unknown measure id {mid!r}")
