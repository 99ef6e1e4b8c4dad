"""Loads every table of an output folder with pandas and DuckDB, typed by
datapackage.json, and checks that each column gets the type the package
says: the end-to-end check that a table reads the same in every tool.

Usage: python3 load_tables.py OUTPUT_FOLDER
Prints one line per table; exits non-zero (with the reason) on a mismatch.
"""

import json
import re
import sys
from pathlib import Path

import duckdb
import pandas as pd

DUCK = {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN"}
PANDAS = {"string": "string", "integer": "Int64", "boolean": "boolean"}


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def main(out: Path) -> None:
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for res in package["resources"]:
        path = str(out / res["path"])
        fields = res["schema"]["fields"]
        want = {f["name"]: f["type"] for f in fields}
        columns = "{" + ", ".join(f"'{n}': '{DUCK[t]}'" for n, t in want.items()) + "}"
        if res["format"] == "csv" and res["encoding"] not in ("utf-8", "utf-8-sig"):
            # DuckDB reads UTF-8 only: pandas checks these alone.
            frame = pd.read_csv(
                path,
                dtype={n: PANDAS[t] for n, t in want.items()},
                keep_default_na=False,
                na_values={n: [""] for n in want},
                true_values=["true"],
                false_values=["false"],
                encoding=res["encoding"],
            )
            for name, ty in want.items():
                if len(frame) and str(frame[name].dtype) != PANDAS[ty]:
                    fail(f"{res['path']}: pandas {name} is {frame[name].dtype}")
            print(f"{res['path']}: {len(frame)} rows, {len(want)} columns typed (pandas)")
            continue
        if res["format"] == "csv":
            rel = con.sql(
                f"SELECT * FROM read_csv('{path}', columns={columns}, header=true, "
                "auto_detect=false, delim=',', quote='\"', escape='\"', nullstr='')"
            )
            frame = pd.read_csv(
                path,
                dtype={n: PANDAS[t] for n, t in want.items()},
                keep_default_na=False,
                na_values={n: [""] for n in want},
                true_values=["true"],
                false_values=["false"],
                encoding=res["encoding"],
            )
            auto = con.sql(f"SELECT * FROM read_csv_auto('{path}', header=true)")
        else:
            rel = con.sql(
                f"SELECT * FROM read_json('{path}', format='newline_delimited', columns={columns})"
            )
            frame = pd.read_json(
                path, lines=True, dtype={n: PANDAS[t] for n, t in want.items()}
            )
            auto = con.sql(f"SELECT * FROM read_json_auto('{path}', format='newline_delimited')")
        if res["format"] == "jsonl":
            # Every JSON value has the package's type (or is null).
            py = {"string": str, "integer": int, "boolean": bool}
            with open(path, encoding="utf-8") as lines:
                for no, line in enumerate(lines, 1):
                    for name, value in json.loads(line).items():
                        t = py[want[name]]
                        if value is not None and not (
                            type(value) is t
                        ):
                            fail(f"{res['path']}:{no}: {name} {value!r} is not {want[name]}")
        # DuckDB, typed by the package.
        got = dict(zip(rel.columns, (str(t) for t in rel.types)))
        if list(got) != list(want):
            fail(f"{res['path']}: columns {list(got)} != {list(want)}")
        for name, ty in want.items():
            if got[name] != DUCK[ty]:
                fail(f"{res['path']}: DuckDB {name} is {got[name]}, not {DUCK[ty]}")
        rows = rel.fetchall()
        # pandas, typed by the package: the same rows, the same types.
        if len(frame) != len(rows):
            fail(f"{res['path']}: pandas read {len(frame)} rows, DuckDB {len(rows)}")
        if len(frame) and list(frame.columns) != list(want):
            fail(f"{res['path']}: pandas columns {list(frame.columns)}")
        for name, ty in want.items():
            if len(frame) and str(frame[name].dtype) != PANDAS[ty]:
                fail(f"{res['path']}: pandas {name} is {frame[name].dtype}, not {PANDAS[ty]}")
        # Values that a pattern constrains (dates) match it.
        for i, f in enumerate(fields):
            pattern = f.get("constraints", {}).get("pattern")
            if pattern:
                for row in rows:
                    v = row[i]
                    if v is not None and not re.fullmatch(pattern, v):
                        fail(f"{res['path']}: {f['name']} {v!r} does not match {pattern}")
        # Without the package, DuckDB's own guess agrees wherever a column
        # has values: numbers and booleans are found as such, and no text
        # column is taken for a number. (A column empty in a run can only
        # be typed by the package.)
        auto_types = dict(zip(auto.columns, (str(t) for t in auto.types)))
        auto_rows = auto.fetchall()
        for i, (name, ty) in enumerate(want.items()):
            if not any(r[i] is not None for r in auto_rows):
                continue
            a = auto_types.get(name)
            if ty == "integer" and a not in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "HUGEINT"):
                fail(f"{res['path']}: DuckDB guesses {name} as {a}, the package says integer")
            if ty == "boolean" and a != "BOOLEAN":
                fail(f"{res['path']}: DuckDB guesses {name} as {a}, the package says boolean")
            if ty == "string" and a not in ("VARCHAR", "DATE", "JSON"):
                fail(f"{res['path']}: DuckDB guesses {name} as {a}, the package says string")
        print(f"{res['path']}: {len(rows)} rows, {len(want)} columns typed")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
