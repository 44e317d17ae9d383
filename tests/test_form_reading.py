"""Reading the Excel form: a form filled in as a person would, located errors, and hostile workbooks."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import FLOWS, MINIMAL
from piflow.cli import app
from piflow.diagnostics import InputError
from piflow.form import layout, safety
from piflow.form.writer import to_xlsx
from piflow.loader import load, loads


def _fill(book, typo: bool) -> None:
    """Type into a blank form what a section would: some of it in full width, maybe one typo."""
    s = book[layout.SUMMARY]
    s["B3"], s["B5"], s["B6"], s["B7"] = "名簿の印字委託について", "テスト課", "業務委託", "電算処理"
    d = book[layout.DATA]
    for r, row in enumerate([("name", "氏名"), ("address", "住所", "通常"), ("ｍｙｎｏ", "個人番号", "マイナンバー")], start=2):
        for c, v in enumerate(row, start=1):
            d.cell(r, c, v)
    p = book[layout.PARTIES]
    rows = [
        ("ward", "新宿区", None, "区", None, None, None, None, None, None, None, None, None, "name、address"),
        ("ward_pc", "区の端末", "ward", None, "端末"),
        ("ｖｅｎｄｏｒ", "委託先Ａ社", None, "委託事業者", None, "委託先", None, None, None, "Ｐマーク"),
        ("subjects", "対象者", None, "区民"),
    ]
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            if v is not None:
                p.cell(r, c, v)
    book[layout.FIGURES]["A2"], book[layout.FIGURES]["C2"] = "資料1-1", "名簿の印字委託に係る個人情報の流れ"
    st = book[layout.STEPS]
    steps = [
        ("資料１-１", 1, None, "ward_pc", "ward", "対象者の抽出"),
        ("資料1-1", 2, "handover", "ward", "vendr" if typo else "vendor", "名簿の提供", "手渡し", "紙", None,
         "name、ａｄｄｒｅｓｓ", "鍵付きカバン等による運搬\n受渡し時の管理簿への記載"),
        ("資料1-1", "３", None, "委託先Ａ社", "subjects", "発送", "郵送", "紙"),
        ("資料1-1", 4, None, "vendor", "ward", "完了報告", "メール", "電子データ", None, "なし"),
    ]
    for r, row in enumerate(steps, start=2):
        for c, v in enumerate(row, start=1):
            if v is not None:
                st.cell(r, c, v)
    m = book[layout.MEASURES]
    rows = [("vendor", "特記事項等の遵守"), ("vendor", "受渡し時の管理簿への記載", "チェックリストのみ"),
            ("ward", "鍵付きカバン等による運搬", "不要", "電子データのみの取扱いのため")]
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            m.cell(r, c, v)


def _blank_filled(tmp_path: Path, typo: bool) -> Path:
    book = load_workbook(io.BytesIO(to_xlsx(None)))
    _fill(book, typo)
    path = tmp_path / ("typo.xlsx" if typo else "good.xlsx")
    book.save(path)
    return path


def test_a_form_filled_by_hand_reads_as_the_flow_meant(tmp_path):
    flow = load(_blank_filled(tmp_path, typo=False)).flow
    assert flow.proposal.bases == ("業務委託", "電算処理")
    assert [p.id for p in flow.parties] == ["ward", "vendor", "subjects"]  # ｖｅｎｄｏｒ read as vendor
    vendor = flow.party_by_id["vendor"]
    assert vendor.role == ("委託先",) and vendor.lane == "委託先" and vendor.certifications == ("プライバシーマーク",)
    assert flow.parties[0].systems[0].id == "ward_pc" and flow.parties[0].systems[0].kind == "PC"
    assert flow.data_by_id["myno"].class_ == "特定個人情報"
    steps = flow.scenarios[0].steps
    assert [s.n for s in steps] == ["1", "2", "3", "4"]  # ３ typed in full width
    assert steps[1].data == ("name", "address")  # ａｄｄｒｅｓｓ read as address
    assert steps[1].measures == ("locked-bag", "handover-ledger")  # one per line of the cell
    assert steps[2].from_ == "vendor"  # named by its 名称
    assert steps[3].data == ()  # 「なし」
    assert steps[0].data is None  # blank: everything the sender holds
    assert vendor.measures == ("special-terms",) and vendor.checklist_measures == ("handover-ledger",)
    assert list(flow.party_by_id["ward"].waivers.values()) == ["電子データのみの取扱いのため"]


def test_a_typo_is_located_at_its_cell_with_a_suggestion(tmp_path):
    path = _blank_filled(tmp_path, typo=True)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"typo.xlsx!{layout.STEPS}!E3: エラー[P201] 受け手「vendr」が定義されていません" in result.output
    assert "もしかして (did you mean): vendor" in result.output
    assert "scenarios[" not in result.output  # the cell says where; no YAML path


def test_located_errors_for_missing_and_wrong_values(tmp_path):
    book = load_workbook(io.BytesIO(to_xlsx(loads(MINIMAL).flow)))
    book[layout.SUMMARY]["B5"] = None  # 担当課 (required)
    book[layout.STEPS]["G3"] = "てわたし"  # 経路: not in the list
    book[layout.STEPS]["D2"] = None  # 送り手 (required)
    book[layout.MEASURES]["A2"], book[layout.MEASURES]["B2"] = "vendor", "特記事項の順守"
    book[layout.MEASURES]["A3"], book[layout.MEASURES]["B3"], book[layout.MEASURES]["C3"] = "ward", "データの暗号化", "不要"
    book[layout.PARTIES]["E2"] = "PC"  # 種類 on a party row
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(InputError) as exc:
        load(path)
    text = "\n".join(d.format() for d in exc.value.diagnostics)
    assert f"bad.xlsx!{layout.SUMMARY}!B5: エラー[P103] 必須の項目「section」" not in text
    assert f"bad.xlsx!{layout.SUMMARY}!B5: エラー[P103] 必須の項目「担当課」がありません" in text
    assert f"bad.xlsx!{layout.STEPS}!D2: エラー[P103] 必須の項目「送り手」がありません" in text
    assert f"bad.xlsx!{layout.STEPS}!G3: エラー[P101]" in text
    assert f"bad.xlsx!{layout.MEASURES}!B2: エラー[P205] 保護対策「特記事項の順守」はカタログにありません" in text
    assert f"bad.xlsx!{layout.MEASURES}!D3: エラー[P206]" in text
    assert f"bad.xlsx!{layout.PARTIES}!E2: エラー[P101]" in text


def test_ambiguous_width_differences_are_not_guessed(tmp_path):
    """Two parties whose names fold to the same text: a step naming it is reported, not resolved."""
    book = load_workbook(io.BytesIO(to_xlsx(loads(MINIMAL).flow)))
    book[layout.PARTIES]["B2"] = "委託先"  # ward's 名称 now equals vendor's
    book[layout.STEPS]["E3"] = "委託先"
    path = tmp_path / "amb.xlsx"
    book.save(path)
    with pytest.raises(InputError) as exc:
        load(path)
    assert any(d.code == "P201" and d.sheet == layout.STEPS for d in exc.value.diagnostics)


# --- hostile workbooks ------------------------------------------------------------------------


def _form_bytes() -> bytes:
    return to_xlsx(loads(MINIMAL).flow)


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _sheet_part(data: bytes, title: str) -> str:
    wb = load_workbook(io.BytesIO(data))
    return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"


def _formula_book() -> bytes:
    book = load_workbook(io.BytesIO(_form_bytes()))
    book[layout.STEPS]["F3"] = '=HYPERLINK("http://example.invalid","x")'
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _million_empty_rows() -> bytes:
    data = _form_bytes()
    part = _sheet_part(data, layout.STEPS)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part).decode()
    rows = "".join(f'<row r="{r}"/>' for r in range(10, 1_000_000))
    return _rezip(data, replace={part: xml.replace("</sheetData>", rows + "</sheetData>").encode()})


HOSTILE = {
    "zip bomb": (lambda: _rezip(_form_bytes(), add={"xl/media/bomb.xml": b" " * (safety.MAX_PART_BYTES + 1)}),
                 "P005", "大きすぎます"),
    "a million empty rows": (_million_empty_rows, "P005", "行が多すぎます"),
    "formula": (_formula_book, "P101", f"!{layout.STEPS}!F3: エラー[P101] 数式は使えません"),
    "macro part": (lambda: _rezip(_form_bytes(), add={"xl/vbaProject.bin": b"\0" * 64}), "P001", "マクロ"),
    "external link": (lambda: _rezip(_form_bytes(), add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
                      "P001", "外部参照"),
    "doctype": (lambda: _rezip(_form_bytes(), add={
        "xl/custom.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}), "P001", "DOCTYPE"),
    "not a zip": (lambda: b"PK\x03\x04 not really a zip", "P001", "読めません"),
    "not a form": (lambda: _plain_book(), "P007", "記入用ブックではありません"),
    "control character": (lambda: _with_cell(layout.STEPS, "F3", "提供\x85"), "P003", f"!{layout.STEPS}!F3"),
}


def _plain_book() -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def _with_cell(sheet: str, ref: str, value: str) -> bytes:
    book = load_workbook(io.BytesIO(_form_bytes()))
    book[sheet][ref] = value
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_workbooks_exit_2_with_a_located_message(case, tmp_path):
    make, code, words = HOSTILE[case]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(make())
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"エラー[{code}]" in result.output and words in result.output, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith(str(path))


def test_macro_enabled_and_legacy_suffixes_are_refused(tmp_path):
    for suffix in (".xlsm", ".xls", ".xlsb"):
        path = tmp_path / f"form{suffix}"
        path.write_bytes(_form_bytes())
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 2 and "エラー[P001]" in result.output, (suffix, result.output)


def test_a_formula_is_never_evaluated_even_with_a_cached_value(tmp_path):
    """A formula whose cached value is a valid id is still refused: the cell's text is what counts."""
    data = _form_bytes()
    part = _sheet_part(data, layout.STEPS)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part).decode()
    xml = re.sub(r'<c r="E3"[^>]*>.*?</c>', '<c r="E3" t="str"><f>"ven"&amp;"dor"</f><v>vendor</v></c>', xml, count=1)
    path = tmp_path / "cached.xlsx"
    path.write_bytes(_rezip(data, replace={part: xml.encode()}))
    with pytest.raises(InputError) as exc:
        load(path)
    assert [d.format().split(": ")[0] for d in exc.value.diagnostics] == [f"{path}!{layout.STEPS}!E3"]


