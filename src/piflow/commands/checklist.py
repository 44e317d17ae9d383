"""piflow checklist: the checklists 1–8 filled per flow."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import (Outputs, choose_format, input_errors_exit_2, load_all, output_targets, stem_name,
                                   unfilled_message)


@input_errors_exit_2
def checklist(paths: list[str], fmt: str | None = None, output: str | None = None, policy_path: str | None = None,
              strict: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Fill the checklists that apply to each flow.

    strict: a flow whose checklists still have 未記入 or 未対応 items gets no file (exit 1), as ``report --strict``.
    """
    from pathlib import Path

    from piflow.audit.engine import audit as run_audit
    from piflow.checklist import fill, unfilled
    from piflow.policy import load_policy
    from piflow.writers.checklist_out import WRITERS

    out, err = out or sys.stdout, err or sys.stderr
    fmt = choose_format(output, fmt, tuple(WRITERS), "html")
    policy = load_policy(policy_path)
    documents, failed = load_all(paths, err)
    targets, _ = output_targets(output, [f"{stem_name(Path(d.path).stem)}.checklist" for d in documents], fmt,
                                [d.path for d in documents])
    outputs = Outputs(len(documents), tuple(d.path for d in documents), out, err)
    refused = False
    for target, doc in zip(targets, documents):
        outputs.working(doc.path)
        forms = fill(doc, run_audit(doc, policy))
        gaps = unfilled(forms) if strict else []
        if gaps:
            print(unfilled_message(doc.path, gaps, "チェックリスト"), file=err)
            refused = True
            continue
        if not outputs.write(target, WRITERS[fmt](doc, forms), doc.path):
            return exitcodes.BAD_INPUT
    return exitcodes.BAD_INPUT if failed else exitcodes.FINDINGS if refused else exitcodes.OK
