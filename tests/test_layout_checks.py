"""Each layout invariant in ``piflow.layout.checks`` is shown a page that breaks it.

The seed figures and generated flows show that good layouts pass (tests/test_layout.py);
here every check must also catch the mistake it exists for, on a copy of a real page
changed in exactly that one way.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from conftest import FLOWS
from piflow.draw.style import load_style
from piflow.layout import checks
from piflow.layout.fit import lay_out
from piflow.layout.geometry import Page, Rect
from piflow.layout.text import Block, Fonts, Span
from piflow.loader import load

STYLE = load_style(None)
FONTS = Fonts(10, 9, 14)


@lru_cache(maxsize=None)
def _page(sid: str = "printing") -> Page:
    doc = load(FLOWS / "49-kosodate-ouen-teate.yaml")
    sc = next(s for s in doc.flow.scenarios if s.id == sid)
    return lay_out(doc.flow, sc, STYLE).pages[0]


def _copy(**changes) -> Page:
    return replace(_page(), **changes)


def _lines(*texts: str, continued: tuple[bool, ...] | None = None) -> Block:
    block = Block.from_lines(FONTS, [(Span(t),) for t in texts])
    return replace(block, continued=continued or (False,) + (True,) * (len(texts) - 1))


def test_the_seed_page_used_here_is_sound():
    assert checks.problems(_page()) == []


# --- a label is never struck by a lane line --------------------------------------------------

def _label_on_lane_line(ground: bool) -> Page:
    page = _page()
    x = page.lanes[1].rect.x
    arrow = page.arrows[0]
    r = arrow.label.rect
    label = replace(arrow.label, rect=Rect(x - r.w / 2, r.y, r.w, r.h), ground=ground)
    return _copy(arrows=[replace(arrow, label=label), *page.arrows[1:]])


def test_a_label_across_a_lane_line_without_a_ground_is_struck():
    found = checks.struck_texts(_label_on_lane_line(ground=False))
    assert found and found[0].startswith(f"label {_page().arrows[0].step} is struck")
    assert checks.struck_texts(_label_on_lane_line(ground=True)) == []


def test_a_callout_without_a_ground_across_a_lane_line_is_struck():
    page = _page()
    x = page.lanes[1].rect.x
    c = page.callouts[0]
    moved = replace(c, rect=Rect(x - 10, c.rect.y, c.rect.w, c.rect.h), ground=False)
    assert any(p.startswith(f"callout {c.owner} is struck") for p in checks.struck_texts(_copy(callouts=[moved])))


# --- titles inside their boxes -------------------------------------------------------------

def test_a_title_on_the_box_outline_is_found():
    page = _page()
    h = page.holders[0]
    found = checks.titles_on_outline(_copy(holders=[replace(h, title_top=0.5), *page.holders[1:]]))
    assert found == [f"the title of {h.key} prints on its outline (0.5 pt below)"]


def test_a_title_under_a_cylinder_lid_is_found():
    page = _page()
    h = replace(page.holders[0], shape="cylinder", title_top=5.0)  # the lid is 10 pt deep
    assert "prints on its outline" in checks.titles_on_outline(_copy(holders=[h]))[0]


def test_a_title_taller_than_its_box_is_found():
    page = _page()
    h = page.holders[0]
    short = replace(h, rect=replace(h.rect, h=h.title.height))
    assert checks.titles_on_outline(_copy(holders=[short])) == [f"the title of {h.key} leaves its box"]


# --- 禁則 at every line start and end ---------------------------------------------------------

def _with_label_block(block: Block) -> Page:
    page = _page()
    arrow = page.arrows[0]
    return _copy(arrows=[replace(arrow, label=replace(arrow.label, columns=(block,))), *page.arrows[1:]])


def test_a_line_starting_with_a_long_vowel_mark_is_found():
    found = checks.kinsoku_breaks(_with_label_block(_lines("コールセンタ", "ー受付")))
    assert found == [f"label {_page().arrows[0].step}: line 2 starts with ー (コールセンタ／ー受付)"]


def test_a_line_starting_with_a_small_kana_is_found():
    assert "starts with ュ" in checks.kinsoku_breaks(_with_label_block(_lines("コンピ", "ュータ")))[0]


def test_a_line_ending_with_an_opening_bracket_is_found():
    assert "line 1 ends with （" in checks.kinsoku_breaks(_with_label_block(_lines("受付（", "意見")))[0]


def test_a_new_paragraph_may_start_with_a_bullet():
    block = _lines("申請書の提出", "・データの暗号化", continued=(False, False))
    assert checks.kinsoku_breaks(_with_label_block(block)) == []


def test_box_titles_are_checked_for_kinsoku_too():
    page = _page()
    h = replace(page.holders[0], title=_lines("コンピ", "ュータ"))
    assert any(p.startswith(f"box {h.key}: line 2 starts with ュ") for p in checks.kinsoku_breaks(_copy(holders=[h])))


# --- measure lists: own lane or a clear leader line; never narrower than 12 characters -------

def test_a_list_outside_its_lane_without_a_leader_is_found():
    page = _page()
    c = page.callouts[0]
    holder = next(h for h in page.holders if h.key == c.owner)
    other = next(ln for ln in page.lanes if ln.id != holder.lane)
    moved = replace(c, rect=Rect(other.rect.x + 3, c.rect.y, min(c.rect.w, other.rect.w - 6), c.rect.h))
    found = checks.placed_lists(_copy(callouts=[moved], leaders=[]))
    assert found == [f"callout {c.owner} is not in its own lane and has no leader line"]


def test_a_leader_that_misses_the_box_or_crosses_a_label_is_found():
    from piflow.layout.geometry import Leader

    page = _page()
    c = page.callouts[0]
    holder = next(h for h in page.holders if h.key == c.owner)
    # A leader from the list's left side to far off: it does not reach the box.
    stray = Leader(c.owner, ((c.rect.x, c.rect.cy), (c.rect.x - 5, c.rect.cy)))
    assert f"the leader of callout {c.owner} does not join the list to its box" in \
        checks.placed_lists(_copy(leaders=[stray]))
    # A leader through an arrow's label.
    label = page.arrows[0].label.rect
    through = Leader(c.owner, ((label.x - 20, label.cy), (label.x1 + 20, label.cy)))
    assert any(p.startswith(f"the leader of callout {c.owner} runs through label")
               for p in checks.placed_lists(_copy(leaders=[through])))
    assert holder  # the list's box is on the page


def test_a_list_wrapped_narrower_than_12_characters_is_found():
    page = _page()
    c = page.callouts[0]
    narrow = replace(_lines("・ネットワーク", "機器", continued=(False, True)), limit=60.0)
    found = checks.narrow_lists(_copy(callouts=[replace(c, columns=(narrow,))]))
    assert found == [f"callout {c.owner} wraps at 60 pt, narrower than 12 characters"]
    # The same width is fine for a list whose lines all fit (nothing wraps).
    short = replace(_lines("・暗号化", "・バックアップ", continued=(False, False)), limit=60.0)
    assert checks.narrow_lists(_copy(callouts=[replace(c, columns=(short,))])) == []


# --- no channel or medium said twice in one label --------------------------------------------

def test_a_label_that_says_its_medium_twice_is_found():
    block = _lines("⑥ 封入封緘後の封筒の納品（紙・手渡し）", "【手渡し】（紙）", continued=(False, False))
    found = checks.repeated_in_labels(_with_label_block(block))
    step = _page().arrows[0].step
    assert found == [f"label {step} says 手渡し twice", f"label {step} says 紙 twice"]


def test_a_label_that_says_its_media_twice_is_found():
    block = _lines("② 印字データ（CD-R、DVD-R等）の提供", "【手渡し】（CD-R、DVD-R等）", continued=(False, False))
    assert checks.repeated_in_labels(_with_label_block(block)) == [
        f"label {_page().arrows[0].step} says CD-R twice", f"label {_page().arrows[0].step} says DVD-R twice"]


def test_a_measure_bullet_may_name_a_channel_again():
    block = _lines("③ パスワード通知書の提供", "【手渡し】（紙）", "・パスワード通知書は媒体と別の機会に（手渡し）",
                   continued=(False, False, False))
    assert checks.repeated_in_labels(_with_label_block(block)) == []


# --- the legend's samples are lines in the arrows' stroke, one per style drawn ---------------

def test_a_legend_without_the_sample_of_a_drawn_line_is_found():
    page = _page()
    missing = page.samples[0]
    found = checks.legend_samples(_copy(samples=page.samples[1:]))
    assert found == [f"the legend has no sample of the {missing.cls} line"]


def test_a_legend_sample_of_a_style_not_drawn_or_too_short_is_found():
    from piflow.layout.geometry import Sample

    page = _page()
    drawn = {s.cls for s in page.samples}
    other = next(c for c in ("transfer", "mail", "internet", "network") if c not in drawn)
    (xa, y), _ = page.samples[0].points
    found = checks.legend_samples(_copy(samples=[*page.samples, Sample(other, ((xa, y + 40), (xa + 6, y + 40)))]))
    assert f"the legend shows a {other} line the page does not draw" in found
    assert f"the legend's {other} sample is 6 pt long" in found


def test_a_legend_sample_through_its_text_is_found():
    from piflow.layout.geometry import Sample

    page = _page()
    s = page.samples[0]
    text = next(x for x in page.extras if x.kind == "legend" and x.rect.x > s.points[-1][0])
    long = Sample(s.cls, (s.points[0], (text.rect.x1 + 5, s.points[0][1])))
    assert any(p.startswith(f"the legend's {s.cls} sample runs through legend")
               for p in checks.legend_samples(_copy(samples=[long, *page.samples[1:]])))


# --- each page explains its own 【指摘】 marks --------------------------------------------------

@lru_cache(maxsize=None)
def _audited_page() -> Page:
    from piflow.audit.engine import audit
    from piflow.layout.content import Options

    doc = load(FLOWS / "07-kaigo-hokenryo-lgwan-asp.yaml")
    sc = next(s for s in doc.flow.scenarios if s.id == "lgwan")
    return lay_out(doc.flow, sc, STYLE, Options(findings=audit(doc))).pages[0]


def test_a_page_with_marks_but_without_their_findings_is_found():
    page = _audited_page()
    assert checks.unexplained_marks(page) == []
    bare = replace(page, extras=[x for x in page.extras if x.kind != "findings"])
    found = checks.unexplained_marks(bare)
    assert found and all("which this page does not explain" in p for p in found)
    assert any(p.startswith("label ④ is marked G252") for p in found)


# --- arrows are not drawn through bars they do not join ----------------------------------------

@lru_cache(maxsize=None)
def _broken_bar_page() -> Page:
    doc = load(FLOWS / "07-kaigo-hokenryo-lgwan-asp.yaml")
    sc = next(s for s in doc.flow.scenarios if s.id == "lgwan")
    return lay_out(doc.flow, sc, STYLE).pages[0]


def test_an_arrow_over_a_bar_it_does_not_join_is_found():
    page = _broken_bar_page()  # 7-1: ③ passes two bars, which break for it
    broken = [h for h in page.holders if h.gaps]
    assert broken and checks.arrows_through_bars(page) == []
    whole = [replace(h, gaps=()) for h in page.holders]
    found = checks.arrows_through_bars(replace(page, holders=whole))
    assert {f"arrow ③ runs through the box of {h.key}" for h in broken} <= set(found)


def test_a_title_on_a_cylinder_foot_is_found():
    page = _page()
    h = page.holders[0]
    # A cylinder just as tall as its title: the title would print on the curve at its foot.
    tight = replace(h, shape="cylinder", title_top=13.0, rect=replace(h.rect, h=13.0 + h.title.height + 1))
    assert checks.titles_on_outline(_copy(holders=[tight])) == [f"the title of {h.key} leaves its box"]


# --- the grid's first promises: crossings, distances, overlaps, reading order, boxes ----------

def _arrow(i: int, **changes):
    page = _page()
    arrows = list(page.arrows)
    arrows[i] = replace(arrows[i], **changes)
    return _copy(arrows=arrows)


def _label_moved(i: int, dx: float = 0.0, dy: float = 0.0) -> Page:
    a = _page().arrows[i]
    r = a.label.rect
    return _arrow(i, label=replace(a.label, rect=Rect(r.x + dx, r.y + dy, r.w, r.h)))


def test_crossing_arrows_are_found():
    b = _page().arrows[1]  # ② runs level at y = its row
    (bx0, by), (bx1, _) = b.points
    found = checks.problems(_arrow(0, points=((bx0 + 10, by - 20), (bx1 - 10, by + 20))))
    assert "arrows ① and ② cross" in found


def test_a_label_far_from_its_arrow_is_found():
    a = _page().arrows[0]
    gap = a.points[0][1] - a.label.rect.y1
    assert f"label ① is {gap + 30:.1f} pt from its arrow" in checks.problems(_label_moved(0, dy=-30))


def test_a_label_beside_its_arrow_is_found():
    a = _page().arrows[0]
    span = abs(a.points[1][0] - a.points[0][0])
    assert "label ① sticks out of its arrow's span" in checks.problems(_label_moved(0, dx=span))


def test_overlapping_texts_are_found():
    page = _page()
    c = page.callouts[0]
    on_label = replace(c, rect=replace(c.rect, x=page.arrows[1].label.rect.x, y=page.arrows[1].label.rect.y))
    found = checks.problems(_copy(callouts=[on_label, *page.callouts[1:]]))
    assert f"label ② overlaps callout {c.owner}" in found


def test_a_text_on_a_box_or_an_arrow_is_found():
    page = _page()
    h = page.holders[1]
    a = page.arrows[1]
    on_box = _label_moved(0, dx=h.rect.cx - page.arrows[0].label.rect.cx, dy=h.rect.cy - page.arrows[0].label.rect.cy)
    assert f"label ① overlaps the box of {h.key}" in checks.problems(on_box)
    t = page.title
    on_arrow = replace(t, rect=Rect(a.points[0][0] + 5, a.points[0][1] - 5, 20, 10))
    assert "arrow ② runs through title" in checks.problems(_copy(title=on_arrow))


def test_text_off_the_sheet_is_found():
    page = _page()
    off = replace(page.tagbox, rect=replace(page.tagbox.rect, x=page.width - 5))
    assert "tag is off the sheet" in checks.problems(_copy(tagbox=off))


def test_steps_out_of_reading_order_are_found():
    page = _page()
    first, second = page.arrows[0], page.arrows[1]
    swapped = [replace(first, order=second.order), replace(second, order=first.order), *page.arrows[2:]]
    assert [p for p in checks.problems(_copy(arrows=swapped)) if "reads" in p] == ["step 2.0 reads before step 1.0"]


def test_boxes_out_of_their_lane_overlapping_or_holding_a_stray_note_are_found():
    page = _page()
    a, b = page.holders[0], page.holders[1]
    lane = next(ln for ln in page.lanes if ln.id != a.lane)
    out = replace(a, rect=replace(a.rect, x=lane.rect.x + 4))
    assert f"box {a.key} leaves its lane" in checks.problems(_copy(holders=[out, *page.holders[1:]]))
    assert f"boxes {a.key} and {b.key} overlap" in checks.problems(
        _copy(holders=[a, replace(b, rect=a.rect), *page.holders[2:]]))
    n = page.notes[0]
    stray = replace(n, rect=replace(n.rect, x=n.rect.x + 400))
    assert f"note {n.step} is not inside its box" in checks.problems(_copy(notes=[stray, *page.notes[1:]]))
