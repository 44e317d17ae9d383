"""G232 internet-my-number-link: a direct link between the internet and My Number segments.

何を調べるか (What it does)
    インターネット接続系 の端点と マイナンバー利用事務系 の端点の間の手順（向きは問いません）。
    A step between an endpoint in インターネット接続系 and one in
    マイナンバー利用事務系, in either direction.

なぜ (Why)
    三層の対策は、この二つの系の直接の接続を禁じています。
    三層の対策 forbids any direct connection between the two segments.

違反例 (Example)
    ``web_form`` (インターネット接続系) → ``jukiseki`` (マイナンバー利用事務系).

修正例 (Use instead)
    LGWAN接続系を経由して無害化するか、手渡しにしてください。
    Route through LGWAN接続系 with 無害化, or by hand.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.audit.rules.g231_my_number_leaves_zone import zone_of
from piflow.vocab import Zone


@rule(code="G232", name="internet-my-number-link", severity="error",
      title="インターネット接続系とマイナンバー利用事務系の直接接続",
      title_en="direct link between the internet and My Number segments")
def check(ctx):
    pair = {Zone.INTERNET, Zone.MY_NUMBER}
    for ref in ctx.facts.steps:
        if {zone_of(ctx, ref.step.from_), zone_of(ctx, ref.step.to)} == pair:
            yield Problem(ctx.step(ref), "インターネット接続系とマイナンバー利用事務系を直接つないでいます",
                          "direct link between the internet and My Number segments",
                          "LGWAN接続系で無害化するなど、直接の接続をなくしてください。"
                          "根拠のある例外なら exceptions に根拠と代わりの管理策を書いてください")
