//! End-to-end tests of the analyst outputs: Excel-ready and CP932 CSV,
//! the SQLite database and the HTML run report.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{extract, root, scratch};
use hyokasho::emit::excel;
use hyokasho::schema::TABLES;
use serde_json::Value;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads CSV bytes (UTF-8 without BOM) into records, header included.
fn parse(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.expect("csv record").iter().map(str::to_string).collect())
        .collect()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).expect("manifest"))
        .expect("manifest json")
}

/// Runs the corpus once per options and returns the output folder.
fn corpus_run(name: &str, args: &[&str]) -> PathBuf {
    let out = scratch(name);
    let run = extract(&[Path::new("corpus")], &out, args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

#[test]
fn excel_csv_has_a_bom_crlf_and_neutralised_formulas() {
    let plain = corpus_run("plain", &[]);
    let excel = corpus_run("excel", &["--excel"]);
    let mut neutralised = 0;
    let mut dashes_kept = 0;
    for t in TABLES {
        let name = format!("{}.csv", t.name);
        let p = std::fs::read(plain.join(&name)).expect("plain csv");
        let e = std::fs::read(excel.join(&name)).expect("excel csv");
        assert!(
            !p.starts_with(BOM) && !p.contains(&b'\r'),
            "{name}: plain is exact"
        );
        let body = e
            .strip_prefix(BOM)
            .unwrap_or_else(|| panic!("{name}: no BOM"));
        let (p, e) = (parse(&p), parse(body));
        assert_eq!(p.len(), e.len(), "{name}: record count");
        // Every record ends with CRLF; cells keep their own line breaks.
        let crlf = body.windows(2).filter(|w| w == b"\r\n").count();
        assert_eq!(crlf, e.len(), "{name}: CRLF line ends");
        assert!(body.ends_with(b"\r\n"));
        for (pr, er) in p.iter().zip(&e) {
            for (pc, ec) in pr.iter().zip(er) {
                if excel::is_formula(pc) {
                    assert_eq!(*ec, format!("'{pc}"), "{name}");
                    neutralised += 1;
                } else {
                    assert_eq!(pc, ec, "{name}");
                    if pc.starts_with('-') {
                        dashes_kept += 1;
                    }
                }
            }
        }
        // JSONL is never touched by --excel.
        let jsonl = format!("{}.jsonl", t.name);
        assert!(
            std::fs::read(plain.join(&jsonl)).expect("jsonl")
                == std::fs::read(excel.join(&jsonl)).expect("jsonl"),
            "{jsonl} differs with --excel"
        );
    }
    // The corpus has list items written "- ① …" and rows starting with a
    // tab, and "-" placeholders that must stay as they are.
    assert!(neutralised > 10, "{neutralised} cells neutralised");
    assert!(dashes_kept > 0, "placeholders kept");
    let rows = parse(
        std::fs::read(excel.join("rows.csv"))
            .expect("rows")
            .strip_prefix(BOM)
            .expect("bom"),
    );
    assert!(rows.iter().flatten().any(|c| c == "-"));
    assert!(rows.iter().flatten().any(|c| c.starts_with("'- ① ")));
}

fn cp932_holds(c: char) -> bool {
    let mut buf = [0u8; 4];
    !encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf)).2
}

