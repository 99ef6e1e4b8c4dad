//! The `rows` table: every source row, lossless.

use crate::segment::Row;

crate::record! {
    /// Every non-empty source row, normalised, with its place in the form (lossless).
    pub struct RowRecord in "rows" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// 1-based position in the document's row stream
        pub row_no: u32,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
        /// cover, I–VI, annex1–annex3, incidents, changes, corrections
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub section: crate::intern::Name,
        /// the headings above the row, joined with ' > '
        pub path: Option<String>,
        /// the first cell, where the row has several cells or is a heading
        pub label: Option<String>,
        /// the other cells, normalised, joined with ' | '
        pub value: Option<String>,
        /// the source text of the row, cells joined by tabs
        pub raw: String,
        /// the part of the form, the same in every form: cover, basic_info, threshold_items, threshold_result, file_overview, risk_measures, other_risk_measures, disclosure, procedure, annex_business, annex_record_items, changes, corrections, incidents, unknown
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub part: crate::intern::Name,
    }
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
