"""Checklist items as parts with conditions, the forms each basis and role gets, and waiver scope (issue #22).

Small flows written here, each showing one rule: which forms a party gets, what a cell
prints and why (its status), that the audit's requirements read the same conditions,
and whose waiver counts on which side of a form.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piflow.audit.conditions import TESTS
from piflow.audit.engine import audit, completeness
from piflow.checklist import BLANK_MARK, applicable, applicable_with_gaps, fill, measure_uses
from piflow.checklist_forms import checklist_data, condition_texts
from piflow.diagnostics import InputError
from piflow.loader import loads
from piflow.vocab import Basis, Role

SYSTEM = ["restrict-peers", "network-control", "comm-encryption", "attack-defense", "antivirus", "pattern-update",
          "authentication", "access-control", "file-password", "monitoring", "access-log", "redundancy", "backup",
          "entry-control", "domestic-law"]
PARTNER_OPS = ["special-terms", "inspection", "handler-report", "business-flow", "periodic-check", "incident-system",
               "incident-consult", "data-encryption", "erasure"]


def flow(bases, parties, steps=(), data=("name",), ward_waivers=None, ward_measures=None):
    doc = {
        "piflow": 1,
        "proposal": {"title": "テスト", "section": "テスト課", "bases": list(bases)},
        "data": [{"id": d, "name": d} for d in data],
        "parties": [{"id": "ward", "name": "区", "role": "区", "data": list(data),
                     **({"waivers": ward_waivers} if ward_waivers else {}),
                     **({"checklist_measures": ward_measures} if ward_measures else {})}, *parties],
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": i + 1, "id": f"s{i}", "text": "受渡し", **s} for i, s in enumerate(steps)]}] if steps else [],
    }
    return loads(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "test.yaml")


def filled(doc, municipality=None):
    return fill(doc, audit(doc), municipality)


def cell(forms, number, side, partner, section, index):
    form = next(f for f in forms if f.number == number and f.side == side and f.partner_id == partner)
    return next(s for s in form.sections if s.name.startswith(section)).items[index - 1]


def online(to="vendor", **extra):
    return {"from": "ward", "to": to, "channel": "LGWAN", "data": ["name"], **extra}


# --- which forms each basis and role gets ------------------------------------------------------

def test_every_condition_in_the_data_has_a_test_and_back():
    assert set(condition_texts()) == set(TESTS)
    for name, c in condition_texts().items():
        # A reason that states what the partner does instead names conditions the tool knows, and the other reason.
        assert set(c.get("reason_if", ())) <= set(TESTS) and bool(c.get("reason_if")) == bool(c.get("reason_else")), name
    used = {p["when"] for c in checklist_data().values() for f in c["forms"] for s in f["sections"]
            for i in s["items"] for p in i["parts"] if p["when"]}
    assert used <= set(TESTS) and {"cloud", "subcontractor", "physical"} <= used


def _forms(bases, role, medium=None, **party):
    step = online(to="p") if medium is None else {"from": "ward", "to": "p", "channel": "手渡し", "medium": medium,
                                                  "data": ["name"]}
    doc = flow(bases, [{"id": "p", "name": "相手", "role": role, **party}], [step])
    return [n for n, _ in applicable(doc)]


def test_forms_each_basis_and_role_gets():
    assert _forms(["目的外利用"], "他の行政機関等") == [1]
    assert _forms(["外部提供"], "他の行政機関等") == [2]
    assert _forms(["外部提供"], "提供先") == [2]          # a body that is not public: still checklist 2
    assert _forms(["外部提供"], "金融機関") == [2]
    assert _forms(["電算処理"], "委託先") == [3]
    assert _forms(["外部結合"], "結合先") == [4]
    assert _forms(["業務委託"], "委託先") == [5]
    assert _forms(["業務委託"], "収納代行") == [5]        # collects on the ward's behalf: a contractor's form
    assert _forms(["業務委託"], "委託先", "紙") == [6]     # paper only: 5 -> 6
    assert _forms(["指定管理"], "指定管理者") == [7]
    assert _forms(["指定管理"], "指定管理者", "紙") == [8]  # paper only: 7 -> 8
    assert _forms(["業務委託"], "委託先", "紙", systems=[{"id": "pc", "name": "PC", "kind": "PC"}]) == [5]


def test_checklists_1_and_2_only_for_a_recipient():
    # 外部提供 to a contractor is no provision form: no form for a party that does not play the role.
    forms, gaps = applicable_with_gaps(flow(["外部提供"], [{"id": "p", "name": "委託先", "role": "委託先"}],
                                            [online(to="p")]))
    assert forms == [] and gaps[0].number == 2 and Role.PUBLIC_BODY in gaps[0].roles


def test_missing_counterparty_is_a_finding_and_no_form():
    doc = flow(["業務委託", "指定管理"], [{"id": "m", "name": "指定管理者", "role": "指定管理者"}],
               [online(to="m")])
    assert [(n, p.id) for n, p in applicable(doc)] == [(7, "m")]  # the manager's own form is kept
    keys = [f.key for f in completeness(doc, audit(doc))]
    assert "C301@checklist:5/-#counterparty" in keys
    gap = next(f for f in completeness(doc, audit(doc)) if f.key == "C301@checklist:5/-#counterparty")
    assert "業務委託" in gap.message and "委託先" in gap.message and gap.line > 0


# --- marks and statuses ------------------------------------------------------------------------

def _vendor(**extra):
    return {"id": "vendor", "name": "委託先", "role": "委託先",
            "checklist_measures": [*PARTNER_OPS, *SYSTEM], **extra}


def test_a_condition_that_does_not_hold_prints_its_reason_not_a_blank():
    forms = filled(flow(["業務委託"], [_vendor()], [online()]))
    bag = cell(forms, 5, "partner", "vendor", "運用", 8)
    assert (bag.mark, bag.status) == ("－（電子データのみの取扱いのため）", "inapplicable")
    sub = cell(forms, 5, "partner", "vendor", "運用", 3)
    assert (sub.mark, sub.status) == ("－（再委託を行わないため）", "inapplicable")


# The papers' reasons say what the partner does instead (「電子データのみ」, 「紙のみ」): printed only
# where the flow says so; else the reason says only what the flow does not have.
PAPER_ITEMS = {"physical": ("運用", 8), "electronic": ("運用", 7)}  # form 5, partner side: locked-bag, data-encryption
PEOPLE = {"id": "people", "name": "住民", "role": "対象者"}
APPLY = {"from": "people", "to": "ward", "channel": "窓口", "medium": "紙", "data": ["name"]}  # not the vendor's


def _reason(forms, condition):
    section, index = PAPER_ITEMS[condition]
    return cell(forms, 5, "partner", "vendor", section, index).mark


def test_the_papers_reasons_only_where_the_flow_says_so():
    bare = {"id": "vendor", "name": "委託先", "role": "委託先", "checklist_measures": ["special-terms"]}
    electronic_only = filled(flow(["業務委託"], [bare], [online()]))
    assert _reason(electronic_only, "physical") == "－（電子データのみの取扱いのため）"
    # Sends paper only (receiving none, it keeps form 5, whose items include electronic ones).
    paper = filled(flow(["業務委託"], [bare], [{"from": "vendor", "to": "ward", "channel": "郵送", "medium": "紙",
                                                "data": ["name"]}]))
    assert _reason(paper, "electronic") == "－（紙のみの取扱いのため）"
    # Declared to handle personal data, exchanging none in any figure (資料23's 再委託先): electronic only.
    holds_data = filled(flow(["業務委託"], [dict(bare, data=["name"]), PEOPLE], [APPLY]))
    assert _reason(holds_data, "physical") == "－（電子データのみの取扱いのため）"
    assert _reason(holds_data, "electronic") == "－（電子データの受渡しがないため）"
    # Nothing declared, nothing exchanged: neither 「紙のみ」 nor 「電子データのみ」 (both were printed before).
    nothing = filled(flow(["業務委託"], [bare, PEOPLE], [APPLY]))
    assert _reason(nothing, "physical") == "－（紙又は電磁的媒体の受渡しがないため）"
    assert _reason(nothing, "electronic") == "－（電子データの受渡しがないため）"


def test_the_handles_condition():
    from piflow.audit.conditions import holds
    from piflow.audit.facts import FlowFacts

    def handles(party, steps=(APPLY,)):
        doc = flow(["業務委託"], [{"id": "vendor", "name": "委託先", "role": "委託先", **party}, PEOPLE], steps)
        return holds(FlowFacts(doc), "handles", next(p for p in doc.flow.parties if p.id == "vendor"))

    assert not handles({})
    assert handles({"data": ["name"]})
    assert handles({}, [online()])
    assert handles({"systems": [{"id": "sys", "name": "システム"}]})


def test_subcontractor_condition_holds_with_a_subcontractor():
    doc = flow(["業務委託", "再委託"], [_vendor(), {"id": "sub", "name": "再委託先", "role": "再委託先",
                                                  "contractor": "vendor", "consent": True}], [online()])
    forms = filled(doc)
    assert cell(forms, 5, "partner", "vendor", "運用", 3).status == "missing"  # M111: required, not declared
    assert "M111@party:vendor:subcontract-inspection" in {f.key for f in audit(doc)}


def test_declared_part_with_waived_part_prints_circle_and_names_the_waiver():
    vendor = _vendor(waivers={"redundancy": "単一構成で業務停止が許容されるため"})
    vendor["checklist_measures"] = [m for m in vendor["checklist_measures"] if m != "redundancy"]
    c = cell(filled(flow(["業務委託"], [vendor], [online()])), 5, "partner", "vendor", "システム", 9)
    assert (c.mark, c.status) == ("○", "done")
    assert "単一構成で業務停止が許容されるため" in c.note and "サーバ冗長化" in c.note


def test_cloud_part_only_with_a_cloud():
    linked = {"id": "link", "name": "広域連合", "role": "結合先",
              "checklist_measures": ["law-compliance", "inspection", "erasure", "incident-system", "incident-consult",
                                     *SYSTEM]}
    doc = flow(["外部結合"], [linked], [online(to="link")])
    first = cell(filled(doc), 4, "partner", "link", "運用", 1)
    assert (first.mark, first.status) == ("○", "done") and "クラウドサービスを利用しないため" in first.note
    assert not [f for f in audit(doc) if f.measure == "cloud-guideline"]
    cloud = flow(["外部結合"], [dict(linked, cloud="Box")], [online(to="link")])
    assert cell(filled(cloud), 4, "partner", "link", "運用", 1).status == "missing"
    assert "M113@party:link:cloud-guideline" in {f.key for f in audit(cloud)}


def test_blank_item_is_marked_unanswered():
    c = cell(filled(flow(["業務委託"], [{"id": "vendor", "name": "委託先", "role": "委託先", "measures": ["special-terms"]}],
                         [online()])), 5, "partner", "vendor", "運用", 6)
    assert (c.mark, c.status) == (BLANK_MARK, "blank")  # printed 「（未記入）」, never a silent empty cell


def test_reason_ending_in_a_bracket_keeps_it():
    vendor = _vendor(waivers={"periodic-check": "（年1回の監査で代える（契約書第5条））"})
    vendor["checklist_measures"] = [m for m in vendor["checklist_measures"] if m != "periodic-check"]
    c = cell(filled(flow(["業務委託"], [vendor], [online()])), 5, "partner", "vendor", "運用", 6)
    assert c.mark == "－（年1回の監査で代える（契約書第5条））"


# --- waiver scope ------------------------------------------------------------------------------

def _with_ward(parties_doc, ward_waivers, extra=None, ward_systems=()):
    a = {"id": "a", "name": "委託先A", "role": "委託先", "checklist_measures": [*PARTNER_OPS, *SYSTEM], **(extra or {})}
    b = {"id": "b", "name": "委託先B", "role": "委託先", "checklist_measures": [*PARTNER_OPS, *SYSTEM]}
    hand = {"channel": "手渡し", "medium": "電磁的媒体", "data": ["name"], "from": "ward"}
    text = yaml.safe_dump({
        "piflow": 1,
        "proposal": {"title": "テスト", "section": "テスト課", "bases": ["業務委託"]},
        "data": [{"id": "name", "name": "氏名"}],
        "parties": [{"id": "ward", "name": "区", "role": "区", "data": ["name"], "waivers": ward_waivers,
                     **({"systems": list(ward_systems)} if ward_systems else {})}, a, b],
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": 1, "id": "x", "to": "a", "text": "受渡し", **hand}, {"n": 2, "id": "y", "to": "b", "text": "受渡し", **hand}]}],
    }, allow_unicode=True, sort_keys=False)
    return loads(text, "test.yaml")


def test_ward_waiver_covers_the_partners_it_names_only():
    doc = _with_ward(None, {"locked-bag": {"reason": "窓口で直接受け渡すため", "for": ["a"]}})
    forms = filled(doc)
    assert cell(forms, 5, "ward", "a", "運用", 8).mark == "－（窓口で直接受け渡すため）"
    assert cell(forms, 5, "ward", "b", "運用", 8).mark == BLANK_MARK  # not covered, not declared by the ward: blank


def test_ward_waiver_never_reaches_the_partners_form():
    doc = _with_ward(None, {"locked-bag": "窓口で直接受け渡すため"}, {"checklist_measures": [*PARTNER_OPS, *SYSTEM,
                                                                                 "locked-bag"]})
    forms = filled(doc)
    assert cell(forms, 5, "partner", "a", "運用", 8).mark == "○"        # the partner's own declaration stands
    assert cell(forms, 5, "ward", "a", "運用", 8).mark == "－（窓口で直接受け渡すため）"  # the ward's own duty


def test_partner_waiver_counts_on_the_wards_guiding_item_only():
    extra = {"checklist_measures": [m for m in [*PARTNER_OPS, *SYSTEM] if m != "handler-report"] + ["locked-bag"],
             "waivers": {"handler-report": "取扱者は区職員のみのため", "handover-ledger": "受渡しは区が記録するため"}}
    doc = _with_ward(None, {}, extra)
    forms = filled(doc)
    # 運用4 「…区に報告するよう指導する」: the ward guides the partner's duty, so the partner's waiver counts.
    assert cell(forms, 5, "ward", "a", "運用", 4).mark == "－（取扱者は区職員のみのため）"
    assert cell(forms, 5, "partner", "a", "運用", 4).mark == "－（取扱者は区職員のみのため）"
    # 運用9 (管理簿) is the ward's own duty: the partner's waiver does not answer it.
    assert cell(forms, 5, "ward", "a", "運用", 9).mark == BLANK_MARK
    # ... and the blank's fix says why and where to write it.
    blank = next(f for f in completeness(doc, audit(doc)) if f.key == "C301@checklist:5/a/ward#運用上の対策-9")
    assert "委託先A の waivers（受渡し時の管理簿への記載）は、区が自ら行うこの項目には効きません" in blank.fix
    assert not [f for f in completeness(doc, audit(doc)) if f.key == "C301@checklist:5/a/partner#運用上の対策-9"]


def test_partner_waiver_answers_the_wards_items_about_its_systems():
    """A 指定管理者 waives サーバ冗長化 and 国内法 for its counter PC (the server is another party's): the
    ward's form says the same, rather than a blank the ward could clear only by writing the waiver twice."""
    extra = {"checklist_measures": [m for m in [*PARTNER_OPS, *SYSTEM] if m not in ("redundancy", "domestic-law")]
             + ["locked-bag"],
             "waivers": {"redundancy": "サーバは結合先のシステムのため", "domestic-law": "サーバは結合先のシステムのため"}}
    forms = filled(_with_ward(None, {}, extra))
    for side in ("ward", "partner"):
        assert cell(forms, 5, side, "a", "システム", 11).mark == "－（サーバは結合先のシステムのため）"
        nine = cell(forms, 5, side, "a", "システム", 9)  # バックアップ declared, 冗長化 waived: ○ with the note
        assert (nine.mark, nine.status) == ("○", "done") and "サーバは結合先のシステムのため" in nine.note
    # B waived nothing: its forms are not touched by A's waiver.
    assert cell(forms, 5, "ward", "b", "システム", 11).mark == "○"


def test_a_waiver_never_overrides_a_declaration():
    extra = {"waivers": {"business-flow": "不要"}}
    forms = filled(_with_ward(None, {"business-flow": "不要のため"}, extra))
    assert cell(forms, 5, "partner", "a", "運用", 5).mark == "○"


def test_waiver_mapping_rejects_unknown_keys_located():
    try:
        _with_ward(None, {"locked-bag": {"reason": "x のため", "fro": ["a"]}})
    except InputError as exc:
        text = str(exc)
        assert "reason と for" in text and "test.yaml:" in text
    else:
        raise AssertionError("an unknown waiver key must be an error")


# --- findings cite the form the party gets; municipality wording ------------------------------------

def test_paper_only_vendor_finding_cites_its_own_form():
    doc = flow(["業務委託", "再委託"], [
        {"id": "vendor", "name": "委託先", "role": "委託先", "measures": ["special-terms"]},
        {"id": "sub", "name": "再委託先", "role": "再委託先", "contractor": "vendor", "consent": True}],
        [{"from": "ward", "to": "vendor", "channel": "手渡し", "medium": "紙", "data": ["name"]},
         {"from": "vendor", "to": "sub", "channel": "手渡し", "medium": "紙", "data": ["name"]}])
    assert [n for n, p in applicable(doc) if p.id == "vendor"] == [6]
    m111 = next(f for f in audit(doc) if f.key == "M111@party:vendor:subcontract-inspection")
    assert all("チェックリスト6" in c for c in m111.checklist) and "運用3" not in str(m111.checklist)
    m110 = next(f for f in audit(doc) if f.key == "M110@party:vendor:inspection")
    assert m110.checklist == ("チェックリスト6 運用上の対策 2",)


def test_the_forms_speak_of_the_municipality():
    doc = flow(["業務委託"], [_vendor()], [online()])
    forms = filled(doc, "長崎市")
    text = " ".join([f.header for f in forms] + [i.text for f in forms for s in f.sections for i in s.items])
    assert "区が行う" not in text and "区と緊急時" not in text
    assert "市が行う" in text and "市と緊急時" in text and "長崎市情報セキュリティポリシー" in text
    shinjuku = " ".join(f.header for f in filled(doc, "新宿区"))
    assert "区が行う" in shinjuku


def test_audit_requirements_read_the_same_conditions():
    doc = flow(["業務委託"], [{"id": "vendor", "name": "委託先", "role": "委託先"}], [online()])
    uses = measure_uses(doc)["vendor"]
    assert uses["locked-storage"].applies is False and uses["special-terms"].applies is True
    keys = {f.key for f in audit(doc)}
    assert "M110@party:vendor:locked-storage" not in keys and "M110@party:vendor:special-terms" in keys


def test_a_bank_and_a_collection_agent_get_documented_forms():
    # 金融機関: receives (e.g. transfer data) as a provision recipient: checklist 2, whose written agreement
    # and required measures (4) fix erasure or return after use.  収納代行: collects on the ward's behalf,
    # a contractor's checklist 5 (return and erase, 運用11), or 6 with paper only.
    assert _forms(["外部提供"], "金融機関") == [2] and _forms(["業務委託"], "収納代行") == [5]
    assert _forms(["業務委託"], "収納代行", "紙") == [6]
    bank = flow(["外部提供"], [{"id": "bank", "name": "銀行", "role": "金融機関"}], [online(to="bank")])
    assert "行政機関等以外の提供先" in cell(filled(bank), 2, "ward", "bank", "運用", 1).text


def test_missing_counterparty_names_the_party_meant():
    doc = flow(["業務委託"], [{"id": "m", "name": "指定管理者", "role": "指定管理者"}], [online(to="m")])
    gap = next(f for f in completeness(doc, audit(doc)) if f.key == "C301@checklist:5/-#counterparty")
    assert "当事者「指定管理者」は根拠「指定管理」のチェックリスト7の相手です" in gap.message


# --- properties over generated flows ----------------------------------------------------------------

ROLES = ["委託先", "再委託先", "指定管理者", "結合先", "他の行政機関等", "提供先", "収納代行"]
MEDIA = [None, "紙", "電磁的媒体", "電子データ"]
SOME_MEASURES = sorted({*PARTNER_OPS, *SYSTEM, "locked-bag", "handover-ledger", "locked-storage", "return",
                        "cloud-guideline", "law-compliance", "subcontract-inspection", "password-slip-separate"})


@st.composite
def generated(draw):
    bases = draw(st.lists(st.sampled_from([b.value for b in Basis]), min_size=1, max_size=4, unique=True))
    parties, steps = [], []
    for i in range(draw(st.integers(1, 3))):
        role = draw(st.sampled_from(ROLES))
        p = {"id": f"p{i}", "name": f"相手{i}", "role": role,
             "checklist_measures": draw(st.lists(st.sampled_from(SOME_MEASURES), unique=True, max_size=12)),
             "waivers": {m: "理由のため" for m in draw(st.lists(st.sampled_from(SOME_MEASURES), unique=True, max_size=4))}}
        if role == "再委託先":
            if i and parties[0]["role"] in ("委託先", "再委託先"):
                p["contractor"] = "p0"
            else:
                p["role"] = "委託先"
        if draw(st.booleans()):
            p["cloud"] = "クラウド"
        parties.append(p)
        medium = draw(st.sampled_from(MEDIA))
        step = {"from": "ward", "to": p["id"], "data": ["name"],
                "channel": "手渡し" if medium in ("紙", "電磁的媒体") else "LGWAN"}
        if medium:
            step["medium"] = medium
        steps.append(step)
    ward_waivers = {m: "区の理由のため" for m in draw(st.lists(st.sampled_from(SOME_MEASURES), unique=True, max_size=4))}
    ward_measures = draw(st.lists(st.sampled_from(SOME_MEASURES), unique=True, max_size=6))
    return flow(bases, parties, steps, ward_waivers=ward_waivers, ward_measures=ward_measures)


def _declared_for(doc, party_id, side):
    from piflow.audit.facts import FlowFacts
    facts = FlowFacts(doc)
    party = next(p for p in doc.flow.parties if p.id == party_id)
    closure = facts.catalog.closure
    steps = [r for r in facts.steps if {facts.owner(r.step.from_).id, facts.owner(r.step.to).id} & {party_id}]
    own = set(closure((*party.measures, *party.checklist_measures)))
    for s in party.systems:
        own |= set(closure((*s.measures, *s.checklist_measures)))
    for r in steps:
        own |= set(closure(r.step.measures))
    return facts, party, own


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_no_dash_while_an_applicable_part_is_declared(doc):
    from piflow.audit.conditions import holds
    findings = audit(doc)
    forms = fill(doc, findings)
    data = {n: c for n, c in checklist_data().items()}
    for form in forms:
        if form.side != "partner":
            continue
        facts, party, declared = _declared_for(doc, form.partner_id, form.side)
        spec = next(f for f in data[form.number]["forms"] if f["side"] == "partner")
        for section, spec_section in zip(form.sections, spec["sections"]):
            for item, spec_item in zip(section.items, spec_section["items"]):
                if not item.mark.startswith("－") or item.status == "waived" and "例外" in item.mark:
                    continue
                for part in spec_item["parts"]:
                    if part["by"] == "anyone":
                        continue
                    assert not (holds(facts, part["when"], party) and part["measure"] in declared), (
                        form.number, section.name, item.number, item.mark, part)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_no_requirement_fires_on_a_part_whose_condition_fails(doc):
    uses = measure_uses(doc)
    for f in audit(doc):
        if f.subject.kind != "party" or not f.measure or not f.code.startswith("M"):
            continue
        party = f.subject.key.split(":", 1)[1]
        use = uses.get(party, {}).get(f.measure)
        assert use is None or use.applies, f.key


# --- templates and messages ---------------------------------------------------------------------

def test_every_template_once_filled_passes_strict():
    from piflow.scaffold import TEMPLATES, template_text
    assert {"provision-agency", "provision-private", "secondary-use", "external-link-agency",
            "designated-manager"} <= set(TEMPLATES)
    for name in TEMPLATES:
        doc = loads(template_text(name).replace("○", "テ"), f"{name}.yaml")
        findings = audit(doc)
        left = [f.key for f in findings if not f.accepted] + [f.key for f in completeness(doc, findings)]
        assert left == [], (name, left)


def test_templates_cover_the_forms():
    from piflow.scaffold import TEMPLATES, template_text
    numbers = set()
    for name in TEMPLATES:
        numbers |= {n for n, _ in applicable(loads(template_text(name).replace("○", "テ"), f"{name}.yaml"))}
    assert {1, 2, 3, 4, 5, 6, 7} <= numbers


def test_party_message_says_what_it_does():
    doc = flow(["業務委託"], [{"id": "vendor", "name": "委託先", "role": "委託先",
                               "systems": [{"id": "pc", "name": "PC", "kind": "PC"}]}],
               [{"from": "ward", "to": "pc", "channel": "LGWAN", "data": ["name"]}])
    c303 = next(f for f in completeness(doc, audit(doc)) if f.code == "C303")
    assert c303.message.startswith("「委託先」は個人情報を受け取り、保管しますが")


def test_recipient_wording_for_a_body_that_is_not_public():
    doc = flow(["外部提供"], [{"id": "r", "name": "社会福祉協議会", "role": "提供先"}], [online(to="r")])
    first = cell(filled(doc), 2, "ward", "r", "運用", 1)
    assert "他の行政機関等に" not in first.text and "提供先" in first.text
    agency = flow(["外部提供"], [{"id": "r", "name": "他区", "role": "他の行政機関等"}], [online(to="r")])
    assert "他の行政機関等に" in cell(filled(agency), 2, "ward", "r", "運用", 1).text


# --- policy packs: parts, conditions and wording for their own forms -----------------------------

PACK_FORM = """version: 1
conditions:
  physical: {title: 紙を受け渡す場合, reason: 紙を扱わないため}
checklists:
- number: 5
  title: 5 業務委託にかかる個人情報保護対策チェックリスト
  basis: 業務委託
  forms:
  - side: partner
    header: 委託事業者に行わせる個人情報保護対策
    sections:
    - name: 運用上の対策
      items:
      - text: "{ward}の定める特記事項を遵守させる。"
        parts: [special-terms]
      - text: 紙を封緘袋で運ばせる。
        parts:
        - {measure: locked-bag, when: %s}
"""


def _pack_project(tmp_path, when="physical"):
    from piflow.pack import checklists_in, conditions_in
    checklists_in.cache_clear()
    conditions_in.cache_clear()
    (tmp_path / "pack").mkdir()
    (tmp_path / "piflow.toml").write_text('municipality = "長崎市"\npack = "pack"\n', encoding="utf-8")
    (tmp_path / "pack" / "checklists.yaml").write_text(PACK_FORM % when, encoding="utf-8")


def test_pack_declares_parts_conditions_and_wording(tmp_path, monkeypatch):
    import piflow.project
    from piflow.loader import load
    monkeypatch.setattr(piflow.project, "_override", None)  # no --municipality left over from a CLI test
    text = yaml.safe_dump({
        "piflow": 1, "proposal": {"title": "t", "section": "s", "bases": ["業務委託"]},
        "data": [{"id": "name", "name": "氏名"}],
        "parties": [{"id": "ward", "name": "市", "role": "区", "data": ["name"]},
                    {"id": "vendor", "name": "委託先", "role": "委託先", "measures": ["special-terms"]}],
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": 1, "id": "a", "from": "ward", "to": "vendor", "text": "t", "channel": "LGWAN", "data": ["name"]}]}],
    }, allow_unicode=True)
    _pack_project(tmp_path)
    (tmp_path / "flow.yaml").write_text(text, encoding="utf-8")
    doc = load(str(tmp_path / "flow.yaml"))
    form = next(f for f in fill(doc, audit(doc)) if f.number == 5 and f.side == "partner")
    first, second = form.sections[0].items
    assert first.text == "市の定める特記事項を遵守させる。" and first.mark == "○"
    assert (second.mark, second.status) == ("－（紙を扱わないため）", "inapplicable")


def test_pack_unknown_condition_is_located_with_did_you_mean(tmp_path):
    from piflow.pack import checklists_in
    _pack_project(tmp_path, when="physicl")
    try:
        checklists_in(tmp_path / "pack", "長崎市")
    except InputError as exc:
        text = str(exc)
        # line 18 is the part's ``when`` in PACK_FORM; the did-you-mean names the condition meant
        assert "P207" in text and "did you mean): physical" in text and "checklists.yaml:18:39:" in text, text
    else:
        raise AssertionError("an unknown condition must be a located error")


def test_pack_rewording_a_reason_keeps_when_it_is_printed(tmp_path):
    from piflow.pack import conditions_in
    _pack_project(tmp_path)
    physical = conditions_in(tmp_path / "pack", "長崎市")["physical"]
    assert physical["reason"] == "紙を扱わないため"  # the pack's wording, printed where the partner handles data
    assert physical["reason_if"] == ["handles"] and physical["reason_else"] == "紙又は電磁的媒体の受渡しがないため"


@pytest.mark.parametrize("entry,says", [
    ("{title: t, reason: r, reason_if: [handls], reason_else: e}", "did you mean): handles"),
    ("{title: t, reason: r, reason_if: [handles]}", "reason_if と reason_else は組で書きます"),
])
def test_pack_reason_if_is_checked(tmp_path, entry, says):
    from piflow.pack import checklists_in
    _pack_project(tmp_path)
    file = tmp_path / "pack" / "checklists.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("physical: {title: 紙を受け渡す場合, reason: 紙を扱わないため}",
                                                             f"physical: {entry}"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        checklists_in(tmp_path / "pack", "長崎市")
    assert says in str(caught.value) and "checklists.yaml:3:" in str(caught.value), str(caught.value)


def _slip(channel, medium="電磁的媒体", handover="手渡し"):
    doc = yaml.safe_dump({
        "piflow": 1, "proposal": {"title": "t", "section": "s", "bases": ["業務委託"]},
        "data": [{"id": "name", "name": "氏名"}, {"id": "pw", "name": "パスワード", "class": "認証情報"}],
        "parties": [{"id": "ward", "name": "区", "role": "区", "data": ["name", "pw"]},
                    {"id": "vendor", "name": "委託先", "role": "委託先",
                     "checklist_measures": ["data-encryption", "password-slip-separate"]}],
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": 1, "id": "dvd", "from": "ward", "to": "vendor", "text": "媒体", "channel": handover,
             "medium": medium, "data": ["name"], "occasion": "1日目"},
            {"n": 2, "id": "slip", "from": "ward", "to": "vendor", "text": "パスワード通知書", "channel": channel,
             "medium": "紙", "data": ["pw"], "occasion": "2日目"}]}],
    }, allow_unicode=True, sort_keys=False)
    return loads(doc, "slip.yaml")


