"""Read a flow file's bytes into plain data plus the position of every value.

PyYAML's parser gives events with marks; we build the data from them ourselves
(no composed node tree, no constructor run over it), which lets us (a) never build
arbitrary objects, (b) bound what aliases may expand to (billion-laughs), (c) reject
duplicate keys, and (d) remember where every value and key is, compactly (``Marks``),
for located error messages.
"""

from __future__ import annotations

import codecs
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml
from yaml.composer import ComposerError

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


class Marks:
    """Where the values inside one mapping or list sit, compactly: one object a mapping or list, not a
    dictionary entry and a path a value (at 100,000 steps those took 400 MB).

    ``lines``: each entry's line and column, and for a mapping its key's line and column after them (four
    numbers an entry, two in a list); ``keys``: a mapping's key -> entry number, one dictionary shared by
    every mapping with the same keys; ``inner``: the entries' own ``Marks`` (None for a text or number).
    """

    __slots__ = ("lines", "keys", "inner")

    def __init__(self, lines: array, keys: dict[str, int] | None, inner: list[Marks | None] | None):
        self.lines, self.keys = lines, keys
        self.inner = inner if inner and any(m is not None for m in inner) else None


@dataclass(frozen=True)
class Positions:
    """The position of every value of a file (``at``: the top one's) and of every mapping key."""

    at: tuple[int, int]
    marks: Marks | None

    def where(self, path: Path, key: bool = False) -> tuple[int, int]:
        """The deepest value on ``path`` there is: its key's position if ``key`` and it is a mapping's, else its own."""
        found, marks = self.at, self.marks
        for part in path:
            if marks is None:
                break
            if marks.keys is not None:
                i = marks.keys.get(part)
                if i is None:
                    break
                at = 4 * i + 2 if key else 4 * i
                found = (marks.lines[at], marks.lines[at + 1])
            elif isinstance(part, int) and 0 <= part < len(marks.lines) // 2:
                i = part
                found = (marks.lines[2 * i], marks.lines[2 * i + 1])
            else:
                break
            marks = marks.inner[i] if marks.inner is not None else None
        return found


