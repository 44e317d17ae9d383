"""Issue 21: the layer contract of docs/architecture.md, enforced over the real import graph of src/piflow.

Every import counts, inside functions too.  The layers come from the table in the doc, so the doc and
the code cannot drift apart: a module the table does not place, an upward import, or a cycle fails here.
"""

from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT

SRC = ROOT / "src"
DOC = ROOT / "docs" / "architecture.md"


def modules() -> dict[str, str]:
    found = {}
    for path in sorted((SRC / "piflow").rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path.read_text(encoding="utf-8")
    return found


def imports(name: str, text: str, known: set[str]) -> set[str]:
    """piflow modules ``name`` imports, at any depth; ``from a import b`` counts as a.b when b is a module."""
    package = name if f"{name}.__init__" in _INIT or name == "piflow" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in known else base)
        elif isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
    return {m for m in out if m.split(".")[0] == "piflow" and m != name}


_INIT = {".".join(p.relative_to(SRC).with_suffix("").parts) for p in (SRC / "piflow").rglob("__init__.py")}


def layers() -> list[tuple[str, list[str]]]:
    """(layer name, module patterns), bottom first, from the table in docs/architecture.md."""
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("<!-- layers"):]
    rows = re.findall(r"^\| (\d+) \| (\w+) \| (.+?) \| .+ \|$", table, re.M)
    assert [int(n) for n, *_ in rows] == list(range(1, len(rows) + 1)), "layers are numbered bottom to top"
    return [(layer, re.findall(r"`([^`]+)`", cell)) for _, layer, cell in rows]


def layer_of(module: str, table) -> list[int]:
    hits = []
    for i, (_, patterns) in enumerate(table):
        for p in patterns:
            if p == module or (p.endswith(".*") and (module == p[:-2] or module.startswith(p[:-1]))):
                hits.append(i)
    return hits


MODULES = modules()
GRAPH = {m: imports(m, text, set(MODULES)) for m, text in MODULES.items()}
TABLE = layers()


def test_every_module_is_in_exactly_one_layer():
    unplaced = {m: layer_of(m, TABLE) for m in MODULES if len(layer_of(m, TABLE)) != 1}
    assert not unplaced, f"place these in docs/architecture.md (module: layers matched): {unplaced}"


def test_no_pattern_in_the_table_is_stale():
    for name, patterns in TABLE:
        for p in patterns:
            assert any(p == m or (p.endswith(".*") and (m == p[:-2] or m.startswith(p[:-1]))) for m in MODULES), \
                f"{name}: {p} names no module"


def test_imports_point_down_the_layers():
    upward = []
    for module, targets in GRAPH.items():
        (mine,) = layer_of(module, TABLE)
        for target in targets:
            if target not in MODULES:
                continue
            (theirs,) = layer_of(target, TABLE)
            if theirs > mine:
                upward.append(f"{module} ({TABLE[mine][0]}) -> {target} ({TABLE[theirs][0]})")
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_the_import_graph_has_no_cycle():
    nx = pytest.importorskip("networkx")
    graph = nx.DiGraph([(a, b) for a, targets in GRAPH.items() for b in targets if b in MODULES])
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def test_the_contract_catches_an_upward_import_and_a_cycle():
    """The checks above would fail on a real break: a loader importing the checklists, and a two-module circle."""
    graph = dict(GRAPH)
    graph["piflow.loader"] = GRAPH["piflow.loader"] | {"piflow.checklist"}
    (loader,) = layer_of("piflow.loader", TABLE)
    (checklist,) = layer_of("piflow.checklist", TABLE)
    assert checklist > loader
    nx = pytest.importorskip("networkx")
    graph["piflow.pack"] = GRAPH["piflow.pack"] | {"piflow.loader"}
    cyclic = nx.DiGraph([(a, b) for a, targets in graph.items() for b in targets if b in MODULES])
    assert any(len(c) > 1 for c in nx.strongly_connected_components(cyclic))


def test_function_level_imports_are_seen():
    """An import hidden in a function still counts (the way cycles used to be kept alive)."""
    text = "def f():\n    from piflow.checklist import fill\n"
    assert imports("piflow.loader", text, set(MODULES)) == {"piflow.checklist"}
