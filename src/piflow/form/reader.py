"""The workbook form -> the same plain data a flow file gives, validated by the same model and checks.

Cells become the YAML-shaped data (``proposal``, ``parties`` …) with the cell of every
value remembered, so the loader's errors (codes, suggestions) point at cells:
``flow.xlsx!手順!E7: エラー[P201] 受け手「vendr」が定義されていません``.
Only values are read: a formula is refused at its cell, never evaluated.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from piflow.diagnostics import Diagnostic, InputError
from piflow.form.layout import (
    ACCEPTED, DATA, EXCEPTIONS, FIGURES, HOW_ALIASES, HOW_FIGURE, HOW_KEYS, HOW_WAIVED, MEASURES, NO, NONE_WORD, PARTIES,
    PARTY_ONLY, STEPS, SUMMARY, SUMMARY_ROWS, SYSTEM_ONLY, TABLES, YES, Column, cell_lines, cell_ref,
)
from piflow.inputfile import read_bytes
from piflow.form.safety import (MAX_COLUMNS, MAX_ROWS, Refused, check_archive, check_suffix, declares_form_sheets,
                                from_xstring)
from piflow.textnorm import did_you_mean, match_key, normalize
from piflow.yamlsource import FORBIDDEN, Source

# A fix text names the flow file's keys; in a workbook the same thing is a sheet or a column.
WORKBOOK_WORDS = (
    ("measures に", f"「{MEASURES}」シート（手順は「{STEPS}」シートの「その手順の保護対策」列）に"),
    ("waivers に", f"「{MEASURES}」シートの扱い「不要」（手順は「不要とする保護対策（理由）」列）に"),
    ("exceptions に", f"「{EXCEPTIONS}」シートに"),
    ("exceptions から", f"「{EXCEPTIONS}」シートから"),
    ("accepted に", f"「{ACCEPTED}」シートに"),
    ("accepted から", f"「{ACCEPTED}」シートから"),
    ("proposal.bases に", f"「{SUMMARY}」シートの「根拠」に"),
    ("proposal.bases から", f"「{SUMMARY}」シートの「根拠」から"),
    ("data に", f"「{PARTIES}」シートの「取り扱う情報項目」に"),
    ("data から", f"「{PARTIES}」シートの「取り扱う情報項目」から"),
)
SHEET_CODES = {name: i for i, name in enumerate((SUMMARY, *TABLES), start=1)}
ROW_SPAN = 10_000_000  # a position's line is sheet * ROW_SPAN + row while the loader checks the data
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_SPLIT = re.compile(r"[、，,;；\s]+")
_DOTTED = re.compile(r"^[a-z_]+(?:\[\d+\]|\.[^\s:]+)*: ")


@dataclass(frozen=True)
class CellDiagnostic(Diagnostic):
    """A diagnostic at a cell: ``flow.xlsx!手順!E7: エラー[P201] …``; sorted sheet by sheet, as the book reads."""

    sheet: str = ""

    def format(self) -> str:
        text = super().format()  # "file:row:col: エラー…", the cell said the way a spreadsheet says it
        where = f"{self.file}!{self.sheet}!{cell_ref(self.line, self.column)}" if self.sheet else self.file
        return where + text[len(f"{self.file}:{self.line}:{self.column}"):]

    def _order(self) -> tuple:
        return (self.file, SHEET_CODES.get(self.sheet, 0), self.line, self.column, self.code, self.message)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, CellDiagnostic):
            return NotImplemented
        return self._order() < other._order()


Cell = tuple[str, int, int]  # sheet, row, column (1-based)


@dataclass
class CellSource(Source):
    """Positions are cells; ``where`` answers (row, column) like a flow file's (line, column)."""

    cells: dict[tuple, Cell] = field(default_factory=dict)

    def cell(self, path: tuple) -> Cell | None:
        path = tuple(path)
        while path not in self.cells:
            if not path:
                return None
            path = path[:-1]
        return self.cells[path]

    def where(self, path: tuple, *, key: bool = False) -> tuple[int, int]:
        found = self.cell(path)
        return (found[1], found[2]) if found else (1, 1)

    def place(self, path: tuple) -> str:
        """``book.xlsx!手順!E7``: book, sheet and cell, as a spreadsheet names a place."""
        found = self.cell(path)
        return f"{self.file}!{found[0]}!{cell_ref(found[1], found[2])}" if found else self.file

    def words(self, text: str) -> str:
        """A fix text in the workbook's words: its sheets and columns, not the flow file's keys."""
        for key, said in WORKBOOK_WORDS:
            text = re.sub(" ?" + re.escape(key), said, text)  # 「不要なら waivers に」: no space before 「
        return text


