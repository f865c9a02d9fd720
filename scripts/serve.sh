#!/usr/bin/env bash
# Builds Rule Atlas and serves it on http://127.0.0.1:8080/.
#
#   scripts/serve.sh                 # today's public rules: fetched (or updated) into
#                                    # .cache/sources, built into a catalog, served
#   scripts/serve.sh --offline       # the same from the cache as it is
#   RULE_ATLAS_CORPUS=../shared/corpus scripts/serve.sh
#                                    # rule repositories you already have
#   scripts/serve.sh --build-only    # leave the site in dist/ for a static host
#   PUBLIC_URL=/rule-atlas/ scripts/serve.sh   # the site lives under a sub-path
#
# Without network (and no cache) it says so in one line and serves the demo
# catalog made from the repository's fixtures. The addresses of the sources
# can be changed (scripts/fetch-sources.sh). Installs what is missing first
# (scripts/install-tools.sh). The server is tests/e2e/serve.mjs: a static file
# server that, like GitHub Pages, answers unknown paths with 404.html and
# compresses with brotli.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$root/.tools/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
public_url="${PUBLIC_URL:-/}"
port="${PORT:-8080}"
build_only=0
fetch_args=()
for arg in "$@"; do
  case "$arg" in
    --build-only) build_only=1 ;;
    --offline) fetch_args+=(--offline) ;;
    *) echo "serve: unknown argument $arg" >&2; exit 2 ;;
  esac
done

bash scripts/install-tools.sh

# The trunk post-build hook copies this catalog into dist/catalog.
RULE_ATLAS_CATALOG="$(bash scripts/site-catalog.sh "${fetch_args[@]}")"
export RULE_ATLAS_CATALOG

echo "== building the app (trunk, release, public URL $public_url)"
trunk build --release --offline --public-url "$public_url"

if [ "$build_only" = 1 ]; then
  echo "the site is in dist/ — copy it to any static host"
  exit 0
fi
exec node tests/e2e/serve.mjs --root dist --prefix "$public_url" --port "$port"
