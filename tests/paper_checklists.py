"""Compare piflow's filled checklists with the seed papers' own marks (tests/papers/checklist-marks.yaml).

Used by tests/test_paper_checklists.py (which pins the differences to the table in
docs/real-papers.md) and by scripts that measure them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from piflow.audit.engine import audit, completeness
from piflow.checklist import BLANK_MARK, fill
from piflow.loader import load

MARKS = Path(__file__).parent / "papers" / "checklist-marks.yaml"
ABSENT = "（項目なし）"


@dataclass(frozen=True, order=True)
class Difference:
    file: str
    form: int
    partner: str
    side: str
    item: str  # 「運用上の対策-3」
    paper: str
    piflow: str


def normalise_mark(mark: str) -> str:
    """「ー (電子データのみ…)」 and 「－（電子データのみ…）」 are the same mark; blank is 「（空欄）」, on the paper
    an empty cell and in piflow's form the 「（未記入）」 it prints there."""
    mark = mark.strip().replace("ー", "－").replace("(", "（").replace(")", "）").replace(" ", "")
    return "（空欄）" if mark in ("", BLANK_MARK) else mark


def differences(flows: Path) -> tuple[list[Difference], dict[str, set[str]], int]:
    """(every cell where piflow and the paper differ, finding keys per file, cells compared)."""
    spec = yaml.safe_load(MARKS.read_text(encoding="utf-8"))
    out: list[Difference] = []
    keys: dict[str, set[str]] = {}
    compared = 0
    for name, sheets in spec.items():
        doc = load(flows / name)
        findings = audit(doc)
        keys[name] = {f.key for f in findings + completeness(doc, findings)}
        forms = fill(doc, findings)
        for sheet in sheets:
            for partner in sheet["partners"]:
                mine = [f for f in forms if f.number == sheet["form"] and f.partner_id == partner]
                sides = {f.side: f for f in mine}
                for side in ("ward", "partner"):
                    form = sides.get(side)
                    if form is None:
                        out.append(Difference(name, sheet["form"], partner, side, "（様式）", "あり", "（なし）"))
                        continue
                    marks = sheet.get(side) or {}
                    for section in form.sections:
                        for item in section.items:
                            key = f"{section.name}-{item.number}"
                            paper = ABSENT if key in sheet.get("absent", ()) else marks.get(key, "○")
                            compared += 1
                            if normalise_mark(paper) != normalise_mark(item.mark):
                                out.append(Difference(name, sheet["form"], partner, side, key,
                                                      normalise_mark(paper), normalise_mark(item.mark)))
    return sorted(out), keys, compared


TABLE = re.compile(r"<!-- checklist-differences -->\n(.*?)<!-- /checklist-differences -->", re.S)


def documented(doc_text: str) -> list[tuple[Difference, str]]:
    """The rows of docs/real-papers.md's table of differences, with each row's reason."""
    bodies = TABLE.findall(doc_text)
    assert bodies, "docs/real-papers.md has no <!-- checklist-differences --> table"
    rows = []
    for line in "\n".join(bodies).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or not cells[1].isdigit():
            continue
        file, form, partner, side, item, paper, mine, why = cells
        side = {"区": "ward", "相手方": "partner"}[side]
        rows.append((Difference(file.strip("`"), int(form), partner.strip("`"), side, item.replace(" ", "-"),
                                paper, mine), why))
    return rows
