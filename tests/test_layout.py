"""The figure layout's promises, on the computed geometry (no Graphviz needed).

Every seed figure fits one A4 landscape page with its smallest text at 7 pt or more,
with no crossing arrows, no overlapping text, each label just above its own arrow
and the steps reading top to bottom; generated flows of 3–12 lanes and up to 40
steps keep the same promises, continuing on more pages instead of shrinking.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest

from conftest import FLOWS
from piflow.layout.checks import paragraphs, problems
from piflow.layout.content import Options, figure_content
from piflow.layout.fit import MIN_PT, PAGES, lay_out
from piflow.layout import text
from piflow.layout.text import Fonts, Para, Span, wrap
from piflow.draw.style import load_style
from piflow.loader import load, loads

STYLE = load_style(None)
SEED_FIGURES = [(path, sc.id) for path in sorted(FLOWS.glob("*.yaml")) for sc in load(path).flow.scenarios]


def _scenario(path, sid):
    doc = load(path)
    return doc, next(s for s in doc.flow.scenarios if s.id == sid)


@pytest.mark.parametrize(("path", "sid"), SEED_FIGURES, ids=lambda v: getattr(v, "stem", v))
def test_every_seed_figure_fits_one_a4_landscape_page_at_7pt(path, sid):
    doc, sc = _scenario(path, sid)
    fig = lay_out(doc.flow, sc, STYLE)
    assert len(fig.pages) == 1 and fig.warning is None
    page = fig.pages[0]
    assert page.printed_min >= MIN_PT, (sc.tag, page.printed_min)
    assert problems(page) == []
    # Same lane order as the paper: the scenario's `lanes`, left to right.
    order = [ln.id for ln in page.lanes]
    assert [lid for lid in order if lid in sc.lanes] == list(sc.lanes)
    # Every step is drawn once: an arrow, or a note inside its box.
    drawn = sorted([a.step for a in page.arrows] + [n.step for n in page.notes])
    assert len(drawn) == len(sc.steps)


@pytest.mark.parametrize("options", [Options(measures="footnote"), Options(measures="hide", show_data=True)],
                         ids=["footnote", "hide-data"])
@pytest.mark.parametrize(("path", "sid"), SEED_FIGURES[::2], ids=lambda v: getattr(v, "stem", v))
def test_other_options_keep_the_promises(path, sid, options):
    doc, sc = _scenario(path, sid)
    fig = lay_out(doc.flow, sc, STYLE, options)
    for page in fig.pages:
        assert problems(page) == [] and page.printed_min >= MIN_PT


@pytest.mark.parametrize(("path", "sid"), SEED_FIGURES, ids=lambda v: getattr(v, "stem", v))
def test_audit_marks_keep_the_steps_on_one_page_and_explain_themselves(path, sid):
    """With --audit the steps stay on the one page the plain figure takes (7-1 once put ⑧ alone on
    a second page), and the page explains its own red marks."""
    from piflow.audit.engine import audit

    doc, sc = _scenario(path, sid)
    fig = lay_out(doc.flow, sc, STYLE, Options(findings=audit(doc)))
    assert len(fig.pages) == 1, [p.tag for p in fig.pages]
    page = fig.pages[0]
    assert problems(page) == [] and page.printed_min >= MIN_PT


def test_every_party_appears_in_some_figure():
    # 株式会社電算 (49) only operates the ward's system; NEC's subcontractor (23) has no step.
    for path in sorted(FLOWS.glob("*.yaml")):
        doc = load(path)
        shown = set()
        for sc in doc.flow.scenarios:
            shown |= {h.endpoint for lane in figure_content(doc.flow, sc, STYLE).lanes for h in lane.holders}
        assert {p.id for p in doc.flow.parties} <= shown, path.name


def test_an_operating_party_is_linked_to_its_system():
    doc = load(FLOWS / "49-kosodate-ouen-teate.yaml")
    sc = next(s for s in doc.flow.scenarios if s.id == "push")
    page = lay_out(doc.flow, sc, STYLE).pages[0]
    assert [(ln.tail, ln.head) for ln in page.links] == [("party:densan", "system:jidou")]
    densan = next(h for h in page.holders if h.key == "party:densan")
    assert densan.idle and any(c.owner == "party:densan" for c in page.callouts)


def _longer_49_3(times: int = 4):
    """資料49-3 with its steps ``times`` over: a figure of several pages."""
    doc, sc = _scenario(FLOWS / "49-kosodate-ouen-teate.yaml", "printing")
    from piflow.model import Scenario, Step

    steps = [s.model_dump(by_alias=True, exclude_none=True, warnings=False) for s in sc.steps]
    longer = [dict(s, n=str(k + 1), id=f"s{k}") for k, s in enumerate(steps * times)]
    long_sc = Scenario(id=sc.id, tag=sc.tag, title=sc.title, lanes=sc.lanes,
                       steps=tuple(Step.model_validate(s) for s in longer))
    return doc, sc, longer, doc.flow.model_copy(update={"scenarios": (long_sc,)})


@dataclass
class _Made:
    """A page as a test's ``finish`` makes it: where it was laid out."""
    page: object
    pid: int

    @property
    def printed_min(self) -> float:
        return self.page.printed_min