@dataclass
class Source:
    """A parsed file: the data and where each path sits (1-based).

    A YAML file's positions are ``yaml_positions``; a workbook's cells come as the two dictionaries.
    """

    file: str
    data: object
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    yaml_positions: Positions | None = None

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``, falling back to its nearest located ancestor."""
        if self.yaml_positions is not None:
            return self.yaml_positions.where(path, key)
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


_YAML_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _MERGE = (_YAML_TAG + t for t in ("str", "seq", "map", "merge"))
_PLAIN_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}
_NESTING = {yaml.SequenceStartEvent: 1, yaml.MappingStartEvent: 1, yaml.SequenceEndEvent: -1, yaml.MappingEndEvent: -1}
SHARED_TEXT = 40  # texts up to this long are kept once however often they occur (ids, channels: not step texts)


class _Walker:
    """The plain data and its positions, built straight from the parser's events.

    No node tree is composed (at 100,000 steps the composer's nodes and their marks took 600 MB, and
    the memory they left behind stayed with the process).  The events of an anchored value (``&x``)
    are kept and read again where an alias (``*x``) names it, so an alias is built again in place, as
    the composer's shared node was, with the anchored value's positions.  ``_prescan`` has already
    refused what the composer would (an undefined alias, a second document).
    """

    def __init__(self, file: str, loader: yaml.SafeLoader):
        self.file = file
        self.loader = loader
        self.errors: list[Diagnostic] = []
        self.max_values = max_values()
        self.nodes = 0  # values built, again at each alias
        self.once = 0  # values built whose events were not kept: each is built once
        self.kept: set[int] = set()  # the ids of the kept events (alive while the walk lasts)
        self.built: set[int] = set()  # the kept events built at least once
        self.anchors: dict[str, list[yaml.Event]] = {}  # anchor -> the events of its value
        self.open: list[list] = []  # [anchor, events, nesting] of anchored values still being read
        self.replays: list[Iterator[yaml.Event]] = []  # an alias's value, being read again
        self.stack: set[str] = set()  # anchors of the mappings and lists being built: an alias to one loops
        self.next_event = loader.get_event
        self.texts: dict[str, str] = {}
        self.tags: dict[tuple[str, tuple[bool, bool]], str] = {}
        self.key_sets: dict[tuple[str, ...], dict[str, int]] = {}

    def document(self) -> tuple[object, Positions] | None:
        """The single document's data and positions, or None for an empty stream."""
        self.take()  # stream start
        if isinstance(self.take(), yaml.StreamEndEvent):
            return None
        root = self.take()
        value, marks = self.build(root, (), 0)
        return value, Positions(self.at(root), marks)

    # --- events ----------------------------------------------------------------------------------

    def take(self) -> yaml.Event:
        while self.replays:
            event = next(self.replays[-1], None)
            if event is not None:
                return event
            self.replays.pop()
        event = self.next_event()
        if self.open or getattr(event, "anchor", None) is not None:
            self.keep(event)
        return event

    def keep(self, event: yaml.Event) -> None:
        """Add ``event`` to the anchored values being read; start keeping the value it anchors."""
        nesting = _NESTING.get(type(event), 0)
        for anchored in self.open:
            anchored[1].append(event)
            anchored[2] += nesting
            self.kept.add(id(event))
        while self.open and self.open[-1][2] == 0:
            anchor, events, _ = self.open.pop()
            self.anchors[anchor] = events
        anchor = None if isinstance(event, yaml.AliasEvent) else getattr(event, "anchor", None)
        if anchor is not None:
            self.kept.add(id(event))
            if nesting:
                self.open.append([anchor, [event], 1])
            else:
                self.anchors[anchor] = [event]

    def value_event(self, event: yaml.Event) -> yaml.Event:
        """The first event of the value ``event`` stands for: an alias's anchored value."""
        if not isinstance(event, yaml.AliasEvent):
            return event
        events = self.anchors.get(event.anchor)
        if events is None:  # an alias inside the value it names: a loop, refused in build
            events = next(events for anchor, events, _ in self.open if anchor == event.anchor)
        return events[0]

    def skip(self, event: yaml.Event) -> None:
        """Read past a value that is not built (a duplicate key's, a merge key's)."""
        nesting = _NESTING.get(type(event), 0)
        while nesting > 0:
            nesting += _NESTING.get(type(self.take()), 0)

    def at(self, event: yaml.Event) -> tuple[int, int]:
        mark = (self.value_event(event) if isinstance(event, yaml.AliasEvent) else event).start_mark
        return mark.line + 1, mark.column + 1

    # --- values ----------------------------------------------------------------------------------

    def build(self, event: yaml.Event, path: Path, depth: int) -> tuple[object, Marks | None]:
        alias = isinstance(event, yaml.AliasEvent)
        event = self.value_event(event)
        self.nodes += 1
        if id(event) in self.kept:
            self.built.add(id(event))
        else:
            self.once += 1
        if self.nodes > self.max_values:
            raise _Limit(*_too_many(self.max_values), event.start_mark)
        if self.nodes - self.once - len(self.built) > MAX_ALIAS_EXPANSION:
            raise _Limit("エイリアス (*) の展開が大きすぎます", "alias expansion too large (billion laughs?)", event.start_mark)
        if depth > MAX_DEPTH:
            raise _Limit(_DEPTH_JA, _DEPTH_EN, event.start_mark)
        if event.anchor is not None and event.anchor in self.stack:
            raise _Limit("エイリアスが自分自身を参照しています", "recursive alias", event.start_mark)
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, path), None
        if alias:
            self.replays.append(iter(self.anchors[event.anchor][1:]))
        if event.anchor is not None:
            self.stack.add(event.anchor)
        try:
            if isinstance(event, yaml.SequenceStartEvent):
                return self.sequence(event, path, depth)
            return self.mapping(event, path, depth)
        finally:
            self.stack.discard(event.anchor)

    def tag_error(self, event: yaml.Event, default: str) -> None:
        if event.tag not in (None, "!", default):
            self.bad_tag(event.tag, event)

    def bad_tag(self, tag: str, event: yaml.Event, hint: str = "") -> None:
        """P006 at the value; a tag is shown to 80 characters (a 100,000-character tag is not echoed whole)."""
        shown = tag if len(tag) <= 80 else tag[:80] + "…"
        line, col = self.at(event)
        self.errors.append(_diag(self.file, "P006", f"YAML タグ {shown} は使えません", f"unsupported tag {shown}", line, col,
                                 hint))

    def sequence(self, event: yaml.SequenceStartEvent, path: Path, depth: int) -> tuple[list, Marks | None]:
        self.tag_error(event, _SEQ)
        result: list = []
        lines: list[int] = []
        inner: list[Marks | None] = []
        while not isinstance(item := self.take(), yaml.SequenceEndEvent):
            lines += self.at(item)
            value, marks = self.build(item, (*path, len(result)), depth + 1)
            result.append(value)
            inner.append(marks)
        return result, Marks(array("I", lines), None, inner) if result else None

    def scalar(self, event: yaml.ScalarEvent, path: Path) -> object:
        tag = self.scalar_tag(event)
        if tag == _STR:
            value = event.value
            self.check_text(value, event, path)
            return self.texts.setdefault(value, value) if len(value) <= SHARED_TEXT else value
        if tag.startswith(_YAML_TAG) and tag.rsplit(":", 1)[1] in _PLAIN_TAGS:
            if tag.endswith(":timestamp"):
                # Dates and times stay text (the model wants 「令和8年1月」 as much as 2026-01), never
                # constructed: 2026-02-30 is no date, but it is what the author wrote.
                self.check_text(event.value, event, path)
                return event.value
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
            try:
                return self.loader.construct_object(node, deep=False)
            except (ValueError, KeyError, OverflowError, yaml.YAMLError) as exc:  # !!int abc, !!bool maybe, 5,000 digits
                line, col = self.at(event)
                shown = event.value if len(event.value) <= 40 else event.value[:40] + "…"
                kind = tag.rsplit(":", 1)[1]
                self.errors.append(_diag(self.file, "P101", f"{dotted(path)}: 値「{shown}」を {kind} として読めません",
                                         f"cannot read {shown!r} as {kind}: {type(exc).__name__}", line, col,
                                         f'文字として書くときは "{shown}" のように引用符で囲んでください (quote it to mean text)'))
                return None
            finally:
                self.loader.constructed_objects.pop(node, None)  # the constructor's memo would keep every value
        self.bad_tag(tag, event, "タグ（! で始まる語）を消してください (remove the tag)")
        return None

    def scalar_tag(self, event: yaml.ScalarEvent) -> str:
        """The tag the composer would give: the written one, else the one its text resolves to (1 -> int)."""
        if event.tag is not None and event.tag != "!":
            return event.tag
        known = (event.value, event.implicit)
        tag = self.tags.get(known)
        if tag is None:
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if len(event.value) <= SHARED_TEXT:  # the same few words over and over: resolved once each
                self.tags[known] = tag
        return tag

    def check_text(self, value: str, event: yaml.ScalarEvent, path: Path) -> None:
        """Escapes ("\\x01", "\\uffff") let YAML carry what no writer can; refuse them here.

        Only a double-quoted text has escapes: any other holds only characters typed in the file,
        which ``forbidden_characters`` has checked already.
        """
        m = FORBIDDEN.search(value) if event.style == '"' else None
        if m:
            ja, en, _ = _forbidden_message(m.group())
            line, col = self.at(event)
            escape = f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04X}"
            self.errors.append(_diag(self.file, "P101", f"{dotted(path)}: {ja}（エスケープ「{escape}」など）", en,
                                     line, col, "その文字を消してください (remove the character)"))

    def mapping(self, event: yaml.MappingStartEvent, path: Path, depth: int) -> tuple[dict, Marks | None]:
        self.tag_error(event, _MAP)
        result: dict = {}
        lines: list[int] = []
        inner: list[Marks | None] = []
        while not isinstance(key_event := self.take(), yaml.MappingEndEvent):
            key_node = self.value_event(key_event)
            if not isinstance(key_node, yaml.ScalarEvent):
                line, col = self.at(key_node)
                self.errors.append(_diag(self.file, "P007", "キーは文字で書いてください", "keys must be scalars", line, col))
                self.skip(key_event)
                self.skip(self.take())
                continue
            if self.scalar_tag(key_node) == _MERGE:
                line, col = self.at(key_node)
                self.errors.append(_diag(self.file, "P006", "マージキー << は使えません", "merge keys (<<) are not supported",
                                         line, col, "項目を書き出してください (write the keys out)"))
                self.skip(self.take())
                continue
            key = key_node.value
            self.check_text(key, key_node, (*path, key))
            value_event = self.take()
            # Plain, not "quoted"; every typo has a full-width colon or space, so most keys skip the pattern.
            typo = _MISTYPED_KEY.fullmatch(key) if not key_node.style and ("：" in key or "\u3000" in key) else None
            if typo:
                key, value_event = self.mistyped_key(typo, key_node, value_event)
                if key in result:
                    self.skip(value_event)
                    continue
            if key in result:
                line, col = self.at(key_node)
                first = lines[4 * list(result).index(key) + 2]
                self.errors.append(_diag(self.file, "P004", f"キー「{key}」が重複しています（{first} 行目にもあります）",
                                         f"duplicate key {key!r}", line, col, "どちらか一方を消してください (remove one)"))
                self.skip(value_event)
                continue
            key = self.texts.setdefault(key, key)
            lines += (*self.at(value_event), *self.at(key_node))
            result[key], marks = self.build(value_event, (*path, key), depth + 1)
            inner.append(marks)
        if not result:
            return result, None
        names = tuple(result)
        keys = self.key_sets.get(names)
        if keys is None:  # mappings with the same keys (every step, say) share one index of them
            keys = self.key_sets[names] = {name: i for i, name in enumerate(names)}
        return result, Marks(array("I", lines), keys, inner)

    def mistyped_key(self, typo: re.Match, key_node: yaml.ScalarEvent, value_event: yaml.Event):
        """``text：抽出`` read as one key: report it where the mistake is, and go on as if it were ``text: 抽出``.

        Going on spares the user a second, misleading error ("text is missing") for the same typo.
        """
        name, sep, rest = typo.group("name", "sep", "rest")
        line, col = self.at(key_node)
        kind = "colon" if "：" in sep else ("space_after" if ":" in sep else "space_before")
        ja, en, hint = _TYPO_MESSAGES[kind]
        at = typo.start("sep") + len(sep) - len(sep.lstrip(" \u3000")) if kind != "space_before" else typo.start("sep")
        self.errors.append(_diag(self.file, "P003", ja, en, line, col + at + (kind == "space_after"), hint))
        value = self.value_event(value_event)
        if rest and isinstance(value, yaml.ScalarEvent) and self.scalar_tag(value).endswith(":null"):
            value_event = yaml.ScalarEvent(None, _STR, (False, False), rest, key_node.start_mark, key_node.end_mark)
        return name, value_event


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
    def __init__(self, ja: str, en: str, mark: yaml.Mark):
        super().__init__(en)
        self.ja, self.en, self.mark = ja, en, mark


