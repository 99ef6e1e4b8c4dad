//! Bytes → lines of cells, whatever the input format.
//!
//! Text input yields one [`Line`] per source line, its cells split on tabs.
//! PDF input yields one [`Line`] per visual table row, its cells taken from
//! the ruling-line grid. Everything after this stage sees only [`Line`]s.

pub mod pdf;

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
