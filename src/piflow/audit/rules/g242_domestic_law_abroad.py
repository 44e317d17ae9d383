"""G242 domestic-law-abroad: 国内法が適用されるサーバ環境 declared beside a location outside Japan.

何を調べるか (What it does)
    「国内法が適用されるサーバ環境」（``domestic-law``）を ○ と宣言している当事者・システムで、個人情報を置く場所
    （``location``、G241 と同じ読み方）が日本の外であること。
    A party or system that declares 国内法が適用されるサーバ環境 (``domestic-law``)
    while the place it keeps personal data (``location``, read as in G241) is
    outside Japan.

なぜ (Why)
    チェックリストの ○ は会議が頼りにする申告です。シンガポールのサーバに「日本国内の法が適用される」と ○ を付けると、
    申告と事実が食い違います。
    A ○ on the checklist is a statement the council relies on; a server in
    Singapore marked 「日本国内の法が適用される」 contradicts the flow.

違反例 (Example)
    ``{id: saas, location: シンガポール, measures: [国内法が適用されるサーバ環境]}``

修正例 (Use instead)
    所在地を正す（国内のデータセンターなら ``location: 国内``）か、宣言をやめて G241 の例外として根拠と管理策を書いてください。
    Correct the location, or drop the declaration and state the G241 exception
    with its basis and controls.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule


def _declares(holder) -> bool:
    return "domestic-law" in (*holder.measures, *holder.checklist_measures)


@rule(code="G242", name="domestic-law-abroad", severity="error",
      title="国外の所在地に「国内法が適用されるサーバ環境」", title_en="domestic law declared for a server abroad",
      checklist=("チェックリスト4 システム上の対策 11",))
def check(ctx):
    for party, holder, place in ctx.facts.abroad:
        if _declares(holder) or _declares(party):
            subject = ctx.party(party) if holder is party else ctx.system(holder)
            yield Problem(subject,
                          f"「{ctx.label('domestic-law')}」を宣言していますが、所在地は国外（{place}）です",
                          f"declares servers under Japanese law although they are outside Japan ({place})",
                          "所在地（location）を正すか、宣言をやめて国外に置く根拠を exceptions（G241）に書いてください "
                          "(correct the location, or drop the claim and state the G241 exception)")
