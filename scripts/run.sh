#!/usr/bin/env bash
# Build if needed, then run the gateway in the foreground.
#   scripts/run.sh                       embedded EAL default + config/default.conf
#   scripts/run.sh [EAL args] -- [app args]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec ./build/app/gdoigw/gdoigw "$@"
