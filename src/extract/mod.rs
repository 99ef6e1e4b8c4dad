//! Segmented documents → typed records, one module per table.

pub mod changes;
pub mod choices;
pub mod contractors;
pub mod corrections;
pub mod document;
pub mod files;
pub mod incidents;
pub mod provisions;
pub mod risk_ratings;
pub mod rows;
pub mod systems;

use crate::diag::Warning;
use crate::segment::Segmented;

/// Every record extracted from one document, table by table.
#[derive(Debug, Default)]
pub struct Records {
    pub rows: Vec<rows::RowRecord>,
    pub systems: Vec<systems::System>,
    pub files: Vec<files::FileRecord>,
    pub contractors: Vec<contractors::Contractor>,
    pub provisions: Vec<provisions::Provision>,
    pub risk_ratings: Vec<risk_ratings::RiskRating>,
    pub choices: Vec<choices::Choice>,
    pub changes: Vec<changes::Change>,
    pub corrections: Vec<corrections::Correction>,
    pub incidents: Vec<incidents::Incident>,
}

impl Records {
    /// Record counts by table name, for the manifest.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("rows", self.rows.len()),
            ("systems", self.systems.len()),
            ("files", self.files.len()),
            ("contractors", self.contractors.len()),
            ("provisions", self.provisions.len()),
            ("risk_ratings", self.risk_ratings.len()),
            ("choices", self.choices.len()),
            ("changes", self.changes.len()),
            ("corrections", self.corrections.len()),
            ("incidents", self.incidents.len()),
        ]
    }
}

/// Extracts every record type from a segmented document.
pub fn extract(doc_id: &str, seg: &Segmented, _warnings: &mut Vec<Warning>) -> Records {
    Records {
        rows: rows::extract(doc_id, &seg.rows),
        ..Records::default()
    }
}
