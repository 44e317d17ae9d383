"""piflow form: the Excel workbook form (new, export a flow into one, import one back as a flow file)."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes
from piflow.commands.common import (STDOUT, UsageError, input_errors_exit_2, refuse_binary_stdout, title_problem,
                                   write_all)


def _require_suffix(path: str, suffixes: tuple[str, ...], what: str) -> None:
    from pathlib import PurePath

    if PurePath(path).suffix.lower() not in suffixes:
        raise UsageError(f"{path}: {what}の名前は {' / '.join(suffixes)} で終えてください (the file must end in {suffixes[0]})")


@input_errors_exit_2
def new(path: str, template: str | None = None, title: str | None = None, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    """A blank form, or one filled from an ``init`` template; never overwrites."""
    from pathlib import Path

    from piflow.form.writer import to_xlsx
    from piflow.loader import loads
    from piflow.scaffold import TEMPLATES, template_text
    from piflow.textnorm import did_you_mean

    out, err = out or sys.stdout, err or sys.stderr
    _require_suffix(path, (".xlsx",), "記入用ブック")
    if template is not None and template not in TEMPLATES:
        raise UsageError(f"テンプレート「{template}」はありません (no such template). "
                         f"{did_you_mean(template, list(TEMPLATES)) or '使えるもの: ' + ', '.join(TEMPLATES)}")
    problem = title_problem(title)
    if problem:
        raise UsageError(problem)
    flow = loads(template_text(template, title), f"<{template}>").flow if template else None
    note = f"記入用ブック（{TEMPLATES[template]}）" if template else "記入用ブック（空）"
    rc = write_all([(Path(path), to_xlsx(flow), note)], (), out, err, replace=False)
    if rc == exitcodes.OK:
        print(f"次に (next): Excel で記入し、piflow validate {path}", file=out)
    return rc


@input_errors_exit_2
def export(path: str, output: str | None = None, out: TextIO | None = None, err: TextIO | None = None,
           force: bool = False) -> int:
    """A flow file -> the form, filled in; an existing workbook (someone may be filling it in) only with --force."""
    from pathlib import Path

    from piflow.form.writer import to_xlsx
    from piflow.loader import load

    out, err = out or sys.stdout, err or sys.stderr
    if output == STDOUT:
        refuse_binary_stdout("xlsx")
    target = Path(output) if output else Path(path).with_suffix(".xlsx")
    _require_suffix(str(target), (".xlsx",), "出力")
    doc = load(path)
    return write_all([(target, to_xlsx(doc.flow), doc.path)], (doc.path,), out, err, replace=force)


@input_errors_exit_2
def import_(path: str, output: str | None = None, out: TextIO | None = None, err: TextIO | None = None,
            force: bool = False) -> int:
    """The form -> a flow file (YAML); the form is validated first, errors located at cells.  An existing
    flow file (hand-edited, perhaps) is replaced only with --force."""
    from pathlib import Path

    from piflow.form.yamlout import to_yaml
    from piflow.loader import load

    out, err = out or sys.stdout, err or sys.stderr
    target = Path(output) if output else Path(path).with_suffix(".yaml")
    if output != STDOUT:  # -o -: the flow file on standard output
        _require_suffix(str(target), (".yaml", ".yml"), "出力")
    doc = load(path)
    return write_all([(target, to_yaml(doc.flow).encode("utf-8"), doc.path)], (doc.path,), out, err, replace=force)
