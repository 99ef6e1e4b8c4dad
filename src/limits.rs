//! The limits on what one document may cost: one struct, one set of
//! defaults, read by the command line, the pipeline, `manifest.json` and
//! the `--incremental` cache key.
//!
//! Time is checked by every stage through [`out_of_time`], a cheap call
//! that needs no argument: the pipeline sets the document's deadline for
//! the thread that processes it ([`DocumentClock`]), and a stage that
//! loops over lines or rows calls it now and then and stops early when it
//! says so. The pipeline then fails the document, naming the limit. A
//! SIGINT or SIGTERM makes every document's time run out at once, so that
//! a run stops promptly.

use std::cell::Cell;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use crate::decode::pdf::PdfLimits;

/// Bounds on the work and memory one document may cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Larger files are refused unread (`--max-file-bytes`).
    pub max_file_bytes: u64,
    /// Larger text documents are refused before decoding
    /// (`--max-text-bytes`): decoding takes several times a text's size in
    /// memory. PDFs are bounded by the stream and document limits instead.
    pub max_text_bytes: u64,
    /// Largest decoded size of one PDF stream (`--max-stream-bytes`).
    pub max_stream_bytes: usize,
    /// Largest total of a PDF's decoded content streams
    /// (`--max-document-bytes`).
    pub max_document_bytes: usize,
    /// Most indirect objects in one PDF (`--max-objects`).
    pub max_objects: usize,
    /// Most content-stream operators interpreted in one PDF
    /// (`--max-operators`).
    pub max_operators: u64,
    /// Deepest nesting of PDF Form XObjects (not settable: no real form
    /// nests more than a few).
    pub max_xobject_depth: u32,
    /// Seconds one document may take (`--timeout`); `None` for no limit.
    pub timeout: Option<f64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 << 20,
            max_text_bytes: 64 << 20,
            max_stream_bytes: 64 << 20,
            max_document_bytes: 256 << 20,
            max_objects: 1_000_000,
            max_operators: 50_000_000,
            max_xobject_depth: 12,
            timeout: Some(120.0),
        }
    }
}

impl Limits {
    /// The PDF decoder's share of the limits, with a document's deadline.
    pub fn pdf(&self, deadline: Option<Deadline>) -> PdfLimits {
        PdfLimits {
            max_stream_bytes: self.max_stream_bytes,
            max_document_bytes: self.max_document_bytes,
            max_objects: self.max_objects,
            max_operators: self.max_operators,
            max_xobject_depth: self.max_xobject_depth,
            deadline,
        }
    }

    /// Every limit by name, as `manifest.json` records them and as the
    /// cache key compares them: a new limit added here reaches both.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "max_file_bytes": self.max_file_bytes,
            "max_text_bytes": self.max_text_bytes,
            "max_stream_bytes": self.max_stream_bytes,
            "max_document_bytes": self.max_document_bytes,
            "max_objects": self.max_objects,
            "max_operators": self.max_operators,
            "max_xobject_depth": self.max_xobject_depth,
            "timeout_seconds": self.timeout,
        })
    }

    /// The deadline of a document started now.
    pub fn deadline(&self) -> Option<Deadline> {
        self.timeout.map(Deadline::after)
    }
}

/// A point in time after which a document's processing stops, with the
/// limit it came from (for the error message).
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub at: Instant,
    pub seconds: f64,
}

impl Deadline {
    /// The deadline `seconds` from now.
    pub fn after(seconds: f64) -> Deadline {
        let at = Instant::now()
            + Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX / 4);
        Deadline { at, seconds }
    }

    /// Whether the time is up (or the run was interrupted).
    pub fn passed(&self) -> bool {
        interrupted().is_some() || Instant::now() > self.at
    }

    /// What a document whose time is up was stopped by.
    pub fn exceeded(&self) -> String {
        match interrupted() {
            Some(_) => "the run was interrupted".into(),
            None => format!(
                "the document took longer than the time limit of {} s (--timeout)",
                self.seconds
            ),
        }
    }
}

