#!/usr/bin/env bash
# Builds Rule Atlas and serves it on http://127.0.0.1:8080/.
#
#   scripts/serve.sh                         # the default catalog (public/catalog, from the fixtures)
#   RULE_ATLAS_CORPUS=../shared/corpus scripts/serve.sh
#                                            # a catalog built from the rule repositories
#   scripts/serve.sh --build-only            # leave the site in dist/ for a static host
#   PUBLIC_URL=/rule-atlas/ scripts/serve.sh # the site lives under a sub-path
#
# Installs what is missing first (scripts/install-tools.sh). The server is
# tests/e2e/serve.mjs: a static file server that, like GitHub Pages, answers
# unknown paths with 404.html and compresses with brotli.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$root/.tools/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
public_url="${PUBLIC_URL:-/}"
port="${PORT:-8080}"

bash scripts/install-tools.sh

if [ -n "${RULE_ATLAS_CORPUS:-}" ]; then
  corpus="$RULE_ATLAS_CORPUS"
  sources=()
  for vendor in sigma elastic splunk; do
    [ -d "$corpus/$vendor" ] && sources+=("--$vendor" "$corpus/$vendor")
  done
  attack=()
  # The corpus copy of ATT&CK does not name its release; MITRE's own bundle does.
  [ -f "$corpus/attack/enterprise-attack.json" ] && attack=(--attack "$corpus/attack/enterprise-attack.json" --attack-version 18.1)
  echo "== building the catalog from $corpus"
  cargo run --quiet --release -p atlas-builder -- build "${sources[@]}" "${attack[@]}" --out target/site-catalog
  # The trunk post-build hook copies this catalog into dist/catalog.
  export RULE_ATLAS_CATALOG="$root/target/site-catalog"
fi

echo "== building the app (trunk, release, public URL $public_url)"
trunk build --release --offline --public-url "$public_url"

if [ "${1:-}" = "--build-only" ]; then
  echo "the site is in dist/ — copy it to any static host"
  exit 0
fi
exec node tests/e2e/serve.mjs --root dist --prefix "$public_url" --port "$port"