def test_the_pages_of_a_long_figure_are_laid_out_on_two_cores(monkeypatch):
    from piflow import forked

    if not forked.available():
        pytest.skip("no forked copy here (Linux with 2 cores or more)")
    _, _, _, flow = _longer_49_3(8)

    def made(page):
        time.sleep(0.05)  # long enough for the copy to take some pages
        return _Made(page, os.getpid())

    shared = lay_out(flow, flow.scenarios[0], STYLE, finish=made).pages
    assert len(shared) >= 3 and {m.pid for m in shared} - {os.getpid()}  # the copy made some
    monkeypatch.setattr(forked, "available", lambda: False)
    alone = lay_out(flow, flow.scenarios[0], STYLE, finish=made).pages
    assert {m.pid for m in alone} == {os.getpid()}
    assert [m.page for m in shared] == [m.page for m in alone]  # the same pages, in the same order


def test_a_figure_too_long_for_one_page_continues_with_numbered_pages():
    doc, sc, longer, flow = _longer_49_3()
    fig = lay_out(flow, flow.scenarios[0], STYLE)
    n = len(fig.pages)
    assert n >= 2
    assert [p.tag for p in fig.pages] == [f"資料49-3（{k}／{n}）".replace("／", "/") for k in range(1, n + 1)]
    for page in fig.pages:
        assert page.printed_min >= MIN_PT and problems(page) == []
        lanes = [ln.id for ln in page.lanes]  # lane headers repeated on every page
        assert [lid for lid in lanes if lid in sc.lanes] == list(sc.lanes)
    rows = [a.order for p in fig.pages for a in p.arrows] + [n.order for p in fig.pages for n in p.notes]
    assert sorted(rows) == sorted(float(s["n"]) for s in longer)
    # --page none keeps one sheet.
    assert len(lay_out(flow, flow.scenarios[0], STYLE, page="none").pages) == 1
    # With --audit each continued page explains the marks it carries, not the last page all of them.
    from dataclasses import replace as copy_with

    from piflow.audit.engine import audit

    findings = audit(copy_with(doc, flow=flow))
    audited = lay_out(flow, flow.scenarios[0], STYLE, Options(findings=findings))
    assert len(audited.pages) >= 2
    for page in audited.pages:
        assert problems(page) == []
    assert sum(1 for p in audited.pages if any(x.kind == "findings" for x in p.extras)) >= 2


def test_page_sizes_are_the_printable_areas():
    w, h = PAGES["a4-landscape"].printable
    assert (round(w), round(h)) == (785, 539)
    assert PAGES["a4-portrait"].printable == (h, w)
    assert round(PAGES["a3-landscape"].printable[0]) == 1134


def test_wrapping_is_balanced_and_keeps_kinsoku():
    fonts = Fonts(10, 9, 14)
    lines = wrap(fonts, Para.of("封入封緘後の封筒の納品（紙・手渡し）"), 120)
    texts = ["".join(s.text for s in ln) for ln in lines]
    assert "".join(texts) == "封入封緘後の封筒の納品（紙・手渡し）"
    assert len(texts) == 2 and all(len(t) >= 6 for t in texts)  # no lone character on a line
    assert not any(t.startswith(("）", "、", "・")) for t in texts)
    assert not any(t.endswith("（") for t in texts)
    # An ASCII word is not cut while it fits a line.
    assert ["".join(s.text for s in ln) for ln in wrap(fonts, Para.of("Microsoft Dynamics 365"), 80)][0] == "Microsoft"


_SPAN_TEXT = st.text("封入後の納品（紙・手渡し）、。インターネットAB1 .\u00a0\n\t", max_size=40)
_SPAN = st.builds(Span, _SPAN_TEXT, st.sampled_from(["body", "small", "title"]), st.booleans(),
                  st.sampled_from([None, "#c00"]), st.booleans(), st.booleans())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(paras=st.lists(st.builds(Para, st.lists(_SPAN, min_size=1, max_size=3).map(tuple), st.booleans()),
                      min_size=1, max_size=3),
       limit=st.one_of(st.sampled_from([0.0, 40.0, 80.0, 1e6]), st.floats(0, 400)))
