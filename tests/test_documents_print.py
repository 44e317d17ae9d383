"""The documents as a ward official prints them: LibreOffice and Chromium to PDF, every seed flow.

One conversion per output, shared by the assertions (module-scoped fixtures).
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

runner = CliRunner()
SEEDS = sorted(FLOWS.glob("*.yaml"))
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


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory) -> Path:
    """The DOCX report and the XLSX checklists of every seed flow, converted by LibreOffice in one run."""
    folder = tmp_path_factory.mktemp("office")
    files = []
    for flow in SEEDS:
        # Distinct stems: LibreOffice names each PDF after its input's stem.
        for command, fmt, extra in (("report", "docx", ["--dpi", "100"]), ("checklist", "xlsx", [])):
            target = folder / f"{flow.stem}.{command}.{fmt}"
            result = runner.invoke(app, [command, str(flow), "-f", fmt, *extra, "-o", str(target)])
            assert result.exit_code in (0, 1), result.output
            files.append(str(target))
    subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), *files],
                   capture_output=True, timeout=600, check=True)
    return folder


@needs_office
@pytest.mark.parametrize("flow", SEEDS, ids=lambda p: p.stem[:2])
def test_docx_prints_on_a4_with_a_landscape_page_per_figure(office_pdfs, flow):
    pdf = office_pdfs / f"{flow.stem}.report.pdf"
    sizes = page_sizes(pdf)
    assert set(sizes) <= {A4_PORTRAIT, A4_LANDSCAPE}, set(sizes)
    figures = len(load(flow).flow.scenarios)
    assert sizes.count(A4_LANDSCAPE) == figures and sizes[0] == A4_PORTRAIT
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
    whole = squeeze("".join(texts))
    missing = [t[:30] for t in item_texts(flow) if squeeze(t) not in whole]
    assert not missing, missing  # no checklist row cut off
    assert cjk_fonts(pdf), "no Japanese font embedded"
    assert not re.search(r"[A-Z]\d{3}@", whole), "rule keys belong to the author, not the council text"


@needs_office
@pytest.mark.parametrize("flow", SEEDS, ids=lambda p: p.stem[:2])
def test_xlsx_form_prints_one_page_wide_without_clipped_rows(office_pdfs, flow):
    from openpyxl import load_workbook

    pdf = office_pdfs / f"{flow.stem}.checklist.pdf"
    sizes = page_sizes(pdf)
    texts = page_texts(pdf)
    sheets = load_workbook(office_pdfs / f"{flow.stem}.checklist.xlsx").sheetnames
    form_pages = [(t, s) for t, s in zip(texts, sizes) if "根拠（フローファイルの行）" not in t]
    assert form_pages and all(s == A4_PORTRAIT for _, s in form_pages)
    # Split by columns, a page would hold the item column without the 区分 column and its title row.
    assert all("区分" in t and "対策が可能であれば" in squeeze(t) for t, _ in form_pages)
    assert len(form_pages) <= 3 * (len(sheets) - 1)
    whole = squeeze("".join(texts))
    missing = [t[:30] for t in item_texts(flow) if squeeze(t) not in whole]
    assert not missing, missing
    assert cjk_fonts(pdf), "no Japanese font embedded"


@pytest.fixture(scope="module")
def printed_html(tmp_path_factory) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("chromium")
    flow = FLOWS / "49-kosodate-ouen-teate.yaml"
    html, pdf = folder / "r.html", folder / "r.pdf"
    assert runner.invoke(app, ["report", str(flow), "-o", str(html)]).exit_code in (0, 1)
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                    html.as_uri()], capture_output=True, timeout=180, check=True)
    return pdf, len(load(flow).flow.scenarios)


@needs_chromium
def test_html_report_prints_figures_on_their_own_landscape_pages(printed_html):
    pdf, figures = printed_html
    sizes, texts = page_sizes(pdf), page_texts(pdf)
    landscape = [k for k, s in enumerate(sizes) if s == A4_LANDSCAPE]
    assert len(landscape) == figures and landscape == list(range(landscape[0], landscape[0] + figures))
    assert len(sizes) >= 1 + figures + 1 + 6  # overview, figures, findings, six checklist forms
    # No heading left alone at the foot of a portrait page: each figure page shows its own title.
    assert "個人情報の流れ" in texts[landscape[0]] and "個人情報の流れ" not in texts[landscape[0] - 1]
    whole = squeeze("".join(texts))
    assert "物価高対応子育て応援手当" in whole and "別紙チェックリスト" in whole and "未対応" in whole
    assert "根拠:" not in whole and not re.search(r"[A-Z]\d{3}@", whole)  # author details stay on screen
