//! End-to-end: a few hundred damaged variants of the corpus and fixtures
//! (truncated, bytes flipped, junk inserted, lines shuffled, tags left
//! open, huge cells) run through the binary in one batch. The run must end
//! by itself, account for every file with a status, write every table, and
//! hit no internal error.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A small deterministic generator (xorshift64*): the same mutants on
/// every run, so a failure can be reproduced.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TAGS: &[&str] = &[
    "<table><tr><td>",
    "</td></tr></table>",
    "<p><li><ul>",
    "<input type=\"checkbox\"",
    "<br",
    "&#x110000;&#xD800;&amp&lt",
    "<!--",
    "<td colspan=\"99999999999\">",
    "[ ○ ]\t[\t]\t(○",
    "\u{2028}\u{2029}\u{0}\u{1b}[31m",
];

/// One damaged copy of `bytes`.
fn mutate(bytes: &[u8], is_text: bool, rng: &mut Rng) -> (String, Vec<u8>) {
    let mut b = bytes.to_vec();
    let len = b.len().max(1);
    let kind = rng.below(if is_text { 8 } else { 5 });
    let what = match kind {
        0 => {
            b.truncate(rng.below(len));
            "truncated"
        }
        1 => {
            for _ in 0..1 + rng.below(64) {
                let i = rng.below(len);
                if let Some(x) = b.get_mut(i) {
                    *x ^= 1 << rng.below(8);
                }
            }
            "flipped"
        }
        2 => {
            let junk: Vec<u8> = (0..1 + rng.below(4096)).map(|_| rng.next() as u8).collect();
            let at = rng.below(len);
            b.splice(at.min(b.len())..at.min(b.len()), junk);
            "junk"
        }
        3 => {
            // A block of the file repeated elsewhere.
            let from = rng.below(len);
            let to = (from + rng.below(65_536)).min(b.len());
            let block = b[from.min(b.len())..to].to_vec();
            let at = rng.below(len).min(b.len());
            b.splice(at..at, block);
            "repeated"
        }
        4 => {
            // Zeroed span (a damaged download).
            let from = rng.below(len).min(b.len());
            let to = (from + rng.below(100_000)).min(b.len());
            b[from..to].fill(0);
            "zeroed"
        }
        5 => {
            let mut lines: Vec<&[u8]> = bytes.split(|&c| c == b'\n').collect();
            for i in (1..lines.len()).rev() {
                lines.swap(i, rng.below(i + 1));
            }
            b = lines.join(&b'\n');
            "shuffled"
        }
        6 => {
            // Lines are split on the byte, so a legacy encoding stays as it
            // was around the tags (UTF-16 is damaged by them, as it would be).
            let mut out = Vec::new();
            for line in bytes.split(|&c| c == b'\n') {
                if rng.below(8) == 0 {
                    out.extend_from_slice(TAGS[rng.below(TAGS.len())].as_bytes());
                }
                out.extend_from_slice(line);
                out.push(b'\n');
            }
            b = out;
            "tags"
        }
        _ => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
            let at = rng.below(lines.len());
            let huge = match rng.below(3) {
                0 => format!("①システムの名称\t{}", "長".repeat(1 << 20)),
                1 => "\t".repeat(100_000),
                _ => format!("{}x", "<".repeat(200_000)),
            };
            lines.insert(at.min(lines.len()), huge.into_bytes());
            b = lines.join(&b'\n');
            "huge"
        }
    };
    (what.to_string(), b)
}

/// Writes the mutants into a folder; returns their file names.
fn make_batch(dir: &Path) -> BTreeSet<String> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(root().join("corpus"))
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    sources.sort();
    for f in [
        "001_kawasaki.sjis.txt",
        "003_matsudo.utf16le-bom.txt",
        "001_kawasaki.eucjp.txt",
        "001_kawasaki.calc.pdf",
        "001_kawasaki.identity-h.pdf",
        "001_kawasaki.unijis-ucs2.pdf",
        "pdfjs/issue6286.pdf",
        "pdfjs/vertical.pdf",
    ] {
        sources.push(root().join("tests/fixtures").join(f));
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut names = BTreeSet::new();
    for (s, source) in sources.iter().enumerate() {
        let bytes = std::fs::read(source).expect("read source");
        let is_pdf = source.extension().is_some_and(|e| e == "pdf");
        let ext = if is_pdf { "pdf" } else { "txt" };
        for i in 0..24 {
            let (what, mutant) = mutate(&bytes, !is_pdf, &mut rng);
            let name = format!("{s:02}-{i:02}-{what}.{ext}");
            std::fs::write(dir.join(&name), mutant).expect("write mutant");
            names.insert(name);
        }
    }
    names
}

#[test]
fn a_batch_of_damaged_files_is_read_to_the_end() {
    let dir = scratch("mutants");
    let names = make_batch(&dir);
    assert!(names.len() >= 300, "{} mutants", names.len());
    let out = scratch("mutants-out");

    let mut child = Command::new(env!("CARGO_BIN_EXE_hyokasho"))
        .args(["extract", "--quiet", "--timeout", "30", "-o"])
        .arg(&out)
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hyokasho");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(600) {
            let _ = child.kill();
            panic!("the batch hung: still running after ten minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "the run ended normally, not {status}"
    );

    // Every table, in both formats, reads whole.
    for t in hyokasho::schema::TABLES {
        let rows = table(&out, t.name);
        let jsonl = std::fs::read_to_string(out.join(format!("{}.jsonl", t.name))).expect("jsonl");
        let mut n = 0;
        for line in jsonl.lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("a JSON record");
            n += 1;
        }
        assert_eq!(n, rows.len(), "{}: CSV and JSONL agree", t.name);
    }

    // Every file is accounted for: a document, or a duplicate of one.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).expect("read"))
            .expect("manifest");
    let mut seen = BTreeSet::new();
    let mut statuses = BTreeMap::<String, usize>::new();
    for d in manifest["documents"].as_array().expect("documents") {
        let name = |p: &serde_json::Value| {
            p.as_str()
                .and_then(|p| p.rsplit('/').next())
                .unwrap_or_default()
                .to_string()
        };
        seen.insert(name(&d["source_path"]));
        for dup in d["duplicates"].as_array().into_iter().flatten() {
            seen.insert(name(dup));
        }
        let status = d["status"].as_str().expect("status").to_string();
        assert!(
            ["ok", "partial", "needs_ocr", "failed", "skipped"].contains(&status.as_str()),
            "{status}"
        );
        let error = d["error"].as_str().unwrap_or_default();
        assert!(
            status == "ok" || !error.is_empty(),
            "{}: {status} says why",
            d["source_path"]
        );
        assert!(
            !error.contains("internal error"),
            "{}: {error}",
            d["source_path"]
        );
        *statuses.entry(status).or_default() += 1;
    }
    assert_eq!(seen, names, "every input is in the manifest");
    let docs = table(&out, "documents");
    assert_eq!(
        docs.len(),
        manifest["documents"].as_array().map_or(0, Vec::len)
    );
    // The mix is what damage gives: most text mutants still read, and the
    // truncated or zeroed PDFs do not all pass as whole.
    eprintln!("statuses of {} mutants: {statuses:?}", names.len());
    // Damage read around is `partial` (a doubtful warning says where).
    let read =
        statuses.get("ok").copied().unwrap_or(0) + statuses.get("partial").copied().unwrap_or(0);
    assert!(read > names.len() / 2);
    assert!(statuses.get("failed").copied().unwrap_or(0) > 0);
}
