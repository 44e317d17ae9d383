"""The flow-file model (format version 1): frozen pydantic classes.

A flow file declares one proposal (付議事項): its parties and their systems,
the data items, and one or more scenarios (資料xx-1, -2 …), each a numbered
list of steps between parties or systems.  Measures (保護対策) may be declared
on steps, parties and systems, by catalog id or by the label the papers print;
validation resolves them to catalog ids.  The full format is in docs/format.md.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, TypeAdapter,
                      ValidationInfo, WithJsonSchema, model_validator)
from pydantic_core import PydanticCustomError

from piflow.catalog import Catalog, UnknownMeasure, default_catalog
from piflow.textnorm import normalize
from piflow.vocab import (
    Basis, Certification, Channel, DataClass, Medium, Role, SystemKind, Zone, accepted_spellings, vocab,
)

FORMAT_VERSION = 1

# --- small field types ---------------------------------------------------------

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def _check_id(value: object) -> object:
    if isinstance(value, str):
        folded = normalize(value)
        if folded != value or not _ID.match(folded):
            shown = folded if _ID.match(folded) else None
            raise PydanticCustomError(
                "piflow_id", "{ja} / {en}",
                {
                    "ja": f"ID「{value}」は半角英字で始まり、半角英数字と _ . - だけで書いてください",
                    "en": "ids are ASCII letters, digits, _ . - and start with a letter",
                    "hint": f"もしかして (did you mean): {shown}" if shown else "例 (e.g.): contractor, jidou_teate",
                },
            )
    return value


Id = Annotated[str, BeforeValidator(_check_id), Field(json_schema_extra={"pattern": _ID.pattern})]
Text = Annotated[str, AfterValidator(lambda s: s.strip()), Field(min_length=1)]
# Free text that may be left out (a note, a period): stripped like Text, as the workbook form reads a cell,
# so a flow and its workbook hold the same text.
Note = Annotated[str, AfterValidator(lambda s: s.strip())]


def _catalog(info: ValidationInfo) -> Catalog:
    ctx = info.context or {}
    return ctx.get("catalog") or default_catalog()


class Written(tuple):
    """Catalog ids of one measure as the flow wrote it: ``.text`` keeps the department's words
    (アクセスログ取得), which the figure prints; the ids serve the audit and the checklist."""

    text: str

    def __new__(cls, ids: tuple[str, ...], text: str) -> Written:
        self = super().__new__(cls, ids)
        self.text = text
        return self

    def __getnewargs__(self) -> tuple:
        return (tuple(self), self.text)


class MeasureIds(tuple):
    """A holder's or step's measures: catalog ids in order, no repeats; ``.written`` keeps each
    entry as written in the flow (for the figure)."""

    written: tuple[str, ...]

    def __new__(cls, ids: tuple[str, ...] = (), written: tuple[str, ...] = ()) -> MeasureIds:
        self = super().__new__(cls, ids)
        self.written = written
        return self

    def __getnewargs__(self) -> tuple:
        return (tuple(self), self.written)


def written_measures(measures: tuple[str, ...], label) -> list[str]:
    """The measures as the flow wrote them (``label(id)`` for ids given without their words)."""
    written = getattr(measures, "written", ())
    return list(written) if written else [label(m) for m in measures]


def _resolve_measure(value: object, info: ValidationInfo) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "piflow_measure", "{ja} / {en}",
            {"ja": "保護対策は文字列で書いてください", "en": "a measure is a string", "hint": ""},
        )
    try:
        return Written(_catalog(info).resolve(value), value.strip())
    except UnknownMeasure as exc:
        hint = f"もしかして (did you mean): {', '.join(exc.suggestions)}" if exc.suggestions else (
            "piflow rules で使える保護対策を一覧できます (list them with: piflow rules)")
        raise PydanticCustomError(
            "piflow_measure", "{ja} / {en}",
            {"ja": f"保護対策「{value}」はカタログにありません", "en": f"unknown measure {value!r}", "hint": hint},
        ) from None


def _flatten(groups: list[tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    written: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
        if isinstance(group, Written) and group.text:
            written[group.text] = None
    return MeasureIds(tuple(seen), tuple(written))


def _measure_spellings() -> tuple[str, ...]:
    cat = default_catalog()
    return tuple(sorted({s for m in cat for s in (m.label, m.id)}))


# The schema lists the labels as examples (editors complete them) rather than as
# an enum: the loader also accepts variants such as full-width or bracketed glosses.
# ``Any`` as the core type: the resolved ``Written`` passes through unchanged (a tuple type
# would copy it into a plain tuple and lose the text); the JSON schema is given explicitly.
MeasureRef = Annotated[
    Any,
    BeforeValidator(_resolve_measure, json_schema_input_type=str),
    WithJsonSchema({"type": "string", "examples": list(_measure_spellings()),
                    "description": "保護対策（カタログの id または図に書く名称）"}),
]
Measures = Annotated[list[MeasureRef], AfterValidator(_flatten)]


# What is left when a clerk deletes the reason of a copied waiver: dashes and "none".
_NO_REASON = re.compile(r"^[\s\-‐‑‒–—―ー－−ｰ]*$|^(なし|無し|特になし|特に無し|none|n/?a)$", re.IGNORECASE)


def is_empty_reason(value: str) -> bool:
    """True for a waiver reason that says nothing: blank, 「－」, ``-``, 「なし」 (also in brackets)."""
    return bool(_NO_REASON.match(normalize(value).strip().strip("（）()「」").strip()))


def _unbracket(value: str) -> str:
    """「（理由）」 → 「理由」; a reason that only ends in 「）」 (「…（LGWAN経由）」) keeps it."""
    value = value.strip()
    while len(value) >= 2 and value[0] in "（(" and value[-1] in "）)" and _balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch in "（("
        depth -= ch in "）)"
        if depth < 0:
            return False
    return depth == 0


def _check_reason(value: str) -> str:
    value = _unbracket(value)
    if is_empty_reason(value):
        raise PydanticCustomError(
            "piflow_waiver_reason", "{ja} / {en}",
            {
                "ja": f"「－」（不要）とする保護対策には理由が必要です（{'「' + value + '」は理由になりません' if value else '理由が空です'}）",
                "en": "a waived measure needs its reason",
                "hint": "例 (e.g.): 鍵付きカバン等による運搬: 電子データのみの取扱いのため",
            },
        )
    return value


Reason = Annotated[str, AfterValidator(_check_reason)]


def _flatten_waivers(waivers: dict[tuple[str, ...], str]) -> dict[str, str]:
    return {mid: reason for ids, reason in waivers.items() for mid in ids}


# In the file a waiver is its reason, or {reason, for} (split off before validation: split_waiver_scope).
WaiverReason = Annotated[str, AfterValidator(_check_reason), WithJsonSchema({
    "anyOf": [{"type": "string"},
              {"type": "object", "additionalProperties": False, "required": ["reason"],
               "properties": {"reason": {"type": "string"},
                              "for": {"type": "array", "items": {"type": "string"},
                                      "description": "区の waiver が及ぶ相手（当事者の id）"}}}],
    "description": "不要とする理由。区の waiver は {reason: 理由, for: [相手の id]} で相手を限れる"})]
Waivers = Annotated[dict[MeasureRef, WaiverReason], AfterValidator(_flatten_waivers)]


def _flatten_scope(scope: dict[tuple[str, ...], tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {mid: partners for ids, partners in scope.items() for mid in ids}


WaiverScope = Annotated[dict[MeasureRef, tuple[Id, ...]], AfterValidator(_flatten_scope)]
_SCOPE: TypeAdapter = TypeAdapter(WaiverScope)
WAIVER_KEYS = {"reason", "for"}


def split_waiver_scope(data):
    """``waivers: {返却: {reason: 電子データのみ, for: [printer]}}`` → (data with the reason only, the scope).

    A waiver is written as its reason, or as ``{reason, for}`` where ``for`` lists the partners
    (ids) a ward-side waiver covers (docs/format.md, 「waivers の範囲」).
    """
    if not isinstance(data, dict) or not isinstance(data.get("waivers"), dict):
        return data, {}
    waivers = data["waivers"]
    if not any(isinstance(v, dict) for v in waivers.values()):
        return data, {}
    data = dict(data)
    data["waivers"] = {k: (v.get("reason", "") if isinstance(v, dict) else v) for k, v in waivers.items()}
    scope = {k: v["for"] for k, v in waivers.items() if isinstance(v, dict) and v.get("for") is not None}
    unknown = sorted({key for v in waivers.values() if isinstance(v, dict) for key in v} - WAIVER_KEYS)
    if unknown:
        raise PydanticCustomError(
            "piflow_waiver_keys", "{ja} / {en}",
            {"ja": f"waivers の項目に使えるのは reason と for だけです（{'、'.join(unknown)}）",
             "en": f"a waiver mapping takes only reason and for, not {', '.join(unknown)}",
             "hint": "例 (e.g.): 返却: {reason: 電子データのみの取扱いのため, for: [printer]}"})
    return data, scope

_STEP_NO = re.compile(r"^([0-9]+)('*)$")


def _step_no(value: object) -> object:
    if isinstance(value, bool):
        return value  # let pydantic reject it
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _STEP_NO.match(normalize(value).replace("’", "'")):
        return normalize(value).replace("’", "'")
    raise PydanticCustomError(
        "piflow_step_no", "{ja} / {en}",
        {"ja": f"ステップ番号「{value}」は 1, 2, 3 … か 1' のように書いてください",
         "en": "a step number is a positive integer, optionally followed by ' (1')", "hint": ""},
    )


StepNo = Annotated[str, BeforeValidator(_step_no, json_schema_input_type=int | str)]


# ``role: 委託先`` and ``role: [委託先, 結合先]`` are both fine.
_ROLE_WORD = Literal[accepted_spellings(Role)]  # type: ignore[valid-type]
Roles = Annotated[
    tuple[vocab(Role), ...],
    BeforeValidator(lambda v: [v] if isinstance(v, str) else v, json_schema_input_type=_ROLE_WORD | list[_ROLE_WORD]),
    Field(min_length=1),
]


# ``channel: 郵送`` and ``channel: [郵送, 窓口]`` (「郵送・窓口等」) are both fine; the
# requirements of a step are the union of its channels'.
_CHANNEL_WORD = Literal[accepted_spellings(Channel)]  # type: ignore[valid-type]


def _one_or_many(value: object) -> object:
    if value is None:
        return ()
    return [value] if isinstance(value, str) else value


def _unique(values: tuple) -> tuple:
    return tuple(dict.fromkeys(values))


Channels = Annotated[
    tuple[vocab(Channel), ...],
    BeforeValidator(_one_or_many, json_schema_input_type=_CHANNEL_WORD | list[_CHANNEL_WORD] | None),
    AfterValidator(_unique),
]


CHECKLIST_ONLY = ("チェックリストでは講じる（○）が、図には書かない保護対策"
                  "（テストはダミーデータ など、図に載せない対策）")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --- the model --------------------------------------------------------------------


class Proposal(Frozen):
    """件名 and the overview table (事業の概要)."""

    title: Text = Field(description="件名")
    section: Text = Field(description="担当課")
    bases: tuple[vocab(Basis), ...] = Field(min_length=1, description="要綱・条例の根拠（電算処理、業務委託 …）")
    number: Note | None = Field(None, description="資料番号（例: 資料49）")
    business: Note | None = Field(None, description="事業名")
    purpose: Note | None = Field(None, description="目的")
    subjects: Note | None = Field(None, description="対象者")
    count: Note | None = Field(None, description="件数（例: 約40,000件）")
    period: Note | None = Field(None, description="期間・時期")


class _WaiverScoped(Frozen):
    """A holder of waivers whose ward-side waivers may name the partners they cover (``for:``).

    The scope is kept beside the model's fields (not a field of its own), so the workbook form and
    every writer see ``waivers`` as before; ``waiver_scope`` gives measure id -> partner ids.
    """

    _waiver_scope: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _split_scope(cls, data, handler, info: ValidationInfo):
        data, scope = split_waiver_scope(data)
        obj = handler(data)
        if scope:
            obj._waiver_scope = _SCOPE.validate_python(scope, context=info.context)
        return obj

    @property
    def waiver_scope(self) -> dict[str, tuple[str, ...]]:
        return self._waiver_scope


class System(_WaiverScoped):
    """A system, store or PC that belongs to a party (児童手当システム, DB, 委託先PC)."""

    id: Id
    name: Text
    kind: vocab(SystemKind) = SystemKind.SYSTEM
    zone: vocab(Zone) | None = Field(None, description="三層の対策のネットワーク区分")
    location: Note | None = Field(None, description="サーバ・データセンターの所在地（例: 国内、東京都、シンガポール）。省略時は当事者の location")
    data: tuple[Id, ...] | None = Field(None, description="記録される情報項目（data の id）")
    originates: tuple[Id, ...] = Field((), description="このシステムが作り出す情報項目（発行するパスワード、算定した税額、受付番号 …）")
    measures: Measures = Field(default_factory=MeasureIds)
    checklist_measures: Measures = Field(default_factory=MeasureIds, description=CHECKLIST_ONLY)
    waivers: Waivers = Field(default_factory=dict, description="不要とする保護対策: 理由")
    note: Note | None = None


class Party(_WaiverScoped):
    """An actor: the ward, the data subjects, a contractor, a cloud operator …"""

    id: Id
    name: Text
    role: Roles = Field(description="役割（複数可: [委託先, 結合先]）")
    lane: Note | None = Field(None, description="図のレーン名（省略時は name）")
    contractor: Id | None = Field(None, description="再委託先の場合、委託元（委託先）の id")
    consent: bool | None = Field(None, description="再委託について区が承諾済みか")
    cloud: Note | None = Field(None, description="利用するクラウドサービス（例: Microsoft Dynamics 365, Box）")
    certifications: tuple[vocab(Certification), ...] = ()
    zone: vocab(Zone) | None = None
    location: Note | None = Field(None, description="所在地（サーバ・データセンターの国。例: 国内、東京都、シンガポール）")
    operates: tuple[Id, ...] = Field((), description="開発・運用保守する他の当事者のシステムの id（番号のない線で描く）")
    data: tuple[Id, ...] | None = Field(None, description="取り扱わせる情報項目（data の id）")
    measures: Measures = Field(default_factory=MeasureIds)
    checklist_measures: Measures = Field(default_factory=MeasureIds, description=CHECKLIST_ONLY)
    waivers: Waivers = Field(default_factory=dict)
    systems: tuple[System, ...] = ()
    note: Note | None = None

    def has_role(self, *roles: Role) -> bool:
        return any(r in self.role for r in roles)


class DataItem(Frozen):
    """A personal-data item (氏名, 住所, 口座情報 …) and its class."""

    id: Id
    name: Text
    class_: vocab(DataClass) = Field(DataClass.ORDINARY, alias="class")
    note: Note | None = None


class Step(Frozen):
    """One numbered arrow ① of a figure."""

    # Not "no": YAML 1.1 tools read the key `no` as the boolean false.
    n: StepNo = Field(description="番号（1 → ①）。並行する手順は 1' のように書く")
    id: Id | None = Field(None, description="安定した識別子（番号を振り直しても変わらない）")
    from_: Id = Field(alias="from", description="送り手（当事者またはシステムの id）")
    to: Id = Field(description="受け手（当事者またはシステムの id）")
    text: Text = Field(description="図に書く説明")
    channels: Channels = Field((), alias="channel",
                               description="経路。複数なら [郵送, 窓口] のように（要件はそれぞれの和）")
    medium: vocab(Medium) | None = None
    media: Note | None = Field(None, description="媒体の具体名（例: CD-R、DVD-R等）")
    data: tuple[Id, ...] | None = Field(None, description="運ぶ情報項目。省略すると送り手の保有する全項目")
    measures: Measures = Field(default_factory=MeasureIds)
    waivers: Waivers = Field(default_factory=dict)
    occasion: Note | None = Field(None, description="受渡しの機会（同じ機会の受渡しを照合するため）")
    note: Note | None = None

    @cached_property
    def sort_key(self) -> tuple[int, str]:
        """(3, "") for ③, (1, "'") for ①'; parsed once, steps are sorted often."""
        m = _STEP_NO.match(self.n)
        return (int(m.group(1)), m.group(2))  # type: ignore[union-attr]

    @property
    def channel(self) -> Channel | None:
        """The first channel (callers from before channel lists; ``channels`` has them all)."""
        return self.channels[0] if self.channels else None

    @property
    def channel_tag(self) -> str:
        """The figure's tag for all the channels: 【郵送・窓口】 (【郵送】 for one, "" for none)."""
        if not self.channels:
            return ""
        return "【" + "・".join(c.tag.strip("【】") for c in self.channels) + "】"

    @property
    def number(self) -> int:
        return self.sort_key[0]

    @property
    def suffix(self) -> str:
        return self.sort_key[1]


