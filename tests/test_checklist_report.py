"""Checklists and reports: what is filled, how it is written, and how it looks to a user."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FLOWS, SHARED
from piflow.audit.engine import audit
from piflow.checklist import applicable, fill, unfilled
from piflow.checklist_forms import checklist_data
from piflow.cli import app
from piflow.loader import load

runner = CliRunner()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")


def forms_of(name: str):
    doc = load(FLOWS / name)
    return fill(doc, audit(doc))


def item(forms, number, side, partner, index):
    form = next(f for f in forms if f.number == number and f.side == side and f.partner == partner)
    return [i for s in form.sections for i in s.items][index - 1]


def test_checklists_keep_the_papers_order_and_size():
    sizes = {n: [[len(s["items"]) for s in f["sections"]] for f in c["forms"]] for n, c in checklist_data().items()}
    assert sizes == {1: [[5]], 2: [[5]], 3: [[11, 11], [11, 11]], 4: [[5, 11], [5, 11]], 5: [[13, 11], [13, 11]],
                     6: [[10], [10]], 7: [[11, 11], [11, 11]], 8: [[10], [10]]}


# The editions of the forms in ../shared/seeds, newest first: a form is compared with the
# newest paper that prints it (資料49: forms 3 and 5; 資料1: form 4; else the blank forms).
EDITIONS = ["49-kosodate-ouen-teate.txt", "01-tape-hanyaku-box.txt", "checklists-1-8.txt"]
# Known wording differences between editions, and why piflow prints what it prints:
# (form, side, section, item) -> the wording of the newest paper that piflow does not follow.
KNOWN_DIFFERENCES = {
    # 資料1 prints 「コンピューターウイルス」 in form 4 (ward); the blank form 4 and every form
    # of 資料49 on the same side print 「コンピュータウイルス」, which piflow follows.
    (4, "ward", "システム上の対策", 5): "01-tape-hanyaku-box.txt",
}
_FORM_HEADING = re.compile(r"^[#\s]*(\d) \S+にかかる個人情報保護対策チェックリスト\s*$", re.M)


def seed_forms(path: Path) -> dict[int, list[str]]:
    """Each checklist printed in a paper, whitespace and markup removed: {number: [ward side, partner side]}."""
    text = path.read_text(encoding="utf-8")
    heads = list(_FORM_HEADING.finditer(text))
    out: dict[int, list[str]] = {}
    for k, head in enumerate(heads):
        body = text[head.end(): heads[k + 1].start() if k + 1 < len(heads) else len(text)]
        out.setdefault(int(head.group(1)), []).append(re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", body)))
    return out


def as_pattern(text: str) -> re.Pattern:
    # A placeholder for the municipality ({…}) matches the ward's name in the papers.
    parts = re.split(r"\{[^{}]*\}", re.sub(r"\s+", "", text))
    return re.compile(".{1,12}?".join(re.escape(p) for p in parts))


def test_checklist_wording_matches_the_newest_seed_papers():
    seeds = SHARED / "seeds"
    if not (seeds / EDITIONS[-1]).exists():
        pytest.skip(f"seed papers not found at {seeds} (../shared is absent outside the project checkout)")
    editions = {name: seed_forms(seeds / name) for name in EDITIONS}
    compared, differences = 0, {}
    for number, spec in checklist_data().items():
        for side_index, form in enumerate(spec["forms"]):
            name = next(n for n in EDITIONS if len(editions[n].get(number, [])) > side_index)
            body = editions[name][number][side_index]
            for section in form["sections"]:
                for k, it in enumerate(section["items"], start=1):
                    compared += 1
                    if not as_pattern(it["text"]).search(body):
                        differences[(number, form["side"], section["name"], k)] = name
    assert compared == 218 and differences == KNOWN_DIFFERENCES


def test_checklist_headings_have_no_stray_spaces():
    for spec in checklist_data().values():
        for form in spec["forms"]:
            assert not re.search(r"\s", form["header"]), form["header"]


def test_which_checklists_apply():
    def numbers(name):
        return [(n, p.id if p else None) for n, p in applicable(load(FLOWS / name))]

    assert numbers("49-kosodate-ouen-teate.yaml") == [(3, "densan"), (5, "densan"), (5, "printer")]
    assert numbers("01-tape-hanyaku-box.yaml") == [(4, "box"), (5, "contractor")]
    assert numbers("23-kumin-iken-faq-dynamics365.yaml") == [(3, "nec"), (4, "nec"), (5, "nec"), (5, "nec_si")]


def test_marks_trace_back_to_the_flow():
    forms = forms_of("49-kosodate-ouen-teate.yaml")
    enc = item(forms, 5, "partner", "委託先（未定）", 7)  # データの暗号化 / パスワード通知書
    assert enc.status == "missing" and enc.mark == "未対応"
    assert "M104@step:printing/media_handover:data-encryption" in enc.findings
    bag = item(forms, 5, "partner", "委託先（未定）", 8)  # 鍵付きカバン
    assert bag.status == "done" and any("49-kosodate-ouen-teate.yaml:" in s for s in bag.sources)


def test_waiver_fills_the_ward_form_only():
    forms = forms_of("01-tape-hanyaku-box.yaml")
    ward_bag = item(forms, 5, "ward", "委託先（未定）", 8)
    assert ward_bag.mark == "－（電子データのみの取扱いのため）"
    assert item(forms, 5, "partner", "委託先（未定）", 8).mark == "○"


def test_paper_only_contractor_gets_checklist_6(tmp_path):
    from conftest import MINIMAL, write

    text = MINIMAL.replace("role: 委託先", "role: 委託先\n    measures: [特記事項等の遵守]")
    doc = load(write(tmp_path, text))
    assert [n for n, _ in applicable(doc)] == [6]


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "xlsx"])
def test_checklist_formats_are_deterministic(tmp_path, fmt):
    flow = str(FLOWS / "49-kosodate-ouen-teate.yaml")
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert runner.invoke(app, ["checklist", flow, "-f", fmt, "-o", str(a)]).exit_code == 0
    assert runner.invoke(app, ["checklist", flow, "-f", fmt, "-o", str(b)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("command,fmt", [("checklist", "xlsx"), ("report", "docx")])
def test_office_files_carry_no_clock_time(tmp_path, command, fmt):
    # Byte-identical output needs every timestamp fixed, including the ones the
    # libraries add on save (a second boundary between two runs showed this).
    import zipfile

    out = tmp_path / f"o.{fmt}"
    args = [command, str(FLOWS / "49-kosodate-ouen-teate.yaml"), "-f", fmt, "-o", str(out)]
    args += ["--dpi", "72"] if command == "report" else []
    assert runner.invoke(app, args).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)
    assert stamps and all(s.startswith("2000-01-01") for s in stamps), stamps


def test_checklist_csv_and_xlsx_content(tmp_path):
    flow = str(FLOWS / "49-kosodate-ouen-teate.yaml")
    runner.invoke(app, ["checklist", flow, "-f", "csv", "-o", str(tmp_path / "c.csv")])
    raw = (tmp_path / "c.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][2:5] == ["区分", "・対策が可能であれば「○」・対策の必要がない場合は「－」", "情報保護対策"]
    assert any(r[3] == "未対応" for r in rows[1:]) and "委託にあたり区が行う個人情報保護対策【運用上の対策】" in {r[2] for r in rows}
    runner.invoke(app, ["checklist", flow, "-f", "xlsx", "-o", str(tmp_path / "c.xlsx")])
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "c.xlsx")
    # 3 and 5 for densan, 5 for printer, each in two forms; the evidence is in the review document, not here
    assert len(wb.sheetnames) == 6 and "根拠" not in wb.sheetnames
    form = wb[wb.sheetnames[-1]]
    assert [c.value for c in form[3]] == ["区分", "・対策が可能であれば「○」\n・対策の必要がない場合は「－」", "個人情報保護対策"]
    assert "未対応" in [c.value for c in form["B"]]
    assert not any("yaml:" in str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    # An item nobody answered says so on the filed form: no silent empty cell (07 leaves 32 items unanswered).
    runner.invoke(app, ["checklist", str(FLOWS / "07-kaigo-hokenryo-lgwan-asp.yaml"), "-o", str(tmp_path / "07.xlsx")])
    marks = [c.value for ws in load_workbook(tmp_path / "07.xlsx") for c in ws["B"][3:]]
    assert None not in marks and "" not in marks and marks.count("（未記入）") == 32


def test_xlsx_form_prints_a4_portrait_one_page_wide(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "c.xlsx"
    runner.invoke(app, ["checklist", str(FLOWS / "49-kosodate-ouen-teate.yaml"), "-f", "xlsx", "-o", str(out)])
    for ws in load_workbook(out).worksheets:
        setup = ws.page_setup
        # One page per form: these forms all fit at 80 % or more, so no manual breaks.
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 1)
        assert not ws.row_breaks.brk
        assert int(setup.paperSize) == 9 and setup.orientation == "portrait"  # 9: A4
        # Title, party line and header row repeat if a form ever needs a second page; pages are numbered.
        assert ws.print_title_rows == "$1:$3" and ws.print_area.endswith(f"$C${ws.max_row}")
        assert ws.oddFooter.center.text == "&P / &N"
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value}
        assert fonts == {"游ゴシック"}
        # A wrapped item has the height of its lines, not one line.
        long_rows = [c.row for c in ws["C"] if c.value and len(c.value) > 80]
        assert long_rows and all(ws.row_dimensions[r].height >= 3 * 14 for r in long_rows)


@needs_dot
def test_report_html_is_self_contained(tmp_path):
    result = runner.invoke(app, ["report", str(FLOWS), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "49-kosodate-ouen-teate.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "別紙チェックリスト" in html and "監査の結果" not in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f'href="./{p.stem}.html"' in index for p in FLOWS.glob("*.yaml"))
    assert "未記入・未対応の項目" in index  # the batch's list says how many items are unanswered, not only errors


@needs_dot
def test_report_outputs_are_deterministic(tmp_path):
    flow = str(FLOWS / "49-kosodate-ouen-teate.yaml")
    for fmt in ("html", "docx"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        assert runner.invoke(app, ["report", flow, "-f", fmt, "--dpi", "72", "-o", str(a)]).exit_code == 0
        assert runner.invoke(app, ["report", flow, "-f", fmt, "--dpi", "72", "-o", str(b)]).exit_code == 0
        assert a.read_bytes() == b.read_bytes(), fmt


@needs_dot
def test_report_docx_has_figures_and_real_tables(tmp_path):
    from docx import Document

    out = tmp_path / "r.docx"
    assert runner.invoke(app, ["report", str(FLOWS / "49-kosodate-ouen-teate.yaml"), "-f", "docx", "--dpi", "72",
                               "-o", str(out)]).exit_code == 0
    doc = Document(out)
    assert len(doc.inline_shapes) == 3
    texts = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "未対応" in texts and "○" in texts


# Printed with LibreOffice and Chromium: tests/test_documents_print.py.


PROPOSAL_05 = Path(__file__).resolve().parents[1] / "docs" / "proposals" / "05-itaku-nyuuryoku.yaml"


def test_checklist_strict_refuses_a_flow_with_unanswered_items(tmp_path):
    """--strict writes nothing for a flow with 未記入/未対応 items (exit 1) and says which; without it the form is written."""
    text = PROPOSAL_05.read_text(encoding="utf-8")
    dropped = ", 事故発生時等の協議"  # declared by the ward and the vendor: without it an item is 未対応
    assert dropped in text
    flow = tmp_path / "05-gap.yaml"
    flow.write_text(text.replace(dropped, ""), encoding="utf-8")
    gaps = unfilled(fill(load(flow), audit(load(flow))))
    assert gaps
    target = tmp_path / "05.csv"
    refused = runner.invoke(app, ["checklist", str(flow), "--strict", "-o", str(target)])
    assert refused.exit_code == 1, refused.output
    assert not target.exists()
    assert "--strict" in refused.output and "チェックリストを書きません" in refused.output
    assert f"{len(gaps)} あるため" in refused.output
    written = runner.invoke(app, ["checklist", str(flow), "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert target.exists()


def test_checklist_strict_writes_a_complete_proposal(tmp_path):
    target = tmp_path / "05.csv"
    result = runner.invoke(app, ["checklist", str(PROPOSAL_05), "--strict", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists() and "○" in target.read_text(encoding="utf-8-sig")
