//! Segmented documents → typed records, one module per table.

mod block;
pub mod changes;
pub mod choices;
pub mod contractors;
pub mod corrections;
pub mod document;
pub mod field;
pub mod files;
pub mod incidents;
pub mod provisions;
pub mod risk_ratings;
pub mod rows;
pub mod systems;
pub mod thresholds;

use crate::diag::Warning;
use crate::segment::Segmented;

/// Every record extracted from one document, table by table.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
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

/// Extracts every record type from a segmented document. The rows are
/// taken, not borrowed: `rows` moves their text into its records once
/// every other extractor has read them, instead of copying it.
pub fn extract(
    doc_id: &str,
    seg: Segmented,
    warnings: &mut Vec<Warning>,
) -> (Records, thresholds::Thresholds) {
    let rows = &seg.rows;
    let form = seg.spec.unwrap_or_else(|| form_by_numerals(rows));
    let files = if form.names_listed {
        files::listed(doc_id, rows)
    } else {
        files::extract(doc_id, rows)
    };
    let file_name = |no: u32| {
        files
            .iter()
            .find(|f| f.file_no == no)
            .and_then(|f| f.name.clone())
    };
    let found = choices::find(rows);
    // In this order: the extractors' warnings are listed in it.
    let systems = if form.names_listed {
        systems::listed(doc_id, rows)
    } else {
        systems::extract(doc_id, rows, warnings)
    };
    let contractors = contractors::extract(doc_id, rows, &file_name, warnings);
    let provisions = provisions::extract(doc_id, rows, &file_name);
    let risk_ratings = risk_ratings::extract(doc_id, rows, form, &found, &file_name, warnings);
    let choices = choices::extract(doc_id, rows, &found);
    let thresholds = thresholds::extract(rows, &found);
    let changes = changes::extract(doc_id, rows, warnings);
    let corrections = corrections::extract(doc_id, rows, warnings);
    let incidents = incidents::extract(doc_id, rows, warnings);
    let records = Records {
        rows: rows::extract(doc_id, seg.rows),
        systems,
        contractors,
        provisions,
        risk_ratings,
        choices,
        changes,
        corrections,
        incidents,
        files,
    };
    (records, thresholds)
}

/// The form a document whose form is not known is read through: 様式2
/// where its risk part is numbered IV, else 様式4.
fn form_by_numerals(rows: &[crate::segment::Row]) -> &'static crate::form::Form {
    use crate::form::{FORMS, Kind};
    use crate::segment::{Part, Section};
    let basic = rows
        .iter()
        .any(|r| r.part == Part::RiskMeasures && r.section == Section::IV);
    let kind = if basic {
        Kind::BasicAssessment
    } else {
        Kind::FullAssessment
    };
    crate::form::versions(kind).next().unwrap_or(&FORMS[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use serde::Serialize;

    /// The header the csv crate derives from a record type's fields.
    fn header_of<T: Serialize + Default>() -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(T::default()).expect("serialize");
        let bytes = w.into_inner().expect("flush");
        String::from_utf8(bytes)
            .expect("utf-8")
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    fn columns(table: &str) -> String {
        let t = schema::table(table).expect("table in schema");
        t.columns
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn record_types_serialise_the_contract_columns() {
        assert_eq!(
            header_of::<document::DocumentRecord>(),
            columns("documents")
        );
        assert_eq!(header_of::<rows::RowRecord>(), columns("rows"));
        assert_eq!(header_of::<systems::System>(), columns("systems"));
        assert_eq!(header_of::<files::FileRecord>(), columns("files"));
        assert_eq!(
            header_of::<contractors::Contractor>(),
            columns("contractors")
        );
        assert_eq!(header_of::<provisions::Provision>(), columns("provisions"));
        assert_eq!(
            header_of::<risk_ratings::RiskRating>(),
            columns("risk_ratings")
        );
        assert_eq!(header_of::<choices::Choice>(), columns("choices"));
        assert_eq!(header_of::<changes::Change>(), columns("changes"));
        assert_eq!(
            header_of::<corrections::Correction>(),
            columns("corrections")
        );
        assert_eq!(header_of::<incidents::Incident>(), columns("incidents"));
        assert_eq!(schema::TABLES.len(), 11);
    }
}
