"""G230 sensitive-over-internet: 要配慮個人情報 or 特定個人情報 over the internet or e-mail.

何を調べるか (What it does)
    インターネット または メール の手順で、要配慮個人情報 か 特定個人情報 の項目を運ぶこと。
    A step on インターネット or メール that carries an item of class
    要配慮個人情報 or 特定個人情報.

なぜ (Why)
    国の指針（三層の対策）はマイナンバーのデータをインターネットから切り離します。要配慮個人情報は一人分の漏えいでも個人情報保護委員会への報告が必要です。
    National guidance (三層の対策) keeps My Number data off the internet, and a
    leak of even one person's sensitive data must be reported to the national
    commission.

違反例 (Example)
    ``{channel: メール, data: [care_level]}`` where care_level is 要配慮個人情報.

修正例 (Use instead)
    LGWAN か専用回線、または暗号化した媒体の手渡しにしてください。
    LGWAN or a dedicated line, or hand delivery of an encrypted medium.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import ChannelClass, DataClass

SENSITIVE = {DataClass.SENSITIVE.value, DataClass.MY_NUMBER.value}


@rule(code="G230", name="sensitive-over-internet", severity="error",
      title="要配慮・特定個人情報をインターネットで送る", title_en="sensitive or My Number data over the internet")
def check(ctx):
    for ref in ctx.facts.steps:
        internet = [c for c in ref.step.channels if c.klass is ChannelClass.INTERNET]
        if internet:
            classes = ctx.facts.data_classes(ref) & SENSITIVE
            if classes:
                yield Problem(ctx.step(ref), f"{'・'.join(sorted(classes))}を{'・'.join(c.value for c in internet)}で送っています",
                              "sensitive or My Number data on an internet channel",
                              "LGWAN・専用回線、または暗号化した媒体の手渡しにしてください。"
                              "根拠のある例外なら exceptions に根拠と代わりの管理策を書いてください")
