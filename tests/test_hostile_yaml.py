"""Issue 25: the hostile flow files in tests/hostile/yaml each end as expected.yaml says.

An "ok" case validates (exit 0); any other ends in exit 2 with a located error FILE:LINE:COLUMN and the
expected code at the expected line.  Never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hostile.common import located, run
from hostile.scan import scan

HERE = Path(__file__).parent / "hostile" / "yaml"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))


def test_the_manifest_and_the_files_agree():
    files = {p.name for p in HERE.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 91


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_flow_file(tmp_path, name):
    case = EXPECTED[name]
    code, output = run(["validate", HERE / name], env=case.get("env"))
    assert len(output) < 16_000  # bounded: a 100,000-character tag or key is not echoed whole
    if case["expect"] == "ok":  # and a correct result: audited, drawn as text without active content
        assert code == 0, output[-1000:]
        code, output = run(["audit", HERE / name, "-f", "json"])
        assert code in (0, 1) and json.loads(output)
        code, output = run(["draw", HERE / name, "-f", "dot", "-o", tmp_path / "fig.dot"])
        assert code == 0 and scan(tmp_path / "fig.dot") == [], output
        return
    want, line = case["expect"].split(":")
    assert code == 2, output[-1000:]
    assert (want, int(line)) in located(output), output[-1000:]


def test_the_whole_corpus_at_once_under_lang_c():
    """One process over the folder, under LANG=C with an ASCII output encoding: every file answered, no crash.
    (Into a pipe piflow writes UTF-8 whatever the locale; a terminal gets escapes: tests/test_environment.py.)"""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"}
    env.pop("PIFLOW_MAX_SIZE", None)
    proc = subprocess.run([sys.executable, "-m", "piflow", "validate", str(HERE)], capture_output=True, env=env,
                          timeout=300)
    text = (proc.stdout + proc.stderr).decode("utf-8")
    assert proc.returncode == 2
    assert "Traceback" not in text and "UnicodeEncodeError" not in text, text[-2000:]
    answered = {name for name in EXPECTED if name in text}
    # Their keys are a:, b: …, none of a flow's: a folder leaves them out unread, saying so (named, each is
    # answered above).
    not_flows = {"028-alias-bomb.yaml", "041-deep-list-10000.yaml"}
    assert set(EXPECTED) - not_flows <= answered, sorted(set(EXPECTED) - not_flows - answered)[:10]
    assert "skipped 3 YAML file(s) without a flow's top-level key" in text  # and expected.yaml, this list


@pytest.mark.parametrize("path", ["", " ", "/dev/zero", "/dev/null", "-", "no-such.yaml"])
def test_a_path_that_is_no_flow_file_is_named(path):
    """An empty argument (an unset variable in a script) is not the current folder; a device is not read."""
    code, output = run(["validate", path])
    assert code == 2 and {("P001", 1), ("P007", 1)} & set(located(output)), output[-500:]
