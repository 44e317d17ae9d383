"""Text as the layout sees it: estimated widths and Japanese line breaking.

Widths are estimated from character classes, never measured with installed
fonts, so the same flow gives the same geometry (and DOT) on every machine.
The estimates are on the wide side (CJK 1.05 em against the 1.0 em of real
glyphs), so text fits the box it is given in any of the fonts the theme names.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from piflow.layout.phrases import phrase_starts

# Line height as a multiple of the font size (Graphviz sets 8 pt lines 9 pt apart; a
# little more keeps a box's last line clear of its border in any font).
LINE_HEIGHT = 1.15

# Japanese line-breaking rules (禁則処理), the short list that matters for figure labels.
NBSP = "\u00a0"  # a space no line breaks at (after a step's circled number)
NO_LINE_START = set(NBSP + "、。，．,.）)」』】〕〉》］]｝}・：:；;！!？?ーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎ々〜～%％")
NO_LINE_END = set(NBSP + "（(「『【〔〈《［[｛{")
_NARROW = set("il.,:;'|!`()[]{} " + NBSP)


@lru_cache(maxsize=4096)
def char_em(ch: str) -> float:
    """Estimated advance of one character, in em."""
    if ch in _NARROW:
        return 0.32
    if ch.isascii():
        if ch.isupper() or ch in "mwMW@%&":
            return 0.72
        return 0.58
    if unicodedata.east_asian_width(ch) in "WFA":
        return 1.05
    return 0.62  # half-width kana, Latin-1 letters and the like


@dataclass(frozen=True)
class Span:
    """A run of text in one look. ``size`` names a theme size: body, small or title."""

    text: str
    size: str = "body"
    bold: bool = False
    color: str | None = None
    underline: bool = False
    strike: bool = False


Line = tuple[Span, ...]


def _retext(span: Span, text: str) -> Span:
    """``dataclasses.replace(span, text=text)``, several times faster (wrapping makes thousands)."""
    return Span(text, span.size, span.bold, span.color, span.underline, span.strike)


@dataclass(frozen=True)
class Para:
    """A paragraph to be wrapped; ``hang`` indents its continuation lines (bullets)."""

    spans: tuple[Span, ...]
    hang: bool = False

    @classmethod
    def of(cls, text: str, size: str = "body", bold: bool = False, color: str | None = None, hang: bool = False) -> Para:
        return cls((Span(text, size, bold, color),), hang)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Fonts:
    """Point sizes of the theme's text sizes."""

    body: float
    small: float
    title: float

    def size(self, name: str) -> float:
        return getattr(self, name)

    def span_width(self, span: Span) -> float:
        return _em(span.text) * self.size(span.size) * (1.05 if span.bold else 1.0)

    def line_width(self, line: Line) -> float:
        return sum(self.span_width(s) for s in line)

    def line_height(self, line: Line) -> float:
        return max((self.size(s.size) for s in line), default=self.body) * LINE_HEIGHT


@lru_cache(maxsize=65536)
def _em(text: str) -> float:
    return sum(char_em(c) for c in text)


KATAKANA_WORD = 8  # longer katakana runs may break anywhere


def _katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "ー"


def _phrases(fonts: Fonts, para: Para, limit: float) -> list[list[Span]]:
    """Unbreakable pieces for a line of ``limit`` pt: whole phrases (BudouX), and the characters
    of a phrase wider than the line (with 禁則: a phrase boundary is always a character one)."""
    starts = phrase_starts(para.text)
    out: list[list[Span]] = []
    phrase: list[list[Span]] = []
    offset = 0

    def flush() -> None:
        if sum(fonts.span_width(s) for tok in phrase for s in tok) <= limit:
            out.append([s for tok in phrase for s in tok])
        else:
            out.extend(phrase)
        phrase.clear()

    for tok in _characters(para):
        tok = list(tok)
        if phrase and offset in starts:
            flush()
        phrase.append(tok)
        offset += sum(len(s.text) for s in tok)
    if phrase:
        flush()
    return out


@lru_cache(maxsize=16384)
def _characters(para: Para) -> tuple[tuple[Span, ...], ...]:
    """Unbreakable pieces: one CJK character, an ASCII word, a space; 禁則 characters glued on.

    The same for every wrap width, so made once per paragraph (a fit wraps each at many widths)."""
    return tuple(tuple(piece) for piece in _character_lists(para))


