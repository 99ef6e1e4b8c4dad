//! One type per column in every format, from the schema registry:
//! `datapackage.json` describes each table, pandas and DuckDB load the CSV
//! and JSONL files with those types (`load_tables.py`), and SQLite stores
//! each column's values with the same type.

use std::path::Path;
use std::process::Command;

use crate::common::{extract, root, scratch};

/// Whether python3 with pandas and duckdb is here; without them the
/// loading check is skipped unless `HYOKASHO_REQUIRE_PYTHON=1`.
fn python_with_loaders() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pandas, duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("HYOKASHO_REQUIRE_PYTHON").as_deref() != Ok("1"),
            "python3 with pandas and duckdb is required (HYOKASHO_REQUIRE_PYTHON=1)"
        );
        eprintln!(
            "\n*** SKIP types: python3 with pandas and duckdb is not installed \
             (pip install pandas duckdb; .ci/run does) ***\n"
        );
    }
    ok
}

fn load_with_pandas_and_duckdb(out: &Path) {
    let run = Command::new("python3")
        .arg(root().join("tests/e2e/load_tables.py"))
        .arg(out)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Every table of the registry was loaded, from both formats.
    for t in hyokasho::schema::TABLES {
        for ext in ["csv", "jsonl"] {
            assert!(
                stdout.contains(&format!("{}.{ext}: ", t.name)),
                "{} not loaded:\n{stdout}",
                t.name
            );
        }
    }
}

/// SQLite holds every non-null value of a column with the column's type.
fn sqlite_types_match(out: &Path) {
    use hyokasho::schema::ColumnType;
    let db = rusqlite::Connection::open(out.join("hyokasho.sqlite")).expect("open");
    for t in hyokasho::schema::TABLES {
        for c in t.columns {
            let want = match c.ty {
                ColumnType::Integer | ColumnType::Boolean => "integer",
                ColumnType::Text | ColumnType::Date => "text",
            };
            let sql = format!(
                "SELECT DISTINCT typeof(\"{}\") FROM \"{}\" WHERE \"{}\" IS NOT NULL",
                c.name, t.name, c.name
            );
            let mut stmt = db.prepare(&sql).expect("prepare");
            let got: Vec<String> = stmt
                .query_map([], |r| r.get(0))
                .expect("query")
                .map(|r| r.expect("row"))
                .collect();
            assert!(
                got.iter().all(|g| g == want),
                "{}.{}: {got:?}, not {want}",
                t.name,
                c.name
            );
        }
    }
}

#[test]
fn every_column_has_its_schema_type_in_every_format() {
    let out = scratch("types-full");
    let run = extract(
        &[Path::new("corpus"), Path::new("tests/fixtures")],
        &out,
        &["--format", "csv,jsonl,sqlite"],
    );
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    // The columns the registry types as integers hold numbers here.
    let docs = crate::common::table(&out, "documents");
    assert!(docs.iter().any(|d| d["assessment_no"] == "50"));
    let corrections = crate::common::table(&out, "corrections");
    assert!(
        corrections
            .iter()
            .all(|c| c["page_ref"].is_empty() || c["page_ref"].parse::<u32>().is_ok())
    );
    sqlite_types_match(&out);
    if python_with_loaders() {
        load_with_pandas_and_duckdb(&out);
    }
}

#[test]
fn tables_with_empty_columns_keep_their_types() {
    // A lone change list: most tables empty, most document columns empty.
    let out = scratch("types-empty");
    let run = extract(
        &[Path::new("corpus/000_fe30033286788cd1_urayasu.txt")],
        &out,
        &[],
    );
    assert!(run.status.code().is_some_and(|c| c <= 1), "{run:?}");
    assert!(crate::common::table(&out, "systems").is_empty());
    if python_with_loaders() {
        load_with_pandas_and_duckdb(&out);
    }
}