thread_local! {
    /// The deadline of the document this thread is processing.
    static DEADLINE: Cell<Option<Deadline>> = const { Cell::new(None) };
    /// Calls to [`out_of_time`] since the clock was last read.
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// Calls of [`out_of_time`] between two looks at the clock: a stage may
/// call it for every line, and reading the clock costs more than a line.
const CLOCK_EVERY: u32 = 64;

/// Whether the current document's time is up, or the run is interrupted.
/// Cheap: callable for every line or row of a stage's loop.
pub fn out_of_time() -> bool {
    if interrupted().is_some() {
        return true;
    }
    let Some(deadline) = DEADLINE.get() else {
        return false;
    };
    let n = TICKS.get().wrapping_add(1);
    TICKS.set(n);
    n.is_multiple_of(CLOCK_EVERY) && Instant::now() > deadline.at
}

/// The deadline of the document this thread is processing, if any.
pub fn current_deadline() -> Option<Deadline> {
    DEADLINE.get()
}

/// Sets the current thread's document deadline while it lives.
#[must_use = "the deadline holds only while the clock lives"]
pub struct DocumentClock {
    previous: Option<Deadline>,
}

impl DocumentClock {
    /// Starts a document's clock on this thread.
    pub fn start(deadline: Option<Deadline>) -> DocumentClock {
        TICKS.set(0);
        DocumentClock {
            previous: DEADLINE.replace(deadline),
        }
    }
}

impl Drop for DocumentClock {
    fn drop(&mut self) {
        DEADLINE.set(self.previous);
    }
}

/// The signal that interrupted the run, 0 for none.
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// Records that the run was asked to stop (SIGINT, SIGTERM): every
/// document's time runs out, and the run cleans up and exits.
/// Async-signal-safe: one atomic store.
pub fn interrupt(signal: i32) {
    INTERRUPTED.store(signal, Ordering::SeqCst);
}

/// The signal that interrupted the run, if one did.
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(Ordering::Relaxed) {
        0 => None,
        s => Some(s),
    }
}

/// A size on the command line: a number of bytes with an optional binary
/// unit, `K`, `M`, `G` or `T` (`64M` is 64 × 2²⁰ bytes), `B`/`iB` allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl std::str::FromStr for ByteSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (number, unit) = t.split_at(digits);
        let bad = || {
            format!("{s:?} is not a size: write a number of bytes, or one with a unit (64M, 1G)")
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        let unit = unit.trim();
        let unit = unit
            .strip_suffix("iB")
            .or_else(|| unit.strip_suffix('B'))
            .unwrap_or(unit);
        let shift = match unit.to_ascii_uppercase().as_str() {
            "" => 0,
            "K" => 10,
            "M" => 20,
            "G" => 30,
            "T" => 40,
            _ => return Err(bad()),
        };
        n.checked_mul(1 << shift)
            .map(ByteSize)
            .ok_or_else(|| format!("{s:?} is too large"))
    }
}

impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (shift, unit) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] {
            if self.0 >= 1 << shift && self.0.is_multiple_of(1 << shift) {
                return write!(f, "{}{unit}", self.0 >> shift);
            }
        }
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_units() {
        let p = |s: &str| s.parse::<ByteSize>().map(|b| b.0);
        assert_eq!(p("1000"), Ok(1000));
        assert_eq!(p("64M"), Ok(64 << 20));
        assert_eq!(p("1G"), Ok(1 << 30));
        assert_eq!(p("512k"), Ok(512 << 10));
        assert_eq!(p("2MiB"), Ok(2 << 20));
        assert_eq!(p("3KB"), Ok(3 << 10));
        assert!(p("ten").is_err());
        assert!(p("10X").is_err());
        assert!(p("-1").is_err());
        assert!(p("99999999999T").is_err());
        assert_eq!(ByteSize(64 << 20).to_string(), "64M");
        assert_eq!(ByteSize(1000).to_string(), "1000");
    }

    #[test]
    fn the_clock_runs_out_on_its_own_thread_only() {
        assert!(!out_of_time());
        {
            let _clock = DocumentClock::start(Some(Deadline::after(0.0)));
            std::thread::sleep(Duration::from_millis(2));
            // Within CLOCK_EVERY calls the clock is read.
            assert!((0..CLOCK_EVERY).any(|_| out_of_time()));
            assert!(!std::thread::spawn(out_of_time).join().unwrap_or(true));
        }
        assert!((0..CLOCK_EVERY).all(|_| !out_of_time()));
    }

    #[test]
    fn pdf_limits_come_from_the_same_defaults() {
        let l = Limits::default();
        let pdf = l.pdf(None);
        assert_eq!(pdf.max_stream_bytes, l.max_stream_bytes);
        assert_eq!(pdf.max_operators, l.max_operators);
        assert_eq!(
            l.to_json()["max_text_bytes"],
            serde_json::json!(l.max_text_bytes)
        );
    }
}
