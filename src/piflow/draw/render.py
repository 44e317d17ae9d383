"""Pinned DOT -> SVG / PNG / PDF bytes, through the real Graphviz (``neato -n2``).

The DOT is at the figure's natural size; here each format gets its printed size
(natural size x the page scale the layout chose): SVG ``width``/``height`` in mm
over the natural viewBox, PNG rendered at that size with a pHYs chunk saying its
DPI, PDF a page of the paper size with the figure centred on it.
"""

from __future__ import annotations

import re
import struct
import zlib

from piflow.diagnostics import Diagnostic, InputError
from piflow.draw.dotrun import DotRun, find_dot, fixed_pdf_dates, run_dot, timeout

FORMATS = ("svg", "png", "pdf", "dot")
DEFAULT_DPI = 200

_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.S)
_XLINK_NS = re.compile(r'\s+xmlns:xlink="[^"]*"')
_SVG_SIZE = re.compile(r'<svg width="[0-9.]+pt" height="[0-9.]+pt"')
_VIEWBOX = re.compile(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ([0-9.]+)"')


def dot_path() -> str:
    return find_dot()


def render(source: str, fmt: str, dpi: int | None = None, scale: float = 1.0,
           paper: tuple[float, float] | None = None, size: tuple[float, float] | None = None) -> bytes:
    """Draw a pinned DOT source at ``scale``; ``size`` is the drawing's natural size (pt),
    ``paper`` (pt) centres a PDF on a sheet of that size."""
    if fmt == "dot":
        return source.encode("utf-8")
    cmd = ["-Kneato", "-n2", f"-T{fmt}", *(f"-G{k}={v}" for k, v in page_options(fmt, dpi, scale, paper, size))]
    proc = run_dot(cmd, source.encode("utf-8"))
    if proc.returncode != 0:
        # The source is ours and always valid DOT, so this is Graphviz itself giving up:
        # say so plainly instead of a traceback.
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError([Diagnostic("dot", 1, 1, "P008", f"Graphviz の dot が図を描けませんでした: {message[0] if message else ''}",
                                     f"Graphviz dot failed (exit {proc.returncode})",
                                     "Graphviz を更新するか、--measures footnote で図を簡単にしてください "
                                     "(update Graphviz, or simplify the figure with --measures footnote)")])
    if not proc.stdout.lstrip().startswith(_MAGIC[fmt]):  # an empty answer, or not the format asked for
        raise InputError([Diagnostic("dot", 1, 1, "P008", f"Graphviz の dot が {fmt} の図を返しませんでした",
                                     f"Graphviz dot did not return {fmt} ({len(proc.stdout)} bytes)",
                                     "--dot や PIFLOW_DOT が Graphviz の dot を指しているか確かめてください "
                                     "(check that --dot or PIFLOW_DOT names Graphviz's dot)")])
    return _finished(proc.stdout, fmt, dpi, scale)


_MAGIC = {"svg": b"<", "png": b"\x89PNG", "pdf": b"%PDF-"}


def page_options(fmt: str, dpi: int | None, scale: float, paper: tuple[float, float] | None,
                 size: tuple[float, float] | None) -> list[tuple[str, str]]:
    """The graph attributes that give one page its printed size: a PNG's resolution, a PDF's size and
    its margins centring it on the paper."""
    if fmt == "png":
        return [("dpi", f"{(dpi or DEFAULT_DPI) * scale:.4f}")]
    if fmt == "pdf" and size:
        w, h = size[0] * scale, size[1] * scale
        mx, my = ((paper[0] - w) / 144, (paper[1] - h) / 144) if paper else (0.0, 0.0)
        return [("size", f"{w / 72:.4f},{h / 72:.4f}!"), ("margin", f"{max(0.0, mx):.4f},{max(0.0, my):.4f}")]
    return []


def _finished(drawn: bytes, fmt: str, dpi: int | None, scale: float) -> bytes:
    if fmt == "svg":
        return svg_in_mm(drawn.decode("utf-8"), scale).encode("utf-8")
    if fmt == "png":
        return png_with_dpi(drawn, dpi or DEFAULT_DPI)
    return fixed_pdf_dates(drawn)


_PNG = b"\x89PNG\r\n\x1a\n"
_PDF_END = re.compile(rb"(?<=%%EOF\n)(?=%PDF-)")


def _pngs(data: bytes) -> list[bytes] | None:
    """PNG files one after another, told apart chunk by chunk (up to each IEND)."""
    out, pos = [], 0
    while pos < len(data):
        if data[pos:pos + 8] != _PNG:
            return None
        end = pos + 8
        while True:
            if end + 12 > len(data):
                return None
            length, kind = struct.unpack(">I", data[end:end + 4])[0], data[end + 4:end + 8]
            end += 12 + length
            if kind == b"IEND":
                break
        out.append(data[pos:end])
        pos = end
    return out


Entry = tuple[str, float, "tuple[float, float] | None", "tuple[float, float] | None"]  # source, scale, paper, size


def _batch_source(entry: Entry, fmt: str, dpi: int | None) -> str:
    """One page's DOT as it goes into a batch: a PNG's or PDF's size as the graph's last statement (what
    ``-G`` gives one page: it must come after the graph's own ``margin=0``, which ``-G`` overrides)."""
    source, scale, paper, size = entry
    options = " ".join(f'{k}="{v}"' for k, v in page_options(fmt, dpi, scale, paper, size))
    body, brace, tail = source.rpartition("}")
    return f"{body}\tgraph [{options}]\n{brace}{tail}" if brace and options else source


_XML_START = re.compile(rb"^<\?xml ", re.M)
# Graphviz (2.43 at least) names the group of every graph after the first in one run as if it were a
# page of a paged drawing ("page0,1_graph0"); drawn alone, the same graph's group is "graph0".
_PAGED_GROUP = re.compile(r'<g id="page\d+,\d+_(graph\d+)" class="graph"')


def _split(drawn: bytes, fmt: str, dpi: int | None, scales: list[float]) -> list[bytes] | None:
    """One batch's output cut into its pages and finished as ``render`` finishes each; None when it does
    not cut into exactly one piece per page."""
    if fmt == "svg":
        starts = [m.start() for m in _XML_START.finditer(drawn)]
        if len(starts) != len(scales) or (starts and starts[0] != 0):
            return None
        pieces = [drawn[a:b] for a, b in zip(starts, [*starts[1:], len(drawn)])]
        return [svg_in_mm(_PAGED_GROUP.sub(r'<g id="\1" class="graph"', piece.decode("utf-8"), count=1), scale)
                .encode("utf-8") for piece, scale in zip(pieces, scales)]
    split = _pngs(drawn) if fmt == "png" else _PDF_END.split(drawn)
    if split is None or len(split) != len(scales) or any(not p.startswith(b"%PDF-") for p in split if fmt == "pdf"):
        return None
    return [_finished(piece, fmt, dpi, scale) for piece, scale in zip(split, scales)]


def render_batch(pages: list[Entry], fmt: str, dpi: int | None = None) -> list[bytes] | None:
    """Pages ((source, scale, paper, size) each) drawn by one Graphviz process: the same bytes as
    ``render`` gives for each alone.  None when Graphviz fails or its output cannot be told apart page
    by page (the caller then draws them one at a time, which also says which one failed)."""
    if not pages:
        return []
    sources = "".join(_batch_source(entry, fmt, dpi) for entry in pages)
    proc = run_dot(["-Kneato", "-n2", f"-T{fmt}"], sources.encode("utf-8"), timeout() * len(pages))
    return _split(proc.stdout, fmt, dpi, [entry[1] for entry in pages]) if proc.returncode == 0 else None


class PageStream:
    """Pages given to one Graphviz process as they are laid out, read back together: ``render_batch``
    with the drawing done while the later figures are still being laid out (``dotrun.DotRun``).

    Up to ``capacity`` pages; past that the stream gives up (its dot is stopped) and the caller
    draws in batches as before.  ``drawn`` returns None in the cases ``render_batch`` does.
    """

    def __init__(self, fmt: str, dpi: int | None, capacity: int):
        self.fmt, self.dpi, self.capacity = fmt, dpi, capacity
        self.pages: list[Entry] = []
        self.open = True
        self.run = DotRun(["-Kneato", "-n2", f"-T{fmt}"])

    def add(self, pages: list[Entry]) -> None:
        if not self.open:
            return
        if len(self.pages) + len(pages) > self.capacity:
            self.stop()
            return
        self.pages += pages
        self.run.feed("".join(_batch_source(entry, self.fmt, self.dpi) for entry in pages).encode("utf-8"))

    def holds(self, pages: list[Entry]) -> bool:
        """Every page of ``pages``, in order, and no other, went into this stream."""
        return self.open and self.pages == pages

    def drawn(self) -> list[bytes] | None:
        self.open = False
        proc = self.run.finish(timeout() * max(1, len(self.pages)))
        return _split(proc.stdout, self.fmt, self.dpi, [entry[1] for entry in self.pages]) \
            if proc.returncode == 0 else None

    def stop(self) -> None:
        self.open = False
        self.run.stop()


def svg_in_mm(text: str, scale: float = 1.0) -> str:
    """No DOCTYPE (an external reference), and the printed size in mm over the natural viewBox.

    The size comes from the viewBox: Graphviz rounds ``width``/``height`` up to whole points.
    """
    # Each once, at the top (all text in the figure is escaped): no scan of the whole page for more.
    text = _XLINK_NS.sub("", _DOCTYPE.sub("", text, count=1), count=1)
    box = _VIEWBOX.search(text)
    if not box:
        return text
    w, h = (float(v) * scale * 25.4 / 72 for v in box.groups())
    return _SVG_SIZE.sub(f'<svg width="{w:.2f}mm" height="{h:.2f}mm"', text, count=1)


def png_with_dpi(png: bytes, dpi: float) -> bytes:
    """The PNG with one pHYs chunk saying its DPI, right after IHDR, so Word places it at its size."""
    ppm = round(dpi / 0.0254)
    data = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    phys = struct.pack(">I", 9) + data + struct.pack(">I", zlib.crc32(data))
    out, pos = [png[:8]], 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos:pos + 4])[0]
        chunk = png[pos:pos + 12 + length]
        kind = chunk[4:8]
        if kind != b"pHYs":
            out.append(chunk)
        if kind == b"IHDR":
            out.append(phys)
        pos += 12 + length
    return b"".join(out)