@dataclass(frozen=True)
class Workbook:
    """What a form says before the loader validates it: the data, the cell of every value, the form's own errors."""

    source: CellSource
    errors: tuple[Diagnostic, ...]

    def coded_source(self) -> Source:
        """The data with each cell coded as a line (sheet * ROW_SPAN + row), so the loader's located
        diagnostics can be brought back to their cells by ``locate``."""
        positions = {path: (SHEET_CODES[sheet] * ROW_SPAN + row, col)
                     for path, (sheet, row, col) in self.source.cells.items()}
        return Source(self.source.file, self.source.data, positions)

    def locate(self, diagnostics: list[Diagnostic]) -> list[CellDiagnostic]:
        """The loader's diagnostics on ``coded_source()`` at their cells, in the words of the sheets."""
        return [_at_cell(self.source.file, d, self.source.cells) for d in diagnostics]


def read_workbook(name: str) -> Workbook:
    """Read and check a form; raises InputError (located at a cell) when the book itself is refused."""
    try:
        check_suffix(name)
        raw = read_bytes(name)
        check_archive(raw)
        sheets = _read_sheets(raw)
    except Refused as exc:
        sheet, row, col = getattr(exc, "cell", ("", 1, 1))
        raise InputError([CellDiagnostic(name, row, col, exc.code, exc.ja, exc.en, exc.hint, sheet)]) from None
    return build(name, sheets)


# --- cells ---------------------------------------------------------------------------

Row = tuple[int, dict[int, object]]  # row number, {column: value}


def _read_sheets(raw: bytes) -> dict[str, list[Row]]:
    """Every form sheet's non-empty rows, values only; formulas refused."""
    import warnings

    from openpyxl import load_workbook as open_book

    try:
        with warnings.catch_warnings():  # "data validation extension not supported" and the like
            warnings.simplefilter("ignore")
            wb = open_book(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken workbook
        raise Refused("P001", "Excel ブックとして読めません（壊れているか、別の形式です）",
                      f"cannot read the workbook: {type(exc).__name__}") from None
    try:
        names = _form_sheets(wb)
        if PARTIES not in names or STEPS not in names:
            if declares_form_sheets(raw):  # listed by the book, but openpyxl found no part for it
                raise Refused("P001", "Excel ブックの一部が壊れていて読めません（シートの中身がありません）。"
                              "Excel で開いて保存し直してください", "damaged workbook: a sheet's part is missing",
                              "直らないときは piflow form new で新しいブックを作り、内容を写してください")
            raise Refused("P007", f"piflow の記入用ブックではありません（「{PARTIES}」「{STEPS}」のシートがありません）",
                          "not a piflow form (no 当事者/手順 sheets)",
                          "piflow form new 名前.xlsx で記入用ブックを作れます (make one with: piflow form new)")
        out: dict[str, list[Row]] = {}
        for sheet in SHEET_CODES:
            out[sheet] = _rows(wb[names[sheet]], sheet) if sheet in names else []
        return out
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - read-only mode parses a sheet only as it is read: damage shows here
        raise Refused("P001", "Excel ブックの一部が壊れていて読めません。Excel で開いて保存し直してください",
                      f"damaged workbook: {type(exc).__name__}",
                      "直らないときは piflow form new で新しいブックを作り、内容を写してください") from None
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001 - closing a damaged archive must not hide the message above
            pass


def _form_sheets(wb) -> dict[str, str]:
    """The form's sheets by their folded name.  What piflow reads must be what the clerk sees in Excel: a
    form sheet that is hidden, or two sheets whose names fold to the same one, are refused by name."""
    names: dict[str, str] = {}
    for ws in wb.worksheets:
        key = normalize(ws.title)
        if key not in SHEET_CODES:
            continue  # the guide, the hidden drop-down lists, the clerk's own notes: not read
        if getattr(ws, "sheet_state", "visible") != "visible":
            raise Refused("P001", f"シート「{ws.title}」が非表示になっています。piflow は見えないシートを読みません",
                          f"sheet {ws.title!r} is hidden; hidden sheets are not read",
                          "シート見出しを右クリック →「再表示」で表示し、内容を確かめてから保存してください "
                          "(unhide it, check it, save)")
        if key in names:
            raise Refused("P001", f"シート「{names[key]}」と「{ws.title}」が同じ名前として読まれます。どちらか一方にしてください",
                          f"sheets {names[key]!r} and {ws.title!r} have the same name once folded",
                          "使わない方のシートを削除するか名前を変えてください (delete or rename one)")
        names[key] = ws.title
    return names


def _rows(ws, sheet: str) -> list[Row]:
    rows: list[Row] = []
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS), start=1):
        if r > MAX_ROWS:  # even empty: a million <row/> elements are refused, not walked
            raise Refused("P005", f"「{sheet}」シートの行が多すぎます（{MAX_ROWS:,} 行まで）",
                          f"too many rows in sheet {sheet} (limit {MAX_ROWS})",
                          "使っていない行を削除して保存し直してください (delete the unused rows)")
        values = {}
        for c, cell in enumerate(cells, start=1):
            value = getattr(cell, "value", None)
            if value is None:
                continue
            if getattr(cell, "data_type", None) == "f":
                raise _CellRefused(sheet, r, c, "P101", "数式は使えません。値を直接書いてください",
                                   "formulas are not read; type the value",
                                   "数式のセルをコピーし「値の貼り付け」で置き換えてください (paste as values)")
            values[c] = value
        if values:
            rows.append((r, values))
    return rows


