"""Findings as SARIF 2.1.0, so a docs repository can show them in code scanning."""

from __future__ import annotations

import json
from pathlib import PurePath

from piflow import __version__
from piflow.audit.catalogue import RuleInfo
from piflow.audit.finding import Finding
from piflow.writers.audit_text import exception_text

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    return PurePath(path).as_posix().removeprefix("./")


def render(results: list[tuple[str, str, list[Finding]]], rules: list[RuleInfo]) -> str:
    index = {r.code: i for i, r in enumerate(rules)}
    sarif_results = []
    for _, _, findings in results:
        for f in findings:
            result = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": LEVEL[f.severity],
                "message": {"text": f"{f.message} ({f.message_en})"},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.file)},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    },
                    "logicalLocations": [{"name": f.subject.label, "fullyQualifiedName": f.subject.key,
                                          "kind": "object"}],
                }],
                "partialFingerprints": {"piflowKey/v1": f.key},
                "properties": {"checklist": list(f.checklist), "fix": f.fix, "measure": f.measure,
                               "piflowKind": f.kind},
            }
            if f.incomplete:
                # SARIF's own "not a failure, not decided either": kind "open" requires level "none".
                result["kind"], result["level"] = "open", "none"
            if f.excepted:
                result["suppressions"] = [{"kind": "external", "status": "accepted",
                                           "justification": f"例外 (exception) — {exception_text(f)}"}]
            elif f.approved:
                result["suppressions"] = [{"kind": "external", "status": "accepted",
                                           "justification": f"{f.accepted_reason}（{f.accepted_by}）"}]
            sarif_results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "piflow",
                "version": __version__,
                "rules": [{
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": f"{r.title} ({r.title_en})"},
                    "fullDescription": {"text": r.doc},
                    "defaultConfiguration": {"level": LEVEL[r.severity]},
                } for r in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
