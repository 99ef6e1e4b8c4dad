//! A whole run: find the inputs, process them in parallel, write the
//! tables in `doc_id` order.
//!
//! Documents are identified by the hash of their bytes, and the output is
//! sorted by it. So the run hashes every file first (cheap, streaming),
//! sorts the work by `doc_id`, and lets worker threads take documents in
//! that order. A worker processes a document and encodes its table lines
//! ([`crate::emit::Encoder`]); the writer puts results back in order with a
//! small reorder buffer and appends their bytes. Output is byte-identical
//! whatever the number of threads, and memory holds only the documents in
//! flight, not the corpus.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};
use std::time::{Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use crate::cache::{Cache, CacheError};
use crate::emit::{CsvEncoding, CsvStyle, EmitError, Emitter, Encoded, TableFormat};
use crate::pipeline::{self, DocOutput, ManifestDoc, Options};
use crate::source::{self, SourceError, SourceFile};

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub jobs: usize,
    pub formats: Vec<TableFormat>,
    /// How the CSV files are written (exact by default, or for Excel).
    pub csv_style: CsvStyle,
    pub progress: bool,
    pub options: Options,
    /// Reuse the results of documents already processed into this output
    /// folder (`--incremental`); see [`crate::cache`].
    pub incremental: bool,
}

/// Errors that stop a run as a whole (as opposed to one document).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Counts for the end-of-run summary and `manifest.json`'s totals.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Totals {
    pub documents: usize,
    pub ok: usize,
    pub partial: usize,
    pub needs_ocr: usize,
    pub failed: usize,
    pub duplicates: usize,
    /// Documents whose results came from the `--incremental` cache.
    pub reused: usize,
    pub warnings: usize,
    pub records: BTreeMap<&'static str, usize>,
    /// Characters replaced in CP932 CSV files (only with that encoding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cp932_replacements: Option<usize>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    started_at: String,
    finished_at: String,
    options: serde_json::Value,
    documents: &'a [ManifestDoc],
    totals: &'a Totals,
}

/// What a finished run reports.
#[derive(Debug)]
pub struct Summary {
    pub totals: Totals,
    pub elapsed: std::time::Duration,
}

/// The largest encoding buffer kept for reuse (a document's lines for one
/// table): the rows of a typical document take a few hundred kilobytes.
const SPARE_BUFFER_BYTES: usize = 8 << 20;

struct Job {
    doc_id: String,
    file: SourceFile,
    duplicates: Vec<String>,
}

/// Runs an extraction.
pub fn run(config: &RunConfig) -> Result<Summary, RunError> {
    let started = Instant::now();
    let started_at = SystemTime::now();
    let files = source::discover(&config.inputs, &[&config.output])?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs.max(1))
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    // The output folder must be writable before any work is done.
    let mut emitter = Emitter::create(&config.output, &config.formats, config.csv_style)?;
    let cache = match config.incremental {
        true => Some(Cache::open(&config.output, &config.options)?),
        false => None,
    };

    let jobs = pool.install(|| plan(files));
    let bar = progress_bar(jobs.len() as u64, config.progress);

    let mut totals = Totals::default();
    let next = AtomicUsize::new(0);
    // Workers run at most `window` documents ahead of the writer: finished
    // documents wait in memory until written, and without a bound they
    // piled up whenever the writer fell behind (memory grew with the corpus).
    let window = 4 * config.jobs.max(1);
    let written = (Mutex::new(0usize), Condvar::new());
    // A document's encoded lines, or None for one the writer encodes itself.
    type Lines = Option<Result<Encoded, EmitError>>;
    let (tx, rx) = mpsc::channel::<(usize, DocOutput, Lines)>();
    // Encoded documents' buffers, handed back by the writer for reuse: at
    // most `window` plus one per worker are ever in use, so their memory
    // is allocated once, not per document.
    let spare: Mutex<Vec<Encoded>> = Mutex::new(Vec::new());
    let encoder = emitter.encoder();
    let mut write_error = None;
    // The worker loops are plain threads, not rayon tasks: they block in
    // `wait_for_writer`, and a rayon thread waiting in a join (lopdf parses
    // in parallel) may steal a blocked task and so wait on itself. Each
    // document is processed on the pool, which never runs a blocking task.
    let mut spawn_error = None;
    std::thread::scope(|scope| {
        for n in 0..config.jobs.max(1) {
            let tx = tx.clone();
            let (jobs, next, options, cache, written, pool, spare) = (
                &jobs,
                &next,
                &config.options,
                &cache,
                &written,
                &pool,
                &spare,
            );
            let worker = move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    wait_for_writer(written, i, window);
                    let out = pool.install(|| process(job, options, cache.as_ref()));
                    let encoded = encoder.encodes_ahead(&out).then(|| {
                        let mut encoded = spare
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .pop()
                            .unwrap_or_default();
                        encoder.encode(&out, &mut encoded).map(|()| encoded)
                    });
                    if tx.send((i, out, encoded)).is_err() {
                        break;
                    }
                }
            };
            let spawned = std::thread::Builder::new()
                .name(format!("hyokasho-worker-{n}"))
                .spawn_scoped(scope, worker);
            if let Err(e) = spawned {
                // Fewer workers only slow the run; none cannot run it.
                if n == 0 {
                    spawn_error = Some(e.to_string());
                }
                break;
            }
        }
        drop(tx);
        // Results arrive in any order; write them in job order.
        let mut pending = BTreeMap::new();
        let mut expected = 0usize;
        for (i, out, encoded) in rx {
            pending.insert(i, (out, encoded));
            while let Some((mut out, encoded)) = pending.remove(&expected) {
                bar.inc(1);
                out.manifest.duplicates = jobs[expected].duplicates.clone();
                tally(&mut totals, &out);
                let encoded = match encoded.transpose() {
                    Ok(encoded) => encoded,
                    Err(e) => {
                        write_error.get_or_insert(e);
                        None
                    }
                };
                if write_error.is_none() {
                    match emitter.write(&mut out, encoded.as_ref()) {
                        Ok(()) => {
                            if let Some(n) = out.manifest.cp932_replacements {
                                *totals.cp932_replacements.get_or_insert(0) += n;
                            }
                        }
                        Err(e) => write_error = Some(e),
                    }
                }
                if let Some(mut encoded) = encoded {
                    encoded.shed(SPARE_BUFFER_BYTES);
                    spare
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(encoded);
                }
                expected += 1;
                let (count, changed) = &written;
                *count.lock().unwrap_or_else(PoisonError::into_inner) = expected;
                changed.notify_all();
            }
        }
    });
    bar.finish_and_clear();
    if let Some(e) = spawn_error {
        return Err(RunError::Threads(e));
    }
    if let Some(e) = write_error {
        return Err(e.into());
    }
    let manifest = Manifest {
        tool: "hyokasho",
        version: env!("CARGO_PKG_VERSION"),
        started_at: rfc3339(started_at),
        finished_at: rfc3339(SystemTime::now()),
        options: serde_json::json!({
            "inputs": config.inputs.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
            "formats": config.formats.iter().map(|f| match f { TableFormat::Csv => "csv", TableFormat::Jsonl => "jsonl", TableFormat::Sqlite => "sqlite" }).collect::<Vec<_>>(),
            "excel": config.csv_style.excel,
            "csv_encoding": match config.csv_style.encoding { CsvEncoding::Utf8 => "utf-8", CsvEncoding::Cp932 => "cp932" },
            "limits": limits_json(&config.options),
            "incremental": config.incremental,
        }),
        // The entries were streamed to the emitter as documents finished.
        documents: &[],
        totals: &totals,
    };
    emitter.finish(&manifest)?;
    if let Some(cache) = &cache {
        cache.prune(&jobs.iter().map(|j| j.doc_id.as_str()).collect());
    }
    Ok(Summary {
        totals,
        elapsed: started.elapsed(),
    })
}

