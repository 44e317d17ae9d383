"""The Excel form: YAML -> XLSX -> YAML gives the same model, figure and audit; the form's sheets and drop-downs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from conftest import FLOWS, MINIMAL
from piflow.cli import app
from piflow.form import layout
from piflow.form.writer import to_xlsx
from piflow.form.yamlout import to_yaml
from piflow.loader import load, loads
from piflow.scaffold import TEMPLATES, template_text
from piflow.writers.audit_json import finding_dict
from test_properties import flows

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "src" / "piflow" / "templates" / "init"
PROPOSALS = Path(__file__).resolve().parent.parent / "docs" / "proposals"
# The example flows, the templates and the complete example proposals (waiver scopes, locations abroad, exceptions).
ALL_FLOWS = (sorted(FLOWS.glob("*.yaml")) + [TEMPLATE_DIR / f"{t}.yaml" for t in TEMPLATES]
             + sorted(p for p in PROPOSALS.glob("*.yaml") if not p.name.endswith(".defects.yaml")))


def _export(path: Path, tmp_path: Path) -> Path:
    doc = load(path)
    target = tmp_path / f"{path.stem}.xlsx"
    target.write_bytes(to_xlsx(doc.flow))
    return target


def _finding_facts(findings, words=lambda text: text):
    """A finding without where it sits (a cell is not a line); its fix said in ``words``."""
    return sorted((f.key, f.severity, f.message, words(f.fix), f.checklist) for f in findings)


@pytest.mark.parametrize("path", ALL_FLOWS, ids=lambda p: p.stem)
def test_round_trip_gives_the_same_model_figure_and_audit(path, tmp_path):
    from piflow.audit.engine import audit
    from piflow.draw.figure import figure_dot
    from piflow.draw.style import load_style

    original = load(path)
    book = _export(path, tmp_path)
    again = load(book)
    assert again.flow == original.flow
    # The flow file written back from the form loads to the same model too.
    assert loads(to_yaml(again.flow), "back.yaml").flow == original.flow
    style = load_style(None)
    for a, b in zip(original.flow.scenarios, again.flow.scenarios):
        assert figure_dot(again, b, style) == figure_dot(original, a, style)
    # The same findings; the workbook's fix texts name its sheets and columns, not the flow file's keys.
    found = audit(again)
    assert _finding_facts(found) == _finding_facts(audit(original), again.source.words)
    for f in found:
        assert not re.search(r"\b(measures|waivers|exceptions|accepted|data|bases) (に|から)", f.fix), f.fix
        # Located as a spreadsheet names a place: book!sheet!cell (a party and a step differ).
        assert re.fullmatch(re.escape(str(book)) + r"!(概要|情報項目|当事者|図|手順|保護対策|承認済み|例外)![A-Z]+\d+",
                            f.location), f.location
    if found:  # the JSON names the cell too
        assert finding_dict(found[0])["location"]["place"] == found[0].location


def test_figures_sharing_a_tag_keep_their_own_steps(tmp_path):
    text = MINIMAL + ("  - id: second\n    tag: 資料1-1\n    title: 同じ資料番号の二枚目\n    steps:\n"
                      "      - {n: 1, from: vendor, to: ward, text: 返却}\n")
    original = loads(text).flow
    assert original.scenarios[0].tag == original.scenarios[1].tag
    path = tmp_path / "same-tag.xlsx"
    path.write_bytes(to_xlsx(original))
    assert [c.value for c in load_workbook(path)[layout.STEPS]["A"]][1:4] == ["main", "main", "second"]
    assert load(path).flow == original


def test_every_model_field_has_a_place_in_the_form():
    """A field added to the model must be added to the form, or the round trip silently drops it."""
    from piflow.model import DataItem, Party, Proposal, Scenario, Step, System

    def keys(sheet):
        return {c.key for c in layout.TABLES[sheet]}

    holder = {"measures", "checklist_measures", "waivers"}  # the 保護対策 sheet
    placed = {
        Proposal: {key for _, key, *_ in layout.SUMMARY_ROWS},
        DataItem: keys(layout.DATA),
        Party: keys(layout.PARTIES) | holder | {"systems"},
        System: keys(layout.PARTIES) | holder,
        Scenario: keys(layout.FIGURES) | {"steps", "figure_measures"},  # figure_measures: the 保護対策 sheet
        Step: keys(layout.STEPS),
    }
    for model, known in placed.items():
        fields = {f.alias or name for name, f in model.model_fields.items()}
        assert fields <= known, f"{model.__name__}: {sorted(fields - known)} have no column in the form"


def test_the_form_is_byte_identical_run_to_run():
    doc = load(FLOWS / "49-kosodate-ouen-teate.yaml")
    assert to_xlsx(doc.flow) == to_xlsx(doc.flow)
    assert to_xlsx(None) == to_xlsx(None)


def test_sheets_headers_drop_downs_and_print_setup(tmp_path):
    book = _export(FLOWS / "49-kosodate-ouen-teate.yaml", tmp_path)
    wb = load_workbook(book)
    assert wb.sheetnames == list(layout.SHEET_ORDER)
    assert wb[layout.LISTS].sheet_state == "hidden"
    steps = wb[layout.STEPS]
    assert [c.value for c in steps[1]] == [c.header for c in layout.TABLES[layout.STEPS]]
    assert steps.freeze_panes == "C2"
    assert steps.page_setup.paperSize == int(steps.PAPERSIZE_A4) and steps.print_title_rows == "$1:$1"
    assert steps["F2"].font.name == "游ゴシック"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in steps.data_validations.dataValidation
             if dv.type == "list"}
    assert lists["D2"] == lists["E2"] == f"'{layout.PARTIES}'!$A$2:$A${1 + 7 + 200}"  # 5 parties + 2 systems
    assert lists["A2"].startswith(f"'{layout.FIGURES}'!$A$2")
    assert lists["G2"].startswith(f"'{layout.LISTS}'!")  # 経路
    hidden = wb[layout.LISTS]
    channel_col = lists["G2"].split("!")[1].split(":")[0].replace("$", "")[0]
    values = [c.value for c in hidden[channel_col]][1:]
    assert "LGWAN" in values and "手渡し" in values
    from piflow.catalog import default_catalog

    measures = wb[layout.MEASURES]
    formulas = {dv.formula1 for dv in measures.data_validations.dataValidation if dv.type == "list"}
    heads = [c.value for c in hidden[1]]
    col = layout.column_letter(heads.index("保護対策"))
    assert [c.value for c in hidden[col]][1:] == [m.label for m in default_catalog()]
    assert f"'{layout.LISTS}'!${col}$2:${col}${1 + len(list(default_catalog()))}" in formulas
    summary = wb[layout.SUMMARY]
    assert summary["B3"].value == "物価高対応子育て応援手当支給事業に係るシステム改修等について"


def test_user_text_never_becomes_a_formula(tmp_path):
    text = MINIMAL.replace("title: テスト事業", "title: '=HYPERLINK(\"http://x\",\"y\")'")
    doc = loads(text)
    wb = load_workbook(__import__("io").BytesIO(to_xlsx(doc.flow)))
    cell = wb[layout.SUMMARY]["B3"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_cli_new_export_import(tmp_path, capsys):
    from typer.testing import CliRunner

    runner = CliRunner()
    blank, filled = tmp_path / "blank.xlsx", tmp_path / "dvd.xlsx"
    assert runner.invoke(app, ["form", "new", str(blank)]).exit_code == 0
    assert runner.invoke(app, ["form", "new", str(filled), "-t", "dvd-outsourcing", "--title", "封入封緘の委託"]).exit_code == 0
    again = runner.invoke(app, ["form", "new", str(filled)])
    assert again.exit_code == 2 and "上書きしません" in again.output
    wrong = runner.invoke(app, ["form", "new", str(tmp_path / "x.xlsx"), "-t", "dvd-outsorcing"])
    assert wrong.exit_code == 2 and "dvd-outsourcing" in wrong.output
    assert runner.invoke(app, ["form", "new", str(tmp_path / "x.yaml")]).exit_code == 2
    # A blank form is not a flow yet: the errors say which cells to fill.
    result = runner.invoke(app, ["validate", str(blank)])
    assert result.exit_code == 2 and f"blank.xlsx!{layout.SUMMARY}!B" in result.output
    # The template's form is a valid flow whose title was set.
    result = runner.invoke(app, ["form", "import", str(filled), "-o", str(tmp_path / "dvd.yaml")])
    assert result.exit_code == 0, result.output
    flow = load(tmp_path / "dvd.yaml").flow
    assert flow.proposal.title == "封入封緘の委託"
    assert flow == loads(template_text("dvd-outsourcing", "封入封緘の委託")).flow
    # export writes beside the flow by default and never over its input.
    source = tmp_path / "in.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    assert runner.invoke(app, ["form", "export", str(source)]).exit_code == 0
    assert load(tmp_path / "in.xlsx").flow == loads(MINIMAL).flow
    result = runner.invoke(app, ["form", "import", str(tmp_path / "in.xlsx"), "-o", str(tmp_path / "in.xlsx")])
    assert result.exit_code == 2


@pytest.mark.parametrize("command", [["validate"], ["audit"], ["checklist", "-f", "csv", "-o", "{tmp}/c.csv"],
                                     ["draw", "-f", "dot", "-o", "{tmp}/d"], ["report", "-o", "{tmp}/r"]])
def test_every_flow_command_reads_the_form(command, tmp_path):
    from typer.testing import CliRunner

    book = _export(FLOWS / "07-kaigo-hokenryo-lgwan-asp.yaml", tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = CliRunner().invoke(app, [args[0], str(book), *args[1:]])
    assert result.exit_code in (0, 1), result.output
    assert "エラー[P" not in result.output


def test_diff_reads_forms(tmp_path):
    from typer.testing import CliRunner

    old = tmp_path / "old.xlsx"
    old.write_bytes(to_xlsx(loads(MINIMAL).flow))
    new = tmp_path / "new.xlsx"
    new.write_bytes(to_xlsx(loads(MINIMAL.replace("text: 提供", "text: 提供（変更）")).flow))
    result = CliRunner().invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code in (0, 1), result.output
    assert "提供（変更）" in result.output


def test_cell_diagnostic_format():
    from piflow.form.reader import CellDiagnostic

    d = CellDiagnostic("f.xlsx", 7, 5, "P201", "受け手「vendr」が定義されていません", "", "もしかして (did you mean): vendor",
                       layout.STEPS)
    assert d.format() == "f.xlsx!手順!E7: エラー[P201] 受け手「vendr」が定義されていません\n    もしかして (did you mean): vendor"
    assert dataclasses.replace(d, sheet="").format().startswith("f.xlsx: エラー[P201]")


def test_docs_describe_every_column():
    """docs/form.md lists the columns staff see; a column added to the form must be documented."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "form.md").read_text(encoding="utf-8")
    for sheet in (*layout.SHEET_ORDER[:-1],):
        assert sheet in text
    for sheet in (layout.PARTIES, layout.STEPS, layout.MEASURES):
        for column in layout.TABLES[sheet]:
            assert column.header in text, f"docs/form.md does not describe {sheet}!{column.header}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows())
