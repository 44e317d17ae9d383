"""Issue 14 items 7-8, for inputs other than flow files: no traceback, no unbounded read, the right message."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, write
from piflow.cli import app

runner = CliRunner()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_policy_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "policy.yaml"
    os.mkfifo(fifo)
    flow = write(tmp_path, MINIMAL)
    proc = subprocess.run([sys.executable, "-m", "piflow", "audit", str(flow), "--policy", str(fifo)],
                          capture_output=True, timeout=60)  # reading the pipe would block for ever
    assert proc.returncode == 2
    assert f"{fifo}:1:1: エラー[P001]" in proc.stderr.decode() and "通常のファイルではありません" in proc.stderr.decode()


def test_a_policy_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("PIFLOW_MAX_SIZE", "1")
    big = tmp_path / "policy.yaml"
    big.write_bytes(b"#" * (1024 * 1024 + 10))
    result = runner.invoke(app, ["audit", str(write(tmp_path, MINIMAL)), "--policy", str(big)])
    assert result.exit_code == 2 and "P005" in result.output


def test_a_folder_that_cannot_be_walked_is_a_located_error(tmp_path, monkeypatch):
    def vanished(paths, not_flows=None):
        raise FileNotFoundError(2, "No such file or directory", "/proc/12345")

    monkeypatch.setattr("piflow.loader.discover", vanished)
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "/proc/12345:1:1: エラー[P001] フォルダを読めません" in result.output and "Traceback" not in result.output


def test_init_under_a_file_says_it_is_not_a_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path / "notes.txt" / "new.yaml"), "-t", "dvd-outsourcing"])
    assert result.exit_code == 2
    assert "はフォルダではありません" in result.output and "既にあります" not in result.output
