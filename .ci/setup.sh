#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine: every step checks before it installs.
# Usage: .ci/setup.sh WASM_BINDGEN_VERSION TOOLS_DIR E2E_DIR
set -euo pipefail
version=$1 tools=$2 e2e=$3

say() { printf 'setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

# The CLI must match the pinned wasm-bindgen crate exactly. `--locked` fails here because the
# CLI's lockfile pins a webpki-roots release the registry lacks, so resolve afresh.
if [ "$("$tools/bin/wasm-bindgen" --version 2>/dev/null || true)" != "wasm-bindgen $version" ]; then
  say "installing wasm-bindgen-cli $version into $tools (takes ~3 minutes once)"
  cargo install wasm-bindgen-cli --version "$version" --root "$tools" --force
fi

# Debian's browsers: Chromium and its driver for the wasm and e2e tests, Firefox ESR to load
# dist/firefox for real (tests/e2e/tests/firefox.test.mjs). One apt-get for what is missing.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: ${missing[*]} missing. Install as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "installing Debian's ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The add-on asks for Firefox 140 or later (browser_specific_settings.gecko.strict_min_version).
firefox_major=$(firefox-esr --version 2>/dev/null | sed -n 's/^[^0-9]*\([0-9][0-9]*\)\..*/\1/p')
if [ "${firefox_major:-0}" -lt 140 ]; then
  echo "setup: firefox-esr ${firefox_major:-?} is older than 140, the add-on's minimum; upgrade it:" >&2
  echo "  apt-get update && apt-get install -y --only-upgrade firefox-esr" >&2
  exit 1
fi

# npm ci only when the lockfile changed since the last install.
stamp="$e2e/node_modules/.authlens-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$e2e/package-lock.json" "$stamp"; then
  say "npm ci in $e2e"
  (cd "$e2e" && npm ci --no-audit --no-fund)
  cp "$e2e/package-lock.json" "$stamp"
fi
