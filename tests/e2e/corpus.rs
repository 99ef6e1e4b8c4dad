//! End-to-end: the bundled corpus through the binary.

use crate::common;

use std::collections::{BTreeSet, HashMap};

use common::*;

#[test]
fn documents_have_kind_and_cover_facts() {
    let docs = table(corpus_output(), "documents");
    assert_eq!(docs.len(), 5);
    let by = |part: &str| {
        docs.iter()
            .find(|d| d["source_path"].contains(part))
            .expect(part)
    };

    let k = by("kawasaki");
    assert_eq!(k["kind"], "full_assessment");
    assert_eq!(k["form"], "全項目評価書");
    assert_eq!(k["assessment_no"], "50");
    assert_eq!(k["title"], "健康増進事業の実施に関する事務 全項目評価書");
    assert_eq!(k["organization"], "川崎市長");
    assert_eq!(k["municipality"], "川崎市");
    assert_eq!(k["published_on"], "2021-12-09");
    assert_eq!(k["is_draft"], "false");
    assert_eq!(k["status"], "ok");
    assert_eq!(k["format"], "text");
    assert_eq!(k["encoding"], "UTF-8");

    let m = by("matsudo");
    assert_eq!(m["kind"], "full_assessment");
    assert_eq!(m["assessment_no"], "3");
    assert_eq!(m["organization"], "松戸市長");
    assert_eq!(m["municipality"], "松戸市");
    assert_eq!(m["published_on"], "2022-04-20");
    assert_eq!(m["is_draft"], "true");

    let s = by("koshigaya");
    assert_eq!(s["kind"], "full_assessment");
    assert_eq!(s["assessment_no"], "43");
    assert_eq!(s["municipality"], "越谷市");
    assert_eq!(s["published_on"], "2026-03-16");

    let u = by("urayasu");
    assert_eq!(u["kind"], "change_list");
    assert_eq!(u["municipality"], "浦安市");

    let c = by("chiba");
    assert_eq!(c["kind"], "correction_table");
    assert_eq!(c["municipality"], "千葉市");
    assert_eq!(
        c["title"],
        "修正等を要する部分とその内容(後期高齢者医療事務)"
    );
}

/// Every non-blank line of every source file is a row, with its text.
#[test]
fn every_source_line_lands_in_rows() {
    let out = corpus_output();
    let docs = table(out, "documents");
    let rows = table(out, "rows");
    for doc in &docs {
        let text = std::fs::read_to_string(root().join(&doc["source_path"])).expect("read source");
        let expected: Vec<(u32, &str)> = text
            .split('\n')
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i as u32 + 1, l.trim_end_matches('\r')))
            .collect();
        let got: HashMap<u32, &str> = rows
            .iter()
            .filter(|r| r["doc_id"] == doc["doc_id"])
            .map(|r| (r["line"].parse().expect("line number"), r["raw"].as_str()))
            .collect();
        assert_eq!(
            got.len(),
            expected.len(),
            "{}: one row per non-blank line",
            doc["source_path"]
        );
        for (line, text) in expected {
            assert_eq!(
                got.get(&line).copied(),
                Some(text),
                "{} line {line}",
                doc["source_path"]
            );
        }
    }
}

