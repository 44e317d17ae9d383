"""Reading an input file's bytes safely: the one place every source (flow, workbook, policy, pack) reads from.

Regular files only (opening a FIFO or /dev/zero would block or never end), never more than the size
limit, and every failure a located P001 with a suggestion.
"""

from __future__ import annotations

import stat
from pathlib import Path

from piflow.diagnostics import Diagnostic, InputError
from piflow.textnorm import did_you_mean
from piflow.yamlsource import FORBIDDEN, max_bytes, too_large


def read_bytes(name: str) -> bytes:
    """The file's bytes: regular files only (not /dev/zero, a FIFO or a socket), never more than the limit."""
    p = Path(name)
    if not name.strip():  # an unset variable in a script ("$FILE"): Path("") would be the current folder
        raise InputError([Diagnostic('""', 1, 1, "P001", "ファイル名が空です", "an empty file name",
                                     "読むファイルを指定してください (name the file to read)")])
    if FORBIDDEN.search(name):  # the path lands in every output (file:line); XLSX/DOCX cannot hold it
        shown = FORBIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}", name)
        raise InputError([Diagnostic(shown, 1, 1, "P001", "ファイル名に制御文字が入っています。名前を変えてください",
                                     "the file name contains a control character; rename the file")])
    try:
        if p.is_dir():
            raise InputError([Diagnostic(name, 1, 1, "P001", "フォルダです。フローファイル (.yaml) を指定してください",
                                         "is a directory")])
        if not stat.S_ISREG(p.stat().st_mode):  # stat first: opening a FIFO would block
            raise InputError([Diagnostic(name, 1, 1, "P001", "通常のファイルではありません（デバイスや名前付きパイプは読めません）",
                                         "not a regular file")])
        limit = max_bytes()
        with p.open("rb") as fh:
            raw = fh.read(limit + 1)  # bounded even if the file grows while we read it
        if len(raw) > limit:  # refuse before reading it all into memory
            raise InputError([too_large(name)])
        return raw
    except FileNotFoundError:
        near = did_you_mean(p.name, [c.name for c in p.parent.glob("*")] if p.parent.is_dir() else [])
        raise InputError([Diagnostic(name, 1, 1, "P001", "ファイルが見つかりません", "no such file", near)]) from None
    except PermissionError:
        raise InputError([Diagnostic(name, 1, 1, "P001", "ファイルを読む権限がありません", "permission denied")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(name, 1, 1, "P001", f"ファイルを読めません: {exc.strerror}", str(exc))]) from None
