//! End-to-end: CSV and JSONL carry any Unicode exactly (line and paragraph
//! separators, NUL, C1 controls, a BOM inside the text, astral characters,
//! quotes and commas); a lone surrogate in broken UTF-16 is replaced and
//! warned about. Output file names never come from document content.

use crate::common;

use common::*;

/// The line added to the documents: every character that tends to break
/// a CSV or JSON writer or reader.
const TRICKY: &str =
    "追記\tA\u{2028}B\u{2029}C\u{0}D\u{85}E \"quoted\", comma; \u{FEFF}🙂 e\u{301} \\ end";

fn jsonl(out: &std::path::Path, name: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join(format!("{name}.jsonl")))
        .expect("read jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value a line"))
        .collect()
}

#[test]
fn any_unicode_round_trips_through_csv_and_jsonl() {
    let dir = scratch("escaping-in");
    let text = std::fs::read_to_string(root().join("corpus/001_15827696a754ffd7_kawasaki.txt"))
        .expect("read");
    // On the cover, where a labelled row is plain text (at the end it
    // would stand in the change list, whose first cell is a date).
    assert!(text.contains("特記事項\n"));
    let text = text.replacen("特記事項\n", &format!("特記事項\n{TRICKY}\n"), 1);
    std::fs::write(dir.join("tricky.txt"), &text).expect("write");

    // UTF-16LE with a BOM and an unpaired high surrogate (D800) before "X".
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    for unit in "\n追記\tlone ".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    utf16.extend_from_slice(&[0x00, 0xD8]);
    for unit in "X\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.join("broken-utf16.txt"), &utf16).expect("write");

    let out = scratch("escaping-out");
    let run = extract(&[&dir], &out, &[]);
    // The broken UTF-16 document is read around its damage: `partial`,
    // so the run exits 1.
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = table(&out, "documents");
    let status = |name: &str| {
        docs.iter()
            .find(|d| d["source_path"].ends_with(name))
            .map(|d| d["status"].clone())
    };
    assert_eq!(status("tricky.txt").as_deref(), Some("ok"));
    assert_eq!(status("broken-utf16.txt").as_deref(), Some("partial"));
    let rows = table(&out, "rows");
    let json_rows = jsonl(&out, "rows");
    assert_eq!(rows.len(), json_rows.len());

    // The tricky line's raw text, read back from both formats, is exactly
    // the source line, in both documents.
    let tricky_id = doc_id(&docs, "tricky.txt");
    let utf16_id = doc_id(&docs, "broken-utf16.txt");
    for id in [&tricky_id, &utf16_id] {
        let csv_raw: Vec<&str> = rows
            .iter()
            .filter(|r| &r["doc_id"] == id && r["raw"].starts_with("追記\tA"))
            .map(|r| r["raw"].as_str())
            .collect();
        let json_raw: Vec<&str> = json_rows
            .iter()
            .filter(|r| r["doc_id"] == id.as_str())
            .filter_map(|r| r["raw"].as_str())
            .filter(|raw| raw.starts_with("追記\tA"))
            .collect();
        assert_eq!(csv_raw, [TRICKY], "CSV");
        assert_eq!(json_raw, [TRICKY], "JSONL");
    }

    // The lone surrogate became U+FFFD, and the manifest says so.
    let lone: Vec<&str> = rows
        .iter()
        .filter(|r| r["doc_id"] == utf16_id && r["raw"].starts_with("追記\tlone"))
        .map(|r| r["raw"].as_str())
        .collect();
    assert_eq!(lone, ["追記\tlone \u{FFFD}X"]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).expect("read"))
            .expect("manifest");
    let warned = manifest["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["doc_id"] == utf16_id.as_str())
        .expect("the UTF-16 document")["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .any(|w| {
            w["code"] == "undecodable_bytes"
                && w["message"].as_str().is_some_and(|m| {
                    m.starts_with("1 byte sequences could not be decoded as UTF-16LE")
                })
        });
    assert!(warned, "the replacement is warned about");

    // The output folder holds the fixed table names only, whatever the
    // documents say.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("read output")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = hyokasho::schema::TABLES
        .iter()
        .flat_map(|t| [format!("{}.csv", t.name), format!("{}.jsonl", t.name)])
        .chain(["manifest.json", "report.html", "datapackage.json"].map(String::from))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}
