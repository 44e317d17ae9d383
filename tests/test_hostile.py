"""Hostile input: every case ends in exit 2 with a located message, or a correct, safe result."""

from __future__ import annotations

import codecs
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL
from piflow.cli import app
from piflow.draw.figure import figure_dot
from piflow.draw.style import load_style
from piflow.loader import loads

runner = CliRunner()
LOCATED = re.compile(r"^\S+:(\d+):(\d+): エラー\[(P\d{3})\]", re.M)


def bomb() -> bytes:
    lines = ["a: &a [1,1,1,1,1,1,1,1,1]"]
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


REJECTED = {
    "malformed": (b"piflow: 1\nproposal: [\n", "P003"),
    "wrong types everywhere": (b"piflow: one\nproposal: 5\nparties: x\ndata: {a: 1}\nscenarios: 3\naccepted: no\n", "P101"),
    "empty": (b"", "P007"),
    "only comments": (b"# nothing here\n", "P007"),
    "a bare scalar": (b"just text\n", "P007"),
    "huge (10 MB)": (b"# " + b"x" * (10 * 1024 * 1024) + b"\n", "P005"),
    "deeply nested": (b"a: " + b"[" * 10000 + b"]" * 10000 + b"\n", "P005"),
    "alias bomb": (bomb(), "P005"),
    "shift_jis": (MINIMAL.encode("cp932"), "P002"),
    "control character": (b"piflow: 1\x07\n", "P003"),
    "nul byte": (b"piflow: 1\n\x00\n", "P003"),
    "binary tag": (b"piflow: !!binary aGVsbG8=\n", "P006"),
    "python tag": (b"piflow: !!python/object/apply:os.system ['true']\n", "P006"),
    "complex key": (b"? [a, b]\n: 1\n", "P007"),
    "duplicate key": (MINIMAL.replace("piflow: 1\n", "piflow: 1\npiflow: 1\n").encode(), "P004"),
    "zero-width space in an id": (MINIMAL.replace("id: vendor", "id: \"vendor\u200b\"").encode(), "P101"),
    "ideographic space in a reference": (MINIMAL.replace("to: vendor", "to: \"vendor\u3000\"").encode(), "P101"),
    "full-width id": (MINIMAL.replace("id: vendor", "id: ｖｅｎｄｏｒ").encode(), "P101"),
    # issue 25: values the YAML library cannot construct are located errors, not tracebacks
    "explicit int tag on text": (MINIMAL.replace("piflow: 1", "piflow: !!int abc").encode(), "P101"),
    "explicit float tag on text": (MINIMAL.replace("title: テスト事業", "title: !!float x").encode(), "P101"),
    "explicit bool tag on text": (MINIMAL.replace("title: テスト事業", "title: !!bool maybe").encode(), "P101"),
    "an integer of 5,000 digits": (MINIMAL.replace("piflow: 1", "piflow: 1" + "0" * 5000).encode(), "P101"),
    "set tag": (MINIMAL.replace("title: テスト事業", "title: !!set {a}").encode(), "P006"),
}


@pytest.mark.parametrize("name", list(REJECTED))
def test_rejected_with_a_located_message(tmp_path, name):
    data, code = REJECTED[name]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(data)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    codes = [m.group(3) for m in LOCATED.finditer(result.output)]
    assert code in codes, result.output[:500]


@pytest.mark.parametrize("depth", [65, 200, 10_000])
def test_nesting_limit_is_piflows_own_whatever_the_yaml_library(depth):
    """P005 with the line, at any depth past 64: PyYAML 6.0.4 has a limit of its own that it meets first
    at 10,000 (scanning ahead), 6.0.3 has none; the code and message must not depend on which is installed."""
    from piflow.yamlsource import MAX_DEPTH, parse

    text = "piflow: 1\nproposal: x\na: " + "[" * depth + "]" * depth + "\n"
    source, errors = parse("deep.yaml", text)
    assert source is None
    assert [(e.code, e.line) for e in errors] == [("P005", 3)]
    assert f"{MAX_DEPTH} 段まで" in errors[0].message


def test_the_yaml_librarys_depth_error_is_mapped_to_p005(monkeypatch):
    """Whatever wording a library uses for its depth limit, it is reported as ours, where it happened."""
    import yaml

    from piflow import yamlsource

    def library_limit(text):
        mark = yaml.Mark("x", 0, 4, 7, text, 0)
        raise yaml.parser.ParserError(None, None, "exceeded maximum nesting depth", mark)

    monkeypatch.setattr(yamlsource, "_prescan", library_limit)
    source, errors = yamlsource.parse("deep.yaml", "piflow: 1\n")
    assert [(e.code, e.line, e.column) for e in errors] == [("P005", 5, 8)]


