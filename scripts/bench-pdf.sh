#!/usr/bin/env bash
# Times hyokasho's PDF path (decode + layout, release build) against
# `pdftotext -layout` on the PDF fixtures, in the same run, and prints
# milliseconds per page for both and their ratio.
#
# Two hyokasho figures: `in-process` decodes each file REPEAT times in one
# process (the cost inside a batch run); `process` starts the binary once per
# decode and prints the lines, as pdftotext is run, so process start-up and
# table loading count on both sides. The ratio compares `process` with
# pdftotext.
#
# Usage: scripts/bench-pdf.sh [REPEAT] [PDF…]
#   REPEAT  decodes of each file (default 20)
#   PDF…    files (default: the text-layer PDF fixtures, those of other
#           producers included)
# Needs pdftotext (poppler-utils). Set CARGO_TARGET_DIR as for cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat="${1:-20}"
shift || true
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=(tests/fixtures/000_urayasu.calc.pdf tests/fixtures/001_kawasaki.calc.pdf
         tests/fixtures/003_matsudo.calc.pdf tests/fixtures/001_kawasaki.identity-h.pdf
         tests/fixtures/001_kawasaki.unijis-ucs2.pdf tests/fixtures/001_kawasaki.90ms-rksj.pdf
         tests/fixtures/001_kawasaki.encrypted-aes256.pdf tests/fixtures/pdfjs/*.pdf
         tests/fixtures/producers/*.pdf)
fi
command -v pdftotext >/dev/null || { echo "pdftotext not found (apt-get install poppler-utils)" >&2; exit 1; }

cargo build --release --quiet --example pdf_lines
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/examples/pdf_lines"

now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1e6}'; }

printf '%-36s %6s %12s %12s %12s %7s\n' file pages in-process process pdftotext ratio
total_pages=0; total_h=0; total_p=0; total_i=0
for f in "${files[@]}"; do
  pages=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
  [ -n "$pages" ] || continue
  out=$("$bin" --repeat "$repeat" "$f")
  line=${out%%$'\n'*}
  i_ms=$(echo "$line" | awk -F'\t' '{sub(/ ms\/page/, "", $3); print $3}')
  start=$(now_ms)
  for _ in $(seq "$repeat"); do "$bin" "$f" >/dev/null 2>&1 || true; done
  end=$(now_ms)
  h_ms=$(awk -v s="$start" -v e="$end" -v n="$repeat" -v p="$pages" 'BEGIN {printf "%.3f", (e - s) / n / p}')
  start=$(now_ms)
  for _ in $(seq "$repeat"); do pdftotext -layout "$f" /dev/null 2>/dev/null || true; done
  end=$(now_ms)
  p_ms=$(awk -v s="$start" -v e="$end" -v n="$repeat" -v p="$pages" 'BEGIN {printf "%.3f", (e - s) / n / p}')
  ratio=$(awk -v h="$h_ms" -v p="$p_ms" 'BEGIN {printf "%.2f", (p > 0 ? h / p : 0)}')
  printf '%-36s %6d %9s ms %9s ms %9s ms %7s\n' "$(basename "$f")" "$pages" "$i_ms" "$h_ms" "$p_ms" "$ratio"
  total_pages=$((total_pages + pages))
  total_i=$(awk -v t="$total_i" -v h="$i_ms" -v p="$pages" 'BEGIN {print t + h * p}')
  total_h=$(awk -v t="$total_h" -v h="$h_ms" -v p="$pages" 'BEGIN {print t + h * p}')
  total_p=$(awk -v t="$total_p" -v x="$p_ms" -v p="$pages" 'BEGIN {print t + x * p}')
done
awk -v i="$total_i" -v h="$total_h" -v p="$total_p" -v n="$total_pages" 'BEGIN {
  printf "%-36s %6d %9.3f ms %9.3f ms %9.3f ms %7.2f\n", "ALL (page-weighted)", n, i / n, h / n, p / n, h / p }'
