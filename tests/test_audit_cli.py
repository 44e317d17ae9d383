"""piflow audit end to end: formats, exit codes, SARIF validity, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FLOWS, MINIMAL, SHARED, write
from piflow.cli import app

runner = CliRunner()
FLOW49 = str(FLOWS / "49-kosodate-ouen-teate.yaml")


def test_text_output_groups_by_subject_and_summarises():
    result = runner.invoke(app, ["audit", FLOW49])
    assert result.exit_code == 1
    out = result.output
    assert "資料49-3 ② 印字データ（CD-R、DVD-R等）の提供" in out
    assert "M104@step:printing/media_handover:data-encryption" in out
    assert out.rstrip().splitlines()[-1].startswith("集計 (summary): エラー 5、警告 0")


# The minimal flow with every measure it needs: clean, and complete.
CLEAN = MINIMAL.replace(
    "role: 委託先",
    "role: 委託先\n    measures: [特記事項等の遵守, 立入調査等及び状況報告, 責任者及び取扱者の報告, 区が作成した業務フローに基づく業務の履行, "
    "鍵付キャビネット等での保管, 事故等への対応体制及び手順の整備, 事故発生時等の協議, 個人情報の返却]",
).replace("medium: 紙}", "medium: 紙, measures: [鍵付きカバン等による運搬, 受渡し時の管理簿への記載]}")


def test_clean_flow_exits_0(tmp_path):
    result = runner.invoke(app, ["audit", str(write(tmp_path, CLEAN))])
    assert result.exit_code == 0, result.output
    assert "指摘なし" in result.output


def test_fail_on_warning(tmp_path):
    text = MINIMAL.replace("channel: 手渡し, medium: 紙", "medium: 紙").replace(
        "role: 委託先",
        "role: 委託先\n    measures: [特記事項等の遵守, 立入調査等及び状況報告, 責任者及び取扱者の報告, 区が作成した業務フローに基づく業務の履行, "
        "鍵付キャビネット等での保管, 事故等への対応体制及び手順の整備, 事故発生時等の協議, 個人情報の返却]",
    )
    path = str(write(tmp_path, text))
    assert runner.invoke(app, ["audit", path]).exit_code == 0  # only a G252 warning
    assert runner.invoke(app, ["audit", "--fail-on", "warning", path]).exit_code == 1


def test_bad_input_exits_2(tmp_path):
    result = runner.invoke(app, ["audit", str(write(tmp_path, "piflow: 1\n"))])
    assert result.exit_code == 2


def test_json_output():
    result = runner.invoke(app, ["audit", "--format", "json", FLOW49])
    doc = json.loads(result.output)
    (file,) = doc["files"]
    keys = [f["key"] for f in file["findings"]]
    assert "G210@party:printer:erasure" in keys
    finding = file["findings"][keys.index("G210@party:printer:erasure")]
    assert finding["location"]["line"] > 1 and finding["message"]["ja"] and finding["message"]["en"]
    assert doc["summary"]["error"] == 5


def test_output_is_deterministic():
    for fmt in ("text", "json", "sarif"):
        a = runner.invoke(app, ["audit", "-f", fmt, str(FLOWS)]).output
        b = runner.invoke(app, ["audit", "-f", fmt, str(FLOWS)]).output
        assert a == b


def test_sarif_validates_against_the_2_1_0_schema():
    schema_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.exists():
        pytest.skip(f"SARIF schema not found at {schema_path} (../shared is absent outside the project checkout)")
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    result = runner.invoke(app, ["audit", "--format", "sarif", str(FLOWS)])
    sarif = json.loads(result.output)
    jsonschema.validate(sarif, schema)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert res["partialFingerprints"]["piflowKey/v1"].startswith(res["ruleId"] + "@")


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_output_written_in_pieces_is_the_whole_text(fmt, monkeypatch):
    """Issue 26: the writers hand out pieces of a few findings (lines) each; joined, they are the one text, and for
    SARIF the bytes json.dumps(indent=2, sort_keys=True) gives for the whole document."""
    from piflow.writers import audit_json, audit_sarif, audit_text

    whole = runner.invoke(app, ["audit", "-f", fmt, str(FLOWS)]).output
    for writer in (audit_json, audit_sarif, audit_text):
        monkeypatch.setattr(writer, "BATCH", 2)
    assert runner.invoke(app, ["audit", "-f", fmt, str(FLOWS)]).output == whole
    if fmt == "sarif":
        assert whole == json.dumps(json.loads(whole), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "json":
        assert json.loads(whole)["files"]


def test_policy_override_disables_and_replaces(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "version: 1\ndisable: [M104]\nrequirements:\n"
        "  - {id: M900, name: extra, title: 追加, subject: step, when: {medium: 電磁的媒体}, requires: [print-log]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["audit", "-f", "json", "--policy", str(policy), FLOW49])
    codes = {f["code"] for f in json.loads(result.output)["files"][0]["findings"]}
    assert "M104" not in codes and "M900" in codes


def test_policy_with_unknown_measure_is_bad_input(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("requirements:\n  - {id: M900, name: x, title: x, subject: step, requires: [nope]}\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", "--policy", str(policy), FLOW49])
    assert result.exit_code == 2 and "policy.yaml:2:" in result.output


def test_rules_list_and_explain():
    listing = runner.invoke(app, ["rules"]).output
    assert "G210" in listing and "M104" in listing
    assert "partner-lifecycle" in runner.invoke(app, ["rules", "--explain", "G210"]).output
    assert "通信内容は暗号化し" in runner.invoke(app, ["rules", "-e", "通信暗号化"]).output
    assert runner.invoke(app, ["rules", "-e", "G999"]).exit_code == 2
    assert "comm-encryption" in runner.invoke(app, ["rules", "--measures"]).output


def test_bundled_policy_names_only_catalog_measures():
    from piflow.catalog import default_catalog
    from piflow.policy import default_policy

    catalog = default_catalog()
    for req in default_policy():
        assert set(req.requires) <= set(catalog.measures), req.id


@pytest.mark.parametrize("command", [
    ["audit"], ["rules"], ["draw", "--audit", "-f", "dot"], ["checklist"], ["report"],
    ["diff", FLOW49],
])
def test_every_command_reports_a_bad_policy_located_with_exit_2(tmp_path, command):
    # All commands share one handler for input errors; each must reach it, not a traceback.
    policy = tmp_path / "policy.yaml"
    policy.write_text("requirements:\n  - {id: M900, name: x, title: x, subject: step, requires: [nope]}\n", encoding="utf-8")
    args = [*command, "--policy", str(policy)] + ([] if command == ["rules"] else [FLOW49])
    if command[0] in ("draw", "checklist", "report"):
        args += ["-o", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "policy.yaml:2:" in result.output
    assert not (tmp_path / "out").exists()


def test_untouched_init_template_is_clean_but_not_complete(tmp_path):
    """Every template audits without violations, yet --strict fails it on its ○○ placeholders."""
    from piflow.scaffold import TEMPLATES

    for name in TEMPLATES:
        path = tmp_path / f"{name}.yaml"
        assert runner.invoke(app, ["init", str(path), "--template", name]).exit_code == 0
        plain = runner.invoke(app, ["audit", str(path)])
        assert plain.exit_code == 0, (name, plain.output)
        assert "C302" in plain.output and "未完成" in plain.output.splitlines()[-1]
        assert runner.invoke(app, ["audit", "--strict", str(path)]).exit_code == 1, name
        assert runner.invoke(app, ["audit", "--fail-on", "incomplete", str(path)]).exit_code == 1, name


def test_incomplete_findings_are_listed_apart(tmp_path):
    text = MINIMAL.replace("section: テスト課", "section: ○○課")
    path = str(write(tmp_path, text))
    doc = json.loads(runner.invoke(app, ["audit", "-f", "json", path]).output)
    (file,) = doc["files"]
    assert sorted(f["key"] for f in file["incomplete"]) == ["C302@text:proposal.section", "C303@party:vendor"]
    assert all(f["kind"] == "violation" for f in file["findings"])
    assert "C302" not in {f["code"] for f in file["findings"]}
    assert doc["summary"]["incomplete"] == 2
    sarif = json.loads(runner.invoke(app, ["audit", "-f", "sarif", path]).output)
    results = {r["partialFingerprints"]["piflowKey/v1"]: r for r in sarif["runs"][0]["results"]}
    assert results["C302@text:proposal.section"]["kind"] == "open"
    assert results["C302@text:proposal.section"]["level"] == "none"
    out = runner.invoke(app, ["audit", path]).output
    head, _, tail = out.partition("未完成 2 件")
    assert "C302" not in head and "C302@text:proposal.section" in tail


def test_strict_passes_a_flow_that_is_clean_and_complete(tmp_path):
    path = str(write(tmp_path, CLEAN))
    result = runner.invoke(app, ["audit", "--strict", path])
    assert result.exit_code == 0, result.output
    assert "未完成 0" in result.output
    assert runner.invoke(app, ["audit", "--strict", path.replace("flow.yaml", "x.yaml")]).exit_code == 2


EXCEPTED = MINIMAL.replace(
    "role: 委託先",
    "role: 委託先\n    measures: [特記事項等の遵守, 立入調査等及び状況報告, 責任者及び取扱者の報告, 区が作成した業務フローに基づく業務の履行, "
    "鍵付キャビネット等での保管, 事故等への対応体制及び手順の整備, 事故発生時等の協議, 個人情報の返却]",
).replace("{n: 2, from: ward", "{n: 2, id: give, from: ward").replace(
    "medium: 紙}", "medium: 紙, measures: [鍵付きカバン等による運搬]}"
) + ("exceptions:\n  - key: M103@step:main/give:handover-ledger\n    basis: 文書管理規程第12条（庁内便）\n"
     "    controls: [庁内便の送付記録]\n")


def test_exception_is_shown_with_its_basis_apart_from_approvals(tmp_path):
    path = str(write(tmp_path, EXCEPTED))
    result = runner.invoke(app, ["audit", path])
    assert result.exit_code == 0, result.output
    assert "例外 M103" in result.output and "根拠: 文書管理規程第12条（庁内便） ／ 代わりの管理策: 庁内便の送付記録" in result.output
    assert "承認済み 0、例外 1" in result.output.splitlines()[-1]
    (finding,) = json.loads(runner.invoke(app, ["audit", "-f", "json", path]).output)["files"][0]["findings"]
    assert finding["accepted"] is False
    assert finding["exception"] == {"basis": "文書管理規程第12条（庁内便）", "controls": ["庁内便の送付記録"]}


def test_checklist_marks_an_excepted_item_with_its_basis(tmp_path):
    from piflow.audit.engine import audit
    from piflow.checklist import fill
    from piflow.loader import loads

    doc = loads(EXCEPTED, "t.yaml")
    items = [i for form in fill(doc, audit(doc)) for s in form.sections for i in s.items if "handover-ledger" in i.measures]
    assert items and all(i.mark == "－（例外: 文書管理規程第12条（庁内便）。代わりの管理策: 庁内便の送付記録）" for i in items)


def test_municipality_from_piflow_toml_and_the_command_line(tmp_path):
    from piflow.checklist_forms import checklist_data

    (tmp_path / "piflow.toml").write_text('municipality = "豊島区"\n', encoding="utf-8")
    flow = tmp_path / "flows" / "a.yaml"
    assert runner.invoke(app, ["init", str(flow), "-t", "dvd-outsourcing"]).exit_code == 0
    text = flow.read_text(encoding="utf-8")
    assert "豊島区（○○課）" in text and "新宿区" not in text
    out = tmp_path / "out"
    assert runner.invoke(app, ["checklist", str(flow), "-f", "md", "-o", str(out)]).exit_code == 0
    (md,) = out.glob("*.md")
    assert "豊島区情報セキュリティポリシー" in md.read_text(encoding="utf-8")
    assert "新宿区" not in md.read_text(encoding="utf-8")
    other = tmp_path / "other"
    assert runner.invoke(app, ["--municipality", "中野区", "checklist", str(flow), "-f", "md", "-o", str(other)]).exit_code == 0
    assert "中野区情報セキュリティポリシー" in next(other.glob("*.md")).read_text(encoding="utf-8")
    # Without a project the built-in ward stays, for callers that know nothing of projects.
    assert "新宿区情報セキュリティポリシー" in str(checklist_data())


def test_a_wards_own_security_policy_is_the_same_measure(tmp_path):
    text = MINIMAL.replace("role: 委託先", "role: 委託先\n    measures: [個人情報保護法及び豊島区情報セキュリティポリシーの遵守]")
    assert runner.invoke(app, ["validate", str(write(tmp_path, text))]).exit_code == 0


@pytest.mark.parametrize(("settings", "expected"), [
    ("municipality = 3\n", "piflow.toml:1:1: エラー[P009]"),
    ('municipalty = "豊島区"\n', "もしかして (did you mean): municipality"),
    ('municipality = "豊島区\n', "piflow.toml:1:"),
])
def test_bad_piflow_toml_is_located_bad_input(tmp_path, settings, expected):
    (tmp_path / "piflow.toml").write_text(settings, encoding="utf-8")
    flow = write(tmp_path, MINIMAL)
    result = runner.invoke(app, ["checklist", str(flow), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and expected in result.output, result.output
    assert not (tmp_path / "out").exists()


PACK = Path(__file__).parent / "packs" / "toshima"


def test_policy_pack_measures_policy_and_checklists(tmp_path):
    flow = str(PACK / "flows" / "meibo.yaml")
    doc = json.loads(runner.invoke(app, ["audit", "-f", "json", flow]).output)
    keys = [f["key"] for f in doc["files"][0]["findings"]]
    assert keys == ["M900@step:main/give:courier-seal"]  # the pack's requirement, met on ② by its alias 封緘袋
    listing = runner.invoke(app, ["audit", "-f", "json", str(FLOWS / "49-kosodate-ouen-teate.yaml")]).output
    assert "M900" not in listing  # flows outside the project keep the built-in policy
    out = tmp_path / "out"
    assert runner.invoke(app, ["checklist", flow, "-f", "md", "-o", str(out)]).exit_code == 0
    md = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "紙媒体を搬送する場合は、封緘袋を使用させる。" in md and "豊島区情報セキュリティポリシー" in md
    # A --policy file still goes on top of the pack's policy.
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\ndisable: [M900]\n", encoding="utf-8")
    assert runner.invoke(app, ["audit", "--policy", str(policy), flow]).exit_code == 0


def test_pack_measure_is_unknown_outside_the_pack(tmp_path):
    text = MINIMAL.replace("role: 委託先", "role: 委託先\n    measures: [封緘袋]")
    result = runner.invoke(app, ["validate", str(write(tmp_path, text))])
    assert result.exit_code == 2 and "P205" in result.output


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("measures.yaml", "measures:\n  - {id: x-seal, category: operational, side: both}\n", "measures.yaml:2:5: エラー[P101]"),
    ("checklists.yaml", "checklists:\n  - number: 6\n    title: 6 業務委託\n    forms:\n      - side: ward\n        header: h\n"
     "        sections: [{name: 運用上の対策, items: [{text: t, measures: [no-such]}]}]\n", "エラー[P205]"),
    ("policy.yaml", "requirements:\n  - {id: M901, name: x, title: x, subject: step, requires: [nope]}\n",
     "policy.yaml:2:"),
])
def test_bad_pack_file_is_located_bad_input(tmp_path, name, content, expected):
    (tmp_path / "pack").mkdir()
    (tmp_path / "piflow.toml").write_text('pack = "pack"\n', encoding="utf-8")
    (tmp_path / "pack" / name).write_text(content, encoding="utf-8")
    flow = write(tmp_path, MINIMAL)
    result = runner.invoke(app, ["checklist", str(flow), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and expected in result.output, result.output


def test_rules_explain_names_the_municipality():
    text = runner.invoke(app, ["--municipality", "豊島区", "rules", "-e", "special-terms"]).output
    assert "豊島区情報セキュリティポリシー" in text and "新宿区" not in text
