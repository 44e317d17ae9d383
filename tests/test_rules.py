"""Every requirement and graph rule against its YAML cases (tests/rules/CODE.yaml).

A case gives a partial flow merged over tests/rules/_base.yaml and the exact
finding keys the rule must produce; other rules' findings are ignored.  A file
for a loader code (P2xx) lists the diagnostic codes loading must give instead.

Every other file pins the rule's ``severity`` and the ``exit`` code ``piflow audit``
gives for its findings alone (default ``--fail-on error``; ``exit_strict`` under
``--strict``), so flipping a rule between error and warning fails a test.  A case
may also list ``messages`` (texts the findings' messages must contain) and
``not_messages`` (texts none may contain).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from piflow import exitcodes
from piflow.audit.catalogue import all_rule_infos
from piflow.commands.common import threshold_hit
from piflow.audit.engine import audit, completeness
from piflow.diagnostics import InputError
from piflow.loader import loads

CASES_DIR = Path(__file__).parent / "rules"
BASE = yaml.safe_load((CASES_DIR / "_base.yaml").read_text(encoding="utf-8"))


def _specs():
    for path in sorted(CASES_DIR.glob("[A-Z]*.yaml")):
        yield yaml.safe_load(path.read_text(encoding="utf-8"))


def _cases():
    for spec in _specs():
        for case in spec["cases"]:
            yield pytest.param(spec["rule"], case, id=f"{spec['rule']}: {case['name']}")


def _pinned():
    for spec in _specs():
        if not spec["rule"].startswith("P"):
            for case in spec["cases"]:
                if case["expect"]:
                    yield pytest.param(spec, case, id=f"{spec['rule']}: {case['name']}")


def exit_code(findings, strict: bool = False) -> int:
    """What ``piflow audit`` (commands.audit) returns for these findings alone."""
    violations = [f for f in findings if not f.incomplete]
    incomplete = strict and any(f.incomplete for f in findings)
    return exitcodes.FINDINGS if threshold_hit(violations, "error") or incomplete else exitcodes.OK


def run(rule: str, flow_patch: dict):
    flow = {**BASE, **(flow_patch or {})}
    doc = loads(yaml.safe_dump(flow, allow_unicode=True, sort_keys=False), "case.yaml")
    findings = audit(doc)
    if rule.startswith("C"):  # completeness rules run after the violations, apart from them
        findings = completeness(doc, findings)
    return [f for f in findings if f.code == rule]


def load_codes(flow_patch: dict) -> list[str]:
    flow = {**BASE, **(flow_patch or {})}
    try:
        loads(yaml.safe_dump(flow, allow_unicode=True, sort_keys=False), "case.yaml")
    except InputError as exc:
        return [d.code for d in exc.diagnostics]
    return []


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_rule_case(rule, case):
    if rule.startswith("P"):
        assert load_codes(case["flow"]) == case["expect"]
        return
    findings = run(rule, case["flow"])
    assert sorted(f.key for f in findings if not f.accepted) == sorted(case["expect"])
    messages = [f.message for f in findings if not f.accepted]
    for text in case.get("messages", ()):
        assert any(text in m for m in messages), (text, messages)
    for text in case.get("not_messages", ()):
        assert not any(text in m for m in messages), (text, messages)


@pytest.mark.parametrize(("spec", "case"), list(_pinned()))
def test_rule_case_pins_severity_and_exit_code(spec, case):
    findings = [f for f in run(spec["rule"], case["flow"]) if not f.accepted]
    assert {f.severity for f in findings} == {spec["severity"]}
    assert exit_code(findings) == spec["exit"]
    assert exit_code(findings, strict=True) == spec.get("exit_strict", spec["exit"])


def test_every_rule_file_pins_severity_and_exit_code():
    for spec in _specs():
        if not spec["rule"].startswith("P"):
            assert spec.get("severity") in ("error", "warning", "info"), spec["rule"]
            assert spec.get("exit") in (0, 1), spec["rule"]


def test_every_rule_has_a_failing_and_a_passing_case():
    covered: dict[str, set[bool]] = {}
    for param in _cases():
        rule, case = param.values
        covered.setdefault(rule, set()).add(bool(case["expect"]))
    for info in all_rule_infos():
        assert covered.get(info.code) == {True, False}, f"{info.code} needs a failing and a passing case"


def test_accepted_findings_are_reported_as_accepted():
    patch = {
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": 1, "id": "give", "from": "ward", "to": "vendor", "text": "提供", "channel": "手渡し",
             "medium": "紙", "data": ["name"], "measures": ["鍵付きカバン等による運搬"]}]}],
        "accepted": [{"key": "M103@step:s/give:handover-ledger", "reason": "受領書で代替", "by": "会議"}],
    }
    (finding,) = run("M103", patch)
    assert finding.accepted and finding.accepted_reason == "受領書で代替"


def test_every_rule_is_documented():
    for info in all_rule_infos():
        assert info.doc.startswith(info.code), info.code
        assert "なぜ" in info.doc and "修正例" in info.doc, info.code


def test_rules_never_import_the_engine():
    """Imports point one way: rules use audit.context/declare; the engine imports the rules."""
    import ast

    rules_dir = Path(__file__).parents[1] / "src" / "piflow" / "audit" / "rules"
    for path in sorted(rules_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            assert not any(n.startswith("piflow.audit.engine") for n in names), f"{path.name} imports the engine"


def test_exceptions_are_reported_as_exceptions_not_approvals():
    patch = {
        "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": [
            {"n": 1, "id": "give", "from": "ward", "to": "vendor", "text": "提供", "channel": "手渡し",
             "medium": "紙", "data": ["name"], "measures": ["鍵付きカバン等による運搬"]}]}],
        "exceptions": [{"key": "M103@step:s/give:handover-ledger", "basis": "文書管理規程第12条",
                        "controls": ["庁内便の送付記録"]}],
    }
    (finding,) = run("M103", patch)
    assert finding.accepted and finding.excepted and not finding.approved
    assert (finding.exception_basis, finding.exception_controls) == ("文書管理規程第12条", ("庁内便の送付記録",))


def test_channel_lists_keep_channel_for_old_callers_and_locate_errors():
    steps = [{"n": 1, "id": "give", "from": "ward", "to": "vendor", "text": "提出（郵送・窓口等）",
              "channel": ["郵送", "窓口等", "郵送"], "medium": "紙", "data": ["name"]}]
    flow = {**BASE, "scenarios": [{"id": "s", "tag": "t", "title": "t", "steps": steps}]}
    step = loads(yaml.safe_dump(flow, allow_unicode=True), "c.yaml").flow.scenarios[0].steps[0]
    assert [c.value for c in step.channels] == ["郵送", "窓口"]  # aliases resolved, duplicates dropped
    assert step.channel is step.channels[0]
    assert step.channel_tag == "【郵送・窓口】"
    steps[0]["channel"] = ["郵送", "伝書鳩"]
    with pytest.raises(InputError) as info:
        loads(yaml.safe_dump(flow, allow_unicode=True), "c.yaml")
    (diag,) = info.value.diagnostics
    assert diag.code == "P101" and "channel[1]" in diag.message
