"""`make demo` writes every file its closing message lists (issue 14, item 13).

The demo runs in a copy of the project's flows and script, so the repository's
own out/ is never touched and nothing is left in the project root.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed (the demo draws figures)")
def test_demo_writes_every_file_it_lists(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "demo.sh", tmp_path / "scripts" / "demo.sh")
    shutil.copytree(ROOT / "flows", tmp_path / "flows")
    venv_bin = Path(sys.executable).parent
    (tmp_path / ".venv").mkdir()
    os.symlink(venv_bin, tmp_path / ".venv" / "bin")
    proc = subprocess.run(["bash", "scripts/demo.sh"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    tail = proc.stdout.rsplit("\n\n", 1)[-1]
    listed = re.findall(r"out/[\w./*-]+", tail)
    assert len(listed) >= 6, tail
    for pattern in listed:
        assert glob.glob(str(tmp_path / pattern)), f"the demo lists {pattern} but did not write it"
    assert not list(tmp_path.glob("*.tmp")), "the demo left temporary files in the project root"
