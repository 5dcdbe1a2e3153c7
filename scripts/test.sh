#!/usr/bin/env bash
# Installs what the tests need, type-checks, and runs every test.
#
#   bash scripts/test.sh
#
# Works unattended (CI=true, no stdin): Debian packages are installed non-interactively, with
# sudo only when not root (redis-server, espeak-ng, sox). redis-server's system service is NOT started:
# the tests start their own redis-server on free loopback ports.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

hotline_require_node

# What the tests need from Debian: a real redis-server (the Redis store tests start their own),
# espeak-ng and sox (text to speech for PBX prompts).
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
if [[ ${#missing[@]} -gt 0 ]]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "hotline: missing ${missing[*]}; install them so that they are on PATH" >&2
    exit 1
  fi
  echo "hotline: installing ${missing[*]} (apt-get)"
  # Debian's maintainer scripts start a newly installed service through invoke-rc.d, which
  # asks /usr/sbin/policy-rc.d first: exit code 101 means "do not start anything". Put one in
  # place for the install (only if none exists) and take it away afterwards.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [[ ! -e "$policy" ]]; then
    hotline_as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    added_policy=1
  fi
  cleanup_policy() { if [[ $added_policy == 1 ]]; then hotline_as_root rm -f "$policy" || true; fi; }
  trap cleanup_policy EXIT
  hotline_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  hotline_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
  cleanup_policy
  added_policy=0
fi
echo "hotline: $(redis-server --version | head -n 1)"

hotline_install_deps

echo "hotline: type-check (tsc --noEmit)"
npx --no-install tsc --noEmit -p .

echo "hotline: tests (npm test)"
npm test
