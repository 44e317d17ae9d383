"""Findings as SARIF 2.1.0, so a docs repository can show them in code scanning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePath

from piflow import __version__
from piflow.audit.catalogue import RuleInfo
from piflow.audit.finding import Finding
from piflow.writers.audit_text import exception_text

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    return PurePath(path).as_posix().removeprefix("./")


# indent=2 is json's pure-Python encoder: each result is encoded on its own and written as it comes, never
# the whole document (100,000 steps gave 300,000 results, 4 GB held at once as dicts and then as text).
_ENCODE = json.JSONEncoder(ensure_ascii=False, indent=2, sort_keys=True).encode
_RESULTS = '"results": []'  # where the results go in the document encoded without them
_RESULT_INDENT = "\n" + " " * 8  # a result's lines sit under document, runs, run and results
BATCH = 1_000  # results per piece written


def _result(f: Finding, index: dict[str, int]) -> dict:
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
    return result


def pieces(results: list[tuple[str, str, list[Finding]]], rules: list[RuleInfo]) -> Iterator[str]:
    """``render`` in pieces of about a thousand results, the same bytes as ``json.dumps(indent=2, sort_keys=True)``
    of the whole document."""
    index = {r.code: i for i, r in enumerate(rules)}
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
            "results": [],
        }],
    }
    # Quotes inside strings are escaped, so the empty list's key occurs once: where the results go.
    head, _, tail = _ENCODE(doc).partition(_RESULTS)
    findings = [f for _, _, fs in results for f in fs]
    if not findings:
        yield head + _RESULTS + tail + "\n"
        return
    yield head + '"results": ['
    for start in range(0, len(findings), BATCH):
        batch = (_ENCODE(_result(f, index)).replace("\n", _RESULT_INDENT) for f in findings[start:start + BATCH])
        yield ("," if start else "") + ",".join(_RESULT_INDENT + encoded for encoded in batch)
    yield "\n      ]" + tail + "\n"


def render(results: list[tuple[str, str, list[Finding]]], rules: list[RuleInfo]) -> str:
    return "".join(pieces(results, rules))
