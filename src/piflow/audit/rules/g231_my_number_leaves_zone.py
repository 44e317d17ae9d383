"""G231 my-number-leaves-zone: 特定個人情報 leaves the マイナンバー利用事務系.

何を調べるか (What it does)
    送り手（システムか当事者）が マイナンバー利用事務系 にあり、受け手がそうでない手順で、特定個人情報を運ぶこと。
    A step whose sender (system or party) is in zone マイナンバー利用事務系 and
    whose receiver is not, carrying 特定個人情報.

なぜ (Why)
    三層の対策: マイナンバーのデータはマイナンバー利用事務系の中に置き、提供は番号法が認める場合に限ります。
    三層の対策: My Number data stays in the My Number segment; provision only as
    the My Number Act allows.

違反例 (Example)
    ``jukiseki`` (zone マイナンバー利用事務系) → ``vendor_pc`` with ``data: [my_number]``.

修正例 (Use instead)
    処理を系の中で行うか、データからマイナンバーを外してください。
    Keep the processing inside the segment, or drop the My Number from the data.
    When the law requires it outside (printing the 個人番号 on a tax notice), state
    an exception with its basis and the controls that replace the rule::

        exceptions:
          - key: G231@step:printing/media_handover
            basis: 番号法第9条第1項・別表第一（地方税の賦課徴収に関する事務）
            controls: [媒体の暗号化, 特定個人情報の取扱いに関する特記事項, 作業場所の限定]
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import DataClass, Zone


def zone_of(ctx, endpoint):
    system = ctx.flow.system_by_id.get(endpoint)
    if system and system.zone:
        return system.zone
    return ctx.flow.owner(endpoint).zone


@rule(code="G231", name="my-number-leaves-zone", severity="error",
      title="特定個人情報がマイナンバー利用事務系の外へ出る", title_en="My Number data leaves the My Number segment")
def check(ctx):
    for ref in ctx.facts.steps:
        if zone_of(ctx, ref.step.from_) is not Zone.MY_NUMBER or zone_of(ctx, ref.step.to) is Zone.MY_NUMBER:
            continue
        if DataClass.MY_NUMBER.value in ctx.facts.data_classes(ref):
            yield Problem(ctx.step(ref), "特定個人情報がマイナンバー利用事務系の外へ出ています",
                          "My Number data leaves the My Number segment",
                          "マイナンバー利用事務系の中で処理するか、特定個人情報を除いてください。番号法等により系の外で"
                          "扱う必要がある場合（税額通知書への個人番号の印字など）は、exceptions に根拠の条項と代わりの"
                          "管理策（媒体の暗号化、特定個人情報の取扱いに関する特記事項など）を書いてください")