def test_handing_over_by_hand_is_not_met_by_registered_mail():
    by_post = cell(filled(_slip("簡易書留")), 5, "partner", "vendor", "運用", 7)
    assert by_post.mark != "○" and "簡易書留" in by_post.note and "手渡しではありません" in by_post.note
    assert cell(filled(_slip("手渡し")), 5, "partner", "vendor", "運用", 7).mark == "○"


def test_a_hand_delivery_note_keeps_the_items_own_note():
    """No medium is handed over (the slip part does not apply: its own note) and the slip goes by 簡易書留
    (the hand-delivery note): the item's remarks carry both, neither replaces the other."""
    c = cell(filled(_slip("簡易書留", medium="電子データ", handover="LGWAN")), 5, "partner", "vendor", "運用", 7)
    assert (c.mark, c.status) == ("○", "done")  # the encryption is declared
    assert "「パスワード通知書は媒体と別の機会に手渡し」－（電磁的媒体の受渡しがないため）" in c.note
    assert "簡易書留" in c.note and "手渡しではありません" in c.note


def test_waiver_scope_naming_no_party_is_located_with_did_you_mean():
    doc = _with_ward(None, {"locked-bag": {"reason": "窓口で直接受け渡すため", "for": ["aa"]}})
    found = [f for f in completeness(doc, audit(doc)) if f.subject.key.startswith("waiver-scope:")]
    assert len(found) == 1 and "「aa」" in found[0].message and "did you mean): a" in found[0].message
    assert found[0].line > 1


