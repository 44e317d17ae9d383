"""G233 unsanitised-import: internet data enters the LGWAN segment without 無害化.

何を調べるか (What it does)
    インターネット接続系 から LGWAN接続系 への手順で、手順・送り手・受け手のどこにも ``sanitization``（無害化処理）の宣言がないこと。
    A step from an endpoint in インターネット接続系 to one in LGWAN接続系 with
    no ``sanitization`` (無害化処理) declared on the step, the sender or the receiver.

なぜ (Why)
    三層の対策: インターネット側のデータは、無害化か画面転送を通してだけ LGWAN接続系に入れます。
    三層の対策: data from the internet side enters LGWAN接続系 only through
    sanitising or screen transfer.

違反例 (Example)
    ``mail_server`` (インターネット接続系) → ``intra_pc`` (LGWAN接続系), no measures.

修正例 (Use instead)
    その手順に ``measures: [無害化処理]`` を書いてください。
    ``measures: [無害化処理]`` on the step.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.audit.rules.g231_my_number_leaves_zone import zone_of
from piflow.vocab import Zone


@rule(code="G233", name="unsanitised-import", severity="error",
      title="無害化なしでLGWAN接続系へ取り込む", title_en="internet data enters LGWAN without sanitising")
def check(ctx):
    for ref in ctx.facts.steps:
        if zone_of(ctx, ref.step.from_) is Zone.INTERNET and zone_of(ctx, ref.step.to) is Zone.LGWAN:
            if "sanitization" not in ctx.facts.step_measures(ref, ("step", "sender", "receiver")):
                yield Problem(ctx.step(ref), "インターネット接続系からLGWAN接続系へ無害化せずに取り込んでいます",
                              "data enters LGWAN from the internet segment without sanitising",
                              "measures に「無害化処理」を書くか、根拠のある例外なら exceptions に根拠と代わりの管理策を書いてください",
                              "sanitization")
