#!/usr/bin/env bash
# Runs the suite against the newest dependency versions pyproject.toml allows (not the lock), in
# .venv-latest, and names every package that is newer than uv.lock, so a failure points at its cause.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
rm -rf .venv-latest
.tools/bin/uv venv -q --python "$PY" .venv-latest
.tools/bin/uv pip install -q --python .venv-latest/bin/python --resolution highest --no-cache -e '.[test]'
newer=$(.venv-latest/bin/python scripts/lockdiff.py uv.lock)
if [ -n "$newer" ]; then
  echo "newer than uv.lock (newest allowed by pyproject.toml):"
  echo "$newer" | sed 's/^/  /'
else
  echo "uv.lock already has the newest versions pyproject.toml allows"
fi
if .venv-latest/bin/python -m pytest -q -p no:cacheprovider; then
  echo "test-latest: passed with the newest versions"
else
  status=$?
  echo "test-latest: FAILED with the newest versions; the packages that changed are listed above" >&2
  [ -n "$newer" ] && echo "$newer" | sed 's/^/  suspect: /' >&2
  exit $status
fi
