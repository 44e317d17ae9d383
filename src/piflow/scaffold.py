"""``piflow init``: start a new flow file from a template that validates and audits clean."""

from __future__ import annotations

import json
import re
from importlib import resources

TEMPLATES = {
    "paper-outsourcing": "業務委託（紙媒体のみ）— 名簿などを紙で渡して作業・発送を委託する",
    "dvd-outsourcing": "業務委託（DVD-R 等の受渡し）— 印字データを暗号化した媒体で渡す",
    "cloud-lgwan": "外部結合（LGWAN 経由でクラウドサービスを使う）— Box などのクラウドストレージ",
    "system-development": "電算処理（区のシステムの開発・改修を委託）",
    "lgwan-asp": "LGWAN-ASP によるデータの受渡し（印字等の委託）",
    "designated-manager": "指定管理（施設の運営を指定管理者が行う）",
    "provision-agency": "外部提供（他の行政機関等へ提供する）",
    "provision-private": "外部提供（行政機関等以外の者へ提供する: 社会福祉協議会、民生委員、町会、事業者）",
    "secondary-use": "目的外利用（他の行政機関等に提供する）",
    "external-link-agency": "外部結合（他の行政機関等のシステムと結合する: 広域連合 等）",
}


def template_text(name: str, title: str | None = None, municipality: str = "新宿区") -> str:
    text = resources.files("piflow").joinpath(f"templates/init/{name}.yaml").read_text(encoding="utf-8")
    text = text.replace("新宿区", municipality)  # the templates are written for the seed papers' ward
    if title:
        # Replace the proposal's title line only, keeping its comment; quote so any text stays valid YAML.
        quoted = json.dumps(title, ensure_ascii=False)  # a JSON string is a YAML double-quoted one: \n stays \n
        text = re.sub(r"^(  title: )(.*?)(\s+#.*)?$", lambda m: m.group(1) + quoted + (m.group(3) or ""),
                      text, count=1, flags=re.M)
    return text
