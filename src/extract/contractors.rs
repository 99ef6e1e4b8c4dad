//! The `contractors` table.

use serde::Serialize;

/// A row of the `contractors` table: iI.4 委託事項N: one row per entrustment with content.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Contractor {
    pub doc_id: String,
    pub file_name: Option<String>,
    pub entrustment_no: u32,
    pub title: Option<String>,
    pub description: Option<String>,
    pub scope: Option<String>,
    pub subject_count: Option<String>,
    pub handler_count: Option<String>,
    pub delivery_methods: Option<String>,
    pub name_check_method: Option<String>,
    pub contractor_name: Option<String>,
    pub contractor_name_normalized: Option<String>,
    pub subcontracting: Option<String>,
    pub subcontract_approval: Option<String>,
    pub subcontract_scope: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
