#!/usr/bin/env bash
# Benchmark folio against Hugo on the same synthetic site.
#
#   benches/run.sh [SIZES...]        default sizes: 1000 5000 10000
#
# Environment:
#   RUNS=5                       timed runs per tool and size (plus one untimed warm-up)
#   BENCH_DIR=/tmp/folio-bench   where sites, outputs, logs and results go
#   HUGO=hugo                    the Hugo binary
#   FOLIO_BIN=...                use this folio binary instead of `cargo build --release`
#   SKIP_FOLIO=1                 benchmark Hugo alone
#   WARM=1                       keep folio's cache (social cards, image copies) and Hugo's
#                                resources between runs; by default every build is cold
#
# Installs nothing. Needs python3, GNU time (/usr/bin/time), cargo, and Hugo
# (Debian: `apt-get install hugo time`). See benches/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
RUNS=${RUNS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/folio-bench}
HUGO=${HUGO:-hugo}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 5000 10000)

die() { echo "run.sh: $*" >&2; exit 1; }

for n in "${SIZES[@]}"; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] || die "size '$n' is not a whole number >= 2"
done
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] || die "RUNS must be a whole number >= 1"

command -v python3 >/dev/null || die "python3 not found: install it with \`apt-get install python3\`"
if [ ! -x /usr/bin/time ] || ! /usr/bin/time --version 2>&1 | grep -q GNU; then
  die "GNU time (/usr/bin/time) not found: install Debian's package with \`apt-get install time\`"
fi

TOOLS=()
if [ "${SKIP_FOLIO:-0}" != 1 ]; then
  if [ -n "${FOLIO_BIN:-}" ]; then
    [ -x "$FOLIO_BIN" ] || die "FOLIO_BIN=$FOLIO_BIN is not an executable"
  else
    command -v cargo >/dev/null || die "cargo not found (or set FOLIO_BIN / SKIP_FOLIO=1)"
    echo "== building folio (cargo build --release) in $REPO"
    (cd "$REPO" && cargo build --release --quiet) \
      || die "folio failed to build; fix it, or run with SKIP_FOLIO=1 to benchmark Hugo alone"
    FOLIO_BIN="$REPO/target/release/folio"
    [ -x "$FOLIO_BIN" ] || die "$FOLIO_BIN not found after cargo build"
  fi
  TOOLS+=(folio)
fi

if [ "${SKIP_HUGO:-0}" = 1 ]; then
  echo "SKIP_HUGO=1: benchmarking folio alone"
  HUGO_VERSION="(skipped)"
elif command -v "$HUGO" >/dev/null; then
  HUGO=$(command -v "$HUGO")
  TOOLS+=(hugo)
  HUGO_VERSION=$("$HUGO" version 2>/dev/null | head -1)
else
  echo "hugo not found: install Debian's package with \`apt-get install hugo\`"
  echo "(benchmarking folio alone)"
  HUGO_VERSION="(none)"
fi
[ ${#TOOLS[@]} -gt 0 ] || die "nothing to benchmark"

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
SUMMARY="$BENCH_DIR/summary.tsv"
: >"$SUMMARY"

echo "== folio: ${FOLIO_BIN:-(skipped)}"
echo "== hugo:  $HUGO_VERSION"
echo "== machine: $(nproc) CPUs, $(uname -sr); RUNS=$RUNS; sizes: ${SIZES[*]}; dir: $BENCH_DIR"

# build_cmd TOOL SITE OUT -> prints nothing, sets CMD array
build_cmd() {
  case $1 in
    folio) CMD=("$FOLIO_BIN" build --root "$2/folio" --output "$3") ;;
    hugo)  CMD=("$HUGO" --quiet -s "$2/hugo" -d "$3") ;;
  esac
}

# run_one TOOL SITE WORK LABEL -> runs one build into a fresh empty output
# dir; appends "tool label wall user sys rss" to WORK/results.tsv unless
# LABEL is "warmup". Returns non-zero (and prints the log) on failure.
run_one() {
  local tool=$1 site=$2 work=$3 label=$4
  local out="$work/out-$tool" log="$work/$tool.log" tfile="$work/$tool.time"
  rm -rf "$out"                     # fresh, empty output dir; not timed
  # Cold builds: no cache of made files (folio's social cards and image copies; Hugo's
  # resources). WARM=1 keeps them between runs.
  if [ "${WARM:-0}" != 1 ]; then rm -rf "$site/folio/.folio" "$site/hugo/resources"; fi
  build_cmd "$tool" "$site" "$out"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tfile" "${CMD[@]}" >"$log" 2>&1; then
    echo "!! $tool failed ($label): ${CMD[*]}" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  if [ "$label" != warmup ]; then
    # GNU time prints "Command exited with ..." first on failure; last line is ours
    echo "$tool $label $(tail -n 1 "$tfile")" >>"$work/results.tsv"
  fi
}

