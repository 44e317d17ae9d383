"""When a part of a checklist item applies: named conditions over a flow's facts.

An item of the ward's checklists often asks for a measure only in some cases:
「クラウドサービスを利用する場合は」, 「再委託先がある場合には」, 「個人情報を保存する場合は」.
The bundled forms (``data/checklists.yaml``) name the condition of each such part;
the form filler (``piflow.checklist``) and the audit's measure requirements
(``piflow.audit.engine``) both evaluate it here, for the partner a form is about
(every form is about one partner).

Each condition is a small declared unit: its name, what it means and the reason a form
prints when it does not hold (as the papers write it: 「－（電子データのみの取扱いのため）」)
are data (``conditions:`` in ``data/checklists.yaml``, so a policy pack can reword them);
its test is here.  Adding one is an entry there and an entry in ``TESTS``
(tests/test_checklist_parts.py checks that the two agree).
"""

from __future__ import annotations

from typing import Callable

from piflow.audit.facts import FlowFacts, StepRef
from piflow.model import Party
from piflow.vocab import Medium


def _exchanges(facts: FlowFacts, party: Party) -> list[StepRef]:
    """Cross-party steps that carry data to or from ``party``, in no particular order.

    From the facts' index by endpoint: asked for each partner of each form, a scan of every step each
    time was most of a 10,000-step audit's checklist work.
    """
    # A step between two parties has at most one end among one party's endpoints: none is listed twice.
    return [r for e in facts.endpoints_of(party) for r in facts.exchanges_at.get(e, ())]


def _media(facts: FlowFacts, party: Party) -> set[Medium]:
    return {r.step.medium or Medium.ELECTRONIC for r in _exchanges(facts, party)}


def _cloud(facts: FlowFacts, party: Party) -> bool:
    if party.cloud:
        return True
    # A partner that puts data into (or takes it from) someone's cloud uses that cloud service.
    ends = {facts.owner(e).id for r in _exchanges(facts, party) for e in (r.step.from_, r.step.to)}
    return any(p.cloud for p in facts.flow.parties if p.id in ends)


def _subcontractor(facts: FlowFacts, party: Party) -> bool:
    return any(p.contractor == party.id for p in facts.flow.parties)


def _physical(facts: FlowFacts, party: Party) -> bool:
    return bool(_media(facts, party) & {Medium.PAPER, Medium.REMOVABLE})


def _removable(facts: FlowFacts, party: Party) -> bool:
    return Medium.REMOVABLE in _media(facts, party)


def _electronic(facts: FlowFacts, party: Party) -> bool:
    return bool(party.systems or party.operates or _media(facts, party) & {Medium.ELECTRONIC, Medium.REMOVABLE})


def _stores(facts: FlowFacts, party: Party) -> bool:
    return bool(party.systems or party.operates or facts.party_holdings(party))


def _handles(facts: FlowFacts, party: Party) -> bool:
    """Declared to handle personal data (its ``data``), or it keeps, runs or exchanges some."""
    return bool(party.data or party.systems or party.operates or _exchanges(facts, party))


def _operates(facts: FlowFacts, party: Party) -> bool:
    return bool(party.operates)


TESTS: dict[str, Callable[[FlowFacts, Party], bool]] = {
    "cloud": _cloud,
    "subcontractor": _subcontractor,
    "physical": _physical,
    "media": _removable,
    "electronic": _electronic,
    "stores": _stores,
    "handles": _handles,
    "operates": _operates,
}


def holds(facts: FlowFacts, name: str | None, party: Party) -> bool:
    """True when the condition ``name`` holds for ``party`` (no condition: always)."""
    if name is None:
        return True
    # Asked once per part of every form; a flow has 10,000 steps at most, parties few: memoise per facts.
    memo = facts.__dict__.setdefault("_condition_memo", {})
    key = (name, party.id)
    if key not in memo:
        memo[key] = TESTS[name](facts, party)
    return memo[key]


__all__ = ["TESTS", "holds"]
