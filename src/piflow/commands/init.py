"""piflow init: a new flow file from a template."""

from __future__ import annotations

import sys
from typing import TextIO

from piflow import exitcodes


def init(path: str | None, template: str | None, title: str | None = None, list_only: bool = False,
         ask=None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Write a new flow file from a template; never overwrite.  ``ask`` chooses interactively."""
    from pathlib import Path

    from piflow.commands.common import title_problem
    from piflow.project import municipality_for
    from piflow.scaffold import TEMPLATES, template_text
    from piflow.textnorm import did_you_mean
    from piflow.writers.files import OutputError

    from piflow.terminal import visible_stream

    out, err = visible_stream(out or sys.stdout), visible_stream(err or sys.stderr)  # -t and the path are echoed
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
    problem = title_problem(title)
    if problem:
        print(problem, file=err)
        return exitcodes.BAD_INPUT
    target = Path(path)
    try:
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True)
        with open(target, "x", encoding="utf-8") as fh:  # "x": never overwrite
            fh.write(template_text(template, title, municipality_for(target)))
    except FileExistsError as exc:
        if exc.filename != str(target):  # mkdir met a file where the folder should be (/dev/null/x.yaml)
            print(str(OutputError(f"書き込めません (cannot write) {target}: {exc.filename} はフォルダではありません "
                                  "(not a folder)")), file=err)
            return exitcodes.BAD_INPUT
        print(f"{target} は既にあります。上書きしません (exists; not overwritten)", file=err)
        return exitcodes.BAD_INPUT
    except OSError as exc:
        print(str(OutputError(f"書き込めません (cannot write) {target}: {exc.strerror}")), file=err)
        return exitcodes.BAD_INPUT
    print(f"{target} を作りました（{TEMPLATES[template]}）。", file=out)
    print(f"次に (next): 「○○」を書き換え、piflow validate {target} と piflow audit {target}", file=out)
    return exitcodes.OK
