#!/usr/bin/env bash
# Chooses and builds the catalog a site is made with, and prints its folder:
#
#   1. RULE_ATLAS_CORPUS, when set: a folder with sigma/, elastic/, splunk/
#      and attack/enterprise-attack.json (clones of the public repositories);
#   2. else today's public sources, fetched into the cache by
#      scripts/fetch-sources.sh (pass --offline to use the cache as it is);
#   3. else, when they cannot be fetched, the demo catalog made from the
#      repository's own fixtures (public/catalog), saying so in one line.
#
# The catalog is built into target/site-catalog (cases 1 and 2).
# RULE_ATLAS_ATTACK_VERSION names the ATT&CK release when the bundle does not.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
say() { printf '[site-catalog] %s\n' "$*" >&2; }

corpus="${RULE_ATLAS_CORPUS:-}"
if [ -z "$corpus" ]; then
  if corpus="$(bash scripts/fetch-sources.sh "$@")"; then
    :
  else
    rules=$(node -e 'const c=require(process.argv[1]);process.stdout.write(String(c.rules.length))' \
      "$root/public/catalog/catalog.json" 2>/dev/null || echo "a few")
    say "could not fetch the public rule repositories (no network?): using the demo catalog ($rules fixture rules)"
    echo "$root/public/catalog"
    exit 0
  fi
fi

sources=()
for vendor in sigma elastic splunk; do
  [ -d "$corpus/$vendor" ] && sources+=("--$vendor" "$corpus/$vendor")
done
attack=()
if [ -f "$corpus/attack/enterprise-attack.json" ]; then
  attack=(--attack "$corpus/attack/enterprise-attack.json")
  [ -n "${RULE_ATLAS_ATTACK_VERSION:-}" ] && attack+=(--attack-version "$RULE_ATLAS_ATTACK_VERSION")
fi
say "building the catalog from $corpus"
cargo run --quiet --release -p atlas-builder -- build "${sources[@]}" "${attack[@]}" --out target/site-catalog >&2
echo "$root/target/site-catalog"
