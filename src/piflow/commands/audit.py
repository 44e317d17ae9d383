"""piflow audit and piflow rules."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import Loaded, input_errors_exit_2, threshold_hit


@input_errors_exit_2
def audit(paths: list[str], fmt: str = "text", fail_on: str = "error", policy_path: str | None = None,
          out: TextIO | None = None, err: TextIO | None = None, strict: bool = False) -> int:
    """Audit every flow in one process; print findings in ``fmt``.

    Violations fail the run at or above ``fail_on``.  Completeness findings (what is
    not written yet) are always listed, apart; they fail the run with ``strict`` or
    ``fail_on="incomplete"`` (which also fails on every violation).
    """
    from piflow.audit.engine import audit as run_audit
    from piflow.audit.engine import completeness
    from piflow.policy import load_policy
    from piflow.project import settings_note

    out, err = out or sys.stdout, err or sys.stderr
    if fail_on == "incomplete":
        fail_on, strict = "info", True
    policy = load_policy(policy_path)
    # One flow at a time: read, audit, keep its findings, let it go (2,000 flows peaked at 600 MB held at once).
    documents = Loaded(paths, err, progress="監査 (audit) ")  # a folder of flows: progress on a terminal
    results, settings = [], {}
    for doc in documents:
        violations = run_audit(doc, policy)
        results.append((doc.path, doc.flow.proposal.title, violations + completeness(doc, violations)))
        settings[doc.path] = settings_note(doc.path)
    failed = documents.failed
    if fmt == "json":
        from piflow.writers import audit_json

        for piece in audit_json.pieces(results, settings):  # written as they come, never all at once
            out.write(piece)
    elif fmt == "sarif":
        from piflow.audit.catalogue import all_rule_infos
        from piflow.writers import audit_sarif

        for piece in audit_sarif.pieces(results, all_rule_infos(policy)):
            out.write(piece)
    else:
        from piflow.writers import audit_text

        for piece in audit_text.pieces(results, settings):
            out.write(piece)
    if failed:
        return exitcodes.BAD_INPUT
    every = [f for _, _, fs in results for f in fs]
    violations = [f for f in every if not f.incomplete]
    incomplete = strict and any(f.incomplete for f in every)
    return exitcodes.FINDINGS if threshold_hit(violations, fail_on) or incomplete else exitcodes.OK


@input_errors_exit_2
def rules(explain: str | None = None, measures: bool = False, policy_path: str | None = None,
          out: TextIO | None = None, err: TextIO | None = None) -> int:
    """List rules (or measures), or explain one code or measure id."""
    from piflow.audit.catalogue import all_rule_infos
    from piflow.policy import load_policy
    from piflow.textnorm import did_you_mean

    from piflow.pack import catalog_in, pack_folder, policy_file_in

    out, err = out or sys.stdout, err or sys.stderr
    # The current folder's project: its policy pack's measures and requirements, then --policy.
    pack = pack_folder(None)
    catalog = catalog_in(pack)
    policy = load_policy(policy_path, catalog)
    pack_policy = policy_file_in(pack)
    if pack_policy:
        from piflow.policy import merged

        policy = merged(load_policy(pack_policy, catalog), policy.overlay)
    infos = all_rule_infos(policy, catalog)
    if explain:
        info = next((i for i in infos if i.code.lower() == explain.lower() or i.name == explain), None)
        if info:
            # The heading bilingual from the rule's titles; the body has each section in Japanese, then English.
            first, _, body = info.doc.partition("\n")
            body = body if first.startswith(info.code) else "\n" + info.doc
            print(f"{info.code} {info.name}: {info.title} ({info.title_en})\n{body.rstrip()}", file=out)
            return exitcodes.OK
        try:
            (mid,) = catalog.resolve(explain)
        except ValueError:
            mid = None
        if mid:
            from piflow.project import DEFAULT_MUNICIPALITY, municipality_for

            m = catalog[mid]
            refs = "、".join(str(s) for s in m.sources)
            # The sentences name the seed papers' ward; say the current project's instead.
            ward_text, partner_text = (t.replace(DEFAULT_MUNICIPALITY, municipality_for(None))
                                       for t in (m.ward_text, m.partner_text))
            print(f"{m.id}: {m.label} ({m.en})\n{m.category_ja}\n\n区が行う: {ward_text}\n委託先等に行わせる: {partner_text}\n\n"
                  f"出典 (from): {refs}\n別名 (aliases): {'、'.join(m.aliases) or '-'}", file=out)
            return exitcodes.OK
        hint = did_you_mean(explain, [i.code for i in infos] + [i.name for i in infos])
        print(f"「{explain}」というルール・保護対策はありません (no such rule or measure). {hint}", file=err)
        return exitcodes.BAD_INPUT
    if measures:
        for m in catalog:
            print(f"{m.id:28} {m.label}  [{m.category_ja}] ({m.en})", file=out)
        return exitcodes.OK
    for i in infos:
        level = "incomplete" if i.kind == "completeness" else i.severity  # listed apart from violations
        print(f"{i.code}  {level:10}  {i.name:28} {i.title} ({i.title_en})", file=out)
    return exitcodes.OK
