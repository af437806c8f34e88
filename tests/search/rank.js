// The search-quality test's runner (tests/it/search.rs): ranks queries with the theme's own
// search.js over a built site's index, reading the files the browser would fetch from disk.
// Usage: node rank.js PUBLIC_DIR SEARCH_JS LIMIT QUERY... → one JSON line per query:
// {"q": query, "urls": [the first LIMIT results' URLs], "bytes": uncompressed bytes fetched,
//  "files": [the files fetched, in order]} (benches/search_bytes.py compresses those).
"use strict";
const fs = require("fs");
const path = require("path");
const [out, js, limit, ...queries] = process.argv.slice(2);
const api = require(path.resolve(js));
(async () => {
  for (const q of queries) {
    let bytes = 0;
    const files = [];
    const engine = new api.Engine((p) => {
      const name = p.split("?")[0];
      files.push(name);
      const text = fs.readFileSync(path.join(out, "search", "data", name), "utf8");
      bytes += Buffer.byteLength(text);
      return Promise.resolve(JSON.parse(text));
    });
    const found = await engine.search(q, Number(limit));
    console.log(JSON.stringify({ q, urls: found.results.map((r) => r.url), bytes, files }));
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
