"""Runs the policy requirements and the graph rules over a flow.

Rules and requirements yield ``Problem`` (what, where, why); the engine stamps
code, severity, checklist references, file position and acceptance, so the
rules stay small and know nothing about output.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import get_close_matches
from typing import Iterable

from piflow.audit.context import Context, Problem
from piflow.audit.facts import matches
from piflow.audit.finding import Finding, Subject
from piflow.audit.rules import all_rules
from piflow.catalog import Catalog, default_catalog
from piflow.checklist import measure_uses_once
from piflow.gcpause import gc_paused
from piflow.loader import Document
from piflow.policy import Policy, Requirement, policy_for


@gc_paused()
def audit(doc: Document, policy: Policy | None = None, catalog: Catalog | None = None) -> list[Finding]:
    """Every finding for one flow, sorted, with acceptances applied.

    A flow in a project with a policy pack is audited with the pack's catalog and
    policy; a ``--policy`` file (``policy``) still goes on top of the pack's.
    """
    catalog = catalog or doc.catalog or default_catalog()
    policy = policy_for(doc, policy)
    ctx = Context(doc, catalog)
    findings: list[Finding] = []
    for req in policy:
        refs = _req_checklist(req, catalog)
        findings += [_stamp(ctx, p, req.id, req.severity, refs, req.name) for p in _check_requirement(ctx, req)]
    for rule in all_rules():
        if rule.kind == "violation":
            findings += [_stamp(ctx, p, rule.code, rule.severity, rule.checklist, rule.name) for p in rule.check(ctx)]
    findings = _dedupe(findings)
    findings = _apply_acceptances(ctx, findings)
    findings = _apply_exceptions(ctx, findings)
    return sorted(findings, key=Finding.sort_key)


@gc_paused()
def completeness(doc: Document, violations: list[Finding], catalog: Catalog | None = None) -> list[Finding]:
    """What is not written yet (kind "incomplete"), apart from the violations ``audit`` found.

    Not subject to ``accepted:``: the way out is to write the item (declare, waive with
    a reason, replace the placeholder), not to approve its absence.
    """
    ctx = Context(doc, catalog or doc.catalog or default_catalog())
    ctx.violations = violations
    found = [_stamp(ctx, p, rule.code, rule.severity, rule.checklist, rule.name, kind="incomplete")
             for rule in all_rules() if rule.kind == "incomplete" for p in rule.check(ctx)]
    return sorted(_dedupe(found), key=Finding.sort_key)


def _check_requirement(ctx: Context, req: Requirement) -> Iterable[Problem]:
    facts = ctx.facts
    texts = {mid: _missing_text(ctx, req, mid) for mid in req.requires}  # once per requirement, not per finding
    if req.subject == "step":
        for ref in facts.steps:
            if matches(req.conditions, facts.step_facts(ref)):
                declared = facts.step_measures(ref, req.locations)
                subject = ctx.step(ref)
                yield from (Problem(subject, *texts[mid]["step"], mid) for mid in req.requires if mid not in declared)
    else:
        uses = measure_uses_once(ctx)
        for party in ctx.flow.parties:
            if not matches(req.conditions, facts.party_facts(party)):
                continue
            declared = dict(facts.party_measures(party)) if "self" in req.locations else {}
            if "ward" in req.locations:
                for ward in facts.wards():
                    declared.update(facts.party_measures(ward))
            subject = ctx.party(party)
            on_forms = uses.get(party.id, {})
            numbers = sorted({n for use in on_forms.values() for n in use.numbers})
            for mid in req.requires:
                use = on_forms.get(mid)
                if mid in declared or (use is not None and not use.applies):
                    continue  # declared or waived, or asked for only in a case that does not hold
                if use is not None:
                    cite = use.items
                elif numbers:  # the party's forms have no such item: say so rather than cite another form
                    cite = tuple(f"チェックリスト{n} に該当項目なし（契約・特記事項で定める）" for n in numbers)
                else:
                    cite = ()
                yield Problem(subject, *texts[mid]["party"], mid, checklist=cite)


def _missing_text(ctx: Context, req: Requirement, mid: str) -> dict[str, tuple[str, str, str]]:
    label = ctx.label(mid)
    message = f"「{label}」がありません — {req.title}。{req.why}"
    message_en = f"missing {ctx.catalog[mid].en} — {req.title_en}"
    tail = (f"の measures に「{label}」を書くか、不要なら waivers に理由を書いてください。法令等の根拠により別の管理策で"
            f"代える場合は exceptions に根拠と管理策を書けます (declare it, waive it with a reason, or state an exception"
            f" with its basis)")
    return {
        "step": (message, message_en, "この手順・送り手・受け手" + tail),
        "party": (message, message_en, "この当事者（またはそのシステム）" + tail),
    }


def _req_checklist(req: Requirement, catalog: Catalog) -> tuple[str, ...]:
    refs: dict[str, None] = {}
    for mid in req.requires:
        refs.update(dict.fromkeys(catalog.source_labels(mid)))
    return tuple(refs)


def _stamp(ctx: Context, p: Problem, code: str, severity: str, checklist: tuple[str, ...], name: str,
           kind: str = "violation") -> Finding:
    line, col = ctx.doc.where(p.subject.path)
    checklist = p.checklist or checklist
    if p.measure and not p.checklist:
        checklist = ctx.catalog.source_labels(p.measure) or checklist
    return Finding(code, severity, p.subject, p.message, p.message_en, ctx.doc.source.words(p.fix), checklist,
                   p.measure, ctx.doc.path, line, col, rule_name=name, kind=kind, detail=p.detail,  # type: ignore[arg-type]
                   place=ctx.doc.place(p.subject.path), part=p.part)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.key, f)
    return list(seen.values())


def _apply_acceptances(ctx: Context, findings: list[Finding]) -> list[Finding]:
    if not ctx.flow.accepted:
        return findings
    by_key = {a.key: a for a in ctx.flow.accepted}
    out = []
    for f in findings:
        a = by_key.get(f.key)
        out.append(replace(f, accepted_reason=a.reason, accepted_by=a.by, accepted_date=a.date) if a else f)
    keys = sorted({f.key for f in findings})
    for i, a in enumerate(ctx.flow.accepted):
        if a.key not in keys:
            out.append(_stale(ctx, "A001", "accepted", i, a.key, keys, (-1, i), "stale-acceptance",
                              f"承認済みとされた指摘「{a.key}」は", f"accepted finding {a.key!r} no longer occurs"))
    return out


def _stale(ctx: Context, code: str, where: str, i: int, key: str, keys: list[str], order: tuple, name: str,
           said: str, said_en: str) -> Finding:
    """A001 / A002: a record (accepted / exceptions) whose key no finding has, with the likely key it meant."""
    line, col = ctx.doc.where((where, i))
    subject = Subject("flow", f"{where.rstrip('s')}:{key}", f"{where}[{i}]", (where, i), order)
    same_rule = [k for k in keys if k.split("@")[0] == key.split("@")[0]]
    best = next(iter(get_close_matches(key, same_rule, cutoff=0.5)), None)  # the closest, if any is close
    fix = (f"キーを「{best}」に直すか、{where} から削除してください (did you mean {best}? or remove it)" if best
           else f"{where} から削除してください (remove it)")
    return Finding(code, "warning", subject, f"{said}、今は出ていません。記録を消すか、キーを確認してください", said_en,
                   ctx.doc.source.words(fix), (), None, ctx.doc.path, line, col, rule_name=name,
                   place=ctx.doc.place((where, i)))



def _apply_exceptions(ctx: Context, findings: list[Finding]) -> list[Finding]:
    if not ctx.flow.exceptions:
        return findings
    by_key = {e.key: e for e in ctx.flow.exceptions}
    out = [replace(f, exception_basis=e.basis, exception_controls=e.controls) if (e := by_key.get(f.key)) else f
           for f in findings]
    keys = sorted({f.key for f in findings})
    for i, e in enumerate(ctx.flow.exceptions):
        if e.key not in keys:
            out.append(_stale(ctx, "A002", "exceptions", i, e.key, keys, (-1, 1, i), "stale-exception",
                              f"例外とされた指摘「{e.key}」は", f"exception for {e.key!r}, which no longer occurs"))
    return out


__all__ = ["audit", "completeness"]