class _CellRefused(Refused):
    def __init__(self, sheet: str, row: int, col: int, code: str, ja: str, en: str, hint: str = ""):
        super().__init__(code, ja, en, hint)
        self.cell = (sheet, row, col)


def _text(value: object) -> str | None:
    """A cell's value as the text the user meant: numbers without '.0', dates as 2026年1月16日."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value).strip()
    return text or None


# --- cells -> data ------------------------------------------------------------------


class _Builder:
    def __init__(self, name: str):
        self.name = name
        self.cells: dict[tuple, Cell] = {}
        self.errors: list[CellDiagnostic] = []

    def error(self, cell: Cell, code: str, ja: str, en: str, hint: str = "") -> None:
        self.errors.append(CellDiagnostic(self.name, cell[1], cell[2], code, ja, en, hint, cell[0]))

    def value(self, sheet: str, row: int, col: int, raw: object) -> str | None:
        raw = from_xstring(raw) if isinstance(raw, str) else raw  # _x202E_ is what Excel shows as U+202E
        text = _text(raw)
        bad = FORBIDDEN.search(raw) if isinstance(raw, str) else None  # before strip(), which drops U+0085
        if bad:
            char = bad.group()
            self.error((sheet, row, col), "P003", f"使えない制御文字 (U+{ord(char):04X}) があります",
                       f"control character U+{ord(char):04X} is not allowed",
                       "目に見えない文字です。セルを書き直してください (an invisible character: retype the cell)")
            return FORBIDDEN.sub("", text) or None
        return text


HEADER_SEARCH = 10  # rows above the header that staff may add (a title, a date)


def _table(b: _Builder, sheet: str, rows: list[Row]) -> list[tuple[int, dict[str, tuple[str, Cell]]]]:
    """A table sheet's data rows as {key: (text, cell)}; columns found by their header, wherever it moved."""
    columns = TABLES[sheet]
    if not rows:
        return []
    by_header = {match_key(c.header): c for c in columns}

    def header_columns(values: dict[int, object]) -> dict[int, Column]:
        found = {col: by_header.get(match_key(_text(raw) if isinstance(raw, str) else "")) for col, raw in values.items()}
        return {col: c for col, c in found.items() if c is not None}

    # The header is the first row naming at least two of the sheet's columns (one, if the sheet has fewer).
    need = min(2, len(columns))
    start = next((i for i, (_, values) in enumerate(rows[:HEADER_SEARCH]) if len(header_columns(values)) >= need), None)
    if start is None:
        b.error((sheet, rows[0][0], 1), "P007", f"「{sheet}」シートに見出しの行がありません",
                f"no header row in sheet {sheet}",
                f"1 行目に見出し（{'、'.join(c.header for c in columns[:4])} …）を書いてください。"
                "piflow form new で作ったブックから写すのが確実です")
        return []
    at = header_columns(rows[start][1])
    out = []
    for r, values in rows[start + 1:]:
        record = {}
        for col, raw in values.items():
            if col in at:
                text = b.value(sheet, r, col, raw)
                if text is not None:
                    record[at[col].key] = (text, (sheet, r, col))
        if record:
            out.append((r, record))
    return out