def test_a_refused_value_is_reported_once():
    """The YAML reader's message stands alone: the model does not add 'expected text' at the same place."""
    from piflow.diagnostics import InputError

    with pytest.raises(InputError) as info:
        loads(MINIMAL.replace("title: テスト事業", "title: !!bool maybe"), "t.yaml")
    assert [(d.code, d.line) for d in info.value.diagnostics] == [("P101", 3)]


def test_a_deep_folder_is_walked_without_recursion(tmp_path):
    """Path.rglob and os.walk recurse on Python 3.11: a folder deeper than the recursion limit ended in
    RecursionError.  discover walks with a stack, so it works under a limit far below the depth."""
    import sys

    from piflow.loader import discover

    folder = tmp_path
    for _ in range(300):
        folder = folder / "d"
        folder.mkdir()
    (folder / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(MINIMAL, encoding="utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        found = discover([str(tmp_path)])
    finally:
        sys.setrecursionlimit(limit)
    assert [p.endswith("x.yaml") for p in found] == [False, True]


def test_zero_width_space_suggests_the_clean_id():
    from piflow.diagnostics import InputError

    with pytest.raises(InputError) as info:
        loads(MINIMAL.replace("id: vendor", "id: \"vendor\u200b\""), "t.yaml")
    assert any("vendor" in d.hint for d in info.value.diagnostics)


ACCEPTED = {
    "an impossible date, as text": MINIMAL.replace("title: テスト事業", "title: 2026-02-30").encode(),
    "an impossible time, as text": MINIMAL.replace("title: テスト事業", "title: 2026-02-30 25:61:00").encode(),
    "an explicit timestamp tag, as text": MINIMAL.replace("title: テスト事業", "title: !!timestamp 2026-13-45").encode(),
    "utf-8 with BOM": codecs.BOM_UTF8 + MINIMAL.encode(),
    "CRLF": MINIMAL.replace("\n", "\r\n").encode(),
    "UTF-16": MINIMAL.encode("utf-16"),
    "half-width kana measure": MINIMAL.replace("role: 委託先", "role: 委託先\n    measures: [ﾃﾞｰﾀの暗号化]").encode(),
    "full-width medium": MINIMAL.replace("medium: 紙", "medium: ＤＶＤ-Ｒ").encode(),
    "full-width channel": MINIMAL.replace("channel: 手渡し", "channel: ＬＧＷＡＮ").encode(),
    "ideographic space in a label": MINIMAL.replace("role: 委託先", "role: 委託先\n    measures: [\"　通信内容の暗号化　\"]").encode(),
}


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_normalised_where_the_meaning_is_clear(tmp_path, name):
    path = tmp_path / "ok.yaml"
    path.write_bytes(ACCEPTED[name])
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output


LABELS = [
    '</text><script>alert(1)</script>',
    '" onload="alert(1)',
    "back\\slash \\N \\G \\l",
    "{braces} [brackets] <angles> & ampersand @ at ; semi",
    "line one\nline two\n\nline four",
    "<<B>not bold</B>>",
    "x" * 2_000,  # the longest text a value may hold (loader.MAX_TEXT); longer is refused (tests/test_bounds.py)
    'label="x"]; evil -> node; [label="',
    "]",  # Graphviz's HTML lexer rejects text that starts with ] (found by the property tests)
    "[",
]


@pytest.mark.parametrize("label", LABELS, ids=range(len(LABELS)))
def test_markup_and_graphviz_syntax_in_labels_stay_text(label):
    quoted = '"' + label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    text = MINIMAL.replace("text: 提供", f"text: {quoted}").replace("name: 委託先", f"name: {quoted}") \
        .replace("title: テストに係る個人情報の流れ", f"title: {quoted}")
    doc = loads(text, "t.yaml")
    source = figure_dot(doc, doc.flow.scenarios[0], load_style(None))
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' is not installed (make setup installs it)")
    proc = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(proc.stdout)
    assert not [el for el in root.iter() if el.tag.endswith(("script", "foreignObject"))]
    assert not [a for el in root.iter() for a in el.attrib if a.lower().startswith("on") or "href" in a.lower()]
    # The label survives as text (whitespace aside): nothing was interpreted.
    shown = re.sub(r"\s+", "", "".join(root.itertext()))
    assert re.sub(r"\s+", "", label)[:40] in shown
