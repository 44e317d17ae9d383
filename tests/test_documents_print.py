"""The documents as a ward official prints them: LibreOffice and Chromium to PDF, every seed flow and template.

One conversion per output, shared by the assertions (module-scoped fixtures).  What a clerk files
must need no touching: every page numbered, no blank page, each checklist form on one page (or
broken only at a section with its title and header repeated, never a page of one or two rows),
no audit section and no evidence in the filed paper; the review document holds those.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FLOWS
from piflow.audit.engine import audit
from piflow.checklist import fill
from piflow.cli import app
from piflow.loader import load
from piflow.scaffold import TEMPLATES
from piflow.writers.checklist_words import form_heading, form_subject
from piflow.writers.formpages import html_plan
from piflow.writers.report_docx import plan_form as docx_plan

runner = CliRunner()
SEEDS = sorted(FLOWS.glob("*.yaml"))
NAMES = [p.stem for p in SEEDS] + [f"t-{name}" for name in TEMPLATES]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = "missing {}: install with `PIFLOW_SETUP_EXTRA=1 make setup` (.ci/run does)"
needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdfinfo") is None or shutil.which("dot") is None,
    reason=MISSING.format("libreoffice, poppler-utils or graphviz"))
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("pdfinfo") is None or shutil.which("dot") is None,
    reason=MISSING.format("chromium, poppler-utils or graphviz"))
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)


def page_sizes(pdf: Path) -> list[tuple[int, int]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def printed_image_widths_mm(pdf: Path) -> dict[int, list[float]]:
    """Page number -> the printed widths (mm) of its images, from ``pdfimages -list``."""
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    widths: dict[int, list[float]] = {}
    for line in out.splitlines()[2:]:
        cols = line.split()
        if len(cols) > 13 and cols[2] == "image":
            widths.setdefault(int(cols[0]), []).append(int(cols[3]) / float(cols[12]) * 25.4)
    return widths


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[: len(page_sizes(pdf))]


def body_pt(pdf: Path) -> list[float | None]:
    """Per page, the printed size (pt) of its body text: the median width of a wide (CJK) character.

    A CJK glyph is one em wide, so a word of n such characters is n times the font size as printed
    (after any fit-to-page scaling); the median leaves out the few smaller labels.
    """
    import statistics
    import unicodedata

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sizes = []
    for page in out.split("<page ")[1:]:
        widths = [(float(x1) - float(x0)) / len(word)
                  for x0, x1, word in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', page)
                  if len(word) >= 2 and all(unicodedata.east_asian_width(c) == "W" for c in word)]
        sizes.append(round(statistics.median(widths), 1) if widths else None)
    return sizes


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cjk_fonts(pdf: Path) -> list[str]:
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in fonts.splitlines()[2:] if re.search(r"CJK|Gothic|Mincho|JP", line)]


def item_texts(flow: Path) -> list[str]:
    doc = load(flow)
    return [i.text for f in fill(doc, audit(doc)) for s in f.sections for i in s.items]


def inputs(folder: Path) -> dict[str, Path]:
    """The four example flows and a flow made from each template (piflow init), by name."""
    made = {p.stem: p for p in SEEDS}
    for name in TEMPLATES:
        target = folder / f"t-{name}.yaml"
        result = runner.invoke(app, ["init", str(target), "-t", name, "--title", f"テスト {name}"])
        assert result.exit_code == 0, result.output
        made[f"t-{name}"] = target
    return made


def without_marks(text: str, flow: Path) -> str:
    """The page text with the mark column's words taken out.

    A long mark (「－（電子データのみの取扱いのため）」) wraps in its narrow column beside a multi-line
    item, and pdftotext reads its pieces between the item's lines; a piece starts a line.
    """
    doc = load(flow)
    marks = {squeeze(i.mark) for f in fill(doc, audit(doc)) for s in f.sections for i in s.items if len(i.mark) > 1}
    out = []
    for line in text.splitlines():
        head, _, rest = line.strip().partition(" ")
        out.append(rest if head and any(head in m for m in marks) else line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    """The filed DOCX, the review DOCX and the XLSX checklists of every flow, converted by LibreOffice in one run."""
    folder = tmp_path_factory.mktemp("office")
    flows = inputs(folder)
    files = []
    for name, flow in flows.items():
        # Distinct stems: LibreOffice names each PDF after its input's stem.
        for stem, command, extra in (("report", "report", ["-f", "docx", "--dpi", "100"]),
                                     ("review", "report", ["--review", "-f", "docx"]),
                                     ("checklist", "checklist", ["-f", "xlsx"])):
            target = folder / f"{name}.{stem}.{'xlsx' if command == 'checklist' else 'docx'}"
            result = runner.invoke(app, [command, str(flow), *extra, "-o", str(target)])
            assert result.exit_code in (0, 1), result.output
            files.append(str(target))
    subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), *files],
                   capture_output=True, timeout=900, check=True)
    return folder, flows


def forms_of(flow: Path):
    doc = load(flow)
    return fill(doc, audit(doc))


def numbered(texts: list[str]) -> list[int]:
    """The pages (1-based) whose text lacks its 「n / N」 page number."""
    total = len(texts)
    return [k for k, t in enumerate(texts, start=1) if not re.search(rf"(^|\n)\s*{k}\s*/\s*{total}\s*(\n|$)", t)]


def without_number(text: str) -> str:
    return squeeze(re.sub(r"(^|\n)\s*\d+\s*/\s*\d+\s*(\n|$)", "\n", text))


def review_text(pdf: Path) -> str:
    """The review material's text, after what every printing of it must be: A4 portrait, no page
    numbers (it is not filed), no blank page."""
    texts = page_texts(pdf)
    assert set(page_sizes(pdf)) == {A4_PORTRAIT}
    assert not numbered(texts), numbered(texts)
    assert all(without_number(t) for t in texts), "a blank page"
    return squeeze("".join(texts))


def in_order(needle: str, text: str) -> bool:
    """Every character of ``needle`` in ``text``, in order: a wrapped cell whose lines the PDF's text
    interleaves with its neighbours' (a 区分 label beside its rows) is still on the page whole."""
    rest = iter(text)
    return all(c in rest for c in needle)