def _split(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text) if part]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _fold_id(text: str) -> str:
    """ｖｅｎｄｏｒ -> vendor: a declared id typed in full width, when folding makes it a valid id."""
    folded = normalize(text)
    return folded if folded != text and _ID.match(folded) else text


class _Names:
    """Ids that references may name, forgiving width differences (ｖｅｎｄｏｒ, ｗａｒｄ) and a unique 名称."""

    def __init__(self):
        self.ids: list[str] = []
        self.by_key: dict[str, set[str]] = {}

    def add(self, ident: str, *names: str) -> None:
        self.ids.append(ident)
        for n in (ident, *names):
            self.by_key.setdefault(normalize(n), set()).add(ident)

    def resolve(self, text: str) -> str:
        if text in self.ids:
            return text
        hits = self.by_key.get(normalize(text), set())
        return next(iter(hits)) if len(hits) == 1 else text


def build(name: str, sheets: dict[str, list[Row]]) -> Workbook:
    """The sheets' rows -> the flow's data with the cell of every value, and the problems the form shows."""
    b = _Builder(name)
    data: dict = {"piflow": 1}
    cells = b.cells
    data["proposal"] = _proposal(b, sheets[SUMMARY])
    tables = {sheet: _table(b, sheet, sheets[sheet]) for sheet in TABLES}
    for key, sheet in (("data", DATA), ("parties", PARTIES), ("scenarios", FIGURES), ("accepted", ACCEPTED),
                       ("exceptions", EXCEPTIONS)):
        cells[(key,)] = (sheet, 2, 1)

    endpoints, data_ids = _Names(), _Names()
    data["data"] = items = []
    for r, rec in tables[DATA]:
        item = _record(b, rec, ("data", len(items)), TABLES[DATA])
        if "id" in item:
            data_ids.add(item["id"], item.get("name", ""))
        items.append(item)
    rows_parties = tables[PARTIES]
    for r, rec in rows_parties:
        if "id" in rec:
            endpoints.add(_fold_id(rec["id"][0]), rec.get("name", ("",))[0])

    parties, holders = _parties(b, rows_parties, endpoints, data_ids)
    data["parties"] = parties
    data["scenarios"] = _scenarios(b, tables[FIGURES], tables[STEPS], endpoints, data_ids)
    _measures(b, tables[MEASURES], holders, endpoints, data["scenarios"])
    data["accepted"] = [_record(b, rec, ("accepted", i), TABLES[ACCEPTED])
                        for i, (r, rec) in enumerate(tables[ACCEPTED])]
    data["exceptions"] = [_record(b, rec, ("exceptions", i), TABLES[EXCEPTIONS])
                          for i, (r, rec) in enumerate(tables[EXCEPTIONS])]
    return Workbook(CellSource(b.name, data, cells=dict(b.cells)), tuple(b.errors))


