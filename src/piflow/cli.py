"""The ``piflow`` command line: argument parsing only; the work is in piflow.commands (one module per command).

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage.

No ``from __future__ import annotations`` here: typer reads every command's annotations at each
start, and as strings each one is compiled and evaluated again (about 6 ms of a 60 ms start).
"""

import os
from enum import Enum
from typing import Annotated, Optional

import typer

from piflow import __version__, stopping
from piflow.cliusage import App
from piflow.gcpause import freeze_for_exit

app = App(
    name="piflow",
    help="個人情報の流れ図とチェックを作るツール (personal-information flow figures and checks).\n\n"
    "終了コード (exit codes): 0 問題なし (clean), 1 指摘あり (findings), 2 入力・使い方の誤り (bad input or usage).",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
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
    municipality: Annotated[
        Optional[str],
        typer.Option("--municipality", help="自治体名（既定: piflow.toml、なければ新宿区） (municipality; default from piflow.toml)"),
    ] = None,
    dot: Annotated[
        Optional[str],
        typer.Option("--dot", metavar="PATH", help="使う Graphviz の dot（dot.exe かそのフォルダ）。"
                     "環境変数 PIFLOW_DOT や PATH より優先 (the dot executable or its folder; before PIFLOW_DOT and PATH)"),
    ] = None,
) -> None:
    """個人情報の流れ図とチェック (piflow)."""
    from piflow.diagnostics import InputError
    from piflow.project import set_municipality

    try:
        set_municipality(municipality)
    except InputError as exc:
        raise typer.BadParameter(exc.diagnostics[0].message, param_hint="--municipality") from None
    from piflow.draw.dotrun import set_dot

    set_dot(dot)  # None too: a --dot of an earlier run in the same process does not stay


@app.command(epilog="piflow validate flows/\npiflow validate flows/x.yaml flows/y.yaml")
def validate(paths: Paths) -> None:
    """フローファイルを検証する (check flow files; exit 0 valid, 2 invalid)."""
    from piflow.commands import validate as command

    raise typer.Exit(command.validate(paths))


@app.command(epilog="piflow schema > piflow.schema.json")
def schema() -> None:
    """フローファイルの JSON Schema を出力する (print the JSON Schema for editors)."""
    from piflow.commands import validate as command

    raise typer.Exit(command.schema())


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class AuditFailOn(str, Enum):
    """audit's --fail-on: the severities, or ``incomplete`` (every violation and every blank)."""

    error = "error"
    warning = "warning"
    info = "info"
    incomplete = "incomplete"


PolicyOpt = Annotated[
    Optional[str],
    typer.Option("--policy", help="既定のポリシーに重ねるポリシーファイル (policy file merged over the default)"),
]


@app.command(epilog="piflow audit flows/\n"
                    "piflow audit flows/ --fail-on warning\n"
                    "piflow audit flows/x.yaml --format sarif > audit.sarif")
def audit(
    paths: Paths,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="出力形式 (output format)")] = Format.text,
    fail_on: Annotated[
        AuditFailOn, typer.Option("--fail-on", help="この重大度以上の指摘で終了コード 1。incomplete は未記入・○○ も含む"
                                                    " (exit 1 at or above; incomplete: also blanks)")
    ] = AuditFailOn.error,
    strict: Annotated[bool, typer.Option("--strict", help="未記入の項目や「○○」が残っていても終了コード 1"
                                                          " (incomplete items fail the run too)")] = False,
    policy: PolicyOpt = None,
) -> None:
    """必要な保護対策の抜けを指摘する (audit flows: exit 0 clean, 1 findings, 2 bad input)."""
    from piflow.commands import audit as command

    raise typer.Exit(command.audit(paths, fmt.value, fail_on.value, policy, strict=strict))


@app.command(epilog="piflow rules\n"
                    "piflow rules --explain M104\n"
                    "piflow rules --measures")
