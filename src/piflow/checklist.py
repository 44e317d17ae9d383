"""Fill the ward's checklists (別紙チェックリスト 1-8) from a flow.

Which checklists apply follows the proposal's bases and the parties that play each
basis's role (5/7 with electronic data or media, 6/8 paper only); partner checklists
are filled once per partner, and never for a party the flow does not have (C301 names
the missing counterparty instead).

Each item is made of parts: the measures it asks for, each with the condition under
which it applies (``data/checklists.yaml``; conditions in ``piflow.audit.conditions``).
An item is marked

- ○ when every part that applies is declared (a part that is waived is then named in
  the item's ``note`` with its reason, so nothing is hidden);
- －（理由） when no part is declared and each part is waived (the waiver's reason) or
  does not apply (the condition's reason, 「－（電子データのみの取扱いのため）」);
- －（例外: 根拠 …） when the audit's finding behind it is an exception with a basis;
- 未対応 when the audit requires a part that is neither declared nor waived;
- left blank (未記入) when nothing requires it and the author has not decided.

Waivers belong to one side of one partnership: on the partner's form only the
partner's (and its arrows') waivers count; on the ward's form the ward's own waivers
(``for:`` may limit one to some partners), the arrows' and, where the ward's item only
asks it to 指導 the partner's duty (``guides: true``), the partner's waivers too.  No
waiver overrides a declaration.  Every mark carries where in the flow file it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from piflow.audit.conditions import holds
from piflow.audit.facts import FlowFacts
from piflow.audit.finding import Finding
from piflow.checklist_forms import ward_word
from piflow.loader import Document
from piflow.model import Party
from piflow.pack import checklists_in, conditions_in, pack_folder
from piflow.project import municipality_for
from piflow.textnorm import circled
from piflow.vocab import Basis, ChannelClass, Medium, Role, SystemKind

Status = Literal["done", "waived", "inapplicable", "missing", "blank"]
SIDE_JA = {"ward": "区が行う", "partner": "相手方に行わせる"}
BLANK_MARK = "（未記入）"  # printed in an item nobody has answered yet: never a silent empty cell
STATUSES: tuple[Status, ...] = ("done", "waived", "inapplicable", "missing", "blank")


def side_ja(side: str, municipality: str | None = None) -> str:
    """「区が行う」 / 「相手方に行わせる」, with the municipality's word (長崎市: 市が行う)."""
    return SIDE_JA[side].replace("区", ward_word(municipality)) if municipality else SIDE_JA[side]


@dataclass(frozen=True)
class ItemResult:
    number: int
    text: str
    measures: tuple[str, ...]
    status: Status
    mark: str
    sources: tuple[str, ...] = ()  # "委託先（未定） flows/x.yaml:99" …
    findings: tuple[str, ...] = ()  # finding keys behind 未対応 (or behind －（例外 …）)
    note: str = ""  # remarks: a waived or inapplicable part of an item marked ○, with its reason


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
    ward: str = "区"  # how the form speaks of the municipality (区, 市, 町, 村)

    @property
    def column_header(self) -> str:
        """The item column's heading as the form prints it (個人情報保護対策 on 3/5, else 情報保護対策)."""
        return "個人情報保護対策" if self.header.endswith("個人情報保護対策") else "情報保護対策"

    def division(self, section: SectionResult) -> str:
        """The form's 区分 cell for a section, e.g. 「委託にあたり区が行う個人情報保護対策【運用上の対策】」."""
        return f"{self.header}【{section.name}】"

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
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
    scope: dict[str, tuple[str, ...]] = field(default_factory=dict)  # measure -> partners a ward waiver covers

    def waiver(self, mid: str, partner: Party | None) -> str | None:
        reason = self.waivers.get(mid)
        if reason is None:
            return None
        covered = self.scope.get(mid)
        return reason if not covered or (partner is not None and partner.id in covered) else None


