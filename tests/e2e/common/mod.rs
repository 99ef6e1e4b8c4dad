//! Helpers for the end-to-end tests: run the binary, read its tables.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hyokasho-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// Runs `hyokasho extract INPUTS -o OUT --quiet ARGS` from the project root.
pub fn extract(inputs: &[&Path], out: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hyokasho"))
        .current_dir(root())
        .arg("extract")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .args(args)
        .output()
        .expect("run hyokasho")
}

/// One table row: column name → value.
pub type Record = HashMap<String, String>;

/// Reads `NAME.csv` from an output folder.
pub fn table(out: &Path, name: &str) -> Vec<Record> {
    let path = out.join(format!("{name}.csv"));
    let mut reader =
        csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("csv record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The records of one document, found by a part of its source path.
pub fn of_doc<'a>(records: &'a [Record], documents: &[Record], path_part: &str) -> Vec<&'a Record> {
    let id = doc_id(documents, path_part);
    records.iter().filter(|r| r["doc_id"] == id).collect()
}

/// The doc_id of the document whose source path contains `path_part`.
pub fn doc_id(documents: &[Record], path_part: &str) -> String {
    let matching: Vec<_> = documents
        .iter()
        .filter(|d| d["source_path"].contains(path_part))
        .collect();
    assert_eq!(matching.len(), 1, "one document matching {path_part}");
    matching[0]["doc_id"].clone()
}

/// Extracts the bundled corpus once per test binary and returns the
/// output folder.
pub fn corpus_output() -> &'static Path {
    static OUT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = scratch("corpus");
        let run = extract(&[Path::new("corpus")], &out, &[]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        out
    })
}

/// Columns that differ between a text and its PDF by nature (ids, places).
pub const PLACE_COLUMNS: &[&str] = &["doc_id", "page", "line", "path"];

/// The differences between two documents' records in one table, values
/// compared through `squeeze` (white space left out: a PDF breaks lines
/// where the text had spaces), place columns left out.
pub fn record_differences(
    table_name: &str,
    text: &[&Record],
    pdf: &[&Record],
    squeeze: fn(&str) -> String,
) -> Vec<String> {
    let mut out = Vec::new();
    if text.len() != pdf.len() {
        out.push(format!(
            "{table_name}: {} records from text, {} from PDF",
            text.len(),
            pdf.len()
        ));
    }
    for (i, (t, p)) in text.iter().zip(pdf).enumerate() {
        let mut keys: Vec<&String> = t.keys().collect();
        keys.sort();
        for k in keys {
            if PLACE_COLUMNS.contains(&k.as_str()) {
                continue;
            }
            let (a, b) = (&t[k], p.get(k).map(String::as_str).unwrap_or(""));
            if squeeze(a) != squeeze(b) {
                out.push(format!(
                    "{table_name}[{i}].{k}:\n    text: {a:?}\n    pdf:  {b:?}"
                ));
            }
        }
    }
    out
}

/// The typed tables a PDF must give as its text original does.
pub const TYPED_TABLES: &[&str] = &[
    "systems",
    "files",
    "contractors",
    "provisions",
    "risk_ratings",
    "choices",
    "changes",
    "corrections",
    "incidents",
];
