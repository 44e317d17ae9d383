"""The checklist code's corners that mutation testing found untested (make mutate ONLY="checklist conditions"):
conditions asked of each party, a partner that uses someone else's cloud, the paper-and-speech switch,
the system vendor among several contractors, counts, the municipality's word, and where a mark's source is."""

from __future__ import annotations

import pytest

from conftest import MINIMAL
from piflow.audit.conditions import TESTS, holds
from piflow.audit.facts import FlowFacts
from piflow.checklist import STATUSES, applicable, fill, measure_uses, side_ja
from piflow.loader import loads


def _facts(text: str) -> tuple:
    doc = loads(text, "t.yaml")
    return doc, FlowFacts(doc)


def _party(doc, ident: str):
    return next(p for p in doc.flow.parties if p.id == ident)


STEP2 = "      - {n: 2, from: ward, to: vendor, text: 提供, channel: 手渡し, medium: 紙}"
CLOUD = MINIMAL.replace("""  - id: vendor
    name: 委託先
    role: 委託先""", """  - id: vendor
    name: 委託先
    role: 委託先
  - id: box
    name: Box
    role: 結合先
    cloud: Box""").replace("bases: [業務委託]", "bases: [業務委託, 外部結合]").replace(
    STEP2, STEP2 + "\n      - {n: 3, from: vendor, to: box, text: 保存, channel: インターネット, medium: 電子データ}")


def test_a_partner_that_puts_data_into_someones_cloud_uses_that_cloud():
    doc, facts = _facts(CLOUD)
    assert TESTS["cloud"](facts, _party(doc, "vendor"))  # not a cloud itself: it sends into Box
    assert TESTS["cloud"](facts, _party(doc, "box"))
    assert not TESTS["cloud"](facts, _party(doc, "ward"))  # the ward sends nothing into Box here
    plain_doc, plain = _facts(MINIMAL)
    assert not TESTS["cloud"](plain, _party(plain_doc, "vendor"))


def test_a_partner_that_takes_data_from_someones_cloud_uses_that_cloud():
    doc, facts = _facts(CLOUD.replace("{n: 3, from: vendor, to: box, text: 保存", "{n: 3, from: box, to: vendor, data: [name], text: 取得"))
    assert TESTS["cloud"](facts, _party(doc, "vendor"))


def test_electronic_for_the_flow_as_a_whole_and_for_a_partner():
    doc, facts = _facts(MINIMAL)  # the ward keeps a system; the vendor gets paper only
    assert TESTS["electronic"](facts, _party(doc, "ward"))  # its own system
    assert not TESTS["electronic"](facts, _party(doc, "vendor"))
    media_doc, media = _facts(MINIMAL.replace("medium: 紙", "medium: 電磁的媒体"))
    assert TESTS["electronic"](media, _party(media_doc, "vendor"))  # a DVD-R counts as electronic data
    assert TESTS["media"](media, _party(media_doc, "vendor")) and not TESTS["media"](facts, _party(doc, "vendor"))
    no_system = MINIMAL.replace("    systems:\n      - {id: sys, name: 業務システム}\n", "").replace(
        "      - {n: 1, from: sys, to: ward, text: 抽出}\n", "").replace("{n: 2,", "{n: 1,")
    bare_doc, bare = _facts(no_system)
    assert not TESTS["electronic"](bare, _party(bare_doc, "ward"))  # paper only, no system
    assert TESTS["physical"](bare, _party(bare_doc, "ward")) and TESTS["physical"](bare, _party(bare_doc, "vendor"))


def test_stores_and_operates_for_the_flow_and_for_a_party():
    doc, facts = _facts(MINIMAL)
    assert TESTS["stores"](facts, _party(doc, "ward")) and TESTS["stores"](facts, _party(doc, "vendor"))
    assert not TESTS["operates"](facts, _party(doc, "vendor"))
    op_doc, op = _facts(MINIMAL.replace("    role: 委託先", "    role: 委託先\n    operates: [sys]"))
    assert TESTS["operates"](op, _party(op_doc, "vendor")) and not TESTS["operates"](op, _party(op_doc, "ward"))
    assert TESTS["stores"](op, _party(op_doc, "vendor"))
    assert holds(op, None, _party(op_doc, "ward")) and holds(op, "operates", _party(op_doc, "vendor"))


