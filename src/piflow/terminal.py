"""Text bound for a terminal: user text never reaches it as raw control sequences.

A name typed on the command line (``-s``, ``--explain``, a path) or any text that
slipped past the loader could carry ESC sequences that recolour, retitle or rewrite
the user's terminal, and bidi controls that make a line read differently from what it
says.  They are shown as ``\\u001b``-style escapes instead: visible, and (inside a JSON
string, where they can only occur) the same character to a JSON reader.
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), line/paragraph
# separators, bidi embeddings/overrides/isolates, lone surrogates, non-characters.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """``text`` with every terminal-unsafe character written as a ``\\uXXXX`` escape."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class VisibleStream:
    """A text stream that passes everything written through :func:`visible`."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def __getattr__(self, name: str):  # flush, isatty, encoding, getvalue (tests' StringIO)
        return getattr(self._stream, name)


def visible_stream(stream: TextIO) -> TextIO:
    return stream if isinstance(stream, VisibleStream) else VisibleStream(stream)  # type: ignore[return-value]
