"""G210 partner-lifecycle: a partner holds data (receives, maintains or stores it) with no return or erasure declared.

何を調べるか (What it does)
    個人情報を持つ 委託先・再委託先・指定管理者・結合先 について、紙や電磁的媒体を受け取るなら「個人情報の返却」を、
    電子データを持つ（受け取る、媒体から写す、システムを運用する）なら「個人情報の消去」（消去報告つき）を、
    宣言するか理由つきで「－」にしていること。
    For every 委託先, 再委託先, 指定管理者 and 結合先 that holds personal data:
    if it received paper or removable media, 個人情報の返却 (return) must be
    declared or waived; if it holds electronic data (received data, media it
    copies, or a system it operates), 個人情報の消去 (erasure, with the erasure
    report) must be.

なぜ (Why)
    チェックリスト 3〜8: 作業の後、媒体・紙・パスワード通知書は返却し、電子データは消去して報告させます（特記事項 14、
    15）。出ていくだけで戻らない図は、データを委託先に残したままです。
    Checklists 3-8: after the work, media, paper and password slips are returned
    and electronic data erased with a report (特記事項 14, 15).  A figure that
    shows data going out and nothing coming back leaves the data with the partner.

違反例 (Example)
    資料49-3: the printing contractor lists 「個人情報の返却」 but not 消去,
    although it prints from a PC.

修正例 (Use instead)
    委託先に ``measures: [個人情報の返却及び消去]`` を書いてください。
    ``measures: [個人情報の返却及び消去]`` on the partner.
"""

from piflow.audit.facts import PARTNER_ROLES
from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Medium, Role


# What the party does with the data (FlowFacts.activities): the message says that, so a vendor that
# only maintains a system is not told that it receives personal data.
DOES_JA = {"receives": "個人情報を受け取り", "maintains": "個人情報のあるシステムを運用保守し",
           "stores": "個人情報を自らのシステム・クラウドに保管し", "handles": "個人情報を取り扱い"}
DOES_EN = {"receives": "receives personal data", "maintains": "maintains a system holding personal data",
           "stores": "stores personal data on its own systems or cloud", "handles": "handles personal data"}


@rule(code="G210", name="partner-lifecycle", severity="error",
      title="返却・消去の定めがない", title_en="no return or erasure declared for a partner")
def check(ctx):
    facts = ctx.facts
    for party in ctx.flow.parties:
        if not (party.has_role(*PARTNER_ROLES, Role.CONNECTED) or party.cloud):
            continue
        if not facts.party_holdings(party):
            continue
        declared = facts.party_measures(party)
        media = facts.received_media(party)
        needs = []
        if media & {Medium.PAPER, Medium.REMOVABLE}:
            needs.append("return")
        if media & {Medium.ELECTRONIC, Medium.REMOVABLE} or party.systems:
            needs.append("erasure")
        does = facts.activities(party) or ("handles",)
        doing = "、".join(DOES_JA[d] for d in does) + "ますが"
        doing_en = ", ".join(DOES_EN[d] for d in does)
        for mid in needs:
            if mid not in declared:
                label = ctx.label(mid)
                yield Problem(ctx.party(party),
                              f"{doing}「{label}」がありません（業務履行後の{'返却' if mid == 'return' else '消去と報告'}）",
                              f"{doing_en} but declares no {ctx.catalog[mid].en}",
                              f"measures に「{label}」を書くか、不要なら waivers に理由を、法令等で保存が義務づけられているなど"
                              f"根拠のある例外なら exceptions に根拠と代わりの管理策を書いてください", mid)
