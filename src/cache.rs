//! The per-document result cache behind `--incremental`.
//!
//! Each document's output (its `documents` row, its records and warnings)
//! is kept as `<doc_id>.json` in `.hyokasho-cache/` inside the output
//! folder: a small head, then the records. A run that can copy the
//! document's table lines from the previous set ([`crate::emit::reuse`])
//! reads only the head. `doc_id` is the hash of the file's bytes, so an entry answers
//! for those bytes wherever the file now lives. An entry is used only if it
//! was written by the same build of hyokasho with the same limits (its
//! `key`); anything else about it that is off (unreadable, another key,
//! damaged) makes the document be processed again, never an error.
//!
//! Entries are written to a temporary name and renamed, so a killed run
//! leaves only whole entries, and the documents it finished are reused by
//! the next run. Entries for documents no longer in the inputs are removed
//! when a run completes.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::Warning;
use crate::extract::Records;
use crate::extract::contractors::Contractor;
use crate::extract::document::DocumentRecord;
use crate::extract::risk_ratings::RiskRating;
use crate::limits::Limits as Options;
use crate::pipeline::DocOutput;

/// The cache folder's name inside the output folder (hidden, so that it is
/// never taken for an input or an output table).
pub const DIR_NAME: &str = ".hyokasho-cache";

/// Errors opening the cache.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the --incremental cache {path}: {source}")]
pub struct CacheError {
    path: PathBuf,
    source: std::io::Error,
}

/// An open cache.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    key: String,
    /// Whether entries keep the records ([`Cache::keep_records`]).
    records: bool,
}

/// An entry is two JSON values, one a line: this head, which is all a
/// run needs when it copies the document's lines from the previous set
/// ([`crate::emit::reuse`]), then the records, parsed only when the lines
/// must be encoded again. The head holds the records the report reads.
#[derive(Serialize)]
struct HeadRef<'a> {
    key: &'a str,
    document: &'a DocumentRecord,
    warnings: &'a [Warning],
    counts: Vec<(&'static str, usize)>,
    risk_ratings: &'a [RiskRating],
    contractors: &'a [Contractor],
    /// The length of the records' JSON after the head's line: an entry cut
    /// short is never taken for whole, even when its head is.
    records_bytes: usize,
    /// Whether the records follow (see [`Cache::keep_records`]).
    has_records: bool,
}

#[derive(Deserialize)]
struct Head {
    key: String,
    document: DocumentRecord,
    warnings: Vec<Warning>,
    counts: Vec<(String, usize)>,
    risk_ratings: Vec<RiskRating>,
    contractors: Vec<Contractor>,
    records_bytes: usize,
    has_records: bool,
}

impl Cache {
    /// Opens (creating if needed) the cache of an output folder for a run
    /// with these options.
    pub fn open(output: &Path, options: &Options) -> Result<Cache, CacheError> {
        let dir = output.join(DIR_NAME);
        fs::create_dir_all(&dir).map_err(|source| CacheError {
            path: dir.clone(),
            source,
        })?;
        Ok(Cache {
            dir,
            key: key(options),
            records: true,
        })
    }

    /// Whether new entries keep the records. A run whose documents' lines
    /// can be copied from the set it publishes ([`crate::emit::reuse`])
    /// keeps only the heads: the cache is then a small fraction of the
    /// tables, and a later run that needs the records (SQLite, other
    /// formats) processes those documents again.
    pub fn keep_records(&mut self, keep: bool) {
        self.records = keep;
    }

    fn path(&self, doc_id: &str) -> PathBuf {
        self.dir.join(format!("{doc_id}.json"))
    }

    /// The cached output of a document, named after its current path, if
    /// the cache holds a usable one.
    pub fn load(&self, doc_id: &str, source_path: &str) -> Option<DocOutput> {
        // Read whole, then parsed: serde_json parses a slice several
        // times faster than a reader.
        let bytes = fs::read(self.path(doc_id)).ok()?;
        let mut values = serde_json::Deserializer::from_slice(&bytes).into_iter::<Head>();
        let head = self.usable(values.next()?.ok()?, doc_id)?;
        if !head.has_records {
            return None;
        }
        let at = values.byte_offset();
        let records: Records = serde_json::from_slice(bytes.get(at..)?).ok()?;
        Some(output(head, records, source_path))
    }

