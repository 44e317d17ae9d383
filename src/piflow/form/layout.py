"""The workbook form's layout: its sheets, their columns in the staff's words, and the drop-down lists.

The writer and the reader both work from these tables, so a column added here is
written, read back and validated in one place.  Each column names the flow-file
key it holds and how a cell's text maps to that key's value (``kind``).
"""

from __future__ import annotations

from dataclasses import dataclass

from piflow.vocab import Basis, Certification, Channel, DataClass, Medium, Role, SystemKind, Zone

GUIDE = "記入方法"
SUMMARY = "概要"
DATA = "情報項目"
PARTIES = "当事者"
FIGURES = "図"
STEPS = "手順"
MEASURES = "保護対策"
ACCEPTED = "承認済み"
EXCEPTIONS = "例外"
LISTS = "選択肢"  # hidden: the drop-down lists' values

# In the order staff fill them in (each sheet names ids the earlier ones declare).
TABLE_SHEETS = (DATA, PARTIES, FIGURES, STEPS, MEASURES, ACCEPTED, EXCEPTIONS)
SHEET_ORDER = (GUIDE, SUMMARY, *TABLE_SHEETS, LISTS)

NONE_WORD = "なし"  # an empty list (「運ばない」), as opposed to a blank cell (「書かない」)
YES, NO = "はい", "いいえ"

# 保護対策 sheet: where a row's measure goes.
HOW_FIGURE = "図に書く"
HOW_CHECKLIST = "チェックリストのみ"
HOW_WAIVED = "不要（理由を書く）"
HOW_KEYS = {HOW_FIGURE: "measures", HOW_CHECKLIST: "checklist_measures", HOW_WAIVED: "waivers"}
HOW_ALIASES = {"図": HOW_FIGURE, "チェックリスト": HOW_CHECKLIST, "不要": HOW_WAIVED, "－": HOW_WAIVED,
               "-": HOW_WAIVED}


CONTINUED = "\u3000"  # starts a line that goes on with the item above it, in a cell of one item a line


def lines_cell(items) -> str:
    """Items one a line; an item's own line breaks go on in lines that start with a space (``CONTINUED``).

    An item never starts with a space (the model strips it), so the reader tells the two apart
    (``cell_lines``): a note written over two lines comes back as one note, not two."""
    return "\n".join(item.replace("\n", "\n" + CONTINUED) for item in items)


def cell_lines(text: str) -> list[str]:
    """The items of a cell of one item a line; a line that starts with a space goes on with the item above."""
    items: list[str] = []
    for line in text.split("\n"):
        if items and line[:1].isspace():
            items[-1] += "\n" + line[1:].rstrip()
        elif line.strip():
            items.append(line.strip())
    return [item.rstrip() for item in items]


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text | id | ref | refs | vocab | vocabs | number | bool | lines | measures | waivers
    width: float = 14
    choices: str | None = None  # a LISTS column or an id column of another sheet
    prompt: str = ""  # the cell's input message in Excel


# Drop-down lists on the hidden sheet: name -> values (vocab values, catalogue labels).
VOCAB_LISTS = {
    "役割": Role, "根拠": Basis, "経路": Channel, "媒体": Medium, "区分": DataClass,
    "種類": SystemKind, "ネットワーク区分": Zone, "認証": Certification,
}
VOCAB_OF_KEY = {"role": Role, "bases": Basis, "channel": Channel, "medium": Medium, "class": DataClass,
                "kind": SystemKind, "zone": Zone, "certifications": Certification}

# Id lists for drop-downs: (sheet, column letter).
ENDPOINT_IDS = (PARTIES, "A")
DATA_IDS = (DATA, "A")
FIGURE_TAGS = (FIGURES, "A")

