"""Graphviz source -> SVG / PNG / PDF bytes, through the real ``dot``."""

from __future__ import annotations

import re

from piflow.diagnostics import Diagnostic, InputError
from piflow.draw.dotrun import find_dot, fixed_pdf_dates, run_dot

FORMATS = ("svg", "png", "pdf", "dot")

_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.S)
_XLINK_NS = re.compile(r'\s+xmlns:xlink="[^"]*"')


def dot_path() -> str:
    return find_dot()


def render(source: str, fmt: str, dpi: int | None = None) -> bytes:
    """Run dot; for SVG, drop the DOCTYPE (an external reference) so the file stands alone."""
    if fmt == "dot":
        return source.encode("utf-8")
    cmd = [f"-T{fmt}"]
    if dpi and fmt == "png":
        cmd.append(f"-Gdpi={dpi}")
    proc = run_dot(cmd, source.encode("utf-8"))
    if proc.returncode != 0:
        # The source is ours and always valid DOT, so this is dot itself giving up (old
        # Graphviz releases have layout bugs): say so plainly instead of a traceback.
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError([Diagnostic("dot", 1, 1, "P008", f"Graphviz の dot が図を描けませんでした: {message[0] if message else ''}",
                                     f"Graphviz dot failed (exit {proc.returncode})",
                                     "Graphviz を更新するか、--measures footnote で図を簡単にしてください "
                                     "(update Graphviz, or simplify the figure with --measures footnote)")])
    if fmt == "svg":
        text = proc.stdout.decode("utf-8")
        text = _DOCTYPE.sub("", text)
        text = _XLINK_NS.sub("", text)
        return text.encode("utf-8")
    return fixed_pdf_dates(proc.stdout) if fmt == "pdf" else proc.stdout
