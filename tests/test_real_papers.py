"""The shipped flows are real agenda papers: pin what piflow finds in each.

A change in these sets is a change in what the tool tells ward staff about
real proposals; it must be reviewed (and explained in docs/real-papers.md).
Refresh with PIFLOW_UPDATE_GOLDEN=1 after such a review.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import FLOWS
from piflow.audit.engine import audit, completeness
from piflow.draw.figure import figure_dot
from piflow.draw.render import render
from piflow.draw.style import load_style
from piflow.loader import load
from test_draw import check_golden

FLOW_FILES = sorted(FLOWS.glob("*.yaml"))


def test_all_nine_figures_are_encoded():
    tags = sorted(sc.tag for path in FLOW_FILES for sc in load(path).flow.scenarios)
    assert tags == sorted(["資料1-1", "資料7-1", "資料7-2", "資料23-1", "資料23-2", "資料23-3",
                           "資料49-1", "資料49-2", "資料49-3"])


def test_finding_keys_per_real_paper():
    keys = {path.name: sorted(f.key for f in audit(load(path))) for path in FLOW_FILES}
    check_golden("real-papers-findings.json", json.dumps(keys, ensure_ascii=False, indent=2) + "\n")


def test_incomplete_keys_per_real_paper():
    """What each paper's flow leaves blank (kept apart from the violations; see docs/real-papers.md)."""
    keys = {}
    for path in FLOW_FILES:
        doc = load(path)
        keys[path.name] = sorted(f.key for f in completeness(doc, audit(doc)))
    check_golden("real-papers-incomplete.json", json.dumps(keys, ensure_ascii=False, indent=2) + "\n")


def test_49_3_flags_the_missing_encryption_the_checklist_claims():
    keys = {f.key for f in audit(load(FLOWS / "49-kosodate-ouen-teate.yaml"))}
    assert "M104@step:printing/media_handover:data-encryption" in keys


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
@pytest.mark.parametrize("path", FLOW_FILES, ids=lambda p: p.name)
def test_every_scenario_renders(path):
    doc = load(path)
    for sc in doc.flow.scenarios:
        svg = render(figure_dot(doc, sc, load_style(None)), "svg")
        # A long title wraps: compare the text without the line breaks.
        text = "".join("".join(ET.fromstring(svg).itertext()).split())
        assert sc.tag in text and "".join(sc.title.split()) in text
