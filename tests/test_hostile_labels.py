"""Issue 25 item 3: the label payloads of tests/hostile/labels.txt are text in every output.

A payload with a character no output can hold, or too long, is refused at its line.  Every other one is
written, many to a flow, into every place a label goes (title, overview, data, parties, systems, figure
tags and titles, notes, steps), and the flows go through every output: SVG figures, the HTML report and
its review version, the DOCX report, the checklists as HTML, Markdown, CSV and XLSX, the workbook form,
the audit as JSON and SARIF.  The scanner (tests/hostile/scan.py) finds no active content in any of them,
and no file name holds a control, format or reordering character.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from hostile.common import located, run
from hostile.scan import REORDERING, scan, scan_name
from piflow.commands.common import safe_name
from piflow.diagnostics import InputError
from piflow.loader import MAX_TEXT, load, loads
from piflow.yamlsource import FORBIDDEN

LABELS_FILE = Path(__file__).parent / "hostile" / "labels.txt"
_ESCAPE = re.compile(r"\\(\\|n|t|r|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")
STEPS = 20  # steps per figure; three figures a flow


def read_labels() -> list[str]:
    def unescape(m: re.Match) -> str:
        e = m.group(1)
        return {"\\": "\\", "n": "\n", "t": "\t", "r": "\r"}.get(e) or chr(int(e[1:], 16))

    lines = LABELS_FILE.read_text(encoding="utf-8").split("\n")
    return [_ESCAPE.sub(unescape, line) for line in lines if line and not line.startswith("#!")]


LABELS = read_labels()


def refused(label: str) -> bool:
    """What the loader must refuse: a character no output can hold, no text at all, or too much."""
    return bool(FORBIDDEN.search(label)) or not label.strip() or len(label.strip()) > MAX_TEXT


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: invisible and control characters as escapes, the rest as typed."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") or o in (0xFFFE, 0xFFFF):
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


MINIMAL_WITH = """piflow: 1
proposal:
  title: {0}
  section: テスト課
  bases: [業務委託]
parties:
  - {{id: ward, name: 区, role: 区}}
  - {{id: vendor, name: 委託先, role: 委託先}}
scenarios:
  - id: main
    tag: 資料1-1
    title: 流れ
    steps:
      - {{n: 1, from: ward, to: vendor, text: 提供}}
"""


def test_there_are_enough_payloads():
    assert len(LABELS) >= 700
    assert len(set(LABELS)) == len(LABELS)


def test_a_payload_no_output_can_hold_is_refused_at_its_line():
    bad = [label for label in LABELS if refused(label)]
    assert bad
    for label in bad:
        with pytest.raises(InputError) as info:
            loads(MINIMAL_WITH.format(quoted(label)), "t.yaml")
        found = [(d.code, d.line) for d in info.value.diagnostics]
        assert {("P003", 3), ("P101", 3), ("P005", 3)} & set(found), (label, found)


def test_file_names_made_from_any_payload_are_plain(tmp_path):
    for label in LABELS:
        name = safe_name(label)
        assert name and len(name.encode("utf-8")) <= 200, label
        assert not scan_name(tmp_path / f"{name}.svg", tmp_path), (label, name)


def _batches() -> list[list[str]]:
    """The accepted payloads, a flow's worth at a time; each flow's figure tags make distinct file names."""
    good = [label for label in LABELS if not refused(label)]
    per_flow = 6 + 3 * (3 + STEPS)
    return [good[i:i + per_flow] for i in range(0, len(good), per_flow)]


def _flow(labels: list[str], k: int, used_names: set[str]) -> str:
    labels = list(labels)
    tags = []
    for label in list(labels):  # three tags whose file names no other figure has
        key = unicodedata.normalize("NFC", safe_name(label)).casefold()
        if len(tags) < 3 and key not in used_names and "\n" not in label and len(label) < 200:
            used_names.add(key)
            tags.append(label)
            labels.remove(label)
    while len(tags) < 3:
        tags.append(f"資料{k}-{len(tags)}")
        used_names.add(tags[-1].casefold())
    take = iter(labels + ["x"] * 200)
    q = lambda: quoted(next(take))  # noqa: E731
    lines = ["piflow: 1", "proposal:", f"  title: {q()}", "  section: テスト課", "  bases: [業務委託]",
             f"  business: {q()}", f"  purpose: {q()}", "data:", f"  - {{id: d1, name: {q()}}}", "parties:",
             f"  - {{id: ward, name: {q()}, role: 区, data: [d1], systems: [{{id: sys, name: {q()}}}]}}",
             f"  - {{id: vendor, name: {q()}, role: 委託先}}", "scenarios:"]
    for s, tag in enumerate(tags):
        lines += [f"  - id: s{s}", f"    tag: {quoted(tag)}", f"    title: {q()}", f"    notes: [{q()}]", "    steps:"]
        lines += [f"      - {{n: {n}, from: {'ward' if n % 2 else 'vendor'}, to: {'vendor' if n % 2 else 'ward'}, "
                  f"text: {q()}}}" for n in range(1, STEPS + 1)]
    return "\n".join(lines) + "\n"


PARTIES = 70  # the checklists are written per partner: one partner a payload


def _partners_flow(labels: list[str]) -> str:
    """Every payload a partner's name (the checklists, the audit and the form print one section a partner)."""
    lines = ["piflow: 1", "proposal:", "  title: 当事者の名前", "  section: テスト課", "  bases: [業務委託]",
             "parties:", "  - {id: ward, name: 区, role: 区}"]
    lines += [f"  - {{id: p{i}, name: {quoted(label)}, role: 委託先}}" for i, label in enumerate(labels)]
    lines += ["scenarios:", "  - id: main", "    tag: 資料1-1", "    title: 流れ", "    steps:"]
    lines += [f"      - {{n: {i + 1}, from: ward, to: p{i}, text: 提供, channel: 手渡し, medium: 紙}}"
              for i in range(len(labels))]
    return "\n".join(lines) + "\n"