def test_a_partner_that_gets_paper_and_speech_only_is_paper_only():
    text = MINIMAL.replace(STEP2, STEP2 + "\n      - {n: 3, from: ward, to: vendor, text: 説明, channel: 電話, medium: 口頭}")
    assert [n for n, _ in applicable(loads(text, "t.yaml"))] == [6]  # paper and speech: exactly the paper set


def test_the_system_vendor_is_the_one_with_a_real_system():
    text = MINIMAL.replace("bases: [業務委託]", "bases: [電算処理]").replace("""  - id: vendor
    name: 委託先
    role: 委託先""", """  - id: office
    name: 事務委託先
    role: 委託先
    systems:
      - {id: pc, name: 作業用PC, kind: PC}
  - id: vendor
    name: 委託先
    role: 委託先
    systems:
      - {id: vsys, name: 受託システム, kind: システム}""")
    assert [(n, p.id) for n, p in applicable(loads(text, "t.yaml"))] == [(3, "vendor")]


def test_a_private_recipient_gets_the_secondary_use_form():
    text = MINIMAL.replace("bases: [業務委託]", "bases: [目的外利用]").replace("role: 委託先", "role: 提供先")
    assert [(n, p.id) for n, p in applicable(loads(text, "t.yaml"))] == [(1, "vendor")]


def test_counts_start_from_zero_and_count_every_status():
    doc = loads(MINIMAL.replace("    role: 委託先", "    role: 委託先\n    waivers: {個人情報の返却及び消去: 紙を回収するため}"),
                "t.yaml")
    for form in fill(doc, []):
        counts = form.counts
        assert set(counts) == set(STATUSES)
        assert sum(counts.values()) == sum(len(s.items) for s in form.sections)
    assert any(form.counts["waived"] >= 1 for form in fill(doc, []))


@pytest.mark.parametrize("municipality, ward, partner", [(None, "区が行う", "相手方に行わせる"),
                                                         ("長崎市", "市が行う", "相手方に行わせる")])
def test_the_side_speaks_the_municipalitys_word(municipality, ward, partner):
    assert side_ja("ward", municipality) == ward and side_ja("partner", municipality) == partner


def test_a_marks_source_names_the_line_of_the_party_or_system_that_declares_it():
    text = MINIMAL.replace("      - {id: sys, name: 業務システム}",
                           "      - {id: sys, name: 業務システム, checklist_measures: [アクセス制御]}").replace(
        "bases: [業務委託]", "bases: [電算処理, 業務委託]").replace(
        "    role: 委託先", "    role: 委託先\n    operates: [sys]\n    checklist_measures: [特記事項等の遵守]")
    doc = loads(text, "t.yaml")
    items = [i for f in fill(doc, []) for s in f.sections for i in s.items]
    system_line = text.count("\n", 0, text.index("{id: sys")) + 1
    party_line = text.count("\n", 0, text.index("  - id: vendor")) + 1
    assert any(f"業務システム（t.yaml:{system_line}）" in src for i in items for src in i.sources)
    assert any(f"委託先（t.yaml:{party_line}）" in src for i in items for src in i.sources)


def test_a_party_with_two_forms_is_told_both():
    doc = loads(CLOUD.replace("    role: 委託先", "    role: [委託先, 結合先]"), "t.yaml")
    uses = measure_uses(doc)
    assert {u.numbers for u in uses["vendor"].values()} == {(4, 6)}


def test_a_medium_makes_the_flow_electronic_without_any_system():
    no_system = MINIMAL.replace("    systems:\n      - {id: sys, name: 業務システム}\n", "").replace(
        "      - {n: 1, from: sys, to: ward, text: 抽出}\n", "").replace("{n: 2,", "{n: 1,").replace("medium: 紙", "medium: 電磁的媒体")
    doc, facts = _facts(no_system)
    assert TESTS["electronic"](facts, _party(doc, "vendor")) and TESTS["electronic"](facts, _party(doc, "ward"))


def test_counts_include_the_items_the_audit_finds_missing():
    from piflow.audit.engine import audit

    doc = loads(MINIMAL, "t.yaml")
    forms = fill(doc, audit(doc))
    assert sum(form.counts["missing"] for form in forms) >= 1
    assert all(sum(form.counts.values()) == sum(len(s.items) for s in form.sections) for form in forms)


