"""G251 waiver-contradiction: a waiver's reason contradicts the flow.

何を調べるか (What it does)
    「－」の理由が述べる事実（主張）を、流れの事実と照らします。主張と事実の対応は下の表 ``CLAIMS`` で、
    主張を一つ加えるのは表に一行足すことです。
    Each claim of a waiver's reason is checked against the flow's facts:

    - 「電子データのみ」: 紙や電磁的媒体を扱う手順がある
    - 「紙媒体のみ」: 電子データ・電磁的媒体を扱う手順がある
    - 「専用回線」「閉域」（閉域接続のため など）: インターネット・メール・インターネットVPN の手順がある
    - 「クラウド…利用しない」: その当事者（区なら流れのどれか）が ``cloud`` を使う
    - 「再委託しない」: その当事者（区なら流れ）に 再委託先 がある
    - 「媒体を使用しない」: 電磁的媒体の手順がある
    - 「郵送しない」: 郵送・簡易書留・宅配便・バイク便の手順がある
    - 指定管理者 が「個人情報の返却」「個人情報の消去」を「次期事業で利用するため」「引き続き利用」として不要にする:
      指定管理者の持つ個人情報は指定期間の終わりに区へ返す・消すもので、次の期間の指定管理者は別の者になり得ます
    - 理由が何であれ、同じ当事者・システム・手順がその保護対策を ``measures``・``checklist_measures`` にも書いている
      （○ になり、理由は黙って捨てられます）

    A waiver's reason states facts (a claim); each claim is checked against the
    flow by the table ``CLAIMS`` (adding a claim is adding a row): electronic only
    vs paper or media handled; paper only vs electronic data; 専用回線/閉域 vs an
    internet channel; no cloud vs a ``cloud`` party; no 再委託 vs a 再委託先; no
    media vs a removable medium; no post vs a mail or courier step; a 指定管理者
    waiving return or erasure 「次期事業で利用するため」 although the data goes
    back to the ward at the end of the designation.  Whatever the reason, the same
    holder declaring the measure it waives is reported too (the item prints ○ and the
    reason is silently dropped).

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
from dataclasses import dataclass
from typing import Callable

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import ChannelClass, Medium, Role


@dataclass(frozen=True)
class Scope:
    """What a waiver speaks for: the steps that touch its holder and the parties concerned."""

    refs: tuple
    parties: tuple  # the holder's party; for a step, both ends; for the ward, every party
    partners: tuple  # parties holding the waiver (for the 指定管理者 claim): the holder's party, or a step's receiver
    everyone: tuple  # every party of the flow

    def media(self) -> set:
        return {r.step.medium for r in self.refs if r.step.medium}

    def channels(self, *classes: ChannelClass) -> list[str]:
        found = {c.value: None for r in self.refs for c in r.step.channels if c.klass in classes}
        return sorted(found)


def _paper_or_media(scope: Scope, mid: str) -> str:
    shown = sorted(m.value for m in scope.media() & {Medium.PAPER, Medium.REMOVABLE})
    return f"{'・'.join(shown)}を扱う手順があります" if shown else ""


def _electronic(scope: Scope, mid: str) -> str:
    return "電子データを扱う手順があります" if scope.media() & {Medium.ELECTRONIC, Medium.REMOVABLE} else ""


def _removable(scope: Scope, mid: str) -> str:
    return "電磁的媒体を扱う手順があります" if Medium.REMOVABLE in scope.media() else ""


def _internet(scope: Scope, mid: str) -> str:
    shown = scope.channels(ChannelClass.INTERNET)
    return f"{'・'.join(shown)}の経路の手順があります" if shown else ""


def _mail(scope: Scope, mid: str) -> str:
    shown = scope.channels(ChannelClass.MAIL)
    return f"{'・'.join(shown)}の手順があります" if shown else ""


def _cloud(scope: Scope, mid: str) -> str:
    shown = sorted({p.cloud for p in scope.parties if p.cloud})
    return f"クラウドサービス（{'・'.join(shown)}）を利用しています" if shown else ""


def _subcontractor(scope: Scope, mid: str) -> str:
    ids = {p.id for p in scope.parties}
    shown = [p.name for p in scope.everyone if p.has_role(Role.SUBCONTRACTOR)
             and (p.contractor in ids or any(q.has_role(Role.WARD) for q in scope.parties))]
    return f"再委託先（{'・'.join(shown)}）があります" if shown else ""


def _designation_ends(scope: Scope, mid: str) -> str:
    if mid in ("return", "erasure") and any(p.has_role(Role.DESIGNATED_MANAGER) for p in scope.partners):
        return "指定管理者の持つ個人情報は指定期間の終わりに区へ返却・消去するものです（次の期間の指定管理者は別の者になり得ます）"
    return ""


@dataclass(frozen=True)
class Claim:
    says: re.Pattern  # what the reason claims
    contradicted: Callable[[Scope, str], str]  # the fact that contradicts it, in Japanese; "" if none
    en: str


CLAIMS = (
    Claim(re.compile(r"電子(データ|媒体)?のみ"), _paper_or_media,
          "waived as electronic-only although paper or media are handled"),
    Claim(re.compile(r"紙(媒体)?のみ"), _electronic, "waived as paper-only although electronic data is handled"),
    Claim(re.compile(r"(専用回線|閉域)(?!.*(ない|ません))"), _internet, "waived for a closed line although a step uses the internet"),
    Claim(re.compile(r"クラウド.*(利用|使用)(しない|せず|しません)"), _cloud, "waived as using no cloud although a cloud service is used"),
    Claim(re.compile(r"再委託(を|は)?(し|行わ|行い)(ない|ません)"), _subcontractor,
          "waived as not subcontracting although there is a subcontractor"),
    Claim(re.compile(r"媒体(を|は)?(使用|利用|用い)?(し|せ)?(ない|ません)"), _removable,
          "waived as using no media although removable media are handled"),
    Claim(re.compile(r"郵送(を|は)?(し|行わ|行い)?(ない|ません)"), _mail, "waived as sending nothing by post although a step does"),
    Claim(re.compile(r"次期|次年度|引き続き|継続して(利用|使用)|今後も(利用|使用)"), _designation_ends,
          "a designated manager keeps the data for a next term although it goes back to the ward"),
)


@rule(code="G251", name="waiver-contradiction", severity="error",
      title="「－」の理由が流れと矛盾", title_en="waiver reason contradicts the flow")
def check(ctx):
    facts = ctx.facts
    everyone = tuple(ctx.flow.parties)

    def judge(subject, waivers, scope, declared=()):
        declared = set(facts.catalog.closure(declared))
        for mid, reason in waivers.items():
            if mid in declared:  # the same holder says it does it and that it is not needed
                yield Problem(subject, f"「{ctx.label(mid)}」を宣言しながら「{reason}」として不要にもしています"
                              "（チェックリストは宣言の ○ になり、この理由は使われません）",
                              "the same holder declares and waives this measure",
                              "measures（checklist_measures）と waivers のどちらか一方にしてください", mid)
                continue
            for claim in CLAIMS:
                if claim.says.search(reason) and (fact := claim.contradicted(scope, mid)):
                    yield Problem(subject, f"「{ctx.label(mid)}」を「{reason}」として不要にしていますが、{fact}",
                                  claim.en, "保護対策を宣言するか、理由を正してください", mid)
                    break

    def concerned(party):
        return everyone if party.has_role(Role.WARD) else (party,)

    touching = facts.steps_touching
    for party in ctx.flow.parties:
        if party.waivers:
            refs = tuple(r for e in facts.endpoints_of(party) for r in touching.get(e, ()))
            yield from judge(ctx.party(party), party.waivers, Scope(refs, concerned(party), (party,), everyone),
                             (*party.measures, *party.checklist_measures))
        for system in party.systems:
            if system.waivers:
                scope = Scope(tuple(touching.get(system.id, ())), concerned(party), (party,), everyone)
                yield from judge(ctx.system(system), system.waivers, scope, (*system.measures, *system.checklist_measures))
    for ref in facts.steps:
        if ref.step.waivers:
            ends = (facts.owner(ref.step.from_), facts.owner(ref.step.to))
            yield from judge(ctx.step(ref), ref.step.waivers, Scope((ref,), ends, ends[1:], everyone), ref.step.measures)
