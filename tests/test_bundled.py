"""The bundled data's JSON twins (piflow.bundled): fresh, and never trusted when stale."""

from __future__ import annotations

from importlib import resources

import pytest

from piflow import bundled

NAMES = sorted(p.name[:-5] for p in resources.files(bundled.PACKAGE).iterdir() if p.name.endswith(".yaml"))


def test_every_data_file_is_bundled():
    assert NAMES == ["checklists", "measures", "policy"]


@pytest.mark.parametrize("name", NAMES)
def test_twin_is_fresh(name):
    """Fails after an edit of the YAML until `make data` writes the twin again."""
    folder = resources.files(bundled.PACKAGE)
    text = folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    assert folder.joinpath(f"{name}.json").read_text(encoding="utf-8") == bundled.compiled(text), \
        f"src/piflow/data/{name}.json is stale: run `make data`"
    assert bundled.load(name) == bundled.parse_yaml(text)


def _folder(tmp_path, yaml_text: str, twin: str | None):
    (tmp_path / "x.yaml").write_text(yaml_text, encoding="utf-8")
    if twin is not None:
        (tmp_path / "x.json").write_text(twin, encoding="utf-8")
    return tmp_path


def test_fresh_twin_is_read_instead_of_the_yaml(tmp_path):
    # A twin made from this very text, but holding other data: proves the twin is what is read.
    text = "a: 1\n"
    twin = '{"source_sha256": "%s", "data": {"a": 2}}' % bundled.digest(text)
    assert bundled.load_from(_folder(tmp_path, text, twin), "x") == {"a": 2}


@pytest.mark.parametrize("twin", [
    None,  # no twin: the YAML
    '{"source_sha256": "0000", "data": {"a": 2}}',  # made from another text: stale
    '{"data": {"a": 2}}',  # no hash
    "{not json",  # damaged
    '["a", 2]',  # not an object
])
def test_stale_or_damaged_twin_is_ignored(tmp_path, twin):
    assert bundled.load_from(_folder(tmp_path, "a: 1\n", twin), "x") == {"a": 1}


def test_compiled_round_trips_japanese_text():
    text = "名前: 通信内容の暗号化\nlist: [1, 2]\n"
    assert '"名前":"通信内容の暗号化"' in bundled.compiled(text)
