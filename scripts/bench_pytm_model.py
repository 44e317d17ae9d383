"""資料49-3 (envelope printing with a CD-R/DVD-R hand-over) as an OWASP pytm model.

Used only by scripts/bench.py to time pytm's --dfd and --report beside piflow's
draw and audit on the same flow.  Run: python scripts/bench_pytm_model.py --dfd
"""

from pytm import TM, Actor, Boundary, Data, Dataflow, Datastore, Server

tm = TM("資料49-3 印字及び封入封緘業務の委託", description="piflow benchmark: the same flow as flows/49-kosodate-ouen-teate.yaml")
tm.isOrdered = True

ward = Boundary("新宿区")
contractor = Boundary("委託先")

staff = Actor("新宿区（職員）")
staff.inBoundary = ward
system = Datastore("児童手当システム")
system.inBoundary = ward
printer = Actor("委託先（未定）")
printer.inBoundary = contractor
printer_pc = Server("委託先PC")
printer_pc.inBoundary = contractor
subjects = Actor("対象者")

address = Data("受給者住所・氏名・認定番号", description="印字データ")

flows = [
    (system, staff, "①対象者データを抽出"),
    (staff, printer, "②印字データ（CD-R、DVD-R等）の提供"),
    (printer_pc, printer, "③封筒に個人情報を印字出力"),
    (printer, printer, "④印字した封筒への案内文封入封緘"),
    (printer, staff, "⑤印字データ（CD-R、DVD-R等）の返却"),
    (printer, staff, "⑥封入封緘後の封筒の納品（紙・手渡し）"),
    (staff, staff, "⑦納品検査"),
    (staff, printer, "⑧納品検査後、納品（紙・手渡し）"),
    (printer, subjects, "⑨委託先が郵便局に持ち込み対象者に発送"),
]
for order, (source, sink, name) in enumerate(flows, start=1):
    if source is sink:
        continue  # pytm has no self-flows; piflow draws them as loops
    flow = Dataflow(source, sink, name)
    flow.order = order
    # Not flow.data = address: pytm 1.4.0's --report then fails deep-copying Data
    # ("'Data' object has no attribute 'name'"), so the data item stays unattached.
    flow.note = address.description

if __name__ == "__main__":
    tm.process()
