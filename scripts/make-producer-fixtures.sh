#!/usr/bin/env bash
# Makes the PDFs of tests/fixtures/producers/ that the shared fixtures2 set
# does not have: other documents (seeds 002 and 004), other page settings of
# the same producers, and Ghostscript re-distilled files.
#
# usage: scripts/make-producer-fixtures.sh TOOLS SEEDS [OUT]
#   TOOLS  the fixtures2 tools folder (make_html.py, make_docx.py, …)
#   SEEDS  the folder of the text seeds (NNN_*.txt)
#   OUT    where to write (default tests/fixtures/producers)
# needs: chromium, soffice (LibreOffice Writer), python-docx, ghostscript,
#   the IPAex and Noto CJK fonts.
#
# What each file adds (the layout traits are described in
# tests/fixtures/producers/README.md):
#   002_koshigaya.chromium-landscape   collapse style on A4 landscape
#   004_chiba.chromium-b5              separate style (per-cell borders, no
#                                      print header) on B5: more page breaks
#   002_koshigaya.writer-docx          Writer, an unseen document
#   004_chiba.writer-docx              Writer, an unseen document
#   000_urayasu.gs-writer              Writer's PDF re-distilled by Ghostscript
#   003_matsudo.gs-uplatex             upLaTeX's PDF re-distilled
#   001_kawasaki.gs-chromium           Chromium's PDF re-distilled: Ghostscript
#                                      writes ToUnicode maps that garble the
#                                      text (must be reported, not read as ok)
#   003_matsudo.gs-letter-fit          Writer's PDF fitted to US Letter
#   000_urayasu.gs-landscape-fit       Chromium's PDF fitted to A4 landscape
set -euo pipefail
tools=$(cd "$1" && pwd)
seeds=$(cd "$2" && pwd)
out=${3:-tests/fixtures/producers}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed() { ls "$seeds"/"$1"_*.txt; }

# HTML from the fixtures2 layout, page size changed, printed from a file URL
# with Chromium's print header and footer off (they would show the path).
chromium_pdf() {
  local seed=$1 variant=$2 size=$3 pdf=$4
  python3 "$tools/make_html.py" "$seed" "$tmp/x.pdf" --variant "$variant" \
    --html-only "$tmp/page.html" >/dev/null
  sed -i "s/size: A4 portrait/size: $size/" "$tmp/page.html"
  HOME="$tmp" chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --no-proxy-server --user-data-dir="$tmp/profile" --no-pdf-header-footer \
    --print-to-pdf="$pdf" "file://$tmp/page.html" >/dev/null 2>&1
}
chromium_pdf "$(seed 002)" collapse "A4 landscape" "$out/002_koshigaya.chromium-landscape.pdf"
chromium_pdf "$(seed 004)" separate "B5 portrait" "$out/004_chiba.chromium-b5.pdf"
python3 "$tools/make_docx.py" "$(seed 002)" "$out/002_koshigaya.writer-docx.pdf" >/dev/null
python3 "$tools/make_docx.py" "$(seed 004)" "$out/004_chiba.writer-docx.pdf" >/dev/null

gs_pdf() { gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite "${@:3}" -o "$2" "$1"; }
gs_pdf "$out/000_urayasu.writer-docx.pdf" "$out/000_urayasu.gs-writer.pdf"
gs_pdf "$out/003_matsudo.uplatex.pdf" "$out/003_matsudo.gs-uplatex.pdf"
gs_pdf "$out/001_kawasaki.chromium-collapse.pdf" "$out/001_kawasaki.gs-chromium.pdf"
gs_pdf "$out/003_matsudo.writer-docx.pdf" "$out/003_matsudo.gs-letter-fit.pdf" \
  -sPAPERSIZE=letter -dFIXEDMEDIA -dPDFFitPage
gs_pdf "$out/000_urayasu.chromium-separate.pdf" "$out/000_urayasu.gs-landscape-fit.pdf" \
  -dDEVICEWIDTHPOINTS=842 -dDEVICEHEIGHTPOINTS=595 -dFIXEDMEDIA -dPDFFitPage
ls -la "$out"
