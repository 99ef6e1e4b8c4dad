//! The `systems` table.

use serde::Serialize;

/// A row of the `systems` table: i.2 システムN: the systems used by the business.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct System {
    pub doc_id: String,
    pub system_no: u32,
    pub name: Option<String>,
    pub functions: Option<String>,
    pub connections: Option<String>,
    pub other_connection: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
