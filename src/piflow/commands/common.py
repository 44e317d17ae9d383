"""What the commands share: loading flows, mapping input errors to exit 2, naming and writing outputs."""

from __future__ import annotations

import functools
import sys
from typing import TextIO

from piflow import exitcodes


MAX_PRINTED = 50  # a merge-key bomb gives hundreds; the first ones say what is wrong


def print_diagnostics(diagnostics, err: TextIO) -> None:
    diagnostics = list(diagnostics)
    for d in diagnostics[:MAX_PRINTED]:
        print(d.format(), file=err)
    if len(diagnostics) > MAX_PRINTED:
        more = len(diagnostics) - MAX_PRINTED
        print(f"…ほか {more} 件 (and {more} more)", file=err)


def input_errors_exit_2(action):
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
            print_diagnostics(exc.diagnostics, err)
            return exitcodes.BAD_INPUT

    return run


def load_all(paths: list[str], err: TextIO):
    """Load every flow under ``paths``; returns (documents, had_errors)."""
    from piflow.diagnostics import Diagnostic, InputError
    from piflow.loader import discover, load

    files = discover(paths)
    if not files:
        print_diagnostics([Diagnostic(p, 1, 1, "P001", "フローファイル (.yaml) がありません", "no flow files found")
                            for p in paths], err)
        return [], True
    documents, failed = [], False
    for name in files:
        try:
            documents.append(load(name))
        except InputError as exc:
            print_diagnostics(exc.diagnostics, err)
            failed = True
    return documents, failed



def threshold_hit(findings, fail_on: str) -> bool:
    from piflow.audit.finding import SEVERITY_RANK

    limit = SEVERITY_RANK[fail_on]
    return any(not f.accepted and SEVERITY_RANK[f.severity] <= limit for f in findings)



def safe_name(text: str) -> str:
    import re

    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "figure"



def output_targets(output: str | None, names: list[str], fmt: str):
    """Where each output goes: a single file when one is asked for, else names in a folder (default out/)."""
    from pathlib import Path

    if output is not None and output.lower().endswith(f".{fmt}") and len(names) == 1:
        return [Path(output)], Path(output).parent
    folder = Path(output or "out")
    return [folder / f"{n}.{fmt}" for n in names], folder


def write_all(pairs, inputs, out, err) -> int:
    from piflow.writers.files import OutputError, write_atomic

    for target, data, note in pairs:
        try:
            write_atomic(target, data, inputs)
        except OutputError as exc:
            print(str(exc), file=err)
            return exitcodes.BAD_INPUT
        print(f"{target}  ← {note}", file=out)
    return exitcodes.OK