def _holders_of(facts: FlowFacts, party: Party) -> list[_Holder]:
    closure = facts.catalog.closure
    i = facts.party_index(party)
    out = [_Holder(party.name, ("parties", i), closure((*party.measures, *party.checklist_measures)),
                   dict(party.waivers), dict(party.waiver_scope))]
    for j, s in enumerate(party.systems):
        out.append(_Holder(s.name, ("parties", i, "systems", j), closure((*s.measures, *s.checklist_measures)),
                           dict(s.waivers), dict(s.waiver_scope)))
    return out


def _steps_touching(facts: FlowFacts, parties: set[str]):
    return [r for r in facts.steps if {facts.owner(r.step.from_).id, facts.owner(r.step.to).id} & parties]


def _step_holders(facts: FlowFacts, refs) -> list[_Holder]:
    closure = facts.catalog.closure
    return [_Holder(r.label, r.path, closure(r.step.measures), dict(r.step.waivers)) for r in refs]


@dataclass(frozen=True)
class Gap:
    """A basis whose checklist needs a counterparty the flow does not have."""

    number: int
    basis: Basis
    roles: tuple[Role, ...]


# Which parties each checklist is about: (number, basis, roles).  The paper-only switch
# (5 -> 6, 7 -> 8) and the system-vendor choice for 3 are in ``_partners``.
FORM_ROLES: tuple[tuple[int, tuple[Basis, ...], tuple[Role, ...]], ...] = (
    (1, (Basis.SECONDARY_USE,), (Role.PUBLIC_BODY, Role.RECIPIENT)),
    (2, (Basis.PROVISION,), (Role.PUBLIC_BODY, Role.RECIPIENT, Role.FINANCIAL_INSTITUTION)),
    (3, (Basis.COMPUTER_PROCESSING,), (Role.CONTRACTOR,)),
    (4, (Basis.EXTERNAL_LINK,), (Role.CONNECTED,)),
    (5, (Basis.OUTSOURCING, Basis.SUBCONTRACTING), (Role.CONTRACTOR, Role.SUBCONTRACTOR, Role.COLLECTION_AGENT)),
    (7, (Basis.DESIGNATED_MANAGEMENT,), (Role.DESIGNATED_MANAGER,)),
)
PAPER_ONLY_FORM = {5: 6, 7: 8}


def paper_only(facts: FlowFacts, p: Party) -> bool:
    """The party receives only paper (or speech), keeps no system and runs none of the ward's."""
    media = facts.received_media(p)
    return bool(media) and media <= {Medium.PAPER, Medium.ORAL} and not p.systems and not p.operates


def _partners(facts: FlowFacts, number: int, roles: tuple[Role, ...]) -> list[Party]:
    parties = facts.flow.parties
    found = [p for p in parties if p.has_role(*roles)]
    if number == 3:
        # The system vendor: runs a ward system, or builds one of its own (not a mere work PC).
        return ([p for p in found if p.operates]
                or [p for p in found if any(s.kind is not SystemKind.PC for s in p.systems)]
                or found)
    if number == 4:
        return [p for p in parties if p.has_role(*roles) or p.cloud]
    if number == 1 and not found:
        # 目的外利用 inside the ward (the legal default: the same body, another purpose): the section that
        # receives the data for the other purpose is the form's counterparty.
        return [p for p in parties if p.has_role(Role.WARD) and facts.received_media(p)]
    return found


def applicable_with_gaps(doc: Document) -> tuple[list[tuple[int, Party]], list[Gap]]:
    """(checklist number, partner) pairs that apply, in checklist order, and the bases with no counterparty."""
    flow, facts = doc.flow, FlowFacts(doc)
    bases = set(flow.proposal.bases)
    out: list[tuple[int, Party]] = []
    gaps: list[Gap] = []
    for number, needs, roles in FORM_ROLES:
        present = [b for b in needs if b in bases]
        if not present:
            continue
        partners = _partners(facts, number, roles)
        if not partners:
            gaps.append(Gap(number, present[0], roles))
        for p in partners:
            paper = number in PAPER_ONLY_FORM and paper_only(facts, p)
            out.append((PAPER_ONLY_FORM[number] if paper else number, p))
    return out, gaps


