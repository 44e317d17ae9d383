"""Issue 25 item 1, the seeded part of the hostile corpus: damaged inputs end in a located error (exit 2)
or a correct result, never a traceback.

Seeded, so a failure names its case and reproduces: 300 damaged copies of the bundled workbooks (the
example flows written as the Excel form) and 300 damaged copies of the example flow files.
"""

from __future__ import annotations

import random

from conftest import FLOWS
from hostile.common import LOCATED, LOCATED_IN_BOOK, run
from hostile.damage import damage_book, damage_yaml
from piflow.form.writer import to_xlsx
from piflow.loader import load

CASES = 300
EXAMPLES = sorted(FLOWS.glob("*.yaml"))


def _books() -> list[bytes]:
    return [to_xlsx(load(str(f)).flow) for f in EXAMPLES]


def _refused(tmp_path, suffix: str, originals: list, damage, seed: int, where) -> int:
    """Validate CASES damaged copies: each exit 0, or exit 2 located as ``where`` says; how many were refused."""
    rng = random.Random(seed)
    refused = 0
    for case in range(CASES):
        path = tmp_path / f"damaged-{case}{suffix}"
        path.write_bytes(damage(rng.choice(originals), rng))
        code, output = run(["validate", path])  # run() fails on a traceback
        assert code in (0, 2), (case, output[-400:])
        if code == 2:
            assert where.search(output), (case, output[-400:])
            refused += 1
    return refused


def test_damaged_workbooks_end_in_a_located_error_or_a_result(tmp_path):
    refused = _refused(tmp_path, ".xlsx", _books(), damage_book, 25, LOCATED_IN_BOOK)
    assert refused > CASES // 2  # most damage is refused, not read as something else


def test_damaged_flow_files_end_in_a_located_error_or_a_result(tmp_path):
    texts = [f.read_text(encoding="utf-8") for f in EXAMPLES]
    assert _refused(tmp_path, ".yaml", texts, damage_yaml, 2025, LOCATED) > CASES // 2
