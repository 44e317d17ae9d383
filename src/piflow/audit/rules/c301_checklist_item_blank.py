"""C301 checklist-item-blank: an item of an applicable checklist is neither ○ nor －（理由）.

何を調べるか (What it does)
    流れに当てはまるチェックリスト（別紙 1〜8、委託先ごと、区側と委託先側）を記入し、宣言（○）も理由つきの「－」もない項目をすべて示します。
    監査がすでに求める項目（未対応、違反）はここでは繰り返しません。条件の成り立たない部分（クラウドを使わない、再委託先がない、
    電子データのみ）は「－（理由）」になるので空欄になりません。根拠に対応する役割の当事者がいない（``業務委託`` なのに
    委託先がいない）ときは様式を作らず、その根拠と要る役割を示します。区の waivers の ``for:`` に当事者でない id があるときも示します。
    Fills the checklists that apply to the flow (別紙チェックリスト 1–8, once per
    partner, both the ward's and the partner's side) and reports every item that
    is neither declared (○) nor waived with a reason (－（理由）).  Items the audit
    already requires (未対応, a violation) are not repeated here.  A part whose
    condition does not hold prints its own 「－（理由）」, never a blank.  A basis
    with no party in its role gets no form but a finding naming both; a ward
    waiver's ``for:`` naming no party is reported too.

なぜ (Why)
    会議にはすべての項目に答えたチェックリストを出します。エラーのない流れでも項目が未記入のままだと、
    提出するシートに空欄が残ります。
    The council receives the checklists with every item answered.  A flow with no
    errors can still leave items 未記入; the filed sheet would then have blanks.

違反例 (Example)
    Checklist 5 applies to ``vendor``; nothing declares or waives
    「テストはダミーデータ」.

修正例 (Use instead)
    保護対策を宣言する（``measures``、図に出さないものは ``checklist_measures``）か、
    理由つきで「－」にしてください。これは未完成の指摘で、``--strict`` か ``--fail-on incomplete`` のときだけ終了コード 1 になります。
    Declare the measure (``measures``, or ``checklist_measures`` for what the figure
    does not print), or waive it with its reason (``waivers: {テストはダミーデータ:
    テストを行わないため}``).  This is a completeness finding: it fails the run only
    with ``--strict`` or ``--fail-on incomplete``.
"""

from difflib import get_close_matches

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.audit.finding import Subject
from piflow.checklist import FORM_ROLES, applicable_with_gaps, fill, side_ja
from piflow.project import municipality_for
from piflow.vocab import Role


@rule(code="C301", name="checklist-item-blank", severity="info", kind="incomplete",
      title="チェックリストの未記入の項目", title_en="checklist item neither declared nor waived")
