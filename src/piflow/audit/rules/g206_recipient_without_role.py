"""G206 recipient-without-role: a party with role その他 receives personal data from the ward or a partner.

何を調べるか (What it does)
    役割が「その他」だけの当事者に、区・委託先等（対象者・その他 以外の当事者）から個人情報を運ぶ手順があること。
    その他 どうし・対象者との間の手順（勤務先が従業員に証明書を渡すなど）は区の手の外なので対象外です。
    A party whose only role is その他 that a step brings personal data to from the
    ward or a partner (any party that is not 対象者 or その他).  Steps among data
    subjects and その他 (an employer handing a certificate to its employee) are
    outside the ward's reach and are not reported.

なぜ (Why)
    「その他」は、チェックリスト2（外部提供）、提供先の要件（M114・M115）、C303 のどれにも掛かりません。
    個人情報を受け取る相手をその他にすると、書面の取り交わしも措置要求も求められないまま提供が通ってしまいます。
    民生委員・町会・社会福祉協議会・民間事業者への提供は 提供先、国や他の自治体・消防・警察は 他の行政機関等、
    区の業務を行わせるなら 委託先 です。郵便・宅配便の事業者は当事者ではなく経路（``channel: 郵送``・``宅配便``）です。
    その他 falls under no checklist: not checklist 2 (provision), not the
    recipient requirements (M114, M115), not C303.  A recipient declared その他
    passes without the written agreement or the required measures.  民生委員, 町会,
    社会福祉協議会 and companies are 提供先; national bodies, other municipalities,
    the fire service and the police are 他の行政機関等; someone doing the ward's
    work is a 委託先.  A postal or courier company is a channel, not a party.

違反例 (Example)
    ``{id: minsei, name: 民生委員, role: その他}`` receiving ② 避難行動要支援者名簿 from the ward.

修正例 (Use instead)
    役割を 提供先（または 他の行政機関等・委託先）にしてください。
    ``role: 提供先`` (or 他の行政機関等, 委託先).
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Role

OUTSIDE = (Role.SUBJECT, Role.OTHER)  # parties the ward does not bind: as G252


@rule(code="G206", name="recipient-without-role", severity="error",
      title="個人情報を受け取る当事者の役割が「その他」", title_en="a party receiving personal data has role その他",
      checklist=("チェックリスト2 運用上の対策 2", "チェックリスト2 運用上の対策 3"))
def check(ctx):
    facts = ctx.facts
    for party in ctx.flow.parties:
        if any(r is not Role.OTHER for r in party.role):
            continue
        senders = sorted({facts.owner(r.step.from_).name for r in facts.incoming(party)
                          if not all(x in OUTSIDE for x in facts.owner(r.step.from_).role)})
        if senders:
            yield Problem(ctx.party(party),
                          f"「{party.name}」は{'・'.join(senders)}から個人情報を受け取りますが、役割が「その他」のため"
                          "提供先としての要件（書面の取り交わし、提供先への措置要求など）が掛かりません",
                          f"{party.id!r} receives personal data from {', '.join(senders)} but its role その他 exempts it "
                          "from every recipient requirement",
                          "role を 提供先（民生委員・町会・社会福祉協議会・民間事業者）、他の行政機関等（国・自治体・消防・警察）、"
                          "または 委託先（区の業務を行わせる相手）にしてください。郵便・宅配便の事業者なら当事者にせず"
                          " channel（郵送・宅配便）で書いてください (set role to 提供先, 他の行政機関等 or 委託先; a carrier is a channel)")
