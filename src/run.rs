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
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};
use std::time::{Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use crate::cache::{Cache, CacheError};
use crate::diag::Warning;
use crate::emit::publish::{OutputLock, Staging};
use crate::emit::reuse::PreviousSet;
use crate::emit::{CsvEncoding, CsvStyle, EmitError, Emitter, Encoded, TableFormat};
use crate::limits::{self, Limits};
use crate::pipeline::{self, DocOutput, ManifestDoc};
use crate::source::{self, SourceError, SourceFile, WalkOptions};

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
    /// The limits on each document: the one struct of [`crate::limits`].
    pub options: Limits,
    /// Reuse the results of documents already processed into this output
    /// folder (`--incremental`); see [`crate::cache`].
    pub incremental: bool,
    /// Follow symbolic links met while walking folders (`--follow`).
    pub follow: bool,
    /// Include and exclude patterns (`--glob`), see [`WalkOptions`].
    pub globs: Vec<String>,
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
    /// The output folder cannot be used (it is a file, or an input).
    #[error("{0}")]
    Output(String),
    /// SIGINT or SIGTERM: the run stopped, and left the output folder as
    /// it was.
    #[error("interrupted by {}: nothing was published; the output folder is as it was", signal_name(*.0))]
    Interrupted(i32),
}

fn signal_name(signal: i32) -> String {
    #[cfg(unix)]
    match signal {
        libc::SIGINT => return "SIGINT".into(),
        libc::SIGTERM => return "SIGTERM".into(),
        _ => {}
    }
    format!("signal {signal}")
}

impl RunError {
    /// The exit status for this error: 128 + the signal for an
    /// interrupted run (as a shell reports it), else 2.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Interrupted(s) => u8::try_from(128 + s).unwrap_or(2),
            _ => 2,
        }
    }
}