def test_schema_accepts_a_scoped_waiver():
    import json

    import jsonschema

    from piflow.schema import flow_json_schema
    flow_doc = {"piflow": 1, "proposal": {"title": "t", "section": "s", "bases": ["業務委託"]},
                "parties": [{"id": "ward", "name": "区", "role": "区",
                             "waivers": {"locked-bag": {"reason": "窓口で直接受け渡すため", "for": ["a"]},
                                         "backup": "不要のため"}}],
                "scenarios": [{"id": "s", "tag": "t", "title": "t",
                               "steps": [{"n": 1, "from": "ward", "to": "ward", "text": "t"}]}]}
    jsonschema.validate(flow_doc, json.loads(flow_json_schema()))


def test_a_ward_waiver_left_over_says_how_to_rewrite():
    extra = {"checklist_measures": [m for m in [*PARTNER_OPS, *SYSTEM] if m != "periodic-check"]}
    doc = _with_ward(None, {"periodic-check": "年1回の監査で代えるため"}, extra)
    blank = next(f for f in completeness(doc, audit(doc)) if f.key == "C301@checklist:5/a/partner#運用上の対策-6")
    assert "区の様式にだけ効きます" in blank.fix and "委託先A の waivers" in blank.fix
    assert blank.line > 1


def test_paper_only_manager_finding_cites_checklist_8():
    doc = flow(["指定管理"], [{"id": "m", "name": "指定管理者", "role": "指定管理者", "measures": ["special-terms"]}],
               [{"from": "ward", "to": "m", "channel": "手渡し", "medium": "紙", "data": ["name"]}])
    assert [n for n, _ in applicable(doc)] == [8]
    m110 = next(f for f in audit(doc) if f.key == "M110@party:m:inspection")
    assert m110.checklist == ("チェックリスト8 運用上の対策 2",)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_no_dash_on_the_wards_form_over_a_declaration_that_counts_there(doc):
    """On the ward's form the ward's and the arrows' declarations always count, the partner's unless the
    ward waives its own (non-指導) item: a 「－」 never sits over a declaration that counts."""
    from piflow.audit.conditions import holds
    forms = fill(doc, audit(doc))
    data = checklist_data()
    wards = [p for p in doc.flow.parties if p.has_role(Role.WARD)]
    for form in forms:
        if form.side != "ward":
            continue
        facts, party, partner_declared = _declared_for(doc, form.partner_id, "partner")
        closure = facts.catalog.closure
        ward_declared = {m for w in wards for h in (w, *w.systems) for m in closure((*h.measures, *h.checklist_measures))}
        ward_waived = {m for w in wards for h in (w, *w.systems) for m in h.waivers
                       if not h.waiver_scope.get(m) or party.id in h.waiver_scope[m]}
        spec = next(f for f in data[form.number]["forms"] if f["side"] == "ward")
        for section, spec_section in zip(form.sections, spec["sections"]):
            for item, spec_item in zip(section.items, spec_section["items"]):
                if not item.mark.startswith("－") or "例外" in item.mark:
                    continue
                for part in spec_item["parts"]:
                    m = part["measure"]
                    if part["by"] == "anyone" or not holds(facts, part["when"], party):
                        continue
                    counts = m in ward_declared or (m in partner_declared and (spec_item["guides"] or m not in ward_waived))
                    assert not counts, (form.number, section.name, item.number, item.mark, m)


