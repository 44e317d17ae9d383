"""piflow draw: one figure file per 資料 tag."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import (choose_format, print_diagnostics, input_errors_exit_2, load_all, safe_name,
                                   output_targets, write_all)


@input_errors_exit_2
def draw(paths: list[str], output: str | None = None, fmt: str | None = None, scenario: str | None = None,
         dpi: int | None = None, style: str | None = None, measures: str = "show", show_data: bool = False,
         audit_marks: bool = False, policy_path: str | None = None, page: str = "a4-landscape",
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Render every scenario (or one) of each flow; one file per 資料 tag and page."""

    from piflow.diagnostics import InputError
    from piflow.draw.figure import Options, figure_pages, render_page
    from piflow.draw.render import dot_path
    from piflow.draw.style import load_style
    from piflow.textnorm import did_you_mean, normalize

    out, err = out or sys.stdout, err or sys.stderr
    fmt = choose_format(output, fmt, ("svg", "png", "pdf", "dot"), "svg")
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
    pages = []
    for doc, sc, findings in jobs:
        options = Options(measures=measures, show_data=show_data, findings=findings)  # type: ignore[arg-type]
        drawn, warning = figure_pages(doc, sc, theme, options, page)
        if warning:
            print(f"{doc.path}: 警告: {warning}", file=err)
        pages += [(doc, sc, fp) for fp in drawn]
    # Names first: two figures bound for one file stop the run before anything is drawn.
    names = [safe_name(sc.tag if fp.count == 1 else f"{sc.tag}_p{fp.number}") for _, sc, fp in pages]
    targets, _ = output_targets(output, names, fmt, [f"{doc.path} [{fp.tag}]" for doc, _, fp in pages])
    pairs = []
    for target, (doc, sc, fp) in zip(targets, pages):
        try:
            pairs.append((target, render_page(fp, fmt, dpi), f"{doc.path} [{fp.tag}]"))
        except InputError as exc:  # Graphviz could not draw this figure; the others are still written
            print_diagnostics(exc.diagnostics, err)
            failed = True
    rc = write_all(pairs, tuple(d.path for d in documents), out, err)
    return exitcodes.BAD_INPUT if failed else rc
