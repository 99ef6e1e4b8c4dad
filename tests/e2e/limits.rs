//! End-to-end: work limits. A hostile PDF (a decompression bomb, a deeply
//! nested or cyclic object graph, too many objects, too slow) fails with an
//! error that names the limit, and the batch goes on with the other files.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;
use lopdf::{Document, Object, Stream, dictionary};

/// A one-page PDF drawing `content` (compressed with Flate when `deflate`),
/// plus `extra` unused objects.
fn one_page(content: Vec<u8>, deflate: bool, extra: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut stream = Stream::new(dictionary! {}, content);
    if deflate {
        stream.compress().expect("compress");
    }
    let content_id = doc.add_object(stream);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    for i in 0..extra {
        doc.add_object(Object::Integer(i as i64));
    }
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A PDF written by hand from numbered object bodies (object `i + 1` is
/// `bodies[i]`), with a correct cross-reference table; object 1 must be
/// the catalog. Used for structures a PDF library would refuse to write.
fn raw_pdf(bodies: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", bodies.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            bodies.len() + 1
        )
        .as_bytes(),
    );
    out
}

const TEXT: &str = "BT /F1 12 Tf 72 700 Td (hello) Tj ET";

/// A page tree `depth` levels of /Pages deep above one page.
fn deep_page_tree(depth: usize) -> Vec<u8> {
    // 1 catalog, 2..=depth+1 the /Pages chain, then the page and content.
    let page = depth + 2;
    let content = depth + 3;
    let mut bodies = vec!["<< /Type /Catalog /Pages 2 0 R >>".to_string()];
    for level in 0..depth {
        let id = level + 2;
        let kid = if level + 1 == depth { page } else { id + 1 };
        let parent = if level == 0 {
            String::new()
        } else {
            format!("/Parent {} 0 R ", id - 1)
        };
        bodies.push(format!(
            "<< /Type /Pages {parent}/Kids [{kid} 0 R] /Count 1 >>"
        ));
    }
    bodies.push(format!(
        "<< /Type /Page /Parent {} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R >>",
        depth + 1
    ));
    bodies.push(format!(
        "<< /Length {} >>\nstream\n{TEXT}\nendstream",
        TEXT.len() + 1
    ));
    raw_pdf(&bodies)
}

/// A page whose dictionary holds arrays nested `depth` deep, and whose
/// /Parent chain is a cycle (the page tree's node is its own parent).
fn nested_arrays_and_cycle(depth: usize) -> Vec<u8> {
    let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    raw_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        "<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 1 >>".into(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Junk {nested} \
             /Contents 4 0 R >>"
        ),
        format!(
            "<< /Length {} >>\nstream\n{TEXT}\nendstream",
            TEXT.len() + 1
        ),
    ])
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    path
}

fn doc<'a>(docs: &'a [Record], name: &str) -> &'a Record {
    docs.iter()
        .find(|d| d["source_path"].ends_with(name))
        .unwrap_or_else(|| panic!("{name} is in documents.csv"))
}

/// The status of every input and the run's exit code.
fn run(inputs: &Path, args: &[&str]) -> (Vec<Record>, Option<i32>) {
    let out = inputs.with_extension("out");
    let _ = std::fs::remove_dir_all(&out);
    let run = extract(&[inputs], &out, args);
    let code = run.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "the run finished: {code:?} {}",
        String::from_utf8_lossy(&run.stderr)
    );
    (table(&out, "documents"), code)
}

