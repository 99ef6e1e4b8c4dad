//! Bytes → lines of cells, whatever the input format.
//!
//! Text input yields one [`Line`] per non-blank source line, its cells split
//! on tabs. PDF input yields one [`Line`] per visual table row, its cells
//! taken from the ruling-line grid. Everything after this stage sees only
//! [`Line`]s, so segmentation and extraction are shared by both formats.

pub mod pdf;
pub mod quality;
pub mod text;

use crate::diag::{Status, Warning};

/// One source line (text) or one reconstructed table row (PDF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based PDF page of the line's first cell; `None` for text input.
    pub page: Option<u32>,
    /// 1-based line number: in the decoded text, or within the page's
    /// reconstructed lines.
    pub line: u32,
    /// The cells, left to right, as decoded (not yet normalised).
    pub cells: Vec<String>,
}

/// The input formats hyokasho reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Pdf,
}

impl Format {
    /// The value written in `documents.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
        }
    }

    /// Tells the format from the bytes: a PDF starts with `%PDF-` within its
    /// first kilobyte (some writers put junk before it). A file named
    /// `.pdf` is read as PDF too, so that an empty or broken one is reported
    /// as a PDF problem.
    pub fn sniff(bytes: &[u8], file_name: &str) -> Format {
        let head = &bytes[..bytes.len().min(1024)];
        let is_pdf = head.windows(5).any(|w| w == b"%PDF-");
        if is_pdf || file_name.to_ascii_lowercase().ends_with(".pdf") {
            Format::Pdf
        } else {
            Format::Text
        }
    }
}

/// Why a document could not be decoded at all.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("no text: the file holds only blank lines")]
    NoText,
    #[error("not a text document: binary or undecodable content ({detail})")]
    Binary { detail: String },
    #[error("{0}")]
    Pdf(String),
    /// A work limit was exceeded; the message names it.
    #[error("limit exceeded: {0}")]
    Limit(String),
}

/// A decoded document: its lines and what was learnt on the way.
#[derive(Debug)]
pub struct Decoded {
    pub format: Format,
    /// `documents.encoding`: the text encoding, or `pdf`.
    pub encoding: String,
    /// Page count for PDFs.
    pub pages: Option<u32>,
    pub lines: Vec<Line>,
    /// `Ok`, or a lesser status the decoder already knows (partial pages,
    /// no text layer).
    pub status: Status,
    /// Why the status is below `Ok`, where it is.
    pub error: Option<String>,
    pub warnings: Vec<Warning>,
}

pub use crate::limits::Limits;

/// Decodes one document's bytes, within `limits` and the deadline of the
/// current thread's document ([`crate::limits::current_deadline`]).
pub fn decode(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Decoded, DecodeError> {
    let mut decoded = match Format::sniff(bytes, file_name) {
        Format::Text => {
            if bytes.len() as u64 > limits.max_text_bytes {
                return Err(DecodeError::Limit(format!(
                    "the text is larger than the limit of {} bytes (--max-text-bytes)",
                    limits.max_text_bytes
                )));
            }
            decode_text(bytes)?
        }
        Format::Pdf => pdf::decode(bytes, &limits.pdf(crate::limits::current_deadline()))?,
    };
    decoded.warnings.extend(quality::check(&decoded.lines));
    Ok(decoded)
}

fn decode_text(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let doc = text::decode(bytes)?;
    let mut warnings = Vec::new();
    if doc.replaced > 0 {
        warnings.push(Warning::new(
            "undecodable_bytes",
            format!(
                "{} byte sequences could not be decoded as {} and were replaced by U+FFFD",
                doc.replaced, doc.encoding
            ),
        ));
    }
    Ok(Decoded {
        format: Format::Text,
        encoding: doc.encoding.to_string(),
        pages: None,
        lines: doc.lines,
        status: Status::Ok,
        error: None,
        warnings,
    })
}
