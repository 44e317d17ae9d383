"""How the command line talks: usage errors and help in Japanese, English alongside.

typer (with the click it bundles) says "No such command", "Invalid value for '--format':
Value error, 'jpg' is not one of …" and "Show this message and exit.", and shows
parameter types as ``<list[str]>``.  ``App`` is a ``typer.Typer`` whose group and
commands say these things the way the rest of piflow does; ``piflow.cli`` declares
every command on it (a new command group should use ``App`` too).
"""

from __future__ import annotations

import errno
import os
import re
import sys
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from piflow.terminal import visible
from piflow.textnorm import did_you_mean

HELP_OPTION = "この説明を表示する (show this help)"
OPTION_HELP = {  # typer's own options, in English otherwise
    "--install-completion": "使っているシェルに補完を設定する (install completion for the current shell)",
    "--show-completion": "補完のスクリプトを表示する (show the completion script, to install it by hand)",
}
_TYPE = re.compile(r" <([^<>]+)>$")  # typer's "<str>", "<int range>", "<list[str]>", "<svg|png>"


class _Help:
    """Help text: Japanese headings, plain metavars, an example section from the epilog."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="使い方 (usage): ")

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []  # type: ignore[attr-defined]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces += param.get_usage_pieces(ctx)
        if isinstance(self, TyperGroup):
            pieces.append("COMMAND [ARGS]...")
        return pieces

    def format_options(self, ctx, formatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None:
                continue
            name, text = record
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), _bilingual_tags(text)))
            else:
                name = _TYPE.sub(lambda m: " " + _option_metavar(param, m.group(1)), name)
                options.append((name, _bilingual_tags(OPTION_HELP.get(param.opts[0], text))))
        for title, rows in (("引数 (arguments)", arguments), ("オプション (options)", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        if isinstance(self, TyperGroup):
            self.format_commands(ctx, formatter)

    def format_epilog(self, ctx, formatter) -> None:
        """The epilog holds examples, one command per line: written as they are, not re-wrapped."""
        if self.epilog:  # type: ignore[attr-defined]
            formatter.write_paragraph()
            formatter.write_text("例 (examples):")
            for line in self.epilog.strip("\n").splitlines():  # type: ignore[attr-defined]
                formatter.write(f"  {line}\n")


def _argument_name(param) -> str:
    name = (param.metavar or param.name or "").upper()
    return f"{name}..." if param.nargs != 1 else name


def _option_metavar(param, shown: str) -> str:
    if "|" in shown:  # the choices: worth showing, in click's brackets
        return "[" + shown.removeprefix("list[").removesuffix("]") + "]"
    return param.metavar or (param.name or "value").upper()


def _bilingual_tags(text: str) -> str:
    return (text.replace("[required]", "[必須 (required)]").replace("[default: ", "[既定 (default): ")
            .replace("[env var: ", "[環境変数 (env var): "))


class PiflowCommand(_Help, TyperCommand):
    pass


class PiflowGroup(_Help, TyperGroup):
    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("コマンド (commands)"):
                formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode: bool = True, **extra: Any):
        """Run, and say a usage error in Japanese (exit 2) instead of click's English."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `piflow` alone: the help, as click does
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.UsageError as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.exceptions.ClickException as exc:
            print(visible(f"エラー (error): {exc.format_message()}"), file=sys.stderr)
            sys.exit(exc.exit_code)
        except typer.Abort:
            print("\n中断しました (aborted)", file=sys.stderr)
            sys.exit(130)
        except OSError as exc:  # standard output on a full disk (> /dev/full) or a device that failed
            if exc.errno == errno.EPIPE:  # the reader went away (| head): as before
                raise
            _stdout_to_null()
            try:
                print(visible(f"エラー (error): 出力を書けません: {exc.strerror or exc} (cannot write the output: {exc})"),
                      file=sys.stderr)
            except OSError:  # standard error is on the full disk too: the exit code says it
                pass
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)