def rules(
    explain: Annotated[
        Optional[str], typer.Option("--explain", "-e", help="ルールのコードまたは保護対策の説明 (explain a code or measure)")
    ] = None,
    measures: Annotated[bool, typer.Option("--measures", help="保護対策カタログを一覧 (list the measure catalog)")] = False,
    policy: PolicyOpt = None,
) -> None:
    """ルールと保護対策の一覧・説明 (list rules and measures, or explain one)."""
    from piflow.commands import audit as command

    raise typer.Exit(command.rules(explain, measures, policy))


class DrawFormat(str, Enum):
    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"


class MeasureMode(str, Enum):
    show = "show"
    hide = "hide"
    footnote = "footnote"


class PageSize(str, Enum):
    a4_landscape = "a4-landscape"
    a4_portrait = "a4-portrait"
    a3_landscape = "a3-landscape"
    none = "none"


@app.command(epilog="piflow draw flows/ -o out/\n"
                    "piflow draw flows/x.yaml -s 49-3 -o 49-3.png --dpi 300\n"
                    "piflow draw flows/ --style mono --measures footnote --page a4-portrait\n"
                    "piflow --dot C:\\Graphviz\\bin\\dot.exe draw flows/")
def draw(
    paths: Paths,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", help="出力フォルダ（既定 out/）、または図が1枚のときのファイル名。- は標準出力（SVG・DOT 1 枚のとき） "
                      "(folder, or file for one figure; - for standard output)"),
    ] = None,
    fmt: Annotated[
        Optional[DrawFormat],
        typer.Option("--format", "-f", help="出力形式。省略すると -o の拡張子、なければ svg (output format; default: from -o, else svg)"),
    ] = None,
    scenario: Annotated[
        Optional[str], typer.Option("--scenario", "-s", help="描くシナリオの id または資料番号 (one scenario: id or tag)")
    ] = None,
    dpi: Annotated[Optional[int], typer.Option("--dpi", min=30, max=1200, help="PNG の解像度（印刷は 300） (PNG resolution)")] = None,
    style: Annotated[
        Optional[str], typer.Option("--style", help="テーマ名（default, mono）または YAML ファイル (theme name or file)")
    ] = None,
    measures: Annotated[
        MeasureMode, typer.Option("--measures", help="保護対策の表示: show 図中 / footnote 脚注 / hide 非表示")
    ] = MeasureMode.show,
    data: Annotated[bool, typer.Option("--data", help="手順に情報項目を書く (show data items on steps)")] = False,
    audit_marks: Annotated[bool, typer.Option("--audit", help="監査の指摘を図に赤で示す (mark audit findings)")] = False,
    policy: PolicyOpt = None,
    page: Annotated[
        PageSize, typer.Option("--page", help="用紙: 図をこの用紙の印刷範囲（余白10mm）に合わせる。入りきらない手順は次のページへ。"
                                              "none は用紙に合わせず1枚 (paper the figure is fitted to; none: natural size, one sheet)")
    ] = PageSize.a4_landscape,
) -> None:
    """個人情報の流れ図を描く (draw the figures: SVG, PNG, PDF or DOT; one file per 資料 tag and page)."""
    from piflow.commands import draw as command

    raise typer.Exit(command.draw(paths, output, fmt.value if fmt else None, scenario, dpi, style, measures.value, data,
                                  audit_marks, policy, page=page.value))


class ChecklistFormat(str, Enum):
    html = "html"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"


class ReportFormat(str, Enum):
    html = "html"
    docx = "docx"


OutputOpt = Annotated[
    Optional[str],
    typer.Option("--output", "-o", help="出力フォルダ（既定 out/）、またはファイルが1つのときのファイル名。"
                 "- は標準出力（文字の出力 1 つのとき） (folder, or file; - for standard output)"),
]


