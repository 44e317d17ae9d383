"""Safe file output: atomic replace, never over an input, folders created.

One rule for every command (README, 「出力ファイルの扱い」):
- a file the user edits (a flow file, a workbook form) is never replaced unless asked (``replace=False``
  unless the command was given --force);
- a generated output (figure, report, checklist) is replaced atomically, keeping the existing file's mode;
- a read-only file is never replaced, whatever was asked.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class OutputError(Exception):
    """An output path that cannot or must not be written."""


def write_atomic(path: str | Path, data: bytes, inputs: tuple[str | Path, ...] = (), *, replace: bool = True) -> Path:
    """Write ``data`` to ``path`` via a temporary file and rename.

    On failure the previous file (if any) is intact.  Refuses to write over any of ``inputs``, over a
    read-only file, and (``replace=False``) over any existing file; an existing file's mode is kept.
    """
    target = Path(path)
    try:
        resolved = target.resolve()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise OutputError(f"書き込めません (cannot write) {str(target)!r}: {exc}") from None
    for source in inputs:
        if Path(source).resolve() == resolved:
            raise OutputError(f"出力先が入力ファイルと同じです (output would overwrite the input): {target}")
    mode = _existing_mode(target, replace)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except (OSError, ValueError) as exc:
        raise OutputError(f"書き込めません (cannot write) {target}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)  # mkstemp makes 0600
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"書き込めません (cannot write) {target}: {exc.strerror}") from None
    finally:
        # Every way out (a full disk, Ctrl+C, SystemExit) leaves no .x.tmp behind; after a
        # successful replace the temporary name no longer exists.
        Path(tmp).unlink(missing_ok=True)
    return target


def _existing_mode(target: Path, replace: bool) -> int | None:
    """The mode to keep when ``target`` exists (None when it does not); refuses what must not be replaced."""
    try:
        info = target.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"書き込めません (cannot write) {target}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"通常のファイルではないので書きません (not a regular file): {target}")
    if not replace:
        raise OutputError(f"{target} は既にあります。上書きしません。置き換えるときは --force をつけてください "
                          f"(exists; not overwritten without --force)")
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError(f"{target} は書き込み禁止（読み取り専用）なので上書きしません。別の名前を -o で指定するか、"
                          f"書き込みを許してください (read-only; not overwritten)")
    return stat.S_IMODE(info.st_mode)