def _stdout_to_null() -> None:
    """Point standard output at the null device, so what is still buffered does not fail again at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real file behind it (a test's capture)
        pass


class App(typer.Typer):
    """``typer.Typer`` whose group and commands speak as above."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("cls", PiflowGroup)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("cls", PiflowCommand)
        return super().command(*args, **kwargs)


# --- usage errors ----------------------------------------------------------------------

def show_usage_error(exc) -> None:
    ja, hint = japanese(exc)
    en = exc.format_message().replace("Value error, ", "")
    if exc.message and str(exc.message) in ja:  # our own message, Japanese with English already
        en = ""
    lines = [f"エラー: {ja}" + (f" ({en})" if en else "")]
    if hint:
        lines.append(f"    {hint}")
    ctx = exc.ctx
    if ctx is not None:
        lines.append(ctx.get_usage())
        lines.append(f"詳しくは (see): {ctx.command_path} -h")
    print(visible("\n".join(lines)), file=sys.stderr)


def japanese(exc) -> tuple[str, str]:
    """The Japanese message and a suggestion for one of click's usage errors."""
    message = str(exc.message)
    ctx = exc.ctx
    if isinstance(exc, click.exceptions.NoSuchOption):
        options = [o for p in (ctx.command.get_params(ctx) if ctx else []) for o in (*p.opts, *p.secondary_opts)
                   if o.startswith("-")]
        return f"「{exc.option_name}」というオプションはありません", did_you_mean(exc.option_name, options)
    m = re.match(r"No such command '(.*?)'\.", message, re.S)
    if m:
        commands = ctx.command.list_commands(ctx) if ctx and hasattr(ctx.command, "list_commands") else []
        hint = did_you_mean(m.group(1), commands) or f"コマンドの一覧 (commands): {', '.join(commands)}"
        return f"「{m.group(1)}」というコマンドはありません", hint
    if isinstance(exc, click.exceptions.MissingParameter):
        param = exc.param
        name = _argument_name(param).removesuffix("...") if param is not None and param.param_type_name == "argument" \
            else (param.opts[0] if param is not None else "")
        return f"{name} を指定してください（必須です）", ""
    if isinstance(exc, click.exceptions.BadParameter):
        return _bad_value(exc)
    m = re.match(r"Option '(.+)' requires an argument", message) or \
        re.match(r"Option '(.+)' requires (\d+) arguments", message)
    if m:
        return f"{m.group(1)} の後ろに値を書いてください", ""
    m = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", message, re.S)
    if m:
        return f"余分な引数があります: {m.group(1)}", "オプションの値に空白があるときは引用符で囲んでください (quote values with spaces)"
    return "使い方の誤り (usage error)", ""


def _bad_value(exc) -> tuple[str, str]:
    param = exc.param
    hint = exc.param_hint if exc.param_hint is not None else (param.opts[0] if param is not None and param.opts else "")
    if not isinstance(hint, str):
        hint = " / ".join(hint)
    if param is not None and param.param_type_name == "argument":
        hint = _argument_name(param)
    message = str(exc.message).replace("Value error, ", "")
    if re.search(r"[^\x00-\x7f]", message):  # our own BadParameter text, already Japanese
        return f"{hint}: {message}", ""
    m = re.match(r"(.+) is not one of (.+)\.$", message, re.S)
    if m:
        given = m.group(1).strip("'\"")
        choices = [c.strip().strip("'\"") for c in m.group(2).split(",")]
        return (f"{hint} に「{given}」は使えません。使えるのは {', '.join(choices)} です",
                did_you_mean(given, choices))
    m = re.search(r"(greater|less) than or equal to (\S+)", message)
    if m:
        return f"{hint} は {m.group(2)} {'以上' if m.group(1) == 'greater' else '以下'}にしてください", ""
    m = re.search(r"(greater|less) than (\S+)", message)
    if m:
        return f"{hint} は {m.group(2)} より{'大きく' if m.group(1) == 'greater' else '小さく'}してください", ""
    if "valid integer" in message:
        return f"{hint} は整数で書いてください", ""
    if "valid number" in message:
        return f"{hint} は数で書いてください", ""
    return f"{hint} の値が正しくありません", ""