#[test]
fn a_decompression_bomb_fails_naming_the_limit() {
    let dir = scratch("bomb");
    // 72 MiB of spaces deflate to about 70 KiB: past the 64 MiB default.
    let bomb = one_page(vec![b' '; 72 << 20], true, 0);
    assert!(bomb.len() < 200_000, "a small file: {} bytes", bomb.len());
    write(&dir, "bomb.pdf", &bomb);
    std::fs::copy(
        root().join("corpus/001_15827696a754ffd7_kawasaki.txt"),
        dir.join("kawasaki.txt"),
    )
    .expect("copy");
    let (docs, code) = run(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(docs.len(), 2);
    let bomb = doc(&docs, "bomb.pdf");
    assert_eq!(bomb["status"], "failed");
    assert_eq!(
        bomb["error"],
        "limit exceeded: page 1: a content stream decompresses to more than 67108864 bytes \
         (--max-stream-bytes; a decompression bomb?)"
    );
    assert_eq!(doc(&docs, "kawasaki.txt")["status"], "ok");
}

#[test]
fn document_wide_byte_and_object_limits() {
    let dir = scratch("doc-limits");
    // Two pages' worth of plain content: each stream under the per-stream
    // limit, together over the per-document one.
    write(
        &dir,
        "big-content.pdf",
        &one_page(
            format!("{TEXT}\n{}", " ".repeat(300_000)).into_bytes(),
            false,
            0,
        ),
    );
    write(
        &dir,
        "many-objects.pdf",
        &one_page(TEXT.into(), false, 5000),
    );
    write(&dir, "small.pdf", &one_page(TEXT.into(), false, 0));
    let (docs, _) = run(
        &dir,
        &["--max-document-bytes", "200000", "--max-objects", "1000"],
    );
    let big = doc(&docs, "big-content.pdf");
    assert_eq!(big["status"], "failed");
    assert!(
        big["error"].contains("exceed 200000 bytes in all (--max-document-bytes)"),
        "{}",
        big["error"]
    );
    let many = doc(&docs, "many-objects.pdf");
    assert_eq!(many["status"], "failed");
    assert!(
        many["error"].contains("more than 1000 (--max-objects)"),
        "{}",
        many["error"]
    );
    // Hello has no ruled table: text, but nothing else to fail on.
    assert_ne!(doc(&docs, "small.pdf")["status"], "failed");
}

#[test]
fn deeply_nested_and_cyclic_object_graphs_do_not_crash_the_batch() {
    let dir = scratch("nested");
    write(&dir, "deep-tree.pdf", &deep_page_tree(20_000));
    write(&dir, "nested-arrays.pdf", &nested_arrays_and_cycle(50_000));
    std::fs::copy(
        root().join("tests/fixtures/003_matsudo.sjis.txt"),
        dir.join("matsudo.txt"),
    )
    .expect("copy");
    let (docs, _) = run(&dir, &[]);
    assert_eq!(docs.len(), 3);
    // 20,000 levels of page tree are walked without recursion: the page
    // is found and read (its text is no assessment, so it is skipped, not
    // failed).
    assert_eq!(doc(&docs, "deep-tree.pdf")["status"], "skipped");
    // Arrays nested past the parser's depth bound make the page object
    // unreadable: the file fails, saying which page.
    let nested = doc(&docs, "nested-arrays.pdf");
    assert_eq!(nested["status"], "failed");
    assert!(
        nested["error"].starts_with("no page could be read (page 1:"),
        "{}",
        nested["error"]
    );
    assert_eq!(doc(&docs, "matsudo.txt")["status"], "ok");
}

#[test]
fn a_document_over_its_time_fails_naming_the_limit() {
    let dir = scratch("timeout");
    std::fs::copy(
        root().join("tests/fixtures/003_matsudo.calc.pdf"),
        dir.join("matsudo.pdf"),
    )
    .expect("copy");
    std::fs::copy(
        root().join("corpus/001_15827696a754ffd7_kawasaki.txt"),
        dir.join("kawasaki.txt"),
    )
    .expect("copy");
    // Reading a 29-page PDF takes far longer than a microsecond.
    let (docs, _) = run(&dir, &["--timeout", "0.000001"]);
    let pdf = doc(&docs, "matsudo.pdf");
    assert_eq!(pdf["status"], "failed");
    assert!(
        pdf["error"]
            .contains("the document took longer than the time limit of 0.000001 s (--timeout)"),
        "{}",
        pdf["error"]
    );
    // The text document is checked once decoded: it is over its time too,
    // and says so; with no limit, both are read.
    assert!(doc(&docs, "kawasaki.txt")["error"].contains("--timeout"));
    let (docs, code) = run(&dir, &["--timeout", "0"]);
    assert_eq!(code, Some(0));
    assert!(docs.iter().all(|d| d["status"] == "ok"));
}