def _character_lists(para: Para) -> list[list[Span]]:
    pieces: list[list[Span]] = []
    glue_next = False
    for span in para.spans:
        text = span.text
        i = 0
        while i < len(text):
            ch = text[i]
            j = i + 1
            if ch.isascii() and ch.isalnum():
                while j < len(text) and text[j].isascii() and (text[j].isalnum() or text[j] in "-_./@"):
                    j += 1
            elif _katakana(ch) and not (i and _katakana(text[i - 1])):
                # A short katakana word (インターネット, パスワード) stays on one line; a long
                # one (プライバシーマーク) may break anywhere, its tail included.
                while j < len(text) and _katakana(text[j]):
                    j += 1
                if j - i > KATAKANA_WORD:
                    j = i + 1
            piece = _retext(span, text[i:j])
            if pieces and (glue_next or ch in NO_LINE_START):
                pieces[-1].append(piece)
            else:
                pieces.append([piece])
            glue_next = text[j - 1] in NO_LINE_END
            i = j
    return pieces


def _look(s: Span) -> tuple:
    return (s.size, s.bold, s.color, s.underline, s.strike)


def _merge(spans: list[Span]) -> Line:
    """Adjacent pieces in the same look become one span again."""
    out: list[Span] = []
    for s in spans:
        if out and _look(out[-1]) == _look(s):
            out[-1] = _retext(out[-1], out[-1].text + s.text)
        elif s.text:
            out.append(s)
    while out and not out[-1].text.rstrip():  # a line ends at its last visible character
        out.pop()
    if out:
        out[-1] = _retext(out[-1], out[-1].text.rstrip())
    return tuple(out)


def _greedy(fonts: Fonts, tokens: list[list[Span]], widths: list[float], limit: float, indent: Span | None,
            cut: bool = True) -> list[list[Span]] | None:
    """Fill lines token by token (``widths``: each token's width, the same at every trial);
    a token wider than the line is cut between characters where 禁則 allows (or, with ``cut``
    false, the lines are refused: None)."""
    lines: list[list[Span]] = [[]]
    width = 0.0
    for tok, w in zip(tokens, widths):
        if lines[-1] and width + w > limit:
            if all(not s.text.strip() for s in tok):
                continue  # a space at a break disappears
            lines.append([indent] if indent else [])
            width = fonts.span_width(indent) if indent else 0.0
        if width + w > limit and not lines[-1][1 if indent else 0:]:
            if not cut:
                return None
            # One token wider than the line (a long URL): cut it by characters, never before
            # one that may not start a line or after one that may not end it.
            prev = ""
            for s in tok:
                for ch in s.text:
                    cw = fonts.span_width(_retext(s, ch))
                    if (width + cw > limit and any(x.text.strip() for x in lines[-1])
                            and ch not in NO_LINE_START and prev not in NO_LINE_END):
                        lines.append([indent] if indent else [])
                        width = fonts.span_width(indent) if indent else 0.0
                    lines[-1].append(_retext(s, ch))
                    width += cw
                    prev = ch
            continue
        lines[-1].extend(tok)
        width += w
    return lines


def wrap(fonts: Fonts, para: Para, limit: float) -> list[Line]:
    return list(_wrap(fonts, para, round(limit, 1)))


@lru_cache(maxsize=65536)
def _wrap(fonts: Fonts, para: Para, limit: float) -> tuple[Line, ...]:
    """Break a paragraph into lines no wider than ``limit`` pt, balanced in length.

    Balanced: with the number of lines fixed by ``limit``, the break width is lowered
    as far as that number allows, so a label never ends with one lone character.
    """
    parts: list[Line] = []
    # Explicit newlines stay breaks.
    for chunk in _chunks(para):
        one_line, width = _unwrapped(fonts, chunk)
        if width <= limit - 1e-6:
            # Narrower than the line: every phrase whole and no break, whatever the width (the
            # margin keeps the sums' rounding from deciding), so made once for every width.
            parts += one_line
        else:
            parts += _wrap_chunk(fonts, chunk, limit)
    return tuple(parts)


@lru_cache(maxsize=16384)
def _chunks(para: Para) -> tuple[Para, ...]:
    return tuple(_split_newlines(para))


@lru_cache(maxsize=65536)
def _unwrapped(fonts: Fonts, chunk: Para) -> tuple[list[Line], float]:
    """A newline-free paragraph on one line, and its width.

    What ``_wrap_chunk`` gives at an infinite width (its pieces merged back into the spans, the
    trailing space dropped), made without cutting the text into phrases and characters first:
    most labels are narrower than their line and are never cut (a long flow has thousands)."""
    width = sum(fonts.span_width(s) for s in chunk.spans)
    if not any(s.text for s in chunk.spans):
        return [(Span("", chunk.spans[0].size if chunk.spans else "body"),)], width
    return [_merge(list(chunk.spans))], width