#[test]
fn cp932_round_trip_counts_every_replacement() {
    // A corpus document with a character CP932 cannot hold (𠮷, outside
    // the BMP) in its organisation name and some rows.
    let dir = scratch("cp932-in");
    let text = std::fs::read_to_string(root().join("corpus/001_15827696a754ffd7_kawasaki.txt"))
        .expect("read corpus");
    let changed = text.replacen("健康増進課", "𠮷健康増進課", 3);
    assert_ne!(changed, text);
    std::fs::write(dir.join("kawasaki-yoshi.txt"), changed).expect("write");
    std::fs::copy(
        root().join("corpus/000_fe30033286788cd1_urayasu.txt"),
        dir.join("urayasu.txt"),
    )
    .expect("copy");

    let utf8 = scratch("cp932-utf8");
    let cp932 = scratch("cp932-sjis");
    assert!(extract(&[&dir], &utf8, &[]).status.success());
    assert!(
        extract(&[&dir], &cp932, &["--csv-encoding", "cp932"])
            .status
            .success()
    );

    let (mut expected_total, mut yoshi, mut checked) = (0, 0, 0);
    let mut per_doc: BTreeMap<String, usize> = BTreeMap::new();
    for t in TABLES {
        let name = format!("{}.csv", t.name);
        let original = std::fs::read_to_string(utf8.join(&name)).expect("utf-8 csv");
        let bytes = std::fs::read(cp932.join(&name)).expect("cp932 csv");
        let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors, "{name} is valid CP932");
        assert!(!bytes.starts_with(BOM), "{name}: CP932 has no BOM");
        // What CP932 cannot hold, character by character: 𠮷, and in
        // the corpus itself ☐ and ☑ among others.
        let expected: String = original
            .chars()
            .map(|c| {
                if cp932_holds(c) {
                    c
                } else {
                    excel::cp932_substitute(c)
                }
            })
            .collect();
        assert!(decoded == expected, "{name}: round trip");
        yoshi += original.matches('𠮷').count();
        // A checked box stays distinct from an empty one.
        checked += original.matches('☑').count();
        assert_eq!(
            decoded.matches('■').count(),
            original.matches(['■', '☑', '☒']).count(),
            "{name}"
        );
        for r in &parse(original.as_bytes())[1..] {
            let n: usize = r
                .iter()
                .map(|c| c.chars().filter(|&ch| !cp932_holds(ch)).count())
                .sum();
            expected_total += n;
            *per_doc.entry(r[0].clone()).or_default() += n;
        }
    }
    assert!(yoshi >= 3, "{yoshi} 𠮷 in the output");
    assert!(checked > 0, "the corpus has checked boxes");
    assert!(expected_total > yoshi);
    let m = manifest(&cp932);
    assert_eq!(
        m["totals"]["cp932_replacements"].as_u64(),
        Some(expected_total as u64)
    );
    for d in m["documents"].as_array().expect("documents") {
        let id = d["doc_id"].as_str().expect("doc_id");
        assert_eq!(
            d["cp932_replacements"].as_u64(),
            Some(per_doc.get(id).copied().unwrap_or(0) as u64),
            "{id}"
        );
    }
    // The UTF-8 run has no such count at all.
    assert!(
        manifest(&utf8)["totals"]
            .get("cp932_replacements")
            .is_none()
    );
}

