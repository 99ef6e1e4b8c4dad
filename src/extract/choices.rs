//! The `choices` table.

use serde::Serialize;

/// A row of the `choices` table: every bracketed answer to a choice field, anywhere.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Choice {
    pub doc_id: String,
    pub section: &'static str,
    pub path: Option<String>,
    pub label: Option<String>,
    pub value: Option<String>,
    pub option_no: Option<u32>,
    pub options: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
