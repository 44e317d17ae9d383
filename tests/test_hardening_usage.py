"""Issue 14 item 14: usage errors and help in Japanese with English alongside, examples, completion."""

from __future__ import annotations

import re
import shlex

import pytest
import typer
from typer.testing import CliRunner

from conftest import ROOT
from piflow.cli import app

runner = CliRunner()
COMMANDS = ["validate", "schema", "audit", "rules", "draw", "checklist", "report", "diff", "init",
            "form new", "form export", "form import"]


@pytest.mark.parametrize("args, japanese, english", [
    (["nosuch"], "「nosuch」というコマンドはありません", "No such command"),
    (["drow", "x"], "もしかして (did you mean): draw", "No such command 'drow'"),
    (["draw", "-f", "jpg", "x"], "--format に「jpg」は使えません。使えるのは svg, png, pdf, dot です", "'jpg' is not one of"),
    (["validate"], "PATHS を指定してください（必須です）", "Missing argument"),
    (["draw", "--dpi", "5", "x"], "--dpi は 30 以上にしてください", "greater than or equal to 30"),
    (["draw", "--dpi", "abc", "x"], "--dpi は整数で書いてください", "valid integer"),
    (["audit", "--fial-on", "warning", "x"], "「--fial-on」というオプションはありません", "No such option"),
    (["audit", "--fial-on", "warning", "x"], "もしかして (did you mean): --fail-on", "--fial-on"),
    (["draw", "x", "-o"], "-o の後ろに値を書いてください", "requires an argument"),
    (["diff", "a", "b", "c"], "余分な引数があります: c", "unexpected extra argument"),
    (["diff", "a", "-f", "sarif"], "--format に「sarif」は使えません。使えるのは text, json です", "not one of"),
])
def test_usage_errors_are_japanese_with_english_alongside(args, japanese, english):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert japanese in result.output and english in result.output, result.output
    assert result.output.startswith("エラー: ")
    assert "使い方 (usage): piflow" in result.output or "-o" in args
    assert not re.search(r"^(Error|Usage|Try) ", result.output, re.M), result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_japanese_with_examples_and_no_python_types(command):
    result = runner.invoke(app, [*command.split(), "-h"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "使い方 (usage): piflow " + command in text and "オプション (options):" in text
    assert "この説明を表示する (show this help)" in text and "Show this message" not in text
    assert not re.search(r"<(str|int|float|bool|list|path|int range|float range)[^>]*>", text), text
    assert "{paths}" not in text
    assert "例 (examples):" in text and f"piflow {command}" in text.split("例 (examples):")[1]


def _examples(command: str) -> list[list[str]]:
    text = runner.invoke(app, [*command.split(), "-h"]).output.split("例 (examples):")[1]
    return [shlex.split(line.split(">")[0], posix=True) for line in text.strip().splitlines()]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_example_in_the_help_parses(command):
    for words in _examples(command):
        assert words[0] == "piflow" and " ".join(words).count(f" {command} ") + " ".join(words).endswith(command), words
        cmd, name, args, parent = typer.main.get_command(app), "piflow", words[1:], None
        while getattr(cmd, "commands", None):  # a group: its options, then the command named next
            at = next(i for i, word in enumerate(args) if word in cmd.commands)
            parent = cmd.make_context(name, args[:at + 1], parent=parent)  # global options (--dot) come first
            cmd, name, args = cmd.commands[args[at]], args[at], args[at + 1:]
        cmd.make_context(name, args, parent=parent)  # a usage error would raise here


def test_top_level_help_is_japanese():
    text = runner.invoke(app, ["-h"]).output
    assert "コマンド (commands):" in text and "--dot PATH" in text
    assert "Install completion" not in text and "補完" in text


def test_diff_format_help_lists_exactly_what_it_accepts(tmp_path):
    text = runner.invoke(app, ["diff", "-h"]).output
    listed = re.search(r"-f, --format \[([a-z|]+)\]", text).group(1).split("|")
    assert listed == ["text", "json"]
    for fmt in ("text", "json", "sarif"):
        result = runner.invoke(app, ["diff", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "-f", fmt])
        usage_error = "使い方 (usage)" in result.output
        assert usage_error == (fmt not in listed), (fmt, result.output)


def test_shell_completion_is_documented_and_works():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "piflow --install-completion" in readme and "PowerShell" in readme
    # what the installed bash completion asks piflow when Tab is pressed after "piflow draw -f "
    env = {"_PIFLOW_COMPLETE": "complete_bash", "COMP_WORDS": "piflow draw -f ", "COMP_CWORD": "3"}
    result = runner.invoke(app, [], env=env, prog_name="piflow")
    assert result.output.split() == ["svg", "png", "pdf", "dot"]
    env = {"_PIFLOW_COMPLETE": "complete_bash", "COMP_WORDS": "piflow ch", "COMP_CWORD": "1"}
    assert runner.invoke(app, [], env=env, prog_name="piflow").output.split() == ["checklist"]


def _prose(line: str) -> str:
    return re.sub(r"``.*?``", " ", line)  # code (``measures: [...]``) is the same in both languages


def _japanese(line: str) -> bool:
    return len(re.findall(r"[\u3041-\u309f]", _prose(line))) >= 3  # hiragana: a sentence, not a quoted term


def _english(line: str) -> bool:
    prose = _prose(line)
    return bool(re.search(r"[A-Za-z]{2,}", prose)) and len(re.findall(r"[\u3041-\u309f]", prose)) <= 1


def _rule_codes() -> list[str]:
    from piflow.audit.catalogue import all_rule_infos

    return [i.code for i in all_rule_infos() if i.kind in ("rule", "completeness")]


@pytest.mark.parametrize("code", _rule_codes())
def test_rules_explain_is_japanese_and_english_in_every_section(code):
    from piflow.audit.catalogue import all_rule_infos

    info = next(i for i in all_rule_infos() if i.code == code)
    text = runner.invoke(app, ["rules", "--explain", code]).output
    assert text.splitlines()[0] == f"{code} {info.name}: {info.title} ({info.title_en})"
    for section in ("何を調べるか (What it does)", "なぜ (Why)", "修正例 (Use instead)"):
        body = text.split(section + "\n")[1].split("\n\n")[0].splitlines()
        assert any(map(_japanese, body)) and any(map(_english, body)), (code, section, body)
