//! End-to-end: bad inputs in a batch, other encodings, determinism, exit codes.

use crate::common;

use std::path::Path;

use common::*;

#[test]
fn junk_and_empty_files_fail_while_the_batch_goes_on() {
    let dir = scratch("batch-in");
    std::fs::copy(
        root().join("corpus/001_15827696a754ffd7_kawasaki.txt"),
        dir.join("kawasaki.txt"),
    )
    .expect("copy");
    std::fs::copy(
        root().join("tests/fixtures/001_kawasaki.binary-junk.txt"),
        dir.join("junk.txt"),
    )
    .expect("copy");
    std::fs::write(dir.join("empty.txt"), b"").expect("write");
    let out = scratch("batch-out");
    let run = extract(&[&dir], &out, &[]);
    assert_eq!(run.status.code(), Some(1), "some document is not ok");
    let docs = table(&out, "documents");
    assert_eq!(docs.len(), 3);
    let by = |part: &str| {
        docs.iter()
            .find(|d| d["source_path"].ends_with(part))
            .expect(part)
    };
    assert_eq!(by("junk.txt")["status"], "failed");
    assert!(
        by("junk.txt")["error"].contains("binary"),
        "{}",
        by("junk.txt")["error"]
    );
    assert_eq!(by("empty.txt")["status"], "failed");
    assert!(by("empty.txt")["error"].contains("empty"));
    assert_eq!(by("kawasaki.txt")["status"], "ok");
    let rows = table(&out, "rows");
    let kawasaki_id = &by("kawasaki.txt")["doc_id"];
    let source = std::fs::read_to_string(dir.join("kawasaki.txt")).expect("read");
    let lines = source.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(
        rows.iter().filter(|r| &r["doc_id"] == kawasaki_id).count(),
        lines
    );
    assert!(
        rows.iter().all(|r| &r["doc_id"] == kawasaki_id),
        "no rows from failed files"
    );
}

/// The legacy-encoded copies give the same rows as their UTF-8 originals.
#[test]
fn other_encodings_give_the_same_rows() {
    let out = scratch("encodings");
    let inputs = [
        "corpus/001_15827696a754ffd7_kawasaki.txt",
        "corpus/003_1e1c75fd0918caa4_matsudo.txt",
        "tests/fixtures/001_kawasaki.sjis.txt",
        "tests/fixtures/001_kawasaki.eucjp.txt",
        "tests/fixtures/001_kawasaki.utf16le-bom.txt",
        "tests/fixtures/001_kawasaki.utf8-bom-crlf.txt",
        "tests/fixtures/003_matsudo.sjis.txt",
        "tests/fixtures/003_matsudo.eucjp.txt",
        "tests/fixtures/003_matsudo.utf16le-bom.txt",
        "tests/fixtures/003_matsudo.utf8-bom-crlf.txt",
    ];
    let paths: Vec<&Path> = inputs.iter().map(Path::new).collect();
    let run = extract(&paths, &out, &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = table(&out, "documents");
    let rows = table(&out, "rows");
    let fields = |part: &str| -> Vec<(String, String, String, String)> {
        of_doc(&rows, &docs, part)
            .iter()
            .map(|r| {
                (
                    r["section"].clone(),
                    r["path"].clone(),
                    r["label"].clone(),
                    r["value"].clone(),
                )
            })
            .collect()
    };
    let encoding = |part: &str| {
        docs.iter()
            .find(|d| d["source_path"].contains(part))
            .expect(part)["encoding"]
            .clone()
    };
    for (seed, stem) in [
        ("corpus/001", "001_kawasaki"),
        ("corpus/003", "003_matsudo"),
    ] {
        let original = fields(seed);
        assert!(original.len() > 300);
        for (variant, enc) in [
            ("sjis", "Shift_JIS"),
            ("eucjp", "EUC-JP"),
            ("utf16le-bom", "UTF-16LE"),
            ("utf8-bom-crlf", "UTF-8"),
        ] {
            let name = format!("{stem}.{variant}.txt");
            assert_eq!(encoding(&name), enc, "{name}");
            let copy = fields(&name);
            assert_eq!(copy.len(), original.len(), "{name}: row count");
            for (a, b) in original.iter().zip(&copy) {
                assert_eq!(a, b, "{name}");
            }
        }
    }
}

/// The manifest without what is allowed to differ between runs: the
/// clock times of the run and of each document.
fn manifest_without_timings(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
    let mut m: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let obj = m.as_object_mut().expect("object");
    obj.remove("started_at");
    obj.remove("finished_at");
    for d in obj["documents"].as_array_mut().expect("documents") {
        d.as_object_mut().expect("document").remove("elapsed_ms");
    }
    m
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = scratch("jobs1");
    let four = scratch("jobs4");
    // Text in every encoding, PDFs of every kind, damaged files.
    let inputs = [Path::new("corpus"), Path::new("tests/fixtures")];
    let code = |out: &Path, jobs: &str| extract(&inputs, out, &["--jobs", jobs]).status.code();
    assert_eq!(code(&one, "1"), Some(1), "the damaged fixtures are not ok");
    assert_eq!(code(&four, "4"), Some(1));
    for t in hyokasho::schema::TABLES {
        for ext in ["csv", "jsonl"] {
            let name = format!("{}.{ext}", t.name);
            let a = std::fs::read(one.join(&name)).expect("read");
            let b = std::fs::read(four.join(&name)).expect("read");
            assert!(a == b, "{name} differs between --jobs 1 and --jobs 4");
        }
    }
    let manifest = manifest_without_timings(&one);
    assert!(
        manifest["documents"]
            .as_array()
            .is_some_and(|d| d.len() > 30)
    );
    assert_eq!(manifest, manifest_without_timings(&four), "manifest.json");
}

#[test]
fn run_errors_exit_with_2() {
    // The output "folder" is a file: the run cannot proceed.
    let dir = scratch("exit2");
    let file = dir.join("not-a-folder");
    std::fs::write(&file, b"x").expect("write");
    let run = extract(&[Path::new("corpus")], &file, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("not-a-folder"));
    // A missing input.
    let run = extract(&[Path::new("no-such-input")], &dir.join("out"), &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no-such-input"));
}
