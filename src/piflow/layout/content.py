"""What a figure shows, before any position: lanes, holders, rows, callouts, notes.

This is the model -> figure translation (which parties appear, the label of each
arrow, the measure lists, --audit marks, diff marks, footnotes).  The grid
(``layout.grid``) then decides where each piece goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from piflow.catalog import Catalog, default_catalog
from piflow.layout.text import NBSP, Para, Span
from piflow.model import Flow, Party, Scenario, Step, written_measures
from piflow.stepkeys import change_key, finding_key
from piflow.textnorm import circled
from piflow.vocab import Channel, ChannelClass, Medium, Role, SystemKind

if TYPE_CHECKING:  # only the attributes are used; the audit stays a separate stage
    from piflow.audit.finding import Finding
    from piflow.diff import Change

MeasureMode = Literal["show", "hide", "footnote"]

SHAPES = {
    SystemKind.SYSTEM: "box", SystemKind.DATABASE: "cylinder", SystemKind.STORAGE: "folder",
    SystemKind.PC: "box3d", SystemKind.WEB: "tab", SystemKind.PRINTER: "box3d",
}
# Channel classes in the order the legend lists them.
LEGEND_ORDER = ("network", "internet", "hand", "media", "mail", "transfer", "other", "internal", "operates")


@dataclass
class Options:
    measures: MeasureMode = "show"
    show_data: bool = False
    findings: list[Finding] | None = None  # --audit: mark these in place
    catalog: Catalog = field(default_factory=default_catalog)
    # piflow diff: what changed since the old version, and the old steps that are gone.
    changes: list[Change] | None = None
    removed_steps: list[Step] = field(default_factory=list)


@dataclass
class HolderContent:
    key: str  # party:ID / system:ID
    endpoint: str
    lane: str  # party id of its lane
    kind: str
    shape: str
    title: list[Para]
    callout: list[Para]  # owner line + bullets; empty when measures are hidden or footnoted
    flagged: bool = False
    footnote: str | None = None  # its measures' footnote mark (※A) with --measures footnote


@dataclass
class RowContent:
    """One numbered step (or a removed one, for piflow diff)."""

    step: str  # circled number with suffix
    order: float
    tail: str  # endpoint ids
    head: str
    label: list[Para]
    cls: str
    flagged: bool = False
    removed: bool = False
    footnote: str | None = None  # its measures' footnote mark (※A) with --measures footnote
    key: str = ""  # the step's subject key in audit findings

    @property
    def inside(self) -> bool:
        """A step inside one holder (抽出 by the same staff, 納品検査): a note in its box."""
        return self.tail == self.head


@dataclass
class FindingNote:
    """One audit finding shown on the figure: its mark's subject, and its explanation."""

    key: str  # subject key: the row's or the holder's key
    code: str
    what: str  # what is wrong, in words
    where: str  # ② or the holder's name, for the brief list
    paras: list[Para]  # the full explanation


@dataclass
class LaneContent:
    id: str
    style: str
    header: list[Para]
    holders: list[HolderContent]


@dataclass
class FigureContent:
    tag: str
    title: list[Para]
    notes: list[Para]
    lanes: list[LaneContent]
    rows: list[RowContent]
    links: list[tuple[str, str]]  # (operator holder key, system holder key)
    footnotes: list[tuple[str, list[Para]]]  # (mark, paragraphs)
    findings: list[FindingNote]
    changes: list[Para]

    @cached_property
    def holders(self) -> dict[str, HolderContent]:
        return {h.key: h for lane in self.lanes for h in lane.holders}

    @cached_property
    def _by_endpoint(self) -> dict[str, HolderContent]:
        return {h.endpoint: h for lane in self.lanes for h in lane.holders}

    def holder_of(self, endpoint: str) -> HolderContent:
        return self._by_endpoint[endpoint]


def draw_class(step: Step) -> str:
    """The line style of a step: by its medium or its first channel (the legend's classes)."""
    if step.medium is Medium.REMOVABLE:
        return "media"
    if step.channel is None:
        return "internal"
    if step.channel is Channel.BANK_TRANSFER:
        return "transfer"  # money through the banks, not the ward's network: a line of its own
    return {
        ChannelClass.NETWORK: "network", ChannelClass.INTERNET: "internet", ChannelClass.HAND: "hand",
        ChannelClass.MAIL: "mail", ChannelClass.VOICE: "other", ChannelClass.FAX: "other",
    }[step.channel.klass]