@app.command(epilog="piflow checklist flows/x.yaml -o x.xlsx\npiflow checklist flows/ -f csv -o out/")
def checklist(
    paths: Paths,
    fmt: Annotated[
        Optional[ChecklistFormat],
        typer.Option("--format", "-f", help="出力形式。省略すると -o の拡張子、なければ html (output format; default: from -o, else html)"),
    ] = None,
    output: OutputOpt = None,
    policy: PolicyOpt = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="未記入・未対応の項目があるフローは書かずに終了コード 1 (refuse unanswered items; exit 1)")] = False,
) -> None:
    """別紙チェックリストを記入する (fill checklists 1-8: ○ / －（理由） / 未対応)."""
    from piflow.commands import checklist as command

    raise typer.Exit(command.checklist(paths, fmt.value if fmt else None, output, policy, strict))


@app.command(epilog="piflow report flows/ -o out/report\n"
                    "piflow report flows/ --review -o out/report\n"
                    "piflow report flows/x.yaml -o x.docx\n"
                    "piflow report flows/x.yaml -f docx --figures-only")
def report(
    paths: Paths,
    fmt: Annotated[
        Optional[ReportFormat],
        typer.Option("--format", "-f", help="出力形式。省略すると -o の拡張子、なければ html (output format; default: from -o, else html)"),
    ] = None,
    output: OutputOpt = None,
    style: Annotated[Optional[str], typer.Option("--style", help="図のテーマ (figure theme)")] = None,
    dpi: Annotated[int, typer.Option("--dpi", min=72, max=600, help="DOCX に入れる図の解像度 (figure resolution in DOCX)")] = 200,
    policy: PolicyOpt = None,
    figures_only: Annotated[bool, typer.Option(
        "--figures-only", help="図だけの DOCX（1ページに1図、（資料xx-x）付き） (DOCX of the figures only)")] = False,
    review: Annotated[bool, typer.Option(
        "--review", help="提出用ではなく確認用の資料（概要・監査の結果・未記入の項目・根拠）を 名前.review.html/.docx に"
                         " (the review document instead of the filed paper)")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="チェックリストに未記入・未対応の項目があれば書かずに終了コード 1"
                         " (refuse to write a paper with unanswered checklist items)")] = False,
) -> None:
    """付議資料（図と記入済みのチェックリスト）を HTML または Word で作る。--review で確認用の資料
    (the filed paper: figures and checklists; --review: overview, findings, blanks, evidence)."""
    from piflow.commands import report as command

    raise typer.Exit(command.report(paths, fmt.value if fmt else None, output, style, dpi, policy, figures_only,
                                    review, strict))


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


@app.command(epilog="piflow diff flows/x.yaml --rev HEAD~1\n"
                    "piflow diff old.yaml new.yaml --figure out/diff\n"
                    "piflow diff old.yaml new.yaml -f json")
def diff(
    old: Annotated[str, typer.Argument(help="旧版のフローファイル (--rev のときは比べるファイル)", show_default=False)],
    new: Annotated[Optional[str], typer.Argument(help="新版のフローファイル", show_default=False)] = None,
    rev: Annotated[
        Optional[str], typer.Option("--rev", help="git のリビジョンの版と作業中の版を比べる (compare with a git revision)")
    ] = None,
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="出力形式 (output format)")] = DiffFormat.text,
    figure: Annotated[
        Optional[str], typer.Option("--figure", help="変更点を示した新版の図 (SVG) を書くフォルダ (folder for highlighted figures)")
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="この重大度以上の指摘が新たに出たら終了コード 1")
    ] = FailOn.error,
    policy: PolicyOpt = None,
) -> None:
    """二つの版を意味で比べる (semantic diff of two versions and its effect on the audit)."""
    from piflow.commands import diff as command

    raise typer.Exit(command.diff(old, new, rev, fmt.value, figure, fail_on.value, policy))