def test_the_source_of_a_second_systems_mark_is_that_systems_line():
    text = MINIMAL.replace("      - {id: sys, name: 業務システム}",
                           "      - {id: sys, name: 業務システム}\n"
                           "      - {id: db, name: 住民DB, kind: DB, checklist_measures: [アクセス制御]}").replace(
        "bases: [業務委託]", "bases: [電算処理, 業務委託]").replace("    role: 委託先", "    role: 委託先\n    operates: [sys]")
    doc = loads(text, "t.yaml")
    db_line = text.count("\n", 0, text.index("{id: db")) + 1
    assert any(f"住民DB（t.yaml:{db_line}）" in src for f in fill(doc, []) for s in f.sections for i in s.items
               for src in i.sources)


def test_an_item_with_every_part_waived_prints_the_first_reason_and_notes_the_others():
    """The mark says the first part's reason; the others stay visible in the note (nothing hidden)."""
    text = MINIMAL.replace("channel: 手渡し, medium: 紙", "channel: LGWAN, medium: 電子データ")  # checklist 5
    doc = loads(text, "t.yaml")
    pairs = [i.measures for f in fill(doc, []) if f.side == "partner" for s in f.sections for i in s.items
             if len(i.measures) == 2]
    assert pairs
    both_noted = 0
    for measures in pairs:
        waivers = ", ".join(f"{doc.catalog[m].label}: 理由{k}" for k, m in enumerate(measures))
        waived = loads(text.replace("    role: 委託先", f"    role: 委託先\n    waivers: {{{waivers}}}"), "t.yaml")
        item = next(i for f in fill(waived, []) if f.side == "partner" for s in f.sections for i in s.items
                    if i.measures == measures)
        assert item.status in ("waived", "inapplicable")
        if item.status == "waived":
            assert item.mark.startswith("－（理由")
        both_noted += "理由0" in item.mark and "理由1" in item.note
    assert both_noted >= 1


def test_an_item_behind_an_exception_prints_its_basis():
    from test_audit_cli import EXCEPTED

    from piflow.audit.engine import audit

    doc = loads(EXCEPTED, "t.yaml")
    items = [i for f in fill(doc, audit(doc)) for s in f.sections for i in s.items if "handover-ledger" in i.measures]
    assert items and all(i.status == "waived" and i.mark.startswith("－（例外: 文書管理規程第12条") for i in items)


def test_electronic_data_received_makes_a_partner_without_systems_electronic():
    doc, facts = _facts(MINIMAL.replace("channel: 手渡し, medium: 紙", "channel: LGWAN, medium: 電子データ"))
    vendor = _party(doc, "vendor")
    assert not vendor.systems and TESTS["electronic"](facts, vendor)
    assert not TESTS["physical"](facts, vendor) and not TESTS["media"](facts, vendor)


def test_counts_of_forms_with_every_kind_of_mark():
    """A complete proposal: ○, －（理由） and －（条件） items are each counted under their status."""
    from conftest import ROOT
    from piflow.audit.engine import audit
    from piflow.loader import load

    assert STATUSES == ("done", "waived", "inapplicable", "missing", "blank")
    doc = load(ROOT / "docs" / "proposals" / "11-itaku-chatbot-saikitaku.yaml")
    forms = fill(doc, audit(doc))
    for form in forms:
        counts = form.counts
        assert sum(counts.values()) == sum(len(s.items) for s in form.sections)
        assert counts == {k: sum(i.status == k for s in form.sections for i in s.items) for k in STATUSES}
    assert all(sum(f.counts[k] for f in forms) >= 1 for k in ("done", "waived", "inapplicable"))


def test_a_proposal_for_the_subcontracting_alone_files_checklist_5():
    """資料23 asks the council only to approve a 再委託: its basis is 再委託, and the forms are checklist 5's."""
    text = MINIMAL.replace("bases: [業務委託]", "bases: [再委託]").replace("""  - id: vendor
    name: 委託先
    role: 委託先""", """  - id: vendor
    name: 委託先
    role: 委託先
  - id: sub
    name: 再委託先
    role: 再委託先
    contractor: vendor
    consent: true""").replace("medium: 紙}", "medium: 紙}\n      - {n: 3, from: vendor, to: sub, text: 再委託, channel: LGWAN, data: [name]}")
    assert [(n, p.id) for n, p in applicable(loads(text, "t.yaml"))] == [(6, "vendor"), (5, "sub")]


