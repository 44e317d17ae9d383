"""A theme file is input, like a flow file: every value is checked before it reaches a figure.

Themes travel between sections like flows, and their values end up inside SVG attributes, the HTML
report and the DOCX.  So a theme may only hold what a figure needs, in a safe shape: font families
from a plain character set, colours as #rrggbb or a colour name, sizes and line widths in ranges, line
styles Graphviz knows.  Keys are those of the built-in default theme (lanes by role).  Every problem is
located in the theme file (P101 a value, P102 a key), with a suggestion.
"""

from __future__ import annotations

import re

from piflow.diagnostics import Diagnostic
from piflow.textnorm import did_you_mean
from piflow.vocab import Role
from piflow.yamlsource import Source, dotted

# Font family names as fonts are named (BIZ UDPGothic, Noto Sans CJK JP, 游ゴシック), comma-separated:
# letters of any script, digits, spaces, - . _ and the comma.  No quote, <, >, &, = or ; can pass.
_FONT = re.compile(r"^[\w .\-,\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]{1,200}$")
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[a-zA-Z]{3,20})$")
_STYLES = {"solid", "dashed", "dotted", "bold", "invis", "tapered"}
_TEXT = re.compile(r"^[^\x00-\x1f\x7f-\x9f<>&\"'\u202a-\u202e\u2066-\u2069]{0,80}$")
_SIZES = {"fontsize": (6, 24), "small_fontsize": (5, 20), "title_fontsize": (8, 36)}
_COLOUR_KEYS = {"fill", "border", "color", "background", "text", "added", "changed", "removed"}


def check(source: Source, default: dict) -> list[Diagnostic]:
    """Located problems of a user's theme (its own data, before it is merged over ``default``)."""
    problems: list[Diagnostic] = []

    def bad(path: tuple, code: str, ja: str, en: str, hint: str = "", key: bool = False) -> None:
        line, col = source.where(path, key=key)
        problems.append(Diagnostic(source.file, line, col, code, f"{dotted(path)}: {ja}", en, hint))

    def walk(value: object, shape: object, path: tuple) -> None:
        name = path[-1] if path else ""
        if isinstance(shape, dict):
            if not isinstance(value, dict):
                bad(path, "P101", "「キー: 値」の形で書いてください", "expected a mapping")
                return
            allowed = _lane_keys() if path == ("lanes",) else list(shape)
            for key, item in value.items():
                if key not in allowed:
                    bad((*path, key), "P102", f"テーマに「{key}」というキーはありません", f"unknown theme key {key!r}",
                        did_you_mean(str(key), allowed) or f"使えるキー (allowed): {', '.join(allowed)}", key=True)
                    continue
                walk(item, _shape_of(shape, key, path), (*path, key))
            return
        leaf(value, name, path)

    def leaf(value: object, name: str, path: tuple) -> None:
        if name == "font":
            if not (isinstance(value, str) and _FONT.match(value)):
                bad(path, "P101", "フォント名は文字・数字・空白・「-」「.」「_」と、区切りの「,」で書いてください",
                    "a font list holds letters, digits, spaces, - . _ and commas only",
                    '例 (e.g.): font: "BIZ UDPGothic,Noto Sans CJK JP,sans-serif"')
        elif name in _SIZES:
            low, high = _SIZES[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                bad(path, "P101", f"文字の大きさは {low}〜{high} (pt) の数で書いてください",
                    f"a font size is a number from {low} to {high}")
        elif name in _COLOUR_KEYS:
            if not (isinstance(value, str) and _COLOUR.match(value)):
                bad(path, "P101", "色は #rrggbb（例: #2b6cb0）か色の名前（例: black）で書いてください",
                    "a colour is #rrggbb or a colour name", '例 (e.g.): color: "#2b6cb0"')
        elif name == "penwidth":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.1 <= value <= 10:
                bad(path, "P101", "線の太さは 0.1〜10 の数で書いてください", "a line width is a number from 0.1 to 10")
        elif name == "style":
            parts = value.split(",") if isinstance(value, str) else [None]
            if not parts or any(p not in _STYLES for p in parts):
                bad(path, "P101", f"線の種類は {'・'.join(sorted(_STYLES))} を「,」でつないで書いてください",
                    "a line style is one or more of " + ", ".join(sorted(_STYLES)), "例 (e.g.): style: \"bold,dashed\"")
        elif name == "lane_order":
            roles = [r.value for r in Role]
            if not isinstance(value, list) or any(item not in roles for item in value):
                bad(path, "P101", f"lane_order は役割のリストで書いてください（{'、'.join(roles)}）",
                    "lane_order is a list of roles")
        elif not (isinstance(value, str) and _TEXT.match(value)):  # name, a legend label
            bad(path, "P101", "80 文字までの文字で書いてください（制御文字・< > & \" ' は使えません）",
                "expected text of at most 80 characters, without control characters or markup")

    walk(source.data, default, ())
    return problems


def _lane_keys() -> list[str]:
    return [r.value for r in Role]


def _shape_of(shape: object, key: str, path: tuple) -> object:
    if path == ("lanes",):
        return {"fill": "", "border": ""}
    return shape.get(key) if isinstance(shape, dict) else None
