"""Issue 25: the hostile workbooks of tests/hostile/workbooks.py each end as declared.

"ok": exit 0.  "P001": exit 2, the book itself refused (``book.xlsx: エラー[P001]``).  "P101@手順!F3": exit 2,
located at that cell (``book.xlsx!手順!F3: エラー[P101]``).  Never a traceback.
"""

from __future__ import annotations

import re

import pytest

from hostile.common import run
from hostile.scan import scan
from hostile.workbooks import CASES, build

AT_BOOK = re.compile(r"^\S*book\.\w+: エラー\[(P\d{3})\]", re.M | re.I)
AT_CELL = re.compile(r"^\S*book\.\w+!(\S+?)!([A-Z]+\d+): エラー\[(P\d{3})\]", re.M | re.I)


def outcome(code: int, output: str) -> list[str]:
    """Every way the output may be read against an expectation: "ok", "P001", "P101@手順!F3"."""
    if code == 0:
        return ["ok"]
    return [m.group(1) for m in AT_BOOK.finditer(output)] + \
        [f"{m.group(3)}@{m.group(1)}!{m.group(2)}" for m in AT_CELL.finditer(output)] + \
        [m.group(3) for m in AT_CELL.finditer(output)]


def test_there_are_enough_cases_and_their_names_are_unique():
    assert len(CASES) >= 63
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_workbook(tmp_path, case):
    path = tmp_path / f"book{case.suffix}"
    path.write_bytes(build(case))
    code, output = run(["validate", path])
    assert code == (0 if case.expect == "ok" else 2), output[-1500:]
    assert case.expect in outcome(code, output), output[-1500:]
    assert case.says in output
    if code == 0 and case.suffix == ".xlsx":  # and a correct result: the flow it holds, drawn and written back
        code, output = run(["draw", path, "-f", "dot", "-o", tmp_path / "fig.dot"])
        assert code == 0 and scan(tmp_path / "fig.dot") == [], output[-1500:]
        code, output = run(["form", "import", path, "-o", tmp_path / "flow.yaml"])
        assert code == 0 and run(["validate", tmp_path / "flow.yaml"])[0] == 0, output[-1500:]


@pytest.mark.parametrize("label", ["提_x0041_供", "_x202E_", "_x005F_", "a_x0000_b_X0007_"])
def test_text_that_looks_like_excels_escapes_comes_back_as_written(tmp_path, label):
    """Excel shows a cell's _x0041_ as A: the writer keeps such text literal, the reader reads what Excel shows."""
    from conftest import MINIMAL
    from piflow.loader import load

    flow = tmp_path / "flow.yaml"
    flow.write_text(MINIMAL.replace("text: 提供", f'text: "{label}"'), encoding="utf-8")
    assert run(["form", "export", flow, "-o", tmp_path / "book.xlsx"])[0] == 0
    code, output = run(["form", "import", tmp_path / "book.xlsx", "-o", tmp_path / "back.yaml"])
    assert code == 0, output
    assert load(str(tmp_path / "back.yaml")).flow.scenarios[0].steps[1].text == label
