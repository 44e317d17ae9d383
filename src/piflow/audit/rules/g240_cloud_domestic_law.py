"""G240 cloud-domestic-law: a cloud or connected party without 国内法が適用されるサーバ環境.

何を調べるか (What it does)
    役割が 結合先 か ``cloud`` のサービスを使う当事者で、自身にもそのシステムにも ``domestic-law``（国内法が適用されるサーバ環境）の宣言も理由つきの「－」もないこと。
    A party with role 結合先 or a ``cloud`` service that does not declare (or
    waive) ``domestic-law`` on itself or one of its systems.

なぜ (Why)
    クラウドに置いたデータも区が保有する個人情報です。チェックリスト 3〜5・7 は日本の法令が適用されるサーバを求めます。
    Data kept in a cloud service is still held by the ward; checklists 3-5 and 7
    require servers where Japanese law applies.

違反例 (Example)
    ``{id: box, role: 結合先, cloud: Box}`` with no measures.

修正例 (Use instead)
    契約で確かめたうえで ``measures: [国内法が適用されるサーバ環境]`` を書いてください。
    ``measures: [国内法が適用されるサーバ環境]`` once the contract says so.
"""

from piflow.audit.context import Problem
from piflow.audit.declare import rule
from piflow.vocab import Role


@rule(code="G240", name="cloud-domestic-law", severity="error",
      title="国内法が適用されるサーバ環境がない", title_en="cloud without servers under Japanese law",
      checklist=("チェックリスト4 システム上の対策 11",))
def check(ctx):
    for party in ctx.flow.parties:
        if (party.has_role(Role.CONNECTED) or party.cloud) and "domestic-law" not in ctx.facts.party_measures(party):
            yield Problem(ctx.party(party), "クラウド・結合先に「国内法が適用されるサーバ環境」がありません",
                          "cloud or connected party without servers under Japanese law",
                          "measures に「国内法が適用されるサーバ環境」を書くか、根拠のある例外なら exceptions に根拠と"
                          "代わりの管理策を書いてください", "domestic-law")
