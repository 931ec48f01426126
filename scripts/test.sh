#!/usr/bin/env bash
# `npm test`: the whole suite on this Node; then, for a full run (no arguments), the parts that
# never load uWebSockets.js again on Node 24, the production Node (scripts/test-on-node24.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
node_modules/.bin/vitest run "$@"
if [ $# -eq 0 ]; then bash scripts/test-on-node24.sh; fi
