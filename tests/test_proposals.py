"""The example proposals in docs/proposals/: each complete one audits clean, each planted defect is found.

A clerk's proposal for every checklist (1–8), written from the docs alone.  For each,
``NAME.yaml`` is the complete version (no error, no warning; ``audit --strict`` exits 0)
and ``NAME.defects.yaml`` the same proposal with defects planted, each found with the
finding key listed here — exactly those, no more.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from piflow import exitcodes
from piflow.audit.engine import audit
from piflow.commands.audit import audit as audit_command
from piflow.loader import load

PROPOSALS = Path(__file__).parents[1] / "docs" / "proposals"

# Proposal -> the finding keys its planted defects must give (violations, unaccepted).
DEFECTS = {
    "01-mokutekigai-youengo": ["G251@party:kaigo:onsite-survey", "M120@step:use/extract:data-encryption"],
    "02-gaibu-teikyou-meibo": [
        "G206@party:minsei", "M103@step:provide/to_choukai:handover-ledger", "M114@party:fire:written-agreement",
        "M114@party:police:written-agreement", "M115@party:choukai:written-agreement",
    ],
    "03-densan-replace": [
        "G230@step:migrate/remote", "G231@step:migrate/remote", "G232@step:migrate/remote", "G251@party:vendor:return",
        "M120@step:migrate/remote:data-encryption",
    ],
    "04-gaibu-ketsugou-kouiki": ["G204@party:kouiki", "G241@system:std_sys", "G242@system:std_sys"],
    "05-itaku-nyuuryoku": [
        "G203@party:center", "M104@step:entry/result:data-encryption", "M105@step:entry/result:data-encryption",
        "M107@step:entry/forms_out:handover-ledger",
    ],
    "06-itaku-hassou-kami": ["G251@party:mailer:return", "M103@step:mail/hand_over:handover-ledger"],
    "07-shitei-kanri-center": ["G204@party:manager", "G251@party:manager:erasure"],
    "08-shitei-kanri-jidoukan": ["G206@party:choukai", "G210@party:manager:return"],
    "09-denshi-shinsei-saas": [
        "G232@step:apply/fetch", "G241@system:saas_db", "G242@system:saas_db", "G251@party:ward:cloud-guideline",
    ],
    "10-shitei-kanri-toshokan-cloud": ["G241@system:backup", "G242@system:backup", "G251@party:manager:erasure"],
    "11-itaku-chatbot-saikitaku": ["G203@party:llm", "G241@system:llm_api", "M111@party:saas:subcontract-inspection"],
    "12-gaibu-teikyou-tokuchou": [
        "G241@system:eltax_sys", "G242@system:eltax_sys", "G251@party:ward:onsite-survey",
        "M115@party:employers:written-agreement",
    ],
}

# Complete proposals whose ``audit --strict`` is not yet 0 only because of checklist-form
# completeness (C301 blanks from checklist items with conditions, which the checklist work on
# branch `checklist` redoes).  Their errors and warnings are asserted above all the same; once
# that work is merged, empty this list so the --strict assertion holds for every proposal.
STRICT_WAITING_FOR_CHECKLIST_FORMS: dict[str, str] = {}


def _violations(path: Path) -> list[str]:
    return sorted(f.key for f in audit(load(path)) if not f.accepted and not f.incomplete)


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_complete_proposal_has_no_error_or_warning(name):
    assert _violations(PROPOSALS / f"{name}.yaml") == []


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_complete_proposal_passes_strict(name):
    if name in STRICT_WAITING_FOR_CHECKLIST_FORMS:
        pytest.xfail(STRICT_WAITING_FOR_CHECKLIST_FORMS[name])
    out = io.StringIO()
    assert audit_command([str(PROPOSALS / f"{name}.yaml")], strict=True, out=out, err=io.StringIO()) == exitcodes.OK, \
        out.getvalue()


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_planted_defects_are_each_found(name):
    assert _violations(PROPOSALS / f"{name}.defects.yaml") == sorted(DEFECTS[name])
    out = io.StringIO()
    assert audit_command([str(PROPOSALS / f"{name}.defects.yaml")], out=out, err=io.StringIO()) == exitcodes.FINDINGS


def test_every_proposal_file_is_tested_and_described():
    files = sorted(p.name for p in PROPOSALS.glob("*.yaml"))
    assert files == sorted(f"{n}{tail}" for n in DEFECTS for tail in (".yaml", ".defects.yaml"))
    readme = (PROPOSALS / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in DEFECTS)


def test_every_checklist_has_a_proposal():
    """Checklists 1–8 each filled by at least one complete proposal."""
    from piflow.checklist import fill

    numbers = {form.number for name in DEFECTS for form in fill(load(PROPOSALS / f"{name}.yaml"), [])}
    assert numbers >= set(range(1, 9)), sorted(numbers)


def test_what_the_newer_proposals_show_on_their_forms():
    """10: the 指定管理者's waivers of its systems' items reach the ward's form; 11: the exception of the server
    abroad marks the subcontractor's 国内法 item; 12: a waiver limited by for: marks the one recipient's form."""
    from piflow.checklist import fill

    def item(name, number, side, partner, section, k):
        doc = load(PROPOSALS / f"{name}.yaml")
        form = next(f for f in fill(doc, audit(doc)) if (f.number, f.side, f.partner_id) == (number, side, partner))
        return next(s for s in form.sections if s.name == section).items[k - 1].mark

    for side in ("ward", "partner"):
        assert item("10-shitei-kanri-toshokan-cloud", 7, side, "manager", "システム上の対策", 11) == \
            "－（サーバは結合先のクラウド型図書館システムのため）"
        assert item("11-itaku-chatbot-saikitaku", 5, side, "llm", "システム上の対策", 11).startswith(
            "－（例外: 委託契約書第15条")
    assert item("12-gaibu-teikyou-tokuchou", 2, "ward", "employers", "運用上の対策", 4) == \
        "－（地方税法に基づく通知で、事業者への実地調査は行わないため）"