def _wrap_chunk(fonts: Fonts, chunk: Para, limit: float) -> list[Line]:
    tokens = _phrases(fonts, chunk, limit)
    if not tokens:
        return [(Span("", chunk.spans[0].size if chunk.spans else "body"),)]
    indent = Span("　", chunk.spans[0].size) if chunk.hang else None
    widths = [sum(fonts.span_width(s) for s in tok) for tok in tokens]
    lines = _greedy(fonts, tokens, widths, limit, indent) or []
    if len(lines) > 1:
        total = sum(fonts.span_width(s) for t in tokens for s in t)
        low = total / len(lines)
        step = fonts.size(chunk.spans[0].size) * 0.5
        trial = low
        while trial < limit:
            candidate = _greedy(fonts, tokens, widths, trial, indent, cut=False)
            if candidate is not None and len(candidate) <= len(lines):
                lines = candidate
                break
            trial += step
    return [_merge(line) for line in lines]


def _split_newlines(para: Para) -> list[Para]:
    chunks: list[list[Span]] = [[]]
    for span in para.spans:
        pieces = span.text.split("\n")
        for k, piece in enumerate(pieces):
            if k:
                chunks.append([])
            if piece:
                chunks[-1].append(_retext(span, piece))
    return [Para(tuple(c) or (Span("", para.spans[0].size if para.spans else "body"),), para.hang) for c in chunks]


@dataclass(frozen=True)
class Block:
    """Wrapped lines, ready to place: its size is what the layout reserves."""

    lines: tuple[Line, ...]
    width: float
    height: float
    continued: tuple[bool, ...] = ()  # per line: it continues the paragraph of the line before
    limit: float = 0.0  # the wrap width it was set to (pt); 0 when given as lines

    @classmethod
    def of(cls, fonts: Fonts, paras: list[Para], limit: float) -> Block:
        paras, limit = tuple(paras), round(limit, 1)
        natural, widest = _natural(fonts, paras)
        if widest <= limit - 1e-6:
            # Every line narrower than the limit: the block on its natural lines, whatever the
            # limit (as ``_wrap`` leaves such a paragraph), made once for all the widths a fit tries.
            return cls(natural.lines, natural.width, natural.height, natural.continued, limit)
        return _block(fonts, paras, limit)

    @classmethod
    def from_lines(cls, fonts: Fonts, lines: list[Line], continued: list[bool] | None = None,
                   limit: float = 0.0) -> Block:
        width = max((fonts.line_width(ln) for ln in lines), default=0.0)
        height = sum(fonts.line_height(ln) for ln in lines)
        return cls(tuple(lines), round(width, 1), round(height, 1), tuple(continued or [False] * len(lines)), limit)

    @property
    def empty(self) -> bool:
        return not any(s.text for ln in self.lines for s in ln)


@lru_cache(maxsize=65536)
def _block(fonts: Fonts, paras: tuple[Para, ...], limit: float) -> Block:
    """Blocks are asked for again and again while the fit tries widths: made once each."""
    lines: list[Line] = []
    continued: list[bool] = []
    for p in paras:
        for chunk in _chunks(p):
            wrapped = _wrap(fonts, chunk, limit)
            lines += wrapped
            continued += [k > 0 for k in range(len(wrapped))]
    return Block.from_lines(fonts, lines, continued, limit)


@lru_cache(maxsize=65536)
def _natural(fonts: Fonts, paras: tuple[Para, ...]) -> tuple[Block, float]:
    """The paragraphs with no break but their newlines, and the width of the widest line as
    ``_wrap`` compares it (its spans summed, the trailing space included)."""
    lines: list[Line] = []
    widest = 0.0
    for p in paras:
        for chunk in _chunks(p):
            one_line, width = _unwrapped(fonts, chunk)
            lines += one_line
            widest = max(widest, width)
    return Block.from_lines(fonts, lines), widest


def printed_sizes(paras) -> frozenset[str]:
    """The text sizes these paragraphs print (a blank span prints nothing)."""
    return frozenset(s.size for p in paras for s in p.spans if s.text.strip())


def natural_width(fonts: Fonts, paras: list[Para]) -> float:
    """The widest paragraph on one line."""
    return max((fonts.line_width(p.spans) for p in paras), default=0.0)
