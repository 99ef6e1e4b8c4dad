//! End-to-end: a run killed mid-batch (SIGKILL) leaves the previous
//! complete tables, or none, never a truncated one; the next run completes.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// `n` copies of a 15-page PDF, each made unique by a trailing comment
/// (readers ignore what follows `%%EOF`).
fn big_batch(name: &str, n: usize) -> PathBuf {
    let dir = scratch(name);
    let pdf = std::fs::read(root().join("tests/fixtures/001_kawasaki.calc.pdf")).expect("read");
    for i in 0..n {
        let mut bytes = pdf.clone();
        bytes.extend_from_slice(format!("% copy {i}\n").as_bytes());
        std::fs::write(dir.join(format!("copy-{i:04}.pdf")), bytes).expect("write");
    }
    dir
}

/// The visible files of a folder and their bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read output")
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read file"),
            )
        })
        .collect()
}

/// The staging folders of an output folder: beside it, named after it.
pub fn staging_folders(dir: &Path) -> Vec<PathBuf> {
    let name = dir.file_name().expect("a named folder").to_string_lossy();
    let prefix = format!(".{name}.hyokasho-staging-");
    std::fs::read_dir(dir.parent().expect("a parent"))
        .expect("read parent")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// Starts a run and kills it once its staging folder holds some rows:
/// mid-batch, with tables half written.
fn start_and_kill(input: &Path, out: &Path) {
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_hyokasho"))
        .args(["extract", "--quiet", "--jobs", "1", "-o"])
        .arg(out)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hyokasho");
    wait_for_rows(&mut child, out);
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
}

#[test]
fn a_killed_run_leaves_the_previous_tables_whole() {
    let batch = big_batch("kill-batch", 250);
    let out = scratch("kill-out").join("out");

    // A complete run over the corpus: the tables a killed run must leave.
    let first = extract(&[Path::new("corpus")], &out, &[]);
    assert!(first.status.success());
    let before = snapshot(&out);
    assert!(before.contains_key("rows.csv") && before.contains_key("manifest.json"));

    start_and_kill(&batch, &out);
    assert_eq!(staging_folders(&out).len(), 1, "the killed run's staging");
    let after = snapshot(&out);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(&after[name] == bytes, "{name} changed under a killed run");
    }

    // The next run cleans up and completes.
    let again = extract(&[&batch], &out, &[]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(staging_folders(&out).is_empty(), "stale staging removed");
    let docs = table(&out, "documents");
    assert_eq!(docs.len(), 250);
    assert!(docs.iter().all(|d| d["status"] == "ok"));
}

#[test]
fn a_killed_first_run_leaves_no_tables() {
    let batch = big_batch("kill-first-batch", 250);
    let out = scratch("kill-first-out").join("out");
    start_and_kill(&batch, &out);
    assert!(
        snapshot(&out).is_empty(),
        "no visible file: {:?}",
        snapshot(&out).keys()
    );
}

/// Waits until a run's staging folder holds some rows.
pub fn wait_for_rows(child: &mut Child, out: &Path) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("the run ended ({status}) too early: make the batch larger");
        }
        let written = staging_folders(out)
            .iter()
            .any(|s| std::fs::metadata(s.join("rows.csv")).is_ok_and(|m| m.len() > 100_000));
        if written {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no rows in two minutes"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