def _proposal(b: _Builder, rows: list[Row]) -> dict:
    by_label = {match_key(label): key for label, key, *_ in SUMMARY_ROWS}
    labels = [label for label, *_ in SUMMARY_ROWS]
    out: dict = {}
    b.cells[("proposal",)] = (SUMMARY, 2, 2)
    for r, values in rows[1:] if rows and _text(rows[0][1].get(1)) == "項目" else rows:
        label = b.value(SUMMARY, r, 1, values.get(1))
        value = b.value(SUMMARY, r, 2, values.get(2))
        if label is None:
            if value is not None:
                b.error((SUMMARY, r, 1), "P102", "項目名がありません（A 列に項目名を書いてください）",
                        "value without a label", f"使える項目 (labels): {'、'.join(labels)}")
            continue
        key = by_label.get(match_key(label))
        if key is None:
            b.error((SUMMARY, r, 1), "P102", f"不明な項目「{label}」です", f"unknown label {label!r}",
                    did_you_mean(label, labels) or f"使える項目 (labels): {'、'.join(labels)}")
            continue
        if key == "bases":
            b.cells.setdefault(("proposal", "bases"), (SUMMARY, r, 2))
            if value is not None:
                bases = out.setdefault("bases", [])
                b.cells[("proposal", "bases", len(bases))] = (SUMMARY, r, 2)
                bases.append(value)
            continue
        b.cells[("proposal", key)] = (SUMMARY, r, 2)
        if value is not None:
            out[key] = value
    return out


def _record(b: _Builder, rec: dict, path: tuple, columns: tuple[Column, ...], names: _Names | None = None,
            data_ids: _Names | None = None, skip: tuple[str, ...] = ()) -> dict:
    """One row's values by column kind; every value's cell remembered under its path."""
    out: dict = {}
    first = min((cell for _, cell in rec.values()), key=lambda c: c[2], default=None)
    if first:
        b.cells[path] = first
    for column in columns:
        if column.key not in rec or column.key in skip:
            continue
        text, cell = rec[column.key]
        key = column.key
        b.cells[(*path, key)] = cell
        kind = column.kind
        if kind == "id":
            out[key] = _fold_id(text)
        elif kind == "ref":
            out[key] = names.resolve(text) if names else text
        elif kind == "refs":
            pool = data_ids if column.choices is not None and column.choices[0] == DATA else names
            if text == NONE_WORD:
                out[key] = []
            else:
                out[key] = [pool.resolve(part) if pool else part for part in _split(text)]
                for k in range(len(out[key])):
                    b.cells[(*path, key, k)] = cell
        elif kind == "vocabs":
            out[key] = _split(text)
        elif kind == "lines":
            out[key] = cell_lines(text)
        elif kind == "bool":
            folded = normalize(text).lower()
            out[key] = True if folded in (YES, "true", "○", "yes") else False if folded in (NO, "false", "×", "no") else text
        elif kind == "measures":
            out[key] = _lines(text)
            for k in range(len(out[key])):
                b.cells[(*path, key, k)] = cell
        elif kind == "waivers":
            waivers: dict = {}
            for line in _lines(text):
                label, reason = _split_waiver(line)
                waivers[label] = reason
                b.cells[(*path, key, label)] = cell
            out[key] = waivers
        else:
            out[key] = text
    return out


def _split_waiver(line: str) -> tuple[str, str]:
    """「鍵付きカバン等による運搬: 電子データのみのため」 -> (measure, reason); no colon, no reason."""
    m = re.match(r"^(.*?)\s*[:：]\s*(.*)$", line)
    return (m.group(1), m.group(2)) if m else (line, "")


def _parties(b: _Builder, rows, endpoints: _Names, data_ids: _Names):
    columns = TABLES[PARTIES]
    parties: list[dict] = []
    holders: dict[str, tuple[dict, tuple]] = {}  # endpoint id -> (its dict, its path)
    systems = []
    for r, rec in rows:
        if "owner" in rec:
            systems.append((r, rec))
            continue
        path = ("parties", len(parties))
        for key in SYSTEM_ONLY:
            if key in rec:
                b.error(rec[key][1], "P101", "「種類」はシステムの行（所属を書いた行）にだけ書けます",
                        "kind is for systems only", "当事者の行なら空欄に、システムなら「所属」に持ち主の ID を")
        party = _record(b, rec, path, columns, endpoints, data_ids, skip=("owner", *SYSTEM_ONLY))
        parties.append(party)
        if isinstance(party.get("id"), str):
            holders.setdefault(party["id"], (party, path))
    index = {p.get("id"): i for i, p in enumerate(parties) if isinstance(p.get("id"), str)}
    for r, rec in systems:
        owner_text, owner_cell = rec["owner"]
        owner = endpoints.resolve(owner_text)
        if owner not in index:
            b.error(owner_cell, "P201", f"所属の当事者「{owner_text}」が定義されていません（システムでなく当事者の ID を）",
                    f"unknown owner {owner_text!r}", did_you_mean(owner_text, list(index)))
            continue
        for key in PARTY_ONLY:
            if key in rec:
                header = next(c.header for c in columns if c.key == key)
                b.error(rec[key][1], "P101", f"「{header}」は当事者の行にだけ書けます（この行はシステムです）",
                        f"{key} is for parties only")
        owner_dict = parties[index[owner]]
        path = ("parties", index[owner], "systems", len(owner_dict.get("systems", [])))
        system = _record(b, rec, path, columns, endpoints, data_ids, skip=("owner", *PARTY_ONLY))
        owner_dict.setdefault("systems", []).append(system)
        if isinstance(system.get("id"), str):
            holders.setdefault(system["id"], (system, path))
    return parties, holders


