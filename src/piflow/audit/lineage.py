"""Data lineage: the endpoints of a flow as a directed graph whose edges say what they carry.

Every audit asks where each item ends up (any number of hops).  Over the dozen endpoints of a
flow that is a walk over an adjacency of dicts, so it is done here without networkx: importing
networkx costs about 90 ms, five times Python's own start, on every ``audit``, ``checklist`` and
``report``.  networkx answers the question that needs a path algorithm, *by which steps* an
item reaches a party (``route``); it is imported there, only when a finding explains a route.
"""

from __future__ import annotations

from collections.abc import Iterable

# An edge's ``carries``: the item ids its steps name, or None for "all the sender holds"
# (a step without ``data``, or a system seen by its owner's staff).
Carries = set[str] | None


class Lineage:
    """Endpoints and, per pair, one edge for all the steps between them.

    100,000 steps among a dozen endpoints are a hundred edges: lineage only asks whether an
    item can pass, not how many times it does.
    """

    def __init__(self) -> None:
        self.succ: dict[str, dict[str, Carries]] = {}

    @property
    def nodes(self) -> Iterable[str]:
        return self.succ.keys()

    def add(self, endpoint: str) -> None:
        self.succ.setdefault(endpoint, {})

    def join(self, sender: str, receiver: str, data: Iterable[str] | None) -> None:
        """Add to the edge sender -> receiver what one more step (or link) carries: ``data``, or everything (None)."""
        self.add(sender)
        self.add(receiver)
        out = self.succ[sender]
        if receiver not in out:
            out[receiver] = None if data is None else set(data)
        elif out[receiver] is not None:
            if data is None:
                out[receiver] = None
            else:
                out[receiver].update(data)

    def passes(self, sender: str, receiver: str, item: str) -> bool:
        carries = self.succ.get(sender, {}).get(receiver, set())
        return carries is None or item in carries

    def reached(self, item: str, seeds: Iterable[str]) -> set[str]:
        """The seeds and every endpoint ``item`` can reach from them, over edges that carry it.

        One walk from all seeds at once: each edge is looked at once per item, not once per seed.
        """
        reached = set(seeds)
        todo = list(reached)
        while todo:
            for v, carries in self.succ[todo.pop()].items():
                if v not in reached and (carries is None or item in carries):
                    reached.add(v)
                    todo.append(v)
        return reached

    def route(self, item: str, sources: Iterable[str], targets: Iterable[str]) -> list[str] | None:
        """The shortest chain of endpoints by which ``item`` goes from a source to a target, or None.

        Ties go to the source and the target first in sorted order, and to the edges in the order
        the flow declares them (networkx keeps insertion order), so the route is the same every run.
        """
        import networkx as nx  # heavy: only when a finding explains a route

        carrying = nx.DiGraph()
        carrying.add_nodes_from(self.succ)
        carrying.add_edges_from((u, v) for u, out in self.succ.items() for v in out if self.passes(u, v, item))
        starts = sorted(s for s in set(sources) if s in carrying)
        best: list[str] | None = None
        for target in sorted(set(targets)):
            if target not in carrying or not starts:
                continue
            try:
                _, path = nx.multi_source_dijkstra(carrying, starts, target)
            except nx.NetworkXNoPath:
                continue
            if best is None or len(path) < len(best):
                best = path
        return best
