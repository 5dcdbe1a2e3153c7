#!/usr/bin/env bash
# Starts Hotline on a fresh machine with Node.js 20+: installs the locked dependencies, then
# serves the sample flows on the built-in simulated PBX with the in-memory store and the web
# console at http://127.0.0.1:8080 (the admin token is printed at start-up).
#
#   bash scripts/start.sh
#
# Any configuration variable overrides the defaults (see README.md), e.g.
#   PORT=9090 bash scripts/start.sh
#   PBX=ari ARI_URL=http://127.0.0.1:8088 ARI_USERNAME=hotline ARI_PASSWORD=... bash scripts/start.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

hotline_require_node
hotline_install_deps

# The embedded defaults, spelled out: no PBX, no Redis, nothing else to install.
export PBX="${PBX:-sim}"
export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-8080}"

# exec: Hotline receives SIGTERM/SIGINT itself and shuts down cleanly.
exec node bin/hotline.js serve
