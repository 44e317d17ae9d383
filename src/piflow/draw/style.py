"""Figure themes: plain data (styles/*.yaml) merged over the default."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from piflow.diagnostics import Diagnostic, InputError


def _read_builtin(name: str) -> dict | None:
    res = resources.files("piflow.styles").joinpath(f"{name}.yaml")
    if not res.is_file():
        return None
    return yaml.safe_load(res.read_text(encoding="utf-8")) or {}


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
    try:
        user = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError([Diagnostic(name_or_path, 1, 1, "P003", "テーマファイルを読めません", str(exc))]) from None
    if not isinstance(user, dict):
        raise InputError([Diagnostic(name_or_path, 1, 1, "P007", "テーマは「キー: 値」の形で書いてください",
                                     "a style is a mapping")])
    return merge(base, user)
