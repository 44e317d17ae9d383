"""G251 waiver-contradiction: a waiver's reason contradicts the flow.

何を調べるか (What it does)
    理由が「電子データのみ」の「－」が、紙や電磁的媒体を扱う当事者・システム・手順にあること。また「紙媒体のみ」の「－」が、
    電子データを扱うところにあること。
    A waiver whose reason says the work is electronic only (「電子データのみ」)
    on a party, system or step that handles paper or removable media; and one
    that says paper only (「紙媒体のみ」) where electronic data is handled.

なぜ (Why)
    「－（電子データのみの取扱いのため）」は紙も DVD も動かないときだけ正しい理由です。「－」は会議が頼りにする申告なので、
    流れと食い違ってはいけません。
    「－（電子データのみの取扱いのため）」 is only true if no paper or DVD moves.
    A waiver is a claim the council relies on; the flow must not contradict it.

違反例 (Example)
    ``waivers: {鍵付きカバン等による運搬: 電子データのみの取扱いのため}`` on a
    contractor that receives a DVD-R in step ②.

修正例 (Use instead)
    保護対策を宣言するか、理由を直してください。
    Declare the measure, or correct the reason.
"""

import re

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Medium

ELECTRONIC_ONLY = re.compile(r"電子(データ|媒体)?のみ")
PAPER_ONLY = re.compile(r"紙(媒体)?のみ")


@rule(code="G251", name="waiver-contradiction", severity="error",
      title="「－」の理由が流れと矛盾", title_en="waiver reason contradicts the flow")
def check(ctx):
    facts = ctx.facts

    def media_of(refs):
        return {r.step.medium for r in refs if r.step.medium}

    def judge(subject, waivers, media):
        for mid, reason in waivers.items():
            if ELECTRONIC_ONLY.search(reason) and media & {Medium.PAPER, Medium.REMOVABLE}:
                shown = "・".join(sorted(m.value for m in media & {Medium.PAPER, Medium.REMOVABLE}))
                yield Problem(subject, f"「{ctx.label(mid)}」を「{reason}」として不要にしていますが、{shown}を扱う手順があります",
                              "waived as electronic-only although paper or media are handled",
                              "保護対策を宣言するか、理由を正してください", mid)
            elif PAPER_ONLY.search(reason) and media & {Medium.ELECTRONIC, Medium.REMOVABLE}:
                yield Problem(subject, f"「{ctx.label(mid)}」を「{reason}」として不要にしていますが、電子データを扱う手順があります",
                              "waived as paper-only although electronic data is handled",
                              "保護対策を宣言するか、理由を正してください", mid)

    touching = facts.steps_touching
    for party in ctx.flow.parties:
        if party.waivers:
            refs = [r for e in facts.endpoints_of(party) for r in touching.get(e, ())]
            yield from judge(ctx.party(party), party.waivers, media_of(refs))
        for system in party.systems:
            if system.waivers:
                yield from judge(ctx.system(system), system.waivers, media_of(touching.get(system.id, ())))
    for ref in facts.steps:
        yield from judge(ctx.step(ref), ref.step.waivers, media_of([ref]))