def check_forms_paged(texts: list[str], forms, pages_expected: list[int] | None = None) -> None:
    """Each form on its own page(s): one page, or pages each with its title, party line and header
    row, three or more rows, and every 区分 label whole; no other form on its pages.

    pages_expected: how many pages each form was set on (default: one each).
    """
    pages_of = []
    for n, form in enumerate(forms):
        head = squeeze(form_heading(form)) + squeeze(form_subject(form))
        pages = [k for k, t in enumerate(texts) if head in squeeze(t)]
        assert pages, form_heading(form)
        pages_of.append(pages)
        for k in pages:
            page = squeeze(texts[k])
            assert "対策が可能で" in page and "区分" in page, (k + 1, "header row repeated")
            rows = [i for s in form.sections for i in s.items if squeeze(i.text) in page]
            assert len(rows) >= 3, (k + 1, form_heading(form), len(rows))
            for section in form.sections:
                if any(squeeze(i.text) in page for i in section.items):
                    assert in_order(squeeze(form.division(section)), page), (k + 1, "区分 split", section.name)
        want = pages_expected[n] if pages_expected else 1
        assert len(pages) == want, (form_heading(form), form_subject(form), [k + 1 for k in pages], want)
    flat = [k for pages in pages_of for k in pages]
    assert len(flat) == len(set(flat)), "two forms on one page"


