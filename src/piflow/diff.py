"""Compare two versions of a flow by meaning: what was added, removed, changed.

Everything is matched by identity: parties, systems, data items and
scenarios by id; steps by their ``id`` or, without one, by sender, receiver
and text.  A step that only got a new number is reported as renumbered, not
as removed and added.  Measures are compared one by one, so removing one
measure is one change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from piflow.catalog import default_catalog
from piflow.loader import Document
from piflow.model import Scenario, Step
from piflow.stepkeys import change_key, identity
from piflow.textnorm import circled

Kind = Literal["added", "removed", "changed", "renumbered"]
KIND_JA = {"added": "追加", "removed": "削除", "changed": "変更", "renumbered": "番号の変更"}
KIND_ORDER = {"added": 0, "removed": 1, "changed": 2, "renumbered": 3}


@dataclass(frozen=True)
class Change:
    kind: Kind
    entity: str  # proposal | basis | party | system | data | scenario | step | measure | waiver | accepted
    key: str  # stable identity, e.g. "step:internet/post"
    label: str  # for people
    field: str = ""
    before: str = ""
    after: str = ""

    def describe(self) -> str:
        if self.kind == "changed":
            return f"{self.label}: {self.field} 「{self.before}」→「{self.after}」"
        if self.kind == "renumbered":
            return f"{self.label}: {self.before} → {self.after}"
        return self.label


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {_text(v)}" for k, v in value.items())
    if hasattr(value, "value"):
        return str(value.value)
    return "" if value is None else str(value)


def _fields(old: BaseModel, new: BaseModel, entity: str, key: str, label: str, skip: set[str]) -> list[Change]:
    out = []
    for name, info in type(new).model_fields.items():
        if name in skip:
            continue
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append(Change("changed", entity, key, label, info.alias or name, _text(a), _text(b)))
    return out


def _measures(old, new, key: str, label: str) -> list[Change]:
    cat = default_catalog()
    out = []
    for attr in ("measures", "checklist_measures"):
        a, b = list(getattr(old, attr, ())), list(getattr(new, attr, ()))
        out += [Change("added", "measure", f"{key}:{m}", f"{label} に「{cat[m].label}」") for m in b if m not in a]
        out += [Change("removed", "measure", f"{key}:{m}", f"{label} から「{cat[m].label}」") for m in a if m not in b]
    wa, wb = old.waivers, new.waivers
    for m in wb.keys() - wa.keys():
        out.append(Change("added", "waiver", f"{key}:-{m}", f"{label} に「－ {cat[m].label}（{wb[m]}）」"))
    for m in wa.keys() - wb.keys():
        out.append(Change("removed", "waiver", f"{key}:-{m}", f"{label} から「－ {cat[m].label}（{wa[m]}）」"))
    for m in wa.keys() & wb.keys():
        if wa[m] != wb[m]:
            out.append(Change("changed", "waiver", f"{key}:-{m}", f"{label} の「－ {cat[m].label}」", "理由", wa[m], wb[m]))
    return out


def _by_id(items) -> dict:
    return {i.id: i for i in items}


def diff(old: Document, new: Document) -> list[Change]:
    a, b = old.flow, new.flow
    changes: list[Change] = []
    changes += _fields(a.proposal, b.proposal, "proposal", "proposal", "件名・概要", {"bases"})
    changes += [Change("added", "basis", f"basis:{x.value}", f"根拠「{x.value}」") for x in b.proposal.bases
                if x not in a.proposal.bases]
    changes += [Change("removed", "basis", f"basis:{x.value}", f"根拠「{x.value}」") for x in a.proposal.bases
                if x not in b.proposal.bases]

    def entities(old_items, new_items, entity, label_of, nested=None):
        out = []
        olds, news = _by_id(old_items), _by_id(new_items)
        for ident, item in news.items():
            key = f"{entity}:{ident}"
            if ident not in olds:
                out.append(Change("added", entity, key, label_of(item)))
                continue
            prev = olds[ident]
            skip = {"measures", "checklist_measures", "waivers", "systems"}
            out += _fields(prev, item, entity, key, label_of(item), skip)
            if hasattr(item, "measures"):
                out += _measures(prev, item, key, label_of(item))
            if nested:
                out += nested(prev, item)
        out += [Change("removed", entity, f"{entity}:{i}", label_of(x)) for i, x in olds.items() if i not in news]
        return out

    def systems(prev, item):
        return entities(prev.systems, item.systems, "system", lambda s: f"システム「{s.name}」")

    changes += entities(a.parties, b.parties, "party", lambda p: f"当事者「{p.name}」", systems)
    changes += entities(a.data, b.data, "data", lambda d: f"情報項目「{d.name}」")

    old_sc, new_sc = _by_id(a.scenarios), _by_id(b.scenarios)
    for ident, sc in new_sc.items():
        if ident not in old_sc:
            changes.append(Change("added", "scenario", f"scenario:{ident}", f"図「{sc.tag} {sc.title}」"))
            continue
        prev = old_sc[ident]
        changes += _fields(prev, sc, "scenario", f"scenario:{ident}", f"図「{sc.tag}」", {"steps"})
        changes += _steps(prev, sc)
    changes += [Change("removed", "scenario", f"scenario:{i}", f"図「{s.tag} {s.title}」")
                for i, s in old_sc.items() if i not in new_sc]

    old_acc, new_acc = {x.key: x for x in a.accepted}, {x.key: x for x in b.accepted}
    changes += [Change("added", "accepted", f"accepted:{k}", f"承認済みの指摘 {k}") for k in new_acc if k not in old_acc]
    changes += [Change("removed", "accepted", f"accepted:{k}", f"承認済みの指摘 {k}") for k in old_acc if k not in new_acc]
    return changes


def _step_label(sc: Scenario, step: Step) -> str:
    return f"{sc.tag} {circled(step.number, step.suffix)} {step.text}"


def _steps(old: Scenario, new: Scenario) -> list[Change]:
    olds = {identity(s): s for s in old.steps}
    news = {identity(s): s for s in new.steps}
    out = []
    for ident, step in news.items():
        key = change_key(new.id, step)
        label = _step_label(new, step)
        if ident not in olds:
            out.append(Change("added", "step", key, f"手順 {label}"))
            continue
        prev = olds[ident]
        if prev.n != step.n:
            out.append(Change("renumbered", "step", key, f"手順 {label}",
                              before=circled(prev.number, prev.suffix), after=circled(step.number, step.suffix)))
        out += _fields(prev, step, "step", key, f"手順 {label}", {"n", "measures", "checklist_measures", "waivers"})
        out += _measures(prev, step, key, f"手順 {label}")
    out += [Change("removed", "step", change_key(old.id, s), f"手順 {_step_label(old, s)}")
            for i, s in olds.items() if i not in news]
    return out


def change_kinds(changes: list[Change]) -> dict[str, str]:
    """Step, party or system key -> how it changed ("added" beats "changed").

    A measure or waiver change ("step:s/id:comm-encryption") marks its holder changed.
    """
    out: dict[str, str] = {}
    for c in changes:
        if c.entity in ("measure", "waiver"):
            holder, kind = c.key.rsplit(":", 1)[0], "changed"
        elif c.entity in ("step", "party", "system"):
            holder, kind = c.key, c.kind
        else:
            continue
        if holder not in out or KIND_ORDER[kind] < KIND_ORDER[out[holder]]:
            out[holder] = kind
    return out
