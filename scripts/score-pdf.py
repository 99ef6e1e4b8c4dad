#!/usr/bin/env python3
"""Scores PDF decoding against text originals: character-bigram F1 of `rows`.

Usage: scripts/score-pdf.py OUTPUT_DIR [--min F1]

OUTPUT_DIR is a `hyokasho extract` output holding PDFs and the text documents
they were printed from. A PDF is paired with the text document whose file name
starts with the same `NNN_` number. For each pair the `label` and `value` of
`rows` (normalised cells: a text's HTML check boxes and a PDF's `[ ○ ]` both
become ☑; in row order, white space removed, since a PDF breaks lines where the text had
spaces) are compared after two neutralisations of what is not layout: the ` | `
that joins the cells of one value (a printed form splits a value the text keeps
in one cell), and ⬚ (a text's check box of unknown state) read as ☐) is cut into character bigrams, and the multisets are compared:
precision = shared / PDF bigrams, recall = shared / text bigrams, F1 their
harmonic mean. Prints one line per PDF, weakest first; with --min, exits 1 when
any F1 is below it.
"""
import csv
import os
import re
import sys
from collections import Counter

csv.field_size_limit(1 << 30)


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def bigrams(text):
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def main():
    args = sys.argv[1:]
    minimum = None
    if "--min" in args:
        i = args.index("--min")
        minimum = float(args[i + 1])
        del args[i : i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    out = args[0]
    docs = read(os.path.join(out, "documents.csv"))
    texts = {}
    for r in read(os.path.join(out, "rows.csv")):
        texts.setdefault(r["doc_id"], []).append((int(r["row_no"]), r["label"] + r["value"]))
    joined = {
        d: re.sub(r"[\s|]+", "", "".join(t for _, t in sorted(rows))).replace("⬚", "☐")
        for d, rows in texts.items()
    }

    def number(d):
        m = re.match(r"(\d{3})_", os.path.basename(d["source_path"]))
        return m.group(1) if m else None

    originals = {number(d): d for d in docs if d["format"] == "text" and number(d)}
    results = []
    for d in docs:
        if d["format"] != "pdf":
            continue
        orig = originals.get(number(d))
        if orig is None:
            continue
        a = bigrams(joined.get(d["doc_id"], ""))
        b = bigrams(joined.get(orig["doc_id"], ""))
        shared = sum((a & b).values())
        p = shared / max(1, sum(a.values()))
        r = shared / max(1, sum(b.values()))
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        results.append((f1, p, r, d["status"], d["source_path"]))
    results.sort()
    print(f"{'F1':>7} {'prec':>7} {'recall':>7} {'status':<8} file")
    for f1, p, r, status, path in results:
        print(f"{f1:7.4f} {p:7.4f} {r:7.4f} {status:<8} {path}")
    if minimum is not None and any(f1 < minimum for f1, *_ in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
