"""piflow validate and piflow schema."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import input_errors_exit_2, load_all


@input_errors_exit_2
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
