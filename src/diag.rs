//! Diagnostics shared by every stage: warnings and document status.

use serde::{Deserialize, Serialize};

/// Something doubtful about a document that did not stop its processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable, machine-readable code (`missing_section`, `unmapped_glyphs`…).
    #[serde(deserialize_with = "crate::intern::deserialize")]
    pub code: crate::intern::Name,
    /// A sentence for a person.
    pub message: String,
    /// 1-based PDF page, where known.
    pub page: Option<u32>,
    /// 1-based line, where known.
    pub line: Option<u32>,
}

impl Warning {
    /// A warning with no location.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
            page: None,
            line: None,
        }
    }

    /// The same warning, located at a page and line.
    pub fn at(mut self, page: Option<u32>, line: Option<u32>) -> Self {
        self.page = page;
        self.line = line;
        self
    }
}

/// How well a document could be read (`documents.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Read whole.
    Ok,
    /// Some parts could not be read; what could be read is in the tables.
    Partial,
    /// No text layer: the document needs OCR.
    NeedsOcr,
    /// Unreadable; `error` says why.
    Failed,
}

impl Status {
    /// The value written in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::NeedsOcr => "needs_ocr",
            Status::Failed => "failed",
        }
    }
}
