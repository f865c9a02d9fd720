#!/usr/bin/env bash
# Runs every Rule Atlas test: installs missing tools, the native tests of all
# crates, then the app's end-to-end tests in headless Chromium. This is the
# README's test command and what .ci/run runs.
#
# The corpus tests (parse shares, hand-checked rules, the corpus catalog in
# the browser) run on RULE_ATLAS_CORPUS when it is set, else on the public
# sources fetched by scripts/fetch-sources.sh (.cache/sources) when there,
# else they are skipped with one line saying how to enable them.
#   scripts/test.sh --no-corpus   # skip them whatever is there
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$root/.tools/node_modules/.bin:$PATH"

fetched="${RULE_ATLAS_SOURCES:-$root/.cache/sources}"
if [ "${1:-}" = "--no-corpus" ]; then
  unset RULE_ATLAS_CORPUS
  export RULE_ATLAS_NO_CORPUS=1
elif [ -n "${RULE_ATLAS_CORPUS:-}" ]; then
  export RULE_ATLAS_CORPUS
elif [ -d "$fetched/sigma" ] && [ -f "$fetched/attack/enterprise-attack.json" ]; then
  export RULE_ATLAS_CORPUS="$fetched"
else
  export RULE_ATLAS_NO_CORPUS=1
  echo "== corpus tests skipped: set RULE_ATLAS_CORPUS to clones of the rule repositories, or run scripts/fetch-sources.sh"
fi

bash scripts/install-tools.sh

echo "== formatting and lints"
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== the front ends build for wasm32 (they run in the browser too)"
cargo build --quiet --locked -p atlas-frontend --target wasm32-unknown-unknown

echo "== native tests (corpus: ${RULE_ATLAS_CORPUS:-none})"
cargo test --workspace --locked

echo "== app: release build and end-to-end tests in headless Chromium"
bash scripts/test-app.sh
