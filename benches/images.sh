#!/usr/bin/env bash
# Images: a cold and a warm build of a site with N photographs (default 200), with time and
# peak memory.
#
#   benches/images.sh [PHOTOS]
#
#   cold      no image cache, no output folder: every copy is decoded, resized and encoded
#   warm      the cache from the cold build, no output folder: nothing is encoded, every copy
#             is linked from the cache into a fresh output folder
#   unchanged the cache and the output folder: nothing to do
#   one new   one photograph replaced: only its copies are made
#
# Environment: BENCH_DIR (default /tmp/folio-images-bench), FOLIO_BIN (default: cargo build
# --release). Needs GNU time (/usr/bin/time). Installs nothing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
PHOTOS=${1:-200}
BENCH_DIR=${BENCH_DIR:-/tmp/folio-images-bench}

die() { echo "images.sh: $*" >&2; exit 1; }
[[ $PHOTOS =~ ^[0-9]+$ ]] && [ "$PHOTOS" -ge 1 ] || die "PHOTOS must be a whole number >= 1"
if [ ! -x /usr/bin/time ] || ! /usr/bin/time --version 2>&1 | grep -q GNU; then
  die "GNU time (/usr/bin/time) not found: install Debian's package with \`apt-get install time\`"
fi

if [ -z "${FOLIO_BIN:-}" ]; then
  echo "== building folio and the photo generator (cargo build --release)"
  (cd "$REPO" && cargo build --release --quiet && cargo build --release --quiet --example photo_site)
  FOLIO_BIN="$REPO/target/release/folio"
fi
GEN="$REPO/target/release/examples/photo_site"
[ -x "$GEN" ] || (cd "$REPO" && cargo build --release --quiet --example photo_site)

site="$BENCH_DIR/site-$PHOTOS"
rm -rf "$site"
mkdir -p "$BENCH_DIR"
echo "== writing $PHOTOS photographs into $site"
"$GEN" --photos "$PHOTOS" --out "$site"
cp -r "$REPO/themes" "$site/"

# One timed build: prints "what  seconds  peak-MB  files".
timed() {
  local what=$1 log="$BENCH_DIR/$1.log"
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.txt" "$FOLIO_BIN" build --root "$site" --output "$site/public" >"$log" 2>&1 \
    || { tail -20 "$log"; die "the $what build failed"; }
  read -r secs kib <"$BENCH_DIR/time.txt"
  printf '%-10s %8.2f s %8.0f MB   %s\n' "$what" "$secs" "$((kib / 1024))" "$(grep -o '[0-9]* files' "$log" | head -1)"
}

echo "== $(nproc) CPUs; folio: $FOLIO_BIN"
printf '%-10s %10s %11s   %s\n' build time peak files
rm -rf "$site/.folio" "$site/public"
timed cold
rm -rf "$site/public"
timed warm
timed unchanged
# A photograph the site does not have (the generator's photograph number PHOTOS).
rm -rf "$BENCH_DIR/one-new"
"$GEN" --photos 1 --first "$PHOTOS" --out "$BENCH_DIR/one-new" >/dev/null
cp "$BENCH_DIR/one-new/static/photos/photo-$(printf %04d "$PHOTOS").jpg" "$site/static/photos/photo-0001.jpg"
timed "one new"
echo "cache: $(du -sh "$site/.folio/cache/images" | cut -f1) in $(find "$site/.folio/cache/images" -type f | wc -l) files; originals: $(du -sh "$site/static/photos" | cut -f1)"
