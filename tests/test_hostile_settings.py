"""Issue 25 item 6, hostile: a piflow.toml (or --municipality) an attacker or a careless user wrote.  Each
ends in a located P009 in the settings file, or a correct audit; the municipality, printed in every
checklist and report, never carries a control or reordering character.  Never a traceback.
"""

from __future__ import annotations

import codecs

import pytest

from conftest import MINIMAL, write
from hostile.common import located, run
from piflow import project


@pytest.fixture(autouse=True)
def fresh_cache():
    project._project_in.cache_clear()
    yield
    project._project_in.cache_clear()


# name: (the file's bytes, "ok" or the line of the P009)
TOML = {
    "a municipality": ('municipality = "豊島区"\n'.encode(), "ok"),
    "saved by Notepad with a BOM": (codecs.BOM_UTF8 + 'municipality = "豊島区"\n'.encode(), "ok"),
    "empty": (b"", "ok"),
    "only a comment": (b"# nothing\n", "ok"),
    "not TOML": (b"municipality: \xe8\xb1\x8a\xe5\xb3\xb6\xe5\x8c\xba\n", 1),
    "YAML by mistake, line 2": ('# settings\nmunicipality: "豊島区"\n'.encode(), 2),
    "an unknown key": ('municipality = "豊島区"\nmunicipalty = "x"\n'.encode(), 2),
    "a number": (b"municipality = 13\n", 1),
    "a list": ('municipality = ["豊島区"]\n'.encode(), 1),
    "a table": (b"[municipality]\nname = 'x'\n", 1),
    "an empty name": (b'municipality = ""\n', 1),
    "a blank name": (b'municipality = "   "\n', 1),
    "a name of 41 characters": (f'municipality = "{"区" * 41}"\n'.encode(), 1),
    "a control character as an escape": (b'municipality = "\\u0007"\n', 1),
    "a bidi override as an escape": (b'municipality = "\\u202e\xe5\x8c\xba"\n', 1),
    "a bidi override typed in": ('municipality = "豊島\u202e区"\n'.encode(), 1),
    "an isolate": ('\nmunicipality = "豊島\u2066区"\n'.encode(), 2),
    "a line separator": (b'municipality = "a\\u2028b"\n', 1),
    "a C1 control": (b'municipality = "a\\u0085b"\n', 1),
    "braces (a template)": (b'municipality = "{municipality}"\n', 1),
    "Shift_JIS": ('municipality = "豊島区"\n'.encode("cp932"), 1),
    "a NUL byte": (b'municipality = "a"\x00\n', 1),
    "deeply nested arrays": (b"a = " + b"[" * 20000 + b"]" * 20000 + b"\n", 1),
    "over 64 KB": (b"# " + b"x" * 70000 + b"\n", 1),
    "a pack that is not there": (b'pack = "../../nowhere"\n', 1),
    "a pack that is a file": (b'pack = "piflow.toml"\n', 1),
    "a pack that is empty text": (b'pack = ""\n', 1),
    "markup in the name (escaped where printed)": (b'municipality = "<b>x</b>"\n', "ok"),
}


@pytest.mark.parametrize("case", list(TOML))
def test_hostile_settings_file(tmp_path, case):
    data, expect = TOML[case]
    (tmp_path / ".git").mkdir()
    (tmp_path / "piflow.toml").write_bytes(data)
    flow = write(tmp_path, MINIMAL)
    code, output = run(["audit", flow])
    if expect == "ok":
        assert code in (0, 1), output[-1000:]
        return
    assert code == 2, output[-1000:]
    assert ("P009", expect) in located(output), output[-1000:]
    assert "piflow.toml" in output


@pytest.mark.parametrize("name", ["豊島\u202e区", "a\x07b", "a\u2069", "x" * 41, "", "{x}"])
def test_a_hostile_municipality_on_the_command_line_is_refused(tmp_path, name):
    flow = write(tmp_path, MINIMAL)
    code, output = run(["--municipality", name, "checklist", flow, "-f", "md", "-o", tmp_path / "c.md"])
    assert code == 2 and "--municipality" in output, output  # a usage error, before anything is read
    assert not (tmp_path / "c.md").exists()
    assert "\u202e" not in output and "\x07" not in output  # echoed as escapes, if at all
    project.set_municipality(None)


def test_a_settings_file_that_is_a_folder_or_a_pipe_is_not_read(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "piflow.toml").mkdir()
    code, output = run(["audit", write(tmp_path, MINIMAL)])
    assert code in (0, 1) and "設定 (settings)" not in output


def _script(tmp_path, body: str):
    path = tmp_path / "fake-dot"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


# --dot (or PIFLOW_DOT) naming something that is not Graphviz's dot: never a traceback, never an empty or
# foreign file written as a figure.
NOT_DOT = {
    "a program that fails": (lambda tmp: "/bin/false", "P008"),
    "a program that answers nothing": (lambda tmp: _script(tmp, "cat > /dev/null"), "P008"),
    "a program that answers something else": (lambda tmp: _script(tmp, "cat > /dev/null; echo hello"), "P008"),
    "a text file": (lambda tmp: write(tmp, "not a program", "notes.txt"), "P001"),
    "a folder without dot": (lambda tmp: tmp, "P001"),
}


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
@pytest.mark.parametrize("case", list(NOT_DOT))
@pytest.mark.parametrize("how", ["--dot", "PIFLOW_DOT"])
def test_a_dot_that_is_not_graphviz(tmp_path, case, fmt, how):
    make, want = NOT_DOT[case]
    dot = str(make(tmp_path))
    flow = write(tmp_path, MINIMAL)
    args = ["draw", flow, "-f", fmt, "-o", tmp_path / f"fig.{fmt}"]
    code, output = run(["--dot", dot, *args] if how == "--dot" else args,
                       env={"PIFLOW_DOT": dot} if how == "PIFLOW_DOT" else None)
    assert code == 2 and want in [c for c, _ in located(output)], output[-1000:]
    assert not (tmp_path / f"fig.{fmt}").exists()
