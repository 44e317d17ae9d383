"""Hostile workbooks, declared: each case is a few operations on the bundled example workbook and the
outcome `piflow validate` must give.  Binary .xlsx files are hard to review, so they are built here at
test time (tests/test_hostile_workbooks.py) from ``to_xlsx`` of the minimal flow in tests/conftest.py.

Outcome: "ok" (exit 0), "P001" (exit 2, the book itself refused: ``book.xlsx: エラー[P001]``) or
"P101@手順!F3" (exit 2, located at that cell: ``book.xlsx!手順!F3: エラー[P101]``).

Operations, applied in order (the sheet names are those of the form, the cells A1 style):
  ("cell", sheet, ref, value)        write a value (a str starting with '=' is a formula)
  ("state", sheet, state)            "hidden" / "veryHidden" / "visible"
  ("rename", sheet, title)           rename a sheet
  ("copy", sheet, title)             copy a sheet under another title
  ("add", title, state)              a new sheet
  ("drop", sheet)                    delete a sheet
  ("insert_rows", sheet, n)          n empty rows above the header
  ("merge", sheet, range)            merge cells
  ("link", sheet, ref, url)          a hyperlink on a cell
  ("comment", sheet, ref, text)      a comment on a cell
  ("move", sheet, index)             move a sheet to another place
then, on the saved archive:
  ("part", name, bytes | str)        add or replace a part
  ("unpart", name)                   remove a part
  ("sub", name, old, new)            replace text inside a part (re.sub, count 1)
  ("cut", fraction)                  keep only the first fraction of the file
  ("raw", bytes)                     the file is these bytes, not a workbook at all
  ("bomb", name, mb)                 a part of mb megabytes of zeros (deflates to almost nothing)
  ("many", n)                        n tiny extra parts
  ("encrypt", name)                  mark a part as encrypted (the zip flag bit)
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import lru_cache
from typing import NamedTuple

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.formula import ArrayFormula


class Case(NamedTuple):
    name: str
    ops: tuple
    expect: str
    suffix: str = ".xlsx"
    says: str = ""  # and the message says this


SHEET = "xl/worksheets/sheet6.xml"  # 手順, the sixth sheet of the form
BOOK = "xl/workbook.xml"
RLO, LRI = "\u202e", "\u2066"
DEEP = "<a>" * 200_000 + "</a>" * 200_000
B3 = '<c r="B3" s="8" t="n"><v>2</v></c>'  # the second step's number, as the writer makes it
F3 = r'<c r="F3"([^>]*)t="inlineStr"><is><t>[^<]*</t></is></c>'  # the second step's text


def _cell_xml(ref: str, text: str) -> tuple[str, str]:
    """A ("sub", ...) that replaces the inline string of one cell of 手順 with ``text`` (raw XML)."""
    return rf'<c r="{ref}"([^>]*)t="inlineStr"><is><t>[^<]*</t></is></c>', \
        rf'<c r="{ref}"\1t="inlineStr"><is><t>{text}</t></is></c>'


CASES: list[Case] = [
    # --- sheets: what piflow reads must be what the clerk sees ---------------------------------------
    Case("hidden steps sheet", (("state", "手順", "hidden"),), "P001", says="シート「手順」が非表示"),
    Case("very hidden parties sheet", (("state", "当事者", "veryHidden"),), "P001", says="シート「当事者」が非表示"),
    Case("hidden summary sheet", (("state", "概要", "hidden"),), "P001"),
    Case("hidden measures sheet", (("state", "保護対策", "veryHidden"),), "P001"),
    Case("hidden sheet of the clerk's own notes", (("add", "メモ", "hidden"), ("cell", "メモ", "A1", "=1+1")), "ok"),
    Case("the drop-down lists unhidden", (("state", "選択肢", "visible"),), "ok"),
    Case("two sheets that fold to one name (ideographic space)", (("copy", "当事者", "当事者\u3000"),), "P001",
         says="「当事者」と「当事者\u3000」が同じ名前"),
    Case("two sheets that fold to one name (trailing space)", (("copy", "手順", "手順 "),), "P001"),
    Case("a sheet name with a leading space, read folded", (("rename", "手順", " 手順"),), "ok"),
    Case("a sheet name with a space inside is another sheet", (("rename", "手順", "手　順"),), "P007"),
    Case("steps sheet missing", (("drop", "手順"),), "P007"),
    Case("parties sheet missing", (("drop", "当事者"),), "P007"),
    Case("summary sheet missing", (("drop", "概要"),), "P103"),
    Case("guide sheet missing", (("drop", "記入方法"),), "ok"),
    Case("drop-down lists missing", (("drop", "選択肢"),), "ok"),
    Case("steps sheet renamed to English", (("rename", "手順", "Steps"),), "P007"),
    Case("sheets in another order", (("move", "手順", -5),), "ok"),
    Case("an extra visible sheet with data", (("add", "参考", "visible"), ("cell", "参考", "A1", "ID")), "ok"),
    # --- cells: values only, never a formula --------------------------------------------------------
    Case("formula in a step text", (("cell", "手順", "F3", "=1+1"),), "P101@手順!F3"),
    Case("HYPERLINK formula", (("cell", "手順", "F3", '=HYPERLINK("http://evil.example","x")'),), "P101@手順!F3"),
    Case("DDE formula", (("cell", "当事者", "B4", "=cmd|' /C calc'!A0"),), "P101@当事者!B4"),
    Case("formula in the title", (("cell", "概要", "B3", "=A3&A5"),), "P101@概要!B3"),
    Case("formula in an id", (("cell", "当事者", "A4", '="vendor"'),), "P101@当事者!A4"),
    Case("array formula", (("cell", "手順", "F2", ArrayFormula("F2", "=SUM(B2:B3)")),), "P101@手順!F2"),
    Case("formula in a hidden lists sheet", (("cell", "選択肢", "A2", "=1"),), "ok"),
    Case("formula prefix typed as text", (("sub", SHEET, *_cell_xml("F3", "=1+1 (typed as text)")),), "ok"),
    Case("number in a text cell", (("cell", "手順", "F3", 12345),), "ok"),
    Case("float step number", (("cell", "手順", "B3", 1.5),), "P101@手順!B3"),
    Case("date in a text cell", (("cell", "手順", "F3", dt.datetime(2026, 1, 16)),), "ok"),
    Case("date and time in a name", (("cell", "当事者", "B4", dt.datetime(2026, 1, 16, 9, 30)),), "ok"),
    Case("date as a step number", (("cell", "手順", "B3", dt.datetime(2026, 2, 28)),), "P101@手順!B3"),
    Case("boolean in a text cell", (("cell", "手順", "F3", True),), "ok"),
    Case("boolean as an id", (("cell", "当事者", "A4", False),), "P101@当事者!A4"),
    Case("very long text in a cell", (("cell", "手順", "F3", "長" * 3000),), "P005@手順!F3"),
    Case("control character in a cell (XML 1.0 forbids it: Excel never writes it)",
         (("sub", SHEET, *_cell_xml("F3", "提&#7;供")),), "P001"),
    Case("Excel's escape of a control character (Excel shows the character)",
         (("sub", SHEET, *_cell_xml("F3", "提_x0007_供")),), "P003@手順!F3"),
    Case("right-to-left override in a cell", (("cell", "手順", "F3", f"提{RLO}供"),), "P003@手順!F3"),
    Case("right-to-left override as Excel's escape _x202E_ (Excel shows the override)",
         (("sub", SHEET, *_cell_xml("F3", "提_x202E_供")),), "P003@手順!F3"),
    Case("Excel's escape of a line separator", (("sub", SHEET, *_cell_xml("F3", "提_x2028_供")),), "P003@手順!F3"),
    Case("Excel's escape of a lone surrogate", (("sub", SHEET, *_cell_xml("F3", "提_xD800_供")),), "P003@手順!F3"),
    Case("Excel's escape of a literal _x0041_ (shown as typed)", (("sub", SHEET, *_cell_xml("F3", "提_x005F_x0041_供")),),
         "ok"),
    Case("isolate in a party name", (("cell", "当事者", "B4", f"委託{LRI}先"),), "P003@当事者!B4"),
    Case("zero-width space in an id (folded away: Excel shows none)", (("cell", "当事者", "A4", "vendor\u200b"),), "ok"),
    Case("full-width id (folded to ASCII)", (("cell", "当事者", "A4", "ｖｅｎｄｏｒ"),), "ok"),
    Case("unknown receiver", (("cell", "手順", "E3", "vendr"),), "P201@手順!E3"),
    Case("duplicate id", (("cell", "当事者", "A4", "ward"),), "P202@当事者!A4"),
    Case("three rows above the header", (("insert_rows", "手順", 3),), "ok"),
    Case("header renamed", (("cell", "手順", "F1", "なにか"),), "P103@手順!F2"),
    Case("merged cells across a step", (("merge", "手順", "F3:H3"),), "ok"),
    Case("merged header cells", (("merge", "手順", "A1:B1"),), "P103@手順!B2"),
    Case("value beyond the read columns", (("cell", "手順", "AZ3", "=1+1"),), "ok"),
    Case("a value at row 30,000", (("cell", "手順", "F30000", "x"),), "P005"),
    Case("dimension claiming the whole sheet", (("sub", SHEET, r'<dimension ref="[^"]*"/>',
                                                  '<dimension ref="A1:XFD1048576"/>'),), "ok"),
    Case("25,000 empty rows", (("sub", SHEET, "</sheetData>",
                                "".join(f'<row r="{r}"/>' for r in range(10, 25010)) + "</sheetData>"),),
         "P005"),
    Case("comment on a cell", (("comment", "手順", "F3", "<script>alert(1)</script>"),), "ok"),
    Case("hyperlink on a cell", (("link", "手順", "F3", "file:///etc/passwd"),), "ok"),
    Case("error value in a cell", (("sub", SHEET, *_cell_xml("F3", "x")), ("sub", SHEET, r'<c r="F3"([^>]*)t="inlineStr"><is><t>x</t></is></c>',
                                                                     r'<c r="F3"\1t="e"><v>#REF!</v></c>')), "ok"),
    Case("infinity as a step number", (("sub", SHEET, B3, '<c r="B3" s="8" t="n"><v>1e309</v></c>'),), "P101@手順!B3"),
    Case("NaN as a step number", (("sub", SHEET, B3, '<c r="B3" s="8" t="n"><v>NaN</v></c>'),), "P001"),
    Case("text in a number cell", (("sub", SHEET, B3, '<c r="B3" s="8" t="n"><v>abc</v></c>'),), "P001"),
    Case("a negative step number", (("sub", SHEET, B3, '<c r="B3" s="8" t="n"><v>-2</v></c>'),), "P101@手順!B3"),
    Case("an enormous step number", (("sub", SHEET, B3, '<c r="B3" s="8" t="n"><v>1e300</v></c>'),), "P203"),
    Case("an impossible date in a date cell", (("sub", SHEET, F3, r'<c r="F3"\1t="d"><v>2026-02-30T00:00:00</v></c>'),),
         "P001"),
    Case("a date cell as a step text", (("sub", SHEET, F3, r'<c r="F3"\1t="d"><v>2026-02-28T00:00:00</v></c>'),), "ok"),
    Case("a boolean cell with an odd value", (("sub", SHEET, F3, r'<c r="F3"\1t="b"><v>7</v></c>'),), "ok"),
    Case("a shared string that is not there", (("sub", SHEET, F3, r'<c r="F3"\1t="s"><v>99</v></c>'),), "P001"),
    Case("the same cell twice", (("sub", SHEET, B3, B3 + '<c r="B3" s="8" t="n"><v>5</v></c>'),), "P203"),
    Case("a style that is not there", (("sub", SHEET, B3, '<c r="B3" s="999" t="n"><v>2</v></c>'),), "ok"),
    # --- the archive --------------------------------------------------------------------------------
    Case("not a zip: text named .xlsx", (("raw", b"piflow: 1\nproposal: x\n"),), "P001"),
    Case("empty file", (("raw", b""),), "P001"),
    Case("PDF named .xlsx", (("raw", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),), "P001"),
    Case("old binary (OLE2) book named .xlsx", (("raw", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504),), "P001"),
    Case("cut short", (("cut", 0.6),), "P001"),
    Case("zip without the workbook part", (("unpart", BOOK),), "P001"),
    Case("zip of something else", (("raw", "zip:readme.txt"),), "P001"),
    Case("sheet part missing", (("unpart", SHEET),), "P001", says="壊れて"),
    Case("sheet part not well-formed", (("sub", SHEET, "</sheetData>", "<sheetData>"),), "P001"),
    Case("styles replaced by garbage", (("part", "xl/styles.xml", b"\x00\xff garbage"),), "P001"),
    Case("workbook names a sheet part that is not there", (("sub", "xl/_rels/workbook.xml.rels", "sheet6.xml",
                                                            "sheet99.xml"),), "P001"),
    Case("macros inside (xlsm renamed .xlsx)", (("part", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro"),), "P001"),
    Case("macro sheet inside", (("part", "xl/macrosheets/sheet1.xml", "<xm:macrosheet/>"),), "P001"),
    Case("dialog sheet inside", (("part", "xl/dialogsheets/sheet1.xml", "<dialogsheet/>"),), "P001"),
    Case(".xlsm name", (), "P001", ".xlsm"),
    Case(".xlsb name", (), "P001", ".xlsb"),
    Case(".xls name", (), "P001", ".xls"),
    Case("upper-case .XLSX name", (), "ok", ".XLSX"),
    Case("external link", (("part", "xl/externalLinks/externalLink1.xml", "<externalLink/>"),), "P001"),
    Case("data connection", (("part", "xl/connections.xml", "<connections/>"),), "P001"),
    Case("entity expansion (billion laughs) in a sheet", (("sub", SHEET, "^", '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                                                           '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'),), "P001"),
    Case("external entity (XXE) in shared strings", (("part", "xl/sharedStrings.xml",
                                                       '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM '
                                                       '"file:///etc/passwd">]><sst>&x;</sst>'),), "P001"),
    Case("UTF-16 XML part", (("part", "xl/styles.xml", '<?xml version="1.0" encoding="UTF-16"?><styleSheet/>'
                              .encode("utf-16")),), "P001"),
    Case("zip bomb: a 30 MB part", (("bomb", "xl/worksheets/sheet11.xml", 30),), "P005"),
    Case("zip bomb: 70 MB in four parts", tuple(("bomb", f"xl/media/big{i}.bin", 18) for i in range(4)), "P005"),
    Case("2,500 parts", (("many", 2500),), "P005"),
    Case("encrypted part", (("encrypt", SHEET),), "P001"),
    Case("a part named with ../", (("part", "../../evil.xml", "<x/>"),), "ok"),
    Case("200,000 nested elements in the styles", (("sub", "xl/styles.xml", "</styleSheet>", DEEP + "</styleSheet>"),),
         "P001"),
    Case("200,000 nested elements in the workbook part", (("sub", BOOK, "</workbook>", DEEP + "</workbook>"),), "P001"),
    Case("200,000 nested elements after a sheet's data", (("sub", SHEET, "</sheetData>", "</sheetData>" + DEEP),), "ok"),
    Case("100,000 attributes on a sheet's data", (("sub", SHEET, "<sheetData>", "<sheetData " + " ".join(
        f"a{i}='1'" for i in range(100_000)) + ">"),), "ok"),
    Case("a 1 MB shared-strings part nobody uses", (("part", "xl/sharedStrings.xml",
                                                     "<sst>" + "<si><t>" + "x" * 1_000_000 + "</t></si></sst>"),), "ok"),
]


@lru_cache(maxsize=1)
def base() -> bytes:
    """The bundled example as a workbook: the minimal flow of tests/conftest.py written as the form."""
    from conftest import MINIMAL
    from piflow.form.writer import to_xlsx
    from piflow.loader import loads

    return to_xlsx(loads(MINIMAL, "minimal.yaml").flow)


def _book_ops(raw: bytes, ops) -> bytes:
    wb = load_workbook(io.BytesIO(raw))
    for op, *args in ops:
        if op == "cell":
            wb[args[0]][args[1]] = args[2]
        elif op == "state":
            wb[args[0]].sheet_state = args[1]
        elif op == "rename":
            wb[args[0]].title = args[1]
        elif op == "copy":
            wb.copy_worksheet(wb[args[0]]).title = args[1]
        elif op == "add":
            wb.create_sheet(args[0]).sheet_state = args[1]
        elif op == "drop":
            del wb[args[0]]
        elif op == "insert_rows":
            wb[args[0]].insert_rows(1, args[1])
        elif op == "merge":
            wb[args[0]].merge_cells(args[1])
        elif op == "link":
            wb[args[0]][args[1]].hyperlink = args[2]
        elif op == "comment":
            wb[args[0]][args[1]].comment = Comment(args[2], "hostile")
        elif op == "move":
            wb.move_sheet(args[0], args[1])
        else:
            raise ValueError(op)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zip_ops(raw: bytes, ops) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    encrypted = set()
    for op, *args in ops:
        if op == "part":
            parts[args[0]] = args[1].encode("utf-8") if isinstance(args[1], str) else args[1]
        elif op == "unpart":
            del parts[args[0]]
        elif op == "sub":
            text = parts[args[0]].decode("utf-8")
            new = re.sub(args[1], args[2], text, count=1)
            assert new != text, (args[0], args[1])
            parts[args[0]] = new.encode("utf-8")
        elif op == "bomb":
            parts[args[0]] = bytes(args[1] * 1024 * 1024)
        elif op == "many":
            parts.update({f"xl/extra/p{i}.bin": b"" for i in range(args[0])})
        elif op == "encrypt":
            encrypted.add(args[0])
        else:
            raise ValueError(op)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    data = out.getvalue()
    for name in encrypted:  # the general-purpose flag bit 0, in the local header and the central directory
        data = _set_encrypted(data, name.encode())
    return data


def _set_encrypted(data: bytes, name: bytes) -> bytes:
    buf = bytearray(data)
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (i := buf.find(signature, start)) >= 0:
            if buf[i + name_at:i + name_at + len(name)] == name:
                buf[i + flag_at] |= 1
            start = i + 4
    return bytes(buf)


def build(case: Case) -> bytes:
    """The bytes of the case's file."""
    raw = base()
    book = [op for op in case.ops if op[0] in {"cell", "state", "rename", "copy", "add", "drop", "insert_rows",
                                                 "merge", "link", "comment", "move"}]
    archive = [op for op in case.ops if op[0] in {"part", "unpart", "sub", "bomb", "many", "encrypt"}]
    if book:
        raw = _book_ops(raw, book)
    if archive:
        raw = _zip_ops(raw, archive)
    for op, *args in case.ops:
        if op == "cut":
            raw = raw[: int(len(raw) * args[0])]
        elif op == "raw":
            if isinstance(args[0], str) and args[0].startswith("zip:"):
                out = io.BytesIO()
                with zipfile.ZipFile(out, "w") as z:
                    z.writestr(args[0][4:], "hello")
                raw = out.getvalue()
            else:
                raw = args[0]
    return raw
