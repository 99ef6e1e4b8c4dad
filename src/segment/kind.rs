//! Telling what kind of document a row stream is.

use super::Row;

/// `documents.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    FullAssessment,
    PriorityAssessment,
    BasicAssessment,
    ChangeList,
    CorrectionTable,
    Unknown,
}

impl Kind {
    /// The value written in `documents.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FullAssessment => "full_assessment",
            Kind::PriorityAssessment => "priority_assessment",
            Kind::BasicAssessment => "basic_assessment",
            Kind::ChangeList => "change_list",
            Kind::CorrectionTable => "correction_table",
            Kind::Unknown => "unknown",
        }
    }
}

/// How many rows from the top hold the title.
const TITLE_ROWS: usize = 15;

/// Classifies a document from its first rows: a correction table's title,
/// the form named in the title, or a change table's header.
pub fn classify(rows: &[Row]) -> (Kind, Option<&'static str>) {
    let head: Vec<String> = rows
        .iter()
        .take(TITLE_ROWS)
        .map(|r| {
            r.cells
                .join(" ")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect();
    if head.iter().any(|t| t.contains("修正等を要する部分")) {
        return (Kind::CorrectionTable, None);
    }
    const FORMS: [(&str, Kind); 3] = [
        ("全項目評価書", Kind::FullAssessment),
        ("重点項目評価書", Kind::PriorityAssessment),
        ("基礎項目評価書", Kind::BasicAssessment),
    ];
    for t in &head {
        for (name, kind) in FORMS {
            if t.contains(name) {
                return (kind, Some(name));
            }
        }
    }
    if rows.iter().take(TITLE_ROWS).any(is_change_header) {
        return (Kind::ChangeList, None);
    }
    (Kind::Unknown, None)
}

/// The header row of a 変更箇所 table.
pub fn is_change_header(row: &Row) -> bool {
    let cells: Vec<&str> = row.filled_cells().collect();
    cells.len() >= 3 && cells.contains(&"変更日") && cells.iter().any(|c| c.starts_with("変更前"))
}

/// The header row of a correction table (`対応する評価書の項目 | ページ | …`).
pub fn is_correction_header(row: &Row) -> bool {
    let cells: Vec<&str> = row.filled_cells().collect();
    cells.len() >= 3
        && cells.iter().any(|c| c.contains("評価書の項目"))
        && cells.iter().any(|c| c.starts_with("修正"))
}

/// The header row of the table that a standalone document holds.
pub fn is_table_header(row: &Row, kind: Kind) -> bool {
    match kind {
        Kind::ChangeList => is_change_header(row),
        Kind::CorrectionTable => is_correction_header(row),
        _ => false,
    }
}
