"""C303 party-without-measures: a party that declares no measure at all.

何を調べるか (What it does)
    区・対象者・その他・他の行政機関等・提供先・金融機関 以外の当事者で、自身にもそのシステムにも ``measures``・``checklist_measures``・``waivers`` が一つもないもの（区側の各項目は C301 が項目ごとに調べます。
    外部提供・目的外利用のチェックリスト1・2 は区側だけの様式なので、提供先（行政機関等でも、民生委員・町会・事業者でも）には
    求めません。提供の対策は区が行い、欠ければ M114・M115 がその提供先を名指しします。金融機関は取引の記録を自らの法令上の義務で
    保存するので、何も求めません（G204）。その他 が個人情報を受け取れば G206 です）。
    A party (other than the ward, 対象者, その他, a public body, a 提供先 and a
    金融機関) that, on itself and its systems, declares no ``measures``, no
    ``checklist_measures`` and no ``waivers``.  (The ward's own side of each checklist
    is checked item by item by C301.)  Checklists 1 and 2 have the ward's side only,
    so a recipient (a public body, or a 民生委員, 町会 or company) is asked nothing: the
    ward takes the provision's measures, and M114 / M115 name the recipient when they
    are missing.  A 金融機関 keeps its records under its own legal duty and is asked
    nothing (G204); その他 receiving data is G206.

なぜ (Why)
    区が関わる当事者はどれかのチェックリストに載り、図にはその横に保護対策が出ます。一つもない当事者は、
    たいていまだ様式を書いていないものです。
    Every party the ward deals with appears on a checklist, and the figure prints
    the measures beside it.  A party with none is usually one whose sheet has not
    been written yet.

違反例 (Example)
    ``{id: vendor, name: 委託先, role: 委託先}`` and nothing else.

修正例 (Use instead)
    その当事者が行う保護対策を書く（``piflow rules --measures`` を参照）か、
    要らないものを理由つきで「－」にしてください。これは未完成の指摘で、``--strict`` か ``--fail-on incomplete`` のときだけ終了コード 1 になります。
    Write the measures it takes (see ``piflow rules --measures``), or waive the ones
    it does not need with their reasons.  This is a completeness finding: it fails
    the run only with ``--strict`` or ``--fail-on incomplete``.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Role

# No form of their own asks these parties for a measure (see the module's docstring).
NO_MEASURES_EXPECTED = (Role.WARD, Role.SUBJECT, Role.OTHER, Role.PUBLIC_BODY, Role.RECIPIENT, Role.FINANCIAL_INSTITUTION)


def _does(ctx, party) -> tuple[str, str]:
    """What the party does with the data, in words: 受け取り・保管し・運用保守し (receives, stores, maintains)."""
    facts = ctx.facts
    ja, en = [], []
    if facts.incoming(party):
        ja.append("個人情報を受け取り")
        en.append("receives personal data")
    if party.systems or facts.party_holdings(party):
        ja.append("保管し")
        en.append("stores it")
    if party.operates:
        ja.append("区のシステムを運用保守し")
        en.append("maintains the ward's system")
    return "、".join(ja), ", ".join(en)


@rule(code="C303", name="party-without-measures", severity="info", kind="incomplete",
      title="保護対策が一つもない当事者", title_en="party declares no measure")
def check(ctx):
    for party in ctx.flow.parties:
        if all(r in NO_MEASURES_EXPECTED for r in party.role):
            continue
        holders = (party, *party.systems)
        if not any(h.measures or h.checklist_measures or h.waivers for h in holders):
            does, does_en = _does(ctx, party)
            said = ((f"「{party.name}」は{does}ますが、保護対策が一つも書かれていません",
                     f"{party.name} {does_en} but declares no measure") if does
                    else ("保護対策が一つも書かれていません", "no measure is declared for this party or its systems"))
            yield Problem(ctx.party(party), *said,
                          "講じる保護対策を measures に書くか、不要なものを waivers に理由つきで書いてください")
