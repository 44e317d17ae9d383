"""What rules see and what they yield: ``Context`` in, ``Problem`` out.

Shared by the engine and the rules, below both, so that imports point one way:
``rules`` → ``context`` ← ``engine`` (a rule never imports the engine).
"""

from __future__ import annotations

from dataclasses import dataclass

from piflow.audit.facts import FlowFacts, StepRef
from piflow.audit.finding import Finding, Subject
from piflow.catalog import Catalog
from piflow.loader import Document
from piflow.model import Party, System


@dataclass(frozen=True)
class Problem:
    """What is wrong, where and how to fix it; the engine stamps code, severity and position."""

    subject: Subject
    message: str
    message_en: str
    fix: str = ""
    measure: str | None = None
    detail: str = ""  # see Finding.detail
    checklist: tuple[str, ...] = ()  # the checklist item(s) behind it, when the rule knows better than its declaration
    part: str | None = None  # see Finding.part


class Context:
    """What a rule sees: the flow, its facts, the catalog, and subject builders."""

    def __init__(self, doc: Document, catalog: Catalog):
        self.doc = doc
        self.flow = doc.flow
        self.facts = FlowFacts(doc, catalog)
        self.catalog = catalog
        self._steps: dict[tuple[int, int], Subject] = {}
        # The violations found so far: completeness rules run after them (an item
        # that is 未対応 is a violation already, not also a blank).
        self.violations: list[Finding] = []

    def step(self, ref: StepRef) -> Subject:
        # Cached: a step with several findings is one subject (its label is formatted once).
        key = (ref.scenario_index, ref.step_index)
        if key not in self._steps:
            self._steps[key] = Subject("step", ref.key, ref.label, ref.path, ref.order)
        return self._steps[key]

    def party(self, party: Party) -> Subject:
        i = self.facts.party_index(party)
        return Subject("party", f"party:{party.id}", f"{party.name}（{'・'.join(r.value for r in party.role)}）",
                       ("parties", i), (0, i))

    def system(self, system: System) -> Subject:
        owner = self.flow.system_owner[system.id]
        i = self.facts.party_index(owner)
        j = owner.systems.index(system)
        return Subject("system", f"system:{system.id}", f"{system.name}（{owner.name}）",
                       ("parties", i, "systems", j), (0, i, j))

    def whole_flow(self) -> Subject:
        return Subject("flow", "flow", self.flow.proposal.title, ("proposal",), (-1,))

    def label(self, measure_id: str) -> str:
        return self.catalog[measure_id].label
