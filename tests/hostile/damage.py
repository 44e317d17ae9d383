"""The seeded damager of issue 25: the bundled example workbooks and flow files, broken as they arrive broken.

Used by tests/test_hostile_damaged.py; a seed names every case, so a failure reproduces.
"""

from __future__ import annotations

import io
import random
import re
import zipfile


def damage_book(raw: bytes, rng: random.Random) -> bytes:
    """One of the ways a workbook arrives broken: bytes flipped or cut, a part garbled, missing or cut short."""
    how = rng.randrange(6)
    if how == 0:  # bytes flipped anywhere (often inside a deflated part: zlib errors)
        data = bytearray(raw)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == 1:  # the download was cut short
        return raw[: rng.randrange(len(raw))]
    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    name = rng.choice(sorted(parts))
    if how == 2:  # a part missing
        del parts[name]
    elif how == 3:  # a part cut short: XML that does not close (ParseError)
        parts[name] = parts[name][: rng.randrange(max(1, len(parts[name])))]
    elif how == 4:  # a part replaced by garbage
        parts[name] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    else:  # a value garbled inside a sheet: numbers, styles and references that do not parse (ValueError)
        sheets = [n for n in parts if n.startswith("xl/worksheets/")] or [name]
        name = rng.choice(sheets)
        text = parts[name].decode("utf-8", "replace")
        for attr in ("r", "s", "t", "ref", "sqref"):
            text = re.sub(rf'{attr}="[^"]*"', lambda m: f'{attr}="{rng.choice(["", "-1", "ZZZ0", "1e999", "x"])}"'
                          if rng.random() < 0.3 else m.group(), text)
        parts[name] = text.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for part, data in parts.items():
            dst.writestr(part, data)
    return out.getvalue()


_YAML_TOKENS = ["- ", ": ", "[", "]", "{", "}", "&a ", "*a", "!!int ", "!!binary ", "? ", "|", ">", "#", "'", '"',
                "\t", "\u3000", "：", "2026-02-30", "1" + "0" * 5000, "~", "null", "yes", "0x1F", ".inf", "<<: *a"]


def damage_yaml(text: str, rng: random.Random) -> bytes:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        how = rng.randrange(5)
        i = rng.randrange(len(lines))
        if how == 0:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif how == 2:
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + rng.choice(_YAML_TOKENS) + lines[i][j:]
        elif how == 3:
            lines[i] = " " * rng.randint(0, 7) + lines[i].lstrip()
        else:
            lines = lines[: i + 1]
    raw = "\n".join(lines).encode("utf-8")
    if rng.random() < 0.1:  # a byte that is not UTF-8
        k = rng.randrange(len(raw) + 1)
        raw = raw[:k] + bytes([rng.randrange(128, 256)]) + raw[k:]
    return raw
