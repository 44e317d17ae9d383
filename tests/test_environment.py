"""Issue 25 item 9: any terminal, any zone.  Messages survive a terminal that cannot show Japanese, and
every output is the same bytes whatever the machine's time zone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import FLOWS, MINIMAL, write

PIFLOW = [sys.executable, "-m", "piflow"]


@pytest.mark.skipif(shutil.which("script") is None, reason="util-linux 'script' (a terminal for the test) is missing")
@pytest.mark.parametrize("command", [["validate", "{bad}"], ["audit", "{good}"], ["--help"]])
def test_an_ascii_terminal_gets_escapes_not_a_crash(tmp_path, command):
    bad = write(tmp_path, MINIMAL.replace("title: テスト事業", "title: !!bool maybe"), "bad.yaml")
    good = write(tmp_path, MINIMAL, "good.yaml")
    args = " ".join(a.format(bad=bad, good=good) for a in command)
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"}
    # 'script' gives the command a real terminal (a pipe would be written as UTF-8 instead)
    proc = subprocess.run(["script", "-qec", f"{' '.join(PIFLOW)} {args}", "/dev/null"], env=env,
                          capture_output=True, timeout=120)
    text = proc.stdout.decode("ascii", "replace")
    assert "Traceback" not in text and "UnicodeEncodeError" not in text, text[-800:]
    assert proc.returncode in (0, 1, 2)
    if command != ["--help"]:  # click writes its help on its own; it must not crash, which is checked above
        assert "\\u" in text  # the Japanese is there, escaped


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_pdf_bytes_do_not_depend_on_the_time_zone(tmp_path):
    flow = FLOWS / "01-tape-hanyaku-box.yaml"
    made = []
    for zone in ("UTC", "Asia/Tokyo", "America/New_York"):
        out = tmp_path / f"{zone.replace('/', '_')}.pdf"
        subprocess.run([*PIFLOW, "draw", str(flow), "-f", "pdf", "-o", str(out)], check=True, capture_output=True,
                       env={**os.environ, "TZ": zone}, timeout=120)
        made.append(out.read_bytes())
    assert made[0] == made[1] == made[2]
    assert b"/CreationDate (D:20000101000000Z)" in made[0]
