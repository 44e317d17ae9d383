"""Finding and running Graphviz's ``dot``: where it is, a time limit, and no orphan on Ctrl+C.

Ward PCs run Windows, often without admin rights, so Graphviz may be an unzipped
folder that is not on PATH.  We look, in order: the ``--dot`` option
(``set_dot``), the ``PIFLOW_DOT`` environment variable, PATH, and on Windows the
usual install and zip-extract folders.  An explicit path that does not exist is
an error, not a silent fallback to some other dot.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from piflow.diagnostics import Diagnostic, InputError

DOT_ENV = "PIFLOW_DOT"
TIMEOUT_ENV = "PIFLOW_DOT_TIMEOUT"
DEFAULT_TIMEOUT = 300.0  # seconds; the largest seed figure takes under 2 s

INSTALL_HINT = (
    "Graphviz の dot が見つかりません。インストールしてください (Graphviz 'dot' not found; install it):\n"
    "    Debian/Ubuntu: sudo apt-get install graphviz fonts-noto-cjk\n"
    "    macOS (Homebrew): brew install graphviz\n"
    "    Windows: https://graphviz.org/download/ の zip を展開し、環境変数 PIFLOW_DOT か --dot で dot.exe を指定\n"
    "             (unzip Graphviz and point PIFLOW_DOT or --dot at bin\\dot.exe; no admin rights needed)"
)

_chosen: str | None = None
_running: set[subprocess.Popen] = set()  # dots being run, by any thread (draw DIR runs several at once)
_running_lock = threading.Lock()


def set_dot(path: str | None) -> None:
    """The ``--dot`` option: use this dot executable (or a folder holding it) before anything else."""
    global _chosen
    _chosen = path or None


def _version_order(path: Path) -> list:
    """Graphviz-12.2.1 after Graphviz-9.0.0: compare the numbers in the name as numbers."""
    return [(1, int(t), "") if t.isdigit() else (0, 0, t) for t in re.split(r"(\d+)", str(path))]


def _windows_candidates(env: dict[str, str]) -> list[Path]:
    """Where Graphviz lands on Windows: the installer's folders and zips unpacked in the user's folders."""
    found: list[Path] = []
    for var in ("ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"):
        if env.get(var):
            found.append(Path(env[var]) / "Graphviz" / "bin" / "dot.exe")
    homes = [env[v] for v in ("LOCALAPPDATA", "USERPROFILE") if env.get(v)]
    if env.get("LOCALAPPDATA"):
        found.append(Path(env["LOCALAPPDATA"]) / "Programs" / "Graphviz" / "bin" / "dot.exe")
    if env.get("USERPROFILE"):
        homes += [str(Path(env["USERPROFILE"]) / sub) for sub in ("Downloads", "Desktop", "Documents")]
    for home in homes:
        # Graphviz-12.2.1-win64\bin\dot.exe, or one folder deeper as Explorer's "extract all" makes it
        for pattern in ("*raphviz*/bin/dot.exe", "*raphviz*/*raphviz*/bin/dot.exe"):
            found += sorted(Path(home).glob(pattern), key=_version_order, reverse=True)  # newest first
    return found


def _explicit(path: str, origin: str) -> str:
    candidate = Path(path)
    if candidate.is_dir():
        for sub in ("dot.exe", "dot", "bin/dot.exe", "bin/dot"):
            if (candidate / sub).is_file():
                return str(candidate / sub)
    if candidate.is_file():
        return str(candidate)
    raise InputError([Diagnostic(origin, 1, 1, "P001", f"{origin} で指定された dot が見つかりません: {path}",
                                 f"dot not found at {path}", INSTALL_HINT)])


def find_dot(env: dict[str, str] | None = None, windows: bool | None = None) -> str:
    """The dot executable to run; InputError with install help when there is none."""
    on_path = shutil.which("dot") if env is None else shutil.which("dot", path=env.get("PATH", ""))
    env = dict(os.environ) if env is None else env
    windows = sys.platform == "win32" if windows is None else windows
    if _chosen:
        return _explicit(_chosen, "--dot")
    if env.get(DOT_ENV):
        return _explicit(env[DOT_ENV], DOT_ENV)
    if on_path:
        return on_path
    if windows:
        for candidate in _windows_candidates(env):
            if candidate.is_file():
                return str(candidate)
    raise InputError([Diagnostic("dot", 1, 1, "P001", "Graphviz の dot が見つかりません", "Graphviz 'dot' not found",
                                 INSTALL_HINT)])


def timeout() -> float:
    value = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(value) if value and float(value) > 0 else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def _kill(proc: subprocess.Popen) -> None:
    """Stop dot and anything it started (its own process group on POSIX)."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    proc.wait()


def _start(cmd: list[str]) -> subprocess.Popen:
    """dot started in a process group of its own (killed with its children), counted among the running."""
    group = {"start_new_session": True} if os.name == "posix" else \
        {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=_dot_environment(), **group)
    except OSError as exc:  # not executable (a text file given as --dot), not a program for this machine
        raise InputError([Diagnostic(cmd[0], 1, 1, "P001", f"Graphviz の dot を実行できません: {exc.strerror or exc}",
                                     f"cannot run dot: {exc}", INSTALL_HINT)]) from None
    with _running_lock:
        _running.add(proc)
    return proc


def _done(proc: subprocess.Popen) -> None:
    with _running_lock:
        _running.discard(proc)


