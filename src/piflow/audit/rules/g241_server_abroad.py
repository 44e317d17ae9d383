"""G241 server-abroad: personal data kept on a server or in a data centre outside Japan.

何を調べるか (What it does)
    個人情報を持つシステム（またはシステムを書いていない当事者）の ``location`` が日本の外であること
    （``国内``・``日本``・都道府県名（``東京都``、``東京リージョン``）以外。``国外``・``海外`` を含むものも外）。
    システムに ``location`` がなければ、その当事者の ``location`` を使います。根拠のある例外（``exceptions``）で
    解消します。「国内法が適用されるサーバ環境」の宣言では解消しません（国外のサーバにはその国の法が及ぶので、
    その宣言は G242 の矛盾です）。
    A system holding personal data (or a party that holds data and names no
    system) whose ``location`` is outside Japan: anything but 国内, 日本 or a
    prefecture (東京都, 東京リージョン); a location with 国外 or 海外 is outside.
    A system without a location takes its party's.  Settled only by an exception
    with its basis; declaring 国内法が適用されるサーバ環境 does not settle it (a
    server abroad is under that country's law — G242 reports the contradiction).
    指摘はその当事者が受けるチェックリストのシステム上の対策 11（再委託先ならチェックリスト5）を示し、
    その項目（国内法）の裏付けになります: 例外があれば項目は「－（例外: 根拠。代わりの管理策: …）」、
    なければ「未対応」です（空欄にはなりません）。
    The finding cites system item 11 of the forms its party gets (checklist 5 for a
    subcontractor) and stands behind that item's 国内法 part: with an exception the
    item prints 「－（例外: …）」, without one 未対応 (never a silent blank).

なぜ (Why)
    チェックリスト3〜5・7 システム上の対策 11: サーバは日本国内の法が適用される環境に置きます。国外のデータセンターでは、
    その国の当局がデータを求めることがあり、区の保有する個人情報が日本の法の外に出ます。契約の準拠法を日本法とし、
    管轄を国内の裁判所とする条項（クラウドガイドライン）があっても、サーバの所在国の法は及びます。
    Checklists 3-5 and 7, system item 11: servers sit where Japanese law applies.
    Abroad, that country's authorities may demand the data.  A contract clause
    choosing Japanese law and a Japanese court (the cloud guideline's) does not
    stop the law of the country the server is in.

違反例 (Example)
    ``{id: saas_db, name: 申請データ, location: シンガポール}`` on the SaaS vendor.

修正例 (Use instead)
    国内のデータセンター（``location: 国内``）を使う契約にしてください。国外に置くしかなく、それが認められる根拠が
    あるなら例外として根拠と代わりの管理策を書きます。
    Use a data centre in Japan (``location: 国内``), or state an exception with its
    basis and the controls that replace the rule::

        exceptions:
          - key: G241@system:saas_db
            basis: 個人情報保護法第28条（外国にある第三者への提供の制限）に基づく本人同意・同等の体制の確認
            controls: [契約の準拠法を日本法とし管轄を東京地方裁判所とする条項, データの暗号化（鍵は区が管理）]
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.checklist import measure_uses_once


@rule(code="G241", name="server-abroad", severity="error",
      title="サーバ・データセンターが国外にある", title_en="server or data centre outside Japan",
      checklist=("チェックリスト4 システム上の対策 11",))
def check(ctx):
    uses = measure_uses_once(ctx)
    for party, holder, place in ctx.facts.abroad:
        subject = ctx.party(party) if holder is party else ctx.system(holder)
        # The item of the forms this party gets (a 再委託先's is checklist 5, not 4), and the part it stands
        # behind, so that an exception prints 「－（例外: …）」 on 国内法 rather than leaving it blank.
        use = uses.get(party.id, {}).get("domestic-law")
        yield Problem(subject,
                      f"個人情報を置くサーバ・データセンターが国外（{place}）にあります（日本国内の法が適用されません）",
                      f"personal data is kept on servers outside Japan ({place})",
                      "国内のデータセンターを使う（location: 国内）か、国外に置く根拠があるなら exceptions に根拠と"
                      "代わりの管理策（準拠法を日本法・管轄を国内の裁判所とする契約条項など）を書いてください "
                      "(use a data centre in Japan, or state an exception with its basis and controls)",
                      checklist=use.items if use else (), part="domestic-law")
