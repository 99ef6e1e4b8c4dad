//! Writing the tables (CSV, JSONL, SQLite), `manifest.json` and
//! `report.html`.
//!
//! An [`Emitter`] writes every file into a run's staging folder; the run
//! then publishes the set as a whole ([`publish`]), so an interrupted run
//! leaves the previous complete tables (or none), never a truncated one.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::extract::Visitor;
use crate::pipeline::DocOutput;
use crate::schema::{self, Record, Table};

pub mod datapackage;
pub mod excel;
pub mod flat;
pub mod publish;
pub mod report;
pub mod reuse;
pub mod sqlite;

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
    #[error("internal error encoding the records of document {doc_id} (a bug; please report it)")]
    Internal { doc_id: String },
    #[error(transparent)]
    Publish(#[from] publish::PublishError),
}

/// The file formats a table can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Jsonl,
    /// Every table in one database, `hyokasho.sqlite`.
    Sqlite,
}

/// The character encoding of the CSV files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 (with a BOM when the style is for Excel).
    #[default]
    Utf8,
    /// Shift_JIS as Windows writes it; characters it cannot hold are
    /// replaced and counted.
    Cp932,
}

/// How the CSV files are written. The default is exact: UTF-8, LF, cells
/// as extracted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvStyle {
    /// For Excel: a BOM (UTF-8 only), CRLF line ends and formula cells
    /// neutralised (see [`excel::neutralise`]).
    pub excel: bool,
    /// The bytes the text is written as.
    pub encoding: CsvEncoding,
}

struct TableWriter {
    table: &'static Table,
    csv: Option<BufWriter<File>>,
    jsonl: Option<BufWriter<File>>,
    /// Bytes written so far to the CSV and JSONL files (header included),
    /// for the index of lines ([`reuse`]).
    csv_len: u64,
    jsonl_len: u64,
}

/// Turns one document's records into the bytes its CSV and JSONL lines
/// take, so that the work is done by the worker threads and the writer
/// only appends bytes. Cheap to copy; one per worker.
#[derive(Debug, Clone, Copy)]
pub struct Encoder {
    csv: bool,
    jsonl: bool,
    style: CsvStyle,
}

/// One document's lines for every table, in [`schema::TABLES`] order.
///
/// The buffers are meant to be reused ([`Encoded::clear`]): the writer
/// hands them back to the workers, so a run allocates a few sets of them,
/// not one per document.
#[derive(Debug, Default)]
pub struct Encoded {
    tables: Vec<EncodedTable>,
    /// CP932 replacements made in the CSV lines.
    replaced: usize,
}

#[derive(Debug, Default)]
struct EncodedTable {
    csv: Vec<u8>,
    jsonl: Vec<u8>,
}

impl Encoded {
    /// Frees the buffers that one unusually large document grew past
    /// `max` bytes, so that a run keeps no more memory than its ordinary
    /// documents need once the outlier is written.
    pub fn shed(&mut self, max: usize) {
        for t in &mut self.tables {
            for buf in [&mut t.csv, &mut t.jsonl] {
                if buf.capacity() > max {
                    *buf = Vec::new();
                }
            }
        }
    }

    /// Empties the buffers, keeping their capacity.
    pub fn clear(&mut self) {
        for t in &mut self.tables {
            t.csv.clear();
            t.jsonl.clear();
        }
        self.replaced = 0;
    }
}

/// Streams records into the output tables.
pub struct Emitter {
    staging: PathBuf,
    writers: Vec<TableWriter>,
    encoder: Encoder,
    /// Lines of the documents the writer encodes itself, a chunk at a time.
    scratch: Encoded,
    sqlite: Option<sqlite::SqliteWriter>,
    report: report::ReportData,
    /// Whether CSV files are written in CP932 (replacements are counted).
    cp932: bool,
    /// The manifest's document entries, streamed here as they come and
    /// spliced into `manifest.json` at the end, so that memory does not
    /// grow with the corpus.
    manifest_docs: BufWriter<File>,
    manifest_doc_count: usize,
    writeback: Writeback,
    /// Whether `datapackage.json` is staged.
    datapackage: bool,
    /// Where each document's lines lie, for the next `--incremental` run.
    index: Option<reuse::IndexWriter>,
}