#[test]
fn sqlite_has_typed_tables_keys_indexes_and_views() {
    let out = corpus_run("sqlite", &["--format", "sqlite"]);
    assert!(!out.join("rows.csv").exists(), "only the database");
    let m = manifest(&out);
    let db = rusqlite::Connection::open(out.join("hyokasho.sqlite")).expect("open db");
    // Every table holds the manifest's count of records.
    for t in TABLES {
        let n: i64 = db
            .query_row(&format!("SELECT COUNT(*) FROM \"{}\"", t.name), [], |r| {
                r.get(0)
            })
            .expect("count");
        let expected = if t.name == "documents" {
            m["totals"]["documents"].as_u64()
        } else {
            m["totals"]["records"][t.name].as_u64()
        };
        assert_eq!(Some(n as u64), expected, "{}", t.name);
        let columns: Vec<(String, String)> = db
            .prepare(&format!("PRAGMA table_info(\"{}\")", t.name))
            .expect("pragma")
            .query_map([], |r| Ok((r.get(1)?, r.get(2)?)))
            .expect("columns")
            .map(|c| c.expect("column"))
            .collect();
        let want: Vec<(String, String)> = t
            .columns
            .iter()
            .map(|c| (c.name.to_string(), c.ty.sql().to_string()))
            .collect();
        assert_eq!(columns, want, "{}", t.name);
    }
    let typeof_ = |sql: &str| -> String { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(
        typeof_(
            "SELECT typeof(rating_level) FROM risk_ratings WHERE rating_level IS NOT NULL LIMIT 1"
        ),
        "integer"
    );
    assert_eq!(
        typeof_("SELECT typeof(is_draft) FROM documents LIMIT 1"),
        "integer"
    );
    assert_eq!(typeof_("SELECT typeof(line) FROM rows LIMIT 1"), "integer");
    // Foreign keys hold and are declared.
    let violations: i64 = db
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("fk check");
    assert_eq!(violations, 0);
    let fks: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM pragma_foreign_key_list('contractors') WHERE \"table\" = 'documents'",
            [],
            |r| r.get(0),
        )
        .expect("fk list");
    assert_eq!(fks, 1);
    let indexes: Vec<String> = db
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .expect("indexes")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .map(|r| r.expect("name"))
        .collect();
    assert!(
        indexes.contains(&"risk_ratings_doc_id".to_string()),
        "{indexes:?}"
    );
    assert!(
        indexes.contains(&"contractors_doc_id".to_string()),
        "{indexes:?}"
    );

    // A join: the contractors of each municipality, against the CSV run.
    let csv_out = corpus_run("sqlite-csv", &[]);
    let docs = common::table(&csv_out, "documents");
    let muni: BTreeMap<&str, &str> = docs
        .iter()
        .map(|d| (d["doc_id"].as_str(), d["municipality"].as_str()))
        .collect();
    let mut want: Vec<(String, String)> = common::table(&csv_out, "contractors")
        .iter()
        .map(|c| {
            (
                muni[c["doc_id"].as_str()].to_string(),
                c["contractor_name"].clone(),
            )
        })
        .collect();
    want.sort();
    let got: Vec<(String, String)> = db
        .prepare(
            "SELECT d.municipality, c.contractor_name FROM contractors c
             JOIN documents d ON d.doc_id = c.doc_id ORDER BY 1, 2",
        )
        .expect("join")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    assert!(!got.is_empty());
    assert_eq!(got, want);

    // The ratings view sums to the table.
    let (view, table): (i64, i64) = db
        .query_row(
            "SELECT (SELECT SUM(risks) FROM risk_ratings_by_municipality),
                    (SELECT COUNT(*) FROM risk_ratings)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("view");
    assert_eq!(view, table);
    let across: i64 = db
        .query_row(
            "SELECT SUM(entrustments) FROM contractors_across_municipalities",
            [],
            |r| r.get(0),
        )
        .expect("view");
    let named = common::table(&csv_out, "contractors")
        .iter()
        .filter(|c| !c["contractor_name_normalized"].is_empty())
        .count();
    assert_eq!(across as usize, named);
}

/// A run over the corpus and damaged fixtures, so every status appears.
fn mixed_run(name: &str, jobs: &str) -> PathBuf {
    let out = scratch(name);
    let inputs = [
        Path::new("corpus"),
        Path::new("tests/fixtures/001_kawasaki.image-only.pdf"),
        Path::new("tests/fixtures/001_kawasaki.truncated.pdf"),
        Path::new("tests/fixtures/001_kawasaki.binary-junk.txt"),
        Path::new("tests/fixtures/003_matsudo.sjis.txt"),
    ];
    let run = extract(&inputs, &out, &["--jobs", jobs]);
    assert!(run.status.code() == Some(0) || run.status.code() == Some(1));
    out
}

/// The number in the element with this id.
fn figure(html: &str, id: &str) -> Option<u64> {
    let at = html.find(&format!("id=\"{id}\">"))? + id.len() + 6;
    let end = html[at..].find('<')?;
    html[at..at + end].trim().parse().ok()
}

/// Checks the report's figures against the manifest and the CSV tables.
fn assert_report_matches(html: &str, out: &Path) {
    let m = manifest(out);
    let totals = &m["totals"];
    for key in [
        "documents",
        "ok",
        "partial",
        "needs_ocr",
        "failed",
        "duplicates",
        "reused",
        "warnings",
    ] {
        assert_eq!(
            figure(html, &format!("total-{key}")),
            totals[key].as_u64(),
            "{key}"
        );
    }
    for (table, n) in totals["records"].as_object().expect("records") {
        assert_eq!(
            figure(html, &format!("records-{table}")),
            n.as_u64(),
            "{table}"
        );
        assert_eq!(
            common::table(out, table).len() as u64,
            n.as_u64().expect("count")
        );
    }
    // Every document that is not ok is listed (the runs here are far
    // below the report's cap); ok documents are counted, not listed.
    for d in m["documents"].as_array().expect("documents") {
        let row = format!(
            "data-doc-id=\"{}\" data-status=\"{}\" data-warnings=\"{}\"",
            d["doc_id"].as_str().expect("id"),
            d["status"].as_str().expect("status"),
            d["warnings"].as_array().expect("warnings").len()
        );
        assert_eq!(html.contains(&row), d["status"] != "ok", "{row}");
    }
    // Warnings by code add up to the manifest's warnings.
    let mut by_code: BTreeMap<String, u64> = BTreeMap::new();
    for d in m["documents"].as_array().expect("documents") {
        for w in d["warnings"].as_array().expect("warnings") {
            *by_code
                .entry(w["code"].as_str().expect("code").to_string())
                .or_default() += 1;
        }
    }
    for (code, n) in &by_code {
        assert_eq!(figure(html, &format!("code-{code}")), Some(*n), "{code}");
    }
    // Ratings by section equal the risk_ratings table.
    let mut by_section: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for r in common::table(out, "risk_ratings") {
        let i = match r["rating_level"].as_str() {
            "1" => 0,
            "2" => 1,
            "3" => 2,
            _ => 3,
        };
        by_section.entry(r["section_no"].clone()).or_default()[i] += 1;
    }
    assert!(!by_section.is_empty());
    for (no, counts) in &by_section {
        let start = html
            .find(&format!("<tr data-section=\"{no}\">"))
            .unwrap_or_else(|| panic!("section {no}"));
        let row = &html[start..start + html[start..].find("</tr>").expect("row end")];
        let cells: Vec<u64> = row
            .split("<td class=\"n\">")
            .skip(1)
            .map(|c| c[..c.find('<').expect("cell end")].parse().expect("number"))
            .collect();
        assert_eq!(cells[..4], counts[..], "section {no}");
        assert_eq!(cells[4], counts.iter().sum::<u64>());
    }
    // The most frequent contractor comes first.
    let mut tally: BTreeMap<String, u64> = BTreeMap::new();
    for c in common::table(out, "contractors") {
        if !c["contractor_name_normalized"].is_empty() {
            *tally
                .entry(c["contractor_name_normalized"].clone())
                .or_default() += 1;
        }
    }
    let top = tally
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .expect("a contractor");
    let section = &html[html.find("id=\"contractors\"").expect("contractors")..];
    let first = &section[section.find("<tr><td>").expect("first row") + 8..];
    assert!(
        first.starts_with(&format!("{}</td><td class=\"n\">{}<", top.0, top.1)),
        "{}",
        &first[..200.min(first.len())]
    );
}

#[test]
fn report_figures_equal_the_manifest() {
    let out = mixed_run("report", "2");
    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    let m = manifest(&out);
    // The run has every kind of outcome to show.
    for key in ["ok", "needs_ocr", "failed"] {
        assert!(m["totals"][key].as_u64() > Some(0), "{key}");
    }
    assert_report_matches(&html, &out);
    // Self-contained: nothing to fetch, no script.
    for banned in ["<script", "<link", "src=", "url(", "@import", "@font-face"] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.matches("<svg").count() >= 3);
}

