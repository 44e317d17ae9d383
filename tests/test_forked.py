"""piflow.forked: calls shared with a forked copy come back in order, the same as made here, and the
copy never outlives its use, holds a pipe open, or changes what an error looks like."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from piflow import forked

PARENT = os.getpid()

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2,
                                reason="forking is used on Linux with 2 cores or more only")


def _slow_pid(k: int, delay: float = 0.02) -> tuple[int, int]:
    time.sleep(delay)  # long enough that the copy, once started, takes calls too
    return k, os.getpid()


def test_results_come_in_order_and_the_copy_makes_some():
    results = list(forked.in_order(_slow_pid, [(k,) for k in range(12)]))
    assert [k for k, _ in results] == list(range(12))
    pids = {pid for _, pid in results}
    assert PARENT in pids and len(pids) == 2  # both took calls: the queue shares them out


def test_two_calls_are_shared():
    pids = [pid for _, pid in forked.in_order(_slow_pid, [(0, 0.1), (1, 0.1)])]
    assert PARENT in pids and len(set(pids)) == 2  # one each: whichever is first takes call 0


def test_one_call_or_none_is_made_here():
    assert list(forked.in_order(_slow_pid, [(7,)])) == [(7, PARENT)]
    assert list(forked.in_order(_slow_pid, [])) == []


def test_with_another_thread_running_nothing_is_forked():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.available()
        results = list(forked.in_order(_slow_pid, [(k, 0.0) for k in range(4)]))
    finally:
        stop.set()
        thread.join()
    assert results == [(k, PARENT) for k in range(4)]


def _pid_of_calls_within(k: int) -> tuple[int, set[int]]:
    time.sleep(0.02)
    return k, {pid for _, pid in forked.in_order(_slow_pid, [(j, 0.0) for j in range(3)])}


def test_calls_within_a_shared_call_are_made_where_it_is_made():
    for k, (j, inner) in enumerate(forked.in_order(_pid_of_calls_within, [(k,) for k in range(6)])):
        assert j == k and len(inner) == 1  # no copy of a copy: one process made all three
    assert forked.available()  # and sharing again once the copy is done


def _fails_in_the_copy(k: int) -> tuple[int, int]:
    time.sleep(0.02)
    if os.getpid() != PARENT:
        raise ValueError("only in the copy")
    return k, os.getpid()


def test_a_call_that_fails_in_the_copy_is_made_here():
    assert list(forked.in_order(_fails_in_the_copy, [(k,) for k in range(6)])) == [(k, PARENT) for k in range(6)]


def _fails_once_in_the_copy(k: int) -> tuple[int, int]:
    time.sleep(0.03)
    if k == 1 and os.getpid() != PARENT:
        raise ValueError("only call 1, only in the copy")
    return k, os.getpid()


def test_after_a_failed_call_the_copy_goes_on():
    results = list(forked.in_order(_fails_once_in_the_copy, [(k,) for k in range(8)]))
    assert [k for k, _ in results] == list(range(8))
    assert results[1] == (1, PARENT)  # made here, whoever took it first
    assert any(pid != PARENT for _, pid in results[2:])  # and the copy still sends what it makes after


def _fails(k: int) -> int:
    time.sleep(0.02)
    if k == 3:
        raise KeyError(f"call {k}")
    return k


def test_an_error_is_raised_here_as_without_the_copy():
    results = forked.in_order(_fails, [(k,) for k in range(6)])
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(KeyError, match="call 3"):
        next(results)


def _unpicklable(k: int):
    time.sleep(0.02)
    return k, os.getpid(), (lambda: k) if os.getpid() != PARENT else None


def test_a_result_the_copy_cannot_send_is_made_here():
    results = list(forked.in_order(_unpicklable, [(k,) for k in range(6)]))
    assert [(k, pid) for k, pid, _ in results] == [(k, PARENT) for k in range(6)]


def _copy_dies(k: int) -> tuple[int, int]:
    time.sleep(0.02)
    if os.getpid() != PARENT:
        os._exit(3)  # killed, out of memory: the copy is gone with the call it took
    return k, os.getpid()


def test_when_the_copy_dies_the_rest_is_made_here():
    assert list(forked.in_order(_copy_dies, [(k,) for k in range(6)])) == [(k, PARENT) for k in range(6)]


def _children() -> set[int]:
    try:
        with open(f"/proc/{PARENT}/task/{PARENT}/children") as fh:
            return {int(p) for p in fh.read().split()}
    except OSError:
        pytest.skip("no /proc/PID/task/TID/children here")


def _slow_in_the_copy(k: int) -> int:
    if k and os.getpid() != PARENT:
        time.sleep(30)
    return k


def test_leaving_early_stops_and_reaps_the_copy():
    before = _children()
    results = forked.in_order(_slow_in_the_copy, [(k,) for k in range(4)])
    assert next(results) == 0
    copy = _children() - before
    assert len(copy) == 1
    started = time.monotonic()
    results.close()
    assert time.monotonic() - started < 10  # killed in its 30-second call, not waited for
    assert _children() == before  # and reaped: not even a zombie is left
    (pid,) = copy
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _holds_on(k: int, write_end: int) -> int:
    time.sleep(0.3 if os.getpid() != PARENT else 0.0)  # the copy is still at work when the parent reads
    return k


@pytest.mark.parametrize("lowest", [False, True], ids=["any", "fd3"])
def test_the_copy_holds_no_pipe_of_the_parent_open(lowest):
    """Graphviz reads its input until every write end is closed: a copy holding one would stall it."""
    read_end, write_end = os.pipe()
    saved = None
    if lowest:  # the first descriptor after standard error
        try:
            saved = os.dup(3)
        except OSError:
            pass
        os.dup2(write_end, 3)
        os.close(write_end)
        write_end = 3
    try:
        results = forked.in_order(_holds_on, [(k, write_end) for k in range(4)])
        assert next(results) == 0
        os.close(write_end)
        started = time.monotonic()
        with os.fdopen(read_end, "rb") as reader:
            assert reader.read() == b""  # end of file at once, while the copy still works
        assert time.monotonic() - started < 0.25
        assert list(results) == [1, 2, 3]
    finally:
        if saved is not None:
            os.dup2(saved, 3)
            os.close(saved)


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_more_calls_than_the_queue_holds_are_made_here():
    count = 70_000 // forked.NUMBER  # past a pipe's 64 KiB
    before = _open_fds()
    results = list(forked.in_order(os.getpid, [()] * count))
    assert results == [PARENT] * count
    assert _open_fds() == before  # both pipes closed again


def test_where_the_fork_fails_everything_is_made_here(monkeypatch):
    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    before = _open_fds()
    assert list(forked.in_order(_slow_pid, [(k, 0.0) for k in range(3)])) == [(k, PARENT) for k in range(3)]
    assert _open_fds() == before


def test_results_are_read_in_whole_messages():
    read_end, write_end = os.pipe()
    big = b"x" * 200_000  # longer than a pipe holds: written and read in pieces
    message = len(big).to_bytes(forked.LENGTH, "big") + big
    writer = threading.Thread(target=forked._write_all, args=(write_end, message * 2))
    writer.start()
    assert forked._read_message(read_end) == big
    assert forked._read_message(read_end) == big
    writer.join()
    os.close(write_end)
    with pytest.raises(EOFError):
        forked._read_message(read_end)
    os.close(read_end)
