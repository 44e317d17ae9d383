"""Figure themes: plain data (styles/*.yaml) merged over the default."""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from pathlib import Path

from piflow import bundled
from piflow.diagnostics import Diagnostic, InputError
from piflow.draw.themecheck import check as check_theme


def _read_builtin(name: str) -> dict | None:
    parsed = _parse_builtin(name)
    return copy.deepcopy(parsed) if parsed is not None else None  # callers get their own copy


@cache
def _parse_builtin(name: str) -> dict | None:
    # Parsed once per process: a batch draw or report uses the theme for every figure.
    res = resources.files("piflow.styles").joinpath(f"{name}.yaml")
    if not res.is_file():
        return None
    return bundled.parse_yaml(res.read_text(encoding="utf-8")) or {}


def builtin_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("piflow.styles").iterdir() if p.name.endswith(".yaml"))


def merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_style(name_or_path: str | None) -> dict:
    """The default theme, with a built-in theme name or a YAML file merged over it."""
    base = _read_builtin("default") or {}
    if not name_or_path or name_or_path == "default":
        return base
    builtin = _read_builtin(name_or_path) if "/" not in name_or_path and not name_or_path.endswith((".yaml", ".yml")) else None
    if builtin is not None:
        return merge(base, builtin)
    path = Path(name_or_path)
    if not path.is_file():
        from piflow.textnorm import did_you_mean

        raise InputError([Diagnostic(name_or_path, 1, 1, "P001", "テーマが見つかりません（名前またはファイル）",
                                     "no such style name or file", did_you_mean(name_or_path, builtin_names())
                                     or f"組み込み (built-in): {', '.join(builtin_names())}")])
    # A user's theme is input like a flow file: the same bounded read and parser, located errors.
    from piflow.inputfile import read_bytes
    from piflow.yamlsource import decode, parse

    text, errors = decode(name_or_path, read_bytes(name_or_path))
    if text is not None and not text.strip():
        return base  # an empty theme changes nothing
    source, more = parse(name_or_path, text) if text is not None else (None, [])
    if source is None and [(d.code, d.message_en) for d in errors + more] == [("P007", "the file is empty")]:
        return base  # nothing but comments: changes nothing, as an empty theme
    if source is None or errors or more:
        raise InputError(errors + more)
    if not isinstance(source.data, dict):
        raise InputError([Diagnostic(name_or_path, 1, 1, "P007", "テーマは「キー: 値」の形で書いてください",
                                     "a style is a mapping")])
    problems = check_theme(source, base)
    if problems:
        raise InputError(problems)
    return merge(base, source.data)