def _written(out: Path, commands: list[list], flows: Path) -> list[Path]:
    for args in commands:
        code, output = run(args)
        assert code in (0, 1), (args, output[-3000:])
        assert not located(output), output[-3000:]
    for flow in sorted(flows.iterdir()):
        code, output = run(["form", "export", flow, "-o", out / "form" / f"{flow.stem}.xlsx"])
        assert code == 0, output[-2000:]
    return sorted(p for p in out.rglob("*") if p.is_file())


def _inert(written: list[Path], out: Path) -> None:
    problems = [problem for p in written for problem in scan(p) + scan_name(p, out.resolve())]
    assert not problems, "\n".join(problems[:40])


def test_every_figure_and_report_of_every_payload_is_inert(tmp_path):
    flows, out = tmp_path / "flows", tmp_path / "out"
    flows.mkdir()
    used: set[str] = set()
    for k, labels in enumerate(_batches(), start=1):
        (flows / f"labels-{k:02d}.yaml").write_text(_flow(labels, k, used), encoding="utf-8")
    code, output = run(["validate", flows])
    assert code == 0, output[-3000:]
    written = _written(out, [["draw", flows, "-f", "svg", "-o", out / "svg"],
                             ["report", flows, "-f", "html", "-o", out / "html"],
                             ["report", flows, "-f", "html", "--review", "-o", out / "review"],
                             ["report", flows, "-f", "docx", "-o", out / "docx"],
                             ["checklist", flows, "-f", "md", "-o", out / "md"]], flows)
    code, output = run(["audit", flows, "-f", "json"])
    assert code in (0, 1), output[-2000:]
    (out / "audit.json").write_text(output, encoding="utf-8")
    written.append(out / "audit.json")
    assert {".svg", ".html", ".docx", ".xlsx", ".md", ".json"} <= {p.suffix for p in written}
    assert sum(p.suffix == ".svg" for p in written) >= 3 * len(_batches())  # every figure, its tag a payload
    assert "alert(1)" in "".join(p.read_text(encoding="utf-8") for p in written if p.suffix == ".svg")
    _inert(written, out)


