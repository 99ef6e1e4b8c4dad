//! Reusing the previous run's encoded table lines (`--incremental`).
//!
//! Every set of tables carries a hidden index, `.hyokasho-index`: for each
//! document, where its lines lie in each table file (offset and length).
//! A document the cache holds unchanged need not be decoded from the cache
//! nor encoded again: its lines are copied from the previous files, which
//! stay readable until the new set is published. Only its `documents` row
//! is written afresh, since the file may have moved.
//!
//! The index is used only when it was written with the same tag (the
//! cache key, the formats and the CSV style), so that bytes are copied
//! only into files of the same shape.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use super::TableFormat;

/// The index file's name in a set (hidden: not one of the tables).
pub const INDEX: &str = ".hyokasho-index";

/// The file extensions of the formats whose lines are indexed, in order.
pub fn indexed(formats: &[TableFormat]) -> Vec<&'static str> {
    let mut exts = Vec::new();
    if formats.contains(&TableFormat::Csv) {
        exts.push("csv");
    }
    if formats.contains(&TableFormat::Jsonl) {
        exts.push("jsonl");
    }
    exts
}

/// One document's entry: whether its path was escaped (its lines may then
/// hold a warning about the path), and (offset, length) for each table
/// file, table by table in registry order, formats in [`indexed`] order.
#[derive(Debug, Clone)]
pub struct Entry {
    pub escaped: bool,
    pub spans: Vec<(u64, u64)>,
}

/// Writes a set's index as its documents are written.
pub struct IndexWriter {
    out: BufWriter<File>,
}

impl IndexWriter {
    /// Starts an index with the run's tag.
    pub fn create(path: &Path, tag: &str) -> std::io::Result<IndexWriter> {
        let mut out = BufWriter::new(File::create(path)?);
        writeln!(out, "hyokasho-index 1\t{}", tag.replace(['\n', '\t'], " "))?;
        Ok(IndexWriter { out })
    }

    /// Records one document's spans.
    pub fn add(
        &mut self,
        doc_id: &str,
        escaped: bool,
        spans: &[(u64, u64)],
    ) -> std::io::Result<()> {
        write!(self.out, "{doc_id} {}", u8::from(escaped))?;
        for (start, len) in spans {
            write!(self.out, " {start} {len}")?;
        }
        writeln!(self.out)
    }

    /// Flushes the index to disk.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.flush()?;
        self.out.get_ref().sync_all()
    }
}

/// The previous set's table files and index, to copy lines from.
pub struct PreviousSet {
    /// The files by table (registry order), then format.
    files: Vec<Vec<File>>,
    entries: HashMap<String, Entry>,
}

impl PreviousSet {
    /// Opens the set in `dir` if its index was written with `tag` and
    /// every file it names is there; `None` otherwise (the documents are
    /// then taken from the cache as records).
    pub fn open(dir: &Path, tag: &str, formats: &[TableFormat]) -> Option<PreviousSet> {
        let exts = indexed(formats);
        if exts.is_empty() {
            return None;
        }
        let mut lines = BufReader::new(File::open(dir.join(INDEX)).ok()?).lines();
        let header = lines.next()?.ok()?;
        let expected = format!("hyokasho-index 1\t{}", tag.replace(['\n', '\t'], " "));
        if header != expected {
            return None;
        }
        let mut files = Vec::new();
        for table in crate::schema::TABLES {
            let mut by_format = Vec::new();
            for ext in &exts {
                by_format.push(File::open(dir.join(format!("{}.{ext}", table.name))).ok()?);
            }
            files.push(by_format);
        }
        let width = crate::schema::TABLES.len() * exts.len();
        let mut entries = HashMap::new();
        for line in lines {
            let line = line.ok()?;
            let mut parts = line.split(' ');
            let doc_id = parts.next()?.to_string();
            let escaped = parts.next()? == "1";
            let numbers: Vec<u64> = parts.map(str::parse).collect::<Result<_, _>>().ok()?;
            if numbers.len() != 2 * width {
                return None;
            }
            let spans = numbers.chunks(2).map(|c| (c[0], c[1])).collect();
            entries.insert(doc_id, Entry { escaped, spans });
        }
        Some(PreviousSet { files, entries })
    }

    /// A document's entry, if the previous set holds it.
    pub fn get(&self, doc_id: &str) -> Option<&Entry> {
        self.entries.get(doc_id)
    }

    /// Reads the lines of table `table`, format number `format`, of a
    /// document's entry into `out` (cleared first).
    pub fn read(
        &self,
        entry: &Entry,
        table: usize,
        format: usize,
        out: &mut Vec<u8>,
    ) -> std::io::Result<()> {
        let width = self.files.first().map_or(0, Vec::len);
        let (start, len) = entry
            .spans
            .get(table * width + format)
            .copied()
            .ok_or_else(|| std::io::Error::other("index entry too short"))?;
        let file = self
            .files
            .get(table)
            .and_then(|f| f.get(format))
            .ok_or_else(|| std::io::Error::other("no such table file"))?;
        out.clear();
        out.resize(len as usize, 0);
        read_at(file, out, start)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}