# libyaml (C) when PyYAML was built with it: ~20x faster than the pure-Python parser.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _prescan(text: str) -> None:
    """Walk the event stream once (cheap, nothing built) to bound values, aliases and depth, and to
    refuse what the composer would: an alias before its anchor, an anchor given twice, a second document.

    This runs before anything is built so that an alias bomb or a pathologically deep file is refused
    before any memory is spent on it.  The composer's objections are raised after the whole stream has
    passed the bounds and the syntax check, as when the composer ran after this scan.
    """
    loader = _Loader(text)
    limit = max_values()
    anchors: dict[str, yaml.Mark] = {}
    documents: list[yaml.Mark] = []
    refused: yaml.MarkedYAMLError | None = None  # the composer's first objection
    try:
        depth = aliases = values = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                values += 1
                if values > limit:
                    raise _Limit(*_too_many(limit), event.start_mark)
                if event.anchor is not None and refused is None:
                    if event.anchor in anchors:
                        refused = ComposerError("found duplicate anchor; first occurrence", anchors[event.anchor],
                                                "second occurrence", event.start_mark)
                    anchors[event.anchor] = event.start_mark
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Limit(_DEPTH_JA, _DEPTH_EN, event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _Limit(f"エイリアス (*) が多すぎます（{MAX_ALIASES} 個まで）", "too many aliases", event.start_mark)
                if event.anchor not in anchors and refused is None:
                    refused = ComposerError(None, None, "found undefined alias", event.start_mark)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents.append(event.start_mark)
                if len(documents) == 2 and refused is None:
                    refused = ComposerError("expected a single document in the stream", documents[0],
                                            "but found another document", event.start_mark)
    finally:
        loader.dispose()
    if refused is not None:
        raise refused


def _too_many(limit: int) -> tuple[str, str]:
    return (f"値が多すぎます（{limit:,} 個まで）。大きな生成フローは環境変数 {MAX_SIZE_ENV} で上限を上げられます",
            f"too many values (limit {limit:,}; {MAX_SIZE_ENV} raises it)")


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
            return None, [_diag(file, "P005", exc.ja, exc.en, exc.mark.line + 1, exc.mark.column + 1)]
        walker = _Walker(file, loader)
        try:
            built = walker.document()
        except _Limit as exc:
            return None, [_diag(file, "P005", exc.ja, exc.en, exc.mark.line + 1, exc.mark.column + 1)]
        except RecursionError:
            return None, [_diag(file, "P005", _DEPTH_JA, _DEPTH_EN)]
    finally:
        loader.dispose()
    if built is None:
        return None, [_diag(file, "P007", "ファイルが空です", "the file is empty",
                            hint="piflow init で雛形を作れます (piflow init makes a template)")]
    data, marks = built
    return Source(file, data, yaml_positions=marks), walker.errors


def _syntax_hint(problem: str) -> str:
    if "tab" in problem or "'\\t'" in problem:
        return "字下げにはタブでなく半角スペースを使ってください (indent with spaces, not tabs)"
    if "mapping values" in problem:
        return "「キー: 値」の値にコロンを含むときは値を引用符で囲んでください (quote values that contain ': ')"
    if "indentation" in problem or "expected <block end>" in problem:
        return "字下げ（先頭の空白の数）がそろっているか確認してください (check the indentation)"
    return ""