/// Starts writing the staged tables to disk while the run goes on, so
/// that the sync before the commit (which makes the tables durable) has
/// little left to do: for large outputs it was a third of the run.
///
/// A background thread syncs every table file each time another
/// [`Writeback::EVERY`] bytes have been appended. Only speed depends on
/// it; the final sync in [`Emitter::finish`] is what guarantees
/// durability.
struct Writeback {
    files: Vec<File>,
    kick: Option<std::sync::mpsc::SyncSender<Vec<File>>>,
    thread: Option<std::thread::JoinHandle<()>>,
    unsynced: usize,
}

impl Writeback {
    const EVERY: usize = 32 << 20;

    fn new() -> Writeback {
        let (kick, work) = std::sync::mpsc::sync_channel::<Vec<File>>(1);
        let thread = std::thread::Builder::new()
            .name("hyokasho-writeback".into())
            .spawn(move || {
                for files in work {
                    for f in files {
                        // Best effort: failures show in the final sync.
                        let _ = f.sync_data();
                    }
                }
            })
            .ok();
        Writeback {
            files: Vec::new(),
            kick: thread.as_ref().map(|_| kick),
            thread,
            unsynced: 0,
        }
    }

    /// Counts bytes appended, and asks for a sync when enough are.
    fn wrote(&mut self, bytes: usize) {
        self.unsynced += bytes;
        if self.unsynced < Self::EVERY {
            return;
        }
        let Some(kick) = &self.kick else { return };
        let files: Vec<File> = self
            .files
            .iter()
            .filter_map(|f| f.try_clone().ok())
            .collect();
        // A sync still running covers most of these bytes: skip, not wait.
        if kick.try_send(files).is_ok() {
            self.unsynced = 0;
        }
    }

    /// Waits for the background thread to stop.
    fn stop(&mut self) {
        self.kick = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The staged file of manifest entries (not one of the output files).
const MANIFEST_DOCS: &str = "manifest.documents.part";

impl Emitter {
    /// Opens every table in `staging`, the folder the run's files are
    /// written to before they are published ([`publish::Staging`]).
    pub fn create(
        staging: &Path,
        formats: &[TableFormat],
        style: CsvStyle,
    ) -> Result<Emitter, EmitError> {
        let staging = staging.to_path_buf();
        let mut writers = Vec::new();
        let mut writeback = Writeback::new();
        for table in schema::TABLES {
            let mut open = |ext: &str| -> Result<BufWriter<File>, EmitError> {
                let path = staging.join(format!("{}.{ext}", table.name));
                let file = File::create(&path).map_err(|source| EmitError::Io { path, source })?;
                if let Ok(clone) = file.try_clone() {
                    writeback.files.push(clone);
                }
                Ok(BufWriter::with_capacity(1 << 16, file))
            };
            let mut header_bytes = 0u64;
            let csv = if formats.contains(&TableFormat::Csv) {
                let mut out = open("csv")?;
                let mut header = Vec::new();
                if style.excel && style.encoding == CsvEncoding::Utf8 {
                    // Japanese Excel reads UTF-8 without a BOM as CP932.
                    header.extend_from_slice("\u{feff}".as_bytes());
                }
                write_csv_line(
                    &mut header,
                    table,
                    style,
                    table.columns.iter().map(|c| c.name.into()),
                )?;
                header_bytes = header.len() as u64;
                out.write_all(&header).map_err(|source| EmitError::Io {
                    path: staging.join(format!("{}.csv", table.name)),
                    source,
                })?;
                Some(out)
            } else {
                None
            };
            let jsonl = if formats.contains(&TableFormat::Jsonl) {
                Some(open("jsonl")?)
            } else {
                None
            };
            let csv_len = header_bytes;
            writers.push(TableWriter {
                table,
                csv,
                jsonl,
                csv_len,
                jsonl_len: 0,
            });
        }
        let datapackage = datapackage::write(&staging, formats, style)?;
        let sqlite = if formats.contains(&TableFormat::Sqlite) {
            Some(sqlite::SqliteWriter::create(
                &staging.join(sqlite::FILE_NAME),
            )?)
        } else {
            None
        };
        let docs_path = staging.join(MANIFEST_DOCS);
        let docs_file = File::create(&docs_path).map_err(|source| EmitError::Io {
            path: docs_path,
            source,
        })?;
        let report = report::ReportData::create(&staging).map_err(|source| EmitError::Io {
            path: staging.clone(),
            source,
        })?;
        Ok(Emitter {
            staging,
            writers,
            encoder: Encoder {
                csv: formats.contains(&TableFormat::Csv),
                jsonl: formats.contains(&TableFormat::Jsonl),
                style,
            },
            scratch: Encoded::default(),
            sqlite,
            report,
            cp932: formats.contains(&TableFormat::Csv) && style.encoding == CsvEncoding::Cp932,
            manifest_docs: BufWriter::with_capacity(1 << 16, docs_file),
            manifest_doc_count: 0,
            writeback,
            datapackage,
            index: None,
        })
    }

    /// Records where each document's lines lie ([`reuse`]), under `tag`,
    /// so that the next run with the same tag can copy them.
    pub fn keep_index(&mut self, tag: &str) -> Result<(), EmitError> {
        let path = self.staging.join(reuse::INDEX);
        let index = reuse::IndexWriter::create(&path, tag)
            .map_err(|source| EmitError::Io { path, source })?;
        self.index = Some(index);
        Ok(())
    }

    /// The bytes written so far to every indexed table file, in the
    /// index's order.
    fn offsets(&self) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.writers.len() * 2);
        for w in &self.writers {
            if w.csv.is_some() {
                out.push(w.csv_len);
            }
            if w.jsonl.is_some() {
                out.push(w.jsonl_len);
            }
        }
        out
    }

