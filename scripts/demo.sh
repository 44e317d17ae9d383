#!/usr/bin/env bash
# The main job on the example flows: validate, audit, and draw every figure
# (SVG, print-ready PNG, and the audited variant) into out/.
set -uo pipefail
cd "$(dirname "$0")/.."
PIFLOW=.venv/bin/piflow
$PIFLOW validate flows/ || exit $?
mkdir -p out
# audit exits 1 on the real papers' findings (expected): keep its output and its code, go on.
$PIFLOW audit flows/ --format sarif > out/audit.sarif
sarif_rc=$?
[ "$sarif_rc" -le 1 ] || exit "$sarif_rc"
$PIFLOW audit flows/ | tee out/audit.txt
audit_rc=${PIPESTATUS[0]}
[ "$audit_rc" -le 1 ] || exit "$audit_rc"
$PIFLOW draw flows/ -o out/svg || exit $?
$PIFLOW draw flows/ -f png --dpi 150 -o out/png || exit $?
$PIFLOW draw flows/ --audit -o out/audited || exit $?
$PIFLOW checklist flows/ -f xlsx -o out/checklists || exit $?
# The paper the section files (figures, then the checklists) and, beside it, the review document
# (audit results, unanswered items, the evidence of every mark).
$PIFLOW report flows/ -o out/report || exit $?
$PIFLOW report flows/ --review -o out/report || exit $?
echo
echo "図 (figures): out/svg/*.svg, out/png/*.png, 指摘入り (with findings): out/audited/*.svg"
echo "チェックリスト: out/checklists/*.xlsx   提出用の資料 (filed paper): out/report/index.html"
echo "確認用の資料 (review: audit, blanks, evidence): out/report/index.review.html"
echo "監査 (audit): out/audit.txt, out/audit.sarif  — exit code of audit: $audit_rc (1 = findings in the real papers, expected)"
