"""Docs that are generated must be current, and the README's commands must exist."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def test_rules_doc_is_current():
    from gendocs import rules_markdown

    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rules_markdown(), "docs/rules.md is stale: run .venv/bin/python scripts/gendocs.py"


def test_every_rule_is_in_the_docs():
    from piflow.audit.catalogue import all_rule_infos

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for info in all_rule_infos():
        assert f"## {info.code}" in text


def test_docs_links_resolve():
    for md in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)\)", md.read_text(encoding="utf-8")):
            if target.startswith("http"):
                continue
            assert (md.parent / target).exists(), f"{md.name}: broken link {target}"
