"""Fill the ward's checklists (別紙チェックリスト 1-8) from a flow.

Which checklists apply follows the proposal's bases and what each partner
handles (5/7 with electronic data or media, 6/8 paper only); partner
checklists are filled once per partner.  Each item is marked
○ (declared), －（理由） (waived with its reason), －（例外: 根拠 …） (the audit's
finding is an exception with a basis, ``exceptions:``), 未対応 (the audit requires it
and it is neither declared nor waived) or left 未記入 (not required by this
flow and not declared: the author decides).  Every mark carries where in the
flow file it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from piflow.audit.facts import FlowFacts
from piflow.audit.finding import Finding
from piflow.loader import Document
from piflow.model import Party
from piflow.pack import checklists_in, pack_folder
from piflow.project import municipality_for
from piflow.textnorm import circled
from piflow.vocab import Basis, Medium, Role, SystemKind

Status = Literal["done", "waived", "missing", "blank"]
SIDE_JA = {"ward": "区が行う", "partner": "相手方に行わせる"}
BLANK_MARK = "（未記入）"  # printed in an item nobody has answered yet: never a silent empty cell


@dataclass(frozen=True)
class ItemResult:
    number: int
    text: str
    measures: tuple[str, ...]
    status: Status
    mark: str
    sources: tuple[str, ...] = ()  # "委託先（未定） flows/x.yaml:99" …
    findings: tuple[str, ...] = ()  # finding keys behind 未対応 (or behind －（例外 …）)


@dataclass(frozen=True)
class SectionResult:
    name: str
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class FormResult:
    number: int
    title: str
    media: str | None
    side: str
    header: str
    partner: str | None  # the partner this form is about, if any
    sections: tuple[SectionResult, ...]
    partner_id: str | None = None

    @property
    def column_header(self) -> str:
        """The item column's heading as the form prints it (個人情報保護対策 on 3/5, else 情報保護対策)."""
        return "個人情報保護対策" if self.header.endswith("個人情報保護対策") else "情報保護対策"

    def division(self, section: SectionResult) -> str:
        """The form's 区分 cell for a section, e.g. 「委託にあたり区が行う個人情報保護対策【運用上の対策】」."""
        return f"{self.header}【{section.name}】"

    @property
    def counts(self) -> dict[str, int]:
        out = {"done": 0, "waived": 0, "missing": 0, "blank": 0}
        for s in self.sections:
            for i in s.items:
                out[i.status] += 1
        return out


@dataclass
class _Holder:
    label: str
    path: tuple
    measures: tuple[str, ...]
    waivers: dict[str, str] = field(default_factory=dict)


def _holders_of(facts: FlowFacts, party: Party) -> list[_Holder]:
    closure = facts.catalog.closure
    i = facts.party_index(party)
    out = [_Holder(party.name, ("parties", i), closure((*party.measures, *party.checklist_measures)), dict(party.waivers))]
    for j, s in enumerate(party.systems):
        out.append(_Holder(s.name, ("parties", i, "systems", j), closure((*s.measures, *s.checklist_measures)),
                           dict(s.waivers)))
    return out


def _steps_touching(facts: FlowFacts, parties: set[str]):
    return [r for r in facts.steps if {facts.owner(r.step.from_).id, facts.owner(r.step.to).id} & parties]


def _step_holders(facts: FlowFacts, refs) -> list[_Holder]:
    closure = facts.catalog.closure
    return [_Holder(r.label, r.path, closure(r.step.measures), dict(r.step.waivers)) for r in refs]


def applicable(doc: Document) -> list[tuple[int, Party | None]]:
    """(checklist number, partner) pairs that apply, in checklist order."""
    flow, facts = doc.flow, FlowFacts(doc)
    bases = set(flow.proposal.bases)
    out: list[tuple[int, Party | None]] = []

    def paper_only(p: Party) -> bool:
        media = facts.received_media(p)
        return bool(media) and media <= {Medium.PAPER, Medium.ORAL} and not p.systems and not p.operates

    for basis, number in ((Basis.SECONDARY_USE, 1), (Basis.PROVISION, 2)):
        if basis in bases:
            bodies = [p for p in flow.parties if p.has_role(Role.PUBLIC_BODY)] or [None]
            out += [(number, p) for p in bodies]
    contractors = [p for p in flow.parties if p.has_role(Role.CONTRACTOR)]
    if Basis.COMPUTER_PROCESSING in bases:
        # The system vendor: runs a ward system, or builds one of its own (not a mere work PC).
        vendors = ([p for p in contractors if p.operates]
                   or [p for p in contractors if any(s.kind is not SystemKind.PC for s in p.systems)]
                   or contractors or [None])
        out += [(3, p) for p in vendors]
    if Basis.EXTERNAL_LINK in bases:
        linked = [p for p in flow.parties if p.has_role(Role.CONNECTED) or p.cloud] or [None]
        out += [(4, p) for p in linked]
    if bases & {Basis.OUTSOURCING, Basis.SUBCONTRACTING}:
        partners = [p for p in flow.parties if p.has_role(Role.CONTRACTOR, Role.SUBCONTRACTOR)] or [None]
        out += [(6 if p is not None and paper_only(p) else 5, p) for p in partners]
    if Basis.DESIGNATED_MANAGEMENT in bases:
        managers = [p for p in flow.parties if p.has_role(Role.DESIGNATED_MANAGER)] or [None]
        out += [(8 if p is not None and paper_only(p) else 7, p) for p in managers]
    return out


