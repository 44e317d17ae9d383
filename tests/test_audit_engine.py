"""The audit engine, its facts and findings, on small flows written out here.

Complements tests/test_rules.py (one rule at a time): these pin what the engine does
around the rules — acceptances and exceptions next to findings they do not cover,
stale ones, positions, ordering, deduplication, the conditions of the policy — and the
facts the rules read (lineage, media received, activities, locations).  Written to kill
the mutants ``make mutate`` found surviving (docs/testing.md).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from piflow import exitcodes
from piflow.audit.declare import REGISTRY, Rule, rule
from piflow.audit.engine import audit, completeness
from piflow.audit.facts import FlowFacts, matches
from piflow.audit.finding import SEVERITY_RANK, Finding, Subject
from piflow.commands.common import threshold_hit
from piflow.loader import loads
from piflow.vocab import Medium, is_domestic

HEAD = textwrap.dedent("""\
    piflow: 1
    proposal: {title: テスト, section: テスト課, bases: [業務委託]}
    data:
      - {id: name, name: 氏名}
      - {id: care, name: 要介護度, class: 要配慮個人情報}
    """)

# Two steps, each missing the hand-over ledger (M103): two findings of one rule.
TWO_GAPS = HEAD + textwrap.dedent("""\
    parties:
      - {id: ward, name: 区, role: 区, data: [name]}
      - id: vendor
        name: 委託先
        role: 委託先
        measures: [特記事項等の遵守, 立入調査等及び状況報告, 責任者及び取扱者の報告, 区が作成した業務フローに基づく業務の履行,
                   鍵付キャビネット等での保管, 事故等への対応体制及び手順の整備, 事故発生時等の協議, 個人情報の返却]
    scenarios:
      - id: s
        tag: 資料1-1
        title: テスト
        steps:
          - {n: 1, id: give, from: ward, to: vendor, text: 提供, channel: 手渡し, medium: 紙, data: [name],
             measures: [鍵付きカバン等による運搬]}
          - {n: 2, id: back, from: vendor, to: ward, text: 返却, channel: 手渡し, medium: 紙, data: [name],
             measures: [鍵付きカバン等による運搬]}
    """)
GIVE, BACK = "M103@step:s/give:handover-ledger", "M103@step:s/back:handover-ledger"


def keys(findings, accepted=None):
    return sorted(f.key for f in findings if accepted is None or f.accepted is accepted)


def exit_code(findings, fail_on="error"):
    return exitcodes.FINDINGS if threshold_hit(findings, fail_on) else exitcodes.OK


def test_two_findings_of_one_rule_both_fail_the_run():
    found = audit(loads(TWO_GAPS, "f.yaml"))
    assert keys(found) == [BACK, GIVE]
    assert {f.severity for f in found} == {"error"}
    assert exit_code(found) == exitcodes.FINDINGS


def test_an_accepted_finding_next_to_an_unaccepted_one():
    text = TWO_GAPS + f"accepted:\n  - {{key: '{GIVE}', reason: 受領書で代える, by: 情報政策課, date: '2026-01-16'}}\n"
    found = audit(loads(text, "f.yaml"))
    assert keys(found, accepted=True) == [GIVE]
    assert keys(found, accepted=False) == [BACK]
    (given,) = [f for f in found if f.key == GIVE]
    assert (given.accepted_reason, given.accepted_by, given.accepted_date) == ("受領書で代える", "情報政策課", "2026-01-16")
    assert given.approved and not given.excepted
    assert not any(f.code == "A001" for f in found)
    assert exit_code(found) == exitcodes.FINDINGS  # the other one still fails the run
    everything = TWO_GAPS + (f"accepted:\n  - {{key: '{GIVE}', reason: r, by: b}}\n"
                             f"  - {{key: '{BACK}', reason: r, by: b}}\n")
    assert exit_code(audit(loads(everything, "f.yaml"))) == exitcodes.OK


def test_an_exception_next_to_a_finding_it_does_not_cover():
    text = TWO_GAPS + f"exceptions:\n  - {{key: '{BACK}', basis: 文書管理規程第12条, controls: [庁内便の記録]}}\n"
    found = audit(loads(text, "f.yaml"))
    assert keys(found, accepted=True) == [BACK]
    assert keys(found, accepted=False) == [GIVE]
    (back,) = [f for f in found if f.key == BACK]
    assert back.excepted and not back.approved and back.exception_controls == ("庁内便の記録",)
    assert not any(f.code == "A002" for f in found)
    assert exit_code(found) == exitcodes.FINDINGS


def test_stale_acceptance_and_exception_are_warnings_located_at_their_entry():
    text = TWO_GAPS + textwrap.dedent("""\
        accepted:
          - {key: 'G999@party:nobody', reason: r, by: b}
        exceptions:
          - {key: 'G998@party:nobody', basis: 規程第1条, controls: [c]}
        """)
    doc = loads(text, "f.yaml")
    found = audit(doc)
    (a001,) = [f for f in found if f.code == "A001"]
    (a002,) = [f for f in found if f.code == "A002"]
    assert (a001.severity, a002.severity) == ("warning", "warning")
    assert (a001.line, a001.column) == doc.where(("accepted", 0))
    assert (a002.line, a002.column) == doc.where(("exceptions", 0))
    assert "G999@party:nobody" in a001.message and "G998@party:nobody" in a002.message
    assert not a001.accepted and not a002.accepted
    assert exit_code(found, "warning") == exitcodes.FINDINGS


def test_findings_are_located_at_their_subject_and_sorted_by_it():
    doc = loads(TWO_GAPS, "f.yaml")
    found = audit(doc)
    give, back = found  # file order: step ① before step ②
    assert give.key == GIVE and back.key == BACK
    assert (give.line, give.column) == doc.where(("scenarios", 0, "steps", 0))
    assert (back.line, back.column) == doc.where(("scenarios", 0, "steps", 1))
    assert give.file == "f.yaml"
    from piflow.catalog import default_catalog

    assert give.checklist and give.checklist == default_catalog().source_labels("handover-ledger")
    assert audit(loads(TWO_GAPS, "f.yaml")) == found  # deterministic


def test_findings_sort_by_file_then_subject_then_severity_then_code():
    def finding(code, severity, order, file="a.yaml"):
        return Finding(code, severity, Subject("party", f"party:{order}", "x", (), (0, order)), "m", "m", file=file)

    unsorted = [finding("G2", "warning", 1), finding("G1", "error", 1), finding("G3", "error", 0),
                finding("G0", "error", 0, file="b.yaml")]
    ordered = sorted(unsorted, key=Finding.sort_key)
    assert [f.code for f in ordered] == ["G3", "G1", "G2", "G0"]
    assert SEVERITY_RANK["error"] < SEVERITY_RANK["warning"] < SEVERITY_RANK["info"]


def test_finding_keys_carry_measure_and_detail():
    subject = Subject("step", "step:s/a", "x")
    assert Finding("M1", "error", subject, "m", "m", measure="return").key == "M1@step:s/a:return"
    assert Finding("G2", "error", subject, "m", "m", detail="name,care").key == "G2@step:s/a#name,care"
    plain = Finding("G2", "error", subject, "m", "m")
    assert plain.key == "G2@step:s/a" and not plain.accepted and not plain.incomplete


def test_threshold_counts_only_unaccepted_findings_at_or_above_the_level():
    subject = Subject("flow", "flow", "x")
    warning = Finding("G1", "warning", subject, "m", "m")
    accepted_error = Finding("G2", "error", subject, "m", "m", accepted_reason="r")
    assert not threshold_hit([warning, accepted_error], "error")
    assert threshold_hit([warning], "warning")
    assert threshold_hit([Finding("G3", "info", subject, "m", "m")], "info")
    assert not threshold_hit([Finding("G3", "info", subject, "m", "m")], "warning")


def test_incomplete_findings_come_from_completeness_only():
    text = TWO_GAPS.replace("title: テスト, section", "title: ○○事業, section")
    doc = loads(text, "f.yaml")
    violations = audit(doc)
    assert not any(f.incomplete for f in violations)
    incomplete = completeness(doc, violations)
    assert incomplete and all(f.incomplete and f.kind == "incomplete" for f in incomplete)
    assert "C302@text:proposal.title" in keys(incomplete)


def test_a_rule_registers_once_and_keeps_its_declaration():
    rules = {code: r for code, r in REGISTRY.items()}
    assert isinstance(rules["G230"], Rule) and rules["G230"].severity == "error" and rules["G230"].kind == "violation"
    assert rules["C301"].kind == "incomplete"
    assert rules["G206"].checklist and rules["G206"].doc.startswith("G206")
    with pytest.raises(RuntimeError, match="G230"):
        rule(code="G230", name="again", severity="error", title="t", title_en="t")(lambda ctx: ())


# --- policy conditions --------------------------------------------------------------------------------


@pytest.mark.parametrize(("conditions", "facts", "expected"), [
    ((("cross_party", True),), {"cross_party": True}, True),
    ((("cross_party", True),), {"cross_party": False}, False),
    ((("involves_subject", False),), {"involves_subject": False}, True),
    ((("involves_subject", False),), {"involves_subject": True}, False),
    ((("channel", frozenset({"郵送"})),), {"channel": {"郵送", "窓口"}}, True),
    ((("channel", frozenset({"郵送"})),), {"channel": {"窓口"}}, False),
    ((("medium", frozenset({"紙"})),), {"medium": "紙"}, True),
    ((("medium", frozenset({"紙"})),), {"medium": None}, False),
    ((("medium", frozenset({"紙"})), ("cross_party", True)), {"medium": "紙", "cross_party": False}, False),
    ((), {}, True),
])
def test_conditions_match_facts(conditions, facts, expected):
    assert matches(conditions, facts) is expected


# --- facts --------------------------------------------------------------------------------------------

LINEAGE = HEAD + textwrap.dedent("""\
    parties:
      - {id: ward, name: 区, role: 区, data: [name, care], systems: [{id: sys, name: 業務システム, data: [name, care]}]}
      - {id: vendor, name: 委託先, role: 委託先, operates: [sys], systems: [{id: pc, name: PC}]}
      - {id: sub, name: 再委託先, role: 再委託先, contractor: vendor, consent: true, location: シンガポール}
      - {id: cloud, name: クラウド, role: 結合先, cloud: Box, location: 国内, systems: [{id: box, name: 保存領域, location: 米国}]}
      - {id: idle, name: 待機, role: 委託先}
    scenarios:
      - id: s
        tag: t
        title: t
        steps:
          - {n: 1, from: ward, to: pc, text: 提供, channel: 手渡し, medium: 電磁的媒体, data: [name]}
          - {n: 2, from: pc, to: sub, text: 再委託, channel: LGWAN, data: [name]}
          - {n: 3, from: sys, to: box, text: 保存, channel: LGWAN}
    """)


@pytest.fixture(scope="module")
def facts():
    return FlowFacts(loads(LINEAGE, "f.yaml"))


def party(facts, pid):
    return facts.flow.party_by_id[pid]


def test_lineage_over_several_hops(facts):
    assert facts.party_holdings(party(facts, "sub")) == {"name"}  # ward → vendor's PC → sub
    assert facts.party_holdings(party(facts, "cloud")) == {"name", "care"}  # a step without data carries all
    assert facts.party_holdings(party(facts, "vendor")) == {"name", "care"}  # it operates the ward's system
    assert facts.party_holdings(party(facts, "idle")) == set()


def test_incoming_and_media_received(facts):
    assert [r.step.n for r in facts.incoming(party(facts, "vendor"))] == ["1"]
    assert facts.received_media(party(facts, "vendor")) == {Medium.REMOVABLE, Medium.ELECTRONIC}  # operates: electronic
    assert facts.received_media(party(facts, "sub")) == {Medium.ELECTRONIC}  # a step without medium is electronic
    assert facts.received_media(party(facts, "idle")) == set()


def test_activities_say_what_a_party_does(facts):
    assert facts.activities(party(facts, "vendor")) == ("receives", "maintains", "stores")  # its PC keeps it
    assert facts.activities(party(facts, "cloud")) == ("receives", "stores")
    assert facts.activities(party(facts, "sub")) == ("receives",)
    assert facts.activities(party(facts, "idle")) == ()
    assert facts.activities(party(facts, "ward")) == ("stores",)


def test_locations_abroad(facts):
    abroad = [(p.id, h.id, place) for p, h, place in facts.abroad]
    assert abroad == [("sub", "sub", "シンガポール"), ("cloud", "box", "米国")]
    box = facts.flow.system_by_id["box"]
    pc = facts.flow.system_by_id["pc"]
    assert facts.location_of(box) == "米国"
    assert facts.location_of(pc) is None
    assert facts.location_of(party(facts, "cloud")) == "国内"


@pytest.mark.parametrize(("place", "domestic"), [
    ("国内", True), ("日本", True), ("日本国内", True), ("東京都", True), ("AWS 東京リージョン", True), ("大阪府", True),
    ("Japan", True), ("シンガポール", False), ("米国", False), ("日本国外", False), ("国外（日本法準拠）", False),
    ("海外", False), ("EU", False),
])
def test_is_domestic(place, domestic):
    assert is_domestic(place) is domestic


def test_sensitive_classes_of_a_step_are_the_items_it_carries(facts):
    refs = {r.step.n: r for r in facts.steps}
    assert facts.data_classes(refs["1"]) == {"通常"}
    assert facts.data_classes(refs["3"]) == {"通常", "要配慮個人情報"}
    assert facts.cross_party(refs["3"]) and facts.carried(refs["3"]) == frozenset({"name", "care"})


# --- completeness: where a blank checklist item is reported -------------------------------------------

PROPOSALS = Path(__file__).parents[1] / "docs" / "proposals"


def _data_entry_without_periodic_check() -> str:
    """Proposal 05 with 取扱う個人情報の定期的な確認 neither declared nor waived by anyone."""
    text = (PROPOSALS / "05-itaku-nyuuryoku.yaml").read_text(encoding="utf-8")
    return text.replace("取扱う個人情報の定期的な確認, ", "")


def test_a_blank_item_of_a_partners_form_is_located_at_the_partner():
    doc = loads(_data_entry_without_periodic_check(), "f.yaml")
    blanks = [f for f in completeness(doc, audit(doc)) if f.code == "C301"]
    assert sorted(f.subject.key for f in blanks) == [
        "checklist:5/center/partner", "checklist:5/center/ward", "checklist:5/vendor/partner", "checklist:5/vendor/ward"]
    index = {p.id: i for i, p in enumerate(doc.flow.parties)}
    for f in blanks:
        partner = doc.flow.party_by_id[f.subject.key.split("/")[1]]
        assert (f.line, f.column) == doc.where(("parties", index[partner.id]))
        assert f"（{partner.name}）" in f.subject.label
        assert f.subject.order[:3] == (2, 5, index[partner.id])
        assert f.severity == "info" and f.incomplete
        assert f.checklist and f.checklist[0].startswith("チェックリスト")
        assert "が未記入です" in f.message and f.detail in f.key


def test_a_blank_item_of_an_internal_secondary_use_is_located_at_the_using_section():
    """目的外利用 inside the ward: the section that receives the data is the form's counterparty."""
    text = (PROPOSALS / "01-mokutekigai-youengo.yaml").read_text(encoding="utf-8")
    text = text.replace("    waivers:\n      実地調査: 区の内部での利用であり、利用課の取扱いは情報セキュリティ監査で確認するため\n", "")
    doc = loads(text, "f.yaml")
    (blank,) = [f for f in completeness(doc, audit(doc)) if f.code == "C301"]
    assert blank.subject.key == "checklist:1/kikikanri/ward" and blank.key.endswith("#運用上の対策-4")
    index = [p.id for p in doc.flow.parties].index("kikikanri")
    assert (blank.line, blank.column) == doc.where(("parties", index))
    assert blank.subject.order[:3] == (2, 1, index)
    assert "実地調査" in blank.fix


