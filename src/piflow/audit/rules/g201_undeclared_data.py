"""G201 undeclared-data: a party ends up holding data it is not declared for.

何を調べるか (What it does)
    情報項目ごとに手順をたどり（何段でも）、各当事者が最終的に持つ項目と、その当事者の ``data:`` に宣言した項目（様式の「委託に伴い事業者に処理させる情報項目」）を比べます。
    Follows every data item over any number of steps (lineage) and compares what
    each party ends up holding with the items declared for it in ``data:``
    (the sheet's 「委託に伴い事業者に処理させる情報項目」).  The finding names the route of
    each such item (経路: the endpoints and the steps that bring it, networkx's shortest path).

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
from piflow.textnorm import circled
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
            routes = [(d, ctx.facts.route(d, party)) for d in extra]
            routes = [(d, hops) for d, hops in routes if hops]
            ja = "、".join(f"{ctx.flow.data_by_id[d].name}：{_route_ja(ctx, hops)}" for d, hops in routes)
            en = "; ".join(f"{d}: {_route_en(ctx, hops)}" for d, hops in routes)
            yield Problem(
                ctx.party(party),
                f"宣言されていない情報項目（{names}）を受け取ります" + (f"。経路は {ja}" if ja else ""),
                f"receives data items not declared for it: {', '.join(extra)}" + (f" (route {en})" if en else ""),
                "その項目を運ぶ手順の data を見直すか、当事者の data に加えてください",
            )


def _step_label(ctx, ref) -> str:
    """② within one figure; 資料23-2 ② when the flow has several."""
    own = circled(ref.step.number, ref.step.suffix)
    return f"{ref.scenario.tag} {own}" if len(ctx.flow.scenarios) > 1 else own


def _route_ja(ctx, hops) -> str:
    """区 → ② 委託先 → ③ 再委託先: each endpoint after the first with the step that brings the item
    (or 運用保守 where a vendor sees a system it maintains; nothing where staff see their own system)."""
    parts = [ctx.flow.endpoint_name(hops[0][0])]
    for (sender, _), (e, ref) in zip(hops, hops[1:]):
        how = _step_label(ctx, ref) if ref else "運用保守" if _maintains(ctx, e, sender) else ""
        parts.append(f"{how} {ctx.flow.endpoint_name(e)}" if how else ctx.flow.endpoint_name(e))
    return " → ".join(parts)


def _route_en(ctx, hops) -> str:
    parts = [hops[0][0]]
    for (sender, _), (e, ref) in zip(hops, hops[1:]):
        how = ref.step.id if ref else "maintains" if _maintains(ctx, e, sender) else ""
        parts.append(f"{how} {e}" if how else e)
    return " -> ".join(parts)


def _maintains(ctx, endpoint: str, system: str) -> bool:
    party = ctx.flow.party_by_id.get(endpoint)
    return party is not None and system in party.operates
