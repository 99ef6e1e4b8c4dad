//! End-to-end: run integrity. Only regular files are read; one run at a
//! time per output folder; publication is whole at every step, even under
//! SIGKILL; SIGTERM cleans up; the output folder is never an input; the
//! time limit holds for a huge text; paths are kept exact.

use crate::common;
use crate::crash_safety::{staging_folders, wait_for_rows};

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const KAWASAKI: &str = "corpus/001_15827696a754ffd7_kawasaki.txt";
const MATSUDO: &str = "tests/fixtures/003_matsudo.sjis.txt";

fn copy(from: &str, to: &Path) {
    std::fs::copy(root().join(from), to).expect("copy input");
}

/// The visible files of a folder and their bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read output")
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read file");
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

fn lock_file(out: &Path) -> PathBuf {
    let name = out.file_name().expect("named").to_string_lossy();
    out.parent()
        .expect("parent")
        .join(format!(".{name}.hyokasho-lock"))
}

fn start(inputs: &Path, out: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hyokasho"))
        .current_dir(root())
        .arg("extract")
        .arg(inputs)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hyokasho")
}

/// Waits for a child, failing the test if it takes longer than `limit`.
fn wait_within(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the run took longer than {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `n` distinct copies of a 15-page PDF: a batch that takes a few seconds.
fn batch(name: &str, n: usize) -> PathBuf {
    let dir = scratch(name);
    let pdf = std::fs::read(root().join("tests/fixtures/001_kawasaki.calc.pdf")).expect("read");
    for i in 0..n {
        let mut bytes = pdf.clone();
        bytes.extend_from_slice(format!("% copy {i}\n").as_bytes());
        std::fs::write(dir.join(format!("copy-{i:04}.pdf")), bytes).expect("write");
    }
    dir
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

#[test]
fn fifos_and_devices_fail_unread_and_never_hang_the_run() {
    let dir = scratch("fifo");
    let input = dir.join("in");
    std::fs::create_dir(&input).expect("mkdir");
    copy(KAWASAKI, &input.join("kawasaki.txt"));
    mkfifo(&input.join("pipe.txt"));
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.txt")).expect("link");
    // A file far over the size limit: refused before it is read.
    let big = std::fs::File::create(input.join("big.txt")).expect("create");
    big.set_len(64 << 20).expect("sparse file");
    let out = dir.join("out");
    let mut child = start(&input, &out, &["--follow", "--max-file-bytes", "1M"], &[]);
    let status = wait_within(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(1));
    let docs = table(&out, "documents");
    let error = |name: &str| {
        let d = docs
            .iter()
            .find(|d| d["source_path"].ends_with(name))
            .unwrap_or_else(|| panic!("{name} listed"));
        assert_eq!(d["status"], "failed");
        d["error"].clone()
    };
    assert!(error("pipe.txt").contains("not a regular file (a FIFO)"));
    assert!(error("zero.txt").contains("not a regular file (a character device)"));
    assert!(error("big.txt").contains("larger than the limit of 1048576 bytes (--max-file-bytes)"));
    let ok = docs
        .iter()
        .find(|d| d["source_path"].ends_with("kawasaki.txt"));
    assert_eq!(ok.map(|d| d["status"].as_str()), Some("ok"));
}

#[test]
fn links_are_followed_only_when_asked() {
    let dir = scratch("links");
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("sub")).expect("mkdir");
    copy(KAWASAKI, &input.join("sub/kawasaki.txt"));
    copy(MATSUDO, &dir.join("outside.txt"));
    std::os::unix::fs::symlink("../outside.txt", input.join("linked.txt")).expect("link");
    std::os::unix::fs::symlink("..", input.join("sub/up")).expect("link");
    let out = dir.join("out");
    let run = extract(&[&input], &out, &[]);
    assert_eq!(run.status.code(), Some(0));
    let paths: Vec<String> = table(&out, "documents")
        .iter()
        .map(|d| d["source_path"].clone())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    let run = extract(&[&input], &out, &["--follow"]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(table(&out, "documents").len(), 2);
    let run = extract(&[&input], &out, &["--follow", "--glob", "!linked.txt"]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(table(&out, "documents").len(), 1);
}

#[test]
fn a_second_run_into_the_same_folder_is_refused_naming_the_first() {
    let input = batch("lock-batch", 60);
    let out = scratch("lock-out").join("out");
    let mut first = start(&input, &out, &["--jobs", "1"], &[]);
    wait_for_rows(&mut first, &out);
    let second = extract(&[&input], &out, &[]);
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("is in use by another hyokasho run")
            && stderr.contains(&format!("pid {}", first.id())),
        "{stderr}"
    );
    assert!(wait_within(&mut first, Duration::from_secs(300)).success());
    assert_eq!(table(&out, "documents").len(), 60);
    assert!(!lock_file(&out).exists(), "the lock file is removed");
    // A lock file left by a killed run (no lock held) does not block.
    std::fs::write(lock_file(&out), "pid 1, started long ago").expect("write");
    let again = extract(&[&input], &out, &[]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// The doc_ids of documents.csv, and of manifest.json: from one run, they
/// are the same.
fn ids(out: &Path) -> (Vec<String>, Vec<String>) {
    let docs = table(out, "documents")
        .iter()
        .map(|d| d["doc_id"].clone())
        .collect();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    let listed = manifest["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["doc_id"].as_str().unwrap_or_default().to_string())
        .collect();
    (docs, listed)
}

#[test]
fn a_kill_at_any_step_of_publication_leaves_one_whole_set() {
    let dir = scratch("publish");
    let (a, b) = (dir.join("a"), dir.join("b"));
    std::fs::create_dir_all(&a).expect("mkdir");
    std::fs::create_dir_all(&b).expect("mkdir");
    copy(KAWASAKI, &a.join("kawasaki.txt"));
    copy(MATSUDO, &b.join("matsudo.txt"));
    for step in ["staged", "cache-moved", "exchanged"] {
        let out = dir.join(format!("out-{step}"));
        let first = extract(
            &[&a],
            &out,
            &["--format", "csv,jsonl,sqlite", "--incremental"],
        );
        assert!(first.status.success());
        let old = snapshot(&out);
        let mut killed = start(
            &b,
            &out,
            &["--format", "csv", "--incremental"],
            &[("HYOKASHO_TEST_KILL_AT", step)],
        );
        let status = wait_within(&mut killed, Duration::from_secs(60));
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGKILL), "killed at {step}");
        let now = snapshot(&out);
        let (docs, listed) = ids(&out);
        assert_eq!(
            docs, listed,
            "{step}: documents.csv and manifest.json from one run"
        );
        if step == "exchanged" {
            // The new set, and only it: no JSONL or SQLite of the old one.
            assert!(now.keys().all(|n| n.ends_with(".csv") || !n.contains(".jsonl") && n != "hyokasho.sqlite"));
            assert!(
                !now.contains_key("rows.jsonl") && !now.contains_key("hyokasho.sqlite"),
                "{step}"
            );
            assert_ne!(now["documents.csv"], old["documents.csv"]);
        } else {
            assert_eq!(now, old, "{step}: the old set, whole");
        }
        // The next run cleans up after the killed one.
        let next = extract(&[&b], &out, &["--format", "csv", "--incremental"]);
        assert!(
            next.status.success(),
            "{}",
            String::from_utf8_lossy(&next.stderr)
        );
        assert!(staging_folders(&out).is_empty(), "{step}: staging removed");
        assert!(!lock_file(&out).exists());
        let names: Vec<String> = snapshot(&out).into_keys().collect();
        assert!(names.iter().all(|n| !n.ends_with(".jsonl")), "{names:?}");
    }
}

#[test]
fn sigterm_stops_the_run_cleans_up_and_leaves_the_last_set() {
    let input = batch("term-batch", 120);
    let out = scratch("term-out").join("out");
    let small = scratch("term-small");
    copy(KAWASAKI, &small.join("kawasaki.txt"));
    assert!(extract(&[&small], &out, &[]).status.success());
    let before = snapshot(&out);
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let mut child = start(&input, &out, &["--jobs", "1"], &[]);
        wait_for_rows(&mut child, &out);
        // SAFETY: signals a child this test started.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let status = wait_within(&mut child, Duration::from_secs(30));
        assert_eq!(status.code(), Some(code));
        assert!(staging_folders(&out).is_empty(), "staging removed");
        assert!(!lock_file(&out).exists(), "lock removed");
        assert_eq!(snapshot(&out), before, "the last set, untouched");
    }
}

#[test]
fn an_output_folder_that_is_or_holds_an_input_is_refused() {
    let dir = scratch("out-in");
    copy(KAWASAKI, &dir.join("kawasaki.txt"));
    let listing = || snapshot(&dir).into_keys().collect::<Vec<_>>();
    let before = listing();
    for (input, out) in [
        (dir.clone(), dir.clone()),
        (dir.clone(), dir.parent().expect("parent").to_path_buf()),
    ] {
        let run = extract(&[&input], &out, &[]);
        assert_eq!(run.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains("the input") && stderr.contains("apart from the inputs"),
            "{stderr}"
        );
    }
    assert_eq!(listing(), before, "nothing written among the inputs");
    // A file the run did not write is never replaced with the set.
    let out = scratch("out-foreign");
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let run = extract(&[&dir], &out, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("notes.txt"));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("kept"),
        "mine"
    );
}

#[test]
fn tables_of_formats_not_asked_for_are_not_left_behind() {
    let dir = scratch("formats");
    copy(KAWASAKI, &dir.join("kawasaki.txt"));
    let out = scratch("formats-out");
    assert!(
        extract(&[&dir], &out, &["--format", "csv,jsonl,sqlite"])
            .status
            .success()
    );
    assert!(out.join("rows.jsonl").exists() && out.join("hyokasho.sqlite").exists());
    assert!(
        extract(&[&dir], &out, &["--format", "csv"])
            .status
            .success()
    );
    let names: Vec<String> = snapshot(&out).into_keys().collect();
    // Neither the JSONL nor the SQLite of the first run stays behind.
    assert!(names.iter().any(|n| n == "rows.csv"), "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".jsonl") && n != "hyokasho.sqlite"),
        "{names:?}"
    );
}

#[test]
fn a_huge_text_stops_at_its_time_limit_and_its_size_limit() {
    let dir = scratch("huge");
    let text = std::fs::read(root().join(KAWASAKI)).expect("read");
    // About 100 MB of real assessment text.
    let mut huge = Vec::with_capacity(100 << 20);
    while huge.len() < 100 << 20 {
        huge.extend_from_slice(&text);
    }
    std::fs::write(dir.join("huge.txt"), &huge).expect("write");
    drop(huge);
    let out = scratch("huge-out");
    let started = Instant::now();
    let run = extract(&[&dir], &out, &["--timeout", "1", "--max-text-bytes", "1G"]);
    let took = started.elapsed();
    assert_eq!(run.status.code(), Some(1));
    let docs = table(&out, "documents");
    assert_eq!(docs[0]["status"], "failed");
    assert!(
        docs[0]["error"].contains("time limit of 1 s (--timeout)"),
        "{}",
        docs[0]["error"]
    );
    // Hashing and reading 100 MB take well under a second; without the
    // limit in every stage, the document ran for tens of seconds.
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let run = extract(&[&dir], &out, &["--max-text-bytes", "64M"]);
    assert_eq!(run.status.code(), Some(1));
    let docs = table(&out, "documents");
    assert!(
        docs[0]["error"].contains("(--max-text-bytes)"),
        "{}",
        docs[0]["error"]
    );
}

#[test]
fn paths_are_kept_exact_and_never_shared() {
    let dir = scratch("paths");
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("back")).expect("mkdir");
    let name = |b: &[u8]| input.join(std::ffi::OsStr::from_bytes(b));
    let text = std::fs::read(root().join(MATSUDO)).expect("read");
    // Distinct bytes, so that none is a duplicate of another.
    for (i, path) in [
        name(b"bad\xff.txt"),
        name(b"bad\xfe.txt"),
        name(b"back\\slash.txt"),
        name(b"back/slash.txt"),
    ]
    .iter()
    .enumerate()
    {
        let mut bytes = text.clone();
        bytes.extend_from_slice(format!("\n{i}\n").as_bytes());
        std::fs::write(path, bytes).expect("write");
    }
    let out = dir.join("out");
    let run = extract(&[&input], &out, &[]);
    assert!(run.status.code().is_some_and(|c| c < 2));
    let mut paths: Vec<String> = table(&out, "documents")
        .iter()
        .map(|d| {
            d["source_path"]
                .trim_start_matches(&format!("{}/", input.display()))
                .to_string()
        })
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "back/slash.txt",
            "back\\slash.txt",
            "bad\\xFE.txt",
            "bad\\xFF.txt"
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    let flagged: Vec<&str> = manifest["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|d| {
            d["warnings"]
                .as_array()
                .is_some_and(|w| w.iter().any(|w| w["code"] == "path_not_utf8"))
        })
        .map(|d| d["source_path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    assert!(flagged.iter().all(|p| p.contains("bad\\x")));
}

#[test]
fn a_replaced_file_is_read_again_under_incremental() {
    let dir = scratch("replaced");
    let input = dir.join("in");
    std::fs::create_dir(&input).expect("mkdir");
    let doc = input.join("doc.txt");
    copy(KAWASAKI, &doc);
    let out = dir.join("out");
    assert!(
        extract(&[&input], &out, &["--incremental"])
            .status
            .success()
    );
    let first = table(&out, "documents");
    copy(MATSUDO, &doc);
    assert!(
        extract(&[&input], &out, &["--incremental"])
            .status
            .success()
    );
    let second = table(&out, "documents");
    assert_ne!(first[0]["doc_id"], second[0]["doc_id"]);
    assert_eq!(second[0]["municipality"], "松戸市");
    // The id is the hash of the bytes processed.
    let bytes = std::fs::read(&doc).expect("read");
    let id = blake3::hash(&bytes).to_hex()[..16].to_string();
    assert_eq!(second[0]["doc_id"], id);
}

#[test]
fn incremental_tables_equal_a_full_run_whatever_the_previous_formats() {
    let dir = scratch("inc-formats");
    let input = dir.join("in");
    std::fs::create_dir(&input).expect("mkdir");
    copy(KAWASAKI, &input.join("kawasaki.txt"));
    copy(MATSUDO, &input.join("matsudo.txt"));
    let (inc, full) = (dir.join("inc"), dir.join("full"));
    let csv = |out: &Path| -> BTreeMap<String, Vec<u8>> {
        snapshot(out)
            .into_iter()
            .filter(|(n, _)| n.ends_with(".csv"))
            .collect()
    };
    // Lines copied from a set of the same shape, then from one of another
    // (JSONL too), then into a set with SQLite: the CSV files are the
    // same as a full run's every time.
    for formats in ["csv,jsonl", "csv,jsonl", "csv", "csv,sqlite", "csv"] {
        let args = ["--incremental", "--format", formats];
        assert!(
            extract(&[&input], &inc, &args).status.success(),
            "{formats}"
        );
        assert!(
            extract(&[&input], &full, &["--format", formats])
                .status
                .success()
        );
        assert!(
            csv(&inc) == csv(&full),
            "{formats}: incremental equals full"
        );
        assert!(inc.join(".hyokasho-index").exists() != formats.contains("sqlite"));
    }
}
