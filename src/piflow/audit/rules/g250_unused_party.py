"""G250 unused-party: a declared party that no step touches.

何を調べるか (What it does)
    区以外の当事者で、自身もそのシステムもどのシナリオのどの手順の送り手・受け手でもなく、システムも運用していないもの。
    A party (other than the ward) that is neither sender nor receiver of any
    step in any scenario, through itself or its systems, and operates no system.

なぜ (Why)
    図が実際の流れを描き漏らしている（例: 資料23 の再委託先は再委託の様式にあるのにどの図にもない）か、
    当事者が消し忘れです。
    Either the figure omits a real flow (e.g. the subcontractor of 資料23 is on
    the 再委託 sheet but in no figure), or the party is left over.

違反例 (Example)
    A ``role: 再委託先`` party with no step.

修正例 (Use instead)
    その当事者に届く手順を描くか、当事者を削除してください。
    Draw the steps that reach it, or remove it.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Role


@rule(code="G250", name="unused-party", severity="warning",
      title="どの手順にも現れない当事者", title_en="party no step touches")
def check(ctx):
    touched = {ctx.flow.owner(e).id for ref in ctx.facts.steps for e in (ref.step.from_, ref.step.to)}
    for party in ctx.flow.parties:
        if party.id not in touched and not party.operates and not party.has_role(Role.WARD):
            yield Problem(ctx.party(party), "どの図の手順にも現れません（流れが図に描かれていない可能性があります）",
                          "no step in any scenario touches this party",
                          "この当事者への流れを手順として描くか、当事者を削除してください")
