"""Text helpers shared by the loader, the catalog and the writers.

Staff type labels by hand in Japanese IMEs, so the same word arrives as
full-width ＤＶＤ, half-width ｶﾅ, with U+3000 spaces or invisible zero-width
characters.  ``normalize`` folds those (NFKC) so that what the user clearly
meant matches; anything else is left for ``suggest`` to propose.
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"\s+")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")


def normalize(text: str) -> str:
    """NFKC, no zero-width characters, single ASCII spaces, stripped."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", text).strip()


def match_key(text: str) -> str:
    """Key for looking a label up: normalized, spaces and bullets dropped, lower case."""
    key = normalize(text).lstrip("・-*• ").lower()
    return key.replace(" ", "")


def strip_trailing_paren(text: str) -> str:
    """「外部からの攻撃防御（ファイアウォール…）」 -> 「外部からの攻撃防御」 (after NFKC)."""
    return _TRAILING_PAREN.sub("", normalize(text))


def suggest(word: str, candidates: list[str], n: int = 3) -> list[str]:
    """Close matches for a did-you-mean hint, best first."""
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(match_key(c), c)
    hits = difflib.get_close_matches(match_key(word), list(by_key), n=n, cutoff=0.6)
    return [by_key[h] for h in hits]


def did_you_mean(word: str, candidates: list[str]) -> str:
    """「もしかして: a, b」 or an empty string."""
    hits = suggest(word, candidates)
    return f"もしかして (did you mean): {', '.join(hits)}" if hits else ""


# A file with 40,000 unknown names among 5,000 known ones took minutes to answer: each name was
# compared with every candidate.  Only the first diagnostics are printed (50 a file), so only they
# get a suggestion, each compared with the candidates nearest in length.
MAX_SUGGESTED = 50
MAX_CANDIDATES = 2_000


class Suggester:
    """did-you-mean over one list of candidates, their keys folded once, and bounded: after ``budget``
    names it stays silent, and each name is compared with at most MAX_CANDIDATES candidates."""

    def __init__(self, candidates, budget: int = MAX_SUGGESTED):
        self._by_key: dict[str, str] = {}
        for c in candidates:
            self._by_key.setdefault(match_key(c), c)
        self.budget = budget

    def __call__(self, word: str) -> str:
        if self.budget <= 0:
            return ""
        self.budget -= 1
        key = match_key(word)
        keys = list(self._by_key)
        if len(keys) > MAX_CANDIDATES:
            keys = heapq.nsmallest(MAX_CANDIDATES, keys, key=lambda k: (abs(len(k) - len(key)), k))
        hits = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
        return f"もしかして (did you mean): {', '.join(self._by_key[h] for h in hits)}" if hits else ""


_CIRCLED = (
    [chr(0x2460 + i) for i in range(20)]  # ①..⑳
    + [chr(0x3251 + i) for i in range(15)]  # ㉑..㉟
    + [chr(0x32B1 + i) for i in range(15)]  # ㊱..㊿
)


def circled(number: int, suffix: str = "") -> str:
    """1 -> ①, 21 -> ㉑, 50 -> ㊿; beyond that (51) as the papers would write it."""
    if 1 <= number <= len(_CIRCLED):
        return _CIRCLED[number - 1] + suffix
    return f"({number}){suffix}"
