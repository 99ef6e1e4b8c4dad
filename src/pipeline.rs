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

/// What shapes how each document is processed: its limits, the one
/// struct of [`crate::limits`].
pub use crate::limits::Limits as Options;

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
    /// Characters replaced in this document's CP932 CSV lines (only with
    /// that encoding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cp932_replacements: Option<usize>,
    /// Whether the result was taken from the `--incremental` cache.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reused: bool,
    pub elapsed_ms: u64,
}

/// Everything one document contributes to the output.
#[derive(Debug)]
pub struct DocOutput {
    pub document: DocumentRecord,
    pub records: Records,
    pub manifest: ManifestDoc,
    /// Whether the same bytes would give the same output on another run:
    /// false where a passing condition (a read error, the time limit, an
    /// internal error) decided it, so that `--incremental` tries again.
    pub cacheable: bool,
}

impl DocOutput {
    /// The document's status.
    pub fn status(&self) -> &'static str {
        self.document.status
    }

    /// Puts together a document's output from its parts (as the
    /// `--incremental` cache keeps them).
    pub fn assemble(
        document: DocumentRecord,
        mut records: Records,
        warnings: Vec<Warning>,
    ) -> Self {
        records.warnings = extract::warnings::records(&document.doc_id, &warnings);
        let manifest = ManifestDoc {
            doc_id: document.doc_id.clone(),
            source_path: document.source_path.clone(),
            status: document.status,
            error: document.error.clone(),
            counts: records.counts().into_iter().collect(),
            warnings,
            duplicates: Vec::new(),
            reused: false,
            cp932_replacements: None,
            elapsed_ms: 0,
        };
        DocOutput {
            document,
            records,
            manifest,
            cacheable: true,
        }
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
            let mut out = failed(
                &file.display,
                doc_id,
                Format::sniff(&[], &file.display),
                format!(
                    "internal error while processing this file (a bug; please report it): {what}"
                ),
            );
            out.cacheable = false;
            out
        }
    };
    out.manifest.elapsed_ms = started.elapsed().as_millis() as u64;
    out
}

fn process_inner(file: &SourceFile, doc_id: &str, opts: &Options) -> DocOutput {
    match source::read_as(&file.path, opts.max_file_bytes, doc_id) {
        Ok(bytes) => process_bytes(bytes, &file.display, doc_id, opts),
        Err(e) => {
            let format = Format::sniff(&[], &file.display);
            let mut out = failed(&file.display, doc_id, format, e.to_string());
            out.cacheable = false;
            out
        }
    }
}

/// Processes one document's bytes: decode → segment → extract. `name` is
/// the document's path as written in the output (its extension helps tell
/// the format). Unlike [`process`], a panic is not caught here: this is the
/// entry point for fuzzing, which must see them.
pub fn process_bytes(bytes: Vec<u8>, name: &str, doc_id: &str, opts: &Options) -> DocOutput {
    let format = Format::sniff(&bytes, name);
    let deadline = opts.deadline();
    // Every stage sees the deadline through `limits::out_of_time`.
    let _clock = crate::limits::DocumentClock::start(deadline);
    let timed_out =
        || deadline.is_some_and(|d| d.passed()) || crate::limits::interrupted().is_some();
    let decoded = match decode::decode(&bytes, name, opts) {
        Ok(d) => d,
        Err(e) => {
            let mut out = failed(name, doc_id, format, e.to_string());
            out.cacheable = !timed_out();
            return out;
        }
    };
    drop(bytes);
    let out = if timed_out() {
        None
    } else {
        Some(build(name, doc_id, decoded))
    };
    // A stage that ran out of time stops early: its records are cut short.
    match out {
        Some(out) if !timed_out() => out,
        _ => {
            let why = deadline.map_or_else(|| "the run was interrupted".into(), |d| d.exceeded());
            let mut out = failed(name, doc_id, format, format!("limit exceeded: {why}"));
            out.cacheable = false;
            out
        }
    }
}

fn build(name: &str, doc_id: &str, decoded: Decoded) -> DocOutput {
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
    // A text that could not be read well (garbled, undecodable) may be an
    // assessment all the same: it is doubtful, never skipped.
    let read_well = status == Status::Ok
        && !warnings.iter().any(|w| {
            crate::diag::warning_code(w.code)
                .is_some_and(|c| c.severity == crate::diag::Severity::Doubtful)
        });
    if seg.evidence == segment::Evidence::Nothing && read_well {
        return skipped(name, doc_id, format, encoding, pages);
    }
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
    // 評価書番号 is a number in every form; text there is kept in rows.
    let assessment_no = facts
        .assessment_no
        .as_deref()
        .and_then(crate::normalize::whole_number);
    if let (Some(text), None) = (&facts.assessment_no, assessment_no) {
        warnings.push(Warning::new(
            "unreadable_number",
            format!("評価書番号 \"{text}\" is not a number"),
        ));
    }
    let (kind, form, form_version) = (seg.kind, seg.form, seg.form_version.clone());
    let (records, thresholds) = extract::extract(doc_id, seg, &mut warnings);
    let (status, error) = crate::diag::settle(status, error, &warnings);
    let document = DocumentRecord {
        doc_id: doc_id.to_string(),
        source_path: name.to_string(),
        format: format.as_str(),
        encoding: Some(encoding),
        pages,
        kind: kind.as_str(),
        form: form.map(str::to_string),
        assessment_no,
        title: facts.title,
        organization: facts.organization,
        municipality: facts.municipality,
        published_on: facts.published_on,
        is_draft: facts.is_draft,
        status: status.as_str(),
        error,
        warnings: warnings.len() as u32,
        form_version,
        threshold_subjects: thresholds.subjects,
        threshold_subjects_as_of: thresholds.subjects_as_of,
        threshold_handlers: thresholds.handlers,
        threshold_handlers_as_of: thresholds.handlers_as_of,
        threshold_serious_incident: thresholds.serious_incident,
        threshold_result: thresholds.result,
        basic_assessed_on: thresholds.basic_assessed_on,
    };
    DocOutput::assemble(document, records, warnings)
}

/// The output for a file that is no assessment: its documents row says so,
/// and nothing is guessed from its text.
fn skipped(
    name: &str,
    doc_id: &str,
    format: Format,
    encoding: String,
    pages: Option<u32>,
) -> DocOutput {
    let document = DocumentRecord {
        doc_id: doc_id.to_string(),
        source_path: name.to_string(),
        format: format.as_str(),
        encoding: Some(encoding),
        pages,
        kind: segment::Kind::Unknown.as_str(),
        status: Status::Skipped.as_str(),
        error: Some(
            "not_an_assessment: no form (title, 様式 marker or section headings), change list or correction table recognised"
                .to_string(),
        ),
        ..DocumentRecord::default()
    };
    DocOutput::assemble(document, Records::default(), Vec::new())
}

/// The output for a file that could not be read at all.
fn failed(name: &str, doc_id: &str, format: Format, error: String) -> DocOutput {
    let document = DocumentRecord {
        doc_id: doc_id.to_string(),
        source_path: name.to_string(),
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
        error: Some(error),
        warnings: 0,
        ..DocumentRecord::default()
    };
    DocOutput::assemble(document, Records::default(), Vec::new())
}
