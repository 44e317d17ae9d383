"""Issue 25 item 5: one truth per workbook.  What piflow reads is what the clerk sees in Excel."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import MINIMAL
from piflow.cli import app
from piflow.form.writer import to_xlsx
from piflow.loader import loads

runner = CliRunner()


def _book(tmp_path, change) -> str:
    wb = load_workbook(io.BytesIO(to_xlsx(loads(MINIMAL).flow)))
    change(wb)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return str(path)


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_form_sheet_is_refused_by_name(tmp_path, state):
    def hide(wb):
        wb["手順"].sheet_state = state

    result = runner.invoke(app, ["validate", _book(tmp_path, hide)])
    assert result.exit_code == 2
    assert "book.xlsx: エラー[P001] シート「手順」が非表示" in result.output


def test_two_sheets_that_fold_to_one_name_are_refused(tmp_path):
    def twin(wb):
        wb.copy_worksheet(wb["当事者"]).title = "当事者\u3000"  # an ideographic space: the same name once folded

    result = runner.invoke(app, ["validate", _book(tmp_path, twin)])
    assert result.exit_code == 2
    assert "「当事者」と「当事者\u3000」が同じ名前" in result.output


def test_the_hidden_drop_down_lists_and_the_clerks_own_sheets_are_fine(tmp_path):
    def notes(wb):
        wb.create_sheet("メモ").sheet_state = "hidden"  # not a form sheet: not read, not refused

    assert runner.invoke(app, ["validate", _book(tmp_path, notes)]).exit_code == 0
