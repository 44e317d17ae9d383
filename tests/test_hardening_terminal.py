"""Issue 14 item 4: what audit and diff print for a terminal never carries raw control sequences."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, write
from piflow.cli import app
from piflow.terminal import visible

runner = CliRunner()
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("char", ["\x1b", "\x9b", "\r", "\x07", "\u202e", "\u2066"])
def test_visible_escapes_what_restyles_a_terminal(char):
    shown = visible(f"a{char}[31mb\tc\nd")
    assert not RAW.search(shown)
    assert f"\\u{ord(char):04x}" in shown and "\tc\nd" in shown  # tab and newline are layout, kept
    assert visible(shown) == shown  # escaping twice changes nothing


def test_escapes_inside_json_strings_keep_their_meaning():
    text = json.dumps({"label": "x\u202ey\x85"}, ensure_ascii=False)
    assert json.loads(visible(text)) == json.loads(text)


def test_a_bidi_override_in_a_label_is_refused_and_never_reaches_the_terminal(tmp_path):
    # U+202E flips how the line reads: refused where it is written (issue 25), the message shows no raw one.
    path = write(tmp_path, MINIMAL.replace("name: 委託先", 'name: "委託先\u202eevil"'))
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 2, result.output
    assert "U+202E" in result.output and not RAW.search(result.output)


def test_diff_of_a_file_with_a_bidi_isolate_is_refused_without_raw_output(tmp_path):
    old = write(tmp_path, MINIMAL, "old.yaml")
    new = write(tmp_path, MINIMAL.replace("text: 提供", 'text: "提供\u2066x"'), "new.yaml")
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 2, result.output
    assert "U+2066" in result.output and not RAW.search(result.output)


def test_audit_text_writer_escapes_whatever_reaches_it():
    from piflow.audit.engine import audit
    from piflow.loader import loads
    from piflow.policy import load_policy
    from piflow.writers import audit_text

    doc = loads(MINIMAL, "flow.yaml")
    findings = audit(doc, load_policy(None))
    assert findings, "MINIMAL has findings to print"
    # A finding text that carried ESC some other way (a future rule quoting user text) is still shown escaped.
    from dataclasses import replace

    findings = [replace(f, message="\x1b]0;owned\x07" + f.message) for f in findings]
    text = audit_text.render([("flow\x1b[2J.yaml", "題\x9b名", findings)])
    assert not RAW.search(text)
    assert "\\u001b]0;owned\\u0007" in text and "flow\\u001b[2J.yaml" in text and "題\\u009b名" in text


@pytest.mark.parametrize("args", [
    ["rules", "--explain", "\x1b[31mM1"],
    ["validate", "\x1b[31mx.yaml"],
    ["draw", "{flow}", "-f", "dot", "-o", "{out}", "-s", "\x1b]0;t\x07"],
    ["init", "{out}/n.yaml", "-t", "\x1b[31mx"],
])
def test_names_typed_on_the_command_line_are_echoed_escaped(tmp_path, args):
    flow = write(tmp_path, MINIMAL)
    args = [a.format(flow=flow, out=tmp_path / "out") for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    assert "\\u001b" in result.output or "\\x1b" in result.output  # the loader names a file's ESC as \x1b
