// A small static file server for the end-to-end tests, serving dist/ under a
// sub-path the way GitHub Pages serves a project site:
//   - /rule-atlas/<file> is the file; a folder is its index.html;
//   - catalog/ comes from a separate folder (the catalog under test);
//   - an unknown path gets 404.html with status 404 (GitHub Pages' fallback),
//     or, with `fallback: false`, a bare 404 like a plain file server
//     (python -m http.server), which is what hash links are for;
//   - no Content-Security-Policy header: the policy is the meta tag in
//     index.html and 404.html, which is what a static host serves, and what
//     csp.spec.mjs checks.
// Use as a module (startServer) or from the command line:
//   node serve.mjs --root ../../dist --catalog fixtures/catalog --prefix /rule-atlas/ --port 8123 [--no-fallback]
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".png": "image/png",
};

/** The file under `root` a URL path names, or null if it would escape it. */
function inside(root, relative) {
  const path = normalize(join(root, relative));
  return path === root || path.startsWith(root + sep) ? path : null;
}

/** Brotli bodies by file, as a CDN compresses them (once per file version). */
const compressed = new Map();
function brotli(path) {
  const { mtimeMs, size } = statSync(path);
  const key = `${path} ${mtimeMs} ${size}`;
  if (!compressed.has(key)) {
    const params = { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: size };
    compressed.set(key, brotliCompressSync(readFileSync(path), { params }));
  }
  return compressed.get(key);
}

const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".wasm", ".css", ".json", ".svg"]);

/** Sends a file, brotli-compressed when the client accepts it, like a CDN. */
function send(req, res, status, path) {
  const headers = { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" };
  if (COMPRESSIBLE.has(extname(path)) && /\bbr\b/.test(req.headers["accept-encoding"] ?? "")) {
    const body = brotli(path);
    res.writeHead(status, { ...headers, "content-encoding": "br", "content-length": body.length }).end(body);
    return;
  }
  res.writeHead(status, headers);
  createReadStream(path).pipe(res);
}

/**
 * Starts the server; resolves to { url, close } once it listens.
 * @param {{root: string, catalog?: string, prefix?: string, port?: number, fallback?: boolean}} options
 */
export function startServer({ root, catalog, prefix = "/rule-atlas/", port = 0, fallback = true }) {
  const rootDir = resolve(root);
  const catalogDir = catalog ? resolve(catalog) : join(rootDir, "catalog");
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (!pathname.startsWith(prefix)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    const relative = pathname.slice(prefix.length);
    let file = relative.startsWith("catalog/")
      ? inside(catalogDir, relative.slice("catalog/".length))
      : inside(rootDir, relative);
    if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (file && existsSync(file) && statSync(file).isFile()) return send(req, res, 200, file);
    const notFound = join(rootDir, "404.html");
    if (fallback && existsSync(notFound)) return send(req, res, 404, notFound);
    res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
  });
  return new Promise((ready) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address();
      ready({ url: `http://127.0.0.1:${actual}${prefix}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallbackValue) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallbackValue;
  };
  const here = fileURLToPath(new URL(".", import.meta.url));
  const { url } = await startServer({
    root: option("root", join(here, "../../dist")),
    catalog: option("catalog", process.env.ATLAS_E2E_CATALOG),
    prefix: option("prefix", "/rule-atlas/"),
    port: Number(option("port", "8123")),
    fallback: !args.includes("--no-fallback"),
  });
  console.log(`serving on ${url}`);
}
