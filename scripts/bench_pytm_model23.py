"""資料23-1 (区民意見・FAQシステム, internet posting and answers) as an OWASP pytm model.

Used only by scripts/bench.py to time pytm's ``--dfd | dot -Tsvg`` beside ``piflow draw``
on the same flow (flows/23-kumin-iken-faq-dynamics365.yaml, scenario internet).
Run: python scripts/bench_pytm_model23.py --dfd | dot -Tsvg
"""

from pytm import TM, Actor, Boundary, Dataflow, Datastore, Server

tm = TM("資料23-1 区民意見・FAQシステムに係る個人情報の流れ（インターネット投稿・インターネット回答）",
        description="piflow benchmark: the same flow as flows/23-kumin-iken-faq-dynamics365.yaml")
tm.isOrdered = True

ward = Boundary("新宿区")
contractor = Boundary("日本電気株式会社")

citizens = Actor("区民等（投稿者）")
intra_pc = Server("区職員（イントラPC）")
intra_pc.inBoundary = ward
faq = Server("区民意見・FAQシステム")
faq.inBoundary = contractor
db = Datastore("DB（意見・回答等データ）")
db.inBoundary = contractor

flows = [
    (citizens, faq, "①意見等の入力・投稿"),
    (faq, citizens, "②パスワードの表示"),
    (faq, citizens, "③受付確認メールの送信"),
    (faq, intra_pc, "④処理依頼メールの送付"),
    (faq, intra_pc, "⑤意見内容の確認・出力"),
    (intra_pc, faq, "⑥回答・対応経過入力"),
    (intra_pc, faq, "⑦インターネット回答送信処理"),
    (faq, citizens, "⑧回答メールの送付"),
    (faq, citizens, "⑨パスワード入力・回答閲覧"),
]
for order, (source, sink, name) in enumerate(flows, start=1):
    flow = Dataflow(source, sink, name)
    flow.order = order

if __name__ == "__main__":
    tm.process()
