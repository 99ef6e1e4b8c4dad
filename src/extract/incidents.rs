//! The `incidents` table.

use serde::Serialize;

/// A row of the `incidents` table: 個人情報に関する重大事故について: one row per 事案.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Incident {
    pub doc_id: String,
    pub incident_no: u32,
    pub title: Option<String>,
    pub discovered: Option<String>,
    pub summary: Option<String>,
    pub cause: Option<String>,
    pub impact: Option<String>,
    pub response: Option<String>,
    pub prevention: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