def _scenarios(b: _Builder, figures, steps, endpoints: _Names, data_ids: _Names) -> list[dict]:
    scenarios: list[dict] = []
    tags = _Names()
    used = {_fold_id(rec["id"][0]) for _, rec in figures if "id" in rec}
    for r, rec in figures:
        path = ("scenarios", len(scenarios))
        scenario = _record(b, rec, path, TABLES[FIGURES], endpoints)
        if "id" not in scenario:  # staff need not invent an id for each figure
            n = len(scenarios) + 1
            while f"fig{n}" in used:
                n += 1
            scenario["id"] = f"fig{n}"
            used.add(scenario["id"])
        scenario["steps"] = []  # filled from the 手順 sheet; none is reported at this row
        tags.add(scenario["id"], scenario.get("tag", ""))
        b.cells[(*path, "steps")] = b.cells.get((*path, "tag"), b.cells[path])
        scenarios.append(scenario)
    for r, rec in steps:
        if "scenario" in rec:
            text, cell = rec["scenario"]
            ident = tags.resolve(text)
            where = next((i for i, s in enumerate(scenarios) if s["id"] == ident), None)
            if where is None:
                b.error(cell, "P201", f"図「{text}」が「{FIGURES}」シートにありません", f"unknown figure {text!r}",
                        did_you_mean(text, [s.get("tag", s["id"]) for s in scenarios]))
                continue
        elif len(scenarios) == 1:
            where = 0
        else:
            b.error((STEPS, r, 1), "P103", "どの図の手順か「図（資料番号）」を書いてください", "which figure? (図 is empty)")
            continue
        scenario = scenarios[where]
        path = ("scenarios", where, "steps", len(scenario["steps"]))
        scenario["steps"].append(_record(b, rec, path, TABLES[STEPS], endpoints, data_ids,
                                                        skip=("scenario",)))
    return scenarios