for n in "${SIZES[@]}"; do
  site="$BENCH_DIR/site-$n"
  work="$BENCH_DIR/work-$n"
  echo
  if [ "${REUSE_SITES:-0}" = 1 ] && [ -f "$site/folio/site.yaml" ]; then
    echo "== N = $n: reusing the site in $site (REUSE_SITES=1; its themes/ refreshed from the repo)"
    rm -rf "$site/folio/themes" && cp -r "$REPO/themes" "$site/folio/themes"
  else
    echo "== N = $n: generating site in $site"
    python3 "$HERE/gen_site.py" --pages "$n" --out "$site" --themes "$REPO/themes"
  fi
  rm -rf "$work"; mkdir -p "$work"; : >"$work/results.tsv"

  active=()
  for tool in "${TOOLS[@]}"; do
    if run_one "$tool" "$site" "$work" warmup; then
      active+=("$tool")
    else
      echo "!! $tool is left out at N = $n (log: $work/$tool.log)" >&2
    fi
  done
  [ ${#active[@]} -gt 0 ] || { echo "!! no tool built the site at N = $n"; continue; }

  # alternate: folio, hugo, folio, hugo, ...
  for ((r = 1; r <= RUNS; r++)); do
    for tool in "${active[@]}"; do
      run_one "$tool" "$site" "$work" "$r" || die "$tool failed on run $r (log: $work/$tool.log)"
    done
    if [ -t 1 ]; then printf '   run %d/%d done\r' "$r" "$RUNS"; fi
  done
  if [ -t 1 ]; then printf '%*s\r' 30 ''; fi

  # size of what each tool wrote (last run), as a sanity check of equivalence
  for tool in "${active[@]}"; do
    out="$work/out-$tool"
    html=$(find "$out" -name '*.html' | wc -l)
    files=$(find "$out" -type f | wc -l)
    bytes=$(du -sb "$out" | cut -f1)
    echo "$tool $html $files $bytes" >>"$work/output.tsv"
  done

  python3 - "$n" "$work/results.tsv" "$work/output.tsv" "$SUMMARY" <<'PY'
import sys, statistics as st
n, res, outp, summ = sys.argv[1:5]
rows = {}
for line in open(res):
    tool, _run, wall, user, sys_, rss = line.split()
    rows.setdefault(tool, []).append((float(wall), float(user) + float(sys_), int(rss)))
outs = {}
for line in open(outp):
    tool, html, files, size = line.split()
    outs[tool] = (int(html), int(files), int(size))
med = {}
print(f"{'tool':<8}{'wall s':>9}{'(min-max)':>16}{'CPU s':>9}{'peak MiB':>10}"
      f"{'html':>8}{'files':>8}{'out MiB':>9}")
for tool in ("folio", "hugo"):
    if tool not in rows:
        continue
    r = rows[tool]
    walls = [x[0] for x in r]
    m = (st.median(walls), st.median(x[1] for x in r), st.median(x[2] for x in r) / 1024)
    med[tool] = m
    h, f, b = outs.get(tool, (0, 0, 0))
    rng = f"({min(walls):.2f}-{max(walls):.2f})"
    print(f"{tool:<8}{m[0]:>9.3f}{rng:>16}{m[1]:>9.3f}{m[2]:>10.1f}"
          f"{h:>8}{f:>8}{b / 2**20:>9.1f}")
if "folio" in med and "hugo" in med:
    f, h = med["folio"], med["hugo"]
    ratio = lambda a, b: f"{a / b:.2f}x" if b > 0 else "n/a"
    print(f"{'folio/hugo':<10}{ratio(f[0], h[0]):>7}{'':>16}{ratio(f[1], h[1]):>9}"
          f"{ratio(f[2], h[2]):>10}")
with open(summ, "a") as fh:
    for tool, m in med.items():
        fh.write(f"{n}\t{tool}\t{m[0]}\t{m[1]}\t{m[2]}\n")
PY
done

echo
echo "== growth (median wall and CPU time, largest size / smallest size)"
python3 - "$SUMMARY" <<'PY'
import sys, math
data = {}
for line in open(sys.argv[1]):
    n, tool, wall, cpu, rss = line.split("\t")
    data.setdefault(tool, {})[int(n)] = (float(wall), float(cpu), float(rss))
for tool in [t for t in ("folio", "hugo") if t in data]:
    d = data[tool]
    if len(d) < 2:
        print(f"{tool}: needs two sizes or more")
        continue
    lo, hi = min(d), max(d)
    pages = hi / lo
    for i, what in ((0, "wall"), (1, "CPU ")):
        a, b = d[lo][i], d[hi][i]
        if a <= 0 or b <= 0:
            print(f"{tool} {what}: too fast to measure at N = {lo}")
            continue
        g = b / a
        k = math.log(g) / math.log(pages)
        print(f"{tool:<6}{what}: {a:.2f} s at N = {lo} -> {b:.2f} s at N = {hi}: "
              f"x{g:.2f} for x{pages:g} pages (exponent {k:.2f}; 1.00 = linear)")
    print(f"{tool:<6}peak: {d[lo][2]:.0f} MiB -> {d[hi][2]:.0f} MiB")
PY
echo
echo "results: $BENCH_DIR/work-N/results.tsv (tool run wall user sys maxrss_KB), summary: $SUMMARY"
