"""The layout search is exact: its bounds never undercut a candidate, and best-first picks what the full search picks.

``layout.fit`` frames every candidate (columns and rows), ranks it by an upper bound, and
completes (packs the free space of) only those whose bound could still win.  Both halves of
that promise are tested here on every scenario of the seed flows and the example proposals,
so a bound made too tight (a figure silently worse) fails here and names the candidate, not
only as a changed hash in tests/test_figure_pins.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FLOWS, ROOT
from piflow.draw.style import load_style
from piflow.layout import fit
from piflow.layout.content import Options, figure_content
from piflow.loader import load

THEME = load_style(None)
FILES = sorted(FLOWS.glob("*.yaml")) + sorted(p for p in (ROOT / "docs" / "proposals").glob("*.yaml")
                                              if not p.name.endswith(".defects.yaml"))
CASES = [(path, sc.id) for path in FILES for sc in load(path).flow.scenarios]


def _fitter(path: Path, scenario: str) -> fit.Fitter:
    doc = load(path)
    sc = next(s for s in doc.flow.scenarios if s.id == scenario)
    return fit.Fitter(figure_content(doc.flow, sc, THEME, Options()), THEME, fit.PAGES["a4-landscape"])


def _candidates(fitter: fit.Fitter) -> list:
    chars = tuple(sorted({*fit.LABEL_CHARS, *fit.QUICK["label_chars"]}))
    return fit._params(fitter.fonts, chars, rooms=(False, True))


@pytest.mark.parametrize("path,scenario", CASES, ids=[f"{p.stem}:{s}" for p, s in CASES])
def test_bound_never_undercuts_the_completed_candidate(path, scenario):
    fitter = _fitter(path, scenario)
    spec = fitter.spec(0, len(fitter.c.rows))
    for params in _candidates(fitter):
        bound, grid = fitter._framed(spec, params)
        rank, _ = fitter._completed(grid)
        assert rank <= bound, f"{params}: completed {rank} above its bound {bound}"
        # Each part of the bound on its own, as the proof of exactness needs.
        assert all(r <= b for r, b in zip(rank, bound)), f"{params}: {rank} vs {bound}"


@pytest.mark.parametrize("path,scenario", CASES, ids=[f"{p.stem}:{s}" for p, s in CASES])
def test_best_first_picks_what_the_full_search_picks(path, scenario):
    fitter = _fitter(path, scenario)
    spec = fitter.spec(0, len(fitter.c.rows))
    candidates = _candidates(fitter)
    ranks = [fitter._completed(fitter._framed(spec, params)[1])[0] for params in candidates]
    first_best = max(range(len(ranks)), key=lambda i: (ranks[i], -i))  # the first of the highest, as max() picks
    chosen = fitter._best_of(spec, candidates)
    assert chosen[2] == candidates[first_best]
    assert chosen[0] == ranks[first_best]
    # An incumbent that ranks above every candidate stays; one below gives way to the best.
    top = (99.0, 0, 99.0, 0)
    assert fitter._best_of(spec, candidates, (top, None, "kept"))[2] == "kept"
    bottom = (0.0, -10**9, 0.0, -10**12)
    assert fitter._best_of(spec, candidates, (bottom, None, "kept"))[2] == candidates[first_best]


class _Scripted:
    """Candidates with given bounds and ranks, to test the search order on its own (ties included)."""

    def __init__(self, pairs):
        self.pairs, self.completed = pairs, []

    def _framed(self, spec, params):
        return self.pairs[params][0], params

    def _completed(self, grid):
        self.completed.append(grid)
        return self.pairs[grid][1], f"page{grid}"


def test_best_first_on_scripted_ties():
    import random

    rng = random.Random(26)
    for _ in range(2000):
        n = rng.randint(1, 7)
        pairs = []
        for _ in range(n):
            rank = (rng.choice((7.0, 7.5, 8.0)), -rng.randint(90, 94), 8.0, -rng.randint(1, 3))
            bound = tuple(r + rng.choice((0, 0, 1)) for r in rank)  # often tight, so ties are common
            pairs.append((bound, rank))
        scripted = _Scripted(pairs)
        chosen = fit.Fitter._best_of(scripted, None, list(range(n)))
        first_best = max(range(n), key=lambda i: (pairs[i][1], -i))
        assert chosen[2] == first_best, pairs
        # Never completed: a candidate whose bound is below the winner's rank.
        assert all(pairs[i][0] >= pairs[first_best][1] for i in scripted.completed)


@pytest.mark.parametrize("scenario", ["push", "application", "printing"])
def test_with_nothing_left_to_pack_the_bound_is_the_page(scenario):
    """Without measure lists (``--measures hide``) packing adds nothing to these figures: the bound's
    lines, print size and area are the page's own, the legend under the lanes included.  (A looser bound is
    still exact, but the page split then completes every candidate to learn it does not fit.)"""
    doc = load(FLOWS / "49-kosodate-ouen-teate.yaml")
    sc = next(s for s in doc.flow.scenarios if s.id == scenario)
    fitter = fit.Fitter(figure_content(doc.flow, sc, THEME, Options(measures="hide")), THEME, fit.PAGES["a4-landscape"])
    spec = fitter.spec(0, len(fitter.c.rows))
    for params in _candidates(fitter):
        bound, grid = fitter._framed(spec, params)
        rank, page = fitter._completed(grid)
        assert any(x.kind == "legend" for x in page.extras)
        assert bound[1:] == rank[1:], f"{params}: bound {bound}, page {rank}"  # its lines too