def _measures(b: _Builder, rows, holders: dict, endpoints: _Names, scenarios: list[dict]) -> None:
    how_by_key = {match_key(k): k for k in HOW_KEYS} | {match_key(k): v for k, v in HOW_ALIASES.items()}
    figures = _Names()
    for sc in scenarios:
        figures.add(sc["id"], sc.get("tag", ""))
    for r, rec in rows:
        if "target" not in rec:
            b.error((MEASURES, r, 1), "P103", "対象（当事者・システムの ID）を書いてください", "missing target")
            continue
        text, cell = rec["target"]
        target = endpoints.resolve(text)
        if target not in holders:
            b.error(cell, "P201", f"対象「{text}」が「{PARTIES}」シートにありません", f"unknown target {text!r}",
                    did_you_mean(text, list(holders)))
            continue
        how = HOW_FIGURE
        if "how" in rec:
            how = how_by_key.get(match_key(rec["how"][0]))
            if how is None:
                b.error(rec["how"][1], "P101", f"扱い「{rec['how'][0]}」は一覧にありません。使える値: {'、'.join(HOW_KEYS)}",
                        "unknown 扱い")
                continue
        if "measure" not in rec:
            b.error((MEASURES, r, 2), "P103", "保護対策を書いてください", "missing measure")
            continue
        label, label_cell = rec["measure"]
        if "figure" in rec:  # this figure's own list for the target (scenario.figure_measures)
            text, cell = rec["figure"]
            where = next((i for i, sc in enumerate(scenarios) if sc["id"] == figures.resolve(text)), None)
            if where is None:
                b.error(cell, "P201", f"図「{text}」が「{FIGURES}」シートにありません", f"unknown figure {text!r}",
                        did_you_mean(text, [sc.get("tag", sc["id"]) for sc in scenarios]))
            elif how != HOW_FIGURE:
                b.error(cell, "P101", f"この図だけの一覧は扱いが「{HOW_FIGURE}」の行にだけ書きます",
                        "a figure's own list holds measures drawn in it")
            else:
                listed = scenarios[where].setdefault("figure_measures", {}).setdefault(target, [])
                path = ("scenarios", where, "figure_measures", target)
                b.cells.setdefault(path, label_cell)
                b.cells[(*path, len(listed))] = label_cell
                listed.append(label)
            continue
        holder, path = holders[target]
        key = HOW_KEYS[how]
        if key == "waivers":
            waivers = holder.setdefault("waivers", {})
            reason, reason_cell = rec.get("reason", ("", (MEASURES, r, 4)))
            b.cells.setdefault((*path, key), label_cell)
            b.cells[(*path, key, label)] = reason_cell if reason else label_cell
            if "for" in rec:  # a ward waiver limited to some partners: {reason, for: [ids]}
                text, cell = rec["for"]
                waivers[label] = {"reason": reason, "for": [endpoints.resolve(part) for part in _split(text)]}
                b.cells[(*path, key, label, "for")] = cell
            else:
                waivers[label] = reason
        else:
            listed = holder.setdefault(key, [])
            b.cells.setdefault((*path, key), label_cell)
            b.cells[(*path, key, len(listed))] = label_cell
            listed.append(label)
            for column, said in (("reason", "理由"), ("for", "不要が及ぶ相手")):
                if column in rec:
                    b.error(rec[column][1], "P101", f"{said}は扱いが「{HOW_WAIVED}」の行にだけ書きます",
                            f"{'a reason' if column == 'reason' else 'for'} is for waived measures only")


_SHEET_BY_CODE = {code: sheet for sheet, code in SHEET_CODES.items()}
_HEADERS = {sheet: {c.key: (i, c.header) for i, c in enumerate(cols, start=1)} for sheet, cols in TABLES.items()}
_HEADERS[SUMMARY] = {key: (2, label) for label, key, *_ in SUMMARY_ROWS}


_EMPTY = "空にはできません"


def _at_cell(name: str, d: Diagnostic, cells: dict[tuple, Cell]) -> CellDiagnostic:
    """A loader diagnostic (line = sheet * ROW_SPAN + row) at its cell, in the words of the sheet."""
    sheet_code, row = divmod(d.line, ROW_SPAN)
    sheet = _SHEET_BY_CODE.get(sheet_code, "")
    message, column = _DOTTED.sub("", d.message), d.column
    if message == _EMPTY:  # an empty list: say which sheet needs rows
        if re.match(r"scenarios\[\d+\]\.steps: ", d.message):
            message = f"この図の手順が「{STEPS}」シートにありません（「図（資料番号）」にこの資料番号を書いた行が必要です）"
        elif d.message.startswith(("parties: ", "scenarios: ")):
            message = f"「{sheet}」シートに少なくとも 1 行書いてください"
    if d.code == "P103" and sheet:
        m = re.search(r"必須の項目「([^」]+)」", message)
        if m and m.group(1) in _HEADERS[sheet]:
            column, header = _HEADERS[sheet][m.group(1)]
            message = message.replace(m.group(0), f"必須の項目「{header}」")
            if sheet == SUMMARY and ("proposal", m.group(1)) in cells:
                row = cells[("proposal", m.group(1))][1]
    if d.code == "P206" and sheet == MEASURES:  # a waiver without its reason: the reason's cell
        column = next(i for i, c in enumerate(TABLES[MEASURES], start=1) if c.key == "reason")
    if not sheet:
        return CellDiagnostic(name, 1, 1, d.code, message, d.message_en, d.hint, "")
    return CellDiagnostic(name, row, column, d.code, message, d.message_en, d.hint, sheet)
