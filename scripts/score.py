#!/usr/bin/env python3
"""Score hyokasho's records against hand-made answer files.

usage: python3 scripts/score.py DIR [DIR...] --bin target/release/hyokasho [-v]
                                [--min F1] [--also PATH...] [--json OUT]

Every document in DIR that has an answer file is extracted in one run of the
tool: `NAME.expected.json` answers for `NAME.txt` and for every `NAME.*.pdf` /
`NAME.*.txt` printed or re-encoded from it, and for the documents its
`also_documents` names (paths from the repository root);
tests/fixtures/forms/README.md describes the answer files. For each document and each table of its answer
file, records are matched by their key columns; a record is right only when
it is matched and every answer column agrees (values compared as strings with
white space removed, null = empty). Printed:

- per document and table: right / given / expected, precision, recall, F1;
- per table over all documents (micro-averaged), and the weakest table's F1;
- the risk-code check: over the whole run (DIR plus any --also inputs), no
  risk_code may have two different risk_title_canonical values.

Exit status: 1 when the risk-code check fails, or when --min is given and the
weakest table F1 is below it; 2 when the tool could not run; else 0.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

# Key columns per table; a record's key is the subset its answer record has.
KEYS = {
    "documents": [],
    "systems": ["system_no"],
    "files": ["file_no"],
    "contractors": ["file_name", "entrustment_no"],
    "provisions": ["file_name", "kind", "provision_no"],
    "risk_ratings": ["file_name", "risk_code"],
    "changes": ["change_no"],
    "choices": ["section", "label", "line"],
    "incidents": ["incident_no"],
    "corrections": ["correction_no"],
}
ANSWER_SUFFIX = ".expected.json"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC_EXTS = (".txt", ".pdf")


def as_text(v):
    """A JSON value as the CSV output writes it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def squeeze(v):
    return re.sub(r"\s+", "", as_text(v))


