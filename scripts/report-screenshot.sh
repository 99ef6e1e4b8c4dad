#!/usr/bin/env bash
# Renders report.html of a 2,000-document run in headless Chromium and
# saves a screenshot (docs/report-2000.png) and the page's size.
#
# The corpus is synthetic (examples/bench_corpus: unique copies of seeds),
# mixed so that every status appears: text and PDF assessments, PDFs whose
# change tables give warnings, an image-only PDF (needs_ocr), a truncated
# PDF and a binary file (failed).
#
#   scripts/report-screenshot.sh [N] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
dir="${2:-target/report-screenshot}"
command -v chromium >/dev/null || { echo "chromium not found (apt-get install chromium)" >&2; exit 1; }
cargo build --release --quiet --bin hyokasho --example bench_corpus
target="${CARGO_TARGET_DIR:-target}"
rm -rf "$dir"
"$target/release/examples/bench_corpus" "$n" "$dir/in" \
  corpus/*.txt tests/fixtures/*.sjis.txt tests/fixtures/001_kawasaki.calc.pdf \
  tests/fixtures/001_kawasaki.image-only.pdf tests/fixtures/001_kawasaki.truncated.pdf \
  tests/fixtures/001_kawasaki.binary-junk.txt >/dev/null
"$target/release/hyokasho" extract "$dir/in" -o "$dir/out" --quiet || true
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$dir/profile" --window-size=1200,2600 \
  --screenshot="$dir/report.png" "file://$(realpath "$dir/out/report.html")" >/dev/null 2>&1
echo "report.html: $(stat -c %s "$dir/out/report.html") bytes for $n documents"
echo "screenshot: $dir/report.png"