def test_the_note_reaches_the_authors_evidence():
    from piflow.writers.checklist_out import to_html, to_markdown
    vendor = _vendor(waivers={"redundancy": "単一構成で業務停止が許容されるため"})
    vendor["checklist_measures"] = [m for m in vendor["checklist_measures"] if m != "redundancy"]
    doc = flow(["業務委託"], [vendor], [online()])
    forms = filled(doc)
    for out in (to_html(doc, forms), to_markdown(doc, forms)):
        assert "単一構成で業務停止が許容されるため" in out.decode("utf-8")


def test_format_doc_lists_every_party_and_system_key():
    from conftest import ROOT
    from piflow.model import Party, System
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    table = text[text.index("## parties（当事者）"):text.index("## data（情報項目）")]
    for name, f in Party.model_fields.items():
        assert f"`{f.alias or name}`" in table, name
    for name, f in System.model_fields.items():
        assert f"`{f.alias or name}`" in table, name
    assert "`for`" in text or "for:" in text


def _abroad(exceptions=()):
    """A 再委託先 (checklist 5, not 4) whose API server is in the United States."""
    vendor = _vendor()
    sub = {"id": "sub", "name": "生成AI事業者", "role": "再委託先", "contractor": "vendor", "consent": True,
           "location": "米国", "checklist_measures": [m for m in [*PARTNER_OPS, *SYSTEM] if m != "domestic-law"],
           "systems": [{"id": "api", "name": "生成AI API", "data": ["name"]}]}
    text = yaml.safe_dump({
        "piflow": 1,
        "proposal": {"title": "テスト", "section": "テスト課", "bases": ["業務委託", "再委託"]},
        "data": [{"id": "name", "name": "氏名"}],
        "parties": [{"id": "ward", "name": "区", "role": "区", "data": ["name"]}, vendor, sub],
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": 1, "text": "提供", **online()}, {"n": 2, "from": "vendor", "to": "api", "text": "送信", "channel": "インターネット",
                                   "data": ["name"], "measures": ["comm-encryption"]}]}],
        "exceptions": list(exceptions),
    }, allow_unicode=True, sort_keys=False)
    return loads(text, "abroad.yaml")