def applicable(doc: Document) -> list[tuple[int, Party]]:
    """(checklist number, partner) pairs that apply, in checklist order."""
    return applicable_with_gaps(doc)[0]


@dataclass(frozen=True)
class MeasureUse:
    """How the forms a party gets use one measure: does any part asking for it apply, and where."""

    applies: bool
    items: tuple[str, ...]  # 「チェックリスト6 運用上の対策 3」 …
    numbers: tuple[int, ...] = ()  # the forms (by number) the party gets


def measure_uses(doc: Document, facts: FlowFacts | None = None) -> dict[str, dict[str, MeasureUse]]:
    """Party id -> measure -> its use on the forms that party gets (the same parts and conditions as ``fill``).

    The audit's measure requirements read this: a requirement does not fire on a measure whose
    every part on the party's forms has a condition that does not hold (no cloud-guideline for a
    結合先 without a cloud), and it cites the items of the forms the party actually gets.
    """
    facts = facts or FlowFacts(doc)
    forms_data = checklists_in(pack_folder(doc.path), municipality_for(doc.path))
    out: dict[str, dict[str, MeasureUse]] = {}
    pairs = applicable(doc)
    numbers = {p.id: tuple(sorted({n for n, q in pairs if q.id == p.id})) for _, p in pairs}
    for number, partner in pairs:
        uses = out.setdefault(partner.id, {})
        for form in forms_data[number]["forms"]:
            for section in form["sections"]:
                for k, item in enumerate(section["items"], start=1):
                    where = f"チェックリスト{number} {section['name']} {k}"
                    for part in item["parts"]:
                        mid = part["measure"]
                        old = uses.get(mid, MeasureUse(False, ()))
                        applies = old.applies or holds(facts, part.get("when"), partner)
                        items = old.items if where in old.items else (*old.items, where)
                        uses[mid] = MeasureUse(applies, items, numbers[partner.id])
    return out


def measure_uses_once(ctx) -> dict[str, dict[str, MeasureUse]]:
    """``measure_uses`` for an audit's context (its ``doc`` and ``facts``), worked out once per audit."""
    if getattr(ctx, "measure_uses", None) is None:
        ctx.measure_uses = measure_uses(ctx.doc, ctx.facts)
    return ctx.measure_uses


@dataclass(frozen=True)
class Part:
    """One measure of an item, as judged for one form."""

    measure: str
    applies: bool
    declared: tuple[str, ...]  # where it is declared (empty: not declared)
    waived: tuple[str, str] | None  # (reason, where)


UNFILLED = ("blank", "missing")  # 未記入 (nothing declared) and 未対応 (required, not declared)


def unfilled(forms: list[FormResult]) -> list[tuple[FormResult, SectionResult, ItemResult]]:
    """The items not yet answered (未記入) or required and missing (未対応), in the forms' order:
    what ``--strict`` refuses to file."""
    return [(f, s, i) for f in forms for s in f.sections for i in s.items if i.status in UNFILLED]


