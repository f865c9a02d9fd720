#!/usr/bin/env bash
# Fetches the public sources of the atlas into a cache folder, in the layout
# the builder and the corpus tests read (sigma/, elastic/, splunk/,
# attack/enterprise-attack.json):
#
#   scripts/fetch-sources.sh             # clone, or update what is cached
#   scripts/fetch-sources.sh --offline   # use the cache as it is
#   scripts/fetch-sources.sh --dir D     # another cache folder
#
# The cache is .cache/sources (git-ignored) unless RULE_ATLAS_SOURCES or --dir
# says otherwise. Repositories are shallow, sparse clones (only the folders
# that hold rules and macros), updated to the upstream head on later runs.
# Every address can be overridden, so tests use local mirrors:
#   RULE_ATLAS_SIGMA_URL    default https://github.com/SigmaHQ/sigma.git
#   RULE_ATLAS_ELASTIC_URL  default https://github.com/elastic/detection-rules.git
#   RULE_ATLAS_SPLUNK_URL   default https://github.com/splunk/security_content.git
#   RULE_ATLAS_ATTACK_URL   default MITRE's enterprise-attack.json in
#                           github.com/mitre-attack/attack-stix-data (any URL curl reads)
# Exit status 0 when every source is in the cache afterwards; otherwise one
# line per source that could not be fetched, and status 1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${RULE_ATLAS_SOURCES:-$root/.cache/sources}"
offline=0
while [ $# -gt 0 ]; do
  case "$1" in
    --offline) offline=1 ;;
    --dir) dir="$2"; shift ;;
    *) echo "fetch-sources: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

sigma_url="${RULE_ATLAS_SIGMA_URL:-https://github.com/SigmaHQ/sigma.git}"
elastic_url="${RULE_ATLAS_ELASTIC_URL:-https://github.com/elastic/detection-rules.git}"
splunk_url="${RULE_ATLAS_SPLUNK_URL:-https://github.com/splunk/security_content.git}"
attack_url="${RULE_ATLAS_ATTACK_URL:-https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json}"

say() { printf '[fetch-sources] %s\n' "$*" >&2; }
mkdir -p "$dir"
failed=0

# A shallow clone of the default branch, checking out only `folders`.
repository() {
  local name="$1" url="$2"
  shift 2
  local target="$dir/$name"
  if [ "$offline" = 1 ]; then
    [ -d "$target/.git" ] || { say "$name: not in the cache ($target) and --offline given"; failed=1; }
    return
  fi
  # No prompts for credentials, no hanging on a dead network.
  export GIT_TERMINAL_PROMPT=0
  if [ -d "$target/.git" ]; then
    if git -C "$target" fetch --quiet --depth 1 origin HEAD 2>/dev/null \
      && git -C "$target" reset --quiet --hard FETCH_HEAD; then
      say "$name: updated to $(git -C "$target" rev-parse --short HEAD)"
    else
      say "$name: could not update from $url; keeping the cached $(git -C "$target" rev-parse --short HEAD)"
    fi
    return
  fi
  rm -rf "$target.partial"
  if git clone --quiet --depth 1 --filter=blob:none --sparse "$url" "$target.partial" 2>/dev/null \
    && git -C "$target.partial" sparse-checkout set "$@" 2>/dev/null; then
    mv "$target.partial" "$target"
    say "$name: cloned $(git -C "$target" rev-parse --short HEAD) from $url"
  else
    rm -rf "$target.partial"
    say "$name: could not clone $url"
    failed=1
  fi
}

repository sigma "$sigma_url" rules rules-emerging-threats rules-threat-hunting rules-compliance rules-placeholder
repository elastic "$elastic_url" rules rules_building_block
repository splunk "$splunk_url" detections macros

attack="$dir/attack/enterprise-attack.json"
if [ "$offline" = 1 ]; then
  [ -s "$attack" ] || { say "attack: not in the cache ($attack) and --offline given"; failed=1; }
else
  mkdir -p "$dir/attack"
  if curl --fail --silent --show-error --location --max-time 300 --retry 2 -o "$attack.partial" "$attack_url" 2>/dev/null; then
    mv "$attack.partial" "$attack"
    say "attack: downloaded $(wc -c < "$attack") bytes from $attack_url"
  else
    rm -f "$attack.partial"
    if [ -s "$attack" ]; then
      say "attack: could not download $attack_url; keeping the cached bundle"
    else
      say "attack: could not download $attack_url"
      failed=1
    fi
  fi
fi

echo "$dir"
exit "$failed"