@app.command(epilog="piflow init --list\npiflow init flows/new.yaml -t dvd-outsourcing --title 〇〇業務")
def init(
    path: Annotated[Optional[str], typer.Argument(help="作るフローファイル (the file to create)", show_default=False)] = None,
    template: Annotated[
        Optional[str], typer.Option("--template", "-t", help="テンプレート名（省略すると質問します）")
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="件名 (the proposal's title)")] = None,
    list_only: Annotated[bool, typer.Option("--list", help="テンプレートの一覧 (list templates)")] = False,
) -> None:
    """新しいフローファイルを雛形から作る (scaffold a flow file; never overwrites)."""
    import sys

    from piflow.commands import init as command

    def ask(names: list[str]) -> str:
        for i, name in enumerate(names, start=1):
            typer.echo(f"  {i}. {name}")
        choice = typer.prompt("テンプレートの番号 (template number)", type=int)
        return names[choice - 1] if 1 <= choice <= len(names) else str(choice)

    raise typer.Exit(command.init(path, template, title, list_only, ask if sys.stdin.isatty() else None))


form_app = App(
    help="Excel の記入用ブック (the workbook form): new 作る / export フロー→ブック / import ブック→フロー。"
    "validate・audit・draw などは .xlsx をそのまま読みます (every command also reads .xlsx).",
    no_args_is_help=True,
)
app.add_typer(form_app, name="form")


@form_app.command("new", epilog="piflow form new 〇〇.xlsx -t dvd-outsourcing\n"
                                "piflow form new 〇〇.xlsx --title 〇〇業務")
def form_new(
    path: Annotated[str, typer.Argument(help="作るブック (.xlsx)", show_default=False)],
    template: Annotated[
        Optional[str], typer.Option("--template", "-t", help="init のテンプレート名で記入例つき（省略すると空のブック）")
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="件名 (the proposal's title)")] = None,
) -> None:
    """記入用ブックを作る (write a blank or template form; never overwrites)."""
    from piflow.commands import form as command

    raise typer.Exit(command.new(path, template, title))


@form_app.command("export", epilog="piflow form export flows/x.yaml -o x.xlsx")
def form_export(
    path: Annotated[str, typer.Argument(help="フローファイル (.yaml)", show_default=False)],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="書くブック（既定: 同じ名前の .xlsx）")] = None,
    force: Annotated[bool, typer.Option("--force", help="既にあるブックを置き換える (replace an existing workbook)")] = False,
) -> None:
    """フローファイルを記入用ブックにする (write a flow into the form; an existing workbook only with --force)."""
    from piflow.commands import form as command

    raise typer.Exit(command.export(path, output, force=force))


@form_app.command("import", epilog="piflow form import 〇〇.xlsx -o flows/x.yaml")
def form_import(
    path: Annotated[str, typer.Argument(help="記入用ブック (.xlsx)", show_default=False)],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="書くフローファイル（既定: 同じ名前の .yaml）")] = None,
    force: Annotated[bool, typer.Option("--force", help="既にあるフローファイルを置き換える (replace an existing flow file)")] = False,
) -> None:
    """記入用ブックをフローファイルにする (read the form, validate it, write the flow file; an existing one only with --force)."""
    from piflow.commands import form as command

    raise typer.Exit(command.import_(path, output, force=force))


def _safe_streams() -> None:
    """``piflow audit > a.txt`` writes UTF-8 like every file piflow makes, and a terminal that cannot show
    a character (LANG=C, an ASCII console, cp932 and an emoji) gets it as \\uXXXX, never an exception.

    On Windows a redirected stream uses the ANSI code page (cp932), which would write
    Shift_JIS and fail on characters outside it (髙, ㈱ in some fonts, emoji).
    """
    import sys

    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure"):
            continue
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding == "utf8":
            continue
        if stream.isatty():
            stream.reconfigure(errors="backslashreplace")
        else:
            stream.reconfigure(encoding="utf-8")


def main() -> None:
    # Usage errors exit 2 (click's convention), matching our "bad input" code.
    # pydantic looks for plugins among every installed package's entry points on its first model
    # (about 10 ms at each start); the command uses none.  A library caller keeps its own setting.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _safe_streams()
    stopping.install()  # SIGTERM stops a run as Ctrl+C does, with the same cleanup (exit 143)
    try:
        app()
    finally:
        freeze_for_exit()


if __name__ == "__main__":
    main()
