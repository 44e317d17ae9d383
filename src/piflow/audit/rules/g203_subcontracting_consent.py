"""G203 subcontracting-consent: a subcontractor holds data without the ward's consent.

何を調べるか (What it does)
    役割が 再委託先 の当事者で、``consent`` が ``true`` でないこと。
    A party with role 再委託先 whose ``consent`` is not ``true``.

なぜ (Why)
    特記事項 10: 受託者は、区（甲）の事前の承諾なしに個人情報を扱う業務を再委託できません。
    特記事項 10: the contractor may not sub-outsource work with personal data
    without the ward's prior consent (甲の承諾).

違反例 (Example)
    ``role: 再委託先`` with no ``consent`` key.

修正例 (Use instead)
    承諾を得て ``consent: true`` と書いてください。
    Obtain the consent and record ``consent: true``.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Role


@rule(code="G203", name="subcontracting-consent", severity="error",
      title="再委託の承諾がない", title_en="subcontractor without the ward's prior consent",
      checklist=("特記事項 10",))
def check(ctx):
    for party in ctx.flow.parties:
        if party.has_role(Role.SUBCONTRACTOR) and party.consent is not True:
            yield Problem(ctx.party(party), "再委託について区の事前の承諾 (consent: true) が宣言されていません",
                          "the ward's prior consent to subcontracting is not declared",
                          "承諾を得たうえで consent: true を書いてください")
