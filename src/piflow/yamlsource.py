"""Read a flow file's bytes into plain data plus the position of every value.

PyYAML's composer gives nodes with marks; we walk them ourselves instead of
constructing, which lets us (a) never build arbitrary objects, (b) bound what
aliases may expand to (billion-laughs), (c) reject duplicate keys, and
(d) remember ``path -> (line, column)`` for located error messages.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import yaml

from piflow.diagnostics import Diagnostic, InputError

MAX_BYTES = 5 * 1024 * 1024  # a real flow file is a few kB; 10,000 steps are about 1.2 MB
MAX_SIZE_ENV = "PIFLOW_MAX_SIZE"  # in MB: raises the limit for generated flows (100,000 steps are 11.6 MB)
# Values (scalars, lists, mappings) per byte of the size limit: real flows hold one per 8-20 bytes
# (0.05-0.13 a byte); a file of bare "1,1,1,…" one per 2.  Counted while the events stream by, so
# 2.5 million values in 5 MB are refused in a second with no node built (it took 1.5 GB before).
BYTES_PER_VALUE = 5
MAX_ALIAS_EXPANSION = 100_000  # values built again because an alias (*x) repeats them
MAX_DEPTH = 64
MAX_ALIASES = 1_000
_DEPTH_JA, _DEPTH_EN = f"入れ子が深すぎます（{MAX_DEPTH} 段まで）", f"nesting deeper than {MAX_DEPTH}"
# The YAML library's own limits (PyYAML 6.0.4 and later: "exceeded maximum nesting depth"): ours are lower,
# so meeting one of theirs means ours was passed too.
_LIBRARY_LIMIT = re.compile(r"nesting depth|maximum nesting|too deep", re.I)

MAX_LISTED = 20  # located forbidden characters per file; the rest are counted (fewer than the printed cap)

Path = tuple  # tuple[str | int, ...]

# Characters no writer can carry: C0 controls but tab/newline/CR (XML 1.0 forbids them, so
# XLSX/DOCX/SVG would fail), DEL and C1 controls, lone surrogates, U+FFFE/U+FFFF.  Refused
# both as typed (libyaml would only say "position 30") and as written with escapes ("\x01").
# Bidirectional embeddings, overrides and isolates too (U+202A-202E, U+2066-2069): they make a label
# print in another order than it was written ("Trojan Source"), in a figure, a form or a file name.
# The line and paragraph separators U+2028/U+2029: YAML counts them as line breaks and editors do not,
# so every line number after one would be wrong.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
                       "\ud800-\udfff\ufffe\uffff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass
class Source:
    """A parsed file: the data and where each path sits (1-based)."""

    file: str
    data: object
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``, falling back to its nearest located ancestor."""
        path = tuple(path)
        while True:
            if key and path in self.key_positions:
                return self.key_positions[path]
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def place(self, path: Path) -> str:
        """Where ``path`` is, for a person: ``flows/x.yaml:24:5``."""
        line, col = self.where(path)
        return f"{self.file}:{line}:{col}"

    def words(self, text: str) -> str:
        """A fix text in this input's words (a flow file's keys: measures, waivers …)."""
        return text


