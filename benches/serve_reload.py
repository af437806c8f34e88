#!/usr/bin/env python3
"""Save-to-reload latency of `folio serve` (a benchmark, not a test; standard library only).

For each site it starts `folio serve`, listens on /__folio/events like an open page does, then
edits one article's Markdown again and again (a new paragraph each time) and measures the time
from the end of the file write to the arrival of the `reload` event, which is what an open
browser tab waits for. That time includes the watcher's debounce (`QUIET` in src/serve/watch.rs), the
incremental rebuild and the event delivery. The reload event also says how many output files
the rebuild rendered and how many changed.

    cargo build --release
    benches/serve_reload.py                    # sample site and a generated 1,000-page site
    benches/serve_reload.py --runs 20 --pages 1000 5000
    FOLIO_BIN=target/debug/folio benches/serve_reload.py --sites sample

Sites are made in a temporary folder (the sample site is copied; the others come from
benches/gen_site.py) and removed afterwards.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def start_server(folio, site):
    proc = subprocess.Popen(
        [folio, "serve", "--root", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in proc.stdout:
        if "Serving on http://" in line:
            port = int(line.split("Serving on http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
            return proc, port
    proc.wait()
    sys.exit(f"folio serve did not start on {site}")


class Events:
    """A server-sent-events connection to /__folio/events."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        host = f"127.0.0.1:{port}"
        self.sock.sendall(f"GET /__folio/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.file = self.sock.makefile("r", encoding="utf-8", newline="\n")
        status = self.file.readline()
        if " 200 " not in status:
            sys.exit(f"event stream refused: {status.strip()}")

    def next(self, wanted):
        name = None
        for line in self.file:
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: ") and name == wanted:
                return json.loads(line[len("data: "):])
            elif line.startswith("data: ") and name == "errors":
                sys.exit(f"the edit broke the build: {line}")
        sys.exit("the event stream closed")


def measure(folio, site, article, runs):
    proc, port = start_server(folio, site)
    try:
        events = Events(port)
        events.next("hello")
        path = site / article
        results = []
        for i in range(runs + 1):
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"\n\nA paragraph added by the benchmark, edit number {i}.\n")
            saved = time.perf_counter()
            reload = events.next("reload")
            elapsed = (time.perf_counter() - saved) * 1000
            if i > 0:  # the first edit warms the caches up
                results.append((elapsed, reload["rendered"], reload["changed_count"], reload["millis"]))
            time.sleep(0.3)
        return results
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def sample_site(tmp):
    site = tmp / "sample"
    for d in ["content", "static", "themes"]:
        shutil.copytree(REPO / d, site / d)
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    return site, "content/articles/cio-vs-cto.md"


def generated_site(tmp, pages):
    out = tmp / f"gen-{pages}"
    subprocess.run([sys.executable, str(REPO / "benches/gen_site.py"), "--pages", str(pages), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    site = out / "folio"
    articles = sorted(p for p in (site / "content/articles").glob("*.md") if p.name != "_index.md")
    return site, str(articles[len(articles) // 2].relative_to(site))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=10, help="timed edits per site (after one warm-up edit)")
    ap.add_argument("--pages", type=int, nargs="*", default=[1000], help="sizes of generated sites")
    ap.add_argument("--sites", choices=["all", "sample", "generated"], default="all")
    args = ap.parse_args()
    folio = os.environ.get("FOLIO_BIN", str(REPO / "target/release/folio"))
    if not Path(folio).is_file():
        sys.exit(f"{folio} not found: run `cargo build --release` or set FOLIO_BIN")

    with tempfile.TemporaryDirectory(prefix="folio-reload-bench-") as tmp:
        tmp = Path(tmp)
        sites = []
        if args.sites in ("all", "sample"):
            sites.append(("sample site",) + sample_site(tmp))
        if args.sites in ("all", "generated"):
            for n in args.pages:
                sites.append((f"generated, {n} pages",) + generated_site(tmp, n))
        print(f"{'site':<24} {'article':<36} {'save→reload ms (median, min–max)':<34} {'rendered':>8} {'changed':>8} {'rebuild ms':>10}")
        for label, site, article in sites:
            results = measure(folio, site, article, args.runs)
            lat = [r[0] for r in results]
            rendered = statistics.median(r[1] for r in results)
            changed = statistics.median(r[2] for r in results)
            rebuild = statistics.median(r[3] for r in results)
            spread = f"{statistics.median(lat):.0f} ({min(lat):.0f}–{max(lat):.0f})"
            print(f"{label:<24} {article:<36} {spread:<34} {rendered:>8.0f} {changed:>8.0f} {rebuild:>10.0f}", flush=True)


if __name__ == "__main__":
    main()