def test_server_abroad_cites_the_form_its_party_gets_and_its_exception_marks_the_item():
    doc = _abroad()
    g241 = next(f for f in audit(doc) if f.code == "G241")
    assert g241.key == "G241@system:api" and g241.checklist == ("チェックリスト5 システム上の対策 11",)
    forms = filled(doc)
    for side in ("ward", "partner"):  # not a silent blank: the open finding is behind the item
        c = cell(forms, 5, side, "sub", "システム", 11)
        assert (c.status, c.findings) == ("missing", ("G241@system:api",))
    excepted = _abroad([{"key": "G241@system:api", "basis": "委託契約書第15条", "controls": ["学習への利用禁止"]}])
    assert not [f for f in completeness(excepted, audit(excepted)) if "システム上の対策-11" in f.key]
    for side in ("ward", "partner"):
        c = cell(filled(excepted), 5, side, "sub", "システム", 11)
        assert c.mark == "－（例外: 委託契約書第15条。代わりの管理策: 学習への利用禁止）"


def _blank_fix(doc, key):
    return next(f for f in completeness(doc, audit(doc)) if f.key == key).fix


@pytest.mark.parametrize("scope", [None, []])
def test_a_partners_blank_item_says_the_wards_waiver_no_longer_reaches_it(scope):
    waiver = "窓口で直接受け渡すため" if scope is None else {"reason": "窓口で直接受け渡すため", "for": scope}
    doc = _with_ward(None, {"locked-bag": waiver})
    fix = _blank_fix(doc, "C301@checklist:5/a/partner#運用上の対策-8")
    assert "区の waivers（鍵付きカバン等による運搬）は区の様式にだけ効きます" in fix
    assert "区が自ら行うこの項目には効きません" not in fix


