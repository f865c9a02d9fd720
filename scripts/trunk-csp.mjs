// Completes the Content-Security-Policy of a built index.html (run by
// scripts/trunk-post-build.sh on trunk's staging copy).
//
// The policy in index.html allows scripts from the site itself and
// WebAssembly, and names the inline scripts it allows by hash: trunk injects
// one, the module that imports the wasm-bindgen JavaScript and starts the
// WASM, whose text names the hashed file names of each build. This replaces
// the policy's 'inline-script-hashes' placeholder with the sha256 of every
// inline <script> in the file, and refuses inline event handlers, <style>
// elements and style attributes, which the policy would block.
//
//   node scripts/trunk-csp.mjs dist/index.html
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const PLACEHOLDER = "'inline-script-hashes'";

function fail(message) {
  console.error(`trunk-csp: ${message}`);
  process.exit(1);
}

const file = process.argv[2] ?? fail("usage: node scripts/trunk-csp.mjs <index.html>");
const html = readFileSync(file, "utf8");
const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
if (metas.length !== 1) fail(`${file} has ${metas.length} Content-Security-Policy meta tags, expected 1`);
const [meta, policy] = metas[0];
if (!policy.includes(PLACEHOLDER)) {
  fail(`the Content-Security-Policy of ${file} has no ${PLACEHOLDER} (already processed?)`);
}

// Markup outside comments and script bodies, for the checks below.
const markup = html.replace(/<!--[\s\S]*?-->/g, "").replace(/(<script\b[^>]*>)[\s\S]*?(<\/script\s*>)/gi, "$1$2");
const handler = markup.match(/<[a-z][^>]*\son[a-z]+\s*=/i);
if (handler) fail(`inline event handler in ${file}, which the policy blocks: ${handler[0]}`);
const style = markup.match(/<style\b|<[a-z][^>]*\sstyle\s*=/i);
if (style) fail(`inline style in ${file}, which the policy blocks (style-src 'self'): ${style[0]}`);

const hashes = [];
for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
  if (/\ssrc\s*=/i.test(attributes)) continue;
  // The browser hashes the text as parsed: line endings normalized to \n.
  const text = body.replace(/\r\n?/g, "\n");
  hashes.push(`'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`);
}

const written = meta.replace(policy, () => policy.replace(PLACEHOLDER, () => hashes.join(" ")));
writeFileSync(file, html.replace(meta, () => written));
console.log(`trunk-csp: ${file}: ${hashes.length} inline script(s) allowed by hash`);