@needs_office
@pytest.mark.parametrize("name", NAMES)
def test_filed_docx_numbers_every_page_and_prints_each_form_on_one_page(office_pdfs, name):
    folder, flows = office_pdfs
    pdf = folder / f"{name}.report.pdf"
    sizes = page_sizes(pdf)
    texts = page_texts(pdf)
    assert set(sizes) <= {A4_PORTRAIT, A4_LANDSCAPE}, set(sizes)
    forms = forms_of(flows[name])
    # The filed paper: the figures (landscape), then the forms (portrait, one page each where they fit); nothing else.
    figures = sizes.count(A4_LANDSCAPE)
    assert figures >= len(load(flows[name]).flow.scenarios)
    assert sizes == [A4_LANDSCAPE] * figures + [A4_PORTRAIT] * sum(len(docx_plan(f).pages) for f in forms), sizes
    assert not numbered(texts), numbered(texts)
    images = printed_image_widths_mm(pdf)
    for k in range(figures):  # a figure page: its picture (the number is the page's only text)
        assert len(images.get(k + 1, [])) == 1, k + 1
    assert all(without_number(t) for t in texts[figures:]), "a blank page"
    pages = [len(docx_plan(f).pages) for f in forms]
    check_forms_paged([without_marks(t, flows[name]) for t in texts[figures:]], forms, pages)
    whole = squeeze("".join(texts))
    assert "監査の結果" not in whole and "根拠（フローファイルの行）" not in whole and ".yaml:" not in whole
    assert not re.search(r"[A-Z]\d{3}@", whole), "rule keys belong to the review document"
    unanswered = [i for f in forms for s in f.sections for i in s.items if i.status == "blank"]
    assert whole.count("（未記入）") >= len(unanswered)  # never a silent empty cell


@needs_office
@pytest.mark.parametrize("flow", SEEDS, ids=lambda p: p.stem[:2])
def test_docx_prints_on_a4_with_a_landscape_page_per_figure(office_pdfs, flow):
    folder, _ = office_pdfs
    pdf = folder / f"{flow.stem}.report.pdf"
    sizes = page_sizes(pdf)
    texts = page_texts(pdf)
    # Each landscape page holds one figure printed at its size: not shrunk below what the
    # layout fitted to A4 (which keeps its text at 7 pt or more).
    from piflow.draw.style import load_style
    from piflow.report import build

    expected = [fig.size_mm[0] for fig in build(load(flow), [], load_style(None)).figures]
    printed = printed_image_widths_mm(pdf)
    pages = [k + 1 for k, s in enumerate(sizes) if s == A4_LANDSCAPE]
    assert [len(printed.get(p, [])) for p in pages] == [1] * len(pages)
    for page, want in zip(pages, expected):
        assert printed[page][0] > want - 3, (page, printed[page], want)
    whole = squeeze(without_marks("".join(texts), flow))
    missing = [t[:30] for t in item_texts(flow) if squeeze(t) not in whole]
    assert not missing, missing  # no checklist row cut off
    assert cjk_fonts(pdf), "no Japanese font embedded"
    assert all(pt >= 8 for pt in body_pt(pdf)[len(pages):]), body_pt(pdf)  # the forms' text


@needs_office
@pytest.mark.parametrize("name", NAMES)
def test_review_docx_holds_the_audit_the_blanks_and_the_evidence(office_pdfs, name):
    folder, flows = office_pdfs
    whole = review_text(folder / f"{name}.review.pdf")
    assert "監査の結果" in whole and "未記入・未対応の項目" in whole and "根拠（フローファイルの行）" in whole
    forms = forms_of(flows[name])
    if any(i.sources for f in forms for s in f.sections for i in s.items):
        assert ".yaml:" in whole  # the evidence: the flow file's lines