def dotted(loc: tuple) -> str:
    """("scenarios", 0, "steps", 1, "text") -> scenarios[0].steps[1].text, as messages name a field."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(先頭)"


def _diag(file: str, code: str, ja: str, en: str, line: int = 1, col: int = 1, hint: str = "") -> Diagnostic:
    return Diagnostic(file, line, col, code, ja, en, hint)


def max_bytes() -> int:
    """The size limit in bytes: 5 MB, or ``PIFLOW_MAX_SIZE`` megabytes (1-1024)."""
    import os


    value = os.environ.get(MAX_SIZE_ENV, "").strip()
    if not value:
        return MAX_BYTES
    try:
        mb = float(value)
    except ValueError:
        mb = 0.0
    if not 1 <= mb <= 1024:
        raise InputError([_diag(MAX_SIZE_ENV, "P005", f"環境変数 {MAX_SIZE_ENV}={value} は 1〜1024 の数 (MB) で指定してください",
                                f"{MAX_SIZE_ENV} must be a number of megabytes from 1 to 1024")])
    return int(mb * 1024 * 1024)


def max_values() -> int:
    """How many values a file may hold: one per BYTES_PER_VALUE bytes of the size limit (1,048,576 at 5 MB)."""
    return max_bytes() // BYTES_PER_VALUE


def too_large(file: str) -> Diagnostic:
    limit = max_bytes() / 1024 / 1024
    return _diag(file, "P005", f"ファイルが大きすぎます（{limit:g} MB まで）", f"file too large (limit {limit:g} MB)",
                 hint=f"大きな生成フローは環境変数 {MAX_SIZE_ENV}（MB 単位）で上限を上げられます "
                      f"(raise the limit with {MAX_SIZE_ENV}=20)")


def _forbidden_message(char: str) -> tuple[str, str, str]:
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return (f"NUL 文字 ({code}) があります。テキストファイルでないか、壊れているかもしれません",
                f"NUL character ({code}): not a text file?",
                "フローファイルは UTF-8 のテキストで保存してください (save the flow as UTF-8 text)")
    if char in "\u2028\u2029":
        return (f"行区切りの文字 ({code}) があります。エディタと行番号が食い違います",
                f"line or paragraph separator {code} (YAML counts it as a line break, editors do not)",
                "目に見えない文字です。その位置の文字を消すか、改行にしてください (an invisible character: delete it)")
    if _BIDI.match(char):
        return (f"文字の並ぶ向きを変える制御文字 ({code}) があります。表示と実際の文字の順番が食い違います",
                f"bidirectional control character {code} (text would print in another order than it reads)",
                "目に見えない文字です。その位置の文字を消してください (an invisible character: delete it)")
    return (f"使えない制御文字 ({code}) があります", f"control character {code} is not allowed",
            "目に見えない文字です。その位置の文字を消してください (an invisible character: delete it)")


def forbidden_characters(file: str, text: str) -> list[Diagnostic]:
    """Located diagnostics for characters that no output can hold, typed into the file as they are."""
    errors: list[Diagnostic] = []
    line, line_start, more = 1, 0, 0
    for m in FORBIDDEN.finditer(text):
        if len(errors) >= MAX_LISTED:
            more += 1
            continue
        line += text.count("\n", line_start, m.start())
        line_start = text.rfind("\n", 0, m.start()) + 1
        ja, en, hint = _forbidden_message(m.group())
        errors.append(_diag(file, "P003", f"YAML として読めません: {ja}", en, line, m.start() - line_start + 1, hint))
    if more:
        last = errors[-1]
        errors.append(_diag(file, "P003", f"…ほかにも使えない文字が {more} 個あります", f"and {more} more",
                            last.line, last.column))
    return errors


# How a ward PC saves a file as UTF-8 (Notepad and VS Code are what staff have; iconv is not).
SAVE_AS_UTF8 = (
    "UTF-8 で保存し直してください (save the file as UTF-8):\n"
    "      メモ帳: 「ファイル」→「名前を付けて保存」で、下の「エンコード」を「UTF-8」にして保存\n"
    "      VS Code: 右下の文字コード（「UTF-8」と出ていれば文字化けしています）をクリック →\n"
    "        「エンコード付きで再度開く」→「Japanese (Shift JIS)」で正しく表示させてから、もう一度クリック →\n"
    "        「エンコード付きで保存」→「UTF-8」\n"
    "      (Notepad: File > Save As, Encoding: UTF-8.  VS Code: Reopen with Encoding > Shift JIS, then Save with "
    "Encoding > UTF-8)"
)


def decode(file: str, raw: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text.  UTF-8 (with or without BOM) and UTF-16 with BOM are accepted."""
    if len(raw) > max_bytes():
        return None, [too_large(file)]
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE starts both
        return None, [_diag(file, "P002", "UTF-32 で保存されています。UTF-8 で保存し直してください",
                            "UTF-32 is not supported; save the file as UTF-8",
                            hint="エディタで「UTF-8」を選んで保存し直してください (save the file as UTF-8)")]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            return None, [_diag(file, "P002", "UTF-16 として読めません", "invalid UTF-16")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "エディタで「UTF-8」を選んで保存し直してください (save the file as UTF-8)"
        try:
            raw.decode("cp932")
        except UnicodeDecodeError:
            ja, en = "UTF-8 として読めない文字があります", "not valid UTF-8"
        else:
            ja = "Shift_JIS (CP932) で保存されているようです。UTF-8 で保存し直してください"
            en = "the file looks like Shift_JIS/CP932; piflow reads UTF-8"
            hint = SAVE_AS_UTF8
        return None, [_diag(file, "P002", ja, en, line, col, hint)]


class _Walker:
    def __init__(self, file: str, loader: yaml.SafeLoader):
        self.file = file
        self.loader = loader
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self.nodes = 0
        self.max_values = max_values()
        self.built: set[int] = set()
        self.stack: set[int] = set()

    def at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path, depth: int) -> object:
        self.nodes += 1
        self.built.add(id(node))
        if self.nodes > self.max_values:
            raise _Limit(*_too_many(self.max_values), node)
        if self.nodes - len(self.built) > MAX_ALIAS_EXPANSION:
            raise _Limit("エイリアス (*) の展開が大きすぎます", "alias expansion too large (billion laughs?)", node)
        if depth > MAX_DEPTH:
            raise _Limit(_DEPTH_JA, _DEPTH_EN, node)
        if id(node) in self.stack:
            raise _Limit("エイリアスが自分自身を参照しています", "recursive alias", node)
        self.positions.setdefault(path, self.at(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        self.stack.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != "tag:yaml.org,2002:seq":
                    self.bad_tag(node.tag, node)
                return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
            return self.mapping(node, path, depth)
        finally:
            self.stack.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, path: Path) -> object:
        tag = node.tag
        if tag.startswith("tag:yaml.org,2002:") and tag.rsplit(":", 1)[1] in {
            "str", "int", "float", "bool", "null", "timestamp",
        }:
            if tag.endswith(":timestamp"):
                # Dates and times stay text (the model wants 「令和8年1月」 as much as 2026-01), never
                # constructed: 2026-02-30 is no date, but it is what the author wrote.
                self.check_text(node.value, node, path)
                return node.value
            try:
                value = self.loader.construct_object(node, deep=False)
            except (ValueError, KeyError, OverflowError, yaml.YAMLError) as exc:  # !!int abc, !!bool maybe, 5,000 digits
                line, col = self.at(node)
                shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
                kind = tag.rsplit(":", 1)[1]
                self.errors.append(_diag(self.file, "P101", f"{dotted(path)}: 値「{shown}」を {kind} として読めません",
                                         f"cannot read {shown!r} as {kind}: {type(exc).__name__}", line, col,
                                         f'文字として書くときは "{shown}" のように引用符で囲んでください (quote it to mean text)'))
                return None
            if isinstance(value, str):
                self.check_text(value, node, path)
            return value
        self.bad_tag(tag, node, "タグ（! で始まる語）を消してください (remove the tag)")
        return None

    def bad_tag(self, tag: str, node: yaml.Node, hint: str = "") -> None:
        """P006 at the node; a tag is shown to 80 characters (a 100,000-character tag is not echoed whole)."""
        shown = tag if len(tag) <= 80 else tag[:80] + "…"
        line, col = self.at(node)
        self.errors.append(_diag(self.file, "P006", f"YAML タグ {shown} は使えません", f"unsupported tag {shown}", line, col,
                                 hint))

    def check_text(self, value: str, node: yaml.Node, path: Path) -> None:
        """Escapes ("\\x01", "\\uffff") let YAML carry what no writer can; refuse them here."""
        m = FORBIDDEN.search(value)
        if m:
            ja, en, _ = _forbidden_message(m.group())
            line, col = self.at(node)
            escape = f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04X}"
            self.errors.append(_diag(self.file, "P101", f"{dotted(path)}: {ja}（エスケープ「{escape}」など）", en,
                                     line, col, "その文字を消してください (remove the character)"))

    def mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict:
        if node.tag != "tag:yaml.org,2002:map":
            self.bad_tag(node.tag, node)
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = self.at(key_node)
                self.errors.append(_diag(self.file, "P007", "キーは文字で書いてください", "keys must be scalars", line, col))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = self.at(key_node)
                self.errors.append(_diag(self.file, "P006", "マージキー << は使えません", "merge keys (<<) are not supported",
                                         line, col, "項目を書き出してください (write the keys out)"))
                continue
            key = key_node.value
            self.check_text(key, key_node, (*path, key))
            typo = _MISTYPED_KEY.fullmatch(key) if not key_node.style else None  # plain, not "quoted"
            if typo:
                key, value_node = self.mistyped_key(typo, key_node, value_node)
                if key in result:
                    continue
            if key in result:
                line, col = self.at(key_node)
                first = self.key_positions.get((*path, key), (0, 0))[0]
                self.errors.append(_diag(self.file, "P004", f"キー「{key}」が重複しています（{first} 行目にもあります）",
                                         f"duplicate key {key!r}", line, col, "どちらか一方を消してください (remove one)"))
                continue
            self.key_positions[(*path, key)] = self.at(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result


    def mistyped_key(self, typo: re.Match, key_node: yaml.ScalarNode, value_node: yaml.Node):
        """``text：抽出`` read as one key: report it where the mistake is, and go on as if it were ``text: 抽出``.

        Going on spares the user a second, misleading error ("text is missing") for the same typo.
        """
        name, sep, rest = typo.group("name", "sep", "rest")
        line, col = self.at(key_node)
        kind = "colon" if "：" in sep else ("space_after" if ":" in sep else "space_before")
        ja, en, hint = _TYPO_MESSAGES[kind]
        at = typo.start("sep") + len(sep) - len(sep.lstrip(" \u3000")) if kind != "space_before" else typo.start("sep")
        self.errors.append(_diag(self.file, "P003", ja, en, line, col + at + (kind == "space_after"), hint))
        if rest and isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null"):
            value_node = yaml.ScalarNode("tag:yaml.org,2002:str", rest, key_node.start_mark, key_node.end_mark)
        return name, value_node


# Full-width characters typed where YAML needs ASCII: an IME left on while typing "key: value" or the
# indentation.  Keys of a flow file are ASCII, so an ASCII word followed by these is always a typo.
_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_MISTYPED_KEY = re.compile(rf"(?P<name>{_KEY})(?P<sep>[ \u3000]*：[ \u3000]*|:\u3000[ \u3000]*|\u3000+$)(?P<rest>.*)", re.S)
_TYPED_KEY = re.compile(rf"(?:^[ ]*(?:-[ ]+)?|[{{,][ ]*){_KEY}(?P<sep>[ \u3000]*：|:\u3000)")
_INDENT = re.compile(r"^[ \u3000\t]*")
TYPO_WINDOW = 3  # libyaml notices a typo at most a few lines after it (one line, in practice)

_SPACES_HINT = "その行の行頭の空白を消し、半角スペースで打ち直してください (retype the indentation with half-width spaces)"
_TYPO_MESSAGES = {
    "indent_fullwidth": ("字下げに全角スペース「　」が入っています。字下げは半角スペースで書いてください",
                         "indentation contains a full-width space (U+3000)", _SPACES_HINT),
    "indent_tab": ("字下げにタブが入っています。字下げは半角スペースで書いてください", "indentation contains a tab",
                   "VS Code ならコマンドパレット（Ctrl+Shift+P）の「インデントをスペースに変換」で直せます "
                   "(VS Code: Convert Indentation to Spaces)"),
    "colon": ("全角のコロン「：」になっています。キーの後ろは半角の「: 」（コロンと半角スペース）にしてください",
              "full-width colon after a key; write ': '", "日本語入力を切ってから「: 」を打ち直してください (retype with the IME off)"),
    "space_after": ("「:」の後ろが全角スペースです。半角スペースにしてください", "full-width space after ':'",
                    "日本語入力を切ってから「: 」を打ち直してください (retype with the IME off)"),
    "space_before": ("キーの後ろに全角スペースがあります。消してください", "full-width space after a key",
                     "キーと「: 」の間には何も書きません (nothing between the key and ': ')"),
}


def typed_mistake(text: str, error_line: int):
    """The full-width space, full-width colon or tab nearest above a YAML syntax error, if any.

    libyaml reports these a line late and in terms of tokens; a staff member needs the line
    where the character is and what to type instead.  Only lines just above the error are
    looked at: a full-width space inside a multi-line text far away is not this error's cause.
    Returns ((line, column), (ja, en, hint)) or None.
    """
    lines = text.split("\n")
    for number in range(min(error_line, len(lines)), max(0, error_line - TYPO_WINDOW) - 1, -1):
        line = lines[number - 1] if number >= 1 else ""
        indent = _INDENT.match(line).group()
        if line[len(indent):].strip() and ("\u3000" in indent or "\t" in indent):
            kind = "indent_fullwidth" if "\u3000" in indent else "indent_tab"
            col = min(i for i in (indent.find("\u3000"), indent.find("\t")) if i >= 0) + 1
            return (number, col), _TYPO_MESSAGES[kind]
        m = _TYPED_KEY.search(line)
        if m:
            sep = m.group("sep")
            kind = "colon" if "：" in sep else "space_after"
            # the column of the wrong character itself: the ：, or the full-width space after ':'
            at = m.start("sep") + len(sep) - len(sep.lstrip(" \u3000")) + (kind == "space_after")
            return (number, at + 1), _TYPO_MESSAGES[kind]
    return None


class _Limit(Exception):
    def __init__(self, ja: str, en: str, node: yaml.Node):
        super().__init__(en)
        self.ja, self.en, self.node = ja, en, node


# libyaml (C) when PyYAML was built with it: ~20x faster than the pure-Python parser.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _prescan(text: str) -> None:
    """Walk the event stream once (cheap, no nodes built) to bound aliases and depth.

    This runs before composing so that an alias bomb or a pathologically deep file
    is refused before any memory is spent on it, and so that the C composer never
    recurses deeper than we allow.
    """
    loader = _Loader(text)
    limit = max_values()
    try:
        depth = aliases = values = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                values += 1
                if values > limit:
                    raise _Limit(*_too_many(limit), _mark_node(event))
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Limit(_DEPTH_JA, _DEPTH_EN, _mark_node(event))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _Limit(f"エイリアス (*) が多すぎます（{MAX_ALIASES} 個まで）", "too many aliases", _mark_node(event))
    finally:
        loader.dispose()


def _too_many(limit: int) -> tuple[str, str]:
    return (f"値が多すぎます（{limit:,} 個まで）。大きな生成フローは環境変数 {MAX_SIZE_ENV} で上限を上げられます",
            f"too many values (limit {limit:,}; {MAX_SIZE_ENV} raises it)")


def _mark_node(event) -> yaml.Node:
    return yaml.ScalarNode("tag:yaml.org,2002:str", "", event.start_mark, event.end_mark)


def parse(file: str, text: str) -> tuple[Source | None, list[Diagnostic]]:
    """Text -> Source, or the diagnostics explaining why not."""
    if len(text) > max_bytes() or len(text.encode("utf-8", "surrogatepass")) > max_bytes():
        return None, [too_large(file)]
    forbidden = forbidden_characters(file, text)
    if forbidden:
        return None, forbidden
    loader = _Loader(text)
    try:
        try:
            _prescan(text)
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = exc.problem or "syntax error"
            if _LIBRARY_LIMIT.search(problem):
                # PyYAML >= 6.0.4 has a depth limit of its own, met while scanning ahead, before our
                # count of events can see depth 65: the same limit, so the same code and message.
                return None, [_diag(file, "P005", _DEPTH_JA, _DEPTH_EN, line, col)]
            typo = typed_mistake(text, line)
            if typo:
                (line, col), (ja, en, hint) = typo
                return None, [_diag(file, "P003", ja, f"{en}; YAML: {problem}", line, col, hint)]
            return None, [_diag(file, "P003", f"YAML として読めません: {problem}", f"YAML syntax error: {problem}",
                                line, col, _syntax_hint(problem))]
        except yaml.YAMLError as exc:
            return None, [_diag(file, "P003", f"YAML として読めません: {exc}", "YAML error")]
        except RecursionError:
            return None, [_diag(file, "P005", _DEPTH_JA, _DEPTH_EN)]
        except _Limit as exc:
            line, col = exc.node.start_mark.line + 1, exc.node.start_mark.column + 1
            return None, [_diag(file, "P005", exc.ja, exc.en, line, col)]
        if node is None:
            return None, [_diag(file, "P007", "ファイルが空です", "the file is empty",
                                hint="piflow init で雛形を作れます (piflow init makes a template)")]
        walker = _Walker(file, loader)
        try:
            data = walker.build(node, (), 0)
        except _Limit as exc:
            line, col = walker.at(exc.node)
            return None, [_diag(file, "P005", exc.ja, exc.en, line, col)]
        except RecursionError:
            return None, [_diag(file, "P005", _DEPTH_JA, _DEPTH_EN)]
    finally:
        loader.dispose()
    source = Source(file, data, walker.positions, walker.key_positions)
    return source, walker.errors


def _syntax_hint(problem: str) -> str:
    if "tab" in problem or "'\\t'" in problem:
        return "字下げにはタブでなく半角スペースを使ってください (indent with spaces, not tabs)"
    if "mapping values" in problem:
        return "「キー: 値」の値にコロンを含むときは値を引用符で囲んでください (quote values that contain ': ')"
    if "indentation" in problem or "expected <block end>" in problem:
        return "字下げ（先頭の空白の数）がそろっているか確認してください (check the indentation)"
    return ""