def test_an_approved_finding_leaves_its_item_unanswered_not_missing():
    """accepted: (approved, no basis) settles the audit, not the form: the item is 未記入, not 未対応 —
    while an open finding of another item still makes that one 未対応."""
    from piflow.audit.engine import audit

    text = MINIMAL + ("accepted:\n  - {key: 'M110@party:vendor:special-terms', reason: 契約で別に定める, by: 情報政策課,"
                      " date: '2026-01-16'}\n")
    doc = loads(text, "t.yaml")
    form = next(f for f in fill(doc, audit(doc)) if (f.number, f.side) == (6, "partner"))
    first, second = form.sections[0].items[:2]
    assert (first.status, first.findings) == ("blank", ())
    assert (second.status, second.findings) == ("missing", ("M110@party:vendor:inspection",))


def test_a_measure_asked_on_two_forms_cites_both():
    doc = loads(CLOUD.replace("    role: 委託先", "    role: [委託先, 結合先]"), "t.yaml")
    items = measure_uses(doc)["vendor"]["incident-consult"].items
    assert [i.split()[0] for i in items] == ["チェックリスト4", "チェックリスト6"], items


def test_a_mark_cites_at_most_two_declarations_of_a_part():
    text = MINIMAL.replace("    role: 委託先", """    role: 委託先
    checklist_measures: [入退室管理]
    systems:
      - {id: pc1, name: 作業PC1, kind: PC, checklist_measures: [入退室管理]}
      - {id: pc2, name: 作業PC2, kind: PC, checklist_measures: [入退室管理]}""")
    form = next(f for f in fill(loads(text, "t.yaml"), []) if (f.number, f.side) == (5, "partner"))
    entry = next(s for s in form.sections if s.name == "システム上の対策").items[9]
    assert entry.mark == "○" and [s.split("（")[0] for s in entry.sources] == ["委託先", "作業PC1"]


def test_an_item_none_of_whose_parts_applies_names_the_others_in_its_note():
    """A 指定管理者 that only reports to the ward (receives nothing, keeps no system): checklist 7's 運用5 has
    two parts, neither applies; the mark gives the first reason, the remarks the second.  It hands over no
    paper either, so the reason is not the papers' 「紙のみの取扱いのため」 (it was, before: a reason the flow
    never gave)."""
    text = MINIMAL.replace("bases: [業務委託]", "bases: [指定管理]").replace("role: 委託先", "role: 指定管理者").replace(
        "{n: 2, from: ward, to: vendor, text: 提供, channel: 手渡し, medium: 紙}",
        "{n: 2, from: vendor, to: ward, text: 報告, channel: メール, medium: 電子データ, data: []}")
    form = next(f for f in fill(loads(text, "t.yaml"), []) if (f.number, f.side) == (7, "partner"))
    five = form.sections[0].items[4]
    assert (five.status, five.mark) == ("inapplicable", "－（電子データの受渡しがないため）")
    assert five.note == "「パスワード通知書は媒体と別の機会に手渡し」－（電磁的媒体の受渡しがないため）"


