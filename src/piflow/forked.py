"""Calls shared with a forked copy of this process, so a second core works on them too.

For a few calls of tens of milliseconds (the figures of one flow) a worker pool costs more than it
saves: a fresh worker imports piflow again (about 150 ms).  A fork starts in a few milliseconds
with everything already imported and loaded.  Both processes take the next call not yet taken
from one queue (a pipe of call numbers: a read of one number takes it for one reader only), so
the work balances itself however the calls differ in size; the copy sends each result back as
it finishes, and ``in_order`` yields every result in the order of the calls.

A fork is used only where it is safe: Linux, two cores or more, and no other thread in this
process (a thread holding a lock at the fork would leave that lock held forever in the copy).
The copy keeps only its two pipes open (an inherited pipe, such as the one Graphviz reads its
input from, would otherwise stay open until the copy ends), never runs the parent's exit
handlers or flushes its copy of the parent's buffers (``os._exit``), and ends on Ctrl+C or SIGTERM with the parent,
who kills it when leaving early.  A call that fails in the copy, or a copy that dies, is not an
error: the call is made again here, so results and errors are exactly those without the copy.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence

NUMBER = 4  # bytes per call number in the queue (a pipe read of 4 bytes or fewer is never split)
LENGTH = 8  # bytes of the length before each result sent back


_sharing = False  # a copy is at work (in the parent), or this is one: calls within calls are made here


def available() -> bool:
    """Forking is safe here and there is a core for the copy."""
    return (not _sharing and sys.platform.startswith("linux") and hasattr(os, "fork")
            and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1)


def in_order(fn: Callable, calls: Sequence[tuple]) -> Iterator:
    """``fn(*args)`` for each of ``calls``, in order; made here and, where a copy can be forked, there too."""
    copy = _Copy.start(fn, calls) if len(calls) >= 2 and available() else None
    if copy is None:
        for args in calls:
            yield fn(*args)
        return
    global _sharing
    _sharing = True
    try:
        yield from copy.results()
    finally:
        _sharing = False
        copy.close()


class _Copy:
    def __init__(self, fn: Callable, calls: Sequence[tuple], pid: int, queue: int, results: int) -> None:
        self.fn, self.calls, self.pid, self.queue, self.reader = fn, calls, pid, queue, results
        self.done: dict[int, object] = {}  # results made or received, waiting for their turn
        self.claimed_all = False
        self.lost = False  # the copy sends nothing more
        self.finished = False

    @classmethod
    def start(cls, fn: Callable, calls: Sequence[tuple]) -> _Copy | None:
        """The copy forked, the queue holding every call; None where that cannot be."""
        fds: list[int] = []
        try:
            queue_r, queue_w = os.pipe()
            fds += [queue_r, queue_w]
            result_r, result_w = os.pipe()
            fds += [result_r, result_w]
            os.set_blocking(queue_w, False)
            numbers = b"".join(k.to_bytes(NUMBER, "big") for k in range(len(calls)))
            if os.write(queue_w, numbers) != len(numbers):
                raise BlockingIOError("the queue is full")
        except OSError:  # no pipes left, or more calls than a pipe holds (about 16,000): no copy
            for fd in fds:
                os.close(fd)
            return None
        os.close(queue_w)  # the queue ends (a read returns nothing) once every number is taken
        try:
            pid = os.fork()
        except OSError:
            for fd in (queue_r, result_r, result_w):
                os.close(fd)
            return None
        if pid == 0:
            global _sharing
            _sharing = True
            _work(fn, calls, queue_r, result_w)  # never returns
        os.close(result_w)
        return cls(fn, calls, pid, queue_r, result_r)

    def results(self) -> Iterator:
        for k in range(len(self.calls)):
            while k not in self.done:
                if not self.lost and select.select([self.reader], [], [], 0)[0]:
                    self._receive()  # a result of the copy's is waiting: take it first
                elif not self.claimed_all:
                    self._claim()
                elif not self.lost:
                    self._receive()  # everything is taken: wait for the copy
                else:
                    self.done[k] = self.fn(*self.calls[k])  # the copy took it but never sent it
            yield self.done.pop(k)
        self.finished = True

    def _claim(self) -> None:
        taken = os.read(self.queue, NUMBER)
        if len(taken) < NUMBER:
            self.claimed_all = True
            return
        k = int.from_bytes(taken, "big")
        self.done[k] = self.fn(*self.calls[k])

    def _receive(self) -> None:
        try:
            k, ok, value = pickle.loads(_read_message(self.reader))
        except Exception:  # the copy ended (all sent, killed, out of memory): make the rest here
            self.lost = True
            return
        self.done[k] = value if ok else self.fn(*self.calls[k])

    def close(self) -> None:
        """Stop the copy unless every result came, and reap it."""
        os.close(self.reader)
        os.close(self.queue)
        if not self.finished:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _work(fn: Callable, calls: Sequence[tuple], queue: int, result_w: int) -> None:
    """The copy: take the next call from the queue, send its result, until the queue is empty."""
    try:
        _close_all_but(queue, result_w)
        while len(taken := os.read(queue, NUMBER)) == NUMBER:
            k = int.from_bytes(taken, "big")
            try:
                message = pickle.dumps((k, True, fn(*calls[k])), pickle.HIGHEST_PROTOCOL)
            except Exception:  # made again by the parent, which reports it as without the copy
                message = pickle.dumps((k, False, None), pickle.HIGHEST_PROTOCOL)
            _write_all(result_w, len(message).to_bytes(LENGTH, "big") + message)
    except BaseException:  # Ctrl+C, SIGTERM, the parent gone (a broken pipe): just end
        pass
    finally:
        os._exit(0)  # nobody reads the status: the parent counts what it received


def _close_all_but(*keep: int) -> None:
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_message(fd: int) -> bytes:
    """One length-prefixed message, read to its last byte and no further (so ``select`` on the pipe
    says whether another is waiting)."""
    length = int.from_bytes(_read_exactly(fd, LENGTH), "big")
    return _read_exactly(fd, length)


def _read_exactly(fd: int, n: int) -> bytes:
    parts, left = [], n
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            raise EOFError("the copy ended in the middle of a result")
        parts.append(part)
        left -= len(part)
    return b"".join(parts)