/// One document: from the cache where it holds the document, else through
/// the pipeline (and into the cache).
fn process(job: &Job, options: &Options, cache: Option<&Cache>) -> DocOutput {
    let started = Instant::now();
    if let Some(mut out) = cache.and_then(|c| c.load(&job.doc_id, &job.file.display)) {
        out.manifest.elapsed_ms = started.elapsed().as_millis() as u64;
        return out;
    }
    let out = pipeline::process(&job.file, &job.doc_id, options);
    if let Some(cache) = cache {
        cache.store(&out);
    }
    out
}

/// The limits of a run as the manifest records them.
fn limits_json(o: &Options) -> serde_json::Value {
    let pdf = &o.limits.pdf;
    serde_json::json!({
        "max_file_bytes": o.max_file_bytes,
        "max_stream_bytes": pdf.max_stream_bytes,
        "max_document_bytes": pdf.max_document_bytes,
        "max_objects": pdf.max_objects,
        "max_operators": pdf.max_operators,
        "timeout_seconds": o.timeout,
    })
}

/// Blocks until fewer than `window` documents before job `i` are unwritten.
/// Job `written` itself never waits, so the writer always gets the document
/// it needs next.
fn wait_for_writer(written: &(Mutex<usize>, Condvar), i: usize, window: usize) {
    let (count, changed) = written;
    let mut done = count.lock().unwrap_or_else(PoisonError::into_inner);
    while i >= *done + window {
        done = changed.wait(done).unwrap_or_else(PoisonError::into_inner);
    }
}

/// Hashes every file and orders the work by `doc_id`; byte-identical files
/// become one job that lists the other paths.
fn plan(files: Vec<SourceFile>) -> Vec<Job> {
    let mut hashed: Vec<(String, SourceFile)> = files
        .into_par_iter()
        .map(|file| {
            // An unreadable file still needs an id: hash its path instead,
            // so it is reported (as failed) rather than dropped.
            let id = hash_file(&file.path).unwrap_or_else(|_| {
                source::doc_id(format!("unreadable:{}", file.display).as_bytes())
            });
            (id, file)
        })
        .collect();
    hashed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut jobs: Vec<Job> = Vec::with_capacity(hashed.len());
    for (doc_id, file) in hashed {
        match jobs.last_mut() {
            Some(last) if last.doc_id == doc_id => last.duplicates.push(file.display),
            _ => jobs.push(Job {
                doc_id,
                file,
                duplicates: Vec::new(),
            }),
        }
    }
    jobs
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(File::open(path)?)?;
    Ok(hasher.finalize().to_hex()[..16].to_string())
}

fn tally(totals: &mut Totals, out: &DocOutput) {
    totals.documents += 1;
    match out.status() {
        "ok" => totals.ok += 1,
        "partial" => totals.partial += 1,
        "needs_ocr" => totals.needs_ocr += 1,
        _ => totals.failed += 1,
    }
    totals.duplicates += out.manifest.duplicates.len();
    totals.reused += usize::from(out.manifest.reused);
    totals.warnings += out.manifest.warnings.len();
    for (table, n) in out.records.counts() {
        *totals.records.entry(table).or_default() += n;
    }
}

fn progress_bar(len: u64, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} documents  {per_sec}  ETA {eta}  {elapsed_precise}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Formats a time as RFC 3339 in UTC (`2026-11-22T13:33:40Z`).
fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_dates() {
        let at = |s| rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_795_354_420), "2026-11-22T13:33:40Z");
    }
}