# --- LibreOffice ------------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                                   reason="LibreOffice (soffice) or poppler (pdfinfo) is not installed; "
                                          "install with `PIFLOW_SETUP_EXTRA=1 make setup` (.ci/run does)")


@needs_soffice
def test_libreoffice_opens_the_form_and_its_save_reads_back_the_same(tmp_path):
    from test_documents_print import A4_LANDSCAPE, A4_PORTRAIT, body_pt, page_sizes, page_texts, squeeze

    original = load(FLOWS / "49-kosodate-ouen-teate.yaml")
    src = tmp_path / "form.xlsx"
    src.write_bytes(to_xlsx(original.flow))
    saved, printed = tmp_path / "saved", tmp_path / "pdf"
    for fmt, outdir in (("xlsx:Calc MS Excel 2007 XML", saved), ("pdf", printed)):
        proc = subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                               "--convert-to", fmt, "--outdir", str(outdir), str(src)], capture_output=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    # Printed: every sheet on A4, one page wide (the hidden list sheet is not printed), a long
    # sheet on several pages each starting with the header row.
    pdf = printed / "form.pdf"
    sizes = page_sizes(pdf)
    assert set(sizes) <= {A4_PORTRAIT, A4_LANDSCAPE} and len(sizes) >= len(layout.SHEET_ORDER) - 1, sizes
    texts = [squeeze(t) for t in page_texts(pdf)]
    measure_pages = [t for t in texts if t.startswith(squeeze(layout.TABLES[layout.MEASURES][0].header))]
    assert len(measure_pages) >= 2  # 49's 58 measure rows: several pages, the header on each
    # The two widest sheets print two pages wide, their first two columns repeated on each: no column
    # cut off, and every sheet's text at 8 pt or more (it was 6-7 pt when all fitted one page wide).
    steps_pages = [t for t in texts if t.startswith(squeeze(layout.TABLES[layout.STEPS][0].header))]
    party_pages = [t for t in texts if t.startswith(squeeze(layout.TABLES[layout.PARTIES][0].header))
                   and squeeze(layout.TABLES[layout.PARTIES][1].header) in t[:20]]
    for pages, sheet in ((steps_pages, layout.STEPS), (party_pages, layout.PARTIES)):
        assert len(pages) >= 2, sheet
        # (a header wraps in its cell, so the PDF's text interleaves its lines: look for its start)
        assert all(squeeze(c.header)[:3] in "".join(pages) for c in layout.TABLES[sheet]), sheet
    assert "印字データ（CD-R、DVD-R等）の提供" in "".join(steps_pages)
    sizes_pt = body_pt(pdf)
    assert all(pt is not None and pt >= 8 for pt in sizes_pt), sizes_pt
    # Saved by LibreOffice: the same flow, and the drop-downs are still there.
    resaved = saved / "form.xlsx"
    assert load(resaved).flow == original.flow
    book = load_workbook(resaved)
    steps = book[layout.STEPS]
    kept = [str(dv.formula1) for dv in steps.data_validations.dataValidation if dv.type == "list"]
    assert any(layout.PARTIES in f for f in kept) and any(layout.LISTS in f for f in kept), kept
    assert book[layout.LISTS].sheet_state == "hidden"