# --- ordering and positions the writers rely on ---------------------------------------------------------


def test_severity_words_and_defaults():
    from piflow.audit.finding import SEVERITY_JA

    assert SEVERITY_JA == {"error": "エラー", "warning": "警告", "info": "情報"}
    assert SEVERITY_RANK == {"error": 0, "warning": 1, "info": 2}
    plain = Finding("G1", "error", Subject("flow", "flow", "x"), "m", "m")
    assert (plain.line, plain.column, plain.file, plain.kind) == (1, 1, "", "violation")


def test_sort_uses_the_subjects_order_before_its_key_and_the_measure_last():
    def finding(key, order, measure=None):
        return Finding("M1", "error", Subject("step", key, "x", (), order), "m", "m", measure=measure)

    later, earlier = finding("step:a", (1, 0, 2)), finding("step:b", (1, 0, 1))
    assert sorted([later, earlier], key=Finding.sort_key) == [earlier, later]
    b, a = finding("step:a", (1, 0, 1), "b"), finding("step:a", (1, 0, 1), "a")
    assert sorted([b, a], key=Finding.sort_key) == [a, b]


def test_stale_entries_are_listed_in_file_order():
    text = TWO_GAPS.replace("medium: 紙, data: [name],\n         measures: [鍵付きカバン等による運搬]}",
                            "medium: 紙, data: [name],\n         measures: [鍵付きカバン等による運搬, 受渡し時の管理簿への記載]}")
    text += textwrap.dedent("""\
        accepted:
          - {key: 'Z1@party:x', reason: r, by: b}
          - {key: 'A1@party:x', reason: r, by: b}
        exceptions:
          - {key: 'Z2@party:x', basis: 規程第1条, controls: [c]}
          - {key: 'A2@party:x', basis: 規程第1条, controls: [c]}
        """)
    doc = loads(text, "f.yaml")
    stale = [f for f in audit(doc) if f.code in ("A001", "A002")]
    assert [f.subject.key for f in stale] == ["accepted:Z1@party:x", "accepted:A1@party:x",
                                              "exception:Z2@party:x", "exception:A2@party:x"]
    assert [(f.line, f.column) for f in stale] == [doc.where(p) for p in
                                                   (("accepted", 0), ("accepted", 1), ("exceptions", 0), ("exceptions", 1))]