/// Makes SIGINT and SIGTERM stop the run cleanly: documents in progress
/// stop at their next time check ([`limits::out_of_time`]), nothing is
/// published, and the staging folder is removed before the process exits
/// with 130 or 143.
pub fn install_signal_handlers() {
    #[cfg(unix)]
    {
        extern "C" fn on_signal(signal: libc::c_int) {
            limits::interrupt(signal);
        }
        for signal in [libc::SIGINT, libc::SIGTERM] {
            // SAFETY: the handler only stores into an atomic, which is
            // async-signal-safe; the sigaction struct is zeroed, then set.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    }
}

/// Counts for the end-of-run summary and `manifest.json`'s totals.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Totals {
    pub documents: usize,
    pub ok: usize,
    pub partial: usize,
    pub needs_ocr: usize,
    pub failed: usize,
    /// Files that are no assessment (`not_an_assessment`): not failures.
    pub skipped: usize,
    pub duplicates: usize,
    /// Documents whose results came from the `--incremental` cache.
    pub reused: usize,
    pub warnings: usize,
    /// Warnings by code.
    pub warning_codes: BTreeMap<String, usize>,
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
    /// The first documents that are not `ok` (skipped ones included), in
    /// output order, at most [`Summary::LISTED`]; `totals` has how many
    /// there are.
    pub not_ok: Vec<NotOk>,
    pub elapsed: std::time::Duration,
}

impl Summary {
    /// How many documents the summary lists by name.
    pub const LISTED: usize = 20;

    /// Whether every document is `ok` or `skipped` (exit status 0).
    pub fn all_ok(&self) -> bool {
        let t = &self.totals;
        t.ok + t.skipped == t.documents
    }
}

/// A document the summary names: its path, status and error.
#[derive(Debug, Clone)]
pub struct NotOk {
    pub source_path: String,
    pub status: &'static str,
    pub error: Option<String>,
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
    check_output(config)?;
    std::fs::create_dir_all(&config.output).map_err(|source| EmitError::Io {
        path: config.output.clone(),
        source,
    })?;
    // One run at a time per output folder; held until the run returns.
    let lock = OutputLock::take(&config.output)?;
    let walk = WalkOptions {
        follow: config.follow,
        globs: config.globs.clone(),
    };
    let files = source::discover(&config.inputs, &[&config.output], &walk)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs.max(1))
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    // Removed when this function returns, unless published.
    let staging = Staging::create(&config.output, &lock)?;
    let mut emitter = Emitter::create(staging.path(), &config.formats, config.csv_style)?;
    // Unchanged documents' lines are copied from the previous set where it
    // has the same shape; not into SQLite (which needs the records), nor
    // into CP932 CSV (whose replacements are counted per document).
    let copyable = !config.formats.contains(&TableFormat::Sqlite)
        && config.csv_style.encoding == CsvEncoding::Utf8;
    let cache = match config.incremental {
        true => {
            let mut cache = Cache::open(&config.output, &config.options)?;
            cache.keep_records(!copyable);
            Some(cache)
        }
        false => None,
    };
    let previous = match &cache {
        Some(cache) if copyable => {
            let tag = format!(
                "{} formats={:?} style={:?}",
                cache.key(),
                config.formats,
                config.csv_style
            );
            emitter.keep_index(&tag)?;
            PreviousSet::open(&config.output, &tag, &config.formats)
        }
        _ => None,
    };

    let max_file_bytes = config.options.max_file_bytes;
    let jobs = pool.install(|| plan(files, max_file_bytes));
    interrupted()?;
    let bar = progress_bar(jobs.len() as u64, config.progress);

    let mut totals = Totals::default();
    let mut not_ok = Vec::new();
    let next = AtomicUsize::new(0);
    // Workers run at most `window` documents ahead of the writer: finished
    // documents wait in memory until written, and without a bound they
    // piled up whenever the writer fell behind (memory grew with the corpus).
    let window = 4 * config.jobs.max(1);
    let written = (Mutex::new(0usize), Condvar::new());
    // A document's encoded lines, or None for one the writer encodes itself
    // or copies from the previous set (then `copied`).
    type Lines = Option<Result<Encoded, EmitError>>;
    let (tx, rx) = mpsc::channel::<(usize, DocOutput, Lines, bool)>();
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
            let (jobs, next, options, cache, written, pool, spare, previous) = (
                &jobs,
                &next,
                &config.options,
                &cache,
                &written,
                &pool,
                &spare,
                &previous,
            );
            let worker = move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    wait_for_writer(written, i, window);
                    if limits::interrupted().is_some() {
                        break;
                    }
                    let copy = !job.file.escaped
                        && previous
                            .as_ref()
                            .and_then(|p| p.get(&job.doc_id))
                            .is_some_and(|e| !e.escaped);
                    let (out, copied) =
                        pool.install(|| process(job, options, cache.as_ref(), copy));
                    let encoded = (!copied && encoder.encodes_ahead(&out)).then(|| {
                        let mut encoded = spare
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .pop()
                            .unwrap_or_default();
                        encoder.encode(&out, &mut encoded).map(|()| encoded)
                    });
                    if tx.send((i, out, encoded, copied)).is_err() {
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
        for (i, out, encoded, copied) in rx {
            pending.insert(i, (out, encoded, copied));
            while let Some((mut out, encoded, copied)) = pending.remove(&expected) {
                bar.inc(1);
                out.manifest.duplicates = jobs[expected].duplicates.clone();
                tally(&mut totals, &out);
                if out.status() != "ok" && not_ok.len() < Summary::LISTED {
                    not_ok.push(NotOk {
                        source_path: out.document.source_path.clone(),
                        status: out.status(),
                        error: out.document.error.clone(),
                    });
                }
                let encoded = match encoded.transpose() {
                    Ok(encoded) => encoded,
                    Err(e) => {
                        write_error.get_or_insert(e);
                        None
                    }
                };
                if write_error.is_none() {
                    let job = &jobs[expected];
                    let entry = previous
                        .as_ref()
                        .and_then(|p| Some((p, p.get(&job.doc_id)?)))
                        .filter(|_| copied);
                    let written = match entry {
                        Some((previous, entry)) => emitter.write_copied(&mut out, previous, entry),
                        None => emitter.write(&mut out, encoded.as_ref(), job.file.escaped),
                    };
                    match written {
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
    interrupted()?;
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
            "limits": config.options.to_json(),
            "incremental": config.incremental,
            "follow": config.follow,
            "globs": config.globs,
        }),
        // The entries were streamed to the emitter as documents finished.
        documents: &[],
        totals: &totals,
    };
    let names = emitter.finish(&manifest)?;
    interrupted()?;
    if let Some(cache) = &cache {
        cache.prune(&jobs.iter().map(|j| j.doc_id.as_str()).collect());
    }
    staging.publish(&names)?;
    drop(lock);
    Ok(Summary {
        totals,
        not_ok,
        elapsed: started.elapsed(),
    })
}

/// Fails if the run was interrupted.
fn interrupted() -> Result<(), RunError> {
    match limits::interrupted() {
        Some(signal) => Err(RunError::Interrupted(signal)),
        None => Ok(()),
    }
}

/// Refuses an output folder that is a file, or that is or holds an input:
/// the run would write its tables among the inputs (and each run replaces
/// the whole output folder).
fn check_output(config: &RunConfig) -> Result<(), RunError> {
    let out = &config.output;
    if out.exists() && !out.is_dir() {
        return Err(RunError::Output(format!(
            "output {} is a file, not a folder: give a folder (-o)",
            out.display()
        )));
    }
    let Ok(real_out) = std::fs::canonicalize(out) else {
        // Not there yet: it holds nothing.
        return Ok(());
    };
    for input in &config.inputs {
        let Ok(real_in) = std::fs::canonicalize(input) else {
            continue;
        };
        if real_in.starts_with(&real_out) {
            let what = if real_in == real_out {
                "is"
            } else {
                "contains"
            };
            return Err(RunError::Output(format!(
                "output folder {} {what} the input {}: each run replaces the whole output folder, \
                 so give one apart from the inputs (-o)",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// One document: from the cache where it holds the document, else through
/// the pipeline (and into the cache). With `copy`, the cache's head is
/// enough (the lines are copied from the previous set); the second value
/// says whether that is what was loaded.
fn process(job: &Job, options: &Limits, cache: Option<&Cache>, copy: bool) -> (DocOutput, bool) {
    let started = Instant::now();
    let display = &job.file.display;
    let head = cache
        .filter(|_| copy)
        .and_then(|c| c.load_head(&job.doc_id, display));
    let copied = head.is_some();
    let mut out = match head.or_else(|| cache.and_then(|c| c.load(&job.doc_id, display))) {
        Some(mut out) => {
            out.manifest.elapsed_ms = started.elapsed().as_millis() as u64;
            out
        }
        None => {
            let out = pipeline::process(&job.file, &job.doc_id, options);
            if let Some(cache) = cache {
                cache.store(&out);
            }
            out
        }
    };
    // Of the path, not of the bytes: never cached.
    if job.file.escaped {
        out.manifest.warnings.push(Warning::new(
            "path_not_utf8",
            "source_path escapes this path's bytes: \\xHH for each byte that is not \
             UTF-8, \\x5C for each backslash",
        ));
        out.document.warnings += 1;
    }
    (out, copied)
}

/// Blocks until fewer than `window` documents before job `i` are unwritten.
/// Job `written` itself never waits, so the writer always gets the document
/// it needs next.
/// Returns early when the run is interrupted: the writer may then never
/// get the documents it waits for.
fn wait_for_writer(written: &(Mutex<usize>, Condvar), i: usize, window: usize) {
    let (count, changed) = written;
    let mut done = count.lock().unwrap_or_else(PoisonError::into_inner);
    while i >= *done + window && limits::interrupted().is_none() {
        done = changed
            .wait_timeout(done, std::time::Duration::from_millis(100))
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// Hashes every file and orders the work by `doc_id`; byte-identical files
/// become one job that lists the other paths. A file that is not regular,
/// or larger than `max_file_bytes`, is not read ([`source::hash`]).
fn plan(files: Vec<SourceFile>, max_file_bytes: u64) -> Vec<Job> {
    let mut hashed: Vec<(String, SourceFile)> = files
        .into_par_iter()
        .map(|file| {
            // A file that cannot be read still needs an id: hash its path
            // instead, so it is reported (as failed) rather than dropped.
            let id = match limits::interrupted() {
                None => source::hash(&file.path, max_file_bytes).ok(),
                Some(_) => None,
            };
            let id = id.unwrap_or_else(|| {
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

fn tally(totals: &mut Totals, out: &DocOutput) {
    totals.documents += 1;
    match out.status() {
        "ok" => totals.ok += 1,
        "partial" => totals.partial += 1,
        "needs_ocr" => totals.needs_ocr += 1,
        "skipped" => totals.skipped += 1,
        _ => totals.failed += 1,
    }
    for w in &out.manifest.warnings {
        *totals.warning_codes.entry(w.code.to_string()).or_default() += 1;
    }
    totals.duplicates += out.manifest.duplicates.len();
    totals.reused += usize::from(out.manifest.reused);
    totals.warnings += out.manifest.warnings.len();
    // The manifest's counts: a document whose lines were copied has its
    // counts, not its records.
    for (table, n) in &out.manifest.counts {
        *totals.records.entry(table).or_default() += n;
    }
}

fn progress_bar(len: u64, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} documents  {rate}  ETA {eta}  {elapsed_precise}",
    ) {
        // indicatif's own {per_sec} shows four decimals.
        let style = style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1}/s", state.per_sec());
            },
        );
        bar.set_style(style);
    }
    bar
}

/// Formats a time as RFC 3339 in UTC (`2026-11-22T13:33:40Z`).
pub fn rfc3339(t: SystemTime) -> String {
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
