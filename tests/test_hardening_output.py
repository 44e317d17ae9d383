"""Issue 14 items 6 and 10, issue 13 item 4: output names from user text, collisions, format from -o."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from conftest import FLOWS, MINIMAL, write
from piflow.cli import app
from piflow.commands.common import safe_name

runner = CliRunner()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
FLOW49 = str(FLOWS / "49-kosodate-ouen-teate.yaml")


# --- issue 13 item 4: the extension of -o picks the format --------------------------------

@needs_dot
@pytest.mark.parametrize("args,name,magic", [
    (["report", FLOW49], "r.docx", b"PK\x03\x04"),
    (["report", FLOW49], "r.html", b"<!DOCTYPE html>"),
    (["checklist", FLOW49], "c.xlsx", b"PK\x03\x04"),
    (["checklist", FLOW49], "c.CSV", b","),
    (["checklist", FLOW49], "c.md", b"#"),
    (["draw", FLOW49, "-s", "49-3"], "fig.png", b"\x89PNG"),
    (["draw", FLOW49, "-s", "49-3"], "fig.pdf", b"%PDF"),
    (["draw", FLOW49, "-s", "49-3"], "fig.dot", b"digraph"),
])
def test_extension_of_output_picks_the_format(tmp_path, args, name, magic):
    target = tmp_path / name
    result = runner.invoke(app, [*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file(), "the -o trap: a folder named like a file"
    assert magic in target.read_bytes()[:400]


@pytest.mark.parametrize("args", [
    ["report", FLOW49, "-f", "html", "-o", "r.docx"],
    ["checklist", FLOW49, "-f", "csv", "-o", "c.xlsx"],
    ["draw", FLOW49, "-f", "svg", "-o", "fig.png"],
    ["checklist", FLOW49, "-o", "c.docx"],
    ["report", FLOW49, "-o", "r.pdf"],
])
def test_extension_contradicting_the_format_is_a_usage_error(tmp_path, args):
    args = [*args[:-1], str(tmp_path / args[-1])]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "使い方の誤り" in result.output and args[-1] in result.output
    if "-f" in args:
        assert f"-f {args[args.index('-f') + 1]}" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["draw", "-f", "dot"], ["checklist"], ["report", "-f", "docx"]])
def test_one_file_for_several_outputs_is_a_usage_error(tmp_path, command):
    name = {"draw": "x.dot", "checklist": "x.html", "report": "x.docx"}[command[0]]
    result = runner.invoke(app, [command[0], str(FLOWS), *command[1:], "-o", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    assert name in result.output and "フォルダ" in result.output
    assert list(tmp_path.iterdir()) == []


# --- item 10: two outputs, one file name ---------------------------------------------------

def test_same_file_name_in_two_folders_stops_before_writing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = write(tmp_path / "a", MINIMAL, "x.yaml"), write(tmp_path / "b", MINIMAL, "x.yaml")
    out = tmp_path / "out"
    result = runner.invoke(app, ["checklist", str(tmp_path), "-f", "md", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert str(a) in result.output and str(b) in result.output and "重なります" in result.output
    assert not out.exists()


@pytest.mark.parametrize("tags", [("資料1/1", "資料1:1"), ("資料A-1", "資料a-1"), ("資料○-1", "資料○-1")])
def test_tags_that_make_the_same_file_name_stop_the_run(tmp_path, tags):
    text = MINIMAL.replace("tag: 資料1-1", f"tag: \"{tags[0]}\"")
    first = write(tmp_path, text, "one.yaml")
    second = write(tmp_path, text.replace(f"tag: \"{tags[0]}\"", f"tag: \"{tags[1]}\""), "two.yaml")
    out = tmp_path / "out"
    result = runner.invoke(app, ["draw", str(first), str(second), "-f", "dot", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{first} [{tags[0]}]" in result.output and f"{second} [{tags[1]}]" in result.output
    assert not out.exists()


def test_many_copies_of_the_seed_flows_collide_loudly(tmp_path):
    for i in range(3):
        shutil.copytree(FLOWS, tmp_path / "in" / f"copy{i}")
    out = tmp_path / "out"
    result = runner.invoke(app, ["draw", str(tmp_path / "in"), "-f", "dot", "-o", str(out)])
    assert result.exit_code == 2 and "重なります" in result.output
    assert not out.exists()


@needs_dot
def test_a_flow_called_index_does_not_overwrite_the_index_page(tmp_path):
    write(tmp_path, MINIMAL, "index.yaml")
    write(tmp_path, MINIMAL, "other.yaml")
    result = runner.invoke(app, ["report", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "index" in result.output


# --- item 6: file names from user text ------------------------------------------------------

@pytest.mark.parametrize("tag,expected", [
    ("資料1/1", "資料1_1"), ("a\x00b", "a_b"), ("CON", "_CON"), ("nul.x", "_nul.x"), ("...", "figure"),
    ("資料 49-1\t", "資料_49-1"), ("a\u202eb", "ab"), ("a\u200bb", "ab"),
])
def test_safe_name(tag, expected):
    assert safe_name(tag) == expected


def test_long_tags_make_bounded_names(tmp_path):
    name = safe_name("資" * 300)
    assert len(name.encode("utf-8")) <= 120 and name == "資" * 40
    result = runner.invoke(app, ["draw", str(write(tmp_path, MINIMAL.replace("tag: 資料1-1", "tag: " + "資" * 300))),
                                 "-f", "dot", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["資" * 40 + ".dot"]


@needs_dot
def test_diff_figures_with_colliding_tags_stop(tmp_path):
    second = ("  - id: other\n    tag: \"資料1:1\"\n    title: 別\n    steps:\n"
              "      - {n: 1, from: sys, to: ward, text: 抽出}\n")
    text = MINIMAL.replace("tag: 資料1-1", 'tag: "資料1/1"') + second
    old, new = write(tmp_path, text, "old.yaml"), write(tmp_path, text.replace("text: 提供", "text: 提供する"), "new.yaml")
    result = runner.invoke(app, ["diff", str(old), str(new), "--figure", str(tmp_path / "figs")])
    assert result.exit_code == 2 and "資料1/1" in result.output and "資料1:1" in result.output, result.output
    assert not (tmp_path / "figs").exists()


def test_a_flow_with_a_very_long_file_name_gets_a_bounded_output_name(tmp_path):
    flow = write(tmp_path, MINIMAL, "資" * 80 + ".yaml")  # 240 bytes: legal, but not with ".checklist.md" added
    result = runner.invoke(app, ["checklist", str(flow), "-f", "md", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["資" * 40 + ".checklist.md"]
