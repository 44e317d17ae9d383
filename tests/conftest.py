from __future__ import annotations

import textwrap
from pathlib import Path

import os

import pytest
from hypothesis import settings

# CI runs a fixed sequence of examples so a landing is never blocked by a chance draw;
# local runs stay random and keep finding new cases (see the ']' label fix).
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
SHARED = ROOT.parent / "shared"

# A small valid flow that the loader and audit tests mutate.
MINIMAL = textwrap.dedent(
    """\
    piflow: 1
    proposal:
      title: テスト事業
      section: テスト課
      bases: [業務委託]
    data:
      - {id: name, name: 氏名}
    parties:
      - id: ward
        name: 新宿区
        role: 区
        data: [name]
        systems:
          - {id: sys, name: 業務システム}
      - id: vendor
        name: 委託先
        role: 委託先
    scenarios:
      - id: main
        tag: 資料1-1
        title: テストに係る個人情報の流れ
        steps:
          - {n: 1, from: sys, to: ward, text: 抽出}
          - {n: 2, from: ward, to: vendor, text: 提供, channel: 手渡し, medium: 紙}
    """
)


@pytest.fixture
def minimal() -> str:
    return MINIMAL


def write(tmp_path: Path, text: str, name: str = "flow.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
