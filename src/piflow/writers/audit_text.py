"""Findings as text for a terminal: grouped by file and by step or party."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby, islice

from piflow.audit.finding import SEVERITY_JA, Finding
from piflow.terminal import visible


def summary_counts(findings: list[Finding]) -> dict[str, int]:
    """Violations by severity, accepted ones, and (apart) the incomplete items."""
    counts = {"error": 0, "warning": 0, "info": 0, "accepted": 0, "exception": 0, "incomplete": 0}
    for f in findings:
        counts["incomplete" if f.incomplete else "exception" if f.excepted else "accepted" if f.approved
               else f.severity] += 1
    return counts


def summary_line(c: dict[str, int]) -> str:
    """「エラー 2 件、警告 1 件、… 未完成 30 件」: the counts a report prints, blanks included."""
    return (f"エラー {c['error']} 件、警告 {c['warning']} 件、情報 {c['info']} 件、承認済み {c['accepted']} 件、"
            f"例外 {c['exception']} 件、未完成（未記入の項目など） {c['incomplete']} 件")


def exception_text(f: Finding) -> str:
    """「根拠: … ／ 代わりの管理策: …」 for an excepted finding."""
    return f"根拠: {f.exception_basis} ／ 代わりの管理策: {'、'.join(f.exception_controls)}"


def _grouped(findings: list[Finding]):
    for _, group in groupby(findings, key=lambda f: f.subject.key):
        yield list(group)


def settings_line(note: dict | None) -> str | None:
    """「設定 (settings): flows/piflow.toml（新宿区）」 when a piflow.toml or --municipality was used."""
    if not note or not (note.get("file") or note.get("override")):
        return None
    where = "--municipality" if note.get("override") else note["file"]
    return f"  設定 (settings): {where}（{note['municipality']}）"


def _lines(results: list[tuple[str, str, list[Finding]]], settings: dict[str, dict] | None) -> Iterator[str]:
    every: list[Finding] = []
    for path, title, findings in results:
        every += findings
        violations = [f for f in findings if not f.incomplete]
        incomplete = [f for f in findings if f.incomplete]
        yield f"{path} — {title}"
        note = settings_line((settings or {}).get(path))
        if note:
            yield note
        if not findings:
            yield "  指摘なし (no findings)"
        elif not violations:
            yield "  違反なし (no violations)"
        for group in _grouped(violations):
            head = group[0]
            yield f"  {head.subject.label}  [{head.location}]"
            for f in group:
                mark = "例外" if f.excepted else "承認済み" if f.approved else SEVERITY_JA[f.severity]
                yield f"    {mark} {f.code} {f.message}"
                yield f"        ({f.message_en})"
                if f.excepted:
                    yield f"        例外 (exception): {exception_text(f)}"
                elif f.approved:
                    yield f"        承認: {f.accepted_reason}（{f.accepted_by}{'、' + f.accepted_date if f.accepted_date else ''}）"
                elif f.fix:
                    yield f"        修正 (fix): {f.fix}"
                if f.checklist:
                    yield f"        根拠 (from): {'、'.join(f.checklist)}"
                yield f"        キー (key): {f.key}"
        if incomplete:
            yield (f"  未完成 {len(incomplete)} 件 — 違反ではありませんが、このままでは空欄のまま提出になります"
                   f" (incomplete: not violations, but blanks in what is filed)")
        for group in _grouped(incomplete):
            head = group[0]
            yield f"    {head.subject.label}  [{head.location}]"
            for f in group:
                yield f"      未完成 {f.code} {f.message}"
                yield f"          修正 (fix): {f.fix}"
                yield f"          キー (key): {f.key}"
        yield ""
    c = summary_counts(every)
    yield (
        f"集計 (summary): エラー {c['error']}、警告 {c['warning']}、情報 {c['info']}、承認済み {c['accepted']}、"
        f"例外 {c['exception']}、未完成 {c['incomplete']}（{len(results)} ファイル） errors {c['error']}, "
        f"warnings {c['warning']}, info {c['info']}, accepted {c['accepted']}, exceptions {c['exception']}, "
        f"incomplete {c['incomplete']}"
    )


BATCH = 5_000  # lines per piece written


def pieces(results: list[tuple[str, str, list[Finding]]], settings: dict[str, dict] | None = None) -> Iterator[str]:
    """``render`` in pieces of a few thousand lines, to be written as they come (never the whole text at once)."""
    lines = _lines(results, settings)
    while batch := list(islice(lines, BATCH)):
        yield visible("\n".join(batch) + "\n")  # a label or reason never restyles the terminal


def render(results: list[tuple[str, str, list[Finding]]], settings: dict[str, dict] | None = None) -> str:
    """results: (path, title, findings) per file; settings: the settings each file was read with, by path."""
    return "".join(pieces(results, settings))
