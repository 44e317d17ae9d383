#!/usr/bin/env bash
# The main job on the example flows: validate, audit, and draw every figure
# (SVG, print-ready PNG, and the audited variant) into out/.
set -uo pipefail
cd "$(dirname "$0")/.."
PIFLOW=.venv/bin/piflow
$PIFLOW validate flows/ || exit $?
$PIFLOW audit flows/ --format sarif > out.sarif.tmp && mkdir -p out && mv out.sarif.tmp out/audit.sarif
$PIFLOW audit flows/ | tee out/audit.txt
audit_rc=${PIPESTATUS[0]}
$PIFLOW draw flows/ -o out/svg || exit $?
$PIFLOW draw flows/ -f png --dpi 150 -o out/png || exit $?
$PIFLOW draw flows/ --audit -o out/audited || exit $?
$PIFLOW checklist flows/ -f xlsx -o out/checklists || exit $?
$PIFLOW report flows/ -o out/report || exit $?
echo
echo "図 (figures): out/svg/*.svg, out/png/*.png, 指摘入り (with findings): out/audited/*.svg"
echo "チェックリスト: out/checklists/*.xlsx   レポート (report): out/report/index.html"
echo "監査 (audit): out/audit.txt, out/audit.sarif  — exit code of audit: $audit_rc (1 = findings in the real papers, expected)"
