#!/usr/bin/env bash
# Whole-pipeline benchmark: builds synthetic corpora of several sizes from the
# bundled corpus and the fixtures, runs `hyokasho extract` on each with
# --jobs 1 and --jobs 2, and for PDFs `pdftotext -layout` on the same files in
# the same run (one process per file, serially and two at a time). Prints
# documents/s, MB/s, ms/page, peak resident memory and the time ratio to
# pdftotext.
#
# Every file of a corpus is unique (examples/bench_corpus.rs appends a blank
# line or a PDF comment), so no document is skipped as a duplicate. Runs are
# interleaved (hyokasho -j1, -j2, pdftotext, again) and repeated; the fastest
# of the repeats is reported (with its CPU time, user + system, which shows
# whether a second core was free), peak memory is the largest seen.
#
# A last table compares --incremental with a full run over the same text corpus:
# a full run into a fresh folder, a first --incremental run (which also fills the
# cache), and an --incremental run with nothing changed (which copies every
# document's lines from the previous set), side by side with their ratios to the
# full run.
#
# Usage: scripts/bench.sh [--text SIZES] [--pdf SIZES] [--incremental SIZES]
#                         [--repeat N] [--dir DIR]
#   --text SIZES  comma-separated corpus sizes for text input (default 100,1000,10000;
#                 "" to skip)
#   --pdf SIZES   the same for PDF input (default 100,1000)
#   --incremental SIZES  the same for the --incremental comparison (default 2000)
#   --repeat N    runs of each measurement (default 3)
#   --dir DIR     scratch folder for corpora and outputs (default target/bench);
#                 each corpus is removed once measured
# Needs /usr/bin/time (Debian `time`) and pdftotext (`poppler-utils`).
set -euo pipefail
cd "$(dirname "$0")/.."

text_sizes="100,1000,10000"
pdf_sizes="100,1000"
inc_sizes="2000"
repeat=3
dir="target/bench"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --text) text_sizes="$2"; shift 2 ;;
    --pdf) pdf_sizes="$2"; shift 2 ;;
    --incremental) inc_sizes="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }
if [ -n "$pdf_sizes" ]; then
  command -v pdftotext >/dev/null || { echo "pdftotext not found (apt-get install poppler-utils)" >&2; exit 1; }
fi

cargo build --release --quiet --bin hyokasho --example bench_corpus
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/hyokasho"
gen="$target/release/examples/bench_corpus"