def _timed_out(limit: float) -> InputError:
    return InputError([Diagnostic("dot", 1, 1, "P008",
                                  f"Graphviz の dot が {limit:g} 秒たっても終わらないため止めました",
                                  f"Graphviz dot did not finish within {limit:g} s",
                                  f"図を --measures footnote で簡単にするか、環境変数 {TIMEOUT_ENV} で待つ秒数を"
                                  f"増やしてください (simplify the figure, or raise {TIMEOUT_ENV})")])


def run_dot(args: list[str], source: bytes, limit: float | None = None) -> subprocess.CompletedProcess:
    """Run ``dot ARGS`` on ``source``; killed on timeout (P008) and on any exit of ours (Ctrl+C)."""
    run = DotRun(args)
    run.feed(source)
    return run.finish(limit)


class DotRun:
    """One dot process started now and given its graphs one at a time (``feed``), read back at the end
    (``finish``); ``run_dot`` is one feed and the finish.

    Graphviz takes about 10 ms to start and set up its fonts, and draws each graph as soon as it has
    read it, so a command that starts it before laying out its figures and feeds each figure as it
    is laid out has the drawing done, on the other core, by the time the last layout ends.  Threads
    write dot's input and read its output and errors: dot blocks on a full output pipe and we would
    on its full input, and a dot that hangs must not hang ``feed``; the time limit is ``finish``'s.
    """

    def __init__(self, args: list[str]):
        self.cmd = [find_dot(), *args]
        self.proc = _start(self.cmd)
        self._out: list[bytes] = []
        self._err: list[bytes] = []
        self._input: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._finished = False

    def _run_threads(self) -> None:
        # Started with the first graph, not with dot: while dot loads (both cores busy) a new
        # thread waits milliseconds for its first turn, and dot prints nothing before its input.
        if not self._threads:
            proc = self.proc
            self._threads = [threading.Thread(target=_write_all, args=(proc.stdin, self._input), daemon=True),
                             threading.Thread(target=_read_all, args=(proc.stdout, self._out), daemon=True),
                             threading.Thread(target=_read_all, args=(proc.stderr, self._err), daemon=True)]
            for thread in self._threads:
                thread.start()

    def feed(self, source: bytes) -> None:
        """Give dot one more graph (or several); never waits.  A dot that stops reading is said by ``finish``."""
        self._run_threads()
        self._input.put(source)

    def finish(self, limit: float | None = None) -> subprocess.CompletedProcess:
        """No more graphs: wait for dot (``limit`` seconds from now, P008 after) and return what it printed."""
        limit = timeout() if limit is None else limit
        deadline = time.monotonic() + limit
        self._run_threads()
        self._input.put(None)  # the end of dot's input
        try:
            self.proc.wait(timeout=limit)
            for thread in self._threads:  # a child of dot may still hold its output open
                thread.join(max(0.0, deadline - time.monotonic()))
                if thread.is_alive():
                    raise subprocess.TimeoutExpired(self.cmd, limit)
        except subprocess.TimeoutExpired:
            self.stop()
            raise _timed_out(limit) from None
        except BaseException:  # KeyboardInterrupt, SystemExit: never leave dot running behind us
            self.stop()
            raise
        finally:
            _done(self.proc)
        self._finished = True
        return subprocess.CompletedProcess(self.cmd, self.proc.returncode, b"".join(self._out), b"".join(self._err))

    def stop(self) -> None:
        """Kill dot and what it started (its process group, which may outlive dot itself): the run is
        given up (an error elsewhere, Ctrl+C, a time limit).  Nothing once ``finish`` has read it all:
        its process group is gone, and its number may already be another's."""
        if not self._finished:
            _kill(self.proc)
            self._input.put(None)  # a writer waiting for more input ends too
        _done(self.proc)


def _write_all(stream, chunks: queue.SimpleQueue) -> None:
    """dot's input, chunk by chunk, then closed; after dot stops reading, the rest is dropped."""
    with contextlib.suppress(OSError):  # BrokenPipeError: dot gave up, ``finish`` says why
        with stream:
            while (chunk := chunks.get()) is not None:
                stream.write(chunk)
                stream.flush()


def _read_all(stream, into: list[bytes]) -> None:
    with stream:
        while chunk := stream.read(65536):
            into.append(chunk)


def _dot_environment() -> dict[str, str]:
    """dot's environment: ours, with the clock and zone fixed.  cairo stamps a PDF with the local time and its
    zone ("Z", "+09'00", "-05'00": three lengths, so fixed_pdf_dates alone could not make the bytes equal
    across zones); in UTC, and at SOURCE_DATE_EPOCH where cairo reads it, every machine writes the same."""
    env = dict(os.environ)
    env["TZ"] = "UTC"
    env.setdefault("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01, the date fixed_pdf_dates writes
    return env


def stop_all() -> None:
    """Kill every dot still running, whichever thread started it (Ctrl+C while figures render in parallel)."""
    with _running_lock:
        running = list(_running)
    for proc in running:
        _kill(proc)


_CREATION_DATE = re.compile(rb"/CreationDate \((D:[^)]*)\)")
_FIXED_DATE = b"20000101000000"


def fixed_pdf_dates(pdf: bytes) -> bytes:
    """Same figure, same bytes: cairo stamps /CreationDate with the clock.

    The date is overwritten digit for digit (2000-01-01 00:00:00, zone digits 0) so that
    its length, and with it every offset in the cross-reference table, stays the same.
    """
    def fixed(m: re.Match) -> bytes:
        digits = iter(_FIXED_DATE)
        value = bytes(next(digits, ord("0")) if 48 <= c <= 57 else c for c in m.group(1))
        return b"/CreationDate (" + value + b")"

    return _CREATION_DATE.sub(fixed, pdf)
