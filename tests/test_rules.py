"""Every requirement and graph rule against its YAML cases (tests/rules/CODE.yaml).

A case gives a partial flow merged over tests/rules/_base.yaml and the exact
finding keys the rule must produce; other rules' findings are ignored.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from piflow.audit.catalogue import all_rule_infos
from piflow.audit.engine import audit
from piflow.loader import loads

CASES_DIR = Path(__file__).parent / "rules"
BASE = yaml.safe_load((CASES_DIR / "_base.yaml").read_text(encoding="utf-8"))


def _cases():
    for path in sorted(CASES_DIR.glob("[A-Z]*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec["rule"], case, id=f"{spec['rule']}: {case['name']}")


def run(rule: str, flow_patch: dict):
    flow = {**BASE, **(flow_patch or {})}
    doc = loads(yaml.safe_dump(flow, allow_unicode=True, sort_keys=False), "case.yaml")
    return [f for f in audit(doc) if f.code == rule]


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_rule_case(rule, case):
    findings = run(rule, case["flow"])
    assert sorted(f.key for f in findings if not f.accepted) == sorted(case["expect"])


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
