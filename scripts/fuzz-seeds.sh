#!/usr/bin/env bash
# Builds the fuzz seed corpora in fuzz/corpus/{text,pdf,normalize} from
# corpus/ and tests/fixtures/ (the corpora are not committed: they are
# derived, and the fuzzer adds to them as it runs).
#
# Text documents are cut into slices of about SLICE_LINES lines, each in the
# encoding (and BOM, line ends) of its source file: small inputs run many
# times faster than a whole 100 KiB document, and the slices together still
# cover every kind of row. The first slice of each document keeps its cover
# page, which is what the document-level facts are read from.
# PDFs over MAX_PDF bytes are left out for the same reason.
set -euo pipefail
cd "$(dirname "$0")/.."
SLICE_LINES=${SLICE_LINES:-60}
MAX_PDF=${MAX_PDF:-100000}
rm -rf fuzz/corpus/text fuzz/corpus/pdf fuzz/corpus/normalize
mkdir -p fuzz/corpus/text fuzz/corpus/pdf fuzz/corpus/normalize
python3 - "$SLICE_LINES" <<'PY'
import pathlib, sys
n = int(sys.argv[1])
sources = sorted(pathlib.Path("corpus").glob("*.txt")) + sorted(
    pathlib.Path("tests/fixtures").glob("*.txt"))
out_text = pathlib.Path("fuzz/corpus/text")
out_norm = pathlib.Path("fuzz/corpus/normalize")
for src in sources:
    raw = src.read_bytes()
    name = src.name
    if "binary-junk" in name:
        (out_text / name).write_bytes(raw)
        continue
    if "sjis" in name:
        enc, bom = "cp932", b""
    elif "eucjp" in name:
        enc, bom = "euc_jis_2004", b""
    elif "utf16le-bom" in name:
        enc, bom = "utf-16-le", b"\xff\xfe"
    elif "utf8-bom" in name:
        enc, bom = "utf-8", b"\xef\xbb\xbf"
    else:
        enc, bom = "utf-8", b""
    body = raw[len(bom):] if raw.startswith(bom) else raw
    try:
        text = body.decode(enc)
    except UnicodeDecodeError:
        # The EUC-JP fixtures use NEC row 13, which Python's codecs lack:
        # slice those on raw line ends instead (EUC-JP never has 0x0A inside
        # a character).
        lines = body.split(b"\n")
        for i in range(0, len(lines), n):
            (out_text / f"{name}.{i // n:03}").write_bytes(b"\n".join(lines[i:i + n]))
        continue
    lines = text.splitlines(keepends=True)
    for i in range(0, len(lines), n):
        chunk = "".join(lines[i:i + n])
        (out_text / f"{name}.{i // n:03}").write_bytes(bom + chunk.encode(enc))
        if enc == "utf-8" and not bom:
            # The normalize target takes single cells.
            for j, line in enumerate(lines[i:i + n]):
                for k, cell in enumerate(line.rstrip("\n").split("\t")):
                    if cell.strip():
                        (out_norm / f"{name}.{i + j:04}.{k}").write_text(cell)
PY
python3 scripts/fuzz-pdf-seed.py > fuzz/corpus/pdf/synthetic-table.pdf
find tests/fixtures -name '*.pdf' -size -"$MAX_PDF"c -exec cp {} fuzz/corpus/pdf/ \;
echo "seeds: $(ls fuzz/corpus/text | wc -l) text, $(ls fuzz/corpus/pdf | wc -l) pdf, $(ls fuzz/corpus/normalize | wc -l) normalize"
