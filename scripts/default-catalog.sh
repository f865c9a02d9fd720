#!/usr/bin/env bash
# Rebuilds public/catalog: the default catalog the app ships with, made from
# the repository's own fixture rules (crates/builder/tests/fixtures), so the
# app runs on a fresh clone without the corpus. A test checks it is current.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fixtures=crates/builder/tests/fixtures
rm -rf public/catalog
cargo run --quiet --release -p atlas-builder -- build --quiet \
  --sigma "$fixtures/sigma" --elastic "$fixtures/elastic" --splunk "$fixtures/splunk" \
  --attack "$fixtures/attack/enterprise-attack-fixture.json" \
  --detail-shards 4 --demo --out public/catalog
# The report holds timings; it is not part of the site.
rm -f public/catalog/build-report.json
echo "wrote public/catalog"