fn without_timings(html: &str) -> String {
    let start = html.find("<section id=\"timings\">").expect("timings");
    let end = html[start..].find("</section>").expect("timings end") + start;
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn report_and_database_are_the_same_whatever_the_thread_count() {
    let one = scratch("det1");
    let four = scratch("det4");
    for (out, jobs) in [(&one, "1"), (&four, "4")] {
        let run = extract(
            &[
                Path::new("corpus"),
                Path::new("tests/fixtures/003_matsudo.sjis.txt"),
            ],
            out,
            &["--jobs", jobs, "--format", "csv,sqlite", "--excel"],
        );
        assert!(run.status.success());
    }
    let read = |dir: &Path| std::fs::read_to_string(dir.join("report.html")).expect("report");
    assert_eq!(without_timings(&read(&one)), without_timings(&read(&four)));
    assert!(
        std::fs::read(one.join("hyokasho.sqlite")).expect("db")
            == std::fs::read(four.join("hyokasho.sqlite")).expect("db"),
        "hyokasho.sqlite differs between --jobs 1 and --jobs 4"
    );
    for t in TABLES {
        let name = format!("{}.csv", t.name);
        assert!(
            std::fs::read(one.join(&name)).expect("csv")
                == std::fs::read(four.join(&name)).expect("csv"),
            "{name}"
        );
    }
}

/// Waits for a child process, killing it after `limit`.
fn wait_output(mut child: std::process::Child, limit: Duration) -> std::process::Output {
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn report_renders_in_headless_chromium() {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("chromium").is_file()))
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("HYOKASHO_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "chromium is required (HYOKASHO_REQUIRE_CHROMIUM=1) but not installed"
        );
        eprintln!(
            "\n*** SKIP report_renders_in_headless_chromium: `chromium` is not installed \
             (apt-get install chromium; .ci/run does) ***\n"
        );
        return;
    }
    let out = mixed_run("chromium", "2");
    let profile = scratch("chromium-profile");
    let page = out.join("report.html");
    // Chromium's stdout and stderr go to files: a pipe could fill up while
    // we poll for the process to end.
    let dom_path = profile.join("dom.html");
    let log_path = profile.join("log.txt");
    let child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.join("data").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&dom_path).expect("dom file"))
        .stderr(std::fs::File::create(&log_path).expect("log file"))
        .spawn()
        .expect("start chromium");
    let status = wait_output(child, Duration::from_secs(120)).status;
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(status.success(), "chromium failed: {log}");
    // Page errors (script errors, failed loads) are logged as CONSOLE lines.
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "{console:#?}");
    let dom = std::fs::read_to_string(&dom_path).expect("dom");
    assert!(dom.contains("hyokasho run report"), "{dom}");
    assert!(dom.matches("<svg").count() >= 3);
    // The rendered page shows the run's figures.
    assert_report_matches(&dom, &out);
}

#[test]
fn report_of_an_incremental_rerun_equals_the_full_run() {
    let out = scratch("report-incremental");
    let inputs = [Path::new("corpus")];
    for _ in 0..2 {
        let run = extract(&inputs, &out, &["--incremental"]);
        assert!(run.status.success());
    }
    let m = manifest(&out);
    assert_eq!(m["totals"]["reused"], m["totals"]["documents"]);
    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert_eq!(
        figure(&html, "total-reused"),
        m["totals"]["reused"].as_u64()
    );
    assert_report_matches(&html, &out);
    // Ratings and contractors come from the reused records as they did
    // from the processed ones.
    let full = corpus_run("report-full", &[]);
    let full_html = std::fs::read_to_string(full.join("report.html")).expect("report");
    let section = |h: &str| {
        let start = h.find("<h2>Risk ratings").expect("ratings");
        let end = h.find("<section id=\"timings\">").expect("timings");
        h[start..end].to_string()
    };
    assert_eq!(section(&html), section(&full_html));
}
