"""G202 subcontracting-basis: data reaches a subcontractor but 再委託 is not a basis.

何を調べるか (What it does)
    役割が 再委託先 の当事者が個人情報を持つのに、``proposal.bases`` に 再委託 がないこと。
    A party with role 再委託先 that holds any personal data, in a flow whose
    ``proposal.bases`` does not list 再委託.

なぜ (Why)
    再委託は会議で別に審議する事項（別の様式とチェックリスト）です。再委託先にデータを渡すのに再委託を挙げていない資料は、
    していることを諮っていません。
    Sub-outsourcing is a separate matter for the council (its own sheet and
    checklist); a paper that sends data to a subcontractor without it has not
    asked for what it does.

違反例 (Example)
    ``bases: [業務委託]`` with a party ``role: 再委託先`` receiving step ③.

修正例 (Use instead)
    ``bases: [業務委託, 再委託]`` とし、資料に再委託の様式を付けてください。
    ``bases: [業務委託, 再委託]`` and the 再委託 sheet in the paper.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Basis, Role


@rule(code="G202", name="subcontracting-basis", severity="error",
      title="再委託が根拠にない", title_en="data reaches a subcontractor but 再委託 is not a basis",
      checklist=("チェックリスト5 運用上の対策 3",))
def check(ctx):
    if Basis.SUBCONTRACTING in ctx.flow.proposal.bases:
        return
    for party in ctx.flow.parties:
        if party.has_role(Role.SUBCONTRACTOR) and ctx.facts.party_holdings(party):
            yield Problem(ctx.party(party), "再委託先に個人情報が渡りますが、根拠 (bases) に「再委託」がありません",
                          "data reaches a subcontractor but 再委託 is not among the bases",
                          "proposal.bases に 再委託 を加えてください")