def fill(doc: Document, findings: list[Finding], municipality: str | None = None) -> list[FormResult]:
    """The applicable forms, filled; texts name ``municipality`` (default: the flow's project, piflow.toml)."""
    flow, facts = doc.flow, FlowFacts(doc)
    municipality = municipality or municipality_for(doc.path)
    forms_data = checklists_in(pack_folder(doc.path), municipality)
    conditions = conditions_in(pack_folder(doc.path), municipality)
    wards = [p for p in flow.parties if p.has_role(Role.WARD)]
    open_findings = [f for f in findings if (not f.accepted or f.excepted) and (f.measure or f.part)
                     and not f.incomplete]
    forms: list[FormResult] = []
    everywhere = [h for p in flow.parties for h in _holders_of(facts, p)] + _step_holders(facts, facts.steps)
    everywhere_index = _Index(everywhere)
    ward_holders = [h for w in wards for h in _holders_of(facts, w)]
    for number, partner in applicable(doc):
        spec = forms_data[number]
        partner_holders = _holders_of(facts, partner)
        refs = _steps_touching(facts, {partner.id})
        steps = _step_holders(facts, refs)
        relevant = _ByMeasure(_relevant_findings(open_findings, partner, {r.key for r in refs}))
        recipient = not partner.has_role(Role.PUBLIC_BODY)
        reasons = _reasons(conditions, facts, partner)
        for form in spec["forms"]:
            # The partner's form counts what the partner (or its arrows) declares and waives; the
            # ward's form what the ward (or the arrows) declares and waives, the partner's own
            # declarations standing in for the ward's (see the module's docstring).
            if form["side"] == "ward":
                own_index, partner_index = _Index(ward_holders + steps), _Index(partner_holders)
                own, guided = own_index, _Index(ward_holders + steps + partner_holders)
            else:
                own_index, partner_index = _Index(partner_holders + steps), _Index([])
                own = guided = own_index
            sections = []
            for section in form["sections"]:
                items = []
                for k, item in enumerate(section["items"], start=1):
                    # The partner's waivers answer the ward's 指導 items and its items about the partner's systems.
                    waivers = guided if item.get("partner_waivers") else own
                    parts = []
                    notes: dict[str, str] = {}
                    for part in item["parts"]:
                        mid = part["measure"]
                        if part.get("by") == "anyone":
                            holders = everywhere_index.declared.get(mid, [])
                        else:
                            holders = own_index.declared.get(mid, [])
                            # On the ward's form the partner's declaration stands in for the ward's,
                            # unless the ward says (waives) that it does not do this itself.
                            if not holders and (item.get("guides") or not _waiver(own, mid, partner)):
                                holders = partner_index.declared.get(mid, [])
                        declared = tuple(_where(doc, h) for h in holders[:2])
                        other_way = _not_by_hand(facts, refs, part.get("hand"))
                        if other_way and declared:
                            # 「…手渡しで行う」 is not met by a 簡易書留: the declaration does not count.
                            declared = ()
                            notes[mid] = "、".join(f"{r.label}（{'・'.join(c.value for c in r.step.channels)}）"
                                                  for r in other_way) + " は手渡しではありません"
                        parts.append((Part(mid, holds(facts, part.get("when"), partner), declared,
                                           _waiver(waivers, mid, partner, doc)), part.get("when")))
                    text = item["text_recipient"] if recipient and item.get("text_recipient") else item["text"]
                    judged = _judge(k, text, parts, reasons, relevant, facts.catalog)
                    if notes:
                        extra = "、".join(f"「{_label(facts.catalog, m)}」: {n}" for m, n in notes.items())
                        judged = replace(judged, note="、".join(x for x in (judged.note, extra) if x))
                    items.append(judged)
                sections.append(SectionResult(section["name"], tuple(items)))
            forms.append(FormResult(number, spec["title"], spec.get("media"), form["side"], form["header"],
                                    partner.name, tuple(sections), partner.id, ward_word(municipality)))
    return forms


def _reasons(conditions: dict[str, dict], facts: FlowFacts, partner: Party) -> dict[str, str]:
    """Each condition's 「－（理由）」 as the partner's forms print it: the papers' reason where what it
    says the partner does instead is so (one of ``reason_if`` holds), else the one that says only what
    the flow does not have (``reason_else``)."""
    return {name: c["reason"] if not c.get("reason_if") or any(holds(facts, other, partner) for other in c["reason_if"])
            else c["reason_else"] for name, c in conditions.items()}


def _not_by_hand(facts: FlowFacts, refs, data_class: str | None) -> list:
    """Cross-party steps (of ``refs``) carrying data of ``data_class`` by a channel other than by hand."""
    if not data_class:
        return []
    class_of = {d.id: d.class_.value for d in facts.flow.data}
    return [r for r in refs if facts.cross_party(r) and r.step.channels
            and any(class_of.get(d) == data_class for d in facts.carried(r))
            and not any(c.klass is ChannelClass.HAND for c in r.step.channels)]


def _waiver(index: "_Index", mid: str, partner: Party, doc: Document | None = None) -> tuple[str, str] | None:
    """(reason, where) of the first waiver of ``mid`` in ``index`` that covers ``partner``."""
    for h in index.waiving.get(mid, ()):
        reason = h.waiver(mid, partner)
        if reason:
            return reason, (_where(doc, h) if doc else h.label)
    return None


