# shellcheck shell=bash
# Shared by scripts/start.sh and scripts/test.sh (sourced, not run).

# Fails unless Node.js 20.10 or newer is on PATH (package.json "engines").
hotline_require_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "hotline: Node.js 20.10 or newer is required (https://nodejs.org, or your distribution's nodejs package)" >&2
    exit 1
  fi
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=10)?0:1)'; then
    echo "hotline: Node.js 20.10 or newer is required, found $(node --version)" >&2
    exit 1
  fi
}

# Installs the locked dependencies with `npm ci`, unless node_modules already holds exactly
# the lockfile's tree (npm writes node_modules/.package-lock.json on every install, so a copy
# newer than package.json and package-lock.json means nothing changed since). Set
# HOTLINE_FORCE_INSTALL=1 to always reinstall.
hotline_install_deps() {
  local marker=node_modules/.package-lock.json
  if [[ "${HOTLINE_FORCE_INSTALL:-0}" != 1 && -f "$marker" && "$marker" -nt package-lock.json && "$marker" -nt package.json ]]; then
    echo "hotline: dependencies up to date (node_modules matches package-lock.json)"
    return 0
  fi
  echo "hotline: installing dependencies (npm ci)"
  npm ci --include=dev --no-audit --no-fund
}

# Runs a command as root: directly when we are root, through sudo otherwise. Never prompts
# when there is no terminal (CI): sudo -n fails instead of waiting for a password.
hotline_as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
  else
    echo "hotline: need root (or sudo) to run: $*" >&2
    return 1
  fi
}
