#!/usr/bin/env bash
# Runs every Rule Atlas test: installs missing tools, the native tests of all
# crates (including the corpus tests over RULE_ATLAS_CORPUS), then the app's
# end-to-end tests in headless Chromium. This is the README's test command and
# what .ci/run runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export RULE_ATLAS_CORPUS="${RULE_ATLAS_CORPUS:-$root/../shared/corpus}"
export PATH="$HOME/.cargo/bin:$root/.tools/node_modules/.bin:$PATH"

bash scripts/install-tools.sh

echo "== formatting and lints"
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== the front ends build for wasm32 (they run in the browser too)"
cargo build --quiet --locked -p atlas-frontend --target wasm32-unknown-unknown

echo "== native tests (corpus: $RULE_ATLAS_CORPUS)"
cargo test --workspace --locked

echo "== app: release build and end-to-end tests in headless Chromium"
bash scripts/test-app.sh