def find_documents(dirs):
    """(document path, answer path) for every document with an answer file."""
    pairs = []
    for d in dirs:
        if not os.path.isdir(d):
            print(f"score.py: {d}: no such folder", file=sys.stderr)
            sys.exit(2)
        names = sorted(os.listdir(d))
        answers = {n[: -len(ANSWER_SUFFIX)]: os.path.join(d, n) for n in names if n.endswith(ANSWER_SUFFIX)}
        for n in names:
            if not n.endswith(DOC_EXTS) or n.endswith(ANSWER_SUFFIX):
                continue
            stem = n.split(".")[0]
            if stem in answers:
                pairs.append((os.path.join(d, n), answers[stem]))
        # An answer file may name documents kept elsewhere (paths from the
        # repository root), e.g. a corpus text whose PDFs are here.
        for stem, answer in sorted(answers.items()):
            with open(answer, encoding="utf-8") as f:
                for other in json.load(f).get("also_documents", []):
                    path = os.path.join(ROOT, other)
                    if os.path.exists(path):
                        pairs.append((path, answer))
                    else:
                        print(f"warning: {answer} names {other}, which does not exist", file=sys.stderr)
        missing = set(answers.values()) - {a for _, a in pairs}
        for m in sorted(missing):
            print(f"warning: {m} has no document", file=sys.stderr)
    return pairs


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def run_tool(binary, inputs, out):
    cmd = [binary, "extract", *inputs, "-o", out, "--quiet", "--format", "csv,jsonl"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        print(f"score.py: {' '.join(cmd)} failed with status {r.returncode}:\n{r.stderr}", file=sys.stderr)
        sys.exit(2)


def compare(table, expected, given):
    """Matches expected records against given ones.

    Returns (right, problems): problems are lines naming the missing, wrong
    and unexpected records."""
    keys_all = KEYS.get(table, [])
    used = set()
    right = 0
    problems = []
    for exp in expected:
        keys = [k for k in keys_all if k in exp]
        candidates = [
            i for i, g in enumerate(given)
            if i not in used and all(squeeze(g.get(k)) == squeeze(exp[k]) for k in keys)
        ]
        key_text = ", ".join(f"{k}={as_text(exp[k])}" for k in keys) or "(the document)"
        if not candidates:
            problems.append(f"  missing  {table} [{key_text}]: {json.dumps(exp, ensure_ascii=False)[:400]}")
            continue
        # Prefer a candidate that agrees on every column.
        best, best_diff = None, None
        for i in candidates:
            diff = [c for c in exp if squeeze(given[i].get(c)) != squeeze(exp[c])]
            if best is None or len(diff) < len(best_diff):
                best, best_diff = i, diff
            if not diff:
                break
        used.add(best)
        if best_diff:
            lines = [f"  wrong    {table} [{key_text}]:"]
            for c in best_diff:
                lines.append(f"      {c}: expected {as_text(exp[c])!r}, got {as_text(given[best].get(c))!r}")
            problems.append("\n".join(lines))
        else:
            right += 1
    for i, g in enumerate(given):
        if i not in used:
            shown = {k: v for k, v in g.items() if k not in ("doc_id", "measures", "raw")}
            problems.append(f"  extra    {table}: {json.dumps(shown, ensure_ascii=False)[:400]}")
    return right, problems


def prf(right, given, expected):
    if given == 0 and expected == 0:
        return 1.0, 1.0, 1.0
    p = right / given if given else 0.0
    r = right / expected if expected else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", metavar="DIR")
    ap.add_argument("--bin", default="target/release/hyokasho")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every missing, wrong and extra record")
    ap.add_argument("--min", type=float, help="exit 1 when the weakest table F1 is below this")
    ap.add_argument("--also", nargs="*", default=[], help="more inputs for the risk-code check only")
    ap.add_argument("--json", help="write the scores as JSON to this file")
    a = ap.parse_args()

    pairs = find_documents(a.dirs)
    if not pairs:
        print("score.py: no document with an answer file in " + ", ".join(a.dirs), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="hyokasho-score-") as out:
        run_tool(a.bin, [os.path.abspath(p) for p, _ in pairs] + [os.path.abspath(p) for p in a.also], out)
        if not os.path.exists(os.path.join(out, "documents.jsonl")):
            print(f"score.py: {a.bin} wrote no documents.jsonl", file=sys.stderr)
            return 2
        tables = {t: read_jsonl(os.path.join(out, t + ".jsonl")) for t in list(KEYS) + ["risk_ratings"]}

    docs_by_path = {os.path.abspath(d["source_path"]): d for d in tables["documents"]}
    totals = {}  # table -> [right, given, expected]
    report = {"documents": {}, "tables": {}}
    for path, answer_path in pairs:
        with open(answer_path, encoding="utf-8") as f:
            answer = json.load(f)
        doc = docs_by_path.get(os.path.abspath(path))
        print(f"{os.path.relpath(path)}  ({os.path.basename(answer_path)})"
              + ("" if doc else "  -- not in the output"))
        doc_scores = {}
        for table, expected in answer["tables"].items():
            given = [r for r in tables.get(table, []) if doc and r.get("doc_id") == doc["doc_id"]]
            right, problems = compare(table, expected, given)
            p, r, f = prf(right, len(given), len(expected))
            t = totals.setdefault(table, [0, 0, 0])
            t[0] += right
            t[1] += len(given)
            t[2] += len(expected)
            doc_scores[table] = {"right": right, "given": len(given), "expected": len(expected), "f1": f}
            print(f"  {table:<13} {right:>3} right of {len(given):>3} given, {len(expected):>3} expected"
                  f"   P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
            if a.verbose:
                for line in problems:
                    print("  " + line)
        report["documents"][os.path.relpath(path)] = doc_scores

    print("\nall documents (micro-averaged):")
    weakest = None
    for table, (right, given, expected) in totals.items():
        p, r, f = prf(right, given, expected)
        report["tables"][table] = {"right": right, "given": given, "expected": expected,
                                   "precision": p, "recall": r, "f1": f}
        print(f"  {table:<13} {right:>4} right of {given:>4} given, {expected:>4} expected"
              f"   P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        if weakest is None or f < weakest[1]:
            weakest = (table, f)
    print(f"weakest table: {weakest[0]} F1 {weakest[1]:.3f}")

    titles = {}
    for r in tables["risk_ratings"]:
        titles.setdefault(r.get("risk_code") or "", set()).add(r.get("risk_title_canonical") or "")
    clashes = {c: sorted(t) for c, t in titles.items() if len(t) > 1}
    print(f"risk codes: {len(titles)} codes in {len(tables['risk_ratings'])} ratings; "
          + ("each has one canonical title" if not clashes else f"{len(clashes)} with two or more titles:"))
    for c, ts in sorted(clashes.items()):
        print(f"  {c}: " + " | ".join(repr(t) for t in ts))
    report["weakest"] = {"table": weakest[0], "f1": weakest[1]}
    report["risk_code_clashes"] = clashes
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(report, f, ensure_ascii=False, indent=1)

    status = 0
    if clashes:
        status = 1
    if a.min is not None and weakest[1] < a.min:
        print(f"weakest table F1 {weakest[1]:.3f} is below --min {a.min}")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
