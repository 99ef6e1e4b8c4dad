//! End-to-end: the 基礎項目評価書 (様式2) and 重点項目評価書 (様式3) fixtures
//! give exactly the records of their hand-made answer files, from the text
//! and from each PDF printed from it; and over every form together, one
//! risk code has one canonical title.
//!
//! The answer files and their conventions (answer columns, key columns,
//! how values compare) are described in tests/fixtures/forms/README.md;
//! `scripts/score.py` reads them the same way.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const FORMS: &str = "tests/fixtures/forms";

/// Key columns per table; a record's key is the subset its answer has.
fn key_columns(table: &str) -> &'static [&'static str] {
    match table {
        "systems" => &["system_no"],
        "files" => &["file_no"],
        "contractors" => &["file_name", "entrustment_no"],
        "provisions" => &["file_name", "kind", "provision_no"],
        "risk_ratings" => &["file_name", "risk_code"],
        "changes" => &["change_no"],
        _ => &[],
    }
}

/// An answer value as the CSV output writes it.
fn as_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Values compare without white space: a PDF breaks lines where the text
/// had spaces.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The output value of a column, or a note that the column is missing.
fn given_value(record: &Record, column: &str) -> Option<String> {
    record.get(column).cloned()
}

/// Every difference between the answer records of one table and the
/// records the tool gave, one readable line (or block) each.
fn differences(table_name: &str, expected: &[Value], given: &[&Record]) -> Vec<String> {
    let mut out = Vec::new();
    let mut used = vec![false; given.len()];
    for exp in expected {
        let Some(exp) = exp.as_object() else {
            out.push(format!(
                "{table_name}: answer record is not an object: {exp}"
            ));
            continue;
        };
        let keys: Vec<&str> = key_columns(table_name)
            .iter()
            .copied()
            .filter(|k| exp.contains_key(*k))
            .collect();
        let key_text = if keys.is_empty() {
            "(the document)".to_string()
        } else {
            keys.iter()
                .map(|k| format!("{k}={}", as_text(&exp[*k])))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let agrees = |g: &Record, c: &str| {
            squeeze(&given_value(g, c).unwrap_or_default()) == squeeze(&as_text(&exp[c]))
        };
        let candidates: Vec<usize> = (0..given.len())
            .filter(|&i| !used[i] && keys.iter().all(|k| agrees(given[i], k)))
            .collect();
        // The candidate that agrees on the most answer columns.
        let best = candidates
            .iter()
            .copied()
            .min_by_key(|&i| exp.keys().filter(|c| !agrees(given[i], c)).count());
        let Some(best) = best else {
            out.push(format!(
                "missing {table_name} [{key_text}]: expected {}",
                Value::Object(exp.clone())
            ));
            continue;
        };
        used[best] = true;
        let wrong: Vec<String> = exp
            .keys()
            .filter(|c| !agrees(given[best], c))
            .map(|c| {
                let got = match given_value(given[best], c) {
                    Some(v) => format!("{v:?}"),
                    None => "(no such column)".to_string(),
                };
                format!("    {c}: expected {:?}, got {got}", as_text(&exp[c]))
            })
            .collect();
        if !wrong.is_empty() {
            out.push(format!(
                "wrong {table_name} [{key_text}] (line {}):\n{}",
                given[best].get("line").map_or("?", String::as_str),
                wrong.join("\n")
            ));
        }
    }
    for (i, g) in given.iter().enumerate() {
        if !used[i] {
            let shown: BTreeMap<&str, &str> = g
                .iter()
                .filter(|(k, v)| !v.is_empty() && !matches!(k.as_str(), "doc_id" | "measures"))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            out.push(format!("unexpected {table_name}: {shown:?}"));
        }
    }
    out
}

/// Runs the tool on `documents` (paths under the form fixtures folder)
/// and compares each with the answer file `answer` there.
fn check(answer: &str, documents: &[&str]) {
    let paths: Vec<String> = documents.iter().map(|d| format!("{FORMS}/{d}")).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    check_paths(&format!("{FORMS}/{answer}"), &paths);
}

/// Runs the tool on `documents` (paths from the project root) and compares
/// each with the answer file `answer`; fails listing every missing, wrong
/// and unexpected record.
fn check_paths(answer: &str, documents: &[&str]) {
    let answer_path = root().join(answer);
    let answers: Value = serde_json::from_str(
        &std::fs::read_to_string(&answer_path)
            .unwrap_or_else(|e| panic!("{}: {e}", answer_path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", answer_path.display()));
    let tables = answers["tables"]
        .as_object()
        .unwrap_or_else(|| panic!("{answer}: no tables"));

    let names: Vec<&str> = documents
        .iter()
        .map(|d| d.rsplit('/').next().unwrap_or(d))
        .collect();
    let out = scratch(&format!("answers-{}", names.join("-")));
    let inputs: Vec<PathBuf> = documents.iter().map(PathBuf::from).collect();
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let run = extract(&refs, &out, &[]);
    assert!(
        run.status.code().is_some_and(|c| c <= 1),
        "hyokasho failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = table(&out, "documents");
    let mut report = Vec::new();
    let mut counted = 0;
    for document in &names {
        for (table_name, expected) in tables {
            let expected = expected.as_array().cloned().unwrap_or_default();
            let all = table(&out, table_name);
            let given = of_doc(&all, &docs, document);
            counted += expected.len();
            for d in differences(table_name, &expected, &given) {
                report.push(format!("{document}: {d}"));
            }
        }
    }
    assert!(counted > 0, "{answer}: no answer records");
    assert!(
        report.is_empty(),
        "{} differences from {answer} ({counted} answer records checked over {} documents):\n{}",
        report.len(),
        names.len(),
        report.join("\n")
    );
}

#[test]
fn kiso_h30_sakuradai_gives_its_answers() {
    check(
        "kiso_h30_sakuradai.expected.json",
        &["kiso_h30_sakuradai.txt"],
    );
}

#[test]
fn kiso_h30_sakuradai_pdf_gives_its_answers() {
    check(
        "kiso_h30_sakuradai.expected.json",
        &["kiso_h30_sakuradai.chromium-collapse.pdf"],
    );
}

#[test]
fn kiso_r6_asagiri_gives_its_answers() {
    check("kiso_r6_asagiri.expected.json", &["kiso_r6_asagiri.txt"]);
}

#[test]
fn kiso_r6_asagiri_pdf_gives_its_answers() {
    check(
        "kiso_r6_asagiri.expected.json",
        &["kiso_r6_asagiri.writer-docx.pdf"],
    );
}

#[test]
fn juten_higashiminato_gives_its_answers() {
    check(
        "juten_higashiminato.expected.json",
        &["juten_higashiminato.txt"],
    );
}

#[test]
fn juten_higashiminato_pdfs_give_their_answers() {
    check(
        "juten_higashiminato.expected.json",
        &[
            "juten_higashiminato.chromium-collapse.pdf",
            "juten_higashiminato.writer-docx.pdf",
        ],
    );
}

/// Seed 002's change list stands straight after VI with no heading of its
/// own and is cut by repeated header rows: all 25 rows, from the text and
/// from two PDFs printed from it.
#[test]
fn koshigaya_change_list_from_text_and_pdfs() {
    check_paths(
        "tests/fixtures/changes/002_koshigaya.expected.json",
        &[
            "corpus/002_4cc911b90c73f711_koshigaya.txt",
            "tests/fixtures/changes/002_koshigaya.chromium-collapse.pdf",
            "tests/fixtures/changes/002_koshigaya.writer-docx.pdf",
        ],
    );
}

/// Every answer file has its document beside it, and every document of
/// the folder has an answer file (so that no fixture goes unchecked).
#[test]
fn every_form_fixture_has_an_answer_file() {
    let dir = root().join(FORMS);
    let names: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let stems: BTreeSet<&str> = names
        .iter()
        .filter_map(|n| n.strip_suffix(".expected.json"))
        .collect();
    assert!(stems.len() >= 3, "answer files: {stems:?}");
    for n in &names {
        if n.ends_with(".txt") || n.ends_with(".pdf") {
            let stem = n.split('.').next().unwrap_or_default();
            assert!(stems.contains(stem), "{n} has no answer file");
        }
    }
    for s in &stems {
        assert!(
            names.contains(&format!("{s}.txt")),
            "{s}.expected.json has no {s}.txt"
        );
    }
}

/// The forms together (the 様式2/3 fixtures and the 様式4 corpus): each
/// risk_code has one canonical title, and every form contributes ratings,
/// so the check is not passed by an empty table.
#[test]
fn one_canonical_title_per_risk_code_across_forms() {
    let out = scratch("answers-all-forms");
    // The documents only: the answer files and the README are no input.
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root().join(FORMS))
        .expect("fixtures folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "pdf"))
        .collect();
    inputs.sort();
    inputs.push(root().join("corpus"));
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let run = extract(&refs, &out, &[]);
    assert!(
        run.status.code().is_some_and(|c| c <= 1),
        "hyokasho failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = table(&out, "documents");
    let kind_of: BTreeMap<&str, &str> = docs
        .iter()
        .map(|d| (d["doc_id"].as_str(), d["kind"].as_str()))
        .collect();
    let name_of: BTreeMap<&str, &str> = docs
        .iter()
        .map(|d| {
            let path = d["source_path"].as_str();
            (
                d["doc_id"].as_str(),
                path.rsplit('/').next().unwrap_or(path),
            )
        })
        .collect();
    let ratings = table(&out, "risk_ratings");
    let mut titles: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    for r in &ratings {
        let kind = kind_of.get(r["doc_id"].as_str()).copied().unwrap_or("?");
        kinds.insert(kind);
        titles
            .entry(r["risk_code"].as_str())
            .or_default()
            .entry(r["risk_title_canonical"].as_str())
            .or_default()
            .push(format!(
                "{} line {}",
                name_of.get(r["doc_id"].as_str()).copied().unwrap_or("?"),
                r["line"]
            ));
    }
    let clashes: Vec<String> = titles
        .iter()
        .filter(|(_, t)| t.len() > 1)
        .map(|(code, t)| {
            let list: Vec<String> = t
                .iter()
                .map(|(title, at)| format!("    {title:?} ({})", at.join(", ")))
                .collect();
            format!("{code}:\n{}", list.join("\n"))
        })
        .collect();
    let mut problems: Vec<String> = ["basic_assessment", "priority_assessment", "full_assessment"]
        .iter()
        .filter(|k| !kinds.contains(**k))
        .map(|k| format!("no risk_ratings from any {k} document (kinds with ratings: {kinds:?})"))
        .collect();
    if !clashes.is_empty() {
        problems.push(format!(
            "risk codes with more than one canonical title:\n{}",
            clashes.join("\n")
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
