//! PDF text layers → lines of cells.
//!
//! Two steps: the content-stream interpreter turns each page into a
//! [`page::PageContent`] (text runs with positions, ruling lines), and the
//! layout step turns those into table rows whose cells come from the ruling
//! grid.

pub mod layout;
pub mod page;

use super::{DecodeError, Decoded};

/// Bounds on the work one PDF may cost.
#[derive(Debug, Clone, Default)]
pub struct PdfLimits {}

/// Reads a PDF into lines of cells.
pub fn decode(_bytes: &[u8], _limits: &PdfLimits) -> Result<Decoded, DecodeError> {
    Err(DecodeError::Pdf(
        "PDF input is not supported yet: this build reads text renderings only".into(),
    ))
}
