"""How piflow stops on a signal: Ctrl+C (SIGINT) and SIGTERM end the run the same way, through the
cleanup that KeyboardInterrupt already takes (dot processes killed, layout workers stopped, temporary
files removed), and exit 130 or 143 as a shell expects.  Layout workers watch the piflow process that
started them, so a parent killed outright (SIGKILL) leaves no worker running."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time

INTERRUPTED = 130  # 128 + SIGINT
TERMINATED = 143  # 128 + SIGTERM
WATCH_SECONDS = 0.5


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the main thread is, so every ``except KeyboardInterrupt`` cleans up for it too."""


def _on_sigterm(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM while cleaning up ends it at once
    raise Terminated()


def install() -> None:
    """SIGTERM as Terminated, for the main process of a command (not for workers)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


def exit_code(exc: KeyboardInterrupt) -> int:
    return TERMINATED if isinstance(exc, Terminated) else INTERRUPTED


def _alive(pid: int) -> bool:
    """Running (not merely not yet reaped: a killed parent stays a zombie until its own parent waits for it,
    and whoever waits may be waiting for our end of its pipes)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        pass  # no /proc (macOS, Windows): ask the kernel
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's (the pid was reused): treat as gone
        return False
    return True


def worker_start(parent: int, leftovers: str | None = None) -> None:
    """In a worker process: leave Ctrl+C to the parent (which stops the run), and end when the parent is gone,
    removing ``leftovers`` (multiprocessing's pymp-* folder, which only the parent would have removed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while _alive(parent):
            time.sleep(WATCH_SECONDS)
        if leftovers:
            shutil.rmtree(leftovers, ignore_errors=True)
        os._exit(1)

    if os.name == "posix":  # os.kill(pid, 0) on Windows sends CTRL_C_EVENT; a spawned pool ends with its pipes there
        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