TWO_SCENARIOS = HEAD + textwrap.dedent("""\
    parties:
      - {id: subjects, name: 対象者, role: 対象者, data: [name, care]}
      - {id: ward, name: 区, role: 区}
      - id: vendor
        name: 委託先
        role: 委託先
        zone: LGWAN接続系
        systems: [{id: zb, name: 保存先B, location: 米国}, {id: za, name: 保存先A, location: 米国}]
    scenarios:
      - id: z
        tag: t
        title: t
        steps:
          - {n: 1, id: q, from: subjects, to: ward, text: 申請, channel: 窓口, medium: 紙}
          - {n: 2, id: r, from: ward, to: zb, text: 保存, channel: LGWAN, data: [name]}
      - id: a
        tag: t
        title: t
        steps:
          - {n: 1, id: p, from: ward, to: za, text: 保存, channel: LGWAN, data: [care]}
    """)


def test_findings_follow_the_file_not_the_keys():
    doc = loads(TWO_SCENARIOS, "f.yaml")
    found = audit(doc)
    steps = [f.subject.key for f in found if f.code == "M101" and f.measure == "comm-encryption"]
    assert steps == ["step:z/r", "step:a/p"]  # scenario z is first in the file
    systems = [f for f in found if f.code == "G241"]
    assert [f.subject.key for f in systems] == ["system:zb", "system:za"]
    assert [(f.line, f.column) for f in systems] == [doc.where(("parties", 2, "systems", j)) for j in (0, 1)]
    g210 = [f for f in found if f.code == "G210"]
    assert g210 and all((f.line, f.column) == doc.where(("parties", 2)) for f in g210)
    assert g210[0].subject.path == ("parties", 2) and g210[0].subject.order == (0, 2)