def check(ctx):
    parties = {p.id: i for i, p in enumerate(ctx.flow.parties)}
    municipality = municipality_for(ctx.doc.path)
    bases = list(ctx.flow.proposal.bases)
    for gap in applicable_with_gaps(ctx.doc)[1]:
        # No form for a party that does not exist: name the basis and the role it needs.
        roles = "・".join(r.value for r in gap.roles)
        # A party that plays another basis's role (a 指定管理者 under 業務委託) is likely the one meant.
        others = [(p, number, needs[0]) for p in ctx.flow.parties for number, needs, want in FORM_ROLES
                  if p.has_role(*want) and not set(needs) & set(bases) and not p.has_role(*gap.roles)]
        hint = "".join(f"。当事者「{p.name}」は根拠「{basis.value}」のチェックリスト{number}の相手です"
                       f"（根拠が「{basis.value}」なら proposal.bases を直してください）" for p, number, basis in others[:2])
        subject = Subject("flow", f"checklist:{gap.number}/-", f"別紙チェックリスト{gap.number}（{gap.basis.value}）",
                          ("proposal", "bases", bases.index(gap.basis)), (2, gap.number, -1, ""))
        yield Problem(
            subject,
            f"根拠「{gap.basis.value}」のチェックリスト{gap.number}を書く相手がいません（役割「{roles}」の当事者がありません）"
            + hint,
            f"basis {gap.basis.value} needs a party with role {roles} for checklist {gap.number}",
            f"parties に role: {gap.roles[0].value} の当事者を加えるか、proposal.bases から「{gap.basis.value}」を外してください"
            f" (add the counterparty, or drop the basis)",
            detail="counterparty",
            checklist=(f"チェックリスト{gap.number}",),
        )
    ids = list(parties)
    for i, party in enumerate(ctx.flow.parties):
        for j, holder in enumerate((party, *party.systems)):
            path = ("parties", i, "waivers") if j == 0 else ("parties", i, "systems", j - 1, "waivers")
            for mid, covered in holder.waiver_scope.items():
                for pid in covered:
                    if pid in parties:
                        continue
                    near = get_close_matches(pid, ids, n=1)
                    subject = Subject("flow", f"waiver-scope:{holder.id}/{mid}", f"{holder.name} の waivers", path,
                                      (2, 0, i, j))
                    yield Problem(
                        subject,
                        f"waivers の for: に書いた「{pid}」という当事者はありません"
                        + (f"（もしかして (did you mean): {near[0]}）" if near else ""),
                        f"waiver scope names {pid!r}, which is no party",
                        f"for: には当事者の id を書いてください（{', '.join(ids)}）",
                        measure=None, detail=f"{mid}:{pid}", checklist=())
    ward_holders = [h for p in ctx.flow.parties if p.has_role(Role.WARD) for h in (p, *p.systems)]
    for form in fill(ctx.doc, ctx.violations):
        where = parties[form.partner_id]
        subject = Subject(
            "flow", f"checklist:{form.number}/{form.partner_id}/{form.side}",
            f"別紙チェックリスト{form.title}（{form.partner}） {side_ja(form.side, municipality)}",
            ("parties", where), (2, form.number, where, form.side),
        )
        for section in form.sections:
            for item in section.items:
                if item.status != "blank":
                    continue
                labels = "、".join(ctx.label(m) for m in item.measures)
                # A flow written before waivers had sides: the ward's waiver no longer fills the partner's form.
                ward_waived = [m for m in item.measures if form.side == "partner"
                               and any(h.waiver_scope.get(m) in (None, ()) or form.partner_id in h.waiver_scope[m]
                                       for h in ward_holders if m in h.waivers)]
                moved = (f"。区の waivers（{'、'.join(ctx.label(m) for m in ward_waived)}）は区の様式にだけ効きます。"
                         f"相手方の様式も「－」にするなら、{form.partner} の waivers に同じ理由を書いてください"
                         f" (a ward waiver now counts on the ward's form only; repeat it on the partner)"
                         if ward_waived else "")
                # The partner's waiver does not answer an item the ward does itself (管理簿, 運搬): say so.
                partner = ctx.flow.parties[where]
                partner_waived = [m for m in item.measures if form.side == "ward"
                                  and any(m in h.waivers for h in (partner, *partner.systems))]
                if partner_waived:
                    moved += (f"。{form.partner} の waivers（{'、'.join(ctx.label(m) for m in partner_waived)}）は、"
                              f"区が自ら行うこの項目には効きません。区も行わないなら区の waivers に理由を書いてください"
                              f" (the partner's waiver does not answer the ward's own duty; waive it on the ward)")
                yield Problem(
                    subject,
                    f"【{section.name}】{item.number}「{item.text}」が未記入です（○ も －（理由）もありません）"
                    + (f"。{item.note}" if item.note else ""),
                    f"checklist {form.number} {section.name} item {item.number} is neither declared nor waived",
                    f"measures（図に書かないものは checklist_measures）に「{labels}」を書くか、"
                    f"waivers に理由を書いてください (declare it, or waive it with a reason)" + moved,
                    detail=f"{section.name}-{item.number}",
                    checklist=(f"チェックリスト{form.number}【{section.name}】{item.number}",),
                )