class Scenario(Frozen):
    """One figure: 資料 tag, title, numbered steps."""

    id: Id
    tag: Text = Field(description="資料番号（例: 資料49-3）")
    title: Text = Field(description="図の題（〇〇に係る個人情報の流れ）")
    notes: tuple[Note, ...] = Field((), description="図に添える注記（※…）")
    lanes: tuple[Id, ...] = Field((), description="図に描く当事者とその左から右の順（id）。手順に現れる当事者は常に描く。省略時はテーマの役割順")
    steps: tuple[Step, ...] = Field(min_length=1)
    figure_measures: dict[Id, Measures] = Field(
        default_factory=dict,
        description="この図に書く保護対策の一覧（当事者・システムの id → 一覧）。原本の図が当事者の measures と"
                    "違う一覧を書いているときだけ。監査とチェックリストは measures を使う")

    @cached_property
    def ordered_steps(self) -> tuple[Step, ...]:
        return tuple(sorted(self.steps, key=lambda s: s.sort_key))


class Acceptance(Frozen):
    """A finding the section accepted, with why and who decided."""

    key: Text = Field(description="指摘のキー（piflow audit が表示する rule@subject）")
    reason: Text
    by: Text = Field(description="判断した人・会議")
    date: Note | None = None


def _check_basis(value: str) -> str:
    if is_empty_reason(value):
        raise PydanticCustomError(
            "piflow_waiver_reason", "{ja} / {en}",
            {
                "ja": "例外には根拠（法令・条例・規程の条項）が必要です",
                "en": "an exception needs its basis (a clause of a law, ordinance or policy)",
                "hint": "例 (e.g.): 番号法第9条第1項・別表第一（地方税の賦課徴収に関する事務）",
            },
        )
    return value