def test_a_blank_form_says_what_to_fill_sheet_by_sheet(tmp_path):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(to_xlsx(None))
    with pytest.raises(InputError) as exc:
        load(path)
    where = [d.format().split(": エラー")[0].split("!", 1)[1] for d in exc.value.diagnostics]
    assert where == [f"{layout.SUMMARY}!B3", f"{layout.SUMMARY}!B5", f"{layout.SUMMARY}!B6",
                     f"{layout.PARTIES}!A2", f"{layout.FIGURES}!A2"]
    assert f"「{layout.PARTIES}」シートに少なくとも 1 行書いてください" in str(exc.value)


def test_a_figure_without_steps_is_reported_at_its_row(tmp_path):
    book = load_workbook(io.BytesIO(_form_bytes()))
    book[layout.FIGURES]["A3"], book[layout.FIGURES]["C3"] = "資料1-2", "二枚目の図"
    path = tmp_path / "nosteps.xlsx"
    book.save(path)
    with pytest.raises(InputError) as exc:
        load(path)
    assert [d.format().split("\n")[0] for d in exc.value.diagnostics] == [
        f"{path}!{layout.FIGURES}!A3: エラー[P101] この図の手順が「{layout.STEPS}」シートにありません"
        f"（「図（資料番号）」にこの資料番号を書いた行が必要です） (Tuple should have at least 1 item after validation, not 0)"]