def test_a_block_narrower_than_its_limit_is_made_as_the_full_wrap_makes_it(paras, limit):
    """``Block.of`` and the one-line form skip cutting text into phrases when nothing needs a break:
    the result must be what wrapping it in full gives, at every width (narrower and wider)."""
    fonts = Fonts(10, 9, 14)
    assert text.Block.of(fonts, paras, limit) == text._block(fonts, tuple(paras), round(limit, 1))
    for p in paras:
        for chunk in text._chunks(p):
            assert text._unwrapped(fonts, chunk)[0] == text._wrap_chunk(fonts, chunk, math.inf)


# --- generated flows ------------------------------------------------------------------------

MEASURES = ["特定相手以外との通信不可", "通信内容の暗号化", "ウイルス対策", "アクセス制御", "バックアップ", "入退室管理",
            "鍵付きカバン等による運搬", "受渡し時の管理簿への記載", "特記事項等の遵守", "個人情報の返却"]
CHANNELS = [None, "LGWAN", "専用回線", "インターネット", "手渡し", "郵送", "メール"]
ROLES = ["区", "委託先", "対象者", "その他", "結合先", "他の行政機関等"]


@st.composite
def generated_flows(draw):
    n_lanes = draw(st.integers(3, 12))
    parties = []
    endpoints = []
    for i in range(n_lanes):
        name = draw(st.text("区委託先株式会社システム管理課（）ABC", min_size=2, max_size=18))
        party = {"id": f"p{i}", "name": name, "role": ROLES[i % len(ROLES)] if i else "区",
                 "measures": draw(st.lists(st.sampled_from(MEASURES), max_size=8, unique=True))}
        systems = []
        for j in range(draw(st.integers(0, 2))):
            systems.append({"id": f"s{i}_{j}", "name": f"システム{i}-{j}",
                            "measures": draw(st.lists(st.sampled_from(MEASURES), max_size=10, unique=True))})
            endpoints.append(f"s{i}_{j}")
        if systems:
            party["systems"] = systems
        parties.append(party)
        endpoints.append(f"p{i}")
    steps = []
    for k in range(draw(st.integers(1, 40))):
        a = draw(st.sampled_from(endpoints))
        b = draw(st.sampled_from(endpoints))
        step = {"n": k + 1, "from": a, "to": b,
                "text": draw(st.text("個人情報の提供・受領確認データ抽出印字CSV", min_size=1, max_size=30))}
        channel = draw(st.sampled_from(CHANNELS))
        if channel and a != b:
            step["channel"] = channel
        if draw(st.booleans()):
            step["measures"] = draw(st.lists(st.sampled_from(MEASURES[:3]), max_size=2, unique=True))
        steps.append(step)
    data = {"piflow": 1, "proposal": {"title": "生成したフロー", "section": "テスト課", "bases": ["業務委託"]},
            "parties": parties,
            "scenarios": [{"id": "g", "tag": "資料99-1", "title": "生成したフローに係る個人情報の流れ",
                           "lanes": [p["id"] for p in parties], "steps": steps}]}
    return loads(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "generated.yaml").flow


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated_flows())
def test_generated_flows_keep_the_promises_or_paginate(flow):
    sc = flow.scenarios[0]
    fig = lay_out(flow, sc, STYLE)
    for page in fig.pages:
        assert problems(page) == [], problems(page)[:5]
    drawn = sorted(a.order for p in fig.pages for a in p.arrows) + []
    notes = sorted(n.order for p in fig.pages for n in p.notes)
    assert sorted(drawn + notes) == sorted(float(s.n) for s in sc.steps)
    if fig.warning is None:
        # Readable on every page: the figure continued rather than shrinking below 7 pt.
        assert all(p.printed_min >= MIN_PT for p in fig.pages)
    else:
        # Only when the lanes alone are too wide for the paper: a one-step page does not fit either.
        from piflow.layout.fit import Fitter

        fitter = Fitter(figure_content(flow, sc, STYLE), STYLE, PAGES["a4-landscape"])
        one = min((fitter.best(fitter.spec(i, i + 1), quick=True) for i in range(min(3, len(sc.steps)))),
                  key=lambda p: p.printed_min)
        assert one.printed_min < MIN_PT and len(fig.pages) == 1


def _texts(lines) -> list[str]:
    return ["".join(s.text for s in ln).strip("\u3000") for ln in lines]


def test_lines_break_at_phrase_boundaries_first():
    fonts = Fonts(10, 9, 14)
    text = "申請書内容及び支給希望有無等の確認及び児童手当システムへの登録"
    texts = _texts(wrap(fonts, Para.of(text), 170))
    assert "".join(texts) == text
    # BudouX's phrases: 申請書内容及び支給希望有無等の｜確認及び児童手当システムへの｜登録
    assert texts[0] == "申請書内容及び支給希望有無等の"
    assert texts[1].startswith("確認及び")


