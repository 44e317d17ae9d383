"""Where a Japanese reader pauses: phrase boundaries from BudouX.

BudouX (Google's Japanese phrase segmenter, a small fixed model shipped in the
package) splits 「申請書内容及び支給希望有無等の確認及び児童手当システムへの登録」
into 申請書内容及び支給希望有無等の｜確認及び児童手当システムへの｜登録.  The line
breaker prefers these boundaries and breaks between characters (with 禁則) only
inside a phrase wider than the line.  The model is data in the package, so the
same text gives the same boundaries on every machine.
"""

from __future__ import annotations

from functools import lru_cache

import budoux

_PARSER = budoux.load_default_japanese_parser()


def _kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆"


@lru_cache(maxsize=65536)
def phrase_starts(text: str) -> frozenset[int]:
    """Offsets in ``text`` where a phrase other than the first begins.

    One correction to the model: a kanji word is never split after its first kanji
    (the model reads 「郵送回答送付」 as 郵｜送回答送付; a reader does not pause there).
    """
    starts, offset = set(), 0
    for phrase in _PARSER.parse(text):
        if offset:
            lone = _kanji(text[offset - 1]) and not (offset >= 2 and _kanji(text[offset - 2]))
            if not (lone and _kanji(text[offset])):
                starts.add(offset)
        offset += len(phrase)
    return frozenset(starts)
