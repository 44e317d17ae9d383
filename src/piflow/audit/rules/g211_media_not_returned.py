"""G211 media-not-returned: a medium handed to a partner never comes back.

何を調べるか (What it does)
    電磁的媒体を他の当事者の委託先等に渡す手順があり、同じシナリオのそれより後に、その当事者から渡した側へ電磁的媒体を戻す手順がないこと。
    A step that hands 電磁的媒体 to another party's partner (委託先 etc.), with
    no later step in the same scenario bringing 電磁的媒体 back from that
    party to the sender's party.

なぜ (Why)
    チェックリストは作業後の媒体とパスワード通知書の返却を求めます。図にも返却を描きます（資料49-3 の ⑤）。
    The checklists require media and password slips to be returned after the
    work; the figure should show the return (資料49-3 ⑤).

違反例 (Example)
    ② 区 → 委託先 (DVD-R) and nothing back.

修正例 (Use instead)
    返却の手順を加えてください（下の例）。
    Add ``{n: 5, from: printer, to: ward, text: 印字データの返却, channel: 手渡し, medium: 電磁的媒体}``.
"""

from piflow.audit.facts import PARTNER_ROLES
from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Medium


@rule(code="G211", name="media-not-returned", severity="warning",
      title="媒体の返却手順がない", title_en="removable medium handed over with no return step",
      checklist=("チェックリスト5 運用上の対策 11",))
def check(ctx):
    facts = ctx.facts
    # The latest removable-media step per (scenario, from party, to party): one pass, not one per step.
    latest: dict[tuple, tuple] = {}
    for r in facts.steps:
        if r.step.medium is Medium.REMOVABLE:
            key = (r.scenario.id, facts.owner(r.step.from_).id, facts.owner(r.step.to).id)
            latest[key] = max(latest.get(key, r.step.sort_key), r.step.sort_key)
    for ref in facts.steps:
        step = ref.step
        if step.medium is not Medium.REMOVABLE or not facts.cross_party(ref):
            continue
        receiver, sender = facts.owner(step.to), facts.owner(step.from_)
        if not receiver.has_role(*PARTNER_ROLES):
            continue
        back = latest.get((ref.scenario.id, receiver.id, sender.id))
        if back is None or back <= step.sort_key:
            yield Problem(ctx.step(ref), f"{receiver.name} に渡した媒体を返却する手順がありません",
                          "no later step returns the medium",
                          "媒体の返却の手順を加えるか、委託先で消去・廃棄するなど根拠のある例外なら"
                          "exceptions に根拠と代わりの管理策を書いてください")