def channel_tags(step: Step) -> str:
    """【channel】（medium） under the step's text, leaving out what its brackets already say:
    「申請書の提出（郵送・窓口等）」 takes no 【郵送・窓口】, 「納品（紙・手渡し）」 no 【手渡し】（紙）,
    「印字データ（CD-R、DVD-R等）の提供」 no （CD-R、DVD-R等）."""
    text = step.text + (step.note or "")
    bracketed = "・".join(m.group(1) for m in _BRACKETED.finditer(text))
    names = [c.tag.strip("【】") for c in step.channels]
    names = [n for n, c in zip(names, step.channels) if n not in bracketed and c.value not in bracketed]
    tags = "【" + "・".join(names) + "】" if names else ""
    if step.media:
        # 「電磁的媒体・パスワード通知書の返却」 with media DVD等・パスワード通知書: only （DVD等）.
        parts = re.split("[・、]", step.media)
        kept = [p for p in parts if p.removesuffix("等") not in text]
        if kept:
            tags += f"（{step.media}）" if len(kept) == len(parts) else "（" + "・".join(kept) + "）"
    elif step.medium and step.medium is not Medium.ELECTRONIC and step.medium.value not in bracketed:
        tags += f"（{step.medium.value}）"
    return tags


_BRACKETED = re.compile(r"[（(【]([^）)】]+)[）)】]")


def lane_key(party: Party) -> str:
    """Which lane style a party takes: clouds and connected parties share the cloud lane."""
    if party.cloud or (party.has_role(Role.CONNECTED) and not party.has_role(Role.CONTRACTOR)):
        return Role.CONNECTED.value
    return party.role[0].value


def step_order(step: Step) -> float:
    return step.number + (0.5 if step.suffix else 0.0)


def unplaced_parties(flow: Flow) -> list[Party]:
    """Parties that no figure shows: no step touches them and no scenario lists them."""
    shown: set[str] = set()
    for sc in flow.scenarios:
        shown |= set(sc.lanes)
        for st in sc.steps:
            shown |= {flow.owner(st.from_).id, flow.owner(st.to).id}
    return [p for p in flow.parties if p.id not in shown]


def home_scenario(flow: Flow, party: Party) -> str:
    """The figure an otherwise unplaced party joins: where its system or its contractor is."""
    for sc in flow.scenarios:
        touched = {e for st in sc.steps for e in (st.from_, st.to)}
        if set(party.operates) & touched:
            return sc.id
    for sc in flow.scenarios:
        drawn = set(sc.lanes) | {flow.owner(e).id for st in sc.steps for e in (st.from_, st.to)}
        if party.contractor in drawn:
            return sc.id
    return flow.scenarios[0].id


