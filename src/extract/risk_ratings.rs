//! The `risk_ratings` table.

use serde::Serialize;

/// A row of the `risk_ratings` table: iII: one row per 'リスクへの対策は十分か'.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RiskRating {
    pub doc_id: String,
    pub file_name: Option<String>,
    pub section_no: u32,
    pub section_title: Option<String>,
    pub risk_no: u32,
    pub risk_code: Option<String>,
    pub risk_title: Option<String>,
    pub risk_title_canonical: Option<String>,
    pub rating: Option<String>,
    pub rating_level: Option<u8>,
    pub measures: Option<String>,
    pub page: Option<u32>,
    pub line: u32,
}
