"""Facts about a loaded flow that the policy and the graph rules test.

Built once per flow: where every data item ends up (lineage over any number of hops,
``piflow.audit.lineage``), what each step carries, who declares which measures.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property

from piflow.stepkeys import finding_key
from piflow.audit.lineage import Lineage
from piflow.catalog import Catalog, default_catalog
from piflow.loader import Document
from piflow.model import Party, Scenario, Step, System
from piflow.textnorm import circled
from piflow.vocab import Medium, Role, is_domestic

PARTNER_ROLES = (Role.CONTRACTOR, Role.SUBCONTRACTOR, Role.DESIGNATED_MANAGER)
ORIGIN_ROLES = (Role.WARD, Role.SUBJECT, Role.OTHER, Role.PUBLIC_BODY)


@dataclass(frozen=True)
class StepRef:
    """A step with its scenario and its position in the file."""

    scenario: Scenario
    step: Step
    scenario_index: int
    step_index: int

    @property
    def path(self) -> tuple:
        return ("scenarios", self.scenario_index, "steps", self.step_index)

    @property
    def key(self) -> str:
        return finding_key(self.scenario.id, self.step)

    @property
    def label(self) -> str:
        return f"{self.scenario.tag} {circled(self.step.number, self.step.suffix)} {self.step.text}"

    @property
    def order(self) -> tuple:
        return (1, self.scenario_index, self.step.sort_key)


class FlowFacts:
    def __init__(self, doc: Document, catalog: Catalog | None = None):
        self.doc = doc
        self.flow = doc.flow
        self.catalog = catalog or doc.catalog or default_catalog()
        # Caches: the same facts are asked for by every requirement and rule.
        self._step_facts: dict[tuple[int, int], LazyFacts] = {}
        self._carried: dict[tuple[int, int], frozenset[str]] = {}
        self._party_measures: dict[str, dict[str, str | None]] = {}
        self._step_measures: dict[tuple, dict[str, str | None]] = {}
        self._sets: dict[frozenset, frozenset] = {}

    # --- structure -----------------------------------------------------------------

    @cached_property
    def steps(self) -> list[StepRef]:
        return [
            StepRef(sc, st, i, j)
            for i, sc in enumerate(self.flow.scenarios)
            for j, st in enumerate(sc.steps)
        ]

    def party_index(self, party: Party) -> int:
        return self.flow.parties.index(party)

    def owner(self, endpoint: str) -> Party:
        return self.flow.owner(endpoint)

    def cross_party(self, ref: StepRef) -> bool:
        return self.owner(ref.step.from_).id != self.owner(ref.step.to).id

    def endpoints_of(self, party: Party) -> list[str]:
        return [party.id, *(s.id for s in party.systems)]

    @cached_property
    def lineage(self) -> Lineage:
        """Endpoints as nodes; an edge where data passes: the steps from one endpoint to another, system -> owner.

        A party's staff see what its systems hold; the reverse (what staff
        receive ends up in a system) needs a step, or everything would flow
        everywhere.
        """
        g = Lineage()
        for party in self.flow.parties:
            g.add(party.id)
            for system in party.systems:
                g.join(system.id, party.id, None)
            for system_id in party.operates:
                # A vendor that runs a system sees what it holds.
                g.join(system_id, party.id, None)
        for ref in self.steps:
            g.join(ref.step.from_, ref.step.to, ref.step.data)
        return g

    # --- lineage -----------------------------------------------------------------------

    def origins(self, item: str) -> set[str]:
        """Where ``item`` starts: a subject's or the ward's own data, a system that keeps or
        originates it, and the sender of every step that names it (if the sender could not
        have it, G205 says so)."""
        seeds = set()
        for party in self.flow.parties:
            if party.has_role(*ORIGIN_ROLES):
                if party.data and item in party.data:
                    seeds.add(party.id)
                seeds |= {s.id for s in party.systems if s.data and item in s.data}
            seeds |= {s.id for s in party.systems if item in s.originates}
        seeds |= {ref.step.from_ for ref in self.steps if ref.step.data and item in ref.step.data}
        return seeds

    @cached_property
    def reach(self) -> dict[str, set[str]]:
        """Data id -> endpoints that end up holding it, over any number of hops."""
        return {item.id: self.lineage.reached(item.id, self.origins(item.id)) for item in self.flow.data}

    def route(self, item: str, party: Party) -> list[tuple[str, StepRef | None]]:
        """How ``item`` reaches ``party``: its endpoints from an origin on, each with the first step
        (in file order) that carries it there, or None for a system seen by its owner.  Empty when
        the party is itself an origin of the item or nothing brings it there."""
        path = self.lineage.route(item, self.origins(item) - set(self.endpoints_of(party)), self.endpoints_of(party))
        if not path:
            return []
        hops: list[tuple[str, StepRef | None]] = [(path[0], None)]
        for sender, receiver in zip(path, path[1:]):
            step = next((r for r in self.steps if r.step.from_ == sender and r.step.to == receiver
                         and (r.step.data is None or item in r.step.data)), None)
            hops.append((receiver, step))
        return hops

    @cached_property
    def holdings(self) -> dict[str, set[str]]:
        """Endpoint id -> data ids it holds."""
        out: dict[str, set[str]] = {e: set() for e in self.lineage.nodes}
        for item, endpoints in self.reach.items():
            for e in endpoints:
                out.setdefault(e, set()).add(item)
        return out

    @cached_property
    def sender_gaps(self) -> list[tuple[StepRef, tuple[str, ...]]]:
        """Steps that name items their sender could not hold at that point, with those items.

        Walks the scenarios in file order and each one's steps in number order
        (① ①' ② …).  A sender holds an item if it is the origin (a data subject,
        a system that ``originates`` it), declares it (``data`` of the system or
        of the party it belongs to), received it in an earlier step, or, for a
        party's staff, one of its own or operated systems holds it.  Steps without ``data`` carry what
        the sender holds and never have a gap.
        """
        flow = self.flow
        held: dict[str, set[str]] = {}
        for party in flow.parties:
            held[party.id] = set(party.data or ())
            for system in party.systems:
                # A party's data list is what it is approved to handle, on its systems too.
                held[system.id] = set(system.data or ()) | set(system.originates) | set(party.data or ())
        anything = frozenset(d.id for d in flow.data)
        originators = {p.id for p in flow.parties if p.has_role(Role.SUBJECT)}  # people give their own data
        seen_by = {p.id: [s.id for s in p.systems] + list(p.operates) for p in flow.parties}
        gaps = []
        ordered = sorted(self.steps, key=lambda r: (r.scenario_index, r.step.sort_key, r.step_index))
        for ref in ordered:
            step = ref.step
            sender = step.from_
            if step.data:
                if sender in originators:
                    have: set[str] | frozenset[str] = anything
                else:
                    have = set(held[sender])
                    for system_id in seen_by.get(sender, ()):
                        have |= held[system_id]
                missing = tuple(d for d in step.data if d not in have)
                if missing:
                    gaps.append((ref, missing))
            carried = step.data if step.data is not None else held[sender]
            held[step.to] |= set(carried)
        return gaps

    def party_holdings(self, party: Party) -> set[str]:
        held: set[str] = set()
        for e in self.endpoints_of(party):
            held |= self.holdings.get(e, set())
        return held

    def carried(self, ref: StepRef) -> frozenset[str]:
        """What a step carries: its data list, or everything the sender holds."""
        key = (ref.scenario_index, ref.step_index)
        if key not in self._carried:
            data = ref.step.data
            self._carried[key] = self.shared(data if data is not None else self.holdings.get(ref.step.from_, ()))
        return self._carried[key]

    @cached_property
    def _class_of(self) -> dict[str, str]:
        return {d.id: d.class_.value for d in self.flow.data}

    def data_classes(self, ref: StepRef) -> frozenset[str]:
        class_of = self._class_of
        return self.shared(class_of[d] for d in self.carried(ref))

    def shared(self, values) -> frozenset:
        """``values`` as a frozenset, one object for all equal ones: a step's facts (what it carries, its
        channels) take a few values over and over, and 100,000 steps held as many copies."""
        found = frozenset(values)
        return self._sets.setdefault(found, found)

    @cached_property
    def steps_touching(self) -> dict[str, list[StepRef]]:
        """Endpoint id -> the steps that start or end there."""
        out: dict[str, list[StepRef]] = {}
        for r in self.steps:
            out.setdefault(r.step.from_, []).append(r)
            if r.step.to != r.step.from_:
                out.setdefault(r.step.to, []).append(r)
        return out

    @cached_property
    def exchanges(self) -> list[StepRef]:
        """The steps between two parties that carry data."""
        return [r for r in self.steps if self.cross_party(r) and self.carried(r)]

    @cached_property
    def exchanges_at(self) -> dict[str, list[StepRef]]:
        """Endpoint id -> the ``exchanges`` that start or end there."""
        out: dict[str, list[StepRef]] = {}
        for r in self.exchanges:
            out.setdefault(r.step.from_, []).append(r)
            out.setdefault(r.step.to, []).append(r)
        return out

    @cached_property
    def _incoming(self) -> dict[str, list[StepRef]]:
        out: dict[str, list[StepRef]] = {p.id: [] for p in self.flow.parties}
        for r in self.steps:
            src, dst = self.owner(r.step.from_).id, self.owner(r.step.to).id
            if src != dst and self.carried(r):
                out[dst].append(r)
        return out

    def incoming(self, party: Party) -> list[StepRef]:
        """Steps that bring data into ``party`` from another party."""
        return self._incoming[party.id]

    def received_media(self, party: Party) -> set[Medium]:
        media = {r.step.medium for r in self.incoming(party) if r.step.medium}
        if party.operates or any(not r.step.medium for r in self.incoming(party)):
            media.add(Medium.ELECTRONIC)
        return media

    # --- what a party does with the data, where it keeps it (issue 22) ----------------------

    def activities(self, party: Party) -> tuple[str, ...]:
        """What ``party`` does with personal data, in a fixed order: "receives" (a step brings it
        data from another party), "maintains" (it operates another party's system), "stores"
        (its own systems or its cloud service keep data).  Messages speak of these, not of
        receiving when the party only maintains a system.
        """
        does = []
        if self.incoming(party):
            does.append("receives")
        if any(self.holdings.get(s) for s in party.operates):
            does.append("maintains")
        if party.cloud or any(self.holdings.get(s.id) for s in party.systems):
            does.append("stores")
        return tuple(does)

    def location_of(self, holder: Party | System) -> str | None:
        """Where a party or system keeps data: its own ``location``, for a system else its owner's."""
        if holder.location:
            return holder.location
        owner = self.flow.system_owner.get(holder.id) if isinstance(holder, System) else None
        return owner.location if owner else None

    @cached_property
    def abroad(self) -> list[tuple[Party, Party | System, str]]:
        """(party, holder, location) for each holder of personal data whose location is outside Japan.

        The holder is a system with data (its location, or its owner's), or the party itself when it
        states a location and holds data; a party's location is then not repeated for each system.
        """
        out = []
        for party in self.flow.parties:
            systems = [s for s in party.systems if self.holdings.get(s.id)]
            place = party.location
            if place and not is_domestic(place) and self.party_holdings(party) and not systems:
                out.append((party, party, place))
            for system in systems:
                where = self.location_of(system)
                if where and not is_domestic(where):
                    out.append((party, system, where))
        return out

    # --- measures -------------------------------------------------------------------------

    def party_measures(self, party: Party) -> dict[str, str | None]:
        """Measure id -> None if declared, or the waiver reason, on the party or its systems."""
        if party.id in self._party_measures:
            return self._party_measures[party.id]
        out: dict[str, str | None] = self._party_measures.setdefault(party.id, {})
        for holder in (party, *party.systems):
            out.update({m: reason for m, reason in holder.waivers.items()})
            out.update(dict.fromkeys(self.catalog.closure((*holder.checklist_measures, *holder.measures))))
        return out

    def step_measures(self, ref: StepRef, where: tuple[str, ...]) -> dict[str, str | None]:
        step = ref.step
        if "step" in where and (step.measures or step.waivers):
            key: tuple = (ref.scenario_index, ref.step_index, where)
        else:  # nothing of the step's own: the same as every step between the same two parties
            key = (self.owner(step.from_).id, self.owner(step.to).id, where)
        if key not in self._step_measures:
            self._step_measures[key] = self._compute_step_measures(ref, where)
        return self._step_measures[key]

    def _compute_step_measures(self, ref: StepRef, where: tuple[str, ...]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        if "sender" in where:
            out.update(self.party_measures(self.owner(ref.step.from_)))
        if "receiver" in where:
            out.update(self.party_measures(self.owner(ref.step.to)))
        if "step" in where:
            out.update(ref.step.waivers)
            out.update(dict.fromkeys(self.catalog.closure(ref.step.measures)))
        return out

    def wards(self) -> list[Party]:
        return [p for p in self.flow.parties if p.has_role(Role.WARD)]

    # --- facts for policy conditions --------------------------------------------------------

    def step_facts(self, ref: StepRef) -> "LazyFacts":
        """The facts a policy condition may test about a step, computed only when asked."""
        key = (ref.scenario_index, ref.step_index)
        if key not in self._step_facts:
            self._step_facts[key] = LazyFacts(_STEP_FACTS, self, ref)
        return self._step_facts[key]

    @cached_property
    def _roles(self) -> dict[str, frozenset[str]]:
        return {p.id: frozenset(r.value for r in p.role) for p in self.flow.parties}

    @cached_property
    def _bases(self) -> frozenset[str]:
        return frozenset(b.value for b in self.flow.proposal.bases)

    def _ends(self, ref: StepRef) -> tuple[str, str]:
        return self.owner(ref.step.from_).id, self.owner(ref.step.to).id

    def party_facts(self, party: Party) -> dict[str, object]:
        return {
            "role": {r.value for r in party.role},
            "holds_data": bool(self.party_holdings(party)),
            "receives_data": bool(self.incoming(party)),
            "has_subcontractor": any(p.contractor == party.id for p in self.flow.parties),
            "operates_systems": bool(party.operates),
            "connected_or_cloud": party.has_role(Role.CONNECTED) or bool(party.cloud),
            "basis": {b.value for b in self.flow.proposal.bases},
            "zone": party.zone.value if party.zone else None,
        }


class LazyFacts(dict):
    """Fact name -> value, each computed on first use (``__missing__``).

    Most conditions fail on a cheap fact (the channel), so the expensive ones
    (what data a step carries) are only worked out for the steps that need them;
    later lookups are plain dict hits.
    """

    __slots__ = ("_table", "_facts", "_subject")

    def __init__(self, table: dict, facts: "FlowFacts", subject):
        super().__init__()
        # Weak: the facts keep their steps' tables, and a strong reference back made every FlowFacts (its
        # graph, caches and the flow behind them) a cycle that only the cycle collector could free.
        self._table, self._facts, self._subject = table, weakref.proxy(facts), subject

    def __missing__(self, name: str):
        value = self[name] = self._table[name](self._facts, self._subject)
        return value


_SUBJECT = Role.SUBJECT.value
_STEP_FACTS = {
    # Sets: a step with channel: [郵送, 窓口] meets the conditions of either (requirements are the union).
    "channel": lambda f, r: f.shared(c.value for c in r.step.channels),
    "channel_class": lambda f, r: f.shared(c.klass.value for c in r.step.channels),
    "medium": lambda f, r: r.step.medium.value if r.step.medium else None,
    "data_class": lambda f, r: f.data_classes(r),
    "cross_party": lambda f, r: f.cross_party(r),
    "carries_data": lambda f, r: bool(f.carried(r)),
    "involves_subject": lambda f, r: any(_SUBJECT in f._roles[e] for e in f._ends(r)),
    "from_role": lambda f, r: f._roles[f._ends(r)[0]],
    "to_role": lambda f, r: f._roles[f._ends(r)[1]],
    "basis": lambda f, r: f._bases,
}


def matches(conditions: tuple[tuple[str, bool | frozenset[str]], ...], facts) -> bool:
    """All conditions hold (see ``Requirement.conditions``); a set means any of its values."""
    for name, wanted in conditions:
        have = facts[name]
        if wanted is True or wanted is False:
            if bool(have) is not wanted:
                return False
        elif isinstance(have, (set, frozenset)):
            if wanted.isdisjoint(have):
                return False
        elif have not in wanted:  # also None: an absent fact matches no value
            return False
    return True