    /// The cached output of a document without the records that only the
    /// tables hold (their lines are copied from the previous set): its
    /// `documents` row, warnings, record counts and the records the report
    /// reads.
    pub fn load_head(&self, doc_id: &str, source_path: &str) -> Option<DocOutput> {
        let file = File::open(self.path(doc_id)).ok()?;
        let len = file.metadata().ok()?.len();
        let mut values = serde_json::Deserializer::from_reader(std::io::BufReader::new(file))
            .into_iter::<Head>();
        let mut head = self.usable(values.next()?.ok()?, doc_id)?;
        if values.byte_offset() as u64 + 1 + head.records_bytes as u64 != len {
            return None;
        }
        let records = Records {
            risk_ratings: std::mem::take(&mut head.risk_ratings),
            contractors: std::mem::take(&mut head.contractors),
            ..Records::default()
        };
        let counts = std::mem::take(&mut head.counts);
        let mut out = output(head, records, source_path);
        // The counts of every table, not of the records loaded.
        out.manifest.counts = counts
            .into_iter()
            .filter_map(|(name, n)| Some((table_name(&name)?, n)))
            .collect();
        Some(out)
    }

    fn usable(&self, head: Head, doc_id: &str) -> Option<Head> {
        (head.key == self.key && head.document.doc_id == doc_id).then_some(head)
    }

    /// The key entries are written under (this build, these limits).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Keeps a document's output for the next run. Best effort: a cache
    /// that cannot be written only costs the next run time.
    pub fn store(&self, out: &DocOutput) {
        if !out.cacheable {
            return;
        }
        let path = self.path(&out.document.doc_id);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let records = match self.records {
            true => match serde_json::to_vec(&out.records) {
                Ok(records) => records,
                Err(_) => return,
            },
            false => Vec::new(),
        };
        let head = HeadRef {
            key: &self.key,
            document: &out.document,
            warnings: &out.manifest.warnings,
            counts: out.records.counts(),
            risk_ratings: &out.records.risk_ratings,
            contractors: &out.records.contractors,
            records_bytes: records.len(),
            has_records: self.records,
        };
        let written = File::create(&tmp).and_then(|f| {
            let mut w = BufWriter::new(f);
            serde_json::to_writer(&mut w, &head)?;
            w.write_all(b"\n")?;
            w.write_all(&records)?;
            w.flush()
        });
        if written.is_err() || fs::rename(&tmp, &path).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }

    /// Removes the entries of documents not in `keep` (files removed from
    /// the inputs) and temporary files left by killed runs.
    pub fn prune(&self, keep: &HashSet<&str>) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let wanted = name
                .strip_suffix(".json")
                .is_some_and(|id| keep.contains(id));
            if !wanted {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// A document's output from a cache entry.
fn output(head: Head, records: Records, source_path: &str) -> DocOutput {
    let mut document = head.document;
    document.source_path = source_path.to_string();
    let mut out = DocOutput::assemble(document, records, head.warnings);
    out.manifest.reused = true;
    out
}

/// The registry's name of a table (a `'static` one).
fn table_name(name: &str) -> Option<&'static str> {
    crate::schema::TABLES
        .iter()
        .map(|t| t.name)
        .find(|n| *n == name)
}

/// What an entry must match to be used: this build of hyokasho (the hash
/// of its executable, so that a rebuilt extractor never serves stale
/// records) and the limits, which decide what a document yields.
fn key(options: &Options) -> String {
    let exe = std::env::current_exe()
        .and_then(File::open)
        .and_then(|f| blake3::Hasher::new().update_reader(f).map(|h| h.finalize()))
        .map(|hash| hash.to_hex().to_string())
        .unwrap_or_default();
    format!("{} {exe} {}", env!("CARGO_PKG_VERSION"), options.to_json())
}
