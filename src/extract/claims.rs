//! Rows that have the shape of a record but that no record took.
//!
//! Extractors read the rows they know where they expect them; a row that
//! looks like a record elsewhere (a dated row under a change-table header
//! that the change reader skipped, a rating outside any risk, a system's
//! name outside a system block) would otherwise be lost without a word.
//! Each gets an `unclaimed_row` warning with its place.

use std::collections::HashSet;

use super::changes::Change;
use super::field::{answers, field};
use super::risk_ratings::RiskRating;
use super::systems::System;
use crate::diag::Warning;
use crate::normalize;
use crate::segment::{Part, Row};

/// Warns about every row of a record's shape that no record took.
pub fn check(
    rows: &[Row],
    systems: &[System],
    risk_ratings: &[RiskRating],
    changes: &[Change],
    warnings: &mut Vec<Warning>,
) {
    let at = |page: Option<u32>, line: u32| (page, line);
    let change_rows: HashSet<_> = changes.iter().map(|c| at(c.page, c.line)).collect();
    let rating_rows: HashSet<_> = risk_ratings.iter().map(|r| at(r.page, r.line)).collect();
    let system_rows: HashSet<_> = systems.iter().map(|s| at(s.page, s.line)).collect();
    let system_names: HashSet<String> = systems
        .iter()
        .filter_map(|s| s.name.as_deref().map(normalize::compact))
        .collect();
    for (i, row) in rows.iter().enumerate() {
        if row.heading.is_some() || row.is_header {
            continue;
        }
        let next = rows.get(i + 1).filter(|n| n.heading.is_none());
        let here = at(row.page, row.line);
        let shape = if row.part == Part::Changes {
            (is_change_row(row) && !change_rows.contains(&here)).then_some("a dated change row")
        } else if row.part.is_table() {
            None
        } else if is_rating_row(row, next) && !rating_rows.contains(&here) {
            Some("a リスクへの対策は十分か rating")
        } else if let Some(name) = system_name(row, next)
            && !system_rows.contains(&here)
            && !system_names.contains(&normalize::compact(&name))
        {
            Some("a システムの名称")
        } else {
            None
        };
        if let Some(what) = shape {
            let text: String = row.filled_cells().collect::<Vec<_>>().join(" | ");
            warnings.push(
                Warning::new(
                    "unclaimed_row",
                    format!(
                        "{what} that no record took: \"{}\"",
                        text.chars().take(60).collect::<String>()
                    ),
                )
                .at(row.page, Some(row.line)),
            );
        }
    }
}

/// A change row: its first cell a date, and at least two more cells.
fn is_change_row(row: &Row) -> bool {
    row.filled_cells().count() >= 3
        && row
            .cells
            .first()
            .is_some_and(|c| normalize::iso_if_only_date(c).is_some())
}

/// A rating: the question in the first cell, and a grade given on its row
/// or on the next line (`【十分である】` under the question), the options
/// offered left out.
fn is_rating_row(row: &Row, next: Option<&Row>) -> bool {
    let Some(first) = row.filled_cells().next() else {
        return false;
    };
    // Every row passes here: the cheap test first.
    if !(first.contains("十分か") && normalize::compact(first).contains("リスクへの対策は十分か"))
    {
        return false;
    }
    let answered = |text: &str| {
        let before_options = text.split("選択肢").next().unwrap_or("");
        ["特に力を入れている", "十分である", "課題が残されている"]
            .iter()
            .any(|g| before_options.contains(g))
    };
    let own: Vec<&str> = row.filled_cells().skip(1).collect();
    answered(&own.join(" "))
        || answers(&row.cells.join(" "))
            .iter()
            .any(|(_, a)| normalize::non_placeholder(a).is_some())
        || (own.is_empty()
            && next.is_some_and(|n| n.filled_cells().count() == 1 && answered(&n.value)))
}

/// The name a `①システムの名称` row gives.
/// The name a `①システムの名称` row gives, beside the label or on the
/// next line.
fn system_name(row: &Row, next: Option<&Row>) -> Option<String> {
    if !row.cells.iter().any(|c| c.contains("システムの名称")) {
        return None;
    }
    if let Some(f) = field(row) {
        let (_, label) = f.parts();
        return (label == "システムの名称").then(|| f.text()).flatten();
    }
    let alone = row.filled_cells().collect::<Vec<_>>();
    let (_, label) = super::field::label_parts(alone.first()?);
    (alone.len() == 1 && label == "システムの名称")
        .then(|| next.filter(|n| n.filled_cells().count() == 1))
        .flatten()
        .and_then(|n| normalize::non_placeholder(&n.value).map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Row> {
        crate::segment::segment_text(text).rows
    }

    #[test]
    fn a_system_name_outside_any_system_is_reported() {
        let rows = rows(
            "全項目評価書\nI 基本情報\n①システムの名称\t宛名システム\n②システムの機能\t宛名の管理",
        );
        let mut w = Vec::new();
        check(&rows, &[], &[], &[], &mut w);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].code, "unclaimed_row");
        assert_eq!(w[0].line, Some(3));
        let taken = System {
            name: Some("宛名システム".into()),
            ..System::default()
        };
        let mut w = Vec::new();
        check(&rows, &[taken], &[], &[], &mut w);
        assert!(w.is_empty());
    }

    #[test]
    fn a_dated_row_under_a_change_header_is_a_change() {
        let rows = rows(
            "変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\n令和4年7月22日\tI 基本情報\t前\t後\t事後",
        );
        let mut w = Vec::new();
        check(&rows, &[], &[], &[], &mut w);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, Some(2));
    }
}