def _where(doc: Document, h: _Holder) -> str:
    line, _ = doc.where(h.path)
    return f"{h.label}（{doc.path}:{line}）"


class _Index:
    """Holders by measure: who declares it and who waives it, in file order (large flows have 10,000 steps)."""

    def __init__(self, holders: list[_Holder]):
        self.declared: dict[str, list[_Holder]] = {}
        self.waiving: dict[str, list[_Holder]] = {}
        for h in holders:
            for mid in h.measures:
                self.declared.setdefault(mid, []).append(h)
            for mid in h.waivers:
                self.waiving.setdefault(mid, []).append(h)


class _ByMeasure:
    """Findings by measure, each list in the findings' own order."""

    def __init__(self, findings: list[Finding]):
        self.order = {id(f): i for i, f in enumerate(findings)}
        self.by_measure: dict[str | None, list[Finding]] = {}
        for f in findings:
            self.by_measure.setdefault(f.measure or f.part, []).append(f)

    def about(self, measures: list[str]) -> list[Finding]:
        found = [f for mid in dict.fromkeys(measures) for f in self.by_measure.get(mid, ())]
        return sorted(found, key=lambda f: self.order[id(f)])


def _judge(number: int, text: str, parts: list[tuple[Part, str | None]], reasons: dict[str, str],
           findings: "_ByMeasure", catalog) -> ItemResult:
    measures = tuple(p.measure for p, _ in parts)
    sources = tuple(dict.fromkeys(w for p, _ in parts for w in p.declared))
    declared = [p for p, _ in parts if p.declared]
    open_parts = [(p, when) for p, when in parts if p.applies and not p.declared]
    unresolved = [p for p, _ in open_parts if p.waived is None]
    if not unresolved:
        waived = [p for p, _ in open_parts if p.waived]
        inapplicable = [(p, when) for p, when in parts if not p.applies and not p.declared]
        notes = [f"「{_label(catalog, p.measure)}」－（{p.waived[0]}）" for p in waived]
        notes += [f"「{_label(catalog, p.measure)}」－（{reasons[when]}）" for p, when in inapplicable]
        where = tuple(dict.fromkeys(p.waived[1] for p in waived))
        if declared:
            return ItemResult(number, text, measures, "done", "○", sources, (), "、".join(notes))
        if waived:
            return ItemResult(number, text, measures, "waived", f"－（{waived[0].waived[0]}）", where, (),
                              "、".join(notes[1:]))
        return ItemResult(number, text, measures, "inapplicable", f"－（{reasons[inapplicable[0][1]]}）", (), (),
                          "、".join(notes[1:]))
    related = findings.about([p.measure for p in unresolved])
    excepted = [f for f in related if f.excepted]
    if excepted and len(excepted) == len(related):
        # Every requirement behind the blank is an exception with a basis: say so, with the basis.
        e = excepted[0]
        mark = f"－（例外: {e.exception_basis}。代わりの管理策: {'、'.join(e.exception_controls)}）"
        return ItemResult(number, text, measures, "waived", mark, sources, tuple(sorted({f.key for f in excepted})))
    related = [f for f in related if not f.excepted]
    if related:
        return ItemResult(number, text, measures, "missing", "未対応", sources, tuple(sorted({f.key for f in related})))
    return ItemResult(number, text, measures, "blank", BLANK_MARK, sources)


def _label(catalog, mid: str) -> str:
    return catalog[mid].label if mid in catalog else mid


def _relevant_findings(findings: list[Finding], partner: Party | None, step_keys: set[str]) -> list[Finding]:
    """Findings about this partner, its systems, or the steps that touch it."""
    if partner is None:
        return findings
    keys = {f"party:{partner.id}", *(f"system:{s.id}" for s in partner.systems), *step_keys}
    return [f for f in findings if f.subject.key in keys]


def step_mark(number: int) -> str:
    return circled(number)
