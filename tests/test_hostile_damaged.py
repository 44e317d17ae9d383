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


def test_damaged_workbooks_end_in_a_located_error_or_a_result(tmp_path):
    rng = random.Random(25)
    books = _books()
    outcomes = {0: 0, 2: 0}
    for case in range(CASES):
        path = tmp_path / f"damaged-{case}.xlsx"
        path.write_bytes(damage_book(rng.choice(books), rng))
        code, output = run(["validate", path])
        assert code in (0, 2), (case, output[-400:])
        assert "Traceback" not in output
        if code == 2:
            assert LOCATED_IN_BOOK.search(output), (case, output[-400:])
        outcomes[code] += 1
    assert outcomes[2] > CASES // 2, outcomes  # most damage is refused, not read as something else


def test_damaged_flow_files_end_in_a_located_error_or_a_result(tmp_path):
    rng = random.Random(2025)
    texts = [f.read_text(encoding="utf-8") for f in EXAMPLES]
    refused = 0
    for case in range(CASES):
        path = tmp_path / f"damaged-{case}.yaml"
        path.write_bytes(damage_yaml(rng.choice(texts), rng))
        code, output = run(["validate", path])
        assert code in (0, 2), (case, output[-400:])
        assert "Traceback" not in output
        if code == 2:
            assert LOCATED.search(output), (case, output[-400:])
            refused += 1
    assert refused > CASES // 2