def test_each_scenario_step_has_its_own_facts():
    facts = FlowFacts(loads(TWO_SCENARIOS, "f.yaml"))
    by_key = {r.key: r for r in facts.steps}
    assert facts.data_classes(by_key["step:z/r"]) == {"通常"}
    assert facts.data_classes(by_key["step:a/p"]) == {"要配慮個人情報"}  # same position, other scenario
    assert facts.step_facts(by_key["step:a/p"])["data_class"] == {"要配慮個人情報"}
    step = facts.step_facts(by_key["step:z/r"])
    assert (step["from_role"], step["to_role"]) == ({"区"}, {"委託先"})
    assert step["channel"] == {"LGWAN"} and step["channel_class"] == {"network"} and step["cross_party"]
    assert step["basis"] == {"業務委託"} and step["medium"] is None and step["carries_data"]
    assert not step["involves_subject"] and facts.step_facts(by_key["step:z/q"])["involves_subject"]
    assert facts.step_facts(by_key["step:z/q"])["medium"] == "紙"
    assert by_key["step:a/p"].path == ("scenarios", 1, "steps", 0)


def test_a_data_subject_is_where_its_data_comes_from():
    facts = FlowFacts(loads(TWO_SCENARIOS, "f.yaml"))
    ward = facts.flow.party_by_id["ward"]
    assert facts.party_holdings(ward) == {"name", "care"}  # ① carries no data list: all the subjects hold
    vendor = facts.flow.party_by_id["vendor"]
    assert facts.party_facts(vendor)["zone"] == "LGWAN接続系"
    assert facts.party_facts(vendor)["role"] == {"委託先"} and facts.party_facts(vendor)["receives_data"]
    assert facts.party_facts(vendor)["basis"] == {"業務委託"} and facts.party_facts(vendor)["holds_data"]
    assert not facts.party_facts(vendor)["has_subcontractor"] and not facts.party_facts(vendor)["operates_systems"]
    assert not facts.party_facts(vendor)["connected_or_cloud"] and facts.party_facts(ward)["zone"] is None


