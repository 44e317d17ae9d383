"""One list of everything that can produce a finding: requirements, rules, engine checks.

Used by ``piflow rules``, the SARIF writer's rule table and docs/rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from piflow.audit.rules import all_rules
from piflow.catalog import Catalog, default_catalog
from piflow.policy import Policy, default_policy


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    title: str
    title_en: str
    doc: str
    kind: str  # "policy" | "rule" | "engine" | "completeness"


STALE_ACCEPTANCE = RuleInfo(
    "A001", "stale-acceptance", "warning", "今は出ていない指摘の承認記録", "accepted finding that no longer occurs",
    "A001 stale-acceptance: an entry of `accepted:` whose key matches no current finding.\n\n"
    "何を調べるか: accepted に書かれたキーの指摘が、今の監査で出ていないこと。\n"
    "なぜ: 手順の変更や ID の変更で承認記録が宙に浮くと、別の問題を隠すおそれがあります。\n"
    "修正例: 記録を削除するか、piflow audit が表示する現在のキーに書き換えてください。",
    "engine",
)


STALE_EXCEPTION = RuleInfo(
    "A002", "stale-exception", "warning", "今は出ていない指摘の例外の記録", "exception for a finding that no longer occurs",
    "A002 stale-exception: an entry of `exceptions:` whose key matches no current finding.\n\n"
    "何を調べるか: exceptions に書かれたキーの指摘が、今の監査で出ていないこと。\n"
    "なぜ: 根拠と代わりの管理策を示した例外が、手順の変更や ID の変更で宙に浮くと、"
    "審議に出す資料に実在しない例外が残ります。\n"
    "修正例: 記録を削除するか、piflow audit が表示する現在のキーに書き換えてください。",
    "engine",
)


def requirement_doc(req, catalog: Catalog) -> str:
    cond = ", ".join(f"{k}={v}" for k, v in req.when.items()) or "(always)"
    needs = "\n".join(f"    - {catalog[m].label} ({m})" for m in req.requires)
    where = ", ".join(req.locations)
    return (
        f"{req.id} {req.name}: {req.title} ({req.title_en})\n\n"
        f"何を調べるか (What it does)\n    対象: {req.subject}  条件 (when): {cond}\n"
        f"    次の保護対策が宣言（または理由つきで「－」）されていること。宣言してよい場所 (where): {where}\n{needs}\n\n"
        f"なぜ (Why)\n    {req.why}\n    {req.why_en}\n\n"
        f"修正例 (Use instead)\n    measures に上の名称を書く。不要なら waivers に理由を書く。\n"
        f"    法令・条例等の根拠があって別の管理策で代える場合は、exceptions に根拠と管理策を書く。"
    )


def all_rule_infos(policy: Policy | None = None, catalog: Catalog | None = None) -> list[RuleInfo]:
    policy = policy or default_policy()
    catalog = catalog or default_catalog()
    infos = [RuleInfo(r.id, r.name, r.severity, r.title, r.title_en, requirement_doc(r, catalog), "policy")
             for r in policy]
    infos += [RuleInfo(r.code, r.name, r.severity, r.title, r.title_en, r.doc,
                       "completeness" if r.kind == "incomplete" else "rule") for r in all_rules()]
    infos += [STALE_ACCEPTANCE, STALE_EXCEPTION]
    return sorted(infos, key=lambda i: i.code)
