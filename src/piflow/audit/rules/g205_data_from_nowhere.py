"""G205 data-from-nowhere: a step sends an item its sender never had.

何を調べるか (What it does)
    手順の順（ファイル順のシナリオ、① ①' ② …）にデータをたどり、``data`` のある手順ごとに、
    送り手がその項目をすべて持っていること。持っているとは、発生元である（本人、``originates`` に書いたシステム）、
    自分の ``data`` に宣言している、前の手順で受け取った、当事者の職員なら自分の（または ``operates`` で運用する）システムが持っている、
    のいずれかです。
    Follows the data in step order (scenarios in file order, steps ① ①' ② …).
    For each step with a ``data`` list, the sender must hold every item: it is
    the origin (the data subjects; a system that ``originates`` it), declares it
    in its ``data``, received it in an earlier step, or — for a party's staff —
    one of its own systems (or one it ``operates``) holds it.

なぜ (Why)
    どこからともなく現れる項目は、図が手順を描き漏らしている（委託先が郵送する病歴は誰から？）か、
    承認を超えた取扱い（氏名・住所で届け出た再委託先が税額や個人番号を送る）かのどちらかです。
    An item that appears from nowhere is either a figure that leaves out a step
    (who gave the contractor the 病歴 it mails?) or handling beyond what was
    approved (a 再委託先 declared for 氏名・住所 sending 税額 and 個人番号).

違反例 (Example)
    ``subcontractor`` declares ``data: [name, address]``; step ⑤
    ``{from: subcontractor, to: subjects, data: [name, tax]}`` and no earlier step
    gives it ``tax``.

修正例 (Use instead)
    送り手にその項目を渡す手順を描くか、送り手の ``data`` に（資料の様式にも）加えてください。
    システムが自分で作る項目（発行するパスワード、計算した税額、受付番号）は、そのシステムに ``originates: [tax]`` と書きます。
    または手順からその項目を外してください。
    Draw the step that gives the sender the item, or add it to the sender's
    ``data`` (and to the paper's sheet).  If a system produces the item itself (a
    generated password, a computed tax amount, a receipt number), say so on that
    system: ``originates: [tax]``.  Or take the item out of the step.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule


@rule(code="G205", name="data-from-nowhere", severity="warning",
      title="送り手が持っていない情報項目を送る", title_en="step sends data its sender never had")
def check(ctx):
    names = ctx.flow.data_by_id
    for ref, missing in ctx.facts.sender_gaps:
        sender = ctx.flow.endpoint_name(ref.step.from_)
        listed = "、".join(names[d].name for d in missing)
        yield Problem(
            ctx.step(ref),
            f"送り手「{sender}」は、この時点で（{listed}）を持っていません（出どころが図にも data にもありません）",
            f"the sender {ref.step.from_!r} does not hold {', '.join(missing)} at this step",
            "その項目を送り手に渡す手順を描くか、送り手の data に加えるか、システムが作るなら"
            f"そのシステムに originates: [{', '.join(missing)}] と書くか、手順の data から除いてください",
            detail=",".join(missing),
        )
