"""A flow (or nothing) -> the workbook form staff fill in Excel.

Every user value is written as text (never a formula), drop-down lists come from a
hidden sheet and from the id columns of the other sheets, headers are frozen and
repeated on every printed page, and the bytes are the same on every run.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import datetime

from piflow.catalog import Catalog, default_catalog
from piflow.form.layout import (
    ACCEPTED, BASIS_ROWS, DATA, EXCEPTIONS, FIGURES, FIXED_LISTS, GUIDE, HOW_CHECKLIST, HOW_FIGURE, HOW_WAIVED, LISTS, MEASURES,
    NO, NONE_WORD, PARTIES, STEPS, SUMMARY, SUMMARY_ROWS, TABLES, VOCAB_LISTS, YES, Column, column_letter, lines_cell,
)
from piflow.form.safety import to_xstring
from piflow.model import Flow, written_measures
from piflow.textnorm import normalize
from piflow.writers.checklist_words import looks_like_formula
from piflow.writers.checklist_xlsx import FONT, LINE_PT, SIZE, line_count, page_setup

# Every sheet prints at 8 pt or more (10 pt text, scaled to no less than 80 %): the tables on A4
# landscape, and the two widest two pages wide with their first columns repeated on each.
WIDE_SHEETS = {PARTIES: "A:B", STEPS: "A:B"}
NAME_OK = ("一覧にない値です。当事者の名称や全角の ID（ｖｅｎｄｏｒ）でも、一つに決められれば piflow は読みます。"
           "「OK」でそのまま入力できます。piflow validate で確かめてください。")
SPARE_ROWS = 200  # empty rows below the written ones that still carry the drop-downs
HEADER_FILL = "DDEBF7"
ID_FILL = "FFF2CC"  # the id columns other sheets refer to

GUIDE_TEXT = (
    ("個人情報の流れ 記入用ブック（piflow）", "title"),
    ("このブックに提案の個人情報の流れを書くと、piflow が「〇〇に係る個人情報の流れ（資料xx-1）」の図、"
     "保護対策の監査、別紙チェックリスト 1〜8 を作ります。", ""),
    ("書く順番", "heading"),
    ("1. 概要 — 件名、担当課、根拠（一覧から選ぶ）など。", ""),
    ("2. 情報項目 — 扱う個人情報を 1 行に 1 つ。ID は半角英字で始まる半角英数字（例: name, address）。", ""),
    ("3. 当事者 — 区、対象者、委託先などを 1 行に 1 つ。区や委託先のシステム・PC・DB も 1 行に 1 つ書き、"
     "「所属」に持ち主の当事者の ID を書きます。", ""),
    ("4. 図 — 図（資料49-1 など）ごとに 1 行。", ""),
    ("5. 手順 — 図の ①②③… を 1 行に 1 つ。送り手・受け手は当事者かシステムの ID を一覧から選びます。", ""),
    ("6. 保護対策 — 当事者・システムごとの保護対策を 1 行に 1 つ。不要なものは扱いを「不要」にして理由を書きます。", ""),
    ("書き方のきまり", "heading"),
    ("・▼ の出るセルは一覧から選びます。ID の一覧は、ほかのシートに書いた ID から作られます。", ""),
    ("・複数書けるセル（役割、認証、情報項目、図に描く当事者）は「、」で区切ります（例: name、address）。", ""),
    ("・保護対策と注記は、セルの中で改行（Alt+Enter）して 1 行に 1 つ書きます。1 つの注記の中で改行するときは、"
     "続きの行を空白で始めます。", ""),
    (f"・手順の「情報項目」が空欄なら送り手の持つすべての項目、何も運ばないときは「{NONE_WORD}」と書きます。", ""),
    ("・全角の英数字（ｖｅｎｄｏｒ）で書いても、半角の ID と取り違えようがなければそのまま読みます。", ""),
    ("・数式は使わないでください（値として読まず、誤りになります）。", ""),
    ("確かめ方", "heading"),
    ("piflow validate このファイル.xlsx — 誤りは「このファイル.xlsx!手順!E7」のようにシートとセルで示します。", ""),
    ("piflow draw このファイル.xlsx（図）、piflow audit（監査）、piflow checklist（チェックリスト）もそのまま使えます。", ""),
    ("piflow form import このファイル.xlsx -o flow.yaml で YAML のフローファイルにもできます。", ""),
    ("手順の書き方の例", "heading"),
)
EXAMPLE_STEP = ("資料1-1", "2", "handover", "ward", "vendor", "印字データの提供", "手渡し", "電磁的媒体", "DVD-R",
                "name、address", "鍵付きカバン等による運搬\nデータの暗号化", "", "", "")


def to_xlsx(flow: Flow | None, catalog: Catalog | None = None) -> bytes:
    """The form, filled in with ``flow`` or blank."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    from piflow.writers.zipnorm import normalise

    catalog = catalog or default_catalog()
    book = _Book(Workbook(), catalog)
    book.guide()
    book.summary(flow)
    tables = _rows(flow, catalog) if flow is not None else {name: [] for name in TABLES}
    for name, columns in TABLES.items():
        book.table(name, columns, tables[name])
    book.lists()
    wb = book.wb
    wb.active = 0
    wb.properties.creator = "piflow"
    wb.properties.title = (flow.proposal.title if flow else "個人情報の流れ 記入用ブック")[:200]
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    buf = io.BytesIO()
    # Not wb.save(): it stamps the current time into docProps/core.xml.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return normalise(buf.getvalue())


