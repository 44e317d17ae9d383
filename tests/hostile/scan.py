"""A scanner for active content in whatever piflow wrote: scripts, event attributes, external or local
loads, live links, formulas, and characters that reorder text.  ``scan(path)`` returns the problems found
(empty when the file is inert); it knows SVG, HTML, Markdown, DOCX, XLSX, CSV, JSON and DOT by extension.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

# Characters that make text print in another order than it is stored (Trojan Source).
REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Elements that run, embed or load something.
ACTIVE_ELEMENTS = {"script", "iframe", "object", "embed", "applet", "frame", "frameset", "base", "link", "form",
                   "foreignobject", "handler", "listener", "animate", "set", "animatemotion", "animatetransform",
                   "use", "image", "audio", "video", "source", "portal", "import"}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "background", "srcset",
                  "codebase", "cite", "ping", "manifest", "lowsrc", "dynsrc"}
LOADING_CSS = re.compile(r"url\s*\(|@import|expression\s*\(|javascript:", re.I)


def _local_reference(value: str) -> bool:
    """A link inside the document (#figure-1) or to a report beside it (./資料1.html, the index) loads nothing."""
    value = value.strip()
    return value.startswith("#") or bool(re.fullmatch(r"\./[^/\\:?#]+\.html", value))


def _check_attributes(tag: str, attrs, where: str) -> list[str]:
    problems = []
    for name, value in attrs:
        name = name.lower()
        local = name.rsplit("}", 1)[-1]
        value = value or ""
        if local.startswith("on"):
            problems.append(f"{where}: event attribute {name} on <{tag}>")
        if (local in URL_ATTRIBUTES or name in URL_ATTRIBUTES or local == "href") and not _local_reference(value):
            problems.append(f"{where}: <{tag} {name}={value[:60]!r}> loads or links")
        if local == "style" and LOADING_CSS.search(value):
            problems.append(f"{where}: style attribute that loads: {value[:60]!r}")
        if tag == "meta" and local == "http-equiv" and value.lower() == "refresh":
            problems.append(f"{where}: meta refresh")
    return problems


class _Html(HTMLParser):
    def __init__(self, where: str):
        super().__init__(convert_charrefs=True)
        self.where, self.problems, self.in_style, self.csp = where, [], False, False

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_ELEMENTS:
            self.problems.append(f"{self.where}: <{tag}> element")
        self.problems += _check_attributes(tag, attrs, self.where)
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "content-security-policy":
            content = dict(attrs).get("content", "")
            self.csp = "default-src 'none'" in content and "script-src" not in content
        self.in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style and LOADING_CSS.search(data):
            self.problems.append(f"{self.where}: a style sheet that loads: {data[:60]!r}")


def scan_html(text: str, where: str = "html") -> list[str]:
    parser = _Html(where)
    parser.feed(text)
    parser.close()
    problems = parser.problems
    if not parser.csp:
        problems.append(f"{where}: no Content-Security-Policy forbidding scripts and loads")
    return problems + _reordering(text, where)


def scan_xml(data: bytes, where: str, markup: bool = True) -> list[str]:
    """SVG (``markup``: its elements and attributes) and the XML parts of DOCX/XLSX: well-formed, no entities."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return [f"{where}: DOCTYPE or ENTITY declaration"]
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"{where}: not well-formed XML ({exc})"]
    problems = []
    for el in root.iter() if markup else ():
        tag = el.tag.rsplit("}", 1)[-1].lower() if isinstance(el.tag, str) else ""
        if tag in ACTIVE_ELEMENTS:
            problems.append(f"{where}: <{tag}> element")
        attrs = [(("xlink:href" if k.endswith("}href") and "xlink" in k else k.rsplit("}", 1)[-1]), v)
                 for k, v in el.attrib.items()]
        problems += _check_attributes(tag, attrs, where)
        if tag == "style" and LOADING_CSS.search(el.text or ""):
            problems.append(f"{where}: a style sheet that loads")
    return problems + _reordering(data.decode("utf-8", "replace"), where)


# Markdown: what a renderer (GitHub, VS Code, pandoc) would make live.
_MD_LINK = re.compile(r"(?<!\\)!?(?<!\\)\[(?:[^\]\\\n]|\\.)*(?<!\\)\]\s*[(\[:]")
_MD_AUTOLINK = re.compile(r"<(?:[a-z][a-z0-9+.-]*:|[^>\s@]+@)[^>\s]*>", re.I)
_MD_BARE = re.compile(r"(?<![\w/\\])(?:https?://|ftp://|www\.)\S|(?<![\w\\])[\w.+-]+@[\w-]+\.[\w.]+", re.I)
_MD_HTML = re.compile(r"<(?!br>)/?[a-z!?][^>]*>", re.I)


def scan_markdown(text: str, where: str = "md") -> list[str]:
    problems = []
    for pattern, what in ((_MD_LINK, "a link or an image"), (_MD_AUTOLINK, "an autolink"),
                          (_MD_BARE, "a bare URL or address a renderer links"), (_MD_HTML, "raw HTML")):
        for m in pattern.finditer(text):
            problems.append(f"{where}: {what}: {text[max(0, m.start() - 20):m.end() + 20]!r}")
    return problems + _reordering(text, where)


OFFICE_ACTIVE = {"hyperlink", "altchunk", "object", "control", "imagedata", "attachedtemplate", "oleobject",
                 "externalreference", "ddelink", "oleobjects", "webpublishing"}
PAGE_FIELDS = ("PAGE", "NUMPAGES", "SECTIONPAGES")  # the footers' page numbers


def scan_office(data: bytes, where: str) -> list[str]:
    """DOCX and XLSX: every XML part parsed; links, fields other than page numbers, embedded objects,
    external relationships, formulas in a sheet, macros."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.lower().endswith("vbaproject.bin") or name.startswith("xl/externalLinks/"):
                problems.append(f"{where}!{name}: macros or an external link")
            if not name.endswith((".xml", ".rels")):
                continue
            part = z.read(name)
            found = scan_xml(part, f"{where}!{name}", markup=False)
            problems += found
            if found:
                continue
            for el in ET.fromstring(part).iter():
                tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
                attrs = {k.rsplit("}", 1)[-1]: v for k, v in el.attrib.items()}
                field = attrs.get("instr") if tag == "fldSimple" else el.text if tag == "instrText" else None
                if tag.lower() in OFFICE_ACTIVE:
                    problems.append(f"{where}!{name}: <{tag}>")
                elif tag == "Relationship" and attrs.get("TargetMode") == "External":
                    problems.append(f"{where}!{name}: an external relationship to {attrs.get('Target', '')[:60]!r}")
                elif tag == "f" and name.startswith("xl/worksheets/"):
                    problems.append(f"{where}!{name}: a formula {el.text!r}")
                elif field is not None and (field.split() or [""])[0].upper() not in PAGE_FIELDS:
                    problems.append(f"{where}!{name}: a field {field.strip()[:40]!r}")
    return problems


def scan_csv(text: str, where: str) -> list[str]:
    problems = []
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell not in ("-", "－"):
                problems.append(f"{where}: a cell a spreadsheet would run as a formula: {cell[:40]!r}")
    return problems + _reordering(text, where)


def scan_dot(text: str, where: str) -> list[str]:
    problems = [f"{where}: a {m.group(1)} attribute" for m in
                re.finditer(r"(?<![\w\"])(URL|href|image|imagepath|fontpath|shapefile|stylesheet)\s*=", text, re.I)]
    return problems + _reordering(text, where)


def _reordering(text: str, where: str) -> list[str]:
    return [f"{where}: character U+{ord(m.group()):04X} that reorders text" for m in REORDERING.finditer(text)]


def scan_name(path: Path, root: Path) -> list[str]:
    """A file name piflow chose: inside its folder, no control, format or reordering character."""
    problems = []
    if root not in path.resolve().parents:
        problems.append(f"{path}: outside {root}")
    for ch in path.name:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch in '\\/:*?"<>|':
            problems.append(f"{path.name!r}: character U+{ord(ch):04X} in a file name")
    if path.name.startswith("."):
        problems.append(f"{path.name!r}: a hidden file name")
    return problems


def scan(path: Path) -> list[str]:
    """Every problem in one output file, by its extension."""
    data = path.read_bytes()
    kind = path.suffix.lower()
    where = path.name
    if kind == ".svg":
        return scan_xml(data, where)
    if kind == ".html":
        return scan_html(data.decode("utf-8"), where)
    if kind == ".md":
        return scan_markdown(data.decode("utf-8"), where)
    if kind in (".docx", ".xlsx"):
        return scan_office(data, where)
    if kind == ".csv":
        return scan_csv(data.decode("utf-8-sig"), where)
    if kind in (".json", ".sarif"):
        json.loads(data)
        return _reordering(data.decode("utf-8"), where)
    if kind == ".dot":
        return scan_dot(data.decode("utf-8"), where)
    if kind in (".png", ".pdf", ".yaml"):
        return _reordering(data.decode("utf-8", "replace"), where)
    return [f"{where}: an output the scanner does not know"]