class ContentBuilder:
    def __init__(self, flow: Flow, scenario: Scenario, style: dict, options: Options, step_key):
        self.flow, self.scenario, self.style, self.opt = flow, scenario, style, options
        self.step_key = step_key  # Step -> the diff key of the step
        self.footnotes: list[tuple[str, list[Para]]] = []
        self._kinds = _change_kinds(options.changes)

    # --- which parties and systems ------------------------------------------------------

    @cached_property
    def endpoints(self) -> set[str]:
        used = {e for s in self.scenario.steps for e in (s.from_, s.to)}
        used |= set(self.scenario.lanes)
        used |= {p.id for p in unplaced_parties(self.flow) if home_scenario(self.flow, p) == self.scenario.id}
        return used

    def parties(self) -> list[Party]:
        used = self.endpoints
        parties = [p for p in self.flow.parties if p.id in used or any(s.id in used for s in p.systems)]
        order = self.style["lane_order"]
        explicit = list(self.scenario.lanes)

        def key(p: Party) -> tuple:
            if p.id in explicit:
                return (0, explicit.index(p.id), 0)
            lane = lane_key(p)
            return (1, order.index(lane) if lane in order else len(order), self.flow.parties.index(p))

        return sorted(parties, key=key)

    # --- findings and diff marks ----------------------------------------------------------

    def findings_for(self, key: str) -> list[Finding]:
        return [f for f in self.opt.findings or [] if f.subject.key == key and not f.accepted]

    def finding_para(self, findings: list[Finding]) -> list[Para]:
        if not findings:
            return []
        codes = " ".join(sorted({f.code for f in findings}))
        return [Para.of(f"【指摘】{codes}", "small", bold=True, color=self.style["finding"]["color"])]

    def change_mark(self, key: str) -> tuple[str, str] | None:
        kind = self._kinds.get(key)
        if not kind:
            return None
        color = self.style["diff"]["added" if kind == "added" else "changed"]
        return {"added": "【追加】", "renumbered": "【番号変更】"}.get(kind, "【変更】"), color

    # --- measures ----------------------------------------------------------------------------

    def measure_lines(self, measures, waivers) -> list[str]:
        """The measures as the department wrote them (アクセスログ取得, not the catalog's combined
        アクセスログ取得、分析); the catalog's label only for a measure given by its id."""
        cat = self.opt.catalog
        lines = [f"・{cat[t].label if t in cat else t}" for t in written_measures(measures, lambda m: cat[m].label)]
        lines += [f"－ {cat[m].label}（{reason}）" for m, reason in waivers.items()]
        return lines

    def footnote(self, title: str, lines: list[str]) -> str:
        mark = f"※{_footnote_mark(len(self.footnotes))}"
        self.footnotes.append((mark, [Para.of(f"{mark} {title}", "small", bold=True)]
                               + [Para.of(line, "small", hang=True) for line in lines]))
        return mark

    # --- the pieces ------------------------------------------------------------------------

    def holder(self, party: Party, system=None) -> HolderContent:
        key = f"system:{system.id}" if system else f"party:{party.id}"
        name = system.name if system else party.name
        findings = self.findings_for(key)
        mark = self.change_mark(key)
        head = [Span(mark[0] + name, bold=True, color=mark[1], underline=True)] if mark else [Span(name, bold=True)]
        title = [Para(tuple(head))]
        subtitle = system.note if system else _party_subtitle(party)
        if subtitle:
            title += [Para.of(line, "small") for line in subtitle.splitlines()]
        title += self.finding_para(findings)
        holder = system or party
        # What this figure lists beside the holder: the scenario's own list where the paper's differs.
        shown = self.scenario.figure_measures.get(holder.id, holder.measures)
        lines = self.measure_lines(shown, holder.waivers)
        callout: list[Para] = []
        footnote = None
        if lines and self.opt.measures == "show":
            callout = [Para.of(name, "small", bold=True)] + [Para.of(line, "small", hang=True) for line in lines]
        elif lines and self.opt.measures == "footnote":
            footnote = self.footnote(name, lines)
            title.append(Para.of(f"保護対策 {footnote}", "small"))
        shape = SHAPES[system.kind] if system else "box"
        return HolderContent(key, holder.id, party.id, "system" if system else "party", shape, title, callout,
                             flagged=bool(findings), footnote=footnote)

    def row(self, step: Step, removed: bool = False) -> RowContent:
        number = circled(step.number, step.suffix)
        if removed:
            label = [Para((Span(f"【削除】{number} {step.text}", strike=True, color=self.style["diff"]["removed"]),))]
            return RowContent(number, step_order(step), step.from_, step.to, label, "removed", removed=True)
        findings = self.findings_for(self.step_key(step))
        mark = self.change_mark(self.step_key(step, diff=True))
        if mark:
            first = Para((Span(f"{mark[0]}{number}{NBSP}{step.text}", bold=True, color=mark[1], underline=True),))
        else:
            first = Para((Span(number, bold=True), Span(f"{NBSP}{step.text}")))
        label = [first]
        tags = channel_tags(step)
        if tags:
            label.append(Para.of(tags))
        if self.opt.show_data and step.data:
            label.append(Para.of("、".join(self.flow.data_by_id[d].name for d in step.data), "small"))
        if step.note:
            label.append(Para.of(step.note, "small"))
        lines = self.measure_lines(step.measures, step.waivers)
        footnote = None
        if lines and self.opt.measures == "show":
            label += [Para.of(line, "small", hang=True) for line in lines]
        elif lines and self.opt.measures == "footnote":
            footnote = self.footnote(number, lines)
            label.append(Para.of(f"保護対策 {footnote}", "small"))
        label += self.finding_para(findings)
        return RowContent(number, step_order(step), step.from_, step.to, label, draw_class(step), flagged=bool(findings),
                          footnote=footnote, key=self.step_key(step))

    def build(self) -> FigureContent:
        used = self.endpoints
        lanes = []
        drawn: set[str] = set()
        for party in self.parties():
            holders = []
            shown_party = party.id in used or bool(self.findings_for(f"party:{party.id}"))
            operated = {sid for p in self.flow.parties if p.id in used for sid in p.operates}
            if shown_party or not party.systems:
                holders.append(self.holder(party))
            for system in party.systems:
                # A database stands in its system's lane on every figure of that lane, as the
                # papers draw it (23's 意見・回答等データ), even with no step of its own.
                if system.id in used or system.id in operated or system.kind is SystemKind.DATABASE:
                    holders.append(self.holder(party, system))
            drawn |= {h.endpoint for h in holders}
            header = [Para.of(party.lane or party.name, bold=True)]
            lanes.append(LaneContent(party.id, lane_key(party), header, holders))
        rows = [self.row(s) for s in self.scenario.ordered_steps]
        ghosts = [self.row(s, removed=True) for s in self.opt.removed_steps if s.from_ in drawn and s.to in drawn]
        rows = sorted(rows + ghosts, key=lambda r: (r.order, r.removed))
        links = [(f"party:{p.id}", f"system:{sid}") for lane in lanes for p in [self.flow.party_by_id[lane.id]]
                 for sid in p.operates if p.id in drawn and sid in drawn]
        title = [Para.of(self.scenario.title, "title", bold=True)]
        notes = [Para.of(n, "small") for n in self.scenario.notes]
        return FigureContent(self.scenario.tag, title, notes, lanes, rows, links, self.footnotes,
                             self._findings_notes(drawn, rows), self._changes_paras())

    def _findings_notes(self, drawn: set[str], rows: list[RowContent]) -> list[FindingNote]:
        color = self.style["finding"]["color"]
        numbers = {r.key: r.step for r in rows}
        names = {f"party:{p.id}": p.name for p in self.flow.parties}
        names |= {f"system:{s.id}": s.name for p in self.flow.parties for s in p.systems}
        out = []
        for f in self.opt.findings or []:
            if f.accepted or not self._in_figure(f, drawn):
                continue
            what = f.message.split(" — ")[0]
            paras = [Para((Span(f.code, "small", color=color), Span(f" {f.subject.label}", "small"))),
                     Para.of(f"　{what}", "small", hang=True)]
            where = numbers.get(f.subject.key) or names.get(f.subject.key, f.subject.label)
            out.append(FindingNote(f.subject.key, f.code, what, where, paras))
        return out

    def _in_figure(self, f: Finding, drawn: set[str]) -> bool:
        kind, _, ident = f.subject.key.partition(":")
        if kind == "step":
            return ident.startswith(f"{self.scenario.id}/")
        return kind in ("party", "system") and ident in drawn

    def _changes_paras(self) -> list[Para]:
        changes = self.opt.changes
        if not changes:
            return []
        from piflow.diff import KIND_JA

        paras = [Para.of(f"承認済みの内容からの変更点（{len(changes)}件）", "small", bold=True)]
        paras += [Para.of(f"［{KIND_JA[c.kind]}］{c.describe()}", "small", hang=True) for c in changes[:40]]
        if len(changes) > 40:
            paras.append(Para.of(f"… ほか {len(changes) - 40} 件", "small"))
        return paras