# --- model -> rows ------------------------------------------------------------------


def _ids(values) -> str | None:
    if values is None:
        return None
    return "、".join(values) if values else NONE_WORD


def _rows(flow: Flow, catalog: Catalog) -> dict[str, list[dict]]:
    label = lambda mid: catalog[mid].label if mid in catalog else mid  # noqa: E731
    parties, measures = [], []

    def holder_measures(target: str, holder) -> None:
        measures.extend({"target": target, "measure": text, "how": HOW_FIGURE}
                        for text in written_measures(holder.measures, label))
        measures.extend({"target": target, "measure": label(m), "how": HOW_CHECKLIST} for m in holder.checklist_measures)
        measures.extend({"target": target, "measure": label(m), "how": HOW_WAIVED, "reason": r,
                         "for": "、".join(holder.waiver_scope[m]) if m in holder.waiver_scope else None}
                        for m, r in holder.waivers.items())

    for p in flow.parties:
        parties.append({
            "id": p.id, "name": p.name, "role": "、".join(p.role), "lane": p.lane, "contractor": p.contractor,
            "consent": None if p.consent is None else (YES if p.consent else NO), "cloud": p.cloud,
            "certifications": "、".join(p.certifications), "zone": p.zone, "location": p.location,
            "operates": "、".join(p.operates), "data": _ids(p.data), "note": p.note,
        })
        holder_measures(p.id, p)
        for s in p.systems:
            parties.append({"id": s.id, "name": s.name, "owner": p.id, "kind": s.kind, "zone": s.zone,
                            "location": s.location, "data": _ids(s.data), "originates": "、".join(s.originates), "note": s.note})
            holder_measures(s.id, s)
    figures, steps = [], []
    names = Counter(normalize(n) for sc in flow.scenarios for n in {sc.id, sc.tag})
    for sc in flow.scenarios:
        # A step names its figure by 資料番号, unless two figures share it: then by the figure's ID.
        figure = sc.tag if names[normalize(sc.tag)] == 1 else sc.id
        figures.append({"tag": sc.tag, "id": sc.id, "title": sc.title, "lanes": "、".join(sc.lanes),
                        "notes": lines_cell(sc.notes)})
        for target, shown in sc.figure_measures.items():
            measures.extend({"target": target, "measure": text, "how": HOW_FIGURE, "figure": figure}
                            for text in written_measures(shown, label))
        for st in sc.steps:
            steps.append({
                "scenario": figure, "n": st.n, "id": st.id, "from": st.from_, "to": st.to, "text": st.text,
                "channel": "、".join(st.channels), "medium": st.medium, "media": st.media, "data": _ids(st.data),
                "measures": "\n".join(written_measures(st.measures, label)),
                "waivers": "\n".join(f"{label(m)}: {r}" for m, r in st.waivers.items()),
                "occasion": st.occasion, "note": st.note,
            })
    return {
        DATA: [{"id": d.id, "name": d.name, "class": d.class_, "note": d.note} for d in flow.data],
        PARTIES: parties, FIGURES: figures, STEPS: steps, MEASURES: measures,
        ACCEPTED: [{"key": a.key, "reason": a.reason, "by": a.by, "date": a.date} for a in flow.accepted],
        EXCEPTIONS: [{"key": e.key, "basis": e.basis, "controls": lines_cell(e.controls), "note": e.note}
                     for e in flow.exceptions],
    }


# --- the workbook ---------------------------------------------------------------------


