#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (git-ignored) with the seeds of the fuzz targets
# (docs/fuzzing.md), from the rule corpus at RULE_ATLAS_CORPUS (default
# ../shared/corpus beside the repository) and the committed inputs of
# fuzz/regressions/<target>/:
#   sigma_file, elastic_toml, splunk_yaml   whole rule files (and Splunk macro files)
#   sigma_condition                         Sigma `condition:` strings
#   kql, eql, esql                          Elastic `query` strings by `language`
#                                           (kuery and lucene -> kql)
#   spl_search                              Splunk `search:` strings
#   catalog_reader                          small catalogs: public/catalog and
#                                           catalogs built from fixtures and a
#                                           sample of the corpus
# Corpus files are never committed: they are copied here at run time only.
# Seeds are named by their content's hash, so running it again adds nothing twice.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
corpus="${RULE_ATLAS_CORPUS:-$root/../shared/corpus}"
out="$root/fuzz/corpus"
targets=(sigma_file sigma_condition kql eql esql spl_search elastic_toml splunk_yaml catalog_reader)

if [[ ! -d "$corpus" ]]; then
  echo "no rule corpus at $corpus (set RULE_ATLAS_CORPUS): seeding from fuzz/regressions and fixtures only" >&2
fi
for target in "${targets[@]}"; do
  mkdir -p "$out/$target"
done

python3 - "$corpus" "$out" <<'EOF'
import hashlib, pathlib, sys, tomllib
import yaml

corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
counts = {}

def seed(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if not data.strip():
        return
    name = hashlib.sha1(data).hexdigest()[:16]
    path = out / target / name
    if not path.exists():
        path.write_bytes(data)
        counts[target] = counts.get(target, 0) + 1

def files(folder, *suffixes):
    base = corpus / folder
    return sorted(p for p in base.rglob("*") if p.suffix in suffixes and p.is_file()) if base.is_dir() else []

def documents(path):
    try:
        return [d for d in yaml.safe_load_all(path.read_text(errors="replace")) if isinstance(d, dict)]
    except yaml.YAMLError:
        return []

for path in files("sigma", ".yml", ".yaml"):
    seed("sigma_file", path.read_bytes())
    for doc in documents(path):
        detection = doc.get("detection")
        condition = detection.get("condition") if isinstance(detection, dict) else None
        for text in condition if isinstance(condition, list) else [condition]:
            if isinstance(text, str):
                seed("sigma_condition", text)

languages = {"kuery": "kql", "lucene": "kql", "eql": "eql", "esql": "esql"}
for path in files("elastic", ".toml"):
    seed("elastic_toml", path.read_bytes())
    try:
        rule = tomllib.loads(path.read_text(errors="replace")).get("rule", {})
    except tomllib.TOMLDecodeError:
        continue
    target = languages.get(str(rule.get("language", "")).lower())
    if target and isinstance(rule.get("query"), str):
        seed(target, rule["query"])

for path in files("splunk/detections", ".yml", ".yaml") + files("splunk/macros", ".yml", ".yaml"):
    seed("splunk_yaml", path.read_bytes())
    for doc in documents(path):
        if isinstance(doc.get("search"), str):
            seed("spl_search", doc["search"])

for target, count in sorted(counts.items()):
    print(f"{target}: {count} new seeds from the corpus")
EOF

# The committed regression inputs and hand-written hostile seeds.
for target in "${targets[@]}"; do
  if [[ -d fuzz/regressions/$target ]]; then
    cp -n fuzz/regressions/"$target"/* "$out/$target/" 2>/dev/null || true
  fi
done

# Small catalogs, as the builder writes them (catalog.json is what the app reads).
cp -n public/catalog/catalog.json "$out/catalog_reader/default-catalog.json"
fixtures=crates/builder/tests/fixtures
attack="$fixtures/attack/enterprise-attack-fixture.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet --release -p atlas-builder
builder=target/release/rule-atlas
build() { # name, builder source flags...
  local name="$1"
  shift
  "$builder" build --quiet "$@" --detail-shards 2 --out "$work/$name" >/dev/null 2>&1 || true
  [[ -f "$work/$name/catalog.json" ]] && cp -n "$work/$name/catalog.json" "$out/catalog_reader/$name.json"
  return 0
}
build fixtures-sigma --sigma "$fixtures/sigma" --attack "$attack"
build fixtures-sigma-bad --sigma "$fixtures/sigma-bad"
build fixtures-elastic --elastic "$fixtures/elastic"
build fixtures-splunk --splunk "$fixtures/splunk" --attack "$attack"
# A few corpus rules of each vendor (with the fixture ATT&CK, to stay small).
if [[ -d "$corpus" ]]; then
  mkdir -p "$work/sample/sigma" "$work/sample/elastic" "$work/sample/splunk"
  find "$corpus/sigma/rules" -name '*.yml' | sort | awk 'NR % 200 == 1' | xargs -r cp -t "$work/sample/sigma"
  find "$corpus/elastic/rules" -name '*.toml' | sort | awk 'NR % 100 == 1' | xargs -r cp -t "$work/sample/elastic"
  find "$corpus/splunk/detections" -name '*.yml' | sort | awk 'NR % 100 == 1' | xargs -r cp -t "$work/sample/splunk"
  cp "$corpus"/splunk/macros/*.yml "$work/sample/splunk/" 2>/dev/null || true
  build corpus-sample --sigma "$work/sample/sigma" --elastic "$work/sample/elastic" \
    --splunk "$work/sample/splunk" --attack "$attack"
fi

for target in "${targets[@]}"; do
  printf '%-16s %6d seeds in fuzz/corpus/%s\n' "$target" "$(find "$out/$target" -type f | wc -l)" "$target"
done
