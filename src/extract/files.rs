//! The `files` table.

use serde::Serialize;

/// A row of the `files` table: iI: one row per 特定個人情報ファイル.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FileRecord {
    pub doc_id: String,
    pub file_no: u32,
    pub name: Option<String>,
    pub file_type: Option<String>,
    pub subject_count: Option<String>,
    pub subject_scope: Option<String>,
    pub record_item_count: Option<String>,
    pub holding_start: Option<String>,
    pub department: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
