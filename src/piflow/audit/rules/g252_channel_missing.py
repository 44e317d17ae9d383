"""G252 channel-missing: data crosses between parties with no channel declared.

何を調べるか (What it does)
    個人情報を運ぶ、異なる当事者の間の手順に ``channel``（経路）がないこと。口頭（``medium: 口頭``、
    会議での発言の記録など）と、区の手の届かない当事者どうし（本人・その他。例: 勤務先から従業員への証明書）の手順は対象外です。
    チェックリストが律するのは区と、契約で縛る委託先等だからです。
    A step between two different parties that carries personal data but has no
    ``channel``.  Spoken statements (``medium: 口頭``, e.g. remarks recorded at a
    meeting) have no channel and are not reported, and neither are steps between
    two parties outside the ward's reach (data subjects and その他, e.g. an
    employer handing a certificate to its employee): the checklists govern the
    ward and the partners it binds by contract.

なぜ (Why)
    経路がないと、その経路に必要な保護対策を誰も確かめられず、図にも【経路】が出ません。
    Without the channel nobody can check the measures the link needs, and the
    figure shows no 【経路】 tag.

違反例 (Example)
    ``{n: 2, from: ward, to: vendor, text: データ提供}``

修正例 (Use instead)
    ``channel: 手渡し``（LGWAN、専用回線 など）と ``medium`` を書いてください。
    ``channel: 手渡し`` (or LGWAN, 専用回線 …) and the ``medium``.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Medium, Role

OUTSIDE = (Role.SUBJECT, Role.OTHER)


@rule(code="G252", name="channel-missing", severity="warning",
      title="経路が書かれていない", title_en="no channel on a cross-party step")
def check(ctx):
    facts = ctx.facts
    for ref in facts.steps:
        ends = (facts.owner(ref.step.from_), facts.owner(ref.step.to))
        if all(p.role and set(p.role) <= set(OUTSIDE) for p in ends):
            continue
        if not ref.step.channels and ref.step.medium is not Medium.ORAL and facts.cross_party(ref) and facts.carried(ref):
            yield Problem(ctx.step(ref), "当事者の間で個人情報を渡す手順に経路 (channel) がありません",
                          "personal data crosses parties with no channel declared",
                          "channel（手渡し、LGWAN、郵送 …）を書いてください")
