#!/usr/bin/env bash
# Runs piflow on every example flow in flows/, writing figures to out/.
set -uo pipefail
cd "$(dirname "$0")/.."
PIFLOW=.venv/bin/piflow
$PIFLOW validate flows/ || exit $?
