//! The `systems` table: I.2 システムN, the systems the business uses.

use super::block::parse_block;
use super::field::{Mark, checklist, field, has_marks, split_list};
use crate::diag::Warning;
use crate::normalize::{CHECKED, UNCHECKED, UNKNOWN_BOX};
use crate::segment::{Part, Row};

crate::record! {
    /// I.2 システムN: the systems used by the business.
    pub struct System in "systems" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// N of システムN
        pub system_no: u32,
        /// ①システムの名称
        // ①システムの名称.
        pub name: Option<String>,
        /// ②システムの機能
        // ②システムの機能.
        pub functions: Option<String>,
        /// ③他のシステムとの接続: the checked options in the form's order, joined with ';'
        // ③他のシステムとの接続: the checked options in the form's order,
        // joined with `;`. Boxes whose state the source does not give are
        // not connections.
        pub connections: Option<String>,
        /// the text of the その他 option
        // The text in the parentheses of a checked `その他 (…)`.
        pub other_connection: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
    }
}

/// The options of ③ in the order the form prints them.
const FORM_ORDER: &[&str] = &[
    "情報提供ネットワークシステム",
    "庁内連携システム",
    "住民基本台帳ネットワークシステム",
    "既存住民基本台帳システム",
    "宛名システム等",
    "税務システム",
    "その他",
];

/// What the walk is reading inside a system block.
#[derive(PartialEq)]
enum Reading {
    Nothing,
    /// ③'s options, which may run on in the next rows.
    Connections,
}

/// Extracts the systems of section I.
pub fn extract(doc_id: &str, rows: &[Row], warnings: &mut Vec<Warning>) -> Vec<System> {
    let mut out: Vec<System> = Vec::new();
    let mut current: Option<System> = None;
    let mut connection_text = String::new();
    let mut reading = Reading::Nothing;
    for row in rows.iter().filter(|r| r.part == Part::BasicInfo) {
        if row.heading.is_some() {
            let block = parse_block(&row.label).filter(|b| b.kind == "システム");
            finish(&mut current, &mut connection_text, &mut out, warnings);
            reading = Reading::Nothing;
            if let Some(b) = block {
                current = Some(System {
                    doc_id: doc_id.to_string(),
                    system_no: b.no,
                    page: row.page,
                    line: row.line,
                    ..System::default()
                });
            }
            continue;
        }
        // ③'s options run on in rows of their own, with no label.
        let unlabelled = row
            .cells
            .first()
            .is_none_or(|c| c.is_empty() || c.starts_with([CHECKED, UNCHECKED, UNKNOWN_BOX]));
        let text = row.cells.join(" ");
        if reading == Reading::Connections && unlabelled && has_marks(&text) {
            connection_text.push('\n');
            connection_text.push_str(&text);
            continue;
        }
        let Some(f) = field(row) else {
            continue;
        };
        let (no, label) = f.parts();
        let is_name = label.contains("システムの名称");
        if is_name && current.is_none() {
            // A form with one system and no `システム1` heading.
            let next = out.last().map_or(1, |s| s.system_no + 1);
            current = Some(System {
                doc_id: doc_id.to_string(),
                system_no: next,
                page: row.page,
                line: row.line,
                ..System::default()
            });
        }
        let Some(sys) = current.as_mut() else {
            continue;
        };
        if is_name || (no == Some(1) && sys.name.is_none()) {
            sys.name = f.text();
            reading = Reading::Nothing;
        } else if label.contains("システムの機能") || no == Some(2) && sys.functions.is_none()
        {
            sys.functions = f.text();
            reading = Reading::Nothing;
        } else if label.contains("他のシステムとの接続") || no == Some(3) {
            connection_text = f.value.clone();
            reading = Reading::Connections;
        } else {
            reading = Reading::Nothing;
        }
    }
    finish(&mut current, &mut connection_text, &mut out, warnings);
    check_numbering(&out, warnings);
    out
}

/// The systems of a form that lists them by name (様式2 I.1③
/// システムの名称): one record per name, the other columns empty.
pub fn listed(doc_id: &str, rows: &[Row]) -> Vec<System> {
    let mut out = Vec::new();
    for row in rows
        .iter()
        .filter(|r| r.part == Part::BasicInfo && r.heading.is_none())
    {
        let Some(f) = field(row).filter(|f| f.parts().1.contains("システムの名称")) else {
            continue;
        };
        for name in split_list(&f.value) {
            out.push(System {
                doc_id: doc_id.to_string(),
                system_no: out.len() as u32 + 1,
                name: Some(name),
                page: row.page,
                line: row.line,
                ..System::default()
            });
        }
    }
    out
}

/// Closes the current system: reads its connections and keeps it.
fn finish(
    current: &mut Option<System>,
    connection_text: &mut String,
    out: &mut Vec<System>,
    warnings: &mut Vec<Warning>,
) {
    let Some(mut sys) = current.take() else {
        return;
    };
    let items = checklist(connection_text);
    let mut checked: Vec<(usize, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.mark != Mark::Checked {
            continue;
        }
        let rank = FORM_ORDER
            .iter()
            .position(|o| item.name.starts_with(o))
            .unwrap_or(FORM_ORDER.len() + i);
        if item.name.starts_with("その他") {
            sys.other_connection = item.detail.clone();
        }
        if !checked.iter().any(|(_, n)| *n == item.name) {
            checked.push((rank, item.name.clone()));
        }
    }
    checked.sort_by_key(|(rank, _)| *rank);
    if !checked.is_empty() {
        sys.connections = Some(
            checked
                .into_iter()
                .map(|(_, n)| n)
                .collect::<Vec<_>>()
                .join(";"),
        );
    }
    if !items.is_empty() && items.iter().all(|i| i.mark == Mark::Unknown) {
        warnings.push(
            Warning::new(
                "connections_unknown",
                format!(
                    "システム{}: the checkboxes of ③他のシステムとの接続 carry no checked state in the source; no connection is recorded",
                    sys.system_no
                ),
            )
            .at(sys.page, Some(sys.line)),
        );
    }
    connection_text.clear();
    if sys.name.is_some() || sys.functions.is_some() || sys.connections.is_some() {
        out.push(sys);
    }
}

/// Warns when the systems do not run 1, 2, 3…
fn check_numbering(systems: &[System], warnings: &mut Vec<Warning>) {
    if let Some(first) = systems.first()
        && first.system_no > 1
    {
        warnings.push(
            Warning::new(
                "systems_missing",
                format!(
                    "systems are numbered from {}: システム1–{} are not in the source",
                    first.system_no,
                    first.system_no - 1
                ),
            )
            .at(first.page, Some(first.line)),
        );
    }
}