class _Book:
    def __init__(self, wb, catalog: Catalog):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.wb, self.catalog = wb, catalog
        wb.remove(wb.active)
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font, self.bold = Font(name=FONT, size=SIZE), Font(name=FONT, size=SIZE, bold=True)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.centre = Alignment(wrap_text=True, vertical="top", horizontal="center")
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.id_fill = PatternFill("solid", fgColor=ID_FILL)
        self.lists_at: dict[str, str] = {}  # list name -> absolute range on the hidden sheet
        self.id_rows: dict[str, int] = {}  # sheet -> last row its id drop-downs cover
        self._styles: dict[tuple, object] = {}  # (font, framed, quoted) -> a styled cell's style record
        self._lists()

    def _lists(self) -> None:
        """The hidden sheet is created first so that the drop-downs can name its ranges."""
        values = {name: [m.value for m in enum] for name, enum in VOCAB_LISTS.items()}
        values["保護対策"] = [m.label for m in self.catalog]
        values.update({k: list(v) for k, v in FIXED_LISTS.items()})
        self._list_values = values
        for i, (name, items) in enumerate(values.items()):
            col = column_letter(i)
            self.lists_at[name] = f"'{LISTS}'!${col}$2:${col}${len(items) + 1}"

    def lists(self) -> None:
        ws = self.wb.create_sheet(LISTS)
        for i, (name, items) in enumerate(self._list_values.items(), start=1):
            self.put(ws, 1, i, name, self.bold)
            for r, item in enumerate(items, start=2):
                self.put(ws, r, i, item)
            ws.column_dimensions[column_letter(i - 1)].width = 24 if name == "保護対策" else 14
        ws.sheet_state = "hidden"

    def put(self, ws, row: int, col: int, value, font=None, framed: bool = False):
        from copy import copy

        cell = ws.cell(row, col)
        quoted = False
        if value is None or value == "":
            cell.value = None
        elif isinstance(value, int):
            cell.value = value
        else:
            cell.value = text = to_xstring(str(value))
            cell.data_type = "s"  # text, even if it looks like a number or a formula
            quoted = looks_like_formula(text)
        font = font or self.font
        # Assigning fonts and borders hashes them every time (most of the time for a 10,000-step flow);
        # a cell styled like an earlier one takes that cell's style record instead.
        key = (id(font), framed, quoted)
        if key in self._styles:
            cell._style = copy(self._styles[key])
        else:
            cell.font, cell.alignment = font, self.wrap
            cell.quotePrefix = quoted  # Excel's quote prefix: shown as typed, stays text when edited
            if framed:
                cell.border = self.border
            self._styles[key] = copy(cell._style)
        return cell

    def drop_down(self, ws, ref: str, choices, prompt: str, strict: bool, names: bool = False) -> None:
        """A ▼ list; ``strict`` refuses other values, ``names`` (an id column) lets a name or a full-width id through.

        The reader takes a party's name or a full-width id where it names one thing (docs/form.md), so an
        id cell only informs (Excel's 「情報」: OK keeps the value) instead of refusing it.
        """
        from openpyxl.worksheet.datavalidation import DataValidation

        if isinstance(choices, tuple):  # an id column of another sheet
            sheet, col = choices
            formula = f"'{sheet}'!${col}$2:${col}${self.id_rows[sheet]}"
        else:
            formula = self.lists_at[choices]
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            showErrorMessage=strict or names, errorStyle="information" if names else "stop",
                            errorTitle="一覧にない値", error=NAME_OK if names else "一覧から選んでください",
                            showInputMessage=bool(prompt), prompt=prompt[:255] or None)
        dv.add(ref)
        ws.add_data_validation(dv)

    def prompt_only(self, ws, ref: str, prompt: str) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(showInputMessage=True, prompt=prompt[:255], allow_blank=True)
        dv.add(ref)
        ws.add_data_validation(dv)

    def guide(self) -> None:
        """How to fill it in, with one step written out column by column (fits A4 portrait)."""
        from openpyxl.styles import Font

        ws = self.wb.create_sheet(GUIDE)
        widths = (20, 24, 40)
        title_font = Font(name=FONT, size=14, bold=True)
        row = 1
        for text, kind in GUIDE_TEXT:
            font = title_font if kind == "title" else self.bold if kind == "heading" else self.font
            if kind == "heading":
                row += 1
            self.put(ws, row, 1, text, font)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
            ws.row_dimensions[row].height = line_count(text, sum(widths)) * LINE_PT * (1.4 if kind == "title" else 1) + 4
            row += 1
        for col, text in enumerate(("手順シートの列", "書く例", "書き方"), start=1):
            self.put(ws, row, col, text, self.bold, framed=True).fill = self.header_fill
        for column, example in zip(TABLES[STEPS], EXAMPLE_STEP):
            row += 1
            self.put(ws, row, 1, column.header, self.bold, framed=True)
            self.put(ws, row, 2, example, framed=True)
            self.put(ws, row, 3, column.prompt, framed=True)
            lines = max(line_count(t, w) for t, w in zip((column.header, example, column.prompt), widths))
            ws.row_dimensions[row].height = lines * LINE_PT + 4
        for col, width in enumerate(widths):
            ws.column_dimensions[column_letter(col)].width = width
        self.page(ws, landscape=False)

    def summary(self, flow: Flow | None) -> None:
        ws = self.wb.create_sheet(SUMMARY)
        for col, text in enumerate(("項目", "内容", "書き方"), start=1):
            self.put(ws, 1, col, text, self.bold, framed=True).fill = self.header_fill
        p = flow.proposal if flow else None
        row = 2
        for label, key, required, prompt in SUMMARY_ROWS:
            values = [getattr(p, key) if p else None]
            if key == "bases":
                values = list(p.bases) if p else []
                values += [None] * max(BASIS_ROWS - len(values), 0)
            for k, value in enumerate(values):
                self.put(ws, row, 1, label, self.bold if required else self.font, framed=True)
                cell = self.put(ws, row, 2, value, framed=True)
                hint = (("必須。" if required else "") + prompt) if k == 0 else ""
                self.put(ws, row, 3, hint, framed=True)
                if key == "bases":
                    self.drop_down(ws, cell.coordinate, "根拠", prompt, strict=True)
                lines = max(line_count(str(value or ""), 60), line_count(hint, 36))
                ws.row_dimensions[row].height = lines * LINE_PT + 4
                row += 1
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 12, 60, 36
        ws.freeze_panes = "A2"
        self.page(ws, landscape=True)

    def table(self, name: str, columns: tuple[Column, ...], rows: list[dict]) -> None:
        ws = self.wb.create_sheet(name)
        last = len(rows) + 1 + SPARE_ROWS
        self.id_rows[name] = last
        for col, column in enumerate(columns, start=1):
            self.put(ws, 1, col, column.header, self.bold, framed=True).fill = self.header_fill
            ws.column_dimensions[column_letter(col - 1)].width = column.width
        ws.row_dimensions[1].height = max(line_count(c.header, c.width) for c in columns) * LINE_PT + 4
        for r, values in enumerate(rows, start=2):
            lines = 1
            for col, column in enumerate(columns, start=1):
                value = values.get(column.key)
                if column.kind == "number" and isinstance(value, str) and value.isdigit():
                    value = int(value)  # typed as Excel would store it: no "number stored as text" mark
                cell = self.put(ws, r, col, value, framed=True)
                if column.kind == "number":
                    cell.alignment = self.centre
                lines = max(lines, line_count(str(value or ""), column.width))
            ws.row_dimensions[r].height = lines * LINE_PT + 4
        for col, column in enumerate(columns, start=1):
            letter = column_letter(col - 1)
            ref = f"{letter}2:{letter}{last}"
            if column.key == "id" and name in (DATA, PARTIES) or (name == FIGURES and column.key == "tag"):
                for r in range(2, len(rows) + 2):
                    ws[f"{letter}{r}"].fill = self.id_fill
            if column.choices is not None:
                # A single value from a closed list is checked; an id may also be a name or full-width (the
                # reader takes it when it names one thing); cells that take several ("a、b") only offer the list.
                strict = column.kind in ("vocab", "bool") or column.key == "how"
                self.drop_down(ws, ref, column.choices, column.prompt, strict, names=column.kind == "ref")
            elif column.prompt:
                self.prompt_only(ws, ref, column.prompt)
        ws.freeze_panes = "C2" if name == STEPS else "B2"
        # The two widest sheets print two pages wide at full size (10 pt), their id columns repeated.
        self.page(ws, landscape=True, wide=2 if name in WIDE_SHEETS else 1, title_cols=WIDE_SHEETS.get(name))

    @staticmethod
    def page(ws, landscape: bool, wide: int = 1, title_cols: str | None = None) -> None:
        """A4, numbered, header row repeated on every page: as the checklist workbook prints."""
        from openpyxl.worksheet.properties import PageSetupProperties

        page_setup(ws, PageSetupProperties, None, landscape=landscape, titles="1:1", wide=wide, tall=True,
                   title_cols=title_cols)
