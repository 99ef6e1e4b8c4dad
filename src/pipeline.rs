//! One document through every stage: read → decode → segment → extract.
//!
//! [`process`] never panics and never fails: whatever happens, it returns a
//! [`DocOutput`] whose `documents` row says what became of the file, with
//! every record that could be extracted before a problem.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use serde::Serialize;

use crate::decode::{self, Decoded, Format};
use crate::diag::{Status, Warning};
use crate::extract::document::{DocumentRecord, cover_facts};
use crate::extract::{self, Records};
use crate::segment;
use crate::source::{self, SourceFile};

/// Options that shape how each document is processed.
#[derive(Debug, Clone)]
pub struct Options {
    /// Larger files are refused unread (`max_file_bytes`).
    pub max_file_bytes: u64,
    pub limits: decode::Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_bytes: 512 * 1024 * 1024,
            limits: decode::Limits::default(),
        }
    }
}

/// A document's entry in `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestDoc {
    pub doc_id: String,
    pub source_path: String,
    pub status: &'static str,
    pub error: Option<String>,
    pub warnings: Vec<Warning>,
    pub counts: std::collections::BTreeMap<&'static str, usize>,
    /// Other paths with byte-identical content (same `doc_id`), which are
    /// not processed again.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<String>,
    pub elapsed_ms: u64,
}

/// Everything one document contributes to the output.
#[derive(Debug)]
pub struct DocOutput {
    pub document: DocumentRecord,
    pub records: Records,
    pub manifest: ManifestDoc,
}

impl DocOutput {
    /// The document's status.
    pub fn status(&self) -> &'static str {
        self.document.status
    }
}

/// Processes one file. `doc_id` is computed by the caller (the run sorts
/// documents by it before processing).
pub fn process(file: &SourceFile, doc_id: &str, opts: &Options) -> DocOutput {
    let started = Instant::now();
    let mut out = match catch_unwind(AssertUnwindSafe(|| process_inner(file, doc_id, opts))) {
        Ok(out) => out,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            failed(
                &file.display,
                doc_id,
                Format::sniff(&[], &file.display),
                format!(
                    "internal error while processing this file (a bug; please report it): {what}"
                ),
            )
        }
    };
    out.manifest.elapsed_ms = started.elapsed().as_millis() as u64;
    out
}

fn process_inner(file: &SourceFile, doc_id: &str, opts: &Options) -> DocOutput {
    let bytes = match source::read(&file.path, opts.max_file_bytes) {
        Ok(b) => b,
        Err(e) => {
            return failed(
                &file.display,
                doc_id,
                Format::sniff(&[], &file.display),
                e.to_string(),
            );
        }
    };
    let decoded = decode_bytes(&bytes, &file.display, doc_id, opts);
    // The raw bytes are not needed past decoding; a large PDF's would
    // otherwise be held through segmentation and extraction.
    drop(bytes);
    decoded.map_or_else(|out| *out, |d| build(&file.display, doc_id, d))
}

/// Runs decode → segment → extract on a document already in memory, named
/// `name` (its `source_path`; the extension helps tell the format).
///
/// Unlike [`process`], panics are not caught here and `elapsed_ms` is left
/// at 0: this is the code path [`process`] wraps, exposed so that the fuzz
/// targets see any panic the stages raise.
pub fn process_bytes(bytes: &[u8], name: &str, doc_id: &str, opts: &Options) -> DocOutput {
    decode_bytes(bytes, name, doc_id, opts).map_or_else(|out| *out, |d| build(name, doc_id, d))
}

/// Decodes, or gives the failed document's output.
fn decode_bytes(
    bytes: &[u8],
    name: &str,
    doc_id: &str,
    opts: &Options,
) -> Result<Decoded, Box<DocOutput>> {
    decode::decode(bytes, name, &opts.limits).map_err(|e| {
        Box::new(failed(
            name,
            doc_id,
            Format::sniff(bytes, name),
            e.to_string(),
        ))
    })
}

fn build(display: &str, doc_id: &str, decoded: Decoded) -> DocOutput {
    let Decoded {
        format,
        encoding,
        pages,
        lines,
        status,
        error,
        mut warnings,
    } = decoded;
    let seg = segment::segment(lines);
    warnings.extend(seg.warnings.iter().cloned());
    let facts = cover_facts(&seg);
    if facts.municipality_inferred
        && let Some(m) = &facts.municipality
    {
        warnings.push(Warning::new(
            "municipality_inferred",
            format!("no 評価実施機関名; municipality {m} inferred from the text"),
        ));
    }
    let records = extract::extract(doc_id, &seg, &mut warnings);
    let document = DocumentRecord {
        doc_id: doc_id.to_string(),
        source_path: display.to_string(),
        format: format.as_str(),
        encoding: Some(encoding),
        pages,
        kind: seg.kind.as_str(),
        form: seg.form.map(str::to_string),
        assessment_no: facts.assessment_no,
        title: facts.title,
        organization: facts.organization,
        municipality: facts.municipality,
        published_on: facts.published_on,
        is_draft: facts.is_draft,
        status: status.as_str(),
        error: error.clone(),
        warnings: warnings.len() as u32,
    };
    let manifest = ManifestDoc {
        doc_id: doc_id.to_string(),
        source_path: display.to_string(),
        status: status.as_str(),
        error,
        counts: records.counts().into_iter().collect(),
        warnings,
        duplicates: Vec::new(),
        elapsed_ms: 0,
    };
    DocOutput {
        document,
        records,
        manifest,
    }
}

/// The output for a file that could not be read at all.
fn failed(display: &str, doc_id: &str, format: Format, error: String) -> DocOutput {
    let document = DocumentRecord {
        doc_id: doc_id.to_string(),
        source_path: display.to_string(),
        format: format.as_str(),
        encoding: (format == Format::Pdf).then(|| "pdf".to_string()),
        pages: None,
        kind: segment::Kind::Unknown.as_str(),
        form: None,
        assessment_no: None,
        title: None,
        organization: None,
        municipality: None,
        published_on: None,
        is_draft: false,
        status: Status::Failed.as_str(),
        error: Some(error.clone()),
        warnings: 0,
    };
    let records = Records::default();
    let manifest = ManifestDoc {
        doc_id: doc_id.to_string(),
        source_path: display.to_string(),
        status: Status::Failed.as_str(),
        error: Some(error),
        warnings: Vec::new(),
        counts: records.counts().into_iter().collect(),
        duplicates: Vec::new(),
        elapsed_ms: 0,
    };
    DocOutput {
        document,
        records,
        manifest,
    }
}
