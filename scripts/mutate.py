#!/usr/bin/env python3
"""Mutation testing of the audit code with the standard library only (``make mutate``).

Why our own mutator: mutmut skips decorated functions, and every rule's ``check`` is
decorated with ``@rule``.  This script parses each target module with ``ast``, makes one
small change at a time (a mutant), writes the mutated module into a copy of ``src/``,
runs the audit tests against the copy, and counts the mutant killed if any test fails
(or the run hangs).  It prints the survivors and the kill ratio.

Not mutated: docstrings, annotations, ``Literal[...]`` types, ``__all__`` and ``if TYPE_CHECKING``
blocks — changing them cannot change what the audit does.

Operators (each mutant is one change):
  compare   == ↔ !=, is ↔ is not, in ↔ not in, < ↔ <=, > ↔ >=
  boolop    and ↔ or
  not       ``not x`` → ``x``
  if        ``if x`` → ``if not x`` (also ``elif``, conditional expressions, comprehension filters)
  bool      True ↔ False
  severity  "error" ↔ "warning", "info" → "warning" (a rule's or finding's severity)
  number    n → n + 1 (small integers)
  drop      one element removed from a literal tuple, list, set or dict of 2–12 elements
            (tables such as G204's role → basis rows, G230's sensitive classes)

Usage::

    scripts/mutate.py                        # every target, the default tests
    scripts/mutate.py --only g230 --only engine
    scripts/mutate.py --list                 # the mutants, not run
    scripts/mutate.py --every 4             # every 4th mutant: a quick estimate
    scripts/mutate.py --timeout 60
    scripts/mutate.py --targets piflow/forked.py --tests tests/test_forked.py   # another module

Exit code 0 if the kill ratio is at least ``--min`` (default 0), else 1.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
TARGETS = (
    "piflow/audit/rules/*.py",
    "piflow/audit/engine.py",
    "piflow/audit/facts.py",
    "piflow/audit/lineage.py",
    "piflow/audit/declare.py",
    "piflow/audit/context.py",
    "piflow/audit/finding.py",
    "piflow/audit/conditions.py",
    "piflow/checklist.py",
)
TESTS = ("tests/test_rules.py", "tests/test_proposals.py", "tests/test_audit_engine.py", "tests/test_real_papers.py",
         "tests/test_checklist_parts.py", "tests/test_paper_checklists.py", "tests/test_checklist_report.py",
         "tests/test_checklist_conditions.py", "tests/test_lineage.py")
DESELECT = "not renders"  # drawing the figures is slow and does not test the audit

COMPARE_SWAP = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
}
SEVERITY_SWAP = {"error": "warning", "warning": "error", "info": "warning"}


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to src/
    index: int  # n-th mutation point of the module (stable for an unchanged file)
    line: int
    op: str
    what: str

    @property
    def name(self) -> str:
        return f"{self.path}:{self.line} [{self.op}] {self.what}"


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


class _Points(ast.NodeVisitor):
    """Lists every mutation point of a module as (node path, op, description)."""

    def __init__(self, tree: ast.AST):
        self.points: list[tuple[int, str, str, int, int]] = []  # (node order, op, what, line, variant)
        self.order: dict[int, int] = {}
        self.skip = _docstring_nodes(tree)
        self.annotations: set[int] = set()
        for node in ast.walk(tree):
            for ann in _annotation_children(node):
                self.annotations.update(id(n) for n in ast.walk(ann))
        for i, node in enumerate(ast.walk(tree)):
            self.order[id(node)] = i
        self.visit(tree)

    def add(self, node, op, what, variant=0):
        line = getattr(node, "lineno", 0) or getattr(node.ifs[variant] if isinstance(node, ast.comprehension) else node,
                                                     "lineno", 0)
        self.points.append((self.order[id(node)], op, what, line, variant))

    def visit_Compare(self, node):
        for k, cmp in enumerate(node.ops):
            if type(cmp) in COMPARE_SWAP:
                self.add(node, "compare", f"{type(cmp).__name__} → {COMPARE_SWAP[type(cmp)].__name__}", k)
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        self.add(node, "boolop", "and → or" if isinstance(node.op, ast.And) else "or → and")
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            self.add(node, "not", "not x → x")
        self.generic_visit(node)

    def visit_If(self, node):
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return  # imports for the type checker only: negating it changes nothing at run time
        self.add(node, "if", "condition negated")
        self.generic_visit(node)

    def visit_Assign(self, node):
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return  # the star-import list: nothing star-imports the audit
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == "Literal":
            return  # a type (Literal["violation", "incomplete"]): no run-time effect
        self.generic_visit(node)

    def visit_IfExp(self, node):
        self.add(node, "if", "condition negated")
        self.generic_visit(node)

    def visit_comprehension(self, node):
        for k, _ in enumerate(node.ifs):
            self.add(node, "if", "filter negated", k)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if id(node) in self.skip or id(node) in self.annotations:
            return
        if node.value is True or node.value is False:
            self.add(node, "bool", f"{node.value} → {not node.value}")
        elif isinstance(node.value, str) and node.value in SEVERITY_SWAP:
            self.add(node, "severity", f'"{node.value}" → "{SEVERITY_SWAP[node.value]}"')
        elif type(node.value) is int and 0 <= node.value <= 16:
            self.add(node, "number", f"{node.value} → {node.value + 1}")

    def _collection(self, node, elements):
        if id(node) not in self.annotations and 2 <= len(elements) <= 12:
            for k, element in enumerate(elements):
                shown = ast.unparse(element)
                self.add(node, "drop", f"element {k} dropped: {shown[:60]}", k)
        self.generic_visit(node)

    def visit_Tuple(self, node):
        if not isinstance(node.ctx, ast.Load):
            return self.generic_visit(node)
        self._collection(node, node.elts)

    def visit_List(self, node):
        if not isinstance(node.ctx, ast.Load):
            return self.generic_visit(node)
        self._collection(node, node.elts)

    def visit_Set(self, node):
        self._collection(node, node.elts)

    def visit_Dict(self, node):
        if all(k is not None for k in node.keys):
            self._collection(node, node.keys)
        else:
            self.generic_visit(node)


def _annotation_children(node) -> list:
    out = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        out += [a.annotation for a in (*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs) if a.annotation]
        out += [node.returns] if node.returns else []
    if isinstance(node, ast.AnnAssign):
        out.append(node.annotation)
    return out


def _apply(tree: ast.AST, order: int, op: str, variant: int) -> ast.AST:
    tree = copy.deepcopy(tree)
    nodes = list(ast.walk(tree))
    node = nodes[order]
    if op == "compare":
        node.ops[variant] = COMPARE_SWAP[type(node.ops[variant])]()
    elif op == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif op == "not":
        _replace(tree, node, node.operand)
    elif op == "if":
        if isinstance(node, ast.comprehension):
            node.ifs[variant] = ast.UnaryOp(ast.Not(), node.ifs[variant])
        else:
            node.test = ast.UnaryOp(ast.Not(), node.test)
    elif op == "bool":
        node.value = not node.value
    elif op == "severity":
        node.value = SEVERITY_SWAP[node.value]
    elif op == "number":
        node.value = node.value + 1
    elif op == "drop":
        if isinstance(node, ast.Dict):
            del node.keys[variant], node.values[variant]
        else:
            del node.elts[variant]
    return ast.fix_missing_locations(tree)


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return


def mutants(only: list[str], targets: tuple[str, ...] = TARGETS) -> list[tuple[Mutant, ast.AST, tuple]]:
    out = []
    for pattern in targets:
        for path in sorted(SRC.glob(pattern)):
            rel = path.relative_to(SRC).as_posix()
            if path.name == "__init__.py" or (only and not any(o in rel for o in only)):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for k, (order, op, what, line, variant) in enumerate(_Points(tree).points):
                out.append((Mutant(rel, k, line, op, what), tree, (order, op, variant)))
    return out


def _first_tests(m: Mutant, tests: tuple[str, ...]) -> tuple[str, ...]:
    """The tests most likely to kill a mutant of a rule module: its own cases (by code), then the rest.

    Only a first pass: a mutant that survives it is run again against every test.
    """
    stem = Path(m.path).stem
    if "/rules/" in m.path and stem[:1] in "gc" and stem[1:4].isdigit():
        code = stem[:4].upper()
        return ("-k", f"{code} or test_proposals or test_real_papers", *tests)
    return tests


def _run_tests(workdir: Path, tests: tuple[str, ...], timeout: int) -> bool:
    """True if the tests fail (the mutant is killed).  Runs in a forked child: no interpreter start-up."""
    pid = os.fork()
    if pid == 0:
        try:
            signal.alarm(timeout)  # a hanging mutant dies of SIGALRM: killed
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.path.insert(0, str(workdir))
            import piflow
            import pytest

            # The layers below the facts were imported once by the parent (they are not mutated and
            # import nothing above them); everything else of piflow now loads from the mutated copy.
            piflow.__path__[:] = [str(workdir / "piflow")]

            os.chdir(ROOT)
            selection = list(tests)
            keyword = DESELECT
            if selection[:1] == ["-k"]:
                keyword = f"({selection[1]}) and {DESELECT}"
                selection = selection[2:]
            code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-k", keyword, *selection])
            if code == pytest.ExitCode.NO_TESTS_COLLECTED and keyword != DESELECT:
                code = 0  # a first pass whose -k selects nothing in these files kills nothing: the full pass decides
        except BaseException:
            code = 99
        os._exit(int(code))
    _, status = os.waitpid(pid, 0)
    return not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)


def _preload(work: Path) -> None:
    """Import once what every child starts from: the libraries, and piflow's layers below the facts.

    Those layers (docs/architecture.md: base, data, sources, packs, loader) hold no target and never
    import the audit; they come from the copy, so a run in another checkout tests that checkout.  The
    audit and everything above it load in each child, from the copy with the mutant in it.
    """
    import hypothesis  # noqa: F401
    import networkx  # noqa: F401
    import pydantic  # noqa: F401
    import pytest  # noqa: F401
    import yaml  # noqa: F401

    sys.path.insert(0, str(work))
    import piflow
    import piflow.loader  # noqa: F401
    import piflow.policy  # noqa: F401

    assert Path(piflow.__file__).resolve().is_relative_to(work.resolve()), piflow.__file__
    assert not any(name.startswith("piflow.audit") for name in sys.modules), "the parent must not import the audit"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", default=[], help="only modules whose path contains this (repeatable)")
    ap.add_argument("--tests", nargs="*", default=list(TESTS))
    ap.add_argument("--targets", nargs="*", default=list(TARGETS),
                    help="modules to mutate, as globs under src/ (default: the audit's), e.g. piflow/forked.py")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per mutant before it counts as killed")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument("--every", type=int, default=1, help="run every n-th mutant only (a quick, even sample)")
    ap.add_argument("--match", action="append", default=[],
                    help="only mutants whose printed name contains this, e.g. 'facts.py:20 ' (repeatable)")
    ap.add_argument("--min", type=float, default=0.0, help="fail (exit 1) below this kill ratio, in percent")
    args = ap.parse_args(argv)

    found = mutants(args.only, tuple(args.targets))[::max(1, args.every)]
    if args.match:
        found = [f for f in found if any(m in f[0].name for m in args.match)]
    if args.list:
        for m, _, _ in found:
            print(m.name)
        print(f"{len(found)} mutants")
        return 0
    sys.dont_write_bytecode = True  # a mutated module of the same size and mtime must never come from a stale .pyc
    with tempfile.TemporaryDirectory(prefix="piflow-mutate-") as tmp:
        work = Path(tmp)
        shutil.copytree(SRC / "piflow", work / "piflow", ignore=shutil.ignore_patterns("__pycache__"))
        if (ROOT / "styles").is_dir() and not (work / "piflow" / "styles").exists():
            os.symlink(ROOT / "styles", work / "piflow" / "styles")
        _preload(work)
        if not _run_tests(work, tuple(args.tests), args.timeout) is False:
            print("the tests fail without any mutant: fix them first", file=sys.stderr)
            return 2
        survivors, killed, started = [], 0, time.monotonic()
        for i, (m, tree, (order, op, variant)) in enumerate(found, 1):
            target = work / m.path
            original = target.read_text(encoding="utf-8")
            target.write_text(ast.unparse(_apply(tree, order, op, variant)), encoding="utf-8")
            try:
                first = _first_tests(m, tuple(args.tests))
                dead = _run_tests(work, first, args.timeout)
                if not dead and first != tuple(args.tests):
                    dead = _run_tests(work, tuple(args.tests), args.timeout)
            finally:
                target.write_text(original, encoding="utf-8")
            killed += dead
            if not dead:
                survivors.append(m)
            print(f"[{i}/{len(found)}] {'killed ' if dead else 'SURVIVED'} {m.name}", flush=True)
    total = len(found)
    ratio = 100.0 * killed / total if total else 100.0
    print(f"\nsurvivors ({len(survivors)}):")
    for m in survivors:
        print(f"  {m.name}")
    print(f"\nkill ratio: {killed}/{total} = {ratio:.1f}% ({time.monotonic() - started:.0f}s)")
    return 0 if ratio >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
