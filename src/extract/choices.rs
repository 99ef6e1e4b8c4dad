//! The `choices` table: every bracketed answer to a choice field.
//!
//! A choice field prints its answer in brackets and its options after
//! `<選択肢>`: `[十分である] <選択肢> 1) 特に力を入れている 2) 十分である …`.
//! Renderings move the pieces around: the options sit in the same cell, in
//! the next cells, on the next rows, or before the answer; the label sits
//! in the row's first cell, or on the line above the bracket. [`find`]
//! gathers them into one answer per bracket.

use super::field::{ChoiceAnswer, answers, field, options};
use crate::segment::Row;

crate::record! {
    /// Every bracketed answer to a choice field, anywhere.
    pub struct Choice in "choices" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// the section key, as in rows
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub section: crate::intern::Name,
        /// the headings above the field
        pub path: Option<String>,
        /// the field's label
        // The field's label as written (`①NISC政府機関統一基準群`).
        pub label: Option<String>,
        /// the bracketed answer
        // The bracketed answer; empty when nothing was chosen.
        pub value: Option<String>,
        /// the number of the answer among the options
        // The answer's 1-based number among the options.
        pub option_no: Option<u32>,
        /// the options, joined with ';'
        // The options offered, joined with `;`.
        pub options: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
        /// the part of the form (as rows.part)
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub part: crate::intern::Name,
    }
}

/// One bracketed answer found in the rows.
#[derive(Debug, Clone)]
pub struct Found {
    /// Index of the answer's row in the slice given to [`find`].
    pub row: usize,
    pub label: Option<String>,
    pub answer: ChoiceAnswer,
}

/// Every bracketed answer in the rows, in order.
pub fn find(rows: &[Row]) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        // Answers are bracketed; most rows have none.
        if row.is_header || row.heading.is_some() || !row.cells.iter().any(|c| c.contains('[')) {
            continue;
        }
        let cells: Vec<&str> = row.filled_cells().collect();
        let field_label = field(row).map(|f| f.label.to_string());
        for (ci, cell) in cells.iter().enumerate() {
            for (pos, answer) in answers(cell) {
                let before = &cell[..pos];
                let after = &cell[pos..];
                let mut opts = options(after);
                if opts.is_empty() {
                    opts = options(&cells[ci + 1..].join("\n"));
                }
                if opts.is_empty() {
                    opts = options(before);
                }
                if opts.is_empty() {
                    opts = options(&following_options(&rows[i + 1..]));
                }
                let line_before = before.lines().last().unwrap_or("").trim();
                // A bracket in the middle of a sentence with no options is a
                // note (`[参考]`), not an answer.
                if opts.is_empty() && !line_before.is_empty() {
                    continue;
                }
                // The cover's `[平成30年5月 様式4]` names the form version.
                if opts.is_empty() && row.part == crate::segment::Part::Cover {
                    continue;
                }
                let label = label_above(before)
                    .or_else(|| if ci > 0 { field_label.clone() } else { None })
                    .or_else(|| previous_label(rows, i));
                out.push(Found {
                    row: i,
                    label,
                    answer: ChoiceAnswer {
                        answer,
                        options: opts,
                    },
                });
            }
        }
    }
    out
}

/// The label written on the line before a bracket in the same cell
/// (`使用者数\n[10人以上50人未満]`).
fn label_above(before: &str) -> Option<String> {
    let line = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())?;
    if line.contains(['[', ']']) || line.starts_with("<選択肢>") || options(line).len() > 1 {
        return None;
    }
    Some(line.to_string())
}

/// The text of the rows after an answer that hold only options
/// (`<選択肢>`, `1) 特に力を入れている | 2) 十分である`).
fn following_options(rows: &[Row]) -> String {
    let mut text = String::new();
    for row in rows.iter().take(4) {
        let joined = row.filled_cells().collect::<Vec<_>>().join(" ");
        let t = joined.trim_start();
        let is_options = t.starts_with("<選択肢>")
            || t.split_once(')')
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !is_options {
            break;
        }
        text.push_str(t);
        text.push('\n');
    }
    text
}

/// The label of the row before, when the answer stands alone on its row.
fn previous_label(rows: &[Row], i: usize) -> Option<String> {
    let prev = rows.get(i.checked_sub(1)?)?;
    let only = prev.filled_cells().count() == 1;
    let text = if only {
        prev.filled_cells().next()?
    } else {
        field(prev)?.label
    };
    (!text.contains('[')).then(|| text.to_string())
}

/// Every answer as a `choices` record.
pub fn extract(doc_id: &str, rows: &[Row], found: &[Found]) -> Vec<Choice> {
    found
        .iter()
        .map(|f| {
            let row = &rows[f.row];
            Choice {
                doc_id: doc_id.to_string(),
                section: row.section.as_str(),
                path: Some(row.path_string()).filter(|p| !p.is_empty()),
                label: f.label.clone(),
                value: f.answer.value(),
                option_no: f.answer.option_no(),
                options: (!f.answer.options.is_empty()).then(|| f.answer.options.join(";")),
                page: row.page,
                line: row.line,
                part: row.part.as_str(),
            }
        })
        .collect()
}