def fill(doc: Document, findings: list[Finding], municipality: str | None = None) -> list[FormResult]:
    """The applicable forms, filled; texts name ``municipality`` (default: the flow's project, piflow.toml)."""
    flow, facts = doc.flow, FlowFacts(doc)
    forms_data = checklists_in(pack_folder(doc.path), municipality or municipality_for(doc.path))
    uses_cloud = any(p.cloud or p.has_role(Role.CONNECTED) for p in flow.parties)
    wards = [p for p in flow.parties if p.has_role(Role.WARD)]
    open_findings = [f for f in findings if (not f.accepted or f.excepted) and f.measure and not f.incomplete]
    forms: list[FormResult] = []
    everywhere = [h for p in flow.parties for h in _holders_of(facts, p)] + _step_holders(facts, facts.steps)
    everywhere_index = _Index(everywhere)
    for number, partner in applicable(doc):
        spec = forms_data[number]
        ward_holders = [h for w in wards for h in _holders_of(facts, w)]
        partner_holders = _holders_of(facts, partner) if partner else []
        involved = {partner.id} if partner else {p.id for p in wards}
        refs = _steps_touching(facts, involved)
        steps = _step_holders(facts, refs)
        relevant = _ByMeasure(_relevant_findings(open_findings, partner, {r.key for r in refs}))
        for form in spec["forms"]:
            # The ward's form counts what either side declares about this partnership;
            # the partner's form only what the partner (or its arrows) declares.
            if form["side"] == "ward":
                own, declared_by = ward_holders + steps, ward_holders + partner_holders + steps
            else:
                own, declared_by = partner_holders, (partner_holders + steps) if partner else ward_holders + steps
            own_index, declared_index = _Index(own), _Index(declared_by)
            sections = []
            for section in form["sections"]:
                items = []
                for k, item in enumerate(section["items"], start=1):
                    # A cloud item (クラウドガイドライン) is met by whoever runs the cloud.
                    cloud = item.get("cloud_measures", []) if uses_cloud else []
                    holders = {m: declared_index for m in item["measures"]} | {m: everywhere_index for m in cloud}
                    items.append(_judge(doc, k, item["text"], holders, own_index, relevant))
                sections.append(SectionResult(section["name"], tuple(items)))
            forms.append(FormResult(number, spec["title"], spec.get("media"), form["side"], form["header"],
                                    partner.name if partner else None, tuple(sections),
                                    partner.id if partner else None))
    return forms


def _where(doc: Document, h: _Holder) -> str:
    line, _ = doc.where(h.path)
    return f"{h.label}（{doc.path}:{line}）"


class _Index:
    """Holders by measure: who declares it, and the first who waives it (large flows have 10,000 steps)."""

    def __init__(self, holders: list[_Holder]):
        self.declared: dict[str, list[_Holder]] = {}
        self.first_waiver: dict[str, int] = {}
        self.holders = holders
        for i, h in enumerate(holders):
            for mid in h.measures:
                self.declared.setdefault(mid, []).append(h)
            for mid in h.waivers:
                self.first_waiver.setdefault(mid, i)


class _ByMeasure:
    """Findings by measure, each list in the findings' own order."""

    def __init__(self, findings: list[Finding]):
        self.order = {id(f): i for i, f in enumerate(findings)}
        self.by_measure: dict[str | None, list[Finding]] = {}
        for f in findings:
            self.by_measure.setdefault(f.measure, []).append(f)

    def about(self, measures: list[str]) -> list[Finding]:
        found = [f for mid in dict.fromkeys(measures) for f in self.by_measure.get(mid, ())]
        return sorted(found, key=lambda f: self.order[id(f)])


def _judge(doc, number, text, holders_by_measure: dict[str, _Index], own: _Index, findings: _ByMeasure) -> ItemResult:
    needed = list(holders_by_measure)
    # The first holder (in file order) that waives any needed measure gives the item's －（理由）.
    first = min((own.first_waiver[mid] for mid in needed if mid in own.first_waiver), default=None)
    if first is not None:
        h = own.holders[first]
        mid = next(m for m in needed if m in h.waivers)
        return ItemResult(number, text, tuple(needed), "waived", f"－（{h.waivers[mid]}）", (_where(doc, h),))
    sources = []
    missing = []
    for mid, index in holders_by_measure.items():
        holders = index.declared.get(mid, [])
        if holders:
            sources += [_where(doc, h) for h in holders[:2]]
        else:
            missing.append(mid)
    if not missing:
        return ItemResult(number, text, tuple(needed), "done", "○", tuple(dict.fromkeys(sources)))
    related = findings.about(missing)
    excepted = [f for f in related if f.excepted]
    if excepted and len(excepted) == len(related):
        # Every requirement behind the blank is an exception with a basis: say so, with the basis.
        e = excepted[0]
        mark = f"－（例外: {e.exception_basis}。代わりの管理策: {'、'.join(e.exception_controls)}）"
        return ItemResult(number, text, tuple(needed), "waived", mark, tuple(dict.fromkeys(sources)),
                          tuple(sorted({f.key for f in excepted})))
    related = [f for f in related if not f.excepted]
    if related:
        return ItemResult(number, text, tuple(needed), "missing", "未対応", tuple(dict.fromkeys(sources)),
                          tuple(sorted({f.key for f in related})))
    return ItemResult(number, text, tuple(needed), "blank", BLANK_MARK, tuple(dict.fromkeys(sources)))


def _relevant_findings(findings: list[Finding], partner: Party | None, step_keys: set[str]) -> list[Finding]:
    """Findings about this partner, its systems, or the steps that touch it."""
    if partner is None:
        return findings
    keys = {f"party:{partner.id}", *(f"system:{s.id}" for s in partner.systems), *step_keys}
    return [f for f in findings if f.subject.key in keys]


def step_mark(number: int) -> str:
    return circled(number)