def test_placeholders_come_first_in_file_order():
    text = TWO_GAPS.replace("title: テスト, section", "title: ○○事業, section").replace("name: 委託先", "name: ○○株式会社")
    doc = loads(text, "f.yaml")
    placeholders = [f for f in completeness(doc, audit(doc)) if f.code == "C302"]
    assert [f.subject.key for f in placeholders] == ["text:proposal.title", "text:parties[1].name"]
    everything = sorted(completeness(doc, audit(doc)) + audit(doc), key=Finding.sort_key)
    assert everything[0].code == "C302" and everything[0].subject.order[0] == -2


def test_measures_on_a_partners_system_count_for_the_partner():
    text = HEAD + textwrap.dedent("""\
        parties:
          - {id: ward, name: 区, role: 区, data: [name]}
          - {id: vendor, name: 委託先, role: 委託先, systems: [{id: pc, name: PC, measures: [ウイルス対策]}]}
          - {id: bare, name: 何もない委託先, role: 委託先}
        scenarios:
          - {id: s, tag: t, title: t, steps: [{n: 1, from: ward, to: pc, text: 提供, channel: LGWAN, data: [name]}]}
        """)
    doc = loads(text, "f.yaml")
    assert [f.key for f in completeness(doc, audit(doc)) if f.code == "C303"] == ["C303@party:bare"]