    /// Adds a document written since `before` (its [`Emitter::offsets`])
    /// to the index.
    fn index_doc(
        &mut self,
        doc: &DocOutput,
        escaped: bool,
        before: &[u64],
    ) -> Result<(), EmitError> {
        if self.index.is_none() {
            return Ok(());
        }
        let after = self.offsets();
        let spans: Vec<(u64, u64)> = before
            .iter()
            .zip(&after)
            .map(|(b, a)| (*b, a - b))
            .collect();
        if let Some(index) = &mut self.index {
            index
                .add(&doc.document.doc_id, escaped, &spans)
                .map_err(|source| EmitError::Io {
                    path: self.staging.join(reuse::INDEX),
                    source,
                })?;
        }
        Ok(())
    }

    /// Appends a document whose lines, but for its `documents` row, are
    /// copied from the previous set ([`reuse`]); its entry goes to the
    /// manifest and its rows to the report as [`Emitter::write`] does.
    /// The previous set must have been written with the same formats and
    /// style, and `doc` must hold the records the report reads.
    pub fn write_copied(
        &mut self,
        doc: &mut DocOutput,
        previous: &reuse::PreviousSet,
        entry: &reuse::Entry,
    ) -> Result<(), EmitError> {
        let before = self.offsets();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch
            .tables
            .resize_with(schema::TABLES.len(), EncodedTable::default);
        let exts = [self.encoder.csv, self.encoder.jsonl];
        let mut result = Ok(());
        for (i, table) in schema::TABLES.iter().enumerate() {
            let Some(lines) = scratch.tables.get_mut(i) else {
                break;
            };
            lines.csv.clear();
            lines.jsonl.clear();
            if table.name == "documents" {
                // The file may have moved: its row is written afresh.
                result = self
                    .encoder
                    .lines(table, std::slice::from_ref(&doc.document), lines)
                    .map(|_| ());
            } else {
                let mut format = 0;
                for (on, buf) in exts.into_iter().zip([&mut lines.csv, &mut lines.jsonl]) {
                    if on {
                        result =
                            previous
                                .read(entry, i, format, buf)
                                .map_err(|source| EmitError::Io {
                                    path: PathBuf::from(format!("previous {}", table.name)),
                                    source,
                                });
                        format += 1;
                    }
                    if result.is_err() {
                        break;
                    }
                }
            }
            if result.is_err() {
                break;
            }
            result = append(
                &mut self.writers,
                &self.staging,
                &mut self.writeback,
                i,
                lines,
            );
            if result.is_err() {
                break;
            }
        }
        scratch.shed(8 << 20);
        self.scratch = scratch;
        result?;
        self.report.add(doc).map_err(|source| EmitError::Io {
            path: self.staging.join(report::FILE_NAME),
            source,
        })?;
        self.write_manifest_doc(&doc.manifest)?;
        self.index_doc(doc, false, &before)
    }

