"""The ``piflow`` command line: argument parsing only; the work is in piflow.actions.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from piflow import __version__

app = typer.Typer(
    name="piflow",
    help="個人情報の流れ図とチェックを作るツール (personal-information flow figures and checks).\n\n"
    "終了コード (exit codes): 0 問題なし (clean), 1 指摘あり (findings), 2 入力・使い方の誤り (bad input or usage).",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Paths = Annotated[list[str], typer.Argument(help="フローファイルまたはフォルダ (flow files or folders)", show_default=False)]


def _version(value: bool) -> None:
    if value:
        print(f"piflow {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="版を表示 (show the version)"),
    ] = None,
) -> None:
    """個人情報の流れ図とチェック (piflow)."""


@app.command()
def validate(paths: Paths) -> None:
    """フローファイルを検証する (check flow files; exit 0 valid, 2 invalid)."""
    from piflow import actions

    raise typer.Exit(actions.validate(paths))


@app.command()
def schema() -> None:
    """フローファイルの JSON Schema を出力する (print the JSON Schema for editors)."""
    from piflow import actions

    raise typer.Exit(actions.schema())


def main() -> None:
    # Usage errors exit 2 (click's convention), matching our "bad input" code.
    app()


if __name__ == "__main__":
    main()
