"""Issue 14 item 16: batch runs show progress on a terminal, write each output when it is done, draw on every core."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from conftest import FLOWS, MINIMAL, write
from piflow.commands import checklist as checklist_command
from piflow import forked
from piflow.commands import draw as draw_command
from piflow.diagnostics import Diagnostic, InputError

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
FIGURES = 9  # scenarios in flows/


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def fake_dot(monkeypatch):
    """render() without Graphviz; tests replace ``draw`` to watch how figures are drawn."""
    calls: list[str] = []
    state = {"draw": lambda source: b"<svg/>"}

    def render(source, fmt, dpi=None, *args, **kwargs):
        calls.append(source)
        return state["draw"](source)

    def render_batch(entries, fmt, dpi=None):
        """Many pages to one (fake) dot: each source as ``render`` sees it; None (drawn one at a time)
        when one of them fails, as the real one does."""
        try:
            return [render(source, fmt) for source, *_ in entries]
        except InputError:
            return None

    class PageStream:
        """The pages fed as they are laid out, drawn by the fake ``render_batch`` at the end."""

        def __init__(self, fmt, dpi, capacity):
            self.fmt, self.capacity, self.pages, self.open = fmt, capacity, [], True
            streams.append(self)

        def add(self, entries):
            if self.open and len(self.pages) + len(entries) > self.capacity:
                self.open = False
            if self.open:
                self.pages += entries

        def holds(self, entries):
            return self.open and self.pages == entries

        def drawn(self):
            self.open = False
            return render_batch(self.pages, self.fmt)

        def stop(self):
            self.open = False

    streams: list = []
    state["streams"] = streams
    monkeypatch.setattr("piflow.draw.render.render", render)
    monkeypatch.setattr("piflow.draw.render.render_batch", render_batch)
    monkeypatch.setattr("piflow.draw.render.PageStream", PageStream)
    monkeypatch.setattr("piflow.draw.render.dot_path", lambda: "dot")
    return state


def test_progress_goes_to_a_terminal_only(tmp_path, fake_dot):
    err = Terminal()
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path / "a"), out=io.StringIO(), err=err) == 0
    lines = err.getvalue().splitlines()
    counts = [f"[{i}/{FIGURES}" for i in range(1, FIGURES + 1)]
    assert [line.split("]")[0] for line in lines] == counts + counts  # laid out, then drawn and written
    assert all("配置 (layout)" in line for line in lines[:FIGURES])
    assert "49-kosodate-ouen-teate.yaml [資料49-3]" in lines[-1]
    err = io.StringIO()  # a log file or a pipe: nothing but what was there before
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path / "b"), out=io.StringIO(), err=err) == 0
    assert err.getvalue() == ""


def test_checklist_and_report_show_progress_per_flow(tmp_path):
    err = Terminal()
    assert checklist_command.checklist([str(FLOWS)], "csv", str(tmp_path), out=io.StringIO(), err=err) == 0
    assert err.getvalue().count("\n") == 4 and err.getvalue().startswith("[1/4] ")


def test_each_checklist_is_written_before_the_next_is_made(tmp_path, monkeypatch):
    from piflow.writers import checklist_out

    made = []
    original = checklist_out.WRITERS["csv"]

    def writer(doc, forms):
        made.append(sorted(p.name for p in tmp_path.glob("*.csv")))
        return original(doc, forms)

    monkeypatch.setitem(checklist_out.WRITERS, "csv", writer)
    assert checklist_command.checklist([str(FLOWS)], "csv", str(tmp_path), out=io.StringIO(), err=io.StringIO()) == 0
    assert [len(m) for m in made] == [0, 1, 2, 3]


def test_each_figure_is_written_as_soon_as_it_is_drawn(tmp_path, fake_dot):
    first = tmp_path / "資料1-1.svg"

    def draw(source):
        if "資料49-3" in source:  # the last figure waits for the first to be on disk
            for _ in range(3000):
                if first.exists():
                    break
                time.sleep(0.01)
            assert first.exists(), "the first figure was not written before the last was drawn"
        return b"<svg/>"

    fake_dot["draw"] = draw
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path), out=io.StringIO(), err=io.StringIO()) == 0
    assert len(list(tmp_path.glob("*.svg"))) == FIGURES


def test_figures_are_drawn_two_at_a_time(tmp_path, fake_dot):
    together = threading.Barrier(2, timeout=30)  # only passes if two figures are being drawn at once
    # Nine pages: two Graphviz processes at once, each drawing its share (1-1 … 23-2, then 23-3 … 49-3).
    first_two = {"資料1-1", "資料23-3"}

    def draw(source):
        if any(tag in source for tag in first_two):
            together.wait()
        return b"<svg/>"

    fake_dot["draw"] = draw
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path), out=io.StringIO(), err=io.StringIO()) == 0


def test_a_figure_dot_cannot_draw_fails_alone_with_exit_2(tmp_path, fake_dot):
    def draw(source):
        if "資料23-2" in source:
            raise InputError([Diagnostic("dot", 1, 1, "P008", "描けません", "failed")])
        return b"<svg/>"

    fake_dot["draw"] = draw
    out, err = io.StringIO(), io.StringIO()
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path), out=out, err=err) == 2
    assert "P008" in err.getvalue()
    written = sorted(p.stem for p in tmp_path.glob("*.svg"))
    assert len(written) == FIGURES - 1 and "資料23-2" not in written
    listed = [line.split("  ←")[0] for line in out.getvalue().splitlines()]
    assert listed == [str(tmp_path / f"{tag}.svg") for tag in _tags_in_order() if tag != "資料23-2"]


@needs_dot
def test_drawn_in_parallel_the_files_are_the_bytes_drawn_one_by_one(tmp_path):
    sink = io.StringIO()
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path / "all"), out=sink, err=sink) == 0
    for tag in ("49-1", "49-2", "49-3"):
        one = tmp_path / f"{tag}.svg"
        assert draw_command.draw([str(FLOWS / "49-kosodate-ouen-teate.yaml")], output=str(one), scenario=tag,
                                 out=sink, err=sink) == 0
        assert one.read_bytes() == (tmp_path / "all" / f"資料{tag}.svg").read_bytes()
    listed = [line.split("  ←")[0] for line in sink.getvalue().splitlines()[:FIGURES]]
    assert listed == [str(tmp_path / "all" / f"{tag}.svg") for tag in _tags_in_order()]  # whatever finished first


@pytest.mark.skipif(os.name != "posix", reason="fake dot is a shell script")
def test_ctrl_c_during_a_parallel_draw_stops_every_dot(tmp_path):
    import signal

    from piflow.draw import dotrun

    fake = tmp_path / "dot"
    fake.write_text(f"#!/bin/sh\necho $$ >> {tmp_path}/pids\nexec sleep 60\n", encoding="utf-8")
    fake.chmod(0o755)
    # More pages than one Graphviz process draws alone (RENDER_ALONE): two dots draw them at once.
    extra = "".join(_extra_scenario(MINIMAL, k) for k in range(2, draw_command.RENDER_ALONE + 2))
    flow = write(tmp_path, MINIMAL.replace("scenarios:\n", "scenarios:\n" + extra), "two.yaml")
    env = {**os.environ, dotrun.DOT_ENV: str(fake)}
    proc = subprocess.Popen([sys.executable, "-m", "piflow", "draw", str(flow), "-o", str(tmp_path / "out")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pids = tmp_path / "pids"

    def running() -> list[int]:
        alive = []
        for pid in map(int, pids.read_text().split() if pids.exists() else ()):
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                pass
        return alive

    # The dot started before the layout, to be fed the figures as they are laid out, is given up
    # once there are more pages than it draws alone; then two draw the pages at once.
    for _ in range(3000):
        if len(running()) >= 2:
            break
        time.sleep(0.01)
    assert len(running()) == 2, "two dots run at once"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "中断しました" in err.decode() and "Traceback" not in err.decode()
    for pid in map(int, pids.read_text().split()):
        for _ in range(500):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)
        else:
            pytest.fail(f"dot {pid} still running")


def _extra_scenario(text: str, k: int = 2) -> str:
    """MINIMAL's scenario again, as figure ``k`` with its own id and tag."""
    body = text.split("scenarios:\n", 1)[1]
    return body.replace("id: main", f"id: extra{k}").replace("資料1-1", f"資料1-{k}")


def _tags_in_order() -> list[str]:
    from piflow.loader import discover, load

    return [sc.tag for path in discover([str(FLOWS)]) for sc in load(path).flow.scenarios]


def _layout_saying_its_pid(doc, scenario, theme, options, page):
    """A stand-in for draw._lay_out that a worker process imports by name; its pid comes back as the warning."""
    return [], f"pid:{os.getpid()}"


def test_figures_are_laid_out_in_worker_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(draw_command, "POOL_STEPS", 0)  # the seed flows are a small batch, laid out here otherwise
    monkeypatch.setattr(draw_command, "_lay_out", _layout_saying_its_pid)
    monkeypatch.setattr("piflow.draw.render.dot_path", lambda: "dot")
    err = io.StringIO()
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path / "out"), out=io.StringIO(), err=err) == 0
    seen = re.findall(r"警告: pid:(\d+)", err.getvalue())
    assert len(seen) == FIGURES and str(os.getpid()) not in seen, err.getvalue()


def test_without_worker_processes_the_layout_is_done_here(tmp_path, fake_dot, monkeypatch):
    import concurrent.futures

    def no_processes(*args, **kwargs):
        raise OSError(38, "Function not implemented")  # what a sandbox without sem_open says

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    monkeypatch.setattr(draw_command, "POOL_STEPS", 0)
    err = io.StringIO()
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path), out=io.StringIO(), err=err) == 0
    assert "1 つずつ配置します" in err.getvalue() and len(list(tmp_path.glob("*.svg"))) == FIGURES


