"""Issue 14 (hardening): option injection, odd step numbers, odd files, bounded diagnostics."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import MINIMAL, write
from piflow.cli import app
from piflow.diagnostics import InputError
from piflow.loader import loads

runner = CliRunner()
LOCATED = re.compile(r"^\S+:(\d+):(\d+): エラー\[(P\d{3})\]", re.M)


# --- item 1: git option injection in diff --rev: tests/test_hostile_diff.py (the diff --rev corpus) ---


# --- item 7: circled and superscript step numbers ----------------------------------------

@pytest.mark.parametrize("one,two", [("①", "②"), ("¹", "²"), ("⑤", "⑥")])
def test_circled_step_numbers_mean_their_number(one, two):
    text = MINIMAL.replace("n: 1,", f"n: {one},").replace("n: 2,", f"n: {two},")
    if one == "⑤":
        with pytest.raises(InputError) as info:
            loads(text, "t.yaml")
        assert [d.code for d in info.value.diagnostics] == ["P203"]  # 1-4 missing, said so
        return
    doc = loads(text, "t.yaml")
    assert [s.number for s in doc.flow.scenarios[0].steps] == [1, 2]


def test_circled_duplicate_of_a_plain_number_is_found():
    with pytest.raises(InputError) as info:
        loads(MINIMAL.replace("n: 2,", "n: ①,"), "t.yaml")
    assert "P203" in [d.code for d in info.value.diagnostics]


def test_huge_step_number_is_bounded():
    with pytest.raises(InputError) as info:
        loads(MINIMAL.replace("n: 2,", "n: 99999999999999999999,"), "t.yaml")
    assert any("…" in d.message for d in info.value.diagnostics)


STEP_NUMBERS = st.one_of(st.integers(), st.text(max_size=6), st.floats(allow_nan=True), st.booleans(),
                         st.lists(st.integers(), max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEP_NUMBERS)
def test_any_step_number_loads_or_is_located(value):
    import json

    text = MINIMAL.replace("n: 2,", f"n: {json.dumps(value, ensure_ascii=False)},")
    try:
        loads(text, "t.yaml")
    except InputError as exc:
        assert exc.diagnostics and all(d.line >= 1 and d.column >= 1 for d in exc.diagnostics)


# --- items 5 and 8: characters no writer can hold, odd files, bounded diagnostics ---------

@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x9b", "\ufffe", "\uffff"])
def test_forbidden_character_typed_in_is_located(tmp_path, char):
    path = tmp_path / "f.yaml"
    path.write_bytes(MINIMAL.replace("text: 抽出", f"text: 抽{char}出").encode("utf-8"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    line = MINIMAL.splitlines().index(next(x for x in MINIMAL.splitlines() if "text: 抽出" in x)) + 1
    column = MINIMAL.splitlines()[line - 1].index("抽出") + 2
    assert (str(line), str(column)) == LOCATED.search(result.output).groups()[:2], result.output
    assert f"U+{ord(char):04X}" in result.output


@pytest.mark.parametrize("escape", ["\\x01", "\\x1f", "\\0", "\\e", "\\uFFFE", "\\x85", "\\x9f"])
def test_forbidden_character_written_as_an_escape_is_located(escape):
    with pytest.raises(InputError) as info:
        loads(MINIMAL.replace("text: 抽出", f'text: "抽{escape}出"'), "t.yaml")
    (d,) = info.value.diagnostics
    assert d.code == "P101" and d.line == 23 and "U+" in d.message and "scenarios[0].steps[0].text" in d.message


@pytest.mark.skipif(os.name != "posix", reason="Windows refuses such file names itself")
def test_a_control_character_in_the_file_name_is_refused(tmp_path):
    write(tmp_path, MINIMAL, "a\x01b.yaml")
    result = runner.invoke(app, ["checklist", str(tmp_path), "-f", "xlsx", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "a\\x01b.yaml:1:1: エラー[P001]" in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_forbidden_character_in_a_key_is_located():
    with pytest.raises(InputError) as info:
        loads(MINIMAL.replace("title: テスト事業", 'title: テスト事業\n  "ti\\x01tle": x'), "t.yaml")
    assert "P101" in [d.code for d in info.value.diagnostics]


def test_a_file_of_nul_bytes_is_located_and_bounded(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"piflow: 1\n" + b"\x00" * 100_000)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert LOCATED.search(result.output).groups()[:2] == ("2", "1")
    assert len(result.output.splitlines()) < 120 and "ほかにも" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_only_regular_files_are_read(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        if not os.path.exists(path):
            continue
        result = runner.invoke(app, ["validate", path])
        assert result.exit_code == 2 and "P001" in result.output and "通常のファイル" in result.output


def test_many_diagnostics_are_capped(tmp_path):
    keys = "".join(f"  x{i}: 1\n" for i in range(400))
    path = write(tmp_path, MINIMAL.replace("  title: テスト事業\n", "  title: テスト事業\n" + keys))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert len(LOCATED.findall(result.output)) == 50
    assert "…ほか 350 件 (and 350 more)" in result.output


# --- item 9: the size limit, and raising it for generated flows ---------------------------

def test_size_limit_is_5_mb_and_can_be_raised(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL + "# " + "x" * (6 * 1024 * 1024) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "5 MB まで" in result.output and "PIFLOW_MAX_SIZE" in result.output
    monkeypatch.setenv("PIFLOW_MAX_SIZE", "7")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    monkeypatch.setenv("PIFLOW_MAX_SIZE", "lots")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "PIFLOW_MAX_SIZE" in result.output


def test_documented_limit_matches_the_code():
    from conftest import ROOT
    from piflow.yamlsource import MAX_BYTES

    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert f"ファイルは {MAX_BYTES // 1024 // 1024} MB まで" in text and "PIFLOW_MAX_SIZE" in text


# --- item 17: audit JSON through the C encoder, still readable ------------------------------

def test_audit_json_is_line_per_finding_and_means_what_json_dumps_means():
    import json

    from conftest import FLOWS
    from piflow.audit.engine import audit, completeness
    from piflow.loader import load
    from piflow.writers import audit_json

    docs = [load(p) for p in sorted(FLOWS.glob("*.yaml"))]
    results = [(d.path, d.flow.proposal.title, (v := audit(d)) + completeness(d, v)) for d in docs]
    results += [("empty.yaml", "空", [])]
    text = audit_json.render(results)
    every = [f for _, _, fs in results for f in fs]
    assert json.loads(text) == {
        "tool": {"name": "piflow", "version": __import__("piflow").__version__},
        "files": [{"path": p, "title": t,
                   "findings": [audit_json.finding_dict(f) for f in fs if not f.incomplete],
                   "incomplete": [audit_json.finding_dict(f) for f in fs if f.incomplete]} for p, t, fs in results],
        "summary": audit_json.summary_counts(every),
    }
    finding_lines = [line for line in text.splitlines() if line.startswith("        {")]
    assert len(finding_lines) == len(every) and all(json.loads(line.rstrip(",")) for line in finding_lines)
    assert json.loads(audit_json.render([]))["files"] == []