class RuleException(Frozen):
    """A finding that does not apply, by a stated basis, with the controls that replace the rule.

    Not an approval: ``accepted`` records who decided to live with a finding;
    an exception says why the rule's way is not the legal one here (the law
    requires printing the 個人番号 on the notice) and what is done instead.
    """

    key: Text = Field(description="指摘のキー（piflow audit が表示する rule@subject）")
    basis: Annotated[Text, AfterValidator(_check_basis)] = Field(
        description="根拠（法令・条例・規程の条項。例: 番号法第19条第1号）")
    controls: tuple[Text, ...] = Field(min_length=1, description="規則に代わる管理策（一つ以上）")
    note: Note | None = None


class Flow(Frozen):
    """A whole flow file."""

    piflow: Literal[1] = Field(description="フォーマットの版 (format version)")
    proposal: Proposal
    parties: tuple[Party, ...] = Field(min_length=1)
    data: tuple[DataItem, ...] = ()
    scenarios: tuple[Scenario, ...] = Field(min_length=1)
    accepted: tuple[Acceptance, ...] = ()
    exceptions: tuple[RuleException, ...] = Field((), description="根拠のある例外（法令等の根拠と代わりの管理策）")

    @cached_property
    def party_by_id(self) -> dict[str, Party]:
        return {p.id: p for p in self.parties}

    @cached_property
    def system_owner(self) -> dict[str, Party]:
        """System id -> the party it belongs to."""
        return {s.id: p for p in self.parties for s in p.systems}

    @cached_property
    def system_by_id(self) -> dict[str, System]:
        return {s.id: s for p in self.parties for s in p.systems}

    @cached_property
    def data_by_id(self) -> dict[str, DataItem]:
        return {d.id: d for d in self.data}

    def owner(self, endpoint: str) -> Party:
        """The party an endpoint (party or system id) belongs to."""
        return self.party_by_id.get(endpoint) or self.system_owner[endpoint]

    def endpoint_name(self, endpoint: str) -> str:
        if endpoint in self.party_by_id:
            return self.party_by_id[endpoint].name
        return self.system_by_id[endpoint].name
