"""G201 undeclared-data: a party ends up holding data it is not declared for.

何を調べるか (What it does)
    情報項目ごとに手順をたどり（何段でも）、各当事者が最終的に持つ項目と、その当事者の ``data:`` に宣言した項目（様式の「委託に伴い事業者に処理させる情報項目」）を比べます。
    Follows every data item over any number of steps (lineage) and compares what
    each party ends up holding with the items declared for it in ``data:``
    (the sheet's 「委託に伴い事業者に処理させる情報項目」).

なぜ (Why)
    会議が承認するのは委託先ごとの項目の一覧です。一覧にない項目が届くのは、誰も承認していない取扱いです。
    The council approves a list of items per contractor.  Data that reaches a
    party beyond that list is handling nobody approved.

違反例 (Example)
    ``printer`` declares ``data: [address]`` but step ② carries ``[address, account]``.

修正例 (Use instead)
    宣言した項目だけを渡すか、その項目を当事者の ``data`` に（資料の様式にも）加えてください。
    Carry only the declared items, or add the item to the party's ``data`` (and
    to the paper's sheet).
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Role


@rule(code="G201", name="undeclared-data", severity="warning",
      title="宣言されていない情報項目の保有", title_en="party holds data it is not declared for")
def check(ctx):
    for party in ctx.flow.parties:
        if party.data is None or party.has_role(Role.WARD, Role.SUBJECT):
            continue
        extra = sorted(ctx.facts.party_holdings(party) - set(party.data))
        if extra:
            names = "、".join(ctx.flow.data_by_id[d].name for d in extra)
            # A vendor that only maintains a ward system handles what is in it; it receives nothing.
            run = [s for s in party.operates if set(extra) & ctx.facts.holdings.get(s, set())]
            if run and set(extra) <= set().union(*(ctx.facts.holdings.get(s, set()) for s in run)):
                systems = "、".join(ctx.flow.system_by_id[s].name for s in run)
                yield Problem(
                    ctx.party(party),
                    f"運用保守するシステム（{systems}）にある、宣言されていない情報項目（{names}）を取り扱います",
                    f"maintains a system holding data items not declared for it: {', '.join(extra)}",
                    "当事者の data に加えてください（運用保守で触れる項目も、様式の「処理させる情報項目」に書きます）",
                )
                continue
            yield Problem(
                ctx.party(party),
                f"宣言されていない情報項目（{names}）を受け取ります",
                f"receives data items not declared for it: {', '.join(extra)}",
                "その項目を運ぶ手順の data を見直すか、当事者の data に加えてください",
            )
