"""Issue 14 item 18: the global --dot option, and the README's way for Windows without admin rights."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, ROOT, write
from piflow.cli import app
from piflow.draw import dotrun

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_dot_option():
    dotrun.set_dot(None)
    yield
    dotrun.set_dot(None)


@pytest.mark.skipif(shutil.which("dot") is None or os.name != "posix", reason="needs Graphviz and a shell")
def test_dot_option_chooses_the_dot_that_draws(tmp_path):
    log = tmp_path / "used.log"
    wrapper = tmp_path / "graphviz" / "bin" / "dot"
    wrapper.parent.mkdir(parents=True)
    wrapper.write_text(f'#!/bin/sh\necho used >> "{log}"\nexec "{shutil.which("dot")}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    flow = write(tmp_path, MINIMAL)
    # the folder above bin/ is enough, as an unzipped Graphviz folder is what a Windows user has at hand
    result = runner.invoke(app, ["--dot", str(tmp_path / "graphviz"), "draw", str(flow), "-o", str(tmp_path / "a.svg")])
    assert result.exit_code == 0, result.output
    assert log.read_text(encoding="utf-8").count("used") == 1
    assert (tmp_path / "a.svg").read_bytes().lstrip().startswith(b"<?xml")


def test_dot_option_that_points_nowhere_is_a_located_error(tmp_path):
    flow = write(tmp_path, MINIMAL)
    missing = tmp_path / "Graphviz-12.2.1-win64" / "bin" / "dot.exe"
    result = runner.invoke(app, ["--dot", str(missing), "draw", str(flow), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--dot で指定された dot が見つかりません" in result.output and str(missing) in result.output
    assert not (tmp_path / "out").exists()


def test_dot_option_is_in_the_help():
    result = runner.invoke(app, ["--help"])
    assert "--dot" in result.output and "PIFLOW_DOT" in result.output


def test_readme_has_a_windows_section_without_admin_rights():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Windows.*?(?=^## )", readme, re.S | re.M)
    assert section, "README has a '## Windows' section"
    text = section.group()
    for needed in ("python.org", "管理者", "zip", "PIFLOW_DOT", "--dot", "dot.exe", "setx", "フォント", "UTF-8"):
        assert needed in text, needed


def test_output_redirected_to_a_file_is_utf8_whatever_the_code_page(tmp_path):
    import subprocess
    import sys

    # PYTHONIOENCODING=cp932 is what a redirected stream on a Japanese Windows looks like to Python.
    env = {**os.environ, "PYTHONIOENCODING": "cp932"}
    proc = subprocess.run([sys.executable, "-m", "piflow", "validate", str(write(tmp_path, MINIMAL))],
                          env=env, capture_output=True, timeout=60)
    assert proc.returncode == 0
    assert "OK（シナリオ 1" in proc.stdout.decode("utf-8")