def test_random_flows_round_trip_through_the_form(tmp_path_factory, flow):
    """Any text (quotes, markup, '=' at the start, Japanese) and any mix of measures comes back as it went in."""
    import yaml

    def without_empty_measures(node):
        # The model keeps `measures: []` as () but an absent list as []: equal in meaning, not in ==.
        if isinstance(node, dict):
            return {k: without_empty_measures(v) for k, v in node.items() if not (k == "measures" and v == [])}
        return [without_empty_measures(v) for v in node] if isinstance(node, list) else node

    original = loads(yaml.safe_dump(without_empty_measures(flow), allow_unicode=True)).flow
    path = tmp_path_factory.mktemp("rt") / "random.xlsx"
    path.write_bytes(to_xlsx(original))
    assert load(path).flow == original


def _rich() -> str:
    """MINIMAL with every optional field the flows in flows/ and the templates leave out."""
    text = MINIMAL
    for old, new in (
        ("    role: 委託先\n",
         "    role: [委託先, 結合先]\n    location: 国内\n    zone: LGWAN接続系\n    cloud: Box\n"
         "    certifications: [ISMS, プライバシーマーク]\n    operates: [sys]\n    note: \"二行の\\n備考\"\n"),
        ("      - {id: sys, name: 業務システム}\n",
         "      - {id: sys, name: 業務システム, kind: DB, zone: マイナンバー利用事務系, location: 大阪府, data: [],\n"
         "         checklist_measures: [テストはダミーデータ], waivers: {ウイルス対策: 'スタンドアロンのため: 外部接続なし',\n"
         "         鍵付きカバン等による運搬: {reason: 窓口で直接受け渡すため, for: [vendor]}}}\n"),
        ("channel: 手渡し, medium: 紙}\n",
         "channel: 手渡し, medium: 紙, occasion: 引渡し1,\n"
         "         waivers: {データの暗号化: 紙のみ}, measures: [鍵付きカバン等による運搬, 受渡し時の管理簿への記載]}\n"),
    ):
        assert old in text
        text = text.replace(old, new)
    # A note and a control over two lines (each one item: its continuation starts with a space in the cell).
    assert "    title: テストに係る個人情報の流れ\n" in text
    text = text.replace("    title: テストに係る個人情報の流れ\n",
                        "    title: テストに係る個人情報の流れ\n    notes: [\"※1 二行の\\n  注記\", ※2 一行]\n")
    return text + ("accepted:\n  - {key: G210@party:vendor:erasure, reason: 契約で別に定める, by: 情報政策課, date: '2026-01-16'}\n"
                   "exceptions:\n  - {key: 'G998@party:vendor', basis: 規程第1条, controls: [\"二行の\\n管理策\", 一行の管理策]}\n")


