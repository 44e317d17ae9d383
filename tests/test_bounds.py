"""Issue 25 item 8: limits are checked before the expensive step, each with its own error.

Counts, not clocks: the time and memory these bounds buy are measured by scripts/bench.py (section 6).
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import yaml
from typer.testing import CliRunner

from conftest import MINIMAL
from piflow import textnorm, yamlsource
from piflow.cli import app
from piflow.diagnostics import InputError
from piflow.loader import loads

runner = CliRunner()


def test_suggestions_stop_after_the_budget():
    suggest = textnorm.Suggester(["vendor", "ward"], budget=2)
    assert "vendor" in suggest("vendr")
    assert "vendor" in suggest("vendr")
    assert suggest("vendr") == ""  # the third name gets none: only the first are printed anyway


def test_each_name_is_compared_with_a_bounded_number_of_candidates(monkeypatch):
    compared = []
    real = textnorm.difflib.get_close_matches
    monkeypatch.setattr(textnorm.difflib, "get_close_matches",
                        lambda word, keys, **kw: compared.append(len(keys)) or real(word, keys, **kw))
    names = [f"party{i:05d}" for i in range(10_000)] + ["vendor"]
    assert "vendor" in textnorm.Suggester(names)("vendr")  # the nearest in length are kept
    assert compared == [textnorm.MAX_CANDIDATES]


def test_a_file_full_of_unknown_names_gets_suggestions_for_the_first_only():
    steps = "\n".join(f"      - {{n: {i}, from: wardd, to: vendr, text: t}}" for i in range(3, 60))
    text = MINIMAL.replace("      - {n: 2, from: ward, to: vendor, text: 提供, channel: 手渡し, medium: 紙}",
                           "      - {n: 2, from: ward, to: vendor, text: 提供, channel: 手渡し, medium: 紙}\n" + steps)
    with pytest.raises(InputError) as info:
        loads(text, "t.yaml")
    unknown = [d for d in info.value.diagnostics if d.code == "P201"]
    assert len(unknown) == 2 * 57
    hinted = [d for d in unknown if d.hint]
    assert len(hinted) == textnorm.MAX_SUGGESTED
    assert unknown[: textnorm.MAX_SUGGESTED] == hinted


def test_values_are_counted_while_the_events_stream_by(monkeypatch):
    """Refused in the pre-scan, before any value is built (no Walker is ever made)."""
    monkeypatch.setattr(yamlsource, "max_values", lambda: 100)
    made = []
    monkeypatch.setattr(yamlsource, "_Walker", lambda *a: made.append(a))
    source, errors = yamlsource.parse("x.yaml", "a: [" + ",".join(["1"] * 101) + "]\n")
    assert source is None and made == []
    assert [(e.code, e.line) for e in errors] == [("P005", 1)]
    assert "100 個まで" in errors[0].message


def test_the_value_limit_follows_the_size_limit(monkeypatch):
    assert yamlsource.max_values() == yamlsource.MAX_BYTES // yamlsource.BYTES_PER_VALUE
    monkeypatch.setenv(yamlsource.MAX_SIZE_ENV, "20")
    assert yamlsource.max_values() == 20 * 1024 * 1024 // yamlsource.BYTES_PER_VALUE


def test_the_example_flows_are_far_below_the_value_limit():
    """Real flows hold a value per 8-20 bytes; the limit is one per 5, so no real file meets it."""
    from conftest import FLOWS

    for flow in FLOWS.glob("*.yaml"):
        text = flow.read_text(encoding="utf-8")
        loader = yaml.CSafeLoader(text) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(text)
        values = 0
        while loader.check_event():
            values += isinstance(loader.get_event(), (yaml.ScalarEvent, yaml.CollectionStartEvent))
        assert values * yamlsource.BYTES_PER_VALUE * 1.5 < len(text.encode("utf-8")), flow.name


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_huge_blob_in_git_is_refused_before_it_is_read(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "f.yaml").write_text("# " + "x" * 2000 + "\n" + MINIMAL, encoding="utf-8")
    subprocess.run([*git, "add", "f.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "big"], check=True)
    (repo / "f.yaml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setattr(yamlsource, "max_bytes", lambda: 1000)
    shown = []
    from piflow.commands import diff as command

    real_git = command._git
    monkeypatch.setattr(command, "_git", lambda args, *a: shown.append(args[0]) or real_git(args, *a))
    result = runner.invoke(app, ["diff", str(repo / "f.yaml"), "--rev", "HEAD"])
    assert result.exit_code == 2
    assert "P005" in result.output
    assert "show" not in shown  # the blob's size was asked, the blob itself never read


def test_a_huge_text_is_refused_before_the_model_and_the_layout(monkeypatch):
    import piflow.loader as loader

    validated = []
    monkeypatch.setattr(loader.Flow, "model_validate", lambda *a, **k: validated.append(a))
    text = MINIMAL.replace("text: 抽出", "text: " + "抽出" * (loader.MAX_TEXT // 2 + 1))
    with pytest.raises(InputError) as info:
        loads(text, "t.yaml")
    assert [(d.code, d.line) for d in info.value.diagnostics] == [("P005", MINIMAL.count("\n", 0, MINIMAL.index("抽出")) + 1)]
    assert validated == []
    monkeypatch.undo()
    loads(MINIMAL.replace("text: 抽出", "text: " + "抽" * loader.MAX_TEXT), "t.yaml")  # the limit itself passes


def test_draw_of_an_unreadable_file_says_only_why(tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text(MINIMAL.replace("text: 抽出", "text: " + "抽出" * 2000), encoding="utf-8")
    result = runner.invoke(app, ["draw", str(bad), "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert "P005" in result.output and "使い方の誤り" not in result.output


def test_a_batch_is_loaded_one_flow_at_a_time(tmp_path, monkeypatch):
    """audit keeps one flow in memory at a time: the next is read only when the last is done."""
    from piflow.commands import common

    for i in range(3):
        (tmp_path / f"f{i}.yaml").write_text(MINIMAL, encoding="utf-8")
    read = []
    import piflow.loader

    real = piflow.loader.load
    monkeypatch.setattr(piflow.loader, "load", lambda name, *a: read.append(name) or real(name, *a))
    documents = iter(common.Loaded([str(tmp_path)], io.StringIO()))
    next(documents)
    assert len(read) == 1
    assert len(list(documents)) == 2 and len(read) == 3