def test_a_finding_names_the_checklist_items_behind_it():
    doc = loads((PROPOSALS / "02-gaibu-teikyou-meibo.defects.yaml").read_text(encoding="utf-8"), "f.yaml")
    by_key = {f.key: f for f in audit(doc)}
    assert by_key["G206@party:minsei"].checklist == ("チェックリスト2 運用上の対策 2", "チェックリスト2 運用上の対策 3")
    # the item of the form this party gets (外部提供: checklist 2), not every form that names the measure
    assert by_key["M115@party:choukai:written-agreement"].checklist == ("チェックリスト2 運用上の対策 2",)


def test_declared_rules_cannot_be_changed_at_run_time():
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        REGISTRY["G230"].severity = "warning"
    assert len({REGISTRY["G230"], REGISTRY["G230"]}) == 1  # hashable, as a frozen declaration is


def test_what_a_rule_yields_is_frozen():
    from dataclasses import FrozenInstanceError

    from piflow.audit.context import Problem

    problem = Problem(Subject("flow", "flow", "x"), "m", "m")
    with pytest.raises(FrozenInstanceError):
        problem.message = "other"


def test_stale_entries_have_their_own_path_and_place_before_the_flow():
    text = TWO_GAPS + ("accepted:\n  - {key: 'G999@party:x', reason: r, by: b}\n"
                       "exceptions:\n  - {key: 'G998@party:x', basis: 規程第1条, controls: [c]}\n")
    stale = {f.code: f for f in audit(loads(text, "f.yaml")) if f.code in ("A001", "A002")}
    assert (stale["A001"].subject.path, stale["A001"].subject.order) == (("accepted", 0), (-1, 0))
    assert (stale["A002"].subject.path, stale["A002"].subject.order) == (("exceptions", 0), (-1, 1, 0))


