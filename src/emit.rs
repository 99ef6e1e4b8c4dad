//! Writing the tables (CSV and JSONL) and `manifest.json`.
//!
//! Every file is first written into a private folder inside the output
//! folder and renamed into place only when the run has finished, so an
//! interrupted run leaves the previous complete tables (or none), never a
//! truncated one.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::pipeline::DocOutput;
use crate::schema::{self, Table};

/// Errors writing the output.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("cannot write to output folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {table}: {source}")]
    Csv { table: String, source: csv::Error },
    #[error("cannot write {table}: {source}")]
    Json {
        table: String,
        source: serde_json::Error,
    },
}

/// The file formats a table can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Jsonl,
}

struct TableWriter {
    table: &'static Table,
    csv: Option<csv::Writer<BufWriter<File>>>,
    jsonl: Option<BufWriter<File>>,
}

/// Streams records into the output tables.
pub struct Emitter {
    dir: PathBuf,
    staging: PathBuf,
    writers: Vec<TableWriter>,
    /// The manifest's document entries, streamed here as they come and
    /// spliced into `manifest.json` at the end, so that memory does not
    /// grow with the corpus.
    manifest_docs: BufWriter<File>,
    manifest_doc_count: usize,
}

/// The staged file of manifest entries (not one of the output files).
const MANIFEST_DOCS: &str = "manifest.documents.part";

/// Where the staging folder lives: hidden, named after the process so two
/// runs cannot write into each other's.
fn staging_dir(dir: &Path) -> PathBuf {
    dir.join(format!(".hyokasho-staging-{}", std::process::id()))
}

