//! The `rows` table: every source row, lossless.

use serde::{Deserialize, Serialize};

use crate::segment::Row;

/// A row of the `rows` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowRecord {
    pub doc_id: String,
    pub row_no: u32,
    pub page: Option<u32>,
    pub line: u32,
    #[serde(deserialize_with = "crate::intern::deserialize")]
    pub section: crate::intern::Name,
    pub path: Option<String>,
    pub label: Option<String>,
    pub value: Option<String>,
    pub raw: String,
    /// The part of the form, the same key in every form.
    #[serde(deserialize_with = "crate::intern::deserialize")]
    pub part: crate::intern::Name,
}

/// One record per segmented row.
pub fn extract(doc_id: &str, rows: Vec<Row>) -> Vec<RowRecord> {
    rows.into_iter()
        .map(|r| RowRecord {
            doc_id: doc_id.to_string(),
            row_no: r.row_no,
            page: r.page,
            line: r.line,
            section: r.section.as_str(),
            path: non_empty(r.path_string()),
            label: non_empty(r.label),
            value: non_empty(r.value),
            raw: r.raw,
            part: r.part.as_str(),
        })
        .collect()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}