text_seeds=(corpus/*.txt tests/fixtures/*.sjis.txt tests/fixtures/*.eucjp.txt
            tests/fixtures/*.utf16le-bom.txt tests/fixtures/*.utf8-bom-crlf.txt)
pdf_seeds=(tests/fixtures/000_urayasu.calc.pdf tests/fixtures/001_kawasaki.calc.pdf
           tests/fixtures/003_matsudo.calc.pdf tests/fixtures/001_kawasaki.identity-h.pdf
           tests/fixtures/001_kawasaki.unijis-ucs2.pdf tests/fixtures/001_kawasaki.90ms-rksj.pdf
           tests/fixtures/001_kawasaki.encrypted-aes256.pdf tests/fixtures/producers/*.pdf)

# Wall seconds, peak KiB and CPU seconds (user + system) of one command.
measure() {
  local f="$dir/time.txt"
  /usr/bin/time -o "$f" -f '%e %M %U %S' "$@" >/dev/null 2>&1 || true
  tail -n 1 "$f" | awk '{print $1, $2, $3 + $4}'
}

printf '%-5s %6s %8s %6s %4s %8s %7s %8s %8s %8s %8s %9s %7s\n' \
  input docs MB pages jobs seconds cpu_s docs/s MB/s ms/page RSS_MB pdftotext ratio
bench() {
  local kind="$1" n="$2"; shift 2
  local corpus="$dir/$kind-$n" out="$dir/out"
  rm -rf "$corpus"
  local info bytes pages=0
  info=$("$gen" "$n" "$corpus" "$@")
  bytes=$(awk -F'\t' '$1 == "bytes" {print $2}' <<<"$info")
  if [ "$kind" = pdf ]; then
    while IFS=$'\t' read -r seed copies; do
      p=$(pdfinfo "$seed" 2>/dev/null | awk '/^Pages:/ {print $2}')
      pages=$((pages + ${p:-0} * copies))
    done < <(tail -n +3 <<<"$info")
  fi
  local -A best=() rss=() cpu=()
  for _ in $(seq "$repeat"); do
    for j in 1 2; do
      # Each run writes its tables afresh, with the last run's written back
      # to disk first: replacing gigabytes of tables still in the page
      # cache made the kernel's share of a run vary twofold.
      rm -rf "$out"
      sync
      read -r s k c < <(measure "$bin" extract "$corpus" -o "$out" -q --jobs "$j")
      if awk -v a="${best[$j]:-1e9}" -v b="$s" 'BEGIN {exit !(b < a)}'; then
        best[$j]=$s; cpu[$j]=$c
      fi
      rss[$j]=$(( k > ${rss[$j]:-0} ? k : ${rss[$j]:-0} ))
    done
    if [ "$kind" = pdf ]; then
      for j in 1 2; do
        read -r s _ < <(measure sh -c "find '$corpus' -name '*.pdf' -print0 | xargs -0 -P $j -I{} pdftotext -layout {} /dev/null")
        best[p$j]=$(awk -v a="${best[p$j]:-1e9}" -v b="$s" 'BEGIN {print (b < a ? b : a)}')
      done
    fi
  done
  for j in 1 2; do
    awk -v kind="$kind" -v n="$n" -v b="$bytes" -v p="$pages" -v j="$j" -v s="${best[$j]}" \
        -v k="${rss[$j]}" -v c="${cpu[$j]}" -v ps="${best[p$j]:-}" 'BEGIN {
      s = (s > 0 ? s : 0.005)
      printf "%-5s %6d %8.1f %6s %4d %8.2f %7.2f %8.1f %8.1f %8s %8.1f %9s %7s\n",
        kind, n, b / 1e6, (p > 0 ? p : "-"), j, s, c, n / s, b / 1e6 / s,
        (p > 0 ? sprintf("%.3f", s * 1000 / p) : "-"), k / 1024,
        (ps != "" ? sprintf("%.2f", ps) : "-"),
        (ps != "" ? sprintf("%.2f", s / (ps > 0 ? ps : 0.005)) : "-") }'
  done
  awk -v a="${best[1]}" -v b="${best[2]}" -v kind="$kind" -v n="$n" \
    'BEGIN {printf "%-5s %6d  speed-up with 2 jobs: %.2fx\n", kind, n, a / (b > 0 ? b : 0.005)}'
  rm -rf "$corpus" "$out"
}

IFS=, read -r -a sizes <<<"$text_sizes"
for n in "${sizes[@]}"; do [ -n "$n" ] && bench text "$n" "${text_seeds[@]}"; done
IFS=, read -r -a sizes <<<"$pdf_sizes"
for n in "${sizes[@]}"; do [ -n "$n" ] && bench pdf "$n" "${pdf_seeds[@]}"; done

# --incremental against a full run, text input, two jobs; fastest of the repeats.
bench_incremental() {
  local n="$1"; shift
  local corpus="$dir/inc-$n" full="$dir/out-full" inc="$dir/out-inc"
  rm -rf "$corpus"
  "$gen" "$n" "$corpus" "$@" >/dev/null
  local -A best=() cpu=()
  keep() { # name seconds cpu
    if awk -v a="${best[$1]:-1e9}" -v b="$2" 'BEGIN {exit !(b < a)}'; then
      best[$1]=$2; cpu[$1]=$3
    fi
  }
  for _ in $(seq "$repeat"); do
    rm -rf "$full" "$inc"; sync
    read -r s _ c < <(measure "$bin" extract "$corpus" -o "$full" -q --jobs 2)
    keep full "$s" "$c"
    sync
    read -r s _ c < <(measure "$bin" extract "$corpus" -o "$inc" -q --jobs 2 --incremental)
    keep first "$s" "$c"
    sync
    read -r s _ c < <(measure "$bin" extract "$corpus" -o "$inc" -q --jobs 2 --incremental)
    keep again "$s" "$c"
  done
  local cache_mb
  cache_mb=$(du -sm "$inc/.hyokasho-cache" | awk '{print $1}')
  if ! cmp -s "$full/rows.csv" "$inc/rows.csv"; then
    echo "incremental tables differ from the full run's" >&2; exit 1
  fi
  printf '\n%-6s %8s %8s %8s %8s %8s %8s %9s %9s %9s\n' \
    docs full_s full_cpu first_s first_cpu again_s again_cpu again/full cpu_ratio cache_MB
  awk -v n="$n" -v f="${best[full]}" -v fc="${cpu[full]}" -v a="${best[first]}" \
      -v ac="${cpu[first]}" -v g="${best[again]}" -v gc="${cpu[again]}" -v m="$cache_mb" 'BEGIN {
    printf "%-6d %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %9.2f %9.2f %9d\n",
      n, f, fc, a, ac, g, gc, g / (f > 0 ? f : 0.005), gc / (fc > 0 ? fc : 0.005), m }'
  rm -rf "$corpus" "$full" "$inc"
}
IFS=, read -r -a sizes <<<"$inc_sizes"
for n in "${sizes[@]}"; do [ -n "$n" ] && bench_incremental "$n" "${text_seeds[@]}"; done
exit 0