def test_a_word_is_cut_by_characters_only_where_kinsoku_allows():
    fonts = Fonts(10, 9, 14)
    for text in ("しんじゅくコールセンター受付（オペレーター）", "作業用コンピュータ", "ファイアウォールの設置"):
        for limit in range(30, 200, 5):
            texts = _texts(wrap(fonts, Para.of(text), limit))
            assert "".join(texts) == text
            for a, b in zip(texts, texts[1:]):
                assert b[0] not in "ーァィゥェォッャュョ）、。・", (limit, texts)
                assert a[-1] not in "（「", (limit, texts)


@pytest.mark.parametrize("path", sorted(FLOWS.glob("*.yaml")), ids=lambda p: p.name)
def test_the_figure_prints_each_measure_as_the_flow_wrote_it(path):
    """資料49's 「アクセスログ取得」 prints as written, not as the catalog's 「アクセスログ取得、分析」."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    written: set[str] = set()

    def collect(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "measures" and isinstance(v, list):
                    written.update(x.strip() for x in v if isinstance(x, str))
                collect(v)
        elif isinstance(node, list):
            for x in node:
                collect(x)

    collect(raw)
    doc = load(path)
    printed: set[str] = set()
    for sc in doc.flow.scenarios:
        for page in lay_out(doc.flow, sc, STYLE).pages:
            for box in [*page.callouts, *(a.label for a in page.arrows)]:
                for block in box.columns:
                    printed |= {p.removeprefix("・") for p in paragraphs(block)}
    assert written - printed == set()


def test_a_figure_lists_the_measures_its_paper_prints():
    # 資料49-1 lists the vendor's measures without 受渡し時の管理簿への記載; 資料49-2 has it.
    doc = load(FLOWS / "49-kosodate-ouen-teate.yaml")
    lists = {}
    for sc in doc.flow.scenarios[:2]:
        page = lay_out(doc.flow, sc, STYLE).pages[0]
        box = next(c for c in page.callouts if c.owner == "party:densan")
        lists[sc.tag] = {p for col in box.columns for p in paragraphs(col)}
    assert "・受渡し時の管理簿への記載" not in lists["資料49-1"]
    assert "・受渡し時の管理簿への記載" in lists["資料49-2"]
    # The audit still counts the vendor's own measures.
    densan = doc.flow.party_by_id["densan"]
    assert "handover-ledger" in densan.measures


def test_figure_measures_name_a_party_or_system_of_the_flow():
    from piflow.diagnostics import InputError

    text = (FLOWS / "49-kosodate-ouen-teate.yaml").read_text(encoding="utf-8").replace("      densan:\n", "      densn:\n", 1)
    with pytest.raises(InputError) as info:
        loads(text, "x.yaml")
    [diag] = info.value.diagnostics
    assert diag.code == "P201" and "densn" in diag.message


def test_a_label_does_not_repeat_what_its_text_says_of_channel_and_medium():
    doc = load(FLOWS / "49-kosodate-ouen-teate.yaml")
    steps = {(sc.tag, s.number): s for sc in doc.flow.scenarios for s in sc.steps}
    from piflow.layout.content import channel_tags

    assert channel_tags(steps["資料49-2", 3]) == "（紙）"  # 申請書の提出（郵送・窓口等）
    assert channel_tags(steps["資料49-3", 2]) == "【手渡し】"  # 印字データ（CD-R、DVD-R等）の提供
    assert channel_tags(steps["資料49-3", 6]) == ""  # 封入封緘後の封筒の納品（紙・手渡し）
    assert channel_tags(steps["資料49-2", 5]) == "【郵送】（紙）"  # 非該当者への通知文郵送: no brackets


@pytest.mark.parametrize("sid", ["internet", "internet_post", "other_channels"])
def test_the_database_stands_in_its_system_lane_as_the_papers_draw_it(sid):
    # 資料23-1/2/3 draw the DB (意見・回答等データ) in the Dynamics365 lane, though no step names it.
    doc = load(FLOWS / "23-kumin-iken-faq-dynamics365.yaml")
    sc = next(s for s in doc.flow.scenarios if s.id == sid)
    page = lay_out(doc.flow, sc, STYLE).pages[0]
    db = next(h for h in page.holders if h.key == "system:db")
    assert db.shape == "cylinder" and db.lane == "nec"


def test_a_kanji_word_is_not_split_after_its_first_kanji():
    # BudouX reads 「郵送回答送付」 as 郵｜送回答送付; the line breaker does not take that boundary.
    fonts = Fonts(10, 9, 14)
    texts = _texts(wrap(fonts, Para((Span("⑥", bold=True), Span("\u00a0郵送回答送付（紙）"))), 75))
    assert texts[0].startswith("⑥\u00a0郵送"), texts
