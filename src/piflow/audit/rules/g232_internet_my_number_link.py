"""G232 internet-my-number-link: a direct link between the internet and My Number segments.

何を調べるか (What it does)
    インターネット接続系 の端点と マイナンバー利用事務系 の端点の間の手順（向きは問いません）。
    A step between an endpoint in インターネット接続系 and one in
    マイナンバー利用事務系, in either direction.
    また、マイナンバー利用事務系 の端点が インターネット・メール・インターネットVPN の経路で送る・受け取る手順
    （相手の系を書いていなくても、経路が系の外へ出ています）。
    Also a step to or from an endpoint in マイナンバー利用事務系 over an internet
    channel (インターネット, メール, インターネットVPN): the channel leaves the
    segment even when the other end declares no zone.

なぜ (Why)
    三層の対策は、この二つの系の直接の接続を禁じています。
    三層の対策 forbids any direct connection between the two segments.

違反例 (Example)
    ``web_form`` (インターネット接続系) → ``jukiseki`` (マイナンバー利用事務系);
    ``jukiseki`` (マイナンバー利用事務系) → ``vendor`` over ``channel: インターネット``.

修正例 (Use instead)
    LGWAN接続系を経由して無害化するか、手渡しにしてください。
    Route through LGWAN接続系 with 無害化, or by hand.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.audit.rules.g231_my_number_leaves_zone import zone_of
from piflow.vocab import ChannelClass, Zone


@rule(code="G232", name="internet-my-number-link", severity="error",
      title="インターネット接続系とマイナンバー利用事務系の直接接続",
      title_en="direct link between the internet and My Number segments")
def check(ctx):
    pair = {Zone.INTERNET, Zone.MY_NUMBER}
    for ref in ctx.facts.steps:
        zones = {zone_of(ctx, ref.step.from_), zone_of(ctx, ref.step.to)}
        internet = [c.value for c in ref.step.channels if c.klass is ChannelClass.INTERNET]
        if zones == pair:
            yield Problem(ctx.step(ref), "インターネット接続系とマイナンバー利用事務系を直接つないでいます",
                          "direct link between the internet and My Number segments",
                          "LGWAN接続系で無害化するなど、直接の接続をなくしてください。"
                          "根拠のある例外なら exceptions に根拠と代わりの管理策を書いてください")
        elif Zone.MY_NUMBER in zones and internet:
            yield Problem(ctx.step(ref),
                          f"マイナンバー利用事務系の端点が{'・'.join(internet)}で通信しています（経路が系の外へ出ています）",
                          "an endpoint in the My Number segment communicates over an internet channel",
                          "マイナンバー利用事務系の通信は庁内LAN・LGWAN・専用回線などの閉じた経路に限ってください。"
                          "根拠のある例外なら exceptions に根拠と代わりの管理策を書いてください")
