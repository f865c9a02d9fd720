#!/usr/bin/env bash
# End-to-end tests of the app: builds the release site into dist/ (trunk,
# wasm-opt -Oz, served under /rule-atlas/ like a GitHub Pages project site),
# installs the Playwright test runner (never a browser: the tests drive
# Debian's /usr/bin/chromium), and runs tests/e2e against it.
#
#   scripts/test-app.sh                      # on the fixture catalog (exact counts)
#   RULE_ATLAS_CORPUS=../shared/corpus scripts/test-app.sh
#                                            # also on the catalog built from the corpus
#   ATLAS_E2E_CATALOG=/path/to/catalog scripts/test-app.sh
#                                            # also on an existing catalog folder
#   scripts/test-app.sh --no-build           # reuse dist/
#
# Idempotent: rebuilds what changed, reinstalls node modules only when the
# lockfile changed. Extra arguments go to `playwright test`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
e2e="$root/tests/e2e"
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# trunk checks crates.io for a newer trunk at start-up unless told not to.
export TRUNK_SKIP_VERSION_CHECK=true
say() { printf '[test-app] %s\n' "$*"; }

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) args+=("$arg") ;;
  esac
done

if ! command -v trunk >/dev/null || ! command -v wasm-opt >/dev/null || ! command -v wasm-bindgen >/dev/null; then
  say "installing the missing build tools"
  bash "$root/scripts/install-tools.sh"
fi

# The catalog to test besides the fixture, if any.
corpus_catalog=""
if [ -n "${RULE_ATLAS_CORPUS:-}" ]; then
  corpus_catalog="$root/target/e2e-catalog"
  say "building the catalog from $RULE_ATLAS_CORPUS"
  sources=()
  for vendor in sigma elastic splunk; do
    [ -d "$RULE_ATLAS_CORPUS/$vendor" ] && sources+=("--$vendor" "$RULE_ATLAS_CORPUS/$vendor")
  done
  (cd "$root" && cargo run --quiet --release -p atlas-builder -- build --quiet "${sources[@]}" \
    --attack "$RULE_ATLAS_CORPUS/attack/enterprise-attack.json" --attack-version 18.1 --out "$corpus_catalog")
elif [ -n "${ATLAS_E2E_CATALOG:-}" ]; then
  corpus_catalog="$ATLAS_E2E_CATALOG"
fi

if [ "$build" = 1 ]; then
  say "building the release site (trunk build --release --offline --public-url /rule-atlas/)"
  (cd "$root" && trunk build --release --offline --public-url /rule-atlas/)
  # The published site carries a catalog at dist/catalog/ (the trunk hook
  # copies public/catalog when the repository has one); the tests serve
  # their own catalog over it, so this only matters for publishing.
  if [ -n "$corpus_catalog" ]; then
    rm -rf "$root/dist/catalog"
    mkdir -p "$root/dist/catalog"
    cp "$corpus_catalog/catalog.json" "$root/dist/catalog/"
    [ -f "$corpus_catalog/macros.json" ] && cp "$corpus_catalog/macros.json" "$root/dist/catalog/"
    cp -R "$corpus_catalog/details" "$root/dist/catalog/"
  fi
fi
# The app's WASM, and the checker's, loaded only by /check (docs/app.md).
size() { echo "$(stat -c %s "$1") bytes ($(node -e "const z=require('zlib');process.stdout.write(String(z.brotliCompressSync(require('fs').readFileSync(process.argv[1])).length))" "$1") brotli)"; }
say "WASM: $(size "$(ls "$root"/dist/rule-atlas-app-*_bg.wasm)")"
say "checker WASM: $(size "$root/dist/atlas-checker_bg.wasm")"

# The checker's tests compare its trees with `rule-atlas explain`'s.
(cd "$root" && cargo build --quiet --release -p atlas-builder)
export RULE_ATLAS_BIN="${CARGO_TARGET_DIR:-$root/target}/release/rule-atlas"

cd "$e2e"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the Playwright test runner (no browser download)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline
fi
node fixtures/make-catalog.mjs >/dev/null

say "end-to-end tests on the fixture catalog"
env -u ATLAS_E2E_CATALOG npx playwright test "${args[@]}"
if [ -n "$corpus_catalog" ]; then
  say "end-to-end tests on $corpus_catalog"
  ATLAS_E2E_CATALOG="$corpus_catalog" npx playwright test "${args[@]}"
fi
