"""C301 checklist-item-blank: an item of an applicable checklist is neither ○ nor －（理由）.

何を調べるか (What it does)
    流れに当てはまるチェックリスト（別紙 1〜8、委託先ごと、区側と委託先側）を記入し、宣言（○）も理由つきの「－」もない項目をすべて示します。
    監査がすでに求める項目（未対応、違反）はここでは繰り返しません。
    Fills the checklists that apply to the flow (別紙チェックリスト 1–8, once per
    partner, both the ward's and the partner's side) and reports every item that
    is neither declared (○) nor waived with a reason (－（理由）).  Items the audit
    already requires (未対応, a violation) are not repeated here.

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

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.audit.finding import Subject
from piflow.checklist import SIDE_JA, fill


@rule(code="C301", name="checklist-item-blank", severity="info", kind="incomplete",
      title="チェックリストの未記入の項目", title_en="checklist item neither declared nor waived")
def check(ctx):
    parties = {p.id: i for i, p in enumerate(ctx.flow.parties)}
    for form in fill(ctx.doc, ctx.violations):
        where = parties.get(form.partner_id) if form.partner_id else None
        path = ("parties", where) if where is not None else ("proposal", "bases")
        who = f"（{form.partner}）" if form.partner else ""
        subject = Subject(
            "flow", f"checklist:{form.number}/{form.partner_id or '-'}/{form.side}",
            f"別紙チェックリスト{form.title}{who} {SIDE_JA[form.side]}",
            path, (2, form.number, where if where is not None else -1, form.side),
        )
        for section in form.sections:
            for item in section.items:
                if item.status != "blank":
                    continue
                labels = "、".join(ctx.label(m) for m in item.measures)
                yield Problem(
                    subject,
                    f"【{section.name}】{item.number}「{item.text}」が未記入です（○ も －（理由）もありません）",
                    f"checklist {form.number} {section.name} item {item.number} is neither declared nor waived",
                    f"measures（図に書かないものは checklist_measures）に「{labels}」を書くか、"
                    f"waivers に理由を書いてください (declare it, or waive it with a reason)",
                    detail=f"{section.name}-{item.number}",
                    checklist=(f"チェックリスト{form.number}【{section.name}】{item.number}",),
                )
