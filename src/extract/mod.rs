//! Segmented documents → typed records, one module per table.

mod block;
pub mod changes;
pub mod choices;
mod claims;
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
pub mod warnings;

use crate::diag::Warning;
use crate::schema::{Record, Table};
use crate::segment::Segmented;

/// Walks one document's tables in [`TABLES`] order, each with its records
/// ([`Records::visit`]); how the writers treat every table alike.
pub trait Visitor {
    /// What stops the walk.
    type Error;
    /// Called once per table: `index` is the table's place in [`TABLES`],
    /// `T::TABLE` its description.
    fn table<T: Record>(&mut self, index: usize, records: &[T]) -> Result<(), Self::Error>;
}

/// The list of tables. The first is the document's own row (one per
/// document, held beside the [`Records`]); each other one is a field of
/// [`Records`], named as its table. Adding a table is one line here (and
/// its [`crate::record!`]).
macro_rules! tables {
    ($first:ident: $first_ty:ty, $($name:ident: $ty:ty),* $(,)?) => {
        /// Every table, in the order they are written and documented.
        pub const TABLES: &[Table] = &[*<$first_ty as Record>::TABLE, $(*<$ty as Record>::TABLE),*];

        /// Every record extracted from one document, table by table.
        #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
        pub struct Records {
            $(
                #[doc = concat!("The `", stringify!($name), "` table's records.")]
                pub $name: Vec<$ty>,
            )*
        }

        impl Records {
            /// Record counts by table name, for the manifest (the
            /// document's own row is not counted).
            pub fn counts(&self) -> Vec<(&'static str, usize)> {
                vec![$((<$ty as Record>::TABLE.name, self.$name.len())),*]
            }

            /// Hands every table's records to `visitor`, in [`TABLES`]
            /// order, the document's own row first.
            pub fn visit<V: Visitor>(&self, $first: &$first_ty, visitor: &mut V) -> Result<(), V::Error> {
                let mut index = 0;
                visitor.table(index, std::slice::from_ref($first))?;
                $(
                    index += 1;
                    visitor.table(index, &self.$name)?;
                )*
                let _ = index;
                Ok(())
            }
        }
    };
}

tables! {
    document: document::DocumentRecord,
    rows: rows::RowRecord,
    systems: systems::System,
    files: files::FileRecord,
    contractors: contractors::Contractor,
    provisions: provisions::Provision,
    risk_ratings: risk_ratings::RiskRating,
    choices: choices::Choice,
    changes: changes::Change,
    corrections: corrections::Correction,
    incidents: incidents::Incident,
    warnings: warnings::WarningRecord,
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
        files::extract(doc_id, rows, warnings)
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
    // Past its time, the document is failed by the pipeline: stop here.
    if crate::limits::out_of_time() {
        return (Records::default(), thresholds::Thresholds::default());
    }
    let choices = choices::extract(doc_id, rows, &found);
    let thresholds = thresholds::extract(rows, &found);
    let changes = changes::extract(doc_id, rows, warnings);
    let corrections = corrections::extract(doc_id, rows, warnings);
    let incidents = incidents::extract(doc_id, rows, warnings);
    claims::check(rows, &systems, &risk_ratings, &changes, warnings);
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
        warnings: Vec::new(),
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

    /// Checks every table's record type against its registry entry.
    struct Check(Vec<&'static str>);

    impl Visitor for Check {
        type Error = ();
        fn table<T: Record>(&mut self, index: usize, records: &[T]) -> Result<(), ()> {
            assert!(records.is_empty() || index == 0);
            let t = T::TABLE;
            assert_eq!(TABLES[index].name, t.name);
            let columns: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            // What serde writes is what the registry says, names and order.
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&columns).expect("header");
            let want = String::from_utf8(w.into_inner().expect("flush")).expect("utf-8");
            assert_eq!(header_of::<T>(), want.trim_end(), "{}", t.name);
            assert!(!t.about.is_empty() && t.columns.iter().all(|c| !c.meaning.is_empty()));
            self.0.push(t.name);
            Ok(())
        }
    }

    #[test]
    fn record_types_serialise_the_registry_columns() {
        assert_eq!(
            header_of::<document::DocumentRecord>(),
            "doc_id,source_path,format,encoding,pages,kind,form,assessment_no,title,organization,\
             municipality,published_on,is_draft,status,error,warnings,form_version,\
             threshold_subjects,threshold_subjects_as_of,threshold_handlers,\
             threshold_handlers_as_of,threshold_serious_incident,threshold_result,basic_assessed_on"
        );
        assert_eq!(
            header_of::<corrections::Correction>().split(',').nth(9),
            Some("final"),
            "a raw identifier's column is named without its r#"
        );
        let mut check = Check(Vec::new());
        Records::default()
            .visit(&document::DocumentRecord::default(), &mut check)
            .expect("visit");
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        assert_eq!(check.0, names);
        let counted: Vec<&str> = Records::default().counts().iter().map(|c| c.0).collect();
        assert_eq!(counted, names[1..]);
    }
}
