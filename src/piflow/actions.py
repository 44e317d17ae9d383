"""What each CLI command does, as plain functions returning an exit code.

The typer layer (``piflow.cli``) only parses arguments and calls these; keeping
the work here lets tests call it directly and keeps the CLI free of logic.
Heavy modules (pydantic models, networkx, graphviz) are imported inside the
functions that need them so ``piflow --help`` starts fast.
"""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes


def _print_diagnostics(diagnostics, err: TextIO) -> None:
    for d in diagnostics:
        print(d.format(), file=err)


def load_all(paths: list[str], err: TextIO):
    """Load every flow under ``paths``; returns (documents, had_errors)."""
    from piflow.diagnostics import Diagnostic, InputError
    from piflow.loader import discover, load

    files = discover(paths)
    if not files:
        _print_diagnostics([Diagnostic(p, 1, 1, "P001", "フローファイル (.yaml) がありません", "no flow files found")
                            for p in paths], err)
        return [], True
    documents, failed = [], False
    for name in files:
        try:
            documents.append(load(name))
        except InputError as exc:
            _print_diagnostics(exc.diagnostics, err)
            failed = True
    return documents, failed


def validate(paths: list[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    documents, failed = load_all(paths, err)
    for doc in documents:
        steps = sum(len(s.steps) for s in doc.flow.scenarios)
        print(f"{doc.path}: OK（シナリオ {len(doc.flow.scenarios)}、ステップ {steps}）", file=out)
    if failed:
        print("入力に誤りがあります (invalid input)", file=err)
        return exitcodes.BAD_INPUT
    return exitcodes.OK


def schema(out: TextIO | None = None) -> int:
    out = out or sys.stdout
    from piflow.schema import flow_json_schema

    out.write(flow_json_schema())
    return exitcodes.OK


def _threshold_hit(findings, fail_on: str) -> bool:
    from piflow.audit.finding import SEVERITY_RANK

    limit = SEVERITY_RANK[fail_on]
    return any(not f.accepted and SEVERITY_RANK[f.severity] <= limit for f in findings)


def audit(paths: list[str], fmt: str = "text", fail_on: str = "error", policy_path: str | None = None,
          out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Audit every flow in one process; print findings in ``fmt``."""
    from piflow.audit.engine import audit as run_audit
    from piflow.diagnostics import InputError
    from piflow.policy import load_policy

    out, err = out or sys.stdout, err or sys.stderr
    try:
        policy = load_policy(policy_path)
    except InputError as exc:
        _print_diagnostics(exc.diagnostics, err)
        return exitcodes.BAD_INPUT
    documents, failed = load_all(paths, err)
    results = [(doc.path, doc.flow.proposal.title, run_audit(doc, policy)) for doc in documents]
    if fmt == "json":
        from piflow.writers import audit_json

        out.write(audit_json.render(results))
    elif fmt == "sarif":
        from piflow.audit.catalogue import all_rule_infos
        from piflow.writers import audit_sarif

        out.write(audit_sarif.render(results, all_rule_infos(policy)))
    else:
        from piflow.writers import audit_text

        out.write(audit_text.render(results))
    if failed:
        return exitcodes.BAD_INPUT
    every = [f for _, _, fs in results for f in fs]
    return exitcodes.FINDINGS if _threshold_hit(every, fail_on) else exitcodes.OK


def rules(explain: str | None = None, measures: bool = False, policy_path: str | None = None,
          out: TextIO | None = None, err: TextIO | None = None) -> int:
    """List rules (or measures), or explain one code or measure id."""
    from piflow.audit.catalogue import all_rule_infos
    from piflow.catalog import default_catalog
    from piflow.diagnostics import InputError
    from piflow.policy import load_policy
    from piflow.textnorm import did_you_mean

    out, err = out or sys.stdout, err or sys.stderr
    try:
        infos = all_rule_infos(load_policy(policy_path))
    except InputError as exc:
        _print_diagnostics(exc.diagnostics, err)
        return exitcodes.BAD_INPUT
    catalog = default_catalog()
    if explain:
        info = next((i for i in infos if i.code.lower() == explain.lower() or i.name == explain), None)
        if info:
            print(info.doc, file=out)
            return exitcodes.OK
        try:
            (mid,) = catalog.resolve(explain)
        except ValueError:
            mid = None
        if mid:
            m = catalog[mid]
            refs = "、".join(str(s) for s in m.sources)
            print(f"{m.id}: {m.label} ({m.en})\n{m.category_ja}\n\n区が行う: {m.ward_text}\n委託先等に行わせる: {m.partner_text}\n\n"
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
        print(f"{i.code}  {i.severity:7}  {i.name:28} {i.title} ({i.title_en})", file=out)
    return exitcodes.OK


def _safe_name(text: str) -> str:
    import re

    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "figure"


def draw(paths: list[str], output: str | None = None, fmt: str = "svg", scenario: str | None = None,
         dpi: int | None = None, style: str | None = None, measures: str = "show", show_data: bool = False,
         audit_marks: bool = False, policy_path: str | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Render every scenario (or one) of each flow; one file per 資料 tag."""
    from pathlib import Path

    from piflow.diagnostics import InputError
    from piflow.draw.figure import Options, build_figure
    from piflow.draw.render import dot_path, render
    from piflow.draw.style import load_style
    from piflow.textnorm import did_you_mean, normalize
    from piflow.writers.files import OutputError, write_atomic

    out, err = out or sys.stdout, err or sys.stderr
    try:
        theme = load_style(style)
        if fmt != "dot":
            dot_path()
        if audit_marks:
            from piflow.audit.engine import audit as run_audit
            from piflow.policy import load_policy

            policy = load_policy(policy_path)
    except InputError as exc:
        _print_diagnostics(exc.diagnostics, err)
        return exitcodes.BAD_INPUT
    documents, failed = load_all(paths, err)
    jobs = []
    for doc in documents:
        chosen = list(doc.flow.scenarios)
        if scenario:
            want = normalize(scenario)
            chosen = [s for s in chosen if want in (s.id, normalize(s.tag), normalize(s.tag).removeprefix("資料"))]
            if not chosen:
                names = [s.id for s in doc.flow.scenarios] + [s.tag for s in doc.flow.scenarios]
                print(f"{doc.path}: シナリオ「{scenario}」がありません (no such scenario). "
                      f"{did_you_mean(scenario, names) or '使えるもの: ' + ', '.join(names)}", file=err)
                failed = True
                continue
        findings = run_audit(doc, policy) if audit_marks else None
        jobs += [(doc, sc, findings) for sc in chosen]
    single_file = output is not None and output.lower().endswith(f".{fmt}") and len(jobs) == 1
    folder = Path(output or "out")
    inputs = tuple(d.path for d in documents)
    for doc, sc, findings in jobs:
        graph = build_figure(doc, sc, theme, Options(measures=measures, show_data=show_data, findings=findings))  # type: ignore[arg-type]
        data = render(graph.source, fmt, dpi)
        target = Path(output) if single_file else folder / f"{_safe_name(sc.tag)}.{fmt}"
        try:
            write_atomic(target, data, inputs)
        except OutputError as exc:
            print(str(exc), file=err)
            return exitcodes.BAD_INPUT
        print(f"{target}  ← {doc.path} [{sc.tag}]", file=out)
    if output and output.lower().endswith(f".{fmt}") and len(jobs) > 1:
        print(f"注意: 図が {len(jobs)} 枚あるため、{folder} をフォルダとして使いました "
              f"(several figures: wrote into the folder)", file=err)
    return exitcodes.BAD_INPUT if failed else exitcodes.OK


def _targets(output: str | None, names: list[str], fmt: str):
    """Where each output goes: a single file when one is asked for, else names in a folder (default out/)."""
    from pathlib import Path

    if output is not None and output.lower().endswith(f".{fmt}") and len(names) == 1:
        return [Path(output)], Path(output).parent
    folder = Path(output or "out")
    return [folder / f"{n}.{fmt}" for n in names], folder


def _write_all(pairs, inputs, out, err) -> int:
    from piflow.writers.files import OutputError, write_atomic

    for target, data, note in pairs:
        try:
            write_atomic(target, data, inputs)
        except OutputError as exc:
            print(str(exc), file=err)
            return exitcodes.BAD_INPUT
        print(f"{target}  ← {note}", file=out)
    return exitcodes.OK


def checklist(paths: list[str], fmt: str = "html", output: str | None = None, policy_path: str | None = None,
              out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Fill the checklists that apply to each flow."""
    from pathlib import Path

    from piflow.audit.engine import audit as run_audit
    from piflow.checklist import fill
    from piflow.diagnostics import InputError
    from piflow.policy import load_policy
    from piflow.writers.checklist_out import WRITERS

    out, err = out or sys.stdout, err or sys.stderr
    try:
        policy = load_policy(policy_path)
    except InputError as exc:
        _print_diagnostics(exc.diagnostics, err)
        return exitcodes.BAD_INPUT
    documents, failed = load_all(paths, err)
    targets, _ = _targets(output, [f"{Path(d.path).stem}.checklist" for d in documents], fmt)
    pairs = [(t, WRITERS[fmt](d, fill(d, run_audit(d, policy))), d.path) for t, d in zip(targets, documents)]
    rc = _write_all(pairs, tuple(d.path for d in documents), out, err)
    return exitcodes.BAD_INPUT if failed else rc


def report(paths: list[str], fmt: str = "html", output: str | None = None, style: str | None = None,
           dpi: int = 200, policy_path: str | None = None,
           out: TextIO | None = None, err: TextIO | None = None) -> int:
    """One self-contained HTML (or DOCX) report per flow, and an index page for several."""
    from pathlib import Path

    from piflow.audit.engine import audit as run_audit
    from piflow.diagnostics import InputError
    from piflow.draw.render import dot_path
    from piflow.draw.style import load_style
    from piflow.policy import load_policy
    from piflow.report import build
    from piflow.writers import report_docx, report_html

    out, err = out or sys.stdout, err or sys.stderr
    try:
        policy = load_policy(policy_path)
        theme = load_style(style)
        dot_path()
    except InputError as exc:
        _print_diagnostics(exc.diagnostics, err)
        return exitcodes.BAD_INPUT
    documents, failed = load_all(paths, err)
    targets, folder = _targets(output, [Path(d.path).stem for d in documents], fmt)
    pairs, rows = [], []
    for target, doc in zip(targets, documents):
        rep = build(doc, run_audit(doc, policy), theme, with_png=(fmt == "docx"), dpi=dpi)
        data = report_docx.to_docx(rep) if fmt == "docx" else report_html.to_html(rep)
        pairs.append((target, data, doc.path))
        rows.append({"href": target.name, "title": doc.flow.proposal.title, "section": doc.flow.proposal.section,
                     "source": doc.path, "tags": [s.tag for s in doc.flow.scenarios], "counts": rep.counts})
    if fmt == "html" and len(documents) > 1:
        pairs.append((folder / "index.html", report_html.index_html(rows), "index"))
    rc = _write_all(pairs, tuple(d.path for d in documents), out, err)
    return exitcodes.BAD_INPUT if failed else rc
