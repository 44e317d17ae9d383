"""What every hostile case asserts: the command ran in process, never with a traceback."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from piflow.cli import app

# file:line:col in a flow or theme file (a name may hold spaces); book.xlsx!sheet!cell in a workbook, or the book alone
LOCATED = re.compile(r"^(.+?):(\d+):(\d+): エラー\[(P\d{3})\]", re.M)
LOCATED_IN_BOOK = re.compile(r"^\S+\.xls[xm](?:!\S+!\S+)?: エラー\[(P\d{3})\]", re.M)

_runner = CliRunner()


def run(args: list[str], env: dict[str, str] | None = None, input: str | bytes | None = None) -> tuple[int, str]:
    """piflow ARGS in this process: (exit code, stdout and stderr).  An exception that escaped is a failure."""
    result = _runner.invoke(app, [str(a) for a in args], env=env, input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"piflow {' '.join(map(str, args))}: {type(result.exception).__name__}: "
                             f"{result.exception}") from result.exception
    assert "Traceback" not in result.output, result.output[-2000:]
    return result.exit_code, result.output


def located(output: str) -> list[tuple[str, int]]:
    """(code, line) of every located error in a flow or theme file."""
    return [(m.group(4), int(m.group(2))) for m in LOCATED.finditer(output)]
