#!/usr/bin/env bash
# Installs everything piflow and its tests need, once; later runs are quick.
# System packages come from Debian (graphviz for `dot`, a Japanese font so the
# figures render their text); Python packages go into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# A Debian package counts only when installed (not merely known, or removed with its config left).
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need_apt+=(fonts-noto-cjk)
if [ "${PIFLOW_SETUP_EXTRA:-}" = "1" ]; then
  # The report checks: HTML in a real browser, DOCX through LibreOffice.
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
  # soffice alone is not enough: the DOCX checks need Writer and the XLSX checks need Calc.
  for part in writer calc; do
    installed "libreoffice-$part-nogui" || installed "libreoffice-$part" || need_apt+=("libreoffice-$part-nogui")
  done
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} (Debian packages)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.piflow-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi
