"""Issue 25 item 7: a clean stop.  SIGTERM ends a batch like Ctrl+C (exit 143), and a parent killed outright
leaves no worker running and no temporary folder behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists() or os.name != "posix",
                                reason="finds the run's processes through /proc (Linux)")


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment carries ``marker`` (the run and everything it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _batch(tmp_path) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import synthetic

    folder = tmp_path / "flows"
    folder.mkdir()
    for i in range(6):  # large enough that the layout workers are busy when the signal comes
        (folder / f"f{i}.yaml").write_text(synthetic(300).replace("資料0-", f"資料{i + 1}-"), encoding="utf-8")
    return folder


def _start(tmp_path, marker: str) -> tuple[subprocess.Popen, Path]:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PIFLOW_TEST_MARKER": marker}
    proc = subprocess.Popen([sys.executable, "-m", "piflow", "draw", str(_batch(tmp_path)), "-o", str(tmp_path / "out")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(_processes_with(marker)) < 3:  # piflow, and its layout workers
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the batch did not start its workers: {proc.communicate()}")
        time.sleep(0.1)
    time.sleep(0.5)
    return proc, temp


def _settled(marker: str, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _processes_with(marker)


def test_sigterm_stops_the_batch_like_ctrl_c(tmp_path):
    marker = f"piflow-stop-{os.getpid()}-term"
    proc, temp = _start(tmp_path, marker)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err.decode()[-500:]
    assert "Traceback" not in err.decode()
    assert _settled(marker) == []
    assert list(temp.iterdir()) == []


def test_a_killed_parent_leaves_no_worker_and_no_temporary_folder(tmp_path):
    marker = f"piflow-stop-{os.getpid()}-kill"
    proc, temp = _start(tmp_path, marker)
    proc.kill()
    proc.communicate(timeout=60)
    assert _settled(marker) == []  # the workers watched their parent
    assert list(temp.iterdir()) == []  # and removed multiprocessing's pymp-* folder


class _Woken(Exception):
    pass


def _raise_woken(signum, frame):
    raise _Woken()


def test_a_signal_that_lands_on_another_thread_still_stops_the_wait():
    """A process-directed signal (Ctrl+C) is delivered to any one of its threads; Python acts on it in the main
    thread when that thread wakes.  ``result_of`` wakes every SIGNAL_POLL seconds, so a drawing thread that
    hangs does not keep Ctrl+C waiting (a parallel draw once ran on for minutes after Ctrl+C)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from piflow.commands.common import SIGNAL_POLL, result_of

    release = threading.Event()
    previous = signal.signal(signal.SIGUSR1, _raise_woken)
    pool = ThreadPoolExecutor(1)
    try:
        future = pool.submit(release.wait, 30)
        worker = next(t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor"))
        threading.Timer(0.2, signal.pthread_kill, (worker.ident, signal.SIGUSR1)).start()
        started = time.monotonic()
        with pytest.raises(_Woken):
            result_of(future)
        assert time.monotonic() - started < 0.2 + 20 * SIGNAL_POLL  # not the 30 s the drawing thread takes
    finally:
        release.set()
        pool.shutdown()
        signal.signal(signal.SIGUSR1, previous)


def test_result_of_gives_the_result_and_the_calls_own_timeout():
    from concurrent.futures import ThreadPoolExecutor

    from piflow.commands.common import result_of

    def slow() -> str:
        time.sleep(0.35)  # past a few of result_of's slices
        return "drawn"

    def times_out() -> None:
        raise TimeoutError("the call's own")

    with ThreadPoolExecutor(2) as pool:
        assert result_of(pool.submit(slow)) == "drawn"
        with pytest.raises(TimeoutError, match="the call's own"):
            result_of(pool.submit(times_out))