@needs_office
@pytest.mark.parametrize("name", NAMES)
def test_xlsx_prints_each_form_on_one_numbered_page(office_pdfs, name):
    from openpyxl import load_workbook

    folder, flows = office_pdfs
    pdf = folder / f"{name}.checklist.pdf"
    sizes = page_sizes(pdf)
    texts = page_texts(pdf)
    book = load_workbook(folder / f"{name}.checklist.xlsx")
    forms = forms_of(flows[name])
    # No evidence sheet: one sheet per form, on one A4 portrait page fitted at 80 % or more, else
    # (one form of 01, 342 mm of Excel rows) broken between its sections, its title and header repeated.
    pages = [1 + len(ws.row_breaks.brk) for ws in book.worksheets]
    assert len(book.sheetnames) == len(forms) and sizes == [A4_PORTRAIT] * sum(pages), (book.sheetnames, sizes)
    assert not numbered(texts), numbered(texts)
    check_forms_paged([without_marks(t, flows[name]) for t in texts], forms, pages)
    # Split by columns, a page would hold the item column without the 区分 column and its title row.
    assert all("区分" in t and "対策が可能であれば" in squeeze(t) for t in texts)
    whole = squeeze(without_marks("".join(texts), flows[name]))
    missing = [i.text[:30] for f in forms for s in f.sections for i in s.items if squeeze(i.text) not in whole]
    assert not missing, missing
    assert ".yaml:" not in whole
    assert all(pt >= 8 for pt in body_pt(pdf)), body_pt(pdf)  # fitted to one page, never below 8 pt
    assert cjk_fonts(pdf), "no Japanese font embedded"


def chromium_print(html: Path, pdf: Path, profile: Path) -> None:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                    html.as_uri()], capture_output=True, timeout=180, check=True)


@pytest.fixture(scope="module")
def printed_html(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    """The filed and the review HTML of every flow, printed by Chromium."""
    folder = tmp_path_factory.mktemp("chromium")
    flows = inputs(folder)
    for name, flow in flows.items():
        for kind, extra in (("report", []), ("review", ["--review"])):
            html = folder / f"{name}.{kind}.html"
            result = runner.invoke(app, ["report", str(flow), *extra, "-o", str(html)])
            assert result.exit_code in (0, 1), result.output
            chromium_print(html, folder / f"{name}.{kind}.pdf", folder / "profile")
    return folder, flows


@needs_chromium
@pytest.mark.parametrize("name", NAMES)
def test_html_prints_figures_then_one_numbered_page_per_form(printed_html, name):
    folder, flows = printed_html
    pdf = folder / f"{name}.report.pdf"
    sizes, texts = page_sizes(pdf), page_texts(pdf)
    figures = len(load(flows[name]).flow.scenarios)
    forms = forms_of(flows[name])
    # No blank landscape page after a figure drawn the whole printable height, no heading-only page.
    figures = sizes.count(A4_LANDSCAPE)
    assert figures >= len(load(flows[name]).flow.scenarios)
    pages = [len(html_plan(f).pages) for f in forms]
    assert sizes == [A4_LANDSCAPE] * figures + [A4_PORTRAIT] * sum(pages), sizes
    assert not numbered(texts), numbered(texts)
    assert all(without_number(t) for t in texts), "a blank page"
    check_forms_paged([without_marks(t, flows[name]) for t in texts[figures:]], forms, pages)
    whole = squeeze("".join(texts))
    assert "監査の結果" not in whole and ".yaml:" not in whole and not re.search(r"[A-Z]\d{3}@", whole)
    assert all(pt >= 8 for pt in body_pt(pdf)[figures:]), body_pt(pdf)


@needs_chromium
@pytest.mark.parametrize("name", NAMES)
def test_html_review_document_is_numbered_with_no_blank_page(printed_html, name):
    folder, _ = printed_html
    whole = review_text(folder / f"{name}.review.pdf")
    assert "監査の結果" in whole and "未記入・未対応の項目" in whole


@needs_chromium
def test_html_report_prints_the_seed_paper_as_filed(printed_html):
    folder, _ = printed_html
    texts = page_texts(folder / "49-kosodate-ouen-teate.report.pdf")
    whole = squeeze("".join(texts))
    assert "物価高対応子育て応援手当" in whole and "未対応" in whole
    assert squeeze("".join(page_texts(folder / "07-kaigo-hokenryo-lgwan-asp.report.pdf"))).count("（未記入）") == 32
    assert "根拠:" not in whole and not re.search(r"[A-Z]\d{3}@", whole)  # author details stay on screen
