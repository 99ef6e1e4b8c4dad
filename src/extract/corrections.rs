//! The `corrections` table.

use serde::Serialize;

/// A row of the `corrections` table: 修正等を要する部分 rows (repeated header rows excluded).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Correction {
    pub doc_id: String,
    pub correction_no: u32,
    pub item: Option<String>,
    pub page_ref: Option<String>,
    pub current: Option<String>,
    pub revision_1_label: Option<String>,
    pub revision_1: Option<String>,
    pub revision_2_label: Option<String>,
    pub revision_2: Option<String>,
    pub r#final: Option<String>,
    pub reason_category: Option<String>,
    pub reason: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