    /// The encoder for this emitter's formats, for the worker threads.
    pub fn encoder(&self) -> Encoder {
        self.encoder
    }

    /// Appends one document to every table, its entry to the manifest and
    /// its rows to the report. Its lines are `encoded` by a worker
    /// ([`Encoder::encode`]), or for a document that is not
    /// ([`Encoder::encodes_ahead`]), encoded here a chunk at a time. With
    /// CP932 CSV files, the characters replaced are counted in
    /// `doc.manifest` first.
    pub fn write(
        &mut self,
        doc: &mut DocOutput,
        encoded: Option<&Encoded>,
        escaped: bool,
    ) -> Result<(), EmitError> {
        let before = self.offsets();
        let replaced = match encoded {
            Some(encoded) => {
                for (i, lines) in encoded.tables.iter().enumerate() {
                    append(
                        &mut self.writers,
                        &self.staging,
                        &mut self.writeback,
                        i,
                        lines,
                    )?;
                }
                encoded.replaced
            }
            None => {
                let mut scratch = std::mem::take(&mut self.scratch);
                let (writers, staging, writeback) =
                    (&mut self.writers, &self.staging, &mut self.writeback);
                let result = self
                    .encoder
                    .encode_with(doc, &mut scratch, &mut |i, lines| {
                        append(writers, staging, writeback, i, lines)?;
                        lines.csv.clear();
                        lines.jsonl.clear();
                        Ok(())
                    });
                let replaced = scratch.replaced;
                scratch.shed(0);
                self.scratch = scratch;
                result?;
                replaced
            }
        };
        if let Some(db) = &mut self.sqlite {
            doc.records.visit(&doc.document, db)?;
        }
        if self.cp932 {
            doc.manifest.cp932_replacements = Some(replaced);
        }
        self.report.add(doc).map_err(|source| EmitError::Io {
            path: self.staging.join(report::FILE_NAME),
            source,
        })?;
        self.write_manifest_doc(&doc.manifest)?;
        self.index_doc(doc, escaped, &before)
    }