def test_every_checklist_and_audit_of_every_payload_is_inert(tmp_path):
    flows, out = tmp_path / "flows", tmp_path / "out"
    flows.mkdir()
    good = [label for label in LABELS if not refused(label)]
    for k in range(0, len(good), PARTIES):
        (flows / f"partners-{k // PARTIES:02d}.yaml").write_text(_partners_flow(good[k:k + PARTIES]), encoding="utf-8")
    commands = [["checklist", flows, "-f", fmt, "-o", out / fmt] for fmt in ("html", "md", "csv", "xlsx")]
    written = _written(out, commands, flows)
    for fmt in ("json", "sarif"):
        code, output = run(["audit", flows, "-f", fmt])
        assert code in (0, 1), output[-2000:]
        (out / f"audit.{fmt}").write_text(output, encoding="utf-8")
        written.append(out / f"audit.{fmt}")
    assert {".html", ".md", ".csv", ".xlsx", ".json", ".sarif"} <= {p.suffix for p in written}
    md = "".join(p.read_text(encoding="utf-8") for p in written if p.suffix == ".md")
    assert "evil" in md and "alert" in md  # the payloads are there, as text
    _inert(written, out)
    for flow in sorted(flows.iterdir()):  # and the workbook form gives every payload back as it was written
        back = out / "back" / flow.name
        code, output = run(["form", "import", out / "form" / f"{flow.stem}.xlsx", "-o", back])
        assert code == 0, output[-2000:]
        assert load(str(back)).flow == load(str(flow)).flow, flow.name


SCANNER_CATCHES = {
    "a.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><text onclick="x">a</text></svg>',
    "b.svg": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
             b'<a xlink:href="file:///etc/passwd"><text>a</text></a></svg>',
    "c.html": b"<html><head></head><body><p>x</p></body></html>",  # no CSP
    "d.html": b"<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head>"
              b"<body><img src=x></body></html>",
    "e.md": b"# x\n\n[a](http://evil.example)\n",
    "f.md": b"mail a@evil.example\n",
    "g.md": b"text <img src=x>\n",
    "h.csv": b"a,=1+1\n",
    "i.dot": b'digraph { a [URL="http://evil.example"] }',
    "j.json": '{"a": "x\u202ey"}'.encode(),
}


@pytest.mark.parametrize("name", list(SCANNER_CATCHES))
def test_the_scanner_sees_active_content(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(SCANNER_CATCHES[name])
    assert scan(path)


def test_the_scanner_sees_a_formula_and_a_link_in_a_workbook(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["A2"].hyperlink = "http://evil.example"
    wb.save(tmp_path / "x.xlsx")
    found = " ".join(scan(tmp_path / "x.xlsx"))
    assert "formula" in found and "external relationship" in found


def test_every_payload_as_init_title_makes_a_flow_that_validates_or_is_refused_first():
    """`init --title` and `form new --title` write the title into a new flow file: it must come back as
    written, or be refused before anything is written (a NUL or a lone surrogate once ended in a traceback)."""
    from piflow.commands.common import title_problem
    from piflow.scaffold import template_text

    for label in LABELS:
        problem = title_problem(label)
        assert (problem is not None) == refused(label), (label, problem)
        if problem is None:
            doc = loads(template_text("dvd-outsourcing", label), "new.yaml")
            assert doc.flow.proposal.title == label.strip()


@pytest.mark.parametrize("command", [["init", "{t}.yaml", "-t", "dvd-outsourcing"],
                                     ["form", "new", "{t}.xlsx", "-t", "dvd-outsourcing"]])
@pytest.mark.parametrize("title", ["a\ud800b", "x\x00y", "\u202egpj.exe", "　", "長" * 2001])
def test_a_title_no_flow_can_hold_is_refused_before_writing(tmp_path, command, title):
    code, output = run([a.replace("{t}", str(tmp_path / "new")) for a in command] + ["--title", title])
    assert code == 2 and "--title" in output, output
    assert list(tmp_path.iterdir()) == []


def test_a_diff_between_flows_of_payloads_is_inert(tmp_path):
    """Every text of one figure flow changed to other payloads: the diff (text, JSON) and its figures."""
    batches = _batches()
    old = _flow(batches[0], 1, set())
    tags = iter(re.findall(r"^    tag: (.*)$", old, re.M))
    new = re.sub(r"^    tag: .*$", lambda m: f"    tag: {next(tags)}", _flow(batches[1], 1, set()), flags=re.M)
    (tmp_path / "old.yaml").write_text(old, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    for fmt in ("text", "json"):
        code, output = run(["diff", tmp_path / "old.yaml", tmp_path / "new.yaml", "-f", fmt, "--figure", tmp_path / "fig"])
        assert code in (0, 1), output[-2000:]
        assert not REORDERING.search(output) and "\x1b" not in output
    written = [p for p in (tmp_path / "fig").iterdir()]
    assert len(written) >= 3
    _inert(written, tmp_path / "fig")
