#!/usr/bin/env bash
# Builds sites with folio and checks every generated HTML page with the Nu HTML Checker
# (vnu.jar from the npm package vnu-jar). Errors only; warnings and info are not failures.
#
#   tests/vnu/check.sh [SITE_ROOT...]    default: the repository's sample site
#
# Environment: FOLIO, the folio binary to use (default: `cargo run --quiet --` in the
# repository); FOLIO_BUILD_FLAGS, more flags for `folio build` (e.g. `--drafts`);
# SOURCE_DATE_EPOCH is passed on to folio (it pins the banner schedule).
# Exit status: 0 no errors, 1 the checker found errors, 2 a build failed, 3 Java or vnu.jar is
# missing (install Java 17+ and run `npm ci --prefix tests/vnu`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"

if ! java -version >/dev/null 2>&1; then
  echo "check.sh: java not found; install Java 17 or later (Debian: apt-get install default-jre-headless)" >&2
  exit 3
fi
if [ ! -f "$jar" ]; then
  echo "check.sh: $jar not found; run: npm ci --prefix tests/vnu" >&2
  exit 3
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/folio-vnu.XXXXXX")
trap 'rm -rf "$out"' EXIT

roots=("$@")
if [ ${#roots[@]} -eq 0 ]; then
  roots=("$repo")
fi

i=0
for root in "${roots[@]}"; do
  i=$((i + 1))
  dest="$out/site-$i"
  echo "check.sh: building $root into site-$i"
  if [ -n "${FOLIO:-}" ]; then
    # shellcheck disable=SC2086 # the flags are words
    "$FOLIO" build --root "$root" --output "$dest" ${FOLIO_BUILD_FLAGS:-} >/dev/null || exit 2
  else
    # shellcheck disable=SC2086
    (cd "$repo" && cargo run --quiet -- build --root "$root" --output "$dest" ${FOLIO_BUILD_FLAGS:-} >/dev/null) || exit 2
  fi
done

pages=$(find "$out" -name '*.html' | wc -l)
echo "check.sh: checking $pages HTML pages with the Nu HTML Checker"
# vnu prints one line per problem to stderr, naming the file by URL; show paths relative to
# the temporary folder (site-N/…) and keep vnu's exit status.
status=0
java -jar "$jar" --errors-only --skip-non-html "$out" 2>&1 | sed "s#file:$out/##" || status=$?
if [ "$status" -eq 0 ]; then
  echo "check.sh: no errors"
fi
exit "$status"