def findings_paras(notes: list[FindingNote], style: dict, brief: bool = False) -> list[Para]:
    """監査の指摘 on a page: each finding whose mark is on the page, in full; or, ``brief``, in one
    line each, its mark's place and what is missing (when the full list would push steps to another page)."""
    if not notes:
        return []
    color = style["finding"]["color"]
    paras = [Para.of(f"監査の指摘（{len(notes)}件）", "small", bold=True, color=color)]
    if not brief:
        return paras + [p for n in notes for p in n.paras]
    for n in notes:
        paras.append(Para((Span(n.code, "small", color=color), Span(f" {n.where}: {n.what}", "small")), hang=True))
    return paras


def _change_kinds(changes) -> dict[str, str]:
    if not changes:
        return {}
    from piflow.diff import change_kinds

    return change_kinds(changes)


def _party_subtitle(party: Party) -> str | None:
    bits = []
    if party.certifications:
        bits.append("・".join(c.value for c in party.certifications) + "取得")
    if party.cloud:
        bits.append(party.cloud)
    if party.note:
        bits.append(party.note)
    return "\n".join(bits) or None


def _footnote_mark(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[i] if i < 26 else f"{letters[i // 26 - 1]}{letters[i % 26]}"


def figure_content(flow: Flow, scenario: Scenario, style: dict, options: Options | None = None) -> FigureContent:
    def key(step: Step, diff: bool = False) -> str:
        return change_key(scenario.id, step) if diff else finding_key(scenario.id, step)

    return ContentBuilder(flow, scenario, style, options or Options(), key).build()


def legend_entries(style: dict, used: list[str]) -> list[tuple[str, Para]]:
    """凡例: each line style drawn on the page (its class) with the theme's label.  The sample
    itself is a line drawn with the arrows' own stroke, not a character."""
    return [(cls, Para.of(style["channels"][cls]["label"], "small")) for cls in used
            if cls in style["channels"]]


LEGEND_HEAD = Para.of("凡例", "small", bold=True)