    /// Appends one entry to the manifest's `documents` list, formatted as
    /// `serde_json::to_writer_pretty` formats an element of that list.
    fn write_manifest_doc<D: Serialize>(&mut self, doc: &D) -> Result<(), EmitError> {
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

    /// Writes the manifest and the report, and flushes and syncs every
    /// file; returns the names of the files written, ready to publish.
    /// `manifest` has an empty `documents` list, which is replaced by the
    /// entries of the documents written.
    pub fn finish<M: Serialize>(mut self, manifest: &M) -> Result<Vec<String>, EmitError> {
        self.writeback.stop();
        let mut names = Vec::new();
        let mut tables = Vec::new();
        for w in self.writers {
            let name = w.table.name;
            if let Some(csv) = w.csv {
                tables.push(csv);
                names.push(format!("{name}.csv"));
            }
            if let Some(jsonl) = w.jsonl {
                tables.push(jsonl);
                names.push(format!("{name}.jsonl"));
            }
        }
        sync_all_at_once(tables, &self.staging)?;
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
        if self.datapackage {
            names.push(datapackage::FILE_NAME.into());
        }
        if let Some(db) = self.sqlite {
            db.finish()?;
            names.push(sqlite::FILE_NAME.into());
        }
        let summary = serde_json::to_value(manifest).map_err(|source| EmitError::Json {
            table: report::FILE_NAME.into(),
            source,
        })?;
        let path = self.staging.join(report::FILE_NAME);
        File::create(&path)
            .and_then(|file| {
                let mut w = BufWriter::new(file);
                report::render(&summary, self.report, &mut w)?;
                w.into_inner().map_err(|e| e.into_error())?.sync_all()
            })
            .map_err(|source| EmitError::Io { path, source })?;
        names.push(report::FILE_NAME.into());
        if let Some(index) = self.index {
            let path = self.staging.join(reuse::INDEX);
            index
                .finish()
                .map_err(|source| EmitError::Io { path, source })?;
        }
        // The manifest's parts were spliced into manifest.json.
        drop(self.manifest_docs);
        let _ = fs::remove_file(self.staging.join(MANIFEST_DOCS));
        Ok(names)
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

/// Flushes and syncs the files all at once, one thread each: a sync waits
/// for a journal commit, and syncs issued together share one, where one
/// after another they took a few milliseconds each.
fn sync_all_at_once(files: Vec<BufWriter<File>>, dir: &Path) -> Result<(), EmitError> {
    let io = |source| EmitError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let files = files
        .into_iter()
        .map(|f| f.into_inner().map_err(|e| io(e.into_error())))
        .collect::<Result<Vec<File>, _>>()?;
    std::thread::scope(|scope| {
        let mut syncs = Vec::new();
        for file in &files {
            match std::thread::Builder::new().spawn_scoped(scope, || file.sync_all()) {
                Ok(sync) => syncs.push(sync),
                // No thread to spare: sync here instead.
                Err(_) => file.sync_all().map_err(io)?,
            }
        }
        for sync in syncs {
            sync.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("sync thread failed")))
                .map_err(io)?;
        }
        Ok(())
    })
}

/// Appends the lines of table `i` to its files.
fn append(
    writers: &mut [TableWriter],
    staging: &Path,
    writeback: &mut Writeback,
    i: usize,
    lines: &EncodedTable,
) -> Result<(), EmitError> {
    let w = writers.get_mut(i).ok_or_else(no_such_table)?;
    let io = |ext: &str, source| EmitError::Io {
        path: staging.join(format!("{}.{ext}", w.table.name)),
        source,
    };
    if let Some(csv) = &mut w.csv {
        csv.write_all(&lines.csv).map_err(|e| io("csv", e))?;
        w.csv_len += lines.csv.len() as u64;
    }
    if let Some(jsonl) = &mut w.jsonl {
        jsonl.write_all(&lines.jsonl).map_err(|e| io("jsonl", e))?;
        w.jsonl_len += lines.jsonl.len() as u64;
    }
    writeback.wrote(lines.csv.len() + lines.jsonl.len());
    Ok(())
}

fn no_such_table() -> EmitError {
    EmitError::Io {
        path: PathBuf::from("schema"),
        source: std::io::Error::other("a record type has no table in the schema"),
    }
}

/// Appends one CSV line in the given style to `out`; returns the CP932
/// replacements made.
fn write_csv_line<'a>(
    out: &mut Vec<u8>,
    table: &Table,
    style: CsvStyle,
    cells: impl Iterator<Item = std::borrow::Cow<'a, str>>,
) -> Result<usize, EmitError> {
    let csv_err = |source| EmitError::Csv {
        table: table.name.into(),
        source,
    };
    let mut line = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(if style.excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    if style.excel {
        line.write_record(cells.map(|c| excel::neutralise(&c).into_owned()))
    } else {
        line.write_record(cells.map(|c| c.into_owned()))
    }
    .map_err(csv_err)?;
    let line = line.into_inner().map_err(|e| EmitError::Io {
        path: PathBuf::from(format!("{}.csv", table.name)),
        source: std::io::Error::other(e.to_string()),
    })?;
    match style.encoding {
        CsvEncoding::Utf8 => {
            out.extend_from_slice(&line);
            Ok(0)
        }
        CsvEncoding::Cp932 => {
            // The csv crate only joins the UTF-8 cells it was given.
            let text = String::from_utf8_lossy(&line);
            Ok(excel::encode_cp932(&text, out))
        }
    }
}

/// A record's value for a column, as the csv crate would write it.
fn cell(record: &serde_json::Value, column: &str) -> std::borrow::Cow<'static, str> {
    use serde_json::Value;
    match record.get(column) {
        None | Some(Value::Null) => "".into(),
        Some(Value::String(s)) => s.clone().into(),
        Some(Value::Bool(b)) => if *b { "true" } else { "false" }.into(),
        Some(other) => other.to_string().into(),
    }
}

