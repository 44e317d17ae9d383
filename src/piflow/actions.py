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
