//! The per-document result cache behind `--incremental`.
//!
//! Each document's output (its `documents` row, its records and warnings)
//! is kept as `<doc_id>.json` in `.hyokasho-cache/` inside the output
//! folder. `doc_id` is the hash of the file's bytes, so an entry answers
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
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::Warning;
use crate::extract::Records;
use crate::extract::document::DocumentRecord;
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
}

#[derive(Serialize)]
struct EntryRef<'a> {
    key: &'a str,
    document: &'a DocumentRecord,
    records: &'a Records,
    warnings: &'a [Warning],
}

#[derive(Deserialize)]
struct Entry {
    key: String,
    document: DocumentRecord,
    records: Records,
    warnings: Vec<Warning>,
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
        })
    }

    fn path(&self, doc_id: &str) -> PathBuf {
        self.dir.join(format!("{doc_id}.json"))
    }

    /// The cached output of a document, named after its current path, if
    /// the cache holds a usable one.
    pub fn load(&self, doc_id: &str, source_path: &str) -> Option<DocOutput> {
        let file = File::open(self.path(doc_id)).ok()?;
        let entry: Entry = serde_json::from_reader(BufReader::new(file)).ok()?;
        if entry.key != self.key || entry.document.doc_id != doc_id {
            return None;
        }
        let mut document = entry.document;
        document.source_path = source_path.to_string();
        let mut out = DocOutput::assemble(document, entry.records, entry.warnings);
        out.manifest.reused = true;
        Some(out)
    }

    /// Keeps a document's output for the next run. Best effort: a cache
    /// that cannot be written only costs the next run time.
    pub fn store(&self, out: &DocOutput) {
        if !out.cacheable {
            return;
        }
        let path = self.path(&out.document.doc_id);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let entry = EntryRef {
            key: &self.key,
            document: &out.document,
            records: &out.records,
            warnings: &out.manifest.warnings,
        };
        let written = File::create(&tmp).and_then(|f| {
            let mut w = BufWriter::new(f);
            serde_json::to_writer(&mut w, &entry)?;
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