#[test]
fn rows_are_placed_in_the_section_tree() {
    let out = corpus_output();
    let docs = table(out, "documents");
    let rows = table(out, "rows");
    let kawasaki = of_doc(&rows, &docs, "kawasaki");
    let find = |line: u32| {
        kawasaki
            .iter()
            .find(|r| r["line"] == line.to_string())
            .expect("row")
    };

    // ①システムの名称 of システム1, line 45.
    let r = find(45);
    assert_eq!(r["section"], "I");
    assert_eq!(r["label"], "①システムの名称");
    assert_eq!(r["value"], "成人保健情報管理システム");
    assert_eq!(
        r["path"],
        "I 基本情報 > 2. 特定個人情報ファイルを取り扱う事務において使用するシステム > システム1"
    );
    // The 委託先 of 委託事項1.
    let r = find(133);
    assert_eq!(r["section"], "II");
    assert_eq!(r["value"], "富士通Japan株式会社 川崎支店");
    // A rating in III.
    let r = find(167);
    assert_eq!(r["section"], "III");
    assert!(
        r["path"].ends_with("> リスク1: 目的外の入手が行われるリスク"),
        "{}",
        r["path"]
    );
    // The incident annex.
    let r = find(345);
    assert_eq!(r["section"], "incidents");
    assert!(r["path"].contains("事案 1 税の委託業務における無許諾での再委託"));
    // The table of contents stays in the cover.
    assert_eq!(find(31)["section"], "cover");

    let sections: BTreeSet<&str> = kawasaki.iter().map(|r| r["section"].as_str()).collect();
    for s in [
        "cover",
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "annex1",
        "annex2",
        "annex3",
        "incidents",
    ] {
        assert!(sections.contains(s), "section {s} in Kawasaki");
    }

    // Koshigaya starts at システム3: section I is inferred, with a warning.
    let koshigaya = of_doc(&rows, &docs, "koshigaya");
    let r = koshigaya
        .iter()
        .find(|r| r["label"] == "①システムの名称")
        .expect("system row");
    assert_eq!(r["section"], "I");
    assert_eq!(r["value"], "中間サーバー");

    let urayasu = of_doc(&rows, &docs, "urayasu");
    assert!(urayasu.iter().all(|r| r["section"] == "changes"));
    let chiba = of_doc(&rows, &docs, "chiba");
    assert!(chiba.iter().all(|r| r["section"] == "corrections"));
}

#[test]
fn manifest_lists_every_document() {
    let out = corpus_output();
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["tool"], "hyokasho");
    let docs = manifest["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 5);
    let rows = table(out, "rows");
    let total: u64 = docs
        .iter()
        .map(|d| d["counts"]["rows"].as_u64().expect("count"))
        .sum();
    assert_eq!(total as usize, rows.len());
    assert_eq!(manifest["totals"]["ok"], 5);
    let koshigaya = docs
        .iter()
        .find(|d| {
            d["source_path"]
                .as_str()
                .is_some_and(|p| p.contains("koshigaya"))
        })
        .expect("koshigaya");
    let codes: Vec<&str> = koshigaya["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"missing_section"), "{codes:?}");
}

#[test]
fn every_table_exists_with_its_header() {
    let out = corpus_output();
    for t in hyokasho::schema::TABLES {
        let csv = std::fs::read_to_string(out.join(format!("{}.csv", t.name))).expect("csv table");
        let header = csv.lines().next().expect("header line");
        let names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
        assert_eq!(header, names.join(","), "{}", t.name);
        assert!(out.join(format!("{}.jsonl", t.name)).exists());
    }
    let jsonl = std::fs::read_to_string(out.join("documents.jsonl")).expect("jsonl");
    let first: serde_json::Value =
        serde_json::from_str(jsonl.lines().next().expect("line")).expect("json");
    assert!(first["is_draft"].is_boolean());
    assert!(first["warnings"].is_u64());
    assert!(first["pages"].is_null());
}

/// docs/schema.md is what `hyokasho schema --markdown` prints.
#[test]
fn schema_doc_is_current() {
    let doc = std::fs::read_to_string(root().join("docs/schema.md")).expect("docs/schema.md");
    assert_eq!(
        doc,
        hyokasho::schema::markdown(),
        "regenerate: hyokasho schema --markdown > docs/schema.md"
    );
}

/// The README's first command writes into `output/`, and a run refuses a
/// folder holding files it did not write: the repository must not ship any
/// there.
#[test]
fn the_default_output_folder_holds_nothing_the_tool_would_refuse() {
    let known = hyokasho::emit::publish::known_names();
    let tracked = std::process::Command::new("git")
        .args(["ls-files", "output"])
        .current_dir(root())
        .output();
    // Outside a git checkout (a source tarball) there is nothing to check.
    let Ok(tracked) = tracked else { return };
    for name in String::from_utf8_lossy(&tracked.stdout).lines() {
        let file = name.trim_start_matches("output/");
        assert!(
            known.iter().any(|k| k == file),
            "{name} is in the repository, and `extract -o output` would refuse the folder"
        );
    }
}