SUMMARY_ROWS = (
    # (label, key, required, prompt)
    ("資料番号", "number", False, "例: 資料49"),
    ("件名", "title", True, "付議事項の件名"),
    ("事業名", "business", False, ""),
    ("担当課", "section", True, "例: 子ども家庭部児童育成担当課"),
    ("根拠", "bases", True, "一覧から選ぶ。複数あるときは下の「根拠」の行にも"),
    ("目的", "purpose", False, ""),
    ("対象者", "subjects", False, ""),
    ("件数", "count", False, "例: 約40,000件"),
    ("期間", "period", False, "例: 令和8年1月16日から令和8年3月31日まで"),
)
BASIS_ROWS = 4  # 根拠 rows written (more are written when a flow has more)

SEP_HELP = "複数は「、」で区切る"

TABLES: dict[str, tuple[Column, ...]] = {
    DATA: (
        Column("ID", "id", "id", 16, prompt="半角英字で始まる半角英数字（例: name, address）"),
        Column("名称", "name", width=28, prompt="例: 氏名、住所、口座情報"),
        Column("区分", "class", "vocab", 16, "区分", "空欄は「通常」"),
        Column("備考", "note", width=36),
    ),
    PARTIES: (
        Column("ID", "id", "id", 12, prompt="半角英字で始まる半角英数字（例: ward, vendor, vendor_pc）"),
        Column("名称", "name", width=20, prompt="図に書く名前"),
        Column("所属（システムのとき持ち主の当事者ID）", "owner", "ref", 11, ENDPOINT_IDS,
               "この行がシステム・PC・DB なら、それを持つ当事者の ID。当事者の行は空欄"),
        Column("役割", "role", "vocabs", 10, "役割", "当事者の行だけ。" + SEP_HELP),
        Column("種類（システム）", "kind", "vocab", 9, "種類", "システムの行だけ。空欄は「システム」"),
        Column("図のレーン名", "lane", width=14, prompt="空欄なら名称"),
        Column("委託元（再委託先のとき）", "contractor", "ref", 10, ENDPOINT_IDS, "再委託先の行だけ: 委託先の ID"),
        Column("再委託の承諾", "consent", "bool", 8, "はい・いいえ"),
        Column("クラウドサービス", "cloud", width=11, prompt="例: Box"),
        Column("認証", "certifications", "vocabs", 11, "認証", SEP_HELP),
        Column("ネットワーク区分", "zone", "vocab", 11, "ネットワーク区分"),
        Column("所在地・準拠法", "location", width=9,
               prompt="サーバ・データセンターの所在地（例: 国内、東京都、シンガポール）。システムの行は空欄なら当事者のもの"),
        Column("運用保守するシステム", "operates", "refs", 11, ENDPOINT_IDS, "システムの ID。" + SEP_HELP),
        Column("取り扱う情報項目", "data", "refs", 20, DATA_IDS,
               f"情報項目の ID。{SEP_HELP}。取り扱わないときは「{NONE_WORD}」"),
        Column("作り出す情報項目（システム）", "originates", "refs", 12, DATA_IDS,
               "システムの行だけ: そのシステムが作る情報項目の ID（発行するパスワード、算定した税額など）。" + SEP_HELP),
        Column("備考", "note", width=20),
    ),
    FIGURES: (
        Column("資料番号", "tag", width=14, prompt="例: 資料49-1（図の下に書く番号）"),
        Column("ID", "id", "id", 12, prompt="半角英字で始まる半角英数字。空欄なら自動で付けます"),
        Column("図の題", "title", width=44, prompt="例: ○○に係る個人情報の流れ"),
        Column("図に描く当事者（左から）", "lanes", "refs", 24, ENDPOINT_IDS, "当事者の ID を左から順に。" + SEP_HELP),
        Column("注記", "notes", "lines", 40, prompt="図に添える注記（※…）。1 行に 1 つ（Alt+Enter で改行）。注記の中の改行は、続きの行を空白で始める"),
    ),
    STEPS: (
        Column("図（資料番号）", "scenario", "ref", 12, FIGURE_TAGS, "「図」シートの資料番号"),
        Column("番号", "n", "number", 6, prompt="1, 2, 3 …（① になります）。並行する手順は 1'"),
        Column("ID", "id", "id", 12, prompt="省略可。番号を振り直しても変わらない名前"),
        Column("送り手", "from", "ref", 13, ENDPOINT_IDS, "当事者またはシステムの ID"),
        Column("受け手", "to", "ref", 13, ENDPOINT_IDS, "当事者またはシステムの ID"),
        Column("内容", "text", width=30, prompt="図に書く説明（例: 印字データの提供）"),
        Column("経路", "channel", "vocabs", 11, "経路", "一覧から選ぶ。二つ以上なら「、」で区切る（例: 郵送、窓口）"),
        Column("媒体", "medium", "vocab", 11, "媒体"),
        Column("媒体の具体名", "media", width=12, prompt="例: CD-R、DVD-R等"),
        Column("情報項目", "data", "refs", 18, DATA_IDS,
               f"運ぶ情報項目の ID。{SEP_HELP}。空欄は送り手の持つすべて、運ばないときは「{NONE_WORD}」"),
        Column("その手順の保護対策", "measures", "measures", 28,
               prompt="1 行に 1 つ（Alt+Enter で改行）。名称は「保護対策」シートの一覧から"),
        Column("不要とする保護対策（理由）", "waivers", "waivers", 20,
               prompt="「保護対策: 理由」を 1 行に 1 つ"),
        Column("受渡しの機会", "occasion", width=10, prompt="同じ機会に渡すものに同じ言葉（例: 引渡し1）"),
        Column("備考", "note", width=16),
    ),
    MEASURES: (
        Column("対象（当事者・システムのID）", "target", "ref", 16, ENDPOINT_IDS),
        Column("保護対策", "measure", "text", 38, "保護対策", "カタログの名称を一覧から選ぶ"),
        Column("扱い", "how", "text", 16, "扱い", f"空欄は「{HOW_FIGURE}」"),
        Column("不要とする理由", "reason", "text", 30, prompt=f"扱いが「{HOW_WAIVED}」のとき必須"),
        Column("不要が及ぶ相手（区の行）", "for", "refs", 12, ENDPOINT_IDS,
               f"区・区のシステムの「{HOW_WAIVED}」の行だけ: その理由が及ぶ相手の当事者 ID。空欄はすべての相手。" + SEP_HELP),
        Column("この図だけの一覧（資料番号）", "figure", "text", 16,
               prompt="原本の図がこの対象の一覧を違えて書くときだけ。その図に書く保護対策を 1 行ずつ"),
    ),
    ACCEPTED: (
        Column("指摘のキー", "key", width=36, prompt="piflow audit が表示する rule@subject"),
        Column("理由", "reason", width=40),
        Column("判断した人・会議", "by", width=20),
        Column("日付", "date", width=12),
    ),
    EXCEPTIONS: (
        Column("指摘のキー", "key", width=36, prompt="piflow audit が表示する rule@subject"),
        Column("根拠（法令・条例・規程の条項）", "basis", width=30, prompt="例: 番号法第19条第1号"),
        Column("代わりの管理策", "controls", "lines", 40, prompt="規則に代わる管理策。1 行に 1 つ（Alt+Enter で改行）。1 つの中の改行は、続きの行を空白で始める"),
        Column("備考", "note", width=16),
    ),
}

PARTY_ONLY = ("role", "lane", "contractor", "consent", "cloud", "certifications", "operates")
SYSTEM_ONLY = ("kind", "originates")

FIXED_LISTS = {"扱い": (HOW_FIGURE, HOW_CHECKLIST, HOW_WAIVED), "はい・いいえ": (YES, NO)}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    """(7, 5) -> E7 (both 1-based)."""
    return f"{column_letter(col - 1)}{row}"
