"""A flow model -> flow-file YAML (what ``piflow form import`` writes).

Keys in the order docs/format.md shows them, measures by the labels the figures print,
defaults left out; loading the text gives back an equal model.
"""

from __future__ import annotations

from piflow.catalog import Catalog, default_catalog
from piflow.model import Flow, written_measures
from piflow.vocab import DataClass, SystemKind

HEADER = "# piflow フローファイル（piflow form import で Excel の記入用ブックから作成）\n"


class _Lines(list):
    """A list written one item a line (measure labels are long), not as [a, b, c]."""


def _label(catalog: Catalog, mid: str) -> str:
    return catalog[mid].label if mid in catalog else mid


def _drop_empty(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _holder(d: dict, holder, catalog: Catalog) -> dict:
    d["measures"] = _Lines(written_measures(holder.measures, lambda m: _label(catalog, m)))
    d["checklist_measures"] = _Lines(_label(catalog, m) for m in holder.checklist_measures)
    scope = holder.waiver_scope
    d["waivers"] = {_label(catalog, m): {"reason": r, "for": list(scope[m])} if m in scope else r
                    for m, r in holder.waivers.items()}
    return d


def _ids(values) -> list | None:
    return None if values is None else list(values)


def flow_data(flow: Flow, catalog: Catalog | None = None) -> dict:
    catalog = catalog or default_catalog()
    p = flow.proposal
    proposal = _drop_empty({"number": p.number, "title": p.title, "business": p.business, "section": p.section,
                            "bases": [str(b) for b in p.bases], "purpose": p.purpose, "subjects": p.subjects,
                            "count": p.count, "period": p.period})
    data = [_drop_empty({"id": d.id, "name": d.name, "class": None if d.class_ is DataClass.ORDINARY else str(d.class_),
                         "note": d.note}) for d in flow.data]
    parties = []
    for party in flow.parties:
        systems = [_keep_data(_holder({"id": s.id, "name": s.name,
                                       "kind": None if s.kind is SystemKind.SYSTEM else str(s.kind),
                                       "zone": s.zone and str(s.zone), "location": s.location, "data": _ids(s.data),
                                       "originates": list(s.originates)}, s, catalog) | {"note": s.note})
                   for s in party.systems]
        parties.append(_keep_data(_holder({
            "id": party.id, "name": party.name,
            "role": str(party.role[0]) if len(party.role) == 1 else [str(r) for r in party.role],
            "lane": party.lane, "contractor": party.contractor, "consent": party.consent, "cloud": party.cloud,
            "certifications": [str(c) for c in party.certifications], "zone": party.zone and str(party.zone),
            "location": party.location, "operates": list(party.operates), "data": _ids(party.data),
        }, party, catalog) | {"systems": systems, "note": party.note}))
    scenarios = []
    for sc in flow.scenarios:
        steps = [_keep_data({
            "n": int(st.n) if st.n.isdigit() else st.n, "id": st.id, "from": st.from_, "to": st.to, "text": st.text,
            "channel": _one_or_list(st.channels), "medium": st.medium and str(st.medium), "media": st.media,
            "data": _ids(st.data), "measures": _Lines(written_measures(st.measures, lambda m: _label(catalog, m))),
            "waivers": {_label(catalog, m): r for m, r in st.waivers.items()}, "occasion": st.occasion,
            "note": st.note,
        }) for st in sc.steps]
        scenarios.append(_drop_empty({"id": sc.id, "tag": sc.tag, "title": sc.title, "notes": _Lines(sc.notes),
                                      "lanes": list(sc.lanes), "steps": steps,
                                      "figure_measures": {k: _Lines(written_measures(v, lambda m: _label(catalog, m)))
                                                          for k, v in sc.figure_measures.items()}}))
    accepted = [_drop_empty({"key": a.key, "reason": a.reason, "by": a.by, "date": a.date}) for a in flow.accepted]
    exceptions = [_drop_empty({"key": e.key, "basis": e.basis, "controls": _Lines(e.controls), "note": e.note})
                  for e in flow.exceptions]
    return _drop_empty({"piflow": 1, "proposal": proposal, "data": data, "parties": parties,
                        "scenarios": scenarios, "accepted": accepted, "exceptions": exceptions})


def _one_or_list(channels) -> str | list[str] | None:
    """``channel: 郵送`` for one channel, ``channel: [郵送, 窓口]`` for several, nothing for none."""
    if not channels:
        return None
    return str(channels[0]) if len(channels) == 1 else [str(c) for c in channels]


def _keep_data(d: dict) -> dict:
    """Drop empty values but keep ``data: []`` (「運ばない」), which differs from no ``data`` at all."""
    out = _drop_empty(d)
    if d.get("data") == []:
        out["data"] = []
    return out


def to_yaml(flow: Flow, catalog: Catalog | None = None) -> str:
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    _Dumper.add_representer(_Lines, lambda dumper, value: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", value, flow_style=False))
    body = yaml.dump(flow_data(flow, catalog), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=None, indent=2)
    return HEADER + body
