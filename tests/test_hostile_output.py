"""Issue 25 item 4: nothing is overwritten by surprise.  Every command that writes a file, against every
kind of target a careless user or an attacker can put in its way.

Generated outputs (figures, reports, checklists) are replaced atomically, keeping the existing file's
mode; a read-only file is never replaced; a symbolic link is replaced by the new file, never written
through; an input is never written.  A file the user edits (a flow file, a workbook form) is never
replaced without --force.  After every case, every file that was there before is checked: changed only
where the case allows it.  Never a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import MINIMAL
from hostile.common import run
from hostile.scan import scan_name

# command name -> (arguments with {flow}, {book} and {t} for the target, the target's file name)
GENERATED = {
    "draw svg": (["draw", "{flow}", "-f", "svg", "-o", "{t}"], "fig.svg"),
    "draw dot": (["draw", "{flow}", "-f", "dot", "-o", "{t}"], "fig.dot"),
    "report html": (["report", "{flow}", "-f", "html", "-o", "{t}"], "report.html"),
    "report docx": (["report", "{flow}", "-f", "docx", "-o", "{t}"], "report.docx"),
    "checklist html": (["checklist", "{flow}", "-f", "html", "-o", "{t}"], "list.html"),
    "checklist md": (["checklist", "{flow}", "-f", "md", "-o", "{t}"], "list.md"),
    "checklist csv": (["checklist", "{flow}", "-f", "csv", "-o", "{t}"], "list.csv"),
    "checklist xlsx": (["checklist", "{flow}", "-f", "xlsx", "-o", "{t}"], "list.xlsx"),
}
EDITED = {
    "form export": (["form", "export", "{flow}", "-o", "{t}"], "book2.xlsx", True),
    "form import": (["form", "import", "{book}", "-o", "{t}"], "flow2.yaml", True),
    "init": (["init", "{t}", "-t", "dvd-outsourcing"], "new.yaml", False),
    "form new": (["form", "new", "{t}"], "new.xlsx", False),
}
OLD = b"someone's work"


def _inputs(tmp_path: Path) -> dict[str, Path]:
    flow = tmp_path / "flow.yaml"
    flow.write_text(MINIMAL, encoding="utf-8")
    book = tmp_path / "book.xlsx"
    assert run(["form", "export", flow, "-o", book])[0] == 0
    return {"flow": flow, "book": book}


def _snapshot(root: Path) -> dict[Path, tuple[bytes | str, int]]:
    """Every file and link under root: its bytes (or a link's target) and mode."""
    seen = {}
    for p in root.rglob("*"):
        if p.is_symlink():
            seen[p] = (os.readlink(p), 0)
        elif p.is_file():
            seen[p] = (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
    return seen


def _invoke(tmp_path: Path, template: list[str], target: Path, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    paths = _inputs(tmp_path) if not (tmp_path / "flow.yaml").exists() else \
        {"flow": tmp_path / "flow.yaml", "book": tmp_path / "book.xlsx"}
    args = [a.format(flow=paths["flow"], book=paths["book"], t=target) for a in template]
    return run(args + list(extra))


def _changed(before: dict, after: dict) -> set[Path]:
    return {p for p in before if after.get(p) != before[p]}


# --- generated outputs ----------------------------------------------------------------------------------

def _existing_private(tmp, target):
    target.write_bytes(OLD)
    target.chmod(0o600)


def _read_only(tmp, target):
    target.write_bytes(OLD)
    target.chmod(0o444)


def _link_elsewhere(tmp, target):
    (tmp / "elsewhere").mkdir()
    (tmp / "elsewhere" / "kept.txt").write_bytes(OLD)
    target.symlink_to(tmp / "elsewhere" / "kept.txt")


def _link_to_input(tmp, target):
    target.symlink_to(tmp / "flow.yaml")


def _dangling_link(tmp, target):
    target.symlink_to(tmp / "nowhere" / "x")


SITUATIONS = {
    # name: (prepare(tmp, target), the target relative to tmp, exit codes, what may change, message)
    "replaces a private file and keeps its mode 0600": (_existing_private, "{name}", (0, 1), "target", ""),
    "refuses a read-only file": (_read_only, "{name}", (2,), "", "読み取り専用"),
    "replaces a link, never writes through it": (_link_elsewhere, "{name}", (0, 1), "target", ""),
    "never writes the input through a link": (_link_to_input, "{name}", (2,), "", "入力ファイルと同じ"),
    "replaces a dangling link by the file": (_dangling_link, "{name}", (0, 1), "target", ""),
    "creates missing folders": (None, "new/deeper/{name}", (0, 1), "target", ""),
    "refuses a folder that is a file": (lambda tmp, target: None, "flow.yaml/{name}", (2,), "", "書き込めません"),
}


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("command", list(GENERATED))
def test_generated_output(tmp_path, command, situation):
    template, name = GENERATED[command]
    prepare, where, codes, may_change, says = SITUATIONS[situation]
    _inputs(tmp_path)
    target = tmp_path / where.format(name=name)
    if prepare:
        prepare(tmp_path, target)
    before = _snapshot(tmp_path)
    code, output = _invoke(tmp_path, template, target)
    after = _snapshot(tmp_path)
    assert code in codes, output[-1500:]
    assert says in output
    changed = _changed(before, after)
    assert changed <= ({target} if may_change else set()), (changed, output[-800:])
    if code in (0, 1):
        assert target.is_file() and not target.is_symlink() and after[target][0] != OLD
        expected_mode = 0o600 if prepare is _existing_private else 0o666 & ~_umask()
        assert after[target][1] == expected_mode
    assert not [p for p in after if p.name.endswith(".tmp")]  # no temporary file left


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- files the user edits -------------------------------------------------------------------------------

EDITED_SITUATIONS = {
    # name: (prepare, extra arguments, needs --force support, exit code, may change, message)
    "keeps an existing file": (lambda tmp, t: t.write_bytes(OLD), (), False, 2, False, "既にあります"),
    "keeps an existing file behind a link": (lambda tmp, t: (_link_elsewhere(tmp, t)), (), False, 2, False, "既にあります"),
    "replaces it with --force, keeping mode 0640": (lambda tmp, t: (t.write_bytes(OLD), t.chmod(0o640)), ("--force",),
                                                   True, 0, True, ""),
    "refuses a read-only file even with --force": (_read_only, ("--force",), True, 2, False, "読み取り専用"),
    "refuses a folder": (lambda tmp, t: t.mkdir(), (), False, 2, False, ""),
    "creates missing folders": (None, (), False, 0, True, ""),
}


@pytest.mark.parametrize("situation", list(EDITED_SITUATIONS))
@pytest.mark.parametrize("command", list(EDITED))
def test_file_the_user_edits(tmp_path, command, situation):
    template, name, has_force = EDITED[command]
    prepare, extra, needs_force, want, may_change, says = EDITED_SITUATIONS[situation]
    if needs_force and not has_force:
        pytest.skip(f"{command} never replaces a file (it has no --force)")
    _inputs(tmp_path)
    target = tmp_path / ("new/deeper/" + name if prepare is None else name)
    if prepare:
        prepare(tmp_path, target)
    before = _snapshot(tmp_path)
    code, output = _invoke(tmp_path, template, target, extra)
    changed = _changed(before, _snapshot(tmp_path))
    assert code == want, output[-1500:]
    assert says in output
    assert changed <= ({target} if may_change else set()), changed
    if situation.startswith("replaces"):
        assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("command", ["form export", "form import"])
def test_a_form_command_never_writes_its_input(tmp_path, command):
    paths = _inputs(tmp_path)
    source = paths["flow" if command == "form export" else "book"]
    before = _snapshot(tmp_path)
    code, output = run([*command.split(), source, "-o", source, "--force"])
    assert code == 2, output
    assert _changed(before, _snapshot(tmp_path)) == set()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_binary_output_is_never_sent_to_a_terminal(tmp_path, fmt):
    flow = _inputs(tmp_path)["flow"]
    command = "report" if fmt == "docx" else "checklist"
    code, output = run([command, flow, "-f", fmt, "-o", "-"])
    assert code == 2 and "PK\x03\x04" not in output


# Flow files a careless user (or a script) named: the outputs named after them hold no control, format or
# reordering character, no reserved name; a name no output can carry is refused at the file.
FLOW_NAMES = {
    "a\nb.yaml": "ok", "-rf.yaml": "ok", "--output=x.yaml": "ok", "sp ace.yaml": "ok", "x" * 240 + ".yaml": "ok",
    "CON.yaml": "ok", "\u200bzw.yaml": "ok", "$(id).yaml": "ok", "y.yml": "ok", "資料 1.yaml": "ok",
    "\u202egpj.yaml": "P001", "\x1b[31mred.yaml": "P001", "bell\x07.yaml": "P001",
}


def test_outputs_named_after_hostile_flow_names(tmp_path):
    flows, out = tmp_path / "flows", tmp_path / "out"
    flows.mkdir()
    for name in FLOW_NAMES:
        (flows / name).write_text(MINIMAL, encoding="utf-8")
    for args in (["checklist", flows, "-f", "md", "-o", out / "md"], ["report", flows, "-f", "html", "-o", out / "html"],
                 ["draw", flows, "-f", "dot", "-o", out / "dot"]):
        code, output = run(args)
        assert code == 2, output[-1500:]  # the refused names
        refused = {name for name, want in FLOW_NAMES.items() if want != "ok"}
        assert len([line for line in output.splitlines() if "エラー[P001] ファイル名に制御文字" in line]) == len(refused)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len([p for p in written if p.suffix == ".md"]) == 10
    problems = [problem for p in written for problem in scan_name(p, out.resolve())]
    assert not problems, problems
    assert not [p.name for p in written if p.name.split(".")[0].upper() == "CON"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["schema"], ["validate", "{flow}"], ["audit", "{flow}", "-f", "json"],
                                     ["checklist", "{flow}", "-f", "md", "-o", "-"]])
def test_standard_output_on_a_full_disk_is_named_not_a_traceback(tmp_path, command):
    import subprocess
    import sys

    flow = _inputs(tmp_path)["flow"]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "piflow", *[a.format(flow=flow) for a in command]],
                              stdout=full, stderr=subprocess.PIPE, timeout=120)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2 and "Traceback" not in err and "出力を書けません" in err, err[-1500:]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_standard_error_on_a_full_disk_still_exits_2_for_bad_input(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"piflow: 1\x07\n")
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "piflow", "validate", str(bad)], stdout=subprocess.PIPE,
                              stderr=full, timeout=120)
    assert proc.returncode == 2