def test_a_step_subject_sorts_between_parties_and_checklists():
    (give, _) = audit(loads(TWO_GAPS, "f.yaml"))
    assert give.subject.order == (1, 0, (1, "")) and give.subject.path == ("scenarios", 0, "steps", 0)


@pytest.mark.parametrize("role", ["対象者", "その他", "他の行政機関等"])
def test_data_held_by_a_subject_or_another_body_flows_to_the_ward(role):
    text = HEAD + textwrap.dedent(f"""\
        parties:
          - {{id: origin, name: 出どころ, role: {role}, data: [name]}}
          - {{id: ward, name: 区, role: 区}}
        scenarios:
          - {{id: s, tag: t, title: t, steps: [{{n: 1, from: origin, to: ward, text: 提出, channel: 郵送, medium: 紙}}]}}
        """)
    facts = FlowFacts(loads(text, "f.yaml"))
    assert facts.party_holdings(facts.flow.party_by_id["ward"]) == {"name"}


def test_a_step_that_names_an_item_puts_it_at_the_sender_too():
    text = HEAD + textwrap.dedent("""\
        parties:
          - {id: ward, name: 区, role: 区}
          - {id: vendor, name: 委託先, role: 委託先}
        scenarios:
          - {id: s, tag: t, title: t, steps: [{n: 1, from: vendor, to: ward, text: 報告, channel: LGWAN, data: [care]}]}
        """)
    facts = FlowFacts(loads(text, "f.yaml"))
    assert facts.party_holdings(facts.flow.party_by_id["vendor"]) == {"care"}
    assert facts.party_holdings(facts.flow.party_by_id["ward"]) == {"care"}


def test_what_a_step_carries_is_kept_per_scenario():
    facts = FlowFacts(loads(TWO_SCENARIOS, "f.yaml"))
    by_key = {r.key: r for r in facts.steps}
    # z/q and a/p are both the first step of their scenario: asked in this order, neither takes the other's
    assert facts.data_classes(by_key["step:z/q"]) == {"通常", "要配慮個人情報"}
    assert facts.data_classes(by_key["step:a/p"]) == {"要配慮個人情報"}
    assert facts.carried(by_key["step:z/q"]) == frozenset({"name", "care"})


def test_measures_of_a_step_depend_on_where_they_are_looked_for():
    facts = FlowFacts(loads(TWO_GAPS, "f.yaml"))
    give = facts.steps[0]
    assert set(facts.step_measures(give, ("step",))) == {"locked-bag"}
    both = facts.step_measures(give, ("step", "receiver"))
    assert {"locked-bag", "special-terms", "return"} <= set(both)
    assert "special-terms" not in facts.step_measures(give, ("step",))


