"""Hostile input: every case ends in exit 2 with a located message, or a correct, safe result."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import MINIMAL
from piflow.draw.figure import figure_dot
from piflow.draw.style import load_style
from piflow.loader import loads



# The hostile flow files themselves (tags, dates, bombs, encodings, controls ...) are the corpus in
# tests/hostile/yaml, run by tests/test_hostile_yaml.py; here the mechanisms behind some of them.


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
