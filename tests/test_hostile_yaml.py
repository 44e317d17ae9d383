"""Issue 25: the hostile flow files in tests/hostile/yaml each end as expected.yaml says.

An "ok" case validates (exit 0); any other ends in exit 2 with a located error FILE:LINE:COLUMN and the
expected code at the expected line.  Never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hostile.common import located, run

HERE = Path(__file__).parent / "hostile" / "yaml"
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))


def test_the_manifest_and_the_files_agree():
    files = {p.name for p in HERE.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 91


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_flow_file(name):
    case = EXPECTED[name]
    code, output = run(["validate", HERE / name], env=case.get("env"))
    if case["expect"] == "ok":
        assert code == 0, output[-1000:]
        return
    want, line = case["expect"].split(":")
    assert code == 2, output[-1000:]
    assert (want, int(line)) in located(output), output[-1000:]
