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
# Python packages: exactly the versions in uv.lock (runtime + test, + bench with PIFLOW_EXTRAS="test bench").
# uv itself is pinned and kept in .tools/; where it cannot be installed, pip installs the same pins from
# requirements/lock.txt (exported from uv.lock, with hashes).  A lock that disagrees with pyproject.toml
# stops here: update it with `make lock`.
UV_VERSION=0.13.9
export UV_PYTHON_DOWNLOADS=never  # the machine's own Python, never a downloaded one
EXTRAS=${PIFLOW_EXTRAS:-test}
stamp=.venv/.piflow-installed
want="$({ cat pyproject.toml uv.lock 2>/dev/null || true; } | sha256sum | cut -d" " -f1) $EXTRAS"
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    { "$PY" -m venv .tools && .tools/bin/python -m pip install -q "uv==$UV_VERSION"; } >/dev/null 2>&1 \
      || echo "setup: uv $UV_VERSION could not be installed; using pip with requirements/lock.txt" >&2
  fi
  if [ -x .tools/bin/uv ]; then
    extras=()
    for extra in $EXTRAS; do extras+=(--extra "$extra"); done
    UV_PROJECT_ENVIRONMENT=.venv .tools/bin/uv sync -q --locked --python "$PY" "${extras[@]}" || {
      echo "setup: uv.lock does not match pyproject.toml (or could not be installed): run \`make lock\`" >&2
      exit 1
    }
  else
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements/lock.txt
    .venv/bin/python -m pip install -q --no-deps -e .
  fi
  echo "$want" > "$stamp"
fi