def test_audit_of_a_folder_shows_progress_on_a_terminal_only():
    from piflow.commands import audit as audit_command

    err = Terminal()
    audit_command.audit([str(FLOWS)], out=io.StringIO(), err=err)
    lines = err.getvalue().splitlines()
    # one pass: each flow is read and audited before the next is read (issue 25: memory stays flat)
    assert [line.split(" ", 2)[:2] for line in lines] == [[f"[{i}/4]", "監査"] for i in range(1, 5)]
    err = io.StringIO()
    audit_command.audit([str(FLOWS)], out=io.StringIO(), err=err)
    assert err.getvalue() == ""


def _slow_layout_saying_its_pid(doc, scenario, theme, options, page):
    time.sleep(0.05)  # long enough for the forked copy to take some
    return _layout_saying_its_pid(doc, scenario, theme, options, page)


def test_a_small_batch_is_laid_out_here_and_by_a_forked_copy(tmp_path, fake_dot, monkeypatch):
    monkeypatch.setattr(draw_command, "_lay_out", _slow_layout_saying_its_pid)
    err = io.StringIO()
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path / "out"), out=io.StringIO(), err=err) == 0
    pids = re.findall(r"警告: pid:(\d+)", err.getvalue())
    assert len(pids) == FIGURES and str(os.getpid()) in pids
    if forked.available():
        assert len(set(pids)) == 2, pids  # the copy laid out some of them
    else:
        assert set(pids) == {str(os.getpid())}


@pytest.mark.parametrize("fork", [False, True], ids=["here", "forked"])
def test_a_small_batch_is_fed_to_dot_as_it_is_laid_out(tmp_path, fake_dot, monkeypatch, fork):
    if fork and not forked.available():
        pytest.skip("no forked copy here (Linux with 2 cores or more)")
    if not fork:
        monkeypatch.setattr(forked, "available", lambda: False)
    flow = FLOWS / "23-kumin-iken-faq-dynamics365.yaml"
    fed = []

    real = draw_command._lay_out

    def laid_out(*args):
        if os.getpid() == parent:  # (what the copy sees of the stream is its own copy)
            fed.append(len(fake_dot["streams"][0].pages))  # what the stream had when this layout began
        return real(*args)

    parent = os.getpid()
    monkeypatch.setattr(draw_command, "_lay_out", laid_out)
    assert draw_command.draw([str(flow)], output=str(tmp_path), out=io.StringIO(), err=io.StringIO()) == 0
    (stream,) = fake_dot["streams"]
    if fork:
        # Started before the first layout; the figures made here are laid out while those before are fed.
        assert fed[0] == 0 and fed == sorted(fed)
    else:
        assert fed == [0, 1, 2]  # started before the first layout, each figure fed before the next is laid out
    assert len(stream.pages) == 3 and not stream.open
    assert [entry[0] for entry in stream.pages] == [fp.source for fp in _figure_23_pages()]  # in order
    assert sorted(p.name for p in tmp_path.iterdir()) == ["資料23-1.svg", "資料23-2.svg", "資料23-3.svg"]


def _figure_23_pages():
    from piflow.draw.figure import Options, figure_pages
    from piflow.draw.style import load_style
    from piflow.loader import load

    doc = load(FLOWS / "23-kumin-iken-faq-dynamics365.yaml")
    return [fp for sc in doc.flow.scenarios for fp in figure_pages(doc, sc, load_style(None), Options())[0]]


def test_more_pages_than_one_dot_draws_alone_give_the_stream_up(tmp_path, fake_dot):
    assert draw_command.draw([str(FLOWS)], output=str(tmp_path), out=io.StringIO(), err=io.StringIO()) == 0
    (stream,) = fake_dot["streams"]
    assert FIGURES > draw_command.RENDER_ALONE and not stream.open and len(stream.pages) <= draw_command.RENDER_ALONE
    assert len(list(tmp_path.iterdir())) == FIGURES


def test_dot_output_starts_no_stream(tmp_path, fake_dot):
    flow = FLOWS / "23-kumin-iken-faq-dynamics365.yaml"
    assert draw_command.draw([str(flow)], output=str(tmp_path), fmt="dot", out=io.StringIO(), err=io.StringIO()) == 0
    assert fake_dot["streams"] == []
