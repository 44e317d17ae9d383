"""Issue 25 item 6: settings are visible and come from the project, not from anywhere above it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, write
from piflow import project
from piflow.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch, tmp_path):
    project._project_in.cache_clear()
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))
    yield
    project._project_in.cache_clear()


def _toml(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "piflow.toml").write_text(f'municipality = "{name}"\n', encoding="utf-8")


def test_the_search_stops_at_the_repository_root(tmp_path):
    _toml(tmp_path, "上の区")  # above the repository: not the project's
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "flows").mkdir()
    flow = write(repo / "flows", MINIMAL)
    assert project.municipality_for(flow) == project.DEFAULT_MUNICIPALITY
    _toml(repo, "豊島区")
    project._project_in.cache_clear()
    assert project.municipality_for(flow) == "豊島区"


def test_the_search_stops_at_the_home_folder(tmp_path):
    _toml(tmp_path, "上の区")
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    flow = write(home / "work", MINIMAL)
    assert project.municipality_for(flow) == project.DEFAULT_MUNICIPALITY
    _toml(home, "中野区")
    project._project_in.cache_clear()
    assert project.municipality_for(flow) == "中野区"


def test_outside_a_repository_and_home_the_shared_top_folders_are_not_read(tmp_path):
    """A shared drive: the project's folders are read, / and the folders directly in it (/tmp, C:\\) are not."""
    folder = Path("/nowhere-piflow-test/project/flows")
    assert project.search_folders(folder) == [folder, folder.parent]
    assert project.search_folders(Path("/nowhere-piflow-test")) == [Path("/nowhere-piflow-test")]


def test_a_project_folder_above_the_flows_is_found_on_a_shared_drive(tmp_path):
    _toml(tmp_path, "豊島区")
    (tmp_path / "flows").mkdir()
    flow = write(tmp_path / "flows", MINIMAL)
    assert project.municipality_for(flow) == "豊島区"


def test_the_audit_names_the_settings_file_it_used(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    _toml(repo, "豊島区")
    flow = write(repo, MINIMAL)
    monkeypatch.chdir(repo)
    text = runner.invoke(app, ["audit", str(flow)]).output
    assert "設定 (settings): piflow.toml（豊島区）" in text
    data = json.loads(runner.invoke(app, ["audit", str(flow), "-f", "json"]).output)
    assert data["files"][0]["settings"] == {"file": "piflow.toml", "municipality": "豊島区", "override": False}


def test_without_a_settings_file_the_text_says_nothing_and_the_json_says_none(tmp_path, monkeypatch):
    flow = write(tmp_path, MINIMAL)
    monkeypatch.chdir(tmp_path)
    assert "設定 (settings)" not in runner.invoke(app, ["audit", str(flow)]).output
    data = json.loads(runner.invoke(app, ["audit", str(flow), "-f", "json"]).output)
    assert data["files"][0]["settings"] == {"file": None, "municipality": "新宿区", "override": False}