def test_folders_give_their_forms_but_not_other_workbooks(tmp_path):
    from piflow.loader import discover

    (tmp_path / "a.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.xlsx").write_bytes(_form_bytes())
    (tmp_path / "c.checklist.xlsx").write_bytes(_plain_book())
    (tmp_path / "d.xlsx").write_bytes(b"not a zip")
    assert discover([str(tmp_path)]) == [str(tmp_path / "a.yaml"), str(tmp_path / "b.xlsx")]
    result = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 0 and "b.xlsx: OK" in result.output


def test_columns_are_found_by_their_headers_wherever_staff_moved_them(tmp_path):
    book = load_workbook(io.BytesIO(_form_bytes()))
    steps = book[layout.STEPS]
    steps.insert_rows(1, 2)  # a title and a blank row above the header
    steps["A1"] = "手順の一覧（令和8年1月）"
    steps.insert_cols(3)  # a column of the section's own notes, between 番号 and ID
    steps["C3"], steps["C4"] = "メモ", "確認済み"
    path = tmp_path / "moved.xlsx"
    book.save(path)
    assert load(path).flow == loads(MINIMAL).flow
    book[layout.DATA].delete_rows(1)  # the header row gone: said, not read as data
    book.save(path)
    with pytest.raises(InputError) as exc:
        load(path)
    assert any(d.code == "P007" and d.sheet == layout.DATA and "見出しの行がありません" in d.message
               for d in exc.value.diagnostics)


@pytest.mark.parametrize("typed, read", [(3, "3"), (3.0, "3"), (2.5, "2.5"), (True, "はい"),
                                         (__import__("datetime").datetime(2026, 1, 16), "2026年1月16日"),
                                         ("  全角　スペース  ", "全角　スペース"), ("", None)])
def test_typed_values_read_as_the_text_staff_meant(typed, read):
    from piflow.form.reader import _text

    assert _text(typed) == read


def test_an_unknown_summary_label_is_located_with_a_suggestion(tmp_path):
    book = load_workbook(io.BytesIO(_form_bytes()))
    book[layout.SUMMARY]["A4"] = "事業の名"  # was 事業名
    book[layout.SUMMARY]["B4"] = "テスト事業"
    path = tmp_path / "label.xlsx"
    book.save(path)
    with pytest.raises(InputError) as exc:
        load(path)
    (d,) = exc.value.diagnostics
    assert d.format() == (f"{path}!{layout.SUMMARY}!A4: エラー[P102] 不明な項目「事業の名」です (unknown label '事業の名')\n"
                          "    もしかして (did you mean): 事業名")
