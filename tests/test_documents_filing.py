"""What is filed and what is reviewed: -o - to standard output, --strict, the page plan, the form's drop-downs."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import FLOWS
from piflow.cli import app
from piflow.form import layout
from piflow.form.writer import to_xlsx
from piflow.loader import load
from piflow.writers.formpages import plan, wrapped_lines

runner = CliRunner()
FLOW = FLOWS / "49-kosodate-ouen-teate.yaml"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")


@needs_dot
def test_dash_writes_one_text_output_to_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", str(FLOW), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"<!DOCTYPE html>") and result.stdout_bytes.rstrip().endswith(b"</html>")
    assert "←" not in result.stdout  # no progress line mixed into the document
    result = runner.invoke(app, ["checklist", str(FLOW), "-f", "md", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("# 別紙チェックリスト")
    result = runner.invoke(app, ["draw", str(FLOW), "-s", "49-3", "-o", "-"])
    assert result.exit_code == 0 and "<svg" in result.stdout
    book = tmp_path.parent / f"{tmp_path.name}-book.xlsx"
    book.write_bytes(to_xlsx(load(FLOW).flow))
    result = runner.invoke(app, ["form", "import", str(book), "-o", "-"])
    assert result.exit_code == 0 and "piflow: 1" in result.stdout  # the flow file, as YAML
    assert not (tmp_path / "-").exists() and not list(tmp_path.iterdir())


@needs_dot
@pytest.mark.parametrize("args, why", [
    (["report", str(FLOW), "-f", "docx", "-o", "-"], "docx"),
    (["checklist", str(FLOW), "-f", "xlsx", "-o", "-"], "xlsx"),
    (["draw", str(FLOW), "-s", "49-3", "-f", "png", "-o", "-"], "png"),
    (["report", str(FLOWS), "-o", "-"], "4"),
    (["draw", str(FLOW), "-o", "-"], "3"),
    (["form", "export", str(FLOW), "-o", "-"], "xlsx"),
])
def test_dash_refuses_binary_and_several_outputs(tmp_path, monkeypatch, args, why):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "-o -" in result.output and why in result.output
    assert not (tmp_path / "-").exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", [["checklist", "-f", "md"], ["draw", "-f", "svg"]])
def test_dash_with_an_invalid_input_says_only_what_is_wrong_with_it(tmp_path, monkeypatch, command):
    """No output because the only input is invalid: its located error and exit 2, not a usage error about 0 outputs."""
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("piflow: 1\nproposal: {title: t, section: s, bases: [業務委託]}\nparties: []\nscenarios: []\n",
                   encoding="utf-8")
    result = runner.invoke(app, [command[0], str(bad), *command[1:], "-o", "-"])
    assert result.exit_code == 2, result.output
    assert "bad.yaml:3:" in result.output and "0 個" not in result.output and "-o -" not in result.output


@needs_dot
def test_strict_refuses_a_paper_with_unanswered_items(tmp_path):
    target = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(FLOW), "--strict", "-o", str(target)])
    assert result.exit_code == 1 and not target.exists()
    assert "--strict" in result.output and "未記入" in result.output and "--review" in result.output
    result = runner.invoke(app, ["report", str(FLOW), "--review", "--strict", "-o", str(target)])
    assert result.exit_code == 2 and not target.exists()


@needs_dot
def test_review_is_written_beside_the_paper_and_deterministic(tmp_path):
    for fmt in ("html", "docx"):
        made = []
        for k in (1, 2):
            folder = tmp_path / f"{fmt}{k}"
            result = runner.invoke(app, ["report", str(FLOW), "--review", "-f", fmt, "-o", str(folder)])
            assert result.exit_code == 0, result.output
            made.append((folder / f"{FLOW.stem}.review.{fmt}").read_bytes())
        assert made[0] == made[1]


@needs_dot
def test_paper_and_review_of_a_folder_share_one_folder(tmp_path):
    assert runner.invoke(app, ["report", str(FLOWS), "-o", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["report", str(FLOWS), "--review", "-o", str(tmp_path)]).exit_code == 0
    index, review = (tmp_path / "index.html").read_text("utf-8"), (tmp_path / "index.review.html").read_text("utf-8")
    for flow in FLOWS.glob("*.yaml"):
        assert f'href="./{flow.stem}.html"' in index and f'href="./{flow.stem}.review.html"' in review
        assert (tmp_path / f"{flow.stem}.html").exists() and (tmp_path / f"{flow.stem}.review.html").exists()


def test_a_form_that_cannot_fit_breaks_only_between_sections():
    # Two sections of 120 and 110 mm under a 20 mm head on a 200 mm page: no size fits one page.
    heights = lambda size: (20.0, [120 * size / 10, 110 * size / 10])  # noqa: E731
    layout_ = plan(2, heights, 200, (10, 9, 8))
    assert layout_.pages == ((0,), (1,)) and layout_.size_pt == 10
    # A little over: shrunk (never below the last size) to stay on one page.
    layout_ = plan(2, lambda size: (20.0, [100 * size / 10, 90 * size / 10]), 200, (10, 9, 8))
    assert layout_.one_page and layout_.size_pt == 9
    assert plan(3, lambda size: (10.0, [50.0, 50.0, 50.0]), 200, (10,)).one_page
    # 10 pt: eleven to a 40 mm line (a little slack for 」。 kept with their word); a newline is a line.
    assert wrapped_lines("あ" * 40, 40, 10) == 4 and wrapped_lines("あ\nい", 40, 10) == 2
    assert wrapped_lines("a" * 30, 40, 10) == 2  # Latin letters are about half as wide


def test_id_drop_downs_let_names_and_full_width_ids_through():
    book = load_workbook(io.BytesIO(to_xlsx(load(FLOW).flow)))
    steps = book[layout.STEPS]
    by_column = {}
    for dv in steps.data_validations.dataValidation:
        for ref in str(dv.sqref).split():
            by_column[re.match(r"[A-Z]+", ref).group()] = dv
    from_, medium = by_column["D"], by_column["H"]  # 送り手 (an id), 媒体 (a closed list)
    assert from_.showErrorMessage and from_.errorStyle == "information" and "名称" in from_.error
    assert medium.showErrorMessage and medium.errorStyle in (None, "stop")


def test_a_flow_with_no_form_still_makes_a_workbook_that_says_so(tmp_path):
    flow = tmp_path / "x.yaml"
    flow.write_text("piflow: 1\nproposal: {title: t, section: s, bases: [業務委託]}\ndata: [{id: d0, name: n}]\n"
                    "parties:\n  - {id: p0, name: a, role: 区}\n  - {id: p1, name: b, role: 区}\n"
                    "scenarios:\n  - {id: s, tag: '1', title: t, steps: [{n: 1, from: p0, to: p1, text: x}]}\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["checklist", str(flow), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "x.xlsx")
    assert len(book.worksheets) == 1 and "当てはまる別紙チェックリストはありません" in book.worksheets[0]["A1"].value
