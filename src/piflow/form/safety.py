"""What a workbook must pass before openpyxl parses it: a plain .xlsx, small, without macros or links.

A workbook comes from outside (mail, a shared drive); openpyxl would follow whatever
the zip says.  So the archive is checked first from its directory: the number of
parts and their declared sizes (zipfile never inflates past them, so a zip bomb is
refused before anything is inflated), macros (vbaProject), external links and data
connections, and any XML part with a DOCTYPE (entity expansion).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from piflow.form.layout import PARTIES, STEPS

MAX_PARTS = 2_000
MAX_PART_BYTES = 20 * 1024 * 1024  # one sheet's XML, inflated; a 1,000-step form is about 1 MB
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20_000  # rows read per sheet; more is refused
MAX_COLUMNS = 40  # columns read per row (the widest sheet has 15)

MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xlam")
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
_CHUNK = 1 << 20


# Excel's text escapes (ST_Xstring): a cell's "_x202E_" is shown as the character U+202E, and a literal
# "_x0041_" is stored as "_x005F_x0041_".  openpyxl reads and writes them as they are, so piflow decodes
# them on reading (what the clerk sees is what is read, and checked) and escapes them on writing.
_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")


def from_xstring(text: str) -> str:
    """A cell's text as Excel shows it: its _xHHHH_ escapes decoded."""
    return _XSTRING.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def to_xstring(text: str) -> str:
    """Text for a cell that Excel shows as written: a literal _xHHHH_ keeps its form (its _ as _x005F_)."""
    return _XSTRING.sub(lambda m: "_x005F" + m.group(), text) if "_x" in text else text


class Refused(Exception):
    """Why a workbook is not read: (code, Japanese, English, hint)."""

    def __init__(self, code: str, ja: str, en: str, hint: str = ""):
        super().__init__(en)
        self.code, self.ja, self.en, self.hint = code, ja, en, hint


def check_suffix(name: str) -> None:
    lowered = name.lower()
    if lowered.endswith(MACRO_SUFFIXES):
        raise Refused("P001", "マクロ付き・バイナリ形式のブック（.xlsm など）は読みません",
                      "macro-enabled or binary workbooks are refused",
                      "Excel で「Excel ブック (*.xlsx)」として保存し直してください (save as .xlsx)")
    if lowered.endswith(".xls"):
        raise Refused("P001", "古い形式のブック（.xls）は読めません", "legacy .xls workbooks are not read",
                      "Excel で「Excel ブック (*.xlsx)」として保存し直してください (save as .xlsx)")


def check_archive(raw: bytes) -> None:
    """Raise Refused unless ``raw`` is a zip that openpyxl may safely open."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise Refused("P001", "Excel ブック（.xlsx）として読めません（壊れているか、別の形式です）",
                      "not an .xlsx workbook (not a zip archive)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise Refused("P005", f"ブックの部品が多すぎます（{len(infos)} 個）", f"too many parts ({len(infos)})")
        total = 0
        for info in infos:
            name = info.filename.lower()
            if name.endswith("vbaproject.bin") or "macrosheets/" in name or name.startswith("xl/dialogsheets/"):
                raise Refused("P001", "マクロが入ったブックは読みません", "workbooks with macros are refused",
                              "マクロを含まない「Excel ブック (*.xlsx)」として保存し直してください")
            if name.startswith("xl/externallinks/") or name == "xl/connections.xml":
                raise Refused("P001", "ほかのファイル・データへのリンク（外部参照）があるブックは読みません",
                              "workbooks with external links or data connections are refused",
                              "外部参照を「値」に置き換えてから保存し直してください (replace links with values)")
            if info.file_size > MAX_PART_BYTES:
                raise Refused("P005", f"ブックの中の {info.filename} が大きすぎます（展開すると "
                              f"{info.file_size // 1024 // 1024} MB）", "a part is too large when inflated")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise Refused("P005", "ブックを展開すると大きすぎます", "the workbook is too large when inflated")
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                _check_xml(archive, info)


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with archive.open(info) as fh:
            tail = b""
            first = True
            while chunk := fh.read(_CHUNK):
                if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise Refused("P001", f"ブックの中の {info.filename} が UTF-16 です（Excel は書きません）",
                                  "UTF-16 XML parts are refused")
                first = False
                if _DOCTYPE.search(tail + chunk):
                    raise Refused("P001", "ブックの中に DOCTYPE・ENTITY 宣言があります（Excel は書きません）",
                                  "XML parts with DOCTYPE/ENTITY declarations are refused")
                tail = chunk[-16:]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise Refused("P001", f"ブックの中の {info.filename} を読めません（壊れています）",
                      f"corrupt part: {exc}") from None


def _declares(archive: zipfile.ZipFile) -> bool:
    """Whether the book's own list of sheets (xl/workbook.xml, at most 1 MB) names 当事者 and 手順."""
    info = archive.getinfo("xl/workbook.xml")
    if info.file_size > 1024 * 1024:
        return False
    names = archive.read(info).decode("utf-8", "replace")
    return all(f'name="{sheet}"' in names for sheet in (PARTIES, STEPS))


def declares_form_sheets(raw: bytes) -> bool:
    """Whether the workbook in ``raw`` lists the form's sheets, whatever their parts hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return _declares(archive)
    except (KeyError, zipfile.BadZipFile, zlib.error, ValueError, RuntimeError, NotImplementedError, EOFError):
        return False


def looks_like_form(path) -> bool:
    """A workbook in a folder is read as a flow only when it is the piflow form (has 当事者 and 手順 sheets).

    Checklists and reports written as .xlsx beside the flows are skipped.  Only the
    workbook part's sheet names are read, and only from a file of bounded size.
    """
    try:
        if path.stat().st_size > MAX_TOTAL_BYTES:
            return False
        with zipfile.ZipFile(path) as archive:
            return _declares(archive)
    except (OSError, KeyError, zipfile.BadZipFile, zlib.error, ValueError, RuntimeError, NotImplementedError, EOFError):
        return False
