//! The `changes` table.

use serde::Serialize;

/// A row of the `changes` table: 変更箇所 rows: standalone change lists and 別添3.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Change {
    pub doc_id: String,
    pub change_no: u32,
    pub changed_on: Option<String>,
    pub item: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub submission: Option<String>,
    pub explanation: Option<String>,
    pub continuation: bool,
    pub page: Option<u32>,
    pub line: u32,
}