def test_system_and_flow_subjects_have_their_place_in_the_sort():
    from piflow.audit.context import Context
    from piflow.catalog import default_catalog

    doc = loads(TWO_SCENARIOS, "f.yaml")
    ctx = Context(doc, default_catalog())
    za = doc.flow.system_by_id["za"]
    assert ctx.system(za).order == (0, 2, 1) and ctx.system(za).path == ("parties", 2, "systems", 1)
    assert ctx.whole_flow() == Subject("flow", "flow", "テスト", ("proposal",), (-1,))
    assert ctx.party(doc.flow.party_by_id["vendor"]).order == (0, 2)


def test_conditions_on_frozen_fact_sets():
    assert matches((("to_role", frozenset({"委託先"})),), {"to_role": frozenset({"委託先", "結合先"})})
    assert not matches((("basis", frozenset({"外部提供"})),), {"basis": frozenset({"業務委託"})})


def test_findings_and_subjects_are_frozen_and_compare_without_the_rule_name():
    from dataclasses import FrozenInstanceError, replace

    subject = Subject("flow", "flow", "x")
    finding = Finding("G1", "error", subject, "m", "m", rule_name="one")
    with pytest.raises(FrozenInstanceError):
        subject.key = "other"
    with pytest.raises(FrozenInstanceError):
        finding.severity = "warning"
    assert replace(finding, rule_name="another") == finding
    assert len({finding, replace(finding, rule_name="another")}) == 1


def test_sort_ties_fall_to_key_then_severity_then_code():
    def finding(key, severity="error", code="G1"):
        return Finding(code, severity, Subject("party", key, "x", (), (0, 0)), "m", "m")

    assert [f.subject.key for f in sorted([finding("party:b"), finding("party:a")], key=Finding.sort_key)] == [
        "party:a", "party:b"]
    assert [f.severity for f in sorted([finding("party:a", "warning"), finding("party:a")], key=Finding.sort_key)] == [
        "error", "warning"]
    assert [f.code for f in sorted([finding("party:a", code="G2"), finding("party:a")], key=Finding.sort_key)] == [
        "G1", "G2"]


def test_a_stale_entry_suggests_the_key_of_the_same_rule_it_likely_meant():
    """An exception written for the party when the finding is on its system (G241@party:x vs @system:x_api)."""
    text = TWO_GAPS + ("exceptions:\n  - {key: 'M103@step:s/gives:handover-ledger', basis: 規程第1条, controls: [記録]}\n"
                       "accepted:\n  - {key: 'G999@party:nobody', reason: 理由, by: 課, date: '2026-01-16'}\n")
    found = {f.code: f for f in audit(loads(text, "f.yaml")) if f.code in ("A001", "A002")}
    assert f"キーを「{GIVE}」に直すか、exceptions から削除してください" in found["A002"].fix
    assert found["A001"].fix.startswith("accepted から削除してください")  # no finding of that rule: nothing to suggest


@pytest.mark.parametrize("steps, ja, en", [
    ("      - {n: 1, id: give, from: ward, to: vendor, text: 提供, channel: LGWAN, data: [name]}\n",
     "「委託先」は個人情報を受け取り、保管しますが、保護対策が一つも書かれていません",
     "委託先 receives personal data, stores it but declares no measure"),
    ("      - {n: 1, id: none, from: ward, to: ward, text: 確認}\n",
     "保護対策が一つも書かれていません", "no measure is declared for this party or its systems"),
])
def test_a_party_without_measures_is_told_in_both_languages_what_it_does(steps, ja, en):
    text = HEAD + textwrap.dedent("""\
        parties:
          - {id: ward, name: 区, role: 区, data: [name]}
          - {id: vendor, name: 委託先, role: 委託先}
        scenarios:
          - id: s
            tag: 資料1-1
            title: テスト
            steps:
        """) + steps
    doc = loads(text, "f.yaml")
    c303 = next(f for f in completeness(doc, audit(doc)) if f.code == "C303")
    assert (c303.message, c303.message_en) == (ja, en)
    assert c303.fix == "講じる保護対策を measures に書くか、不要なものを waivers に理由つきで書いてください"
