//! The `warnings` table: every warning of the manifest, one row each, so
//! that doubtful documents can be found with a query.

use crate::diag::Warning;

crate::record! {
    /// Every warning of manifest.json, one row each.
    pub struct WarningRecord in "warnings" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// the warning's code (hyokasho schema lists them with their meaning)
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub code: crate::intern::Name,
        /// what happened, for a person
        pub message: String,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        /// 1-based line of the row concerned, where known
        pub line: Option<u32>,
    }
}

/// One record per warning, in the manifest's order.
pub fn records(doc_id: &str, warnings: &[Warning]) -> Vec<WarningRecord> {
    warnings
        .iter()
        .map(|w| WarningRecord {
            doc_id: doc_id.to_string(),
            code: w.code,
            message: w.message.clone(),
            page: w.page,
            line: w.line,
        })
        .collect()
}
