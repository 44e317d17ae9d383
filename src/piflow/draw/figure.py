"""Lay a scenario out as a Graphviz graph: lanes, numbered steps, callouts, legend.

Lanes are clusters placed left to right (newrank + an invisible chain of lane
anchors); step arrows do not constrain ranks, so the lanes stay put whatever
direction the data goes.  All user text goes into HTML-like labels through
``html.escape``, so no label can break the DOT or the SVG.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import graphviz

from piflow.audit.finding import Finding
from piflow.catalog import Catalog, default_catalog
from piflow.diff import step_key as diff_step_key
from piflow.loader import Document
from piflow.model import Party, Scenario, Step
from piflow.textnorm import circled
from piflow.vocab import ChannelClass, Medium, Role, SystemKind

MeasureMode = Literal["show", "hide", "footnote"]

SHAPES = {
    SystemKind.SYSTEM: "box", SystemKind.DATABASE: "cylinder", SystemKind.STORAGE: "folder",
    SystemKind.PC: "box3d", SystemKind.WEB: "tab", SystemKind.PRINTER: "box3d",
}


def esc(text: str) -> str:
    """Text for an HTML-like label: escaped, newlines as line breaks.

    Graphviz expands \\N, \\G, \\L … even inside HTML labels (entities too), so a
    backslash is doubled to stay a literal backslash.  Its HTML lexer also fails on
    text that starts with ``]`` right after a tag (``<FONT>]</FONT>``, found by the
    property tests), so brackets go in as character references.
    """
    lines = str(text).splitlines() or [""]
    return "<BR/>".join(html.escape(line, quote=True).replace("\\", "\\\\").translate(_BRACKETS) for line in lines)


_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})


def wrap(text: str, width: int = 22) -> str:
    """Break long Japanese text (no spaces to break at) every ``width`` characters."""
    out = []
    for line in str(text).splitlines() or [""]:
        out += [line[i:i + width] for i in range(0, len(line), width)] or [""]
    return "\n".join(out)


def draw_class(step: Step) -> str:
    if step.medium is Medium.REMOVABLE:
        return "media"
    if step.channel is None:
        return "internal"
    return {
        ChannelClass.NETWORK: "network", ChannelClass.INTERNET: "internet", ChannelClass.HAND: "hand",
        ChannelClass.MAIL: "mail", ChannelClass.VOICE: "other", ChannelClass.FAX: "other",
    }[step.channel.klass]


def lane_key(party: Party) -> str:
    """Which lane style a party takes: clouds and connected parties share the cloud lane."""
    if party.cloud or (party.has_role(Role.CONNECTED) and not party.has_role(Role.CONTRACTOR)):
        return Role.CONNECTED.value
    return party.role[0].value


@dataclass
class Options:
    measures: MeasureMode = "show"
    show_data: bool = False
    findings: list[Finding] | None = None  # --audit: mark these in place
    catalog: Catalog = field(default_factory=default_catalog)
    # piflow diff: what changed since the old version, and the old steps that are gone.
    changes: list | None = None
    removed_steps: list[Step] = field(default_factory=list)

    def change_kind(self, key: str) -> str | None:
        """How the step, party or system with this diff key changed, if at all."""
        if not self.changes:
            return None
        from piflow.diff import change_kinds

        return change_kinds(self.changes).get(key)


class FigureBuilder:
    def __init__(self, doc: Document, scenario: Scenario, style: dict, options: Options):
        self.doc, self.flow, self.scenario = doc, doc.flow, scenario
        self.style, self.opt = style, options
        self.footnotes: list[tuple[str, list[str]]] = []
        self.used_classes: set[str] = set()
        self.font = style["font"]

    # --- what is drawn -----------------------------------------------------------------

    def endpoints(self) -> set[str]:
        """Endpoints in this figure: those the steps touch, plus parties named in ``lanes``."""
        used = {e for s in self.scenario.steps for e in (s.from_, s.to)}
        used |= set(self.scenario.lanes)
        return used

    def lanes(self) -> list[Party]:
        used = self.endpoints()
        parties = [p for p in self.flow.parties if p.id in used or any(s.id in used for s in p.systems)]
        order = self.style["lane_order"]
        explicit = list(self.scenario.lanes)

        def key(p: Party) -> tuple:
            if p.id in explicit:
                return (0, explicit.index(p.id), 0)
            lane = lane_key(p)
            return (1, order.index(lane) if lane in order else len(order), self.flow.parties.index(p))

        return sorted(parties, key=key)

    # --- findings (for --audit) ---------------------------------------------------------

    def findings_for(self, subject_key: str) -> list[Finding]:
        return [f for f in self.opt.findings or [] if f.subject.key == subject_key and not f.accepted]

    def step_key(self, step: Step) -> str:
        ident = step.id or f"{step.from_}>{step.to}@{step.n}"
        return f"step:{self.scenario.id}/{ident}"

    # --- labels ----------------------------------------------------------------------------

    def measure_lines(self, measures, waivers) -> list[str]:
        cat = self.opt.catalog
        lines = [f"・{cat[m].label}" for m in measures]
        lines += [f"－ {cat[m].label}（{reason}）" for m, reason in waivers.items()]
        return lines

    def callout_rows(self, lines: list[str]) -> str:
        """Bullets inline, or a footnote mark, per --measures."""
        if not lines or self.opt.measures == "hide":
            return ""
        if self.opt.measures == "footnote":
            mark = f"※{_footnote_mark(len(self.footnotes))}"
            self.footnotes.append((mark, lines))
            return f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{self.style["small_fontsize"]}">保護対策 {esc(mark)}</FONT></TD></TR>'
        body = "<BR ALIGN=\"LEFT\"/>".join(esc(line) for line in lines)
        return f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{self.style["small_fontsize"]}">{body}<BR ALIGN="LEFT"/></FONT></TD></TR>'

    def finding_row(self, findings: list[Finding]) -> str:
        if not findings:
            return ""
        codes = " ".join(sorted({f.code for f in findings}))
        color = self.style["finding"]["color"]
        return f'<TR><TD ALIGN="LEFT"><FONT COLOR="{color}" POINT-SIZE="{self.style["small_fontsize"]}"><B>【指摘】{esc(codes)}</B></FONT></TD></TR>'

    def step_label(self, step: Step, findings: list[Finding]) -> str:
        text = f"<B>{esc(circled(step.number, step.suffix))}</B> {esc(wrap(step.text))}"
        kind = self.opt.change_kind(diff_step_key(self.scenario, step)) if self.opt.changes else None
        if kind:
            # The papers mark what changed since the approved version in bold, underlined.
            color = self.style["diff"]["added" if kind == "added" else "changed"]
            tag = {"added": "【追加】", "renumbered": "【番号変更】"}.get(kind, "【変更】")
            text = f'<FONT COLOR="{color}"><B><U>{esc(tag)}{text}</U></B></FONT>'
        rows = [f"<TR><TD>{text}</TD></TR>"]
        tags = []
        if step.channel:
            tags.append(step.channel.tag)
        if step.media:
            tags.append(f"（{step.media}）")
        elif step.medium and step.medium is not Medium.ELECTRONIC:
            tags.append(f"（{step.medium.value}）")
        if tags:
            rows.append(f"<TR><TD>{esc(''.join(tags))}</TD></TR>")
        if self.opt.show_data and step.data:
            names = "、".join(self.flow.data_by_id[d].name for d in step.data)
            rows.append(f'<TR><TD><FONT POINT-SIZE="{self.style["small_fontsize"]}">{esc(names)}</FONT></TD></TR>')
        if step.note:
            rows.append(f'<TR><TD><FONT POINT-SIZE="{self.style["small_fontsize"]}">{esc(step.note)}</FONT></TD></TR>')
        rows.append(self.callout_rows(self.measure_lines(step.measures, step.waivers)))
        rows.append(self.finding_row(findings))
        return _table(rows)

    def holder_label(self, title: str, subtitle: str | None, findings: list[Finding], key: str = "") -> str:
        kind = self.opt.change_kind(key) if key else None
        if kind:
            color = self.style["diff"]["added" if kind == "added" else "changed"]
            tag = "【追加】" if kind == "added" else "【変更】"
            rows = [f'<TR><TD><FONT COLOR="{color}"><B><U>{esc(tag + title)}</U></B></FONT></TD></TR>']
        else:
            rows = [f"<TR><TD><B>{esc(title)}</B></TD></TR>"]
        if subtitle:
            rows.append(f'<TR><TD><FONT POINT-SIZE="{self.style["small_fontsize"]}">{esc(subtitle)}</FONT></TD></TR>')
        rows.append(self.finding_row(findings))
        return _table(rows)

    # --- the graph ------------------------------------------------------------------------------

    def build(self) -> graphviz.Digraph:
        st = self.style
        g = graphviz.Digraph(
            name=self.scenario.id,
            graph_attr={
                "rankdir": "LR", "newrank": "true", "compound": "true", "nodesep": "0.35", "ranksep": "1.6",
                "fontname": self.font, "fontsize": str(st["fontsize"]), "bgcolor": st["background"],
                # The title sits outside every cluster so no arrow can cross it.
                "label": f"<{self._title()}>", "labelloc": "t", "labeljust": "l",
                "fontcolor": st["text"], "pad": "0.3",
            },
            node_attr={"fontname": self.font, "fontsize": str(st["fontsize"]), "fontcolor": st["text"],
                       "shape": "box", "style": "rounded,filled", "fillcolor": st["node"]["fill"],
                       "color": st["node"]["border"], "margin": "0.12,0.06"},
            edge_attr={"fontname": self.font, "fontsize": str(st["fontsize"]), "fontcolor": st["text"]},
        )
        lanes = self.lanes()
        used = self.endpoints()
        with g.subgraph(name="cluster_figure") as fig:
            fig.attr(label=f"<<B>{esc('（' + self.scenario.tag + '）')}</B>>", labeljust="r", labelloc="t",
                     penwidth="0", fontname=self.font)
            spans = [self._lane(fig, party, index, used) for index, party in enumerate(lanes)]
            for (_, last), (first, _) in zip(spans, spans[1:]):
                fig.edge(last, first, style="invis", weight="100")
            anchors = [first for first, _ in spans]
            for step in self.scenario.ordered_steps:
                self._step(fig, step)
            self._ghosts(fig, used)
            self._operates(fig, lanes, used)
            self._extras(fig, anchors)
        return g

    def _title(self) -> str:
        st = self.style
        title = f'<B><FONT POINT-SIZE="{st["title_fontsize"]}">{esc(self.scenario.title)}</FONT></B>'
        for note in self.scenario.notes:
            title += f'<BR ALIGN="LEFT"/><FONT POINT-SIZE="{st["small_fontsize"]}">{esc(note)}</FONT>'
        return title + '<BR ALIGN="LEFT"/>'

    def _lane(self, fig: graphviz.Digraph, party: Party, index: int, used: set[str]) -> tuple[str, str]:
        """One cluster per party: its own node in a left column, its systems in a right one.

        Two columns keep the arrows between staff and their systems (抽出, 登録)
        between ranks, where Graphviz can place their labels without overlap.
        Returns the lane's first and last column anchors.
        """
        st = self.style
        colors = st["lanes"].get(lane_key(party), st["node"])
        left, right = f"lane{index}a", f"lane{index}b"
        with fig.subgraph(name=f"cluster_lane_{party.id}") as lane:
            lane.attr(label=f"<<B>{esc(party.lane or party.name)}</B>>", style="filled,rounded",
                      fillcolor=colors["fill"], color=colors["border"], penwidth="1.5", labeljust="c")
            party_col, system_col = [left], [right]
            party_findings = self.findings_for(f"party:{party.id}")
            show_party = party.id in used or bool(party_findings)
            if show_party:
                subtitle = self._party_subtitle(party)
                lane.node(f"p_{party.id}", label=f"<{self.holder_label(party.name, subtitle, party_findings, f'party:{party.id}')}>",
                          **self._flagged(party_findings))
                party_col.append(f"p_{party.id}")
            for system in party.systems:
                sys_findings = self.findings_for(f"system:{system.id}")
                if system.id not in used and not any(system.id in p.operates and p.id in used for p in self.flow.parties):
                    continue
                lane.node(f"s_{system.id}", label=f"<{self.holder_label(system.name, system.note, sys_findings, f'system:{system.id}')}>",
                          shape=SHAPES[system.kind], style="filled", **self._flagged(sys_findings))
                system_col.append(f"s_{system.id}")
                system_col += self._callout(lane, f"s_{system.id}", system.measures, system.waivers)
            if show_party:
                party_col += self._callout(lane, f"p_{party.id}", party.measures, party.waivers)
            # Two columns only when arrows run inside the lane (抽出, 登録): those then run
            # between ranks where their labels fit. Otherwise one column, so that no arrow to
            # another lane, nor its label, lands inside this lane.
            systems = {s.id for s in party.systems}
            if not self._internal_arrows(party.id, systems):
                columns = [[left, *party_col[1:], *system_col[1:]]]
                # Keep each holder next to its own callout (flat invisible edges fix the order).
                for above, below in zip(columns[0][1:], columns[0][2:]):
                    lane.edge(below, above, style="invis")  # in LR, a flat edge runs upwards
            else:
                # The party node right of its systems when its arrows lean further right.
                party_right = self._lean({party.id}, index) > self._lean(systems, index)
                ordered = (system_col, party_col) if party_right else (party_col, system_col)
                columns = [c for c in ordered if len(c) > 1] or [party_col]
            for column in columns:
                lane.node(column[0], label="", shape="point", style="invis", width="0")
                with lane.subgraph() as same:
                    same.attr(rank="same")
                    for m in column:
                        same.node(m)
            if len(columns) == 2:
                lane.edge(columns[0][0], columns[1][0], style="invis", weight="100")
        return columns[0][0], columns[-1][0]

    def _internal_arrows(self, party_id: str, systems: set[str]) -> bool:
        """A step between two holders of this lane: staff and system (抽出, 登録) or two systems."""
        mine = {party_id, *systems}
        return any(st.from_ != st.to and st.from_ in mine and st.to in mine for st in self.scenario.steps)

    def _lean(self, endpoints: set[str], index: int) -> int:
        """Arrows from ``endpoints`` to lanes on the right minus those to lanes on the left."""
        lean = 0
        for step in self.scenario.steps:
            for mine, other in ((step.from_, step.to), (step.to, step.from_)):
                if mine in endpoints:
                    j = self._lane_of.get(self.flow.owner(other).id, index)
                    lean += (j > index) - (j < index)
        return lean

    def _party_subtitle(self, party: Party) -> str | None:
        bits = []
        if party.certifications:
            bits.append("・".join(c.value for c in party.certifications) + "取得")
        if party.cloud:
            bits.append(party.cloud)
        if party.note:
            bits.append(party.note)
        return "\n".join(bits) or None

    def _flagged(self, findings: list[Finding]) -> dict:
        if not findings:
            return {}
        return {"color": self.style["finding"]["color"], "penwidth": "2.5"}

    def _callout(self, lane: graphviz.Digraph, target: str, measures, waivers) -> list[str]:
        lines = self.measure_lines(measures, waivers)
        rows = self.callout_rows(lines)
        if not rows:
            return []
        node = f"m_{target}"
        st = self.style
        lane.node(node, label=f"<{_table([rows])}>", shape="note", style="filled",
                  fillcolor=st["callout"]["fill"], color=st["callout"]["border"])
        lane.edge(target, node, style="dashed", arrowhead="none", color=st["callout"]["border"], constraint="false")
        return [node]

    def _node_of(self, endpoint: str) -> str:
        return f"p_{endpoint}" if endpoint in self.flow.party_by_id else f"s_{endpoint}"

    def _step(self, fig: graphviz.Digraph, step: Step) -> None:
        cls = draw_class(step)
        self.used_classes.add(cls)
        look = self.style["channels"][cls]
        findings = self.findings_for(self.step_key(step))
        attrs = {"style": look["style"], "color": look["color"], "penwidth": str(look["penwidth"]),
                 "constraint": "false", "label": f"<{self.step_label(step, findings)}>"}
        if findings:
            attrs.update(color=self.style["finding"]["color"], fontcolor=self.style["finding"]["color"])
        tail, head = self._node_of(step.from_), self._node_of(step.to)
        lanes = self._lane_of
        src, dst = lanes.get(self.flow.owner(step.from_).id), lanes.get(self.flow.owner(step.to).id)
        if (step.to, step.from_) in self._pairs and src is not None and dst is not None and src < dst:
            # dot can put the labels of two opposite arrows between two lanes on one spot.
            # The rightward one may constrain the ranks (it agrees with the lane order),
            # which gives its label a rank of its own.
            attrs["constraint"] = "true"
        fig.edge(tail, head, **attrs)

    @cached_property
    def _lane_of(self) -> dict[str, int]:
        """Party id -> its lane's position, left to right."""
        return {p.id: i for i, p in enumerate(self.lanes())}

    @cached_property
    def _pairs(self) -> set[tuple[str, str]]:
        return {(st.from_, st.to) for st in self.scenario.steps if st.from_ != st.to}

    def _ghosts(self, fig: graphviz.Digraph, used: set[str]) -> None:
        """Steps removed since the old version, struck through, where both ends still exist."""
        look = self.style["diff"]
        for step in self.opt.removed_steps:
            if step.from_ in used and step.to in used:
                label = f"<S>【削除】{esc(circled(step.number, step.suffix))} {esc(wrap(step.text))}</S>"
                fig.edge(self._node_of(step.from_), self._node_of(step.to), style="dashed", color=look["removed"],
                         fontcolor=look["removed"], constraint="false",
                         label=f"<{_table([f'<TR><TD>{label}</TD></TR>'])}>")

    def _operates(self, fig: graphviz.Digraph, lanes: list[Party], used: set[str]) -> None:
        look = self.style["channels"]["operates"]
        for party in lanes:
            for system_id in party.operates:
                if system_id in used and party.id in used:
                    self.used_classes.add("operates")
                    fig.edge(f"p_{party.id}", f"s_{system_id}", style=look["style"], color=look["color"],
                             penwidth=str(look["penwidth"]), dir="both", arrowhead="none", arrowtail="none",
                             constraint="false")

    def _extras(self, fig: graphviz.Digraph, anchors: list[str]) -> None:
        """Legend, footnotes and the findings box, stacked in the first lane's column."""
        st = self.style
        rows = []
        for cls in ("network", "internet", "hand", "media", "mail", "other", "internal", "operates"):
            if cls not in self.used_classes:
                continue
            look = st["channels"][cls]
            sample = {"solid": "━━━", "dashed": "╍╍╍", "dotted": "┈┈┈", "bold,dashed": "▬ ▬ ▬"}.get(look["style"], "───")
            rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{look["color"]}">{sample}</FONT> {esc(look["label"])}</TD></TR>')
        boxes = []
        if rows:
            boxes.append(("legend", _table(['<TR><TD ALIGN="LEFT"><B>凡例</B></TD></TR>', *rows])))
        if self.footnotes:
            frows = ['<TR><TD ALIGN="LEFT"><B>保護対策</B></TD></TR>']
            for mark, lines in self.footnotes:
                body = '<BR ALIGN="LEFT"/>'.join(esc(line) for line in lines)
                frows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{esc(mark)}<BR ALIGN="LEFT"/>{body}<BR ALIGN="LEFT"/></TD></TR>')
            boxes.append(("footnotes", _table(frows)))
        shown = [f for f in self.opt.findings or [] if not f.accepted and self._in_figure(f)]
        if shown:
            color = st["finding"]["color"]
            frows = [f'<TR><TD ALIGN="LEFT"><FONT COLOR="{color}"><B>監査の指摘（{len(shown)}件）</B></FONT></TD></TR>']
            for f in shown:
                frows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{color}">{esc(f.code)}</FONT> '
                             f'{esc(f.subject.label)}<BR ALIGN="LEFT"/>{esc(f.message.split(" — ")[0])}</TD></TR>')
            boxes.append(("findings", _table(frows)))
        if self.opt.changes:
            rows = [f'<TR><TD ALIGN="LEFT"><B>承認済みの内容からの変更点（{len(self.opt.changes)}件）</B></TD></TR>']
            from piflow.diff import KIND_JA

            for c in self.opt.changes[:40]:
                rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">［{esc(KIND_JA[c.kind])}］{esc(c.describe())}</TD></TR>')
            if len(self.opt.changes) > 40:
                rows.append(f'<TR><TD ALIGN="LEFT">… ほか {len(self.opt.changes) - 40} 件</TD></TR>')
            boxes.append(("changes", _table(rows)))
        if not boxes:
            return
        with fig.subgraph(name="cluster_extras") as extras:
            extras.attr(label="", penwidth="0")
            for name, label in boxes:
                extras.node(f"x_{name}", label=f"<{label}>", shape="box", style="filled",
                            fillcolor=st["background"], color=st["node"]["border"])
            names = [f"x_{n}" for n, _ in boxes]
            for a, b in zip(names, names[1:]):
                extras.edge(a, b, style="invis")
        fig.edge(anchors[0], f"x_{boxes[0][0]}", style="invis", weight="0") if anchors else None

    def _in_figure(self, f: Finding) -> bool:
        if f.subject.kind == "step":
            return f.subject.key.startswith(f"step:{self.scenario.id}/")
        drawn = {p.id for p in self.lanes()}
        if f.subject.kind == "party":
            return f.subject.key.removeprefix("party:") in drawn
        if f.subject.kind == "system":
            sid = f.subject.key.removeprefix("system:")
            owner = self.flow.system_owner.get(sid)
            return owner is not None and owner.id in drawn
        return False


def _table(rows: list[str]) -> str:
    return '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(r for r in rows if r) + "</TABLE>"


def _footnote_mark(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[i] if i < 26 else f"{letters[i // 26 - 1]}{letters[i % 26]}"


def build_figure(doc: Document, scenario: Scenario, style: dict, options: Options | None = None) -> graphviz.Digraph:
    return FigureBuilder(doc, scenario, style, options or Options()).build()
