//! The `provisions` table.

use serde::Serialize;

/// A row of the `provisions` table: iI.5 提供先N / 移転先N with content.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Provision {
    pub doc_id: String,
    pub file_name: Option<String>,
    pub kind: &'static str,
    pub provision_no: u32,
    pub recipient: Option<String>,
    pub legal_basis: Option<String>,
    pub purpose: Option<String>,
    pub information: Option<String>,
    pub subject_count: Option<String>,
    pub subject_scope: Option<String>,
    pub methods: Option<String>,
    pub timing: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
