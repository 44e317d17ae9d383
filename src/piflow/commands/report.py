"""piflow report: the paper a section files (figures and checklists), or with --review the review document."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import (Outputs, choose_format, print_diagnostics, input_errors_exit_2,
                                   load_all, output_targets, stem_name, unfilled_message)


def relative_href(name: str) -> str:
    """A link to a sibling file that no browser reads as a scheme (javascript:, data:): ./ and percent-encoded."""
    from urllib.parse import quote

    return "./" + quote(name, safe="")


@input_errors_exit_2
def report(paths: list[str], fmt: str | None = None, output: str | None = None, style: str | None = None,
           dpi: int = 200, policy_path: str | None = None, figures_only: bool = False,
           review: bool = False, strict: bool = False,
           out: TextIO | None = None, err: TextIO | None = None) -> int:
    """One self-contained HTML (or DOCX) paper per flow, and an index page for several.

    The paper is what the council receives: the figures, then the filled checklists.
    review: instead, the review document (overview, audit results, unanswered items, evidence),
    named NAME.review.html / .docx.
    strict: refuse to write a paper whose checklists still have 未記入 or 未対応 items (exit 1).
    figures_only: a DOCX with just the figures, one per landscape page, to attach to a proposal.
    """
    from pathlib import Path

    from piflow.audit.engine import audit as run_audit
    from piflow.diagnostics import InputError
    from piflow.draw.render import dot_path
    from piflow.draw.style import load_style
    from piflow.policy import load_policy
    from piflow.report import build
    from piflow.writers import report_docx, report_html

    out, err = out or sys.stdout, err or sys.stderr
    fmt = choose_format(output, fmt, ("html", "docx"), "html")
    if figures_only and fmt != "docx":
        print(f"エラー: --figures-only は -f docx と使います（-f {fmt} が指定されました） "
              "(--figures-only needs -f docx)", file=err)
        return exitcodes.BAD_INPUT
    if review and (figures_only or strict):
        print("エラー: --review は --figures-only・--strict と一緒には使えません（確認用の資料は提出しません） "
              "(--review makes the review document: not with --figures-only or --strict)", file=err)
        return exitcodes.BAD_INPUT
    policy = load_policy(policy_path)
    theme = load_style(style)
    dot_path()
    documents, failed = load_all(paths, err)
    suffix = ".review" if review else ""
    names, sources = [stem_name(Path(d.path).stem) + suffix for d in documents], [d.path for d in documents]
    with_index = fmt == "html" and len(documents) > 1
    index = "index" + suffix  # index.review.html beside index.html: both can share a folder
    if with_index:  # a flow called index.yaml would meet the index page
        names, sources = names + [index], sources + ["目次 (index)"]
    targets, folder = output_targets(output, names, fmt, sources)
    outputs = Outputs(len(documents), tuple(d.path for d in documents), out, err)
    rows = []
    refused = False
    for target, doc in zip(targets, documents):
        outputs.working(doc.path)
        try:
            rep = build(doc, run_audit(doc, policy), theme, with_png=(fmt == "docx"), dpi=dpi)
        except InputError as exc:  # dot could not draw one of its figures
            print_diagnostics(exc.diagnostics, err)
            failed = True
            continue
        if strict and not review and not figures_only and rep.unfilled:
            print(unfilled_message(doc.path, rep.unfilled), file=err)
            refused = True
            continue
        if review:
            data = report_docx.review_docx(rep) if fmt == "docx" else report_html.review_html(rep)
        elif fmt == "docx":
            data = report_docx.figures_docx(rep) if figures_only else report_docx.to_docx(rep)
        else:
            data = report_html.to_html(rep)
        if not outputs.write(target, data, doc.path):  # written now: a batch shows its files as they are done
            return exitcodes.BAD_INPUT
        rows.append({"href": relative_href(target.name), "title": doc.flow.proposal.title, "section": doc.flow.proposal.section,
                     "source": doc.path, "tags": [s.tag for s in doc.flow.scenarios], "counts": rep.counts,
                     "unfilled": len(rep.unfilled)})
    if with_index and not outputs.write(folder / f"{index}.html", report_html.index_html(rows, review), "index"):
        return exitcodes.BAD_INPUT
    return exitcodes.BAD_INPUT if failed else exitcodes.FINDINGS if refused else exitcodes.OK