def _at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """(line, column) of the nth occurrence of needle, 1-based."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return text.count("\n", 0, i) + 1, i - text.rfind("\n", 0, i)


def test_a_missing_counterparty_is_found_at_its_basis_and_sorted_by_its_checklist():
    """bases [業務委託, 指定管理] with no 指定管理者: C301 at 「指定管理」 in bases, after the checklist 6 blanks."""
    from piflow.audit.engine import audit, completeness

    text = MINIMAL.replace("bases: [業務委託]", "bases: [業務委託, 指定管理]") + (
        "accepted:\n  - {key: 'M110@party:vendor:special-terms', reason: 契約で別に定める, by: 課, date: '2026-01-16'}\n")
    doc = loads(text, "t.yaml")  # the accepted finding leaves checklist 6's 運用1 blank (C301)
    found = [f for f in completeness(doc, audit(doc)) if f.code == "C301"]
    gap = next(f for f in found if f.subject.key == "checklist:7/-")
    assert (gap.line, gap.column) == _at(text, "指定管理]")
    assert found[-1] is gap and any(f.subject.key.startswith("checklist:6/") for f in found[:-1])


def test_the_hint_names_at_most_two_parties_of_other_bases():
    from piflow.audit.engine import audit, completeness

    text = MINIMAL.replace("bases: [業務委託]", "bases: [業務委託, 指定管理]").replace("""  - id: vendor""", """  - {id: v2, name: 委託先二, role: 委託先}
  - {id: v3, name: 委託先三, role: 委託先}
  - id: vendor""")
    # the 委託先 play the roles of bases the proposal does not list (電算処理, 業務委託): likely the one meant
    text = text.replace("bases: [業務委託, 指定管理]", "bases: [指定管理]")
    doc = loads(text, "t.yaml")
    gap = next(f for f in completeness(doc, audit(doc)) if f.subject.key == "checklist:7/-")
    assert gap.message.count("。当事者「") == 2  # three candidates, two named


def test_a_systems_scope_naming_no_party_is_found_at_the_systems_waivers():
    from piflow.audit.engine import audit, completeness

    text = MINIMAL.replace("      - {id: sys, name: 業務システム}",
                           "      - id: sys\n        name: 業務システム\n"
                           "        waivers: {ウイルス対策: {reason: スタンドアロンのため, for: [vendr]}}")
    doc = loads(text, "t.yaml")
    found = [f for f in completeness(doc, audit(doc)) if f.subject.key.startswith("waiver-scope:")]
    assert [f.subject.key for f in found] == ["waiver-scope:sys/antivirus"]
    assert "did you mean): vendor" in found[0].message
    assert found[0].line == _at(text, "waivers: {ウイルス対策")[0]


def test_scope_findings_sort_by_holder_after_the_parties_and_before_the_forms():
    """Completeness findings in file order: a party without measures (C303), then each holder's scope naming no
    party (the ward, its system, the vendor: not the keys' alphabetical order), then the forms and the missing
    counterparty."""
    from piflow.audit.engine import audit, completeness

    text = MINIMAL.replace("bases: [業務委託]", "bases: [業務委託, 指定管理]").replace(
        "    role: 区\n", "    role: 区\n    waivers: {実地調査: {reason: 提供しないため, for: [x1]}}\n").replace(
        "      - {id: sys, name: 業務システム}",
        "      - {id: sys, name: 業務システム, waivers: {ウイルス対策: {reason: 単独のため, for: [x2]}}}").replace(
        "    role: 委託先", "    role: 委託先\n    waivers: {バックアップ: {reason: 保存しないため, for: [x3]}}").replace(
        "scenarios:", "  - {id: v2, name: 委託先二, role: 委託先}\nscenarios:")
    doc = loads(text, "t.yaml")
    keys = [f.subject.key for f in completeness(doc, audit(doc))]
    scope = [k for k in keys if k.startswith("waiver-scope:")]
    assert scope == ["waiver-scope:ward/onsite-survey", "waiver-scope:sys/antivirus", "waiver-scope:vendor/backup"]
    assert keys.index("party:v2") < keys.index(scope[0]) and keys.index(scope[-1]) < keys.index("checklist:7/-")


def test_a_missing_counterparty_sorts_before_the_forms_of_later_checklists():
    """The C301 for 外部結合's missing 結合先 (checklist 4) comes before checklist 6's blanks."""
    from piflow.audit.engine import audit, completeness

    text = MINIMAL.replace("bases: [業務委託]", "bases: [業務委託, 外部結合]") + (
        "accepted:\n  - {key: 'M110@party:vendor:special-terms', reason: 契約で別に定める, by: 課, date: '2026-01-16'}\n")
    doc = loads(text, "t.yaml")
    keys = [f.subject.key for f in completeness(doc, audit(doc)) if f.code == "C301"]
    assert keys[0] == "checklist:4/-" and any(k.startswith("checklist:6/") for k in keys[1:]), keys


def test_a_scope_finding_of_a_later_party_still_sorts_before_the_forms():
    """The scope findings come before every form, even checklist 1's about an earlier party."""
    from piflow.audit.engine import audit, completeness

    text = """\
piflow: 1
proposal: {title: テスト, section: テスト課, bases: [目的外利用]}
data:
  - {id: name, name: 氏名}
parties:
  - {id: ward, name: 区, role: 区, data: [name],
     checklist_measures: [相当の理由の協議, 書面の取り交わし, 提供先への措置要求, 取扱者の指定]}
  - {id: agency, name: 他区, role: 他の行政機関等}
  - {id: vendor, name: 委託先, role: 委託先, waivers: {鍵付キャビネット等での保管: {reason: 保管しないため, for: [nobody]}}}
scenarios:
  - id: s
    tag: t
    title: t
    steps:
      - {n: 1, id: give, from: ward, to: agency, text: 提供, channel: LGWAN, data: [name], measures: [通信内容の暗号化]}
"""
    doc = loads(text, "t.yaml")
    keys = [f.subject.key for f in completeness(doc, audit(doc)) if f.code == "C301"]
    assert keys[0] == "waiver-scope:vendor/locked-storage" and "checklist:1/agency/ward" in keys[1:], keys
