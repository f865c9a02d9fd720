#!/bin/sh
# Trunk post-build hook (see Trunk.toml); runs in the staging directory's
# parent with TRUNK_STAGING_DIR set.
#  - The Content-Security-Policy of index.html gets the hashes of its inline
#    scripts (trunk's loader), by scripts/trunk-csp.mjs; the build fails
#    rather than publish a page whose policy blocks its own loader.
#  - 404.html = index.html: GitHub Pages and Netlify serve it for unknown
#    paths, so a deep link such as /technique/T1204 boots the app, which
#    routes on the path (docs/app.md).
#  - The catalog: $RULE_ATLAS_CATALOG (a folder holding catalog.json,
#    details/ and macros.json) if set, else public/catalog if present,
#    copied to catalog/.
set -eu
staging="${TRUNK_STAGING_DIR:?run by trunk}"
if ! command -v node >/dev/null; then
  echo "trunk-post-build: node is needed to write the Content-Security-Policy (scripts/trunk-csp.mjs)" >&2
  exit 1
fi
node "$(dirname "$0")/trunk-csp.mjs" "$staging/index.html"
cp "$staging/index.html" "$staging/404.html"
catalog="${RULE_ATLAS_CATALOG:-public/catalog}"
if [ -f "$catalog/catalog.json" ]; then
  rm -rf "$staging/catalog"
  mkdir -p "$staging/catalog"
  cp "$catalog/catalog.json" "$staging/catalog/"
  [ -f "$catalog/macros.json" ] && cp "$catalog/macros.json" "$staging/catalog/"
  [ -d "$catalog/details" ] && cp -R "$catalog/details" "$staging/catalog/"
fi
exit 0
