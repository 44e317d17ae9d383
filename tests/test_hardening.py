"""Issue 14 (hardening): option injection, odd step numbers, odd files, bounded diagnostics."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

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


# --- item 1: git option injection in diff --rev -----------------------------------------

@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    write(repo, MINIMAL, "f.yaml")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.invalid", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "f.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], check=True)
    return repo


@pytest.mark.parametrize("rev", ["--output={target}", "-p", "--output", "", " "])
def test_diff_rev_is_never_an_option(repo, tmp_path, rev):
    target = tmp_path / "pwned"
    result = runner.invoke(app, ["diff", str(repo / "f.yaml"), f"--rev={rev.format(target=target)}"])
    assert result.exit_code == 2, result.output
    assert not target.exists()
    assert "None:" not in result.output
    assert LOCATED.search(result.output) and "f.yaml" in result.output and "使えません" in result.output


def test_diff_rev_unknown_is_located(repo):
    result = runner.invoke(app, ["diff", str(repo / "f.yaml"), "--rev", "no-such-branch"])
    assert result.exit_code == 2 and "見つかりません" in result.output


def test_diff_rev_still_works(repo):
    result = runner.invoke(app, ["diff", str(repo / "f.yaml"), "--rev", "HEAD"])
    assert result.exit_code == 0, result.output


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
