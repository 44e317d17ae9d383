"""Issue 25 item 2: themes are input.  The hostile themes of tests/hostile/themes each end as expected.yaml
says: a located error in the theme file, or a figure and an HTML report drawn with it that hold no active
content.  Never a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, write
from hostile.common import located, run
from hostile.scan import scan

HERE = Path(__file__).parent / "hostile" / "themes"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))


def test_the_manifest_and_the_files_agree():
    assert {p.name for p in HERE.glob("*.yaml")} - {"expected.yaml"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_theme(tmp_path, name):
    flow = write(tmp_path, MINIMAL)
    theme = HERE / name
    expect = EXPECTED[name]["expect"]
    code, output = run(["draw", flow, "--style", theme, "-f", "svg", "-o", tmp_path / "fig.svg"])
    if expect != "ok":
        want, line = expect.split(":")
        assert code == 2, output[-1000:]
        assert (want, int(line)) in located(output), output[-1000:]
        assert name in output and not (tmp_path / "fig.svg").exists()
        if want in ("P101", "P102"):  # the message names the key, and the key is on that line
            path = re.search(rf"{re.escape(name)}:{line}:\d+: エラー\[{want}\] (\S+?):", output).group(1)
            shown = theme.read_text(encoding="utf-8").split("\n")[int(line) - 1]
            assert path.split(".")[-1] in shown, (path, shown)
        return
    assert code == 0, output[-1000:]
    code, output = run(["report", flow, "--style", theme, "-f", "html", "-o", tmp_path / "report.html"])
    assert code in (0, 1), output[-1000:]
    assert scan(tmp_path / "fig.svg") == [] and scan(tmp_path / "report.html") == []


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes")
    os.mkfifo(tmp_path / "theme.yaml")
    return tmp_path / "theme.yaml"


def _big(tmp_path: Path) -> Path:
    (tmp_path / "theme.yaml").write_bytes(b"# " + b"x" * (1024 * 1024 + 10) + b"\n")
    return tmp_path / "theme.yaml"


THEME_FILES = {
    "no such file": (lambda tmp: tmp / "missing.yaml", "P001"),
    "a folder": (lambda tmp: tmp, "P001"),
    "a named pipe (never waited on)": (_fifo, "P001"),
    "over the size limit (read no further than it)": (_big, "P005"),
    "a built-in name misspelt": (lambda tmp: "defualt", "P001"),
}


@pytest.mark.parametrize("case", list(THEME_FILES))
def test_a_theme_that_cannot_be_read_is_named(tmp_path, monkeypatch, case):
    monkeypatch.setenv("PIFLOW_MAX_SIZE", "1")
    make, want = THEME_FILES[case]
    theme = make(tmp_path)
    code, output = run(["draw", write(tmp_path, MINIMAL), "--style", theme, "-f", "svg", "-o", tmp_path / "f.svg"])
    assert code == 2 and want in [c for c, _ in located(output)], output[-1000:]
