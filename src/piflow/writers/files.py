"""Safe file output: atomic replace, never over an input, folders created."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class OutputError(Exception):
    """An output path that cannot or must not be written."""


def write_atomic(path: str | Path, data: bytes, inputs: tuple[str | Path, ...] = ()) -> Path:
    """Write ``data`` to ``path`` via a temporary file and rename.

    On failure the previous file (if any) is intact.  Refuses to write over any
    of ``inputs``.
    """
    target = Path(path)
    try:
        resolved = target.resolve()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise OutputError(f"書き込めません (cannot write) {str(target)!r}: {exc}") from None
    for source in inputs:
        if Path(source).resolve() == resolved:
            raise OutputError(f"出力先が入力ファイルと同じです (output would overwrite the input): {target}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except (OSError, ValueError) as exc:
        raise OutputError(f"書き込めません (cannot write) {target}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"書き込めません (cannot write) {target}: {exc.strerror}") from None
    finally:
        # Every way out (a full disk, Ctrl+C, SystemExit) leaves no .x.tmp behind; after a
        # successful replace the temporary name no longer exists.
        Path(tmp).unlink(missing_ok=True)
    return target
