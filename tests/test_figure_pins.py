"""The seed figures' DOT, pinned by hash: a faster layout search must choose the same layout.

The layout search (piflow.layout.fit) skips candidates that cannot win and caches
text wrapping; these hashes say it still picks exactly what the full search picked.
After an intended change of the figures, print the new hashes with
``PIFLOW_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_figure_pins.py -s``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys

import pytest

from conftest import FLOWS, ROOT
from piflow.draw import render as render_module
from piflow.draw.figure import figure_dot, figure_pages, render_page, render_pages
from piflow.draw.style import load_style
from piflow.loader import load, loads

sys.path.insert(0, str(ROOT / "scripts"))
from bench import synthetic  # noqa: E402 - the benchmark's generated flows, pinned here as figures

UPDATE = os.environ.get("PIFLOW_UPDATE_GOLDEN") == "1"

PINS = {
    '01-tape-hanyaku-box.yaml:transcription:a4-portrait': '7bbf61f22b14776c',
    '01-tape-hanyaku-box.yaml:transcription:none': '0dc5f58d2a290dc8',
    '01-tape-hanyaku-box.yaml:transcription:a4-landscape': '0dc5f58d2a290dc8',
    '07-kaigo-hokenryo-lgwan-asp.yaml:lgwan:a4-landscape': 'f5f12ebed5f34cfd',
    '07-kaigo-hokenryo-lgwan-asp.yaml:dvd:a4-landscape': 'f1fa9084cdf057b5',
    '23-kumin-iken-faq-dynamics365.yaml:internet:a4-landscape': '51150ee335255769',
    '23-kumin-iken-faq-dynamics365.yaml:internet_post:a4-landscape': '09c9ef7b33a94570',
    '23-kumin-iken-faq-dynamics365.yaml:other_channels:a4-landscape': '325f26fa1535fe20',
    '49-kosodate-ouen-teate.yaml:push:a4-landscape': 'b573548fefb901f1',
    '49-kosodate-ouen-teate.yaml:application:a4-landscape': '97b8a8f20c9b0c3a',
    '49-kosodate-ouen-teate.yaml:printing:a4-landscape': '4fe7b474525f06ab',
    'synthetic-90-5:s:a4-landscape': '1c96f2ad0568ea7d',
    'synthetic-40-12:s:a4-landscape': 'e1a218fd6f92cbe6',
    '07-kaigo-hokenryo-lgwan-asp.yaml:lgwan:a4-portrait': 'd7530f231a0f49ce',
    '07-kaigo-hokenryo-lgwan-asp.yaml:dvd:a4-portrait': '3869e385d3722639',
    '23-kumin-iken-faq-dynamics365.yaml:internet:a4-portrait': '3b95cb320290d31f',
    '23-kumin-iken-faq-dynamics365.yaml:internet_post:a4-portrait': 'e536fafa205d3514',
    '23-kumin-iken-faq-dynamics365.yaml:other_channels:a4-portrait': '32312bc21c3f5cec',
    '49-kosodate-ouen-teate.yaml:push:a4-portrait': 'cff22cc89ef87c07',
    '49-kosodate-ouen-teate.yaml:application:a4-portrait': '345e800f6f7e2f50',
    '49-kosodate-ouen-teate.yaml:printing:a4-portrait': '048fc1af0bddf9eb',
    'synthetic-90-5:s:a4-portrait': '85471289fdb2ad9d',
    'synthetic-40-12:s:a4-portrait': '95462dbef4ce2e1a',
    '07-kaigo-hokenryo-lgwan-asp.yaml:lgwan:none': '2676f4ead4e1db1b',
    '07-kaigo-hokenryo-lgwan-asp.yaml:dvd:none': 'aea9b29c7644a33d',
    '23-kumin-iken-faq-dynamics365.yaml:internet:none': 'bc369a16076aa2f7',
    '23-kumin-iken-faq-dynamics365.yaml:internet_post:none': '10032e2fcb60aef8',
    '23-kumin-iken-faq-dynamics365.yaml:other_channels:none': '27196053ab95dd0b',
    '49-kosodate-ouen-teate.yaml:push:none': '5b12143bbea56a0e',
    '49-kosodate-ouen-teate.yaml:application:none': '05c0240f29e3a50c',
    '49-kosodate-ouen-teate.yaml:printing:none': '22ed236fd8b01f4d',
    'synthetic-90-5:s:none': '897cb392aac4dab6',
    'synthetic-40-12:s:none': '625ab3fa2c76cbad',
}


def figures():
    for path in sorted(FLOWS.glob("*.yaml")):
        doc = load(path)
        for sc in doc.flow.scenarios:
            yield path.name, doc, sc
    for steps, parties in ((90, 5), (40, 12)):
        doc = loads(synthetic(steps, parties))
        yield f"synthetic-{steps}-{parties}", doc, doc.flow.scenarios[0]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@pytest.mark.parametrize("page", ["a4-landscape", "a4-portrait", "none"])
def test_seed_figures_are_unchanged(page):
    got = {f"{name}:{sc.id}:{page}": digest(figure_dot(doc, sc, load_style(None), None, page))
           for name, doc, sc in figures()}
    if UPDATE:
        for k, v in got.items():
            print(f"    {k!r}: {v!r},")
        return
    assert got == {k: v for k, v in PINS.items() if k.endswith(f":{page}")}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
@pytest.mark.parametrize("fmt,dpi", [("svg", None), ("png", 96), ("pdf", None)])
def test_one_graphviz_process_draws_the_same_bytes_as_one_each(fmt, dpi, monkeypatch):
    """Pages drawn together by one dot run (each graph carrying its own size) are byte for byte the
    pages drawn one at a time, each with its own -G options."""
    pages = []
    for name, doc, sc in figures():
        if name.startswith("synthetic-90") or name.startswith("23-"):
            pages += figure_pages(doc, sc, load_style(None), page="a4-landscape")[0]
    assert len(pages) > 4 and len({p.scale for p in pages}) > 1  # pages of different sizes in one run
    runs = []
    real = render_module.run_dot
    monkeypatch.setattr(render_module, "run_dot", lambda *a, **k: runs.append(a) or real(*a, **k))
    together = render_pages(pages, fmt, dpi)
    assert len(runs) == 1
    assert together == [render_page(p, fmt, dpi) for p in pages]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
@pytest.mark.parametrize("fmt,dpi", [("svg", None), ("png", 96), ("pdf", None)])
def test_pages_fed_to_dot_as_they_are_laid_out_are_the_same_bytes(fmt, dpi):
    """A PageStream (dot started first, each figure fed as it is laid out) draws what one at a time does."""
    from piflow.draw.figure import batch_entries

    stream = render_module.PageStream(fmt, dpi, capacity=8)
    pages = []
    for name, doc, sc in figures():
        if name.startswith("23-"):
            laid = figure_pages(doc, sc, load_style(None), page="a4-landscape")[0]
            stream.add(batch_entries(laid))
            pages += laid
    assert stream.holds(batch_entries(pages)) and len(pages) == 3
    assert render_pages(pages, fmt, dpi, stream) == [render_page(p, fmt, dpi) for p in pages]
    assert stream.run.proc.returncode == 0


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
def test_a_stream_past_its_capacity_gives_up_and_its_dot_is_stopped():
    from piflow.draw.figure import batch_entries

    _, doc, sc = next(f for f in figures() if f[0].startswith("23-"))
    entries = batch_entries(figure_pages(doc, sc, load_style(None))[0])
    stream = render_module.PageStream("svg", None, capacity=len(entries) * 2)
    stream.add(entries)
    stream.add(entries)
    assert stream.holds(entries * 2)  # up to its capacity
    stream.add(entries)
    assert not stream.holds(entries * 3) and not stream.holds(entries * 2)
    assert stream.run.proc.returncode is not None  # stopped, not left running
    pages = figure_pages(doc, sc, load_style(None))[0] * 3
    assert render_pages(pages, "svg", None, stream) == [render_page(p, "svg") for p in pages]  # drawn in a batch


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_output_that_cannot_be_told_apart_is_drawn_page_by_page(fmt, monkeypatch):
    """When dot's output does not split into one piece per page, each page is drawn alone (same bytes)."""
    _, doc, sc = next(f for f in figures() if f[0].startswith("23-"))
    pages = figure_pages(doc, sc, load_style(None))[0] * 2
    real = render_module.run_dot

    def clipped(cmd, data, *rest):
        proc = real(cmd, data, *rest)
        if len(rest):  # the batch (it passes a timeout): lose the last page
            proc.stdout = proc.stdout[:len(proc.stdout) // 2 + 1]
        return proc

    monkeypatch.setattr(render_module, "run_dot", clipped)
    assert render_module.render_batch([(p.source, p.scale, None, (p.width, p.height)) for p in pages], fmt) is None
    assert render_pages(pages, fmt) == [render_page(p, fmt) for p in pages]
