"""C302 placeholder-left: a value still holds a template placeholder (○○, 資料○-1, 令和○年).

何を調べるか (What it does)
    フローファイルのすべての文字の値（コメントは除く）から、``piflow init`` の雛形や写した資料の仮の値を探します: 「○○」、
    資料番号や日付の ○（資料○-1、令和○年○月○日）、◯ と 〇 も同様です。
    Every text value of the flow file (not comments) is searched for the
    placeholders the ``piflow init`` templates and copied papers use: 「○○」,
    a ○ in a 資料 number or a date (資料○-1, 令和○年○月○日), ◯ and 〇 likewise.

なぜ (Why)
    手を付けていない雛形は監査では問題なし（保護対策はそろっている）ですが、件名・担当課・資料番号が「○○」のままでは提出できません。
    An untouched template audits clean (its measures are all there), yet its
    件名, 担当課 and 資料番号 are still 「○○」: it cannot be filed.

違反例 (Example)
    ``section: ○○部○○課`` or ``tag: 資料○-1``.

修正例 (Use instead)
    本当の値を書いてください（``section: 子ども家庭部児童育成担当課``、``tag: 資料49-1``）。
    分からない値は、省略できるキー（``count``、``period``）なら書かなくてかまいません。
    これは未完成の指摘で、``--strict`` か ``--fail-on incomplete`` のときだけ終了コード 1 になります。
    Write the real value (``section: 子ども家庭部児童育成担当課``, ``tag: 資料49-1``).
    Unknown values may be left out where the key is optional (``count``, ``period``).
    This is a completeness finding: it fails the run only with ``--strict`` or
    ``--fail-on incomplete``.
"""

import re

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.audit.finding import Subject
from piflow.yamlsource import dotted

# ○ (U+25CB) and ◯ (U+25EF) never stand for anything else in a flow; 〇 (U+3007) is also the
# kanji zero (二〇二六年), so only doubled or in a number/date position.
PLACEHOLDER = re.compile(r"[○◯]|〇〇|(?:資料|令和|平成|第)〇|〇(?=[年月日号件\-－])")


def _texts(value, path=()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, (*path, i))


def _subject(ctx, path: tuple) -> Subject:
    """The field itself; listed first (a template's placeholders are the first thing to fix), in file order."""
    return Subject("flow", f"text:{dotted(path)}", dotted(path), path, (-2, *ctx.doc.where(path)))


@rule(code="C302", name="placeholder-left", severity="info", kind="incomplete",
      title="雛形の「○○」が残っている", title_en="template placeholder left in a value")
def check(ctx):
    data = ctx.doc.source.data
    for key in (data if isinstance(data, dict) else {}):
        for path, text in _texts(data[key], (key,)):
            if PLACEHOLDER.search(text):
                yield Problem(_subject(ctx, path), f"雛形の「○○」が残っています:「{text}」",
                              f"template placeholder left: {text!r}",
                              "実際の内容に書き換えてください（任意の項目は、分からなければ削除できます）")
