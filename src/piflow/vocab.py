"""The closed vocabularies of a flow file: roles, bases, channels, media, classes, zones.

Each vocabulary is a StrEnum whose values are the Japanese words the papers
use, plus a table of accepted aliases (ascii ids and variant wordings).  The
``Vocab`` annotated types normalise input (NFKC, aliases) before pydantic
checks membership, and advertise every accepted spelling in the JSON Schema
so editors can complete them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from piflow.textnorm import match_key, suggest


class Role(StrEnum):
    WARD = "区"
    SUBJECT = "対象者"
    CONTRACTOR = "委託先"
    SUBCONTRACTOR = "再委託先"
    CONNECTED = "結合先"
    DESIGNATED_MANAGER = "指定管理者"
    PUBLIC_BODY = "他の行政機関等"
    # Recipients that are not public bodies (民生委員, 町会, 社会福祉協議会, a company): 外部提供 to them
    # needs the same written agreement; 金融機関 and 収納代行 keep transfer records under their own duty.
    RECIPIENT = "提供先"
    FINANCIAL_INSTITUTION = "金融機関"
    COLLECTION_AGENT = "収納代行"
    OTHER = "その他"


class Basis(StrEnum):
    COMPUTER_PROCESSING = "電算処理"
    EXTERNAL_LINK = "外部結合"
    OUTSOURCING = "業務委託"
    SUBCONTRACTING = "再委託"
    SECONDARY_USE = "目的外利用"
    PROVISION = "外部提供"
    DESIGNATED_MANAGEMENT = "指定管理"


class ChannelClass(StrEnum):
    """How a channel is drawn and which policy requirements it triggers."""

    NETWORK = "network"
    INTERNET = "internet"
    HAND = "hand"
    MAIL = "mail"
    VOICE = "voice"
    FAX = "fax"


class Channel(StrEnum):
    LGWAN = "LGWAN"
    DEDICATED_LINE = "専用回線"
    INTERNET = "インターネット"
    INTRANET = "庁内LAN"
    EMAIL = "メール"
    HAND = "手渡し"
    POST = "郵送"
    REGISTERED_MAIL = "簡易書留"
    COUNTER = "窓口"
    FAX = "FAX"
    PHONE = "電話"
    BANK_TRANSFER = "口座振込"
    INTERNET_VPN = "インターネットVPN"
    IP_VPN = "IP-VPN"
    CLOSED_NETWORK = "閉域網"
    COURIER = "宅配便"
    BIKE_COURIER = "バイク便"

    @property
    def klass(self) -> ChannelClass:
        return _CHANNEL_CLASS[self]

    @property
    def tag(self) -> str:
        """The bracketed tag the figures print beside a link."""
        return _CHANNEL_TAG[self]


_CHANNEL_CLASS = {
    Channel.LGWAN: ChannelClass.NETWORK,
    Channel.DEDICATED_LINE: ChannelClass.NETWORK,
    Channel.INTRANET: ChannelClass.NETWORK,
    Channel.INTERNET: ChannelClass.INTERNET,
    Channel.EMAIL: ChannelClass.INTERNET,
    Channel.HAND: ChannelClass.HAND,
    Channel.COUNTER: ChannelClass.HAND,
    Channel.POST: ChannelClass.MAIL,
    Channel.REGISTERED_MAIL: ChannelClass.MAIL,
    Channel.FAX: ChannelClass.FAX,
    Channel.PHONE: ChannelClass.VOICE,
    # Paid through the banks' network (全銀システム): a network link; with data: [] (the money
    # only, as on 資料49's 給付金の支給) no requirement applies.
    Channel.BANK_TRANSFER: ChannelClass.NETWORK,
    # An Internet VPN still crosses the Internet (encrypted by the tunnel); IP-VPN and 閉域網 are a
    # carrier's closed network, like 専用回線.
    Channel.INTERNET_VPN: ChannelClass.INTERNET,
    Channel.IP_VPN: ChannelClass.NETWORK,
    Channel.CLOSED_NETWORK: ChannelClass.NETWORK,
    # Media or paper carried by a delivery company: out of the ward's hands, like the post.
    Channel.COURIER: ChannelClass.MAIL,
    Channel.BIKE_COURIER: ChannelClass.MAIL,
}

_CHANNEL_TAG = {
    Channel.LGWAN: "【LGWAN回線】",
    Channel.DEDICATED_LINE: "【専用回線】",
    Channel.INTRANET: "【庁内LAN】",
    Channel.INTERNET: "【インターネット回線】",
    Channel.EMAIL: "【メール】",
    Channel.HAND: "【手渡し】",
    Channel.COUNTER: "【窓口】",
    Channel.POST: "【郵送】",
    Channel.REGISTERED_MAIL: "【簡易書留】",
    Channel.FAX: "【FAX】",
    Channel.PHONE: "【電話】",
    Channel.BANK_TRANSFER: "【口座振込】",
    Channel.INTERNET_VPN: "【インターネットVPN】",
    Channel.IP_VPN: "【IP-VPN】",
    Channel.CLOSED_NETWORK: "【閉域網】",
    Channel.COURIER: "【宅配便】",
    Channel.BIKE_COURIER: "【バイク便】",
}


class Medium(StrEnum):
    ELECTRONIC = "電子データ"
    REMOVABLE = "電磁的媒体"
    PAPER = "紙"
    ORAL = "口頭"


class DataClass(StrEnum):
    ORDINARY = "通常"
    SENSITIVE = "要配慮個人情報"
    MY_NUMBER = "特定個人情報"
    CREDENTIAL = "認証情報"


class Zone(StrEnum):
    MY_NUMBER = "マイナンバー利用事務系"
    LGWAN = "LGWAN接続系"
    INTERNET = "インターネット接続系"


class Certification(StrEnum):
    PRIVACY_MARK = "プライバシーマーク"
    ISMS = "ISMS"
    LGWAN_ASP = "LGWAN-ASP"
    ISMAP = "ISMAP"


class SystemKind(StrEnum):
    SYSTEM = "システム"
    DATABASE = "DB"
    STORAGE = "ストレージ"
    PC = "PC"
    WEB = "Webページ"
    PRINTER = "印刷機"


# Where a server or data centre is (``location`` of a party or system): Japan, said as the papers
# say it (国内, 日本, 日本国内) or as a prefecture (東京都, 大阪府 …; a cloud region such as
# 「東京リージョン」 names its city).  Anything else is read as outside Japan (シンガポール, 米国, EU).
PREFECTURES = (
    "北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木", "群馬", "埼玉", "千葉", "東京", "神奈川",
    "新潟", "富山", "石川", "福井", "山梨", "長野", "岐阜", "静岡", "愛知", "三重", "滋賀", "京都", "大阪", "兵庫",
    "奈良", "和歌山", "鳥取", "島根", "岡山", "広島", "山口", "徳島", "香川", "愛媛", "高知", "福岡", "佐賀", "長崎",
    "熊本", "大分", "宮崎", "鹿児島", "沖縄",
)
DOMESTIC_WORDS = ("国内", "日本", "japan", *PREFECTURES)
# Named abroad even beside a domestic word (「日本国外」「国外（シンガポール）」「海外」).
ABROAD_WORDS = ("国外", "海外", "外国")


def is_domestic(location: str) -> bool:
    """True if a ``location`` names a place in Japan (国内, 日本, a prefecture); False for anywhere else."""
    folded = match_key(location)
    if any(w in folded for w in ABROAD_WORDS):
        return False
    return any(match_key(w) in folded for w in DOMESTIC_WORDS)


ALIASES: dict[type[StrEnum], dict[str, StrEnum]] = {
    Role: {
        "ward": Role.WARD, "新宿区": Role.WARD, "区職員": Role.WARD, "担当課": Role.WARD,
        "subject": Role.SUBJECT, "区民等": Role.SUBJECT, "区民": Role.SUBJECT,
        "投稿者": Role.SUBJECT, "被保険者": Role.SUBJECT, "本人": Role.SUBJECT,
        "contractor": Role.CONTRACTOR, "委託事業者": Role.CONTRACTOR,
        "受託事業者": Role.CONTRACTOR, "乙": Role.CONTRACTOR,
        "subcontractor": Role.SUBCONTRACTOR, "丙": Role.SUBCONTRACTOR,
        "connected": Role.CONNECTED, "cloud": Role.CONNECTED, "結合の相手方": Role.CONNECTED,
        "designated_manager": Role.DESIGNATED_MANAGER, "指定管理先": Role.DESIGNATED_MANAGER,
        "public_body": Role.PUBLIC_BODY, "他の行政機関": Role.PUBLIC_BODY,
        "recipient": Role.RECIPIENT, "提供先（民間）": Role.RECIPIENT, "民間の提供先": Role.RECIPIENT,
        "financial_institution": Role.FINANCIAL_INSTITUTION, "銀行": Role.FINANCIAL_INSTITUTION,
        "指定金融機関": Role.FINANCIAL_INSTITUTION,
        "collection_agent": Role.COLLECTION_AGENT, "収納代行業者": Role.COLLECTION_AGENT,
        "other": Role.OTHER,
    },
    Basis: {
        "computer_processing": Basis.COMPUTER_PROCESSING,
        "external_link": Basis.EXTERNAL_LINK, "外部との結合": Basis.EXTERNAL_LINK,
        "outsourcing": Basis.OUTSOURCING,
        "subcontracting": Basis.SUBCONTRACTING,
        "secondary_use": Basis.SECONDARY_USE,
        "provision": Basis.PROVISION,
        "designated_management": Basis.DESIGNATED_MANAGEMENT,
    },
    Channel: {
        "lgwan": Channel.LGWAN, "lgwan回線": Channel.LGWAN,
        "dedicated_line": Channel.DEDICATED_LINE, "専用線": Channel.DEDICATED_LINE,
        "internet": Channel.INTERNET, "インターネット回線": Channel.INTERNET,
        "intranet": Channel.INTRANET, "lan": Channel.INTRANET, "庁内ネットワーク": Channel.INTRANET,
        "email": Channel.EMAIL, "電子メール": Channel.EMAIL,
        "hand": Channel.HAND, "手交": Channel.HAND, "持参": Channel.HAND,
        "post": Channel.POST, "mail": Channel.POST, "郵便": Channel.POST,
        "手紙": Channel.POST, "はがき": Channel.POST, "区長へのはがき": Channel.POST,
        "registered_mail": Channel.REGISTERED_MAIL, "書留": Channel.REGISTERED_MAIL,
        "counter": Channel.COUNTER, "窓口等": Channel.COUNTER, "来庁": Channel.COUNTER,
        "fax": Channel.FAX, "ファクス": Channel.FAX, "ファックス": Channel.FAX, "phone": Channel.PHONE,
        "vpn": Channel.INTERNET_VPN, "internet_vpn": Channel.INTERNET_VPN, "インターネット vpn": Channel.INTERNET_VPN,
        "ip_vpn": Channel.IP_VPN, "ipvpn": Channel.IP_VPN,
        "closed_network": Channel.CLOSED_NETWORK, "閉域ネットワーク": Channel.CLOSED_NETWORK,
        "閉域回線": Channel.CLOSED_NETWORK,
        "courier": Channel.COURIER, "宅急便": Channel.COURIER, "宅配": Channel.COURIER,
        "bike_courier": Channel.BIKE_COURIER, "バイク便による運搬": Channel.BIKE_COURIER,
        "bank_transfer": Channel.BANK_TRANSFER, "振込": Channel.BANK_TRANSFER, "口座振り込み": Channel.BANK_TRANSFER,
    },
    Medium: {
        "electronic": Medium.ELECTRONIC, "電子": Medium.ELECTRONIC,
        "removable": Medium.REMOVABLE, "電子媒体": Medium.REMOVABLE,
        "dvd-r": Medium.REMOVABLE, "dvd": Medium.REMOVABLE, "cd-r": Medium.REMOVABLE,
        "usb": Medium.REMOVABLE, "媒体": Medium.REMOVABLE,
        "paper": Medium.PAPER, "紙媒体": Medium.PAPER,
        "oral": Medium.ORAL, "口頭": Medium.ORAL,
    },
    DataClass: {
        "ordinary": DataClass.ORDINARY, "一般": DataClass.ORDINARY,
        "sensitive": DataClass.SENSITIVE, "要配慮": DataClass.SENSITIVE,
        "my_number": DataClass.MY_NUMBER, "マイナンバー": DataClass.MY_NUMBER,
        "credential": DataClass.CREDENTIAL, "パスワード": DataClass.CREDENTIAL,
    },
    Zone: {
        "my_number": Zone.MY_NUMBER, "マイナンバー系": Zone.MY_NUMBER,
        "lgwan": Zone.LGWAN, "lgwan系": Zone.LGWAN,
        "internet": Zone.INTERNET, "インターネット系": Zone.INTERNET,
    },
    Certification: {
        "privacy_mark": Certification.PRIVACY_MARK, "pマーク": Certification.PRIVACY_MARK,
        "iso27001": Certification.ISMS, "iso/iec27001": Certification.ISMS,
        "lgwan-asp資格": Certification.LGWAN_ASP, "lgwan_asp": Certification.LGWAN_ASP,
    },
    SystemKind: {
        "system": SystemKind.SYSTEM, "database": SystemKind.DATABASE, "db": SystemKind.DATABASE,
        "storage": SystemKind.STORAGE, "フォルダ": SystemKind.STORAGE,
        "pc": SystemKind.PC, "端末": SystemKind.PC,
        "web": SystemKind.WEB, "printer": SystemKind.PRINTER,
    },
}

# Japanese names of the vocabularies, for error messages.
VOCAB_NAME = {
    Role: "役割 (role)", Basis: "根拠 (basis)", Channel: "経路 (channel)",
    Medium: "媒体 (medium)", DataClass: "情報の区分 (data class)", Zone: "ネットワーク区分 (zone)",
    Certification: "認証 (certification)", SystemKind: "種類 (system kind)",
}


def _lookup_table(enum: type[StrEnum]) -> dict[str, StrEnum]:
    table = {match_key(m.value): m for m in enum}
    table.update({match_key(k): v for k, v in ALIASES.get(enum, {}).items()})
    return table


_TABLES = {enum: _lookup_table(enum) for enum in ALIASES}


def parse_vocab(enum: type[StrEnum], value: object) -> StrEnum:
    """Resolve a user's word to the enum member, or raise a located-friendly error."""
    if isinstance(value, enum):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "piflow_vocab", "{ja} / {en}",
            {"ja": f"{VOCAB_NAME[enum]} は文字列で書いてください", "en": "expected a string", "hint": ""},
        )
    member = _TABLES[enum].get(match_key(value))
    if member is None:
        choices = [m.value for m in enum]
        hits = suggest(value, choices + list(ALIASES.get(enum, {})))
        hint = f"もしかして (did you mean): {', '.join(hits)}" if hits else ""
        raise PydanticCustomError(
            "piflow_vocab", "{ja} / {en}",
            {
                "ja": f"{VOCAB_NAME[enum]} に「{value}」はありません。使える値: {'、'.join(choices)}",
                "en": f"unknown {enum.__name__.lower()} {value!r}",
                "hint": hint,
            },
        )
    return member


def accepted_spellings(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum) + tuple(ALIASES.get(enum, {}))


def vocab(enum: type[StrEnum]):
    """Annotated type: the enum, accepting aliases, advertising them in the schema."""
    spellings = accepted_spellings(enum)
    return Annotated[
        enum,
        BeforeValidator(
            lambda v, _e=enum: parse_vocab(_e, v),
            json_schema_input_type=Literal[spellings],  # type: ignore[valid-type]
        ),
    ]
