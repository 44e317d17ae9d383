"""What each CLI command does, as plain functions returning an exit code.

The typer layer (``piflow.cli``) only parses arguments and calls these; keeping
the work here lets tests call it directly and keeps the CLI free of logic.
Heavy modules (pydantic models, networkx, graphviz) are imported inside the
functions that need them so ``piflow --help`` starts fast.
"""

from __future__ import annotations

import functools
import sys
from typing import TextIO

from piflow import exitcodes


def _print_diagnostics(diagnostics, err: TextIO) -> None:
    for d in diagnostics:
        print(d.format(), file=err)


def _input_errors_exit_2(action):
    """A command whose input (flow, policy, theme, Graphviz) fails prints the located diagnostics and exits 2.

    One place for what every command did in its own try/except; errors that should
    only skip one file or figure are still caught where they happen.
    """

    @functools.wraps(action)
    def run(*args, **kwargs):
        from piflow.diagnostics import InputError

        try:
            return action(*args, **kwargs)
        except InputError as exc:
            import inspect

            err = inspect.signature(action).bind(*args, **kwargs).arguments.get("err") or sys.stderr
            _print_diagnostics(exc.diagnostics, err)
            return exitcodes.BAD_INPUT

    return run


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


@_input_errors_exit_2
def audit(paths: list[str], fmt: str = "text", fail_on: str = "error", policy_path: str | None = None,
          out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Audit every flow in one process; print findings in ``fmt``."""
    from piflow.audit.engine import audit as run_audit
    from piflow.policy import load_policy

    out, err = out or sys.stdout, err or sys.stderr
    policy = load_policy(policy_path)
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


@_input_errors_exit_2
def rules(explain: str | None = None, measures: bool = False, policy_path: str | None = None,
          out: TextIO | None = None, err: TextIO | None = None) -> int:
    """List rules (or measures), or explain one code or measure id."""
    from piflow.audit.catalogue import all_rule_infos
    from piflow.catalog import default_catalog
    from piflow.policy import load_policy
    from piflow.textnorm import did_you_mean

    out, err = out or sys.stdout, err or sys.stderr
    infos = all_rule_infos(load_policy(policy_path))
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


@_input_errors_exit_2
def draw(paths: list[str], output: str | None = None, fmt: str = "svg", scenario: str | None = None,
         dpi: int | None = None, style: str | None = None, measures: str = "show", show_data: bool = False,
         audit_marks: bool = False, policy_path: str | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Render every scenario (or one) of each flow; one file per 資料 tag."""

    from piflow.diagnostics import InputError
    from piflow.draw.figure import Options, build_figure
    from piflow.draw.render import dot_path, render
    from piflow.draw.style import load_style
    from piflow.textnorm import did_you_mean, normalize

    out, err = out or sys.stdout, err or sys.stderr
    theme = load_style(style)
    if fmt != "dot":
        dot_path()
    if audit_marks:
        from piflow.audit.engine import audit as run_audit
        from piflow.policy import load_policy

        policy = load_policy(policy_path)
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
    rendered = []
    for doc, sc, findings in jobs:
        graph = build_figure(doc, sc, theme, Options(measures=measures, show_data=show_data, findings=findings))  # type: ignore[arg-type]
        try:
            rendered.append((doc, sc, render(graph.source, fmt, dpi)))
        except InputError as exc:  # dot could not draw this figure; the others are still written
            _print_diagnostics(exc.diagnostics, err)
            failed = True
    targets, folder = _targets(output, [_safe_name(sc.tag) for _, sc, _ in rendered], fmt)
    pairs = [(t, data, f"{doc.path} [{sc.tag}]") for t, (doc, sc, data) in zip(targets, rendered)]
    if _write_all(pairs, tuple(d.path for d in documents), out, err):
        return exitcodes.BAD_INPUT
    if output and output.lower().endswith(f".{fmt}") and len(rendered) > 1:
        print(f"注意: 図が {len(rendered)} 枚あるため、{folder} をフォルダとして使いました "
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


@_input_errors_exit_2
def checklist(paths: list[str], fmt: str = "html", output: str | None = None, policy_path: str | None = None,
              out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Fill the checklists that apply to each flow."""
    from pathlib import Path

    from piflow.audit.engine import audit as run_audit
    from piflow.checklist import fill
    from piflow.policy import load_policy
    from piflow.writers.checklist_out import WRITERS

    out, err = out or sys.stdout, err or sys.stderr
    policy = load_policy(policy_path)
    documents, failed = load_all(paths, err)
    targets, _ = _targets(output, [f"{Path(d.path).stem}.checklist" for d in documents], fmt)
    pairs = [(t, WRITERS[fmt](d, fill(d, run_audit(d, policy))), d.path) for t, d in zip(targets, documents)]
    rc = _write_all(pairs, tuple(d.path for d in documents), out, err)
    return exitcodes.BAD_INPUT if failed else rc


@_input_errors_exit_2
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
    policy = load_policy(policy_path)
    theme = load_style(style)
    dot_path()
    documents, failed = load_all(paths, err)
    targets, folder = _targets(output, [Path(d.path).stem for d in documents], fmt)
    pairs, rows = [], []
    for target, doc in zip(targets, documents):
        try:
            rep = build(doc, run_audit(doc, policy), theme, with_png=(fmt == "docx"), dpi=dpi)
        except InputError as exc:  # dot could not draw one of its figures
            _print_diagnostics(exc.diagnostics, err)
            failed = True
            continue
        data = report_docx.to_docx(rep) if fmt == "docx" else report_html.to_html(rep)
        pairs.append((target, data, doc.path))
        rows.append({"href": target.name, "title": doc.flow.proposal.title, "section": doc.flow.proposal.section,
                     "source": doc.path, "tags": [s.tag for s in doc.flow.scenarios], "counts": rep.counts})
    if fmt == "html" and len(documents) > 1:
        pairs.append((folder / "index.html", report_html.index_html(rows), "index"))
    rc = _write_all(pairs, tuple(d.path for d in documents), out, err)
    return exitcodes.BAD_INPUT if failed else rc


def _load_revision(path: str, rev: str, err: TextIO):
    """The flow file as it was at git revision ``rev``."""
    import subprocess
    from pathlib import Path

    from piflow.diagnostics import Diagnostic, InputError
    from piflow.loader import loads
    from piflow.yamlsource import decode

    p = Path(path).resolve()
    try:
        proc = subprocess.run(["git", "-C", str(p.parent), "show", f"{rev}:./{p.name}"],
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError([Diagnostic(path, 1, 1, "P001", "git が見つかりません", "git not found")]) from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise InputError([Diagnostic(f"{path}@{rev}", 1, 1, "P001", f"git から読めません: {message}",
                                     "cannot read the file at that revision")])
    name = f"{path}@{rev}"
    text, errors = decode(name, proc.stdout)
    if text is None:
        raise InputError(errors)
    return loads(text, name)


@_input_errors_exit_2
def diff(old_path: str, new_path: str | None = None, rev: str | None = None, fmt: str = "text",
         figure: str | None = None, fail_on: str = "error", policy_path: str | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """What changed between two versions of a flow, and what that does to the audit."""
    import json

    from piflow.audit.engine import audit as run_audit
    from piflow.diagnostics import Diagnostic, InputError
    from piflow.diff import KIND_JA, KIND_ORDER, diff as run_diff
    from piflow.loader import load
    from piflow.policy import load_policy

    out, err = out or sys.stdout, err or sys.stderr
    if (new_path is None) == (rev is None):
        raise InputError([Diagnostic(old_path, 1, 1, "P001", "比べる相手を NEW か --rev のどちらか一つで指定してください",
                                     "give either NEW or --rev")])
    old = _load_revision(old_path, rev, err) if rev else load(old_path)
    new = load(old_path if rev else new_path)
    policy = load_policy(policy_path)
    changes = sorted(run_diff(old, new), key=lambda c: (KIND_ORDER[c.kind], c.entity, c.key))
    before = {f.key: f for f in run_audit(old, policy) if not f.accepted}
    after = {f.key: f for f in run_audit(new, policy) if not f.accepted}
    introduced = [after[k] for k in sorted(after.keys() - before.keys())]
    resolved = [before[k] for k in sorted(before.keys() - after.keys())]
    if fmt == "json":
        doc = {
            "old": old.path, "new": new.path,
            "changes": [{"kind": c.kind, "entity": c.entity, "key": c.key, "label": c.label, "field": c.field,
                         "before": c.before, "after": c.after, "text": c.describe()} for c in changes],
            "findings": {"introduced": [{"key": f.key, "severity": f.severity, "message": f.message} for f in introduced],
                         "resolved": [{"key": f.key, "severity": f.severity, "message": f.message} for f in resolved]},
        }
        out.write(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    else:
        print(f"差分 (diff): {old.path} → {new.path}", file=out)
        if not changes:
            print("  意味のある変更はありません (no meaningful changes)", file=out)
        mark = {"added": "+", "removed": "-", "changed": "~", "renumbered": "#"}
        for kind in ("added", "removed", "changed", "renumbered"):
            group = [c for c in changes if c.kind == kind]
            if group:
                print(f"{KIND_JA[kind]} ({kind})", file=out)
                for c in group:
                    print(f"  {mark[kind]} {c.describe()}", file=out)
        print("監査への影響 (effect on the audit)", file=out)
        for title, items in (("新たな指摘 (introduced)", introduced), ("解消した指摘 (resolved)", resolved)):
            print(f"  {title}: {len(items)}", file=out)
            for f in items:
                print(f"    {f.severity} {f.key} — {f.message.split(' — ')[0]}", file=out)
        counts = {k: sum(c.kind == k for c in changes) for k in KIND_JA}
        print(f"集計 (summary): 追加 {counts['added']}、削除 {counts['removed']}、変更 {counts['changed']}、"
              f"番号の変更 {counts['renumbered']}；新たな指摘 {len(introduced)}、解消 {len(resolved)}", file=out)
    if figure:
        rc = _diff_figures(old, new, changes, figure, out, err)
        if rc:
            return rc
    return exitcodes.FINDINGS if _threshold_hit(introduced, fail_on) else exitcodes.OK


def _diff_figures(old, new, changes, folder: str, out: TextIO, err: TextIO) -> int:
    from pathlib import Path

    from piflow.diff import step_identity
    from piflow.draw.figure import Options, build_figure
    from piflow.draw.render import render
    from piflow.draw.style import load_style

    theme = load_style(None)
    old_scenarios = {s.id: s for s in old.flow.scenarios}
    pairs = []
    for sc in new.flow.scenarios:
        prev = old_scenarios.get(sc.id)
        kept = {step_identity(s) for s in sc.steps}
        removed = [s for s in prev.steps if step_identity(s) not in kept] if prev else []
        mine = [c for c in changes if not c.key.startswith("step:") or c.key.startswith(f"step:{sc.id}/")]
        graph = build_figure(new, sc, theme, Options(changes=mine, removed_steps=removed))
        pairs.append((Path(folder) / f"{_safe_name(sc.tag)}.diff.svg", render(graph.source, "svg"), sc.tag))
    return _write_all(pairs, (new.path,), out, err)


def init(path: str | None, template: str | None, title: str | None = None, list_only: bool = False,
         ask=None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Write a new flow file from a template; never overwrite.  ``ask`` chooses interactively."""
    from pathlib import Path

    from piflow.scaffold import TEMPLATES, template_text
    from piflow.textnorm import did_you_mean
    from piflow.writers.files import OutputError

    out, err = out or sys.stdout, err or sys.stderr
    names = list(TEMPLATES)
    if list_only or path is None:
        for i, (name, text) in enumerate(TEMPLATES.items(), start=1):
            print(f"{i}. {name:20} {text}", file=out)
        if path is None and not list_only:
            print("作るファイルの名前を指定してください (give the file to create): piflow init flows/new.yaml", file=err)
            return exitcodes.BAD_INPUT
        return exitcodes.OK
    if template is None:
        if ask is None:
            print("テンプレートを --template で指定してください (choose with --template):", file=err)
            for name, text in TEMPLATES.items():
                print(f"  {name:20} {text}", file=err)
            return exitcodes.BAD_INPUT
        template = ask(names)
    if template not in TEMPLATES:
        print(f"テンプレート「{template}」はありません (no such template). "
              f"{did_you_mean(template, names) or '使えるもの: ' + ', '.join(names)}", file=err)
        return exitcodes.BAD_INPUT
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as fh:  # "x": never overwrite
            fh.write(template_text(template, title))
    except FileExistsError:
        print(f"{target} は既にあります。上書きしません (exists; not overwritten)", file=err)
        return exitcodes.BAD_INPUT
    except OSError as exc:
        print(str(OutputError(f"書き込めません (cannot write) {target}: {exc.strerror}")), file=err)
        return exitcodes.BAD_INPUT
    print(f"{target} を作りました（{TEMPLATES[template]}）。", file=out)
    print(f"次に (next): 「○○」を書き換え、piflow validate {target} と piflow audit {target}", file=out)
    return exitcodes.OK
