"""The seed papers' checklists, reproduced cell by cell (item 5 of issue #22).

tests/papers/checklist-marks.yaml holds the papers' marks; docs/real-papers.md holds the
table of every cell where piflow differs, each with its reason.  The differences piflow
finds must be exactly the documented rows, and each row must be explained by a finding
that the audit reports (or by the paper's older form having no such row).
"""

from __future__ import annotations

import re

from conftest import FLOWS, ROOT
from paper_checklists import ABSENT, differences, documented, normalise_mark

DOC = ROOT / "docs" / "real-papers.md"


def test_differences_are_exactly_the_documented_table():
    found, _, compared = differences(FLOWS)
    rows = [d for d, _ in documented(DOC.read_text(encoding="utf-8"))]
    assert compared == 392  # every row of the filed forms is compared (3: 22, 4: 16, 5: 24, per side)
    assert sorted(rows) == found


def test_every_documented_difference_is_named_by_a_finding_or_the_form():
    _, keys, _ = differences(FLOWS)
    for row, why in documented(DOC.read_text(encoding="utf-8")):
        named = re.findall(r"`([^`]+@[^`]+)`", why)
        if named:
            assert all(k in keys[row.file] for k in named), (row, named)
        else:
            # Only a row the paper's form does not have may go without a finding, and only as 「－」.
            assert row.paper == ABSENT and row.piflow.startswith("－（"), row


def test_no_difference_on_the_papers_own_dash_items():
    """The papers' 「－（電子データのみの取扱いのため）」 are reproduced, reason and all."""
    found, _, _ = differences(FLOWS)
    assert not [d for d in found if d.paper.startswith("－")]


def test_marks_compare_whatever_the_dash():
    assert normalise_mark("ー (電子データのみの取扱いのため)") == normalise_mark("－（電子データのみの取扱いのため）")
    assert normalise_mark("") == "（空欄）" != normalise_mark("○")
