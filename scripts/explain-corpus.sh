#!/usr/bin/env bash
# Runs `rule-atlas explain` over every rule file of a corpus and writes one
# JSON line per rule to the output file, in a stable order. Comparing two runs
# (before and after a refactoring) shows every change in how rules are read:
#
#   scripts/explain-corpus.sh /tmp/before.jsonl
#   ... change the code ...
#   scripts/explain-corpus.sh /tmp/after.jsonl && cmp /tmp/before.jsonl /tmp/after.jsonl
#
# The corpus is RULE_ATLAS_CORPUS (default ../shared/corpus): sigma/,
# elastic/ and splunk/ clones.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: explain-corpus.sh OUTPUT.jsonl}"
corpus="${RULE_ATLAS_CORPUS:-$root/../shared/corpus}"
cargo build --quiet --release -p atlas-builder --manifest-path "$root/Cargo.toml"
bin="$root/target/release/rule-atlas"
{
  find "$corpus/sigma" -path "$corpus/sigma/rules*" \( -name '*.yml' -o -name '*.yaml' \) -type f
  find "$corpus/elastic/rules" "$corpus/elastic/rules_building_block" -name '*.toml' -type f -not -path '*/_deprecated/*'
  find "$corpus/splunk/detections" \( -name '*.yml' -o -name '*.yaml' \) -type f -not -path '*/deprecated/*'
} | LC_ALL=C sort | xargs -d '\n' "$bin" explain > "$out"
echo "$(wc -l < "$out") rules explained into $out"