/// Where encoded lines go once a chunk of records is done: the table's
/// index in [`schema::TABLES`] and its lines so far.
type Spill<'a> = dyn FnMut(usize, &mut EncodedTable) -> Result<(), EmitError> + 'a;

/// Records encoded between two spills.
const CHUNK_RECORDS: usize = 4096;

/// Encodes every table of a document, a chunk of records at a time.
struct EncodeTables<'a, 'b> {
    encoder: &'a Encoder,
    into: &'a mut Encoded,
    spill: &'a mut Spill<'b>,
    /// CP932 replacements made.
    replaced: usize,
}

impl Visitor for EncodeTables<'_, '_> {
    type Error = EmitError;

    fn table<T: Record>(&mut self, i: usize, records: &[T]) -> Result<(), EmitError> {
        let Some(out) = self.into.tables.get_mut(i) else {
            return Err(no_such_table());
        };
        for chunk in records.chunks(CHUNK_RECORDS) {
            self.replaced += self.encoder.lines(T::TABLE, chunk, out)?;
            (self.spill)(i, out)?;
        }
        Ok(())
    }
}

impl Encoder {
    /// Whether a document is encoded ahead by a worker ([`Encoder::encode`])
    /// or, being far larger than the forms' documents, streamed by the
    /// writer in chunks ([`Emitter::write`] without lines), so that its
    /// lines are never all in memory at once.
    pub fn encodes_ahead(&self, doc: &DocOutput) -> bool {
        let counts = doc.records.counts();
        counts.iter().map(|(_, n)| n).sum::<usize>() <= 16 * CHUNK_RECORDS
    }

    /// Encodes every record of a document into `into` (cleared first).
    pub fn encode(&self, doc: &DocOutput, into: &mut Encoded) -> Result<(), EmitError> {
        self.encode_with(doc, into, &mut |_, _| Ok(()))
    }

    /// Encodes every record of a document into `into`, handing each table's
    /// lines to `spill` after every chunk of records. A panic (a bug) is
    /// turned into an error that names the document, so that it cannot
    /// take down a worker.
    fn encode_with(
        &self,
        doc: &DocOutput,
        into: &mut Encoded,
        spill: &mut Spill<'_>,
    ) -> Result<(), EmitError> {
        let encode = AssertUnwindSafe(|| {
            into.clear();
            into.tables
                .resize_with(schema::TABLES.len(), EncodedTable::default);
            let mut tables = EncodeTables {
                encoder: self,
                into: &mut *into,
                spill: &mut *spill,
                replaced: 0,
            };
            doc.records.visit(&doc.document, &mut tables)?;
            let n = tables.replaced;
            into.replaced = n;
            Ok(())
        });
        catch_unwind(encode).unwrap_or_else(|_| {
            Err(EmitError::Internal {
                doc_id: doc.document.doc_id.clone(),
            })
        })
    }

