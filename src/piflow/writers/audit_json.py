"""Findings as JSON (stable keys, sorted, UTF-8) for scripts and CI."""

from __future__ import annotations

import json
from collections.abc import Iterator

from piflow import __version__
from piflow.audit.finding import Finding
from piflow.writers.audit_text import summary_counts


def finding_dict(f: Finding) -> dict:
    out = {
        "key": f.key,
        "code": f.code,
        "rule": f.rule_name,
        "severity": f.severity,
        "accepted": f.approved,
        "subject": {"kind": f.subject.kind, "key": f.subject.key, "label": f.subject.label},
        "location": {"file": f.file, "line": f.line, "column": f.column},
        "message": {"ja": f.message, "en": f.message_en},
        "fix": f.fix,
        "checklist": list(f.checklist),
        "measure": f.measure,
        "kind": f.kind,
    }
    if f.location != f"{f.file}:{f.line}:{f.column}":  # a workbook's cell: book.xlsx!手順!E7
        out["location"]["place"] = f.location
    if f.approved:
        out["acceptance"] = {"reason": f.accepted_reason, "by": f.accepted_by, "date": f.accepted_date}
    if f.excepted:
        out["exception"] = {"basis": f.exception_basis, "controls": list(f.exception_controls)}
    return out


# indent= sends json through its pure-Python encoder (slower than the audit itself at 10,000
# steps); without it the C encoder runs.  So each finding is one compact line, C-encoded, and
# only the few enclosing lines are laid out here: readable, diffable, same bytes every run.
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(", ", ": ")).encode


BATCH = 1_000  # findings per piece written: 100,000 steps give 300,000 findings, 380 MB of JSON


def _list(findings: list[Finding]) -> Iterator[str]:
    if not findings:
        yield "[]"
        return
    yield "[\n"
    for start in range(0, len(findings), BATCH):
        lines = ",\n".join(f"        {_ENCODE(finding_dict(f))}" for f in findings[start:start + BATCH])
        yield lines if start == 0 else ",\n" + lines
    yield "\n      ]"


def _file_block(path: str, title: str, findings: list[Finding], settings: dict | None) -> Iterator[str]:
    """Violations under "findings", what is not written yet under "incomplete" (never mixed)."""
    yield '    {\n      "findings": '
    yield from _list([f for f in findings if not f.incomplete])
    yield ',\n      "incomplete": '
    yield from _list([f for f in findings if f.incomplete])
    used = f'      "settings": {_ENCODE(settings)},\n' if settings is not None else ""
    yield f',\n      "path": {_ENCODE(path)},\n{used}      "title": {_ENCODE(title)}\n    }}'


def pieces(results: list[tuple[str, str, list[Finding]]], settings: dict[str, dict] | None = None) -> Iterator[str]:
    """``render`` in pieces of about a thousand findings, to be written as they come: the whole text of a large
    flow's findings is never held at once (at 100,000 steps it was the largest thing in memory)."""
    yield '{\n  "files": '
    if not results:
        yield "[]"
    for i, (p, t, fs) in enumerate(results):
        yield "[\n" if i == 0 else ",\n"
        yield from _file_block(p, t, fs, (settings or {}).get(p) if settings is not None else None)
    if results:
        yield "\n  ]"
    every = [f for _, _, fs in results for f in fs]
    yield (f',\n  "summary": {_ENCODE(summary_counts(every))},\n'
           f'  "tool": {_ENCODE({"name": "piflow", "version": __version__})}\n}}\n')


def render(results: list[tuple[str, str, list[Finding]]], settings: dict[str, dict] | None = None) -> str:
    """Keys in sorted order at every level, as json.dumps(sort_keys=True) would give them.  ``settings``: the
    settings each file was read with (piflow.toml, municipality), by path."""
    return "".join(pieces(results, settings))
