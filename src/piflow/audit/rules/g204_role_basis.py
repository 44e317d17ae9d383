"""G204 role-basis: a party's role needs a basis the proposal does not list.

何を調べるか (What it does)
    データを持つ 委託先 には 業務委託（システム事業者なら 電算処理）、結合先 やクラウドには 外部結合、
    指定管理者 には 指定管理、データを受け取る 他の行政機関等 には 外部提供 か 目的外利用 が根拠として必要です。
    委託先 holding data needs 業務委託 (or 電算処理 for a system vendor);
    結合先 or a cloud party needs 外部結合; 指定管理者 needs 指定管理;
    他の行政機関等 receiving data needs 外部提供 or 目的外利用.
    データを持つ 提供先（民生委員・町会・民間事業者）には 外部提供、収納代行 には 業務委託（収納事務の委託）が必要です。
    金融機関 には根拠を求めません: 口座振込・口座振替の取引は区の公金の出納であり、金融機関は取引の記録を自らの法令上の義務
    （銀行法、犯罪収益移転防止法の取引記録の保存）で保存します。
    A 提供先 (民生委員, 町会, a company) holding data needs 外部提供; a 収納代行
    needs 業務委託 (the collection is outsourced to it).  A 金融機関 needs no basis:
    the transfer is the ward's own payment, and the bank keeps the transfer records
    under its own legal duty (銀行法, the record keeping of 犯罪収益移転防止法).

なぜ (Why)
    根拠ごとに様式とチェックリストがあります。役割に合う根拠のない当事者の取扱いは、会議が見ていないものです。
    Each basis has its own sheet and checklist; a party whose role has no basis
    is handling the council never saw.

違反例 (Example)
    ``bases: [電算処理]`` with a cloud party (``cloud: Box``) that holds data.

修正例 (Use instead)
    根拠（例: ``外部結合``）とその様式を加えてください。
    Add the basis (``外部結合``) and its sheet.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Basis, Role

NEEDS = [
    (Role.CONTRACTOR, (Basis.OUTSOURCING, Basis.COMPUTER_PROCESSING), "業務委託"),
    (Role.CONNECTED, (Basis.EXTERNAL_LINK,), "外部結合"),
    (Role.DESIGNATED_MANAGER, (Basis.DESIGNATED_MANAGEMENT,), "指定管理"),
    (Role.PUBLIC_BODY, (Basis.PROVISION, Basis.SECONDARY_USE), "外部提供 または 目的外利用"),
    (Role.RECIPIENT, (Basis.PROVISION,), "外部提供"),
    (Role.COLLECTION_AGENT, (Basis.OUTSOURCING,), "業務委託"),
]


@rule(code="G204", name="role-basis", severity="warning",
      title="役割に対応する根拠がない", title_en="role without a matching basis")
def check(ctx):
    bases = set(ctx.flow.proposal.bases)
    for party in ctx.flow.parties:
        if not ctx.facts.party_holdings(party):
            continue
        for role, accepted, label in NEEDS:
            cloud = role is Role.CONNECTED and bool(party.cloud)
            if (party.has_role(role) or cloud) and not bases & set(accepted):
                yield Problem(ctx.party(party),
                              f"役割「{role.value}」の当事者が個人情報を扱いますが、根拠に「{label}」がありません",
                              f"a {role.name.lower()} party holds data but the bases lack {label}",
                              f"proposal.bases に {label} を加えてください")