    /// Appends the CSV and JSONL lines of some records of one table;
    /// returns the CP932 replacements made.
    fn lines<T: Serialize>(
        &self,
        table: &'static Table,
        records: &[T],
        out: &mut EncodedTable,
    ) -> Result<usize, EmitError> {
        let csv_err = |source| EmitError::Csv {
            table: table.name.into(),
            source,
        };
        let mut replaced = 0;
        if self.csv && self.style == CsvStyle::default() {
            for record in records {
                if flat::write(&mut out.csv, record, flat::Format::Csv).is_err() {
                    let mut w = csv::WriterBuilder::new()
                        .has_headers(false)
                        .terminator(csv::Terminator::Any(b'\n'))
                        .from_writer(&mut out.csv);
                    w.serialize(record).map_err(csv_err)?;
                    w.flush().map_err(|source| EmitError::Io {
                        path: PathBuf::from(format!("{}.csv", table.name)),
                        source,
                    })?;
                } else {
                    out.csv.push(b'\n');
                }
            }
        } else if self.csv {
            for record in records {
                let value = serde_json::to_value(record).map_err(|source| EmitError::Json {
                    table: table.name.into(),
                    source,
                })?;
                let cells = table.columns.iter().map(|c| cell(&value, c.name));
                replaced += write_csv_line(&mut out.csv, table, self.style, cells)?;
            }
        }
        if self.jsonl {
            for record in records {
                if flat::write(&mut out.jsonl, record, flat::Format::Json).is_err() {
                    serde_json::to_writer(&mut out.jsonl, record).map_err(|source| {
                        EmitError::Json {
                            table: table.name.into(),
                            source,
                        }
                    })?;
                }
                out.jsonl.push(b'\n');
            }
        }
        Ok(replaced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hyokasho-emit-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_document_streamed_by_the_writer_gives_the_same_tables() {
        use crate::extract::{Records, document::DocumentRecord, rows::RowRecord};
        let doc = || {
            let rows = (0..10_000u32)
                .map(|n| RowRecord {
                    doc_id: "0123456789abcdef".into(),
                    row_no: n + 1,
                    line: n + 1,
                    section: "II",
                    value: Some(format!("値 {n}, \"引用\"")),
                    raw: format!("ラベル\t値 {n}"),
                    ..RowRecord::default()
                })
                .collect();
            let document = DocumentRecord {
                doc_id: "0123456789abcdef".into(),
                status: "ok",
                ..DocumentRecord::default()
            };
            let records = Records {
                rows,
                ..Records::default()
            };
            DocOutput::assemble(document, records, Vec::new())
        };
        let formats = [TableFormat::Csv, TableFormat::Jsonl];
        let tables = |dir: &Path| -> Vec<(String, Vec<u8>)> {
            schema::TABLES
                .iter()
                .flat_map(|t| ["csv", "jsonl"].map(|e| format!("{}.{e}", t.name)))
                .map(|name| (name.clone(), fs::read(dir.join(&name)).unwrap()))
                .collect()
        };
        let ahead = scratch("ahead");
        let mut emitter = Emitter::create(&ahead, &formats, CsvStyle::default()).unwrap();
        let mut encoded = Encoded::default();
        let mut d = doc();
        emitter.encoder().encode(&d, &mut encoded).unwrap();
        emitter.write(&mut d, Some(&encoded), false).unwrap();
        emitter
            .finish(&serde_json::json!({"documents": []}))
            .unwrap();
        let streamed = scratch("streamed");
        let mut emitter = Emitter::create(&streamed, &formats, CsvStyle::default()).unwrap();
        emitter.write(&mut doc(), None, false).unwrap();
        emitter
            .finish(&serde_json::json!({"documents": []}))
            .unwrap();
        let (a, b) = (tables(&ahead), tables(&streamed));
        assert!(
            a.iter()
                .any(|(n, t)| n == "rows.jsonl" && t.len() > 500_000)
        );
        assert_eq!(a, b);
        fs::remove_dir_all(&ahead).unwrap();
        fs::remove_dir_all(&streamed).unwrap();
    }

    #[test]
    fn shed_frees_only_the_buffers_grown_past_the_limit() {
        let mut encoded = Encoded {
            tables: vec![EncodedTable {
                csv: Vec::with_capacity(1000),
                jsonl: Vec::with_capacity(10),
            }],
            replaced: 0,
        };
        encoded.shed(100);
        assert_eq!(encoded.tables[0].csv.capacity(), 0);
        assert!(encoded.tables[0].jsonl.capacity() >= 10);
    }
}
