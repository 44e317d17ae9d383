"""Issue 14 items 11, 12 and 18's finding of dot: where dot is, its time limit, no orphan dot, stable PDFs."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time

import pytest

from piflow.diagnostics import InputError
from piflow.draw import dotrun

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
posix_only = pytest.mark.skipif(os.name != "posix", reason="fake dot is a shell script")


@pytest.fixture(autouse=True)
def no_dot_option():
    dotrun.set_dot(None)
    yield
    dotrun.set_dot(None)


def fake_dot(folder, body: str, name: str = "dot"):
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@posix_only
def test_option_then_environment_then_path(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "e").mkdir()
    (tmp_path / "o").mkdir()
    on_path = fake_dot(tmp_path / "p", "true")
    in_env = fake_dot(tmp_path / "e", "true")
    chosen = fake_dot(tmp_path / "o", "true")
    env = {"PATH": str(tmp_path / "p")}
    assert dotrun.find_dot(env) == str(on_path)
    env[dotrun.DOT_ENV] = str(in_env)
    assert dotrun.find_dot(env) == str(in_env)
    dotrun.set_dot(str(tmp_path / "o"))  # a folder holding dot is fine too
    assert dotrun.find_dot(env) == str(chosen)


def test_an_explicit_dot_that_is_missing_is_named(tmp_path):
    with pytest.raises(InputError) as info:
        dotrun.find_dot({"PATH": "", dotrun.DOT_ENV: str(tmp_path / "nope.exe")})
    assert "PIFLOW_DOT" in info.value.diagnostics[0].message and "nope.exe" in info.value.diagnostics[0].message


def test_windows_zip_extract_and_install_folders(tmp_path):
    unzipped = tmp_path / "me" / "Downloads" / "Graphviz-12.2.1-win64" / "Graphviz-12.2.1-win64" / "bin"
    unzipped.mkdir(parents=True)
    (unzipped / "dot.exe").write_bytes(b"")
    env = {"PATH": "", "USERPROFILE": str(tmp_path / "me"), "ProgramFiles": str(tmp_path / "pf")}
    assert dotrun.find_dot(env, windows=True) == str(unzipped / "dot.exe")
    installed = tmp_path / "pf" / "Graphviz" / "bin"
    installed.mkdir(parents=True)
    (installed / "dot.exe").write_bytes(b"")
    assert dotrun.find_dot(env, windows=True) == str(installed / "dot.exe")
    with pytest.raises(InputError):
        dotrun.find_dot(env, windows=False)


def test_the_newest_unzipped_graphviz_is_chosen(tmp_path):
    for version in ("9.0.0", "12.2.1", "10.0.1"):
        folder = tmp_path / "Downloads" / f"Graphviz-{version}-win64" / "bin"
        folder.mkdir(parents=True)
        (folder / "dot.exe").write_bytes(b"")
    found = dotrun.find_dot({"PATH": "", "USERPROFILE": str(tmp_path)}, windows=True)
    assert "Graphviz-12.2.1-win64" in found


def _gone(pid: int) -> bool:
    """Not running: no such process, or a zombie waiting for a parent that is not us to reap it."""
    for _ in range(200):  # SIGKILL is delivered asynchronously to the rest of the group
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            pass
        time.sleep(0.01)
    return False


@posix_only
def test_a_dot_that_hangs_is_stopped_with_a_clear_message(tmp_path):
    dotrun.set_dot(str(fake_dot(tmp_path, f"echo $$ > {tmp_path}/pid\nexec sleep 60")))
    with pytest.raises(InputError) as info:
        dotrun.run_dot(["-Tsvg"], b"digraph {}", limit=0.5)
    (d,) = info.value.diagnostics
    assert d.code == "P008" and "秒" in d.message and dotrun.TIMEOUT_ENV in d.hint
    assert _gone(int((tmp_path / "pid").read_text()))


@posix_only
def test_ctrl_c_kills_dot_and_its_children(tmp_path, monkeypatch):
    # dot's child (a second sleep) is in dot's process group and must go too.
    dotrun.set_dot(str(fake_dot(tmp_path, f"sleep 60 & echo $! > {tmp_path}/child\necho $$ > {tmp_path}/pid\nwait")))

    real_wait, calls = subprocess.Popen.wait, []

    def interrupted(self, *args, **kwargs):  # Ctrl+C arrives while we wait for dot (the first wait only)
        calls.append(self)
        if len(calls) > 1:
            return real_wait(self, *args, **kwargs)
        for _ in range(1000):
            if (tmp_path / "child").exists() and (tmp_path / "pid").exists():
                break
            time.sleep(0.01)
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "wait", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dotrun.run_dot(["-Tsvg"], b"digraph {}")
    assert _gone(int((tmp_path / "pid").read_text()))
    assert _gone(int((tmp_path / "child").read_text()))


def test_pdf_dates_are_fixed_without_moving_offsets():
    a = b"%PDF-1.5\n<< /CreationDate (D:20261123134509Z) >>\nxref 123\n"
    b = b"%PDF-1.5\n<< /CreationDate (D:20270102030405+09'00) >>\nxref 123\n"
    fa, fb = dotrun.fixed_pdf_dates(a), dotrun.fixed_pdf_dates(b)
    assert len(fa) == len(a) and len(fb) == len(b)
    assert b"(D:20000101000000Z)" in fa and b"(D:20000101000000+00'00)" in fb


@needs_dot
def test_rendered_pdf_has_no_clock_in_it():
    from piflow.draw.render import render

    pdf = render('digraph { a [pos="10,10"]; b [pos="60,10"]; a -> b }', "pdf")  # pinned, as piflow writes them
    assert b"/CreationDate (D:20000101000000" in pdf


def test_ctrl_c_exits_130_not_1(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from conftest import MINIMAL, write
    from piflow.cli import app

    def interrupted(paths, err, **kwargs):
        raise KeyboardInterrupt

    for module in ("validate", "checklist"):
        monkeypatch.setattr(f"piflow.commands.{module}.load_all", interrupted)
    monkeypatch.setattr("piflow.commands.audit.Loaded", interrupted)  # audit streams its flows
    for command in (["validate"], ["audit"], ["checklist", "-o", str(tmp_path / "o")]):
        result = CliRunner().invoke(app, [command[0], str(write(tmp_path, MINIMAL)), *command[1:]])
        assert result.exit_code == 130 and "中断しました" in result.output, (command, result.output)


@posix_only
def test_sigint_to_piflow_stops_dot_and_leaves_no_files(tmp_path):
    import signal
    import sys

    from conftest import MINIMAL, write

    fake = fake_dot(tmp_path, f"echo $$ > {tmp_path}/pid\nexec sleep 60")
    flow = write(tmp_path, MINIMAL)
    out = tmp_path / "out"
    env = {**os.environ, dotrun.DOT_ENV: str(fake)}
    proc = subprocess.Popen([sys.executable, "-m", "piflow", "draw", str(flow), "-o", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(2000):
        if (tmp_path / "pid").exists() and (tmp_path / "pid").read_text().strip():
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "中断しました" in err.decode() and "Traceback" not in err.decode()
    assert _gone(int((tmp_path / "pid").read_text()))
    assert not out.exists() or not any(out.iterdir())


@posix_only
def test_a_streamed_dot_is_read_while_fed_and_returns_its_output_and_errors(tmp_path):
    # More output than a pipe holds (64 KB) before the input ends: without readers both sides would block.
    dotrun.set_dot(str(fake_dot(tmp_path, "head -c 300000 /dev/zero; cat >/dev/null; echo done >&2")))
    run = dotrun.DotRun(["-Tsvg"])
    for _ in range(50):
        run.feed(b"x" * 10000)
    done = run.finish(limit=10)
    assert done.returncode == 0 and len(done.stdout) == 300000 and done.stderr == b"done\n"


@posix_only
def test_a_streamed_dot_that_stops_reading_is_said_at_the_end(tmp_path):
    dotrun.set_dot(str(fake_dot(tmp_path, "echo bad input >&2; exit 3")))
    run = dotrun.DotRun(["-Tsvg"])
    time.sleep(0.2)
    for _ in range(20):
        run.feed(b"x" * 100000)  # into a closed pipe: no error here
    done = run.finish(limit=10)
    assert done.returncode == 3 and done.stderr == b"bad input\n"


@posix_only
def test_a_streamed_dot_that_hangs_is_stopped_with_a_clear_message(tmp_path):
    dotrun.set_dot(str(fake_dot(tmp_path, f"echo $$ > {tmp_path}/pid\nexec sleep 60")))
    run = dotrun.DotRun(["-Tsvg"])
    run.feed(b"digraph {}")
    with pytest.raises(InputError) as info:
        run.finish(limit=0.5)
    assert info.value.diagnostics[0].code == "P008"
    assert _gone(int((tmp_path / "pid").read_text()))
    assert run.proc not in dotrun._running


@posix_only
def test_a_streamed_dot_given_up_is_killed_with_its_children(tmp_path):
    dotrun.set_dot(str(fake_dot(tmp_path, f"sleep 60 & echo $! > {tmp_path}/child\necho $$ > {tmp_path}/pid\nwait")))
    run = dotrun.DotRun(["-Tsvg"])
    for _ in range(1000):
        if (tmp_path / "child").exists() and (tmp_path / "pid").exists():
            break
        time.sleep(0.01)
    run.stop()
    assert _gone(int((tmp_path / "pid").read_text())) and _gone(int((tmp_path / "child").read_text()))
    assert run.proc not in dotrun._running


@posix_only
def test_a_streamed_dot_whose_child_keeps_its_output_open_is_stopped_in_time(tmp_path):
    # dot exits, but a process it started still holds the output pipe: wait no longer than the limit.
    dotrun.set_dot(str(fake_dot(tmp_path, f"sleep 60 & echo $! > {tmp_path}/child\ncat >/dev/null")))
    run = dotrun.DotRun(["-Tsvg"])
    run.feed(b"digraph {}")
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        run.finish(limit=1)
    assert info.value.diagnostics[0].code == "P008" and time.monotonic() - started < 10
    assert _gone(int((tmp_path / "child").read_text()))


@posix_only
def test_a_finished_stream_is_not_killed_again(tmp_path, monkeypatch):
    # Its process group is gone once dot has exited and been read: its number may be another's by then.
    dotrun.set_dot(str(fake_dot(tmp_path, "cat")))
    run = dotrun.DotRun(["-Tsvg"])
    run.feed(b"digraph {}")
    assert run.finish(limit=10).stdout == b"digraph {}"
    killed = []
    monkeypatch.setattr(os, "killpg", lambda *a: killed.append(a))
    run.stop()
    assert killed == []


@posix_only
def test_feeding_a_dot_that_never_reads_does_not_wait(tmp_path):
    # More input than a pipe holds, to a dot that hangs without reading it: feed returns, finish stops it in time.
    dotrun.set_dot(str(fake_dot(tmp_path, f"echo $$ > {tmp_path}/pid\nexec sleep 60")))
    run = dotrun.DotRun(["-Tsvg"])
    started = time.monotonic()
    for _ in range(20):
        run.feed(b"x" * 100000)
    assert time.monotonic() - started < 5
    with pytest.raises(InputError) as info:
        run.finish(limit=0.5)
    assert info.value.diagnostics[0].code == "P008" and time.monotonic() - started < 10
    assert _gone(int((tmp_path / "pid").read_text()))
