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


@lru_cache(maxsize=65536)
def phrase_starts(text: str) -> frozenset[int]:
    """Offsets in ``text`` where a phrase other than the first begins."""
    starts, offset = set(), 0
    for phrase in _PARSER.parse(text):
        if offset:
            starts.add(offset)
        offset += len(phrase)
    return frozenset(starts)
