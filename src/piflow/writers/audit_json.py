"""Findings as JSON (stable keys, sorted, UTF-8) for scripts and CI."""

from __future__ import annotations

import json

from piflow import __version__
from piflow.audit.finding import Finding
from piflow.writers.audit_text import summary_counts


def finding_dict(f: Finding) -> dict:
    out = {
        "key": f.key,
        "code": f.code,
        "rule": f.rule_name,
        "severity": f.severity,
        "accepted": f.accepted,
        "subject": {"kind": f.subject.kind, "key": f.subject.key, "label": f.subject.label},
        "location": {"file": f.file, "line": f.line, "column": f.column},
        "message": {"ja": f.message, "en": f.message_en},
        "fix": f.fix,
        "checklist": list(f.checklist),
        "measure": f.measure,
    }
    if f.accepted:
        out["acceptance"] = {"reason": f.accepted_reason, "by": f.accepted_by, "date": f.accepted_date}
    return out


def render(results: list[tuple[str, str, list[Finding]]]) -> str:
    every = [f for _, _, fs in results for f in fs]
    doc = {
        "tool": {"name": "piflow", "version": __version__},
        "files": [{"path": p, "title": t, "findings": [finding_dict(f) for f in fs]} for p, t, fs in results],
        "summary": summary_counts(every),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