def test_every_field_round_trips(tmp_path):
    original = loads(_rich()).flow
    vendor, system = original.party_by_id["vendor"], original.system_by_id["sys"]
    assert vendor.location and vendor.operates and system.waivers and original.accepted  # the flow uses them
    assert system.location == "大阪府" and system.waiver_scope == {"locked-bag": ("vendor",)}
    assert original.scenarios[0].steps[1].waivers
    assert original.scenarios[0].notes == ("※1 二行の\n  注記", "※2 一行")
    assert original.exceptions[0].controls == ("二行の\n管理策", "一行の管理策")
    path = tmp_path / "rich.xlsx"
    path.write_bytes(to_xlsx(original))
    assert load(path).flow == original
    assert loads(to_yaml(original)).flow == original


def test_a_waivers_scope_and_a_systems_location_are_cells_of_the_form(tmp_path):
    """「不要が及ぶ相手」 holds a ward waiver's ``for:``; a system row has its own 所在地 (both lost before)."""
    original = loads(_rich()).flow
    path = tmp_path / "rich.xlsx"
    path.write_bytes(to_xlsx(original))
    book = load_workbook(path)
    parties, measures = book[layout.PARTIES], book[layout.MEASURES]
    headers = {c.value: c.column for c in parties[1]}
    system_row = next(r for r in parties.iter_rows(min_row=2) if r[0].value == "sys")
    assert system_row[headers["所在地・準拠法"] - 1].value == "大阪府"
    headers = {c.value: c.column for c in measures[1]}
    row = next(r for r in measures.iter_rows(min_row=2) if r[1].value == "鍵付きカバン等による運搬")
    assert row[headers["不要が及ぶ相手（区の行）"] - 1].value == "vendor"
    assert "for: [vendor]" in to_yaml(original)