def test_the_hints_of_a_blank_item_speak_only_of_the_waivers_that_do_not_reach_it():
    """運用4/システム9 with one part waived and one unanswered: on the ward's form the ward's own waiver is no
    news; on the partner's form the partner's own waiver is no news either."""
    extra = {"checklist_measures": [m for m in [*PARTNER_OPS, *SYSTEM] if m not in ("redundancy", "backup")],
             "systems": [{"id": "a_pc", "name": "作業PC", "kind": "PC", "waivers": {"redundancy": "単一構成のため"}}]}
    doc = _with_ward(None, {"locked-bag": "窓口で直接受け渡すため", "handover-ledger": "台帳は別に定めるため"}, extra)
    partner_fix = _blank_fix(doc, "C301@checklist:5/a/partner#システム上の対策-9")
    assert "区が自ら行う" not in partner_fix and "区の様式にだけ" not in partner_fix
    ward_fix = _blank_fix(doc, "C301@checklist:5/a/ward#システム上の対策-9")
    assert "区の様式にだけ" not in ward_fix


def test_a_partners_system_waiver_of_the_wards_own_duty_is_named():
    extra = {"systems": [{"id": "a_pc", "name": "作業PC", "kind": "PC", "waivers": {"handover-ledger": "区が記録するため"}}]}
    doc = _with_ward(None, {}, extra)
    fix = _blank_fix(doc, "C301@checklist:5/a/ward#運用上の対策-9")
    assert "委託先A の waivers（受渡し時の管理簿への記載）は、区が自ら行うこの項目には効きません" in fix