impl Emitter {
    /// Creates the output folder (if needed) and opens every table.
    pub fn create(dir: &Path, formats: &[TableFormat]) -> Result<Emitter, EmitError> {
        let io = |source| EmitError::Io {
            path: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        remove_stale_staging(dir);
        let staging = staging_dir(dir);
        fs::create_dir_all(&staging).map_err(io)?;
        let mut writers = Vec::new();
        for table in schema::TABLES {
            let open = |ext: &str| -> Result<BufWriter<File>, EmitError> {
                let path = staging.join(format!("{}.{ext}", table.name));
                let file = File::create(&path).map_err(|source| EmitError::Io { path, source })?;
                Ok(BufWriter::with_capacity(1 << 16, file))
            };
            let csv = if formats.contains(&TableFormat::Csv) {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(open("csv")?);
                w.write_record(table.columns.iter().map(|c| c.name))
                    .map_err(|source| EmitError::Csv {
                        table: table.name.into(),
                        source,
                    })?;
                Some(w)
            } else {
                None
            };
            let jsonl = if formats.contains(&TableFormat::Jsonl) {
                Some(open("jsonl")?)
            } else {
                None
            };
            writers.push(TableWriter { table, csv, jsonl });
        }
        let docs_path = staging.join(MANIFEST_DOCS);
        let docs_file = File::create(&docs_path).map_err(|source| EmitError::Io {
            path: docs_path,
            source,
        })?;
        Ok(Emitter {
            dir: dir.to_path_buf(),
            staging,
            writers,
            manifest_docs: BufWriter::with_capacity(1 << 16, docs_file),
            manifest_doc_count: 0,
        })
    }

    /// Appends one document's records to every table.
    pub fn write(&mut self, doc: &DocOutput) -> Result<(), EmitError> {
        let r = &doc.records;
        self.table("documents")?
            .append(std::slice::from_ref(&doc.document))?;
        self.table("rows")?.append(&r.rows)?;
        self.table("systems")?.append(&r.systems)?;
        self.table("files")?.append(&r.files)?;
        self.table("contractors")?.append(&r.contractors)?;
        self.table("provisions")?.append(&r.provisions)?;
        self.table("risk_ratings")?.append(&r.risk_ratings)?;
        self.table("choices")?.append(&r.choices)?;
        self.table("changes")?.append(&r.changes)?;
        self.table("corrections")?.append(&r.corrections)?;
        self.table("incidents")?.append(&r.incidents)?;
        Ok(())
    }

    /// Appends one entry to the manifest's `documents` list, formatted as
    /// `serde_json::to_writer_pretty` formats an element of that list.
    pub fn write_manifest_doc<D: Serialize>(&mut self, doc: &D) -> Result<(), EmitError> {
        let json = serde_json::to_vec_pretty(doc).map_err(|source| EmitError::Json {
            table: "manifest.json".into(),
            source,
        })?;
        let io = |source| EmitError::Io {
            path: self.staging.join(MANIFEST_DOCS),
            source,
        };
        let w = &mut self.manifest_docs;
        w.write_all(if self.manifest_doc_count == 0 {
            b"\n    "
        } else {
            b",\n    "
        })
        .map_err(io)?;
        // JSON strings hold no raw line breaks, so every one is layout.
        for (i, line) in json.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                w.write_all(b"\n    ").map_err(io)?;
            }
            w.write_all(line).map_err(io)?;
        }
        self.manifest_doc_count += 1;
        Ok(())
    }

    fn table(&mut self, name: &str) -> Result<&mut TableWriter, EmitError> {
        self.writers
            .iter_mut()
            .find(|w| w.table.name == name)
            .ok_or_else(|| EmitError::Io {
                path: PathBuf::from(name),
                source: std::io::Error::other("no such table in the schema"),
            })
    }

    /// Writes the manifest, flushes every table and moves them all into
    /// the output folder. `manifest` has an empty `documents` list, which
    /// is replaced by the entries given to [`Emitter::write_manifest_doc`].
    pub fn finish<M: Serialize>(mut self, manifest: &M) -> Result<(), EmitError> {
        let mut names = Vec::new();
        for w in self.writers {
            let name = w.table.name;
            if let Some(csv) = w.csv {
                let mut inner = csv.into_inner().map_err(|e| EmitError::Io {
                    path: PathBuf::from(format!("{name}.csv")),
                    source: std::io::Error::other(e.to_string()),
                })?;
                flush(&mut inner, &self.staging)?;
                names.push(format!("{name}.csv"));
            }
            if let Some(mut jsonl) = w.jsonl {
                flush(&mut jsonl, &self.staging)?;
                names.push(format!("{name}.jsonl"));
            }
        }
        let path = self.staging.join("manifest.json");
        let io = |source| EmitError::Io {
            path: path.clone(),
            source,
        };
        let mut file = BufWriter::new(File::create(&path).map_err(io)?);
        let json = serde_json::to_vec_pretty(manifest).map_err(|source| EmitError::Json {
            table: "manifest.json".into(),
            source,
        })?;
        // Inside a JSON string a quote is escaped, so this marks the key.
        let key = b"\"documents\": [";
        match json.windows(key.len()).position(|w| w == key) {
            Some(at) if self.manifest_doc_count > 0 && json.get(at + key.len()) == Some(&b']') => {
                let docs_path = self.staging.join(MANIFEST_DOCS);
                let docs_io = |source| EmitError::Io {
                    path: docs_path.clone(),
                    source,
                };
                self.manifest_docs.flush().map_err(docs_io)?;
                let mut docs = File::open(&docs_path).map_err(docs_io)?;
                file.write_all(&json[..at + key.len()]).map_err(io)?;
                std::io::copy(&mut docs, &mut file).map_err(io)?;
                file.write_all(b"\n  ").map_err(io)?;
                file.write_all(&json[at + key.len()..]).map_err(io)?;
            }
            _ => file.write_all(&json).map_err(io)?,
        }
        file.write_all(b"\n").map_err(io)?;
        flush(&mut file, &self.staging)?;
        names.push("manifest.json".into());
        for name in names {
            let from = self.staging.join(&name);
            let to = self.dir.join(&name);
            fs::rename(&from, &to).map_err(|source| EmitError::Io { path: to, source })?;
        }
        let _ = fs::remove_file(self.staging.join(MANIFEST_DOCS));
        let _ = fs::remove_dir(&self.staging);
        Ok(())
    }
}

fn flush(w: &mut BufWriter<File>, dir: &Path) -> Result<(), EmitError> {
    let io = |source| EmitError::Io {
        path: dir.to_path_buf(),
        source,
    };
    w.flush().map_err(io)?;
    // Data reaches the disk before the rename makes it visible.
    w.get_ref().sync_all().map_err(io)
}

/// Removes staging folders left by runs that were killed.
fn remove_stale_staging(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if let Some(pid) = name.strip_prefix(".hyokasho-staging-") {
            let alive = pid.parse::<u32>().is_ok_and(|p| {
                p != std::process::id() && Path::new(&format!("/proc/{p}")).exists()
            });
            if !alive {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

impl TableWriter {
    fn append<T: Serialize>(&mut self, records: &[T]) -> Result<(), EmitError> {
        for record in records {
            if let Some(csv) = &mut self.csv {
                csv.serialize(record).map_err(|source| EmitError::Csv {
                    table: self.table.name.into(),
                    source,
                })?;
            }
            if let Some(jsonl) = &mut self.jsonl {
                serde_json::to_writer(&mut *jsonl, record).map_err(|source| EmitError::Json {
                    table: self.table.name.into(),
                    source,
                })?;
                jsonl.write_all(b"\n").map_err(|source| EmitError::Io {
                    path: PathBuf::from(format!("{}.jsonl", self.table.name)),
                    source,
                })?;
            }
        }
        Ok(())
    }
}