def test_a_scope_on_a_row_that_is_not_waived_is_refused_at_its_cell(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(to_xlsx(loads(_rich()).flow))
    book = load_workbook(path)
    measures = book[layout.MEASURES]
    headers = {c.value: c.column for c in measures[1]}
    row = next(r for r in measures.iter_rows(min_row=2) if r[2].value == layout.HOW_CHECKLIST)
    row[headers["不要が及ぶ相手（区の行）"] - 1].value = "vendor"
    book.save(path)
    doc_errors = pytest.raises(Exception, load, path)
    assert "不要が及ぶ相手は扱いが「不要（理由を書く）」の行にだけ書きます" in str(doc_errors.value)


def test_a_stale_exception_in_the_workbook_is_located_at_its_row(tmp_path):
    from piflow.audit.engine import audit

    text = MINIMAL + ("exceptions:\n  - {key: 'G998@party:x', basis: 規程第1条, controls: [c]}\n"
                      "  - {key: 'G997@party:y', basis: 規程第2条, controls: [d]}\n")
    path = tmp_path / "stale.xlsx"
    path.write_bytes(to_xlsx(loads(text).flow))
    stale = sorted(f.location for f in audit(load(path)) if f.code == "A002")
    assert [re.sub(r"^.*!例外!", "", s) for s in stale] == ["A2", "A3"], stale


def test_a_cell_of_one_item_a_line_reads_continuations():
    from piflow.form.layout import cell_lines, lines_cell

    # As a clerk types it: Alt+Enter between items, a space (either width) to go on with one.
    assert cell_lines("※1 一つ目\n　続き\n※2 二つ目\n\n ※3 半角の空白で続く") == ["※1 一つ目\n続き", "※2 二つ目\n※3 半角の空白で続く"]
    assert cell_lines("  頭の空白\n\n二つ目  ") == ["頭の空白", "二つ目"]  # the first item: stripped, as before
    for items in (["a\n\nb", "c"], ["一行"], ["x\n  y\n z"], []):
        assert cell_lines(lines_cell(items)) == items
