#!/usr/bin/env python3
"""Bytes one search query transfers, from a built site.

Runs the theme's own search.js under node (tests/search/rank.js) over OUTPUT/search/data, as the
header box does: the manifest, one fragment per query word (the same prefix-tree lookup), and the
documents' files of the first 10 results; adds search.js, which a visitor downloads on first use.
Prints each file's size uncompressed and gzipped (level 9, as hosts compress) and the totals, and
the largest file of the index.

    python3 benches/gen_site.py --pages 10000 --out /tmp/s10k
    target/release/folio build --root /tmp/s10k/folio --output /tmp/o10k
    python3 benches/search_bytes.py /tmp/o10k "pricing strategy" k
"""
import gzip
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, queries = sys.argv[1], sys.argv[2:]
    data = os.path.join(out, "search", "data")
    js = os.path.join(ROOT, "themes", "default", "static", "js", "search.js")
    run = subprocess.run(
        ["node", os.path.join(ROOT, "tests", "search", "rank.js"), out, js, "10", *queries],
        check=True, capture_output=True, text=True,
    )
    script = open(os.path.join(out, "js", "search.js"), "rb").read()
    for line in run.stdout.splitlines():
        r = json.loads(line)
        raw = len(script)
        packed = gz(script)
        print(f"query {r['q']!r}: {len(r['urls'])} results shown")
        print(f"  {'js/search.js':28} {raw:>9} {packed:>9}")
        for name in r["files"]:
            body = open(os.path.join(data, name), "rb").read()
            raw += len(body)
            packed += gz(body)
            print(f"  {'search/data/' + name:28} {len(body):>9} {gz(body):>9}")
        print(f"  {'total (bytes, gzip bytes)':28} {raw:>9} {packed:>9}")
    sizes = [(os.path.getsize(os.path.join(data, f)), f) for f in os.listdir(data)]
    biggest = max(sizes)
    total = sum(s for s, _ in sizes)
    print(f"index: {len(sizes)} files, {total} bytes; largest {biggest[1]} {biggest[0]} bytes")


if __name__ == "__main__":
    main()