def test_a_blank_items_note_is_in_its_message():
    doc = _slip("簡易書留")
    c301 = [f for f in completeness(doc, audit(doc)) if f.key.endswith("#運用上の対策-7")]
    assert c301 and all("手渡しではありません" in f.message for f in c301)


def test_the_wards_own_waiver_is_no_news_on_its_own_blank_item():
    extra = {"checklist_measures": [m for m in [*PARTNER_OPS, *SYSTEM] if m not in ("redundancy", "backup")]}
    doc = _with_ward(None, {"redundancy": "単一構成のため"}, extra)
    assert "区の様式にだけ" not in _blank_fix(doc, "C301@checklist:5/a/ward#システム上の対策-9")
    assert "区の waivers（サーバ冗長化）は区の様式にだけ効きます" in _blank_fix(doc, "C301@checklist:5/a/partner#システム上の対策-9")


def test_a_ward_systems_waiver_is_named_on_the_partners_blank_item():
    doc = _with_ward(None, {}, ward_systems=[{"id": "ward_pc", "name": "区の端末", "kind": "PC",
                                             "waivers": {"locked-bag": "窓口で直接受け渡すため"}}])
    fix = _blank_fix(doc, "C301@checklist:5/a/partner#運用上の対策-8")
    assert "区の waivers（鍵付きカバン等による運搬）は区の様式にだけ効きます" in fix


def test_a_scoped_ward_waiver_is_named_only_on_the_partner_it_covers():
    doc = _with_ward(None, {"locked-bag": {"reason": "窓口で直接受け渡すため", "for": ["a"]}})
    assert "区の waivers（鍵付きカバン等による運搬）" in _blank_fix(doc, "C301@checklist:5/a/partner#運用上の対策-8")
    assert "区の waivers" not in _blank_fix(doc, "C301@checklist:5/b/partner#運用上の対策-8")


def test_a_partys_scope_naming_no_party_is_found_at_its_waivers():
    doc = _with_ward(None, {"locked-bag": {"reason": "窓口で直接受け渡すため", "for": ["aa"]}})
    (found,) = [f for f in completeness(doc, audit(doc)) if f.subject.key.startswith("waiver-scope:")]
    assert (found.line, found.column) == doc.where(("parties", 0, "waivers"))
