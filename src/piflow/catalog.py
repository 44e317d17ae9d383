"""The measure catalog (保護対策カタログ): ids, figure labels, checklist sentences.

The catalog is data (``piflow/data/measures.yaml``); this module loads it once
and resolves what a user wrote — an ascii id, the label as figures print it,
or one of the variant wordings found in the papers — to measure ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from piflow import bundled
from piflow.textnorm import match_key, strip_trailing_paren, suggest


@dataclass(frozen=True)
class ChecklistRef:
    """Where a measure comes from: 「5-運用-7」 = checklist 5, operational, item 7."""

    raw: str

    @property
    def checklist(self) -> str:
        return self.raw.split("-")[0]

    def __str__(self) -> str:
        parts = self.raw.split("-")
        if len(parts) == 3:
            return f"チェックリスト{parts[0]} {parts[1]}上の対策 {parts[2]}"
        return {"guideline": "総務省ガイドライン", "資料7": "資料7（介護保険料通知）の情報保護対策"}.get(
            self.raw, self.raw
        )


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    en: str
    aliases: tuple[str, ...]
    category: Literal["system", "operational"]
    side: Literal["ward", "partner", "both"]
    ward_text: str
    partner_text: str
    sources: tuple[ChecklistRef, ...]
    implies: tuple[str, ...] = ()

    @property
    def category_ja(self) -> str:
        return "システム上の対策" if self.category == "system" else "運用上の対策"


class UnknownMeasure(ValueError):
    def __init__(self, text: str, suggestions: list[str]):
        super().__init__(text)
        self.text = text
        self.suggestions = suggestions


class Catalog:
    """All measures, indexed by id and by every accepted spelling."""

    def __init__(self, measures: list[Measure], combined: dict[str, list[str]]):
        self.measures = {m.id: m for m in measures}
        self._labels: dict[str, tuple[str, ...]] = {}
        self._index: dict[str, tuple[str, ...]] = {}
        for m in measures:
            for spelling in (m.id, m.label, *m.aliases):
                self._index[match_key(spelling)] = (m.id,)
        for spelling, ids in combined.items():
            unknown = [i for i in ids if i not in self.measures]
            if unknown:
                raise ValueError(f"catalog: combined label {spelling!r} names unknown ids {unknown}")
            self._index[match_key(spelling)] = tuple(ids)

    def __contains__(self, measure_id: str) -> bool:
        return measure_id in self.measures

    def __getitem__(self, measure_id: str) -> Measure:
        return self.measures[measure_id]

    def __iter__(self):
        return iter(self.measures.values())

    def source_labels(self, measure_id: str) -> tuple[str, ...]:
        """「チェックリスト5 運用上の対策 7」 … for a measure (computed once)."""
        if measure_id not in self._labels:
            self._labels[measure_id] = tuple(str(s) for s in self.measures[measure_id].sources)
        return self._labels[measure_id]

    def closure(self, ids) -> tuple[str, ...]:
        """The ids plus every measure they imply (特記事項 implies 法令等の遵守)."""
        out: dict[str, None] = {}
        todo = list(ids)
        while todo:
            mid = todo.pop(0)
            if mid in out:
                continue
            out[mid] = None
            todo += list(self.measures[mid].implies) if mid in self.measures else []
        return tuple(out)

    def resolve(self, text: str) -> tuple[str, ...]:
        """Measure ids for what the user wrote; raises UnknownMeasure with suggestions."""
        # 「個人情報保護法及び豊島区情報セキュリティポリシーの遵守」 is the same measure in every ward.
        text = _POLICY_OF.sub("新宿区", text)
        key = match_key(text)
        if key in self._index:
            return self._index[key]
        # 「外部からの攻撃防御（ファイウォールの設置…）」: the bracketed gloss varies.
        short = match_key(strip_trailing_paren(text))
        if short in self._index:
            return self._index[short]
        spellings = [m.label for m in self] + [m.id for m in self]
        raise UnknownMeasure(text, suggest(text, spellings))


# The municipality in 「○○区情報セキュリティポリシー」 (a name of up to 10 characters ending in 都道府県市区町村).
_POLICY_OF = re.compile(r"[^\s及び、・（(]{1,10}?[都道府県市区町村](?=情報セキュリティポリシー)")


def _measure_from(entry: dict) -> Measure:
    return Measure(
        id=entry["id"],
        label=entry["label"],
        en=entry["en"],
        aliases=tuple(entry.get("aliases") or ()),
        category=entry["category"],
        side=entry["side"],
        ward_text=entry["ward_text"],
        partner_text=entry["partner_text"],
        sources=tuple(ChecklistRef(str(s)) for s in entry.get("sources") or ()),
        implies=tuple(entry.get("implies") or ()),
    )


@cache
def default_catalog() -> Catalog:
    data = bundled.load("measures")
    return Catalog([_measure_from(e) for e in data["measures"]], data.get("combined") or {})
