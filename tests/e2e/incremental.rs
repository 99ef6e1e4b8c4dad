//! End-to-end: `--incremental` processes only new or changed files, and its
//! tables equal those of a full run over the same inputs.

use crate::common;

use std::path::Path;

use common::*;

fn copy(from: &str, dir: &Path, to: &str) {
    std::fs::copy(root().join(from), dir.join(to)).expect("copy input");
}

fn manifest(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
    serde_json::from_str(&text).expect("manifest is JSON")
}

/// `(source_path, reused)` for every document of the manifest.
fn reused(out: &Path) -> Vec<(String, bool)> {
    let m = manifest(out);
    m["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| {
            let path = d["source_path"].as_str().unwrap_or_default();
            let name = path.rsplit('/').next().unwrap_or_default().to_string();
            (name, d["reused"].as_bool().unwrap_or(false))
        })
        .collect()
}

/// Every table file's bytes.
fn tables(out: &Path) -> Vec<(String, Vec<u8>)> {
    hyokasho::schema::TABLES
        .iter()
        .flat_map(|t| ["csv", "jsonl"].map(|ext| format!("{}.{ext}", t.name)))
        .map(|name| {
            let bytes = std::fs::read(out.join(&name)).expect("table");
            (name, bytes)
        })
        .collect()
}

fn run_ok(input: &Path, out: &Path, args: &[&str]) {
    let run = extract(&[input], out, args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn only_new_or_changed_files_are_processed() {
    let input = scratch("incr-in");
    copy("corpus/001_15827696a754ffd7_kawasaki.txt", &input, "a.txt");
    copy("corpus/003_1e1c75fd0918caa4_matsudo.txt", &input, "b.txt");
    copy("tests/fixtures/001_kawasaki.calc.pdf", &input, "c.pdf");
    let out = scratch("incr-out");

    run_ok(&input, &out, &["--incremental"]);
    let mut first = reused(&out);
    first.sort();
    assert_eq!(
        first,
        [
            ("a.txt".into(), false),
            ("b.txt".into(), false),
            ("c.pdf".into(), false)
        ]
    );
    let first_tables = tables(&out);

    // Nothing changed: everything comes from the cache, byte for byte.
    run_ok(&input, &out, &["--incremental"]);
    assert!(reused(&out).iter().all(|(_, r)| *r));
    assert_eq!(manifest(&out)["totals"]["reused"], 3);
    assert!(
        tables(&out) == first_tables,
        "reused tables equal the first run's"
    );

    // One file changed, one removed, one added, one renamed.
    // (A row added on the cover: at the end it would stand in the change
    // list, where 備考 is no date.)
    let text = std::fs::read_to_string(input.join("b.txt")).expect("read");
    assert!(text.contains("特記事項\n"));
    let changed = text.replacen("特記事項\n", "特記事項\n備考\t追記した行\n", 1);
    std::fs::write(input.join("b.txt"), changed).expect("write");
    std::fs::remove_file(input.join("a.txt")).expect("remove");
    copy("tests/fixtures/003_matsudo.sjis.txt", &input, "d.txt");
    std::fs::rename(input.join("c.pdf"), input.join("renamed.pdf")).expect("rename");
    run_ok(&input, &out, &["--incremental"]);
    let mut third = reused(&out);
    third.sort();
    assert_eq!(
        third,
        [
            ("b.txt".into(), false),
            ("d.txt".into(), false),
            ("renamed.pdf".into(), true)
        ]
    );
    let docs = table(&out, "documents");
    assert_eq!(docs.len(), 3, "the removed file dropped out");
    let renamed = docs
        .iter()
        .find(|d| d["source_path"].ends_with("renamed.pdf"))
        .expect("the renamed PDF, under its new name");
    assert_eq!(renamed["status"], "ok");
    let rows = table(&out, "rows");
    assert!(
        rows.iter()
            .any(|r| r["value"] == "追記した行" && r["label"] == "備考"),
        "the changed file was read again"
    );
    // The cache holds exactly the current documents.
    let cached = std::fs::read_dir(out.join(".hyokasho-cache"))
        .expect("cache folder")
        .count();
    assert_eq!(cached, 3);

    // The same tables as a full run over the same inputs.
    let full = scratch("incr-full");
    run_ok(&input, &full, &[]);
    let incremental = tables(&out);
    for ((name, a), (_, b)) in tables(&full).iter().zip(&incremental) {
        assert!(a == b, "{name}: an incremental run equals a full run");
    }
}

#[test]
fn a_damaged_cache_entry_is_processed_again() {
    let input = scratch("incr-damaged-in");
    copy("corpus/001_15827696a754ffd7_kawasaki.txt", &input, "a.txt");
    let out = scratch("incr-damaged-out");
    run_ok(&input, &out, &["--incremental"]);
    let before = tables(&out);
    for entry in std::fs::read_dir(out.join(".hyokasho-cache")).expect("cache") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read entry");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncate entry");
    }
    run_ok(&input, &out, &["--incremental"]);
    assert_eq!(reused(&out), [("a.txt".into(), false)]);
    assert!(tables(&out) == before);
    // And it was stored whole again.
    run_ok(&input, &out, &["--incremental"]);
    assert_eq!(reused(&out), [("a.txt".into(), true)]);
}
