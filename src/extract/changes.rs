//! The `changes` table.
//!
//! Rows of 変更箇所 tables: a standalone change list (section `changes`) or
//! the 別添3 of an assessment (section `annex3`). The columns are
//! 変更日 | 項目 | 変更前の記載 | 変更後の記載 | 提出時期 | 提出時期に係る説明;
//! they are mapped by the labels of the table's header row where there is
//! one, else by position. Header rows repeated on later pages are skipped.

use crate::diag::Warning;
use crate::normalize;
use crate::segment::{Part, Row};

crate::record! {
    /// 変更箇所 rows: standalone change lists and 別添3.
    pub struct Change in "changes" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// 1-based order in the document
        pub change_no: u32,
        /// 変更日, ISO 8601
        // 変更日 in ISO; empty where the row has none or it is unreadable.
        pub changed_on: Option<String> as Date,
        /// 項目
        pub item: Option<String>,
        /// 変更前の記載
        pub before: Option<String>,
        /// 変更後の記載
        pub after: Option<String>,
        /// 提出時期: 事前 | 事後
        // 提出時期: `事前` or `事後`.
        pub submission: Option<String>,
        /// 提出時期に係る説明
        pub explanation: Option<String>,
        /// true where the row continues the previous row's item
        // True for a row with no 項目 that continues the row before (see
        // [`extract`]); it holds only its own cells.
        pub continuation: bool,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
    }
}

/// The columns of a 変更箇所 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Date,
    Item,
    Before,
    After,
    Submission,
    Explanation,
}

/// The column order of the official form, used until a header row is seen.
const POSITIONAL: [Col; 6] = [
    Col::Date,
    Col::Item,
    Col::Before,
    Col::After,
    Col::Submission,
    Col::Explanation,
];

/// The column a header cell names.
fn column_of(label: &str) -> Option<Col> {
    let t = normalize::compact(label);
    if t.is_empty() {
        None
    } else if t.contains("説明") {
        Some(Col::Explanation)
    } else if t.starts_with("提出時期") {
        Some(Col::Submission)
    } else if t.starts_with("変更日") || t == "日付" {
        Some(Col::Date)
    } else if t.starts_with("変更前") {
        Some(Col::Before)
    } else if t.starts_with("変更後") {
        Some(Col::After)
    } else if t.contains("項目") {
        Some(Col::Item)
    } else {
        None
    }
}

/// A header row: flagged by the segmenter, or naming 変更日 and 変更前….
fn is_header(row: &Row) -> bool {
    if row.is_header {
        return true;
    }
    // Every filled cell is a column label.
    let Some(cols) = row
        .filled_cells()
        .map(column_of)
        .collect::<Option<Vec<Col>>>()
    else {
        return false;
    };
    cols.len() >= 3 && cols.contains(&Col::Date) && cols.contains(&Col::Before)
}

/// The column of each cell of a header row.
fn layout_of(header: &Row) -> Vec<Option<Col>> {
    header.cells.iter().map(|c| column_of(c)).collect()
}

/// `事前` or `事後` from a 提出時期 cell.
fn submission_of(s: &str) -> Result<Option<&'static str>, ()> {
    let t = normalize::compact(s);
    if normalize::is_placeholder(&t) {
        return Ok(None);
    }
    match (t.contains("事前"), t.contains("事後")) {
        (true, false) => Ok(Some("事前")),
        (false, true) => Ok(Some("事後")),
        _ => Err(()),
    }
}

/// The ISO date of a 変更日 cell: the cell is a date, or holds exactly one.
fn date_of(s: &str) -> Option<String> {
    if let Some(iso) = normalize::iso_if_only_date(s) {
        return Some(iso);
    }
    let found = normalize::find_dates(s);
    match found.as_slice() {
        [(_, d)] => Some(d.to_iso()),
        _ => None,
    }
}

/// The change records of a document's 変更箇所 rows, numbered from 1.
///
/// A row with no 項目 continues the previous row's item (a cell wrapped
/// onto the next printed row) when it has no 変更日 either, or the same
/// 変更日 as the row before (renderers repeat a merged date cell on every
/// row): it gets `continuation = true` and keeps only its own cells.
pub fn extract(doc_id: &str, rows: &[Row], warnings: &mut Vec<Warning>) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    let mut layout: Vec<Option<Col>> = POSITIONAL.iter().copied().map(Some).collect();
    // The 変更日 of the last dated row: ISO where readable, else as written.
    let mut prev_date: Option<String> = None;
    let mut header_seen = false;
    for row in rows {
        if row.part != Part::Changes || row.heading.is_some() {
            continue;
        }
        if row.cells.len() < 2 || row.filled_cells().next().is_none() {
            continue;
        }
        if is_header(row) {
            layout = layout_of(row);
            header_seen = true;
            continue;
        }
        if !header_seen {
            header_seen = true;
            warnings.push(
                Warning::new(
                    "missing_header",
                    "変更箇所 table without a header row: columns read by position",
                )
                .at(row.page, Some(row.line)),
            );
        }
        let mut cells: [Option<&str>; 6] = [None; 6];
        for (cell, col) in row.cells.iter().zip(&layout) {
            if let Some(col) = col {
                let slot = &mut cells[*col as usize];
                if slot.is_none() && !cell.trim().is_empty() {
                    *slot = Some(cell.trim());
                }
            }
        }
        let get = |c: Col| cells[c as usize];
        let text = |c: Col| {
            get(c)
                .and_then(normalize::non_placeholder)
                .map(str::to_string)
        };

        let date_cell = get(Col::Date).and_then(normalize::non_placeholder);
        let changed_on = date_cell.and_then(|d| {
            let iso = date_of(d);
            if iso.is_none() {
                warnings.push(
                    Warning::new("unreadable_date", format!("変更日 \"{d}\" is not a date"))
                        .at(row.page, Some(row.line)),
                );
            }
            iso
        });
        let date_key = changed_on.clone().or_else(|| date_cell.map(str::to_string));
        let item = text(Col::Item);
        let continuation =
            item.is_none() && !out.is_empty() && (date_cell.is_none() || date_key == prev_date);
        if continuation {
            warnings.push(
                Warning::new(
                    "continuation_row",
                    "変更箇所 row without 項目 read as the continuation of the row before",
                )
                .at(row.page, Some(row.line)),
            );
        }
        let submission = match get(Col::Submission).map(submission_of) {
            None | Some(Ok(None)) => None,
            Some(Ok(Some(s))) => Some(s.to_string()),
            Some(Err(())) => {
                warnings.push(
                    Warning::new(
                        "unreadable_submission",
                        format!(
                            "提出時期 \"{}\" is neither 事前 nor 事後",
                            get(Col::Submission).unwrap_or_default()
                        ),
                    )
                    .at(row.page, Some(row.line)),
                );
                None
            }
        };
        if date_key.is_some() {
            prev_date = date_key;
        }
        out.push(Change {
            doc_id: doc_id.to_string(),
            change_no: out.len() as u32 + 1,
            changed_on,
            item,
            before: text(Col::Before),
            after: text(Col::After),
            submission,
            explanation: text(Col::Explanation),
            continuation,
            page: row.page,
            line: row.line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Section;
    use std::sync::Arc;

    fn row(line: u32, section: Section, cells: &[&str]) -> Row {
        let cells: Vec<String> = cells.iter().map(|c| normalize::normalize_text(c)).collect();
        Row {
            row_no: line,
            page: None,
            line,
            section,
            part: match section {
                Section::Changes | Section::Annex3 => crate::segment::Part::Changes,
                _ => crate::segment::Part::Procedure,
            },
            item: 0,
            path: Arc::from(Vec::new()),
            heading: None,
            label: cells.first().cloned().unwrap_or_default(),
            value: String::new(),
            raw: cells.join("\t"),
            cells,
            file_no: 0,
            is_header: false,
        }
    }

    const HEADER: [&str; 6] = [
        "変更日",
        "項目",
        "変更前の記載",
        "変更後の記載",
        "提出時期",
        "提出時期に係る説明",
    ];

    #[test]
    fn rows_by_header_with_iso_dates_and_submission() {
        let mut title = row(1, Section::Changes, &["(別添2)変更箇所(2)"]);
        title.heading = Some(1);
        let rows = vec![
            title,
            row(2, Section::Changes, &HEADER),
            row(
                3,
                Section::Changes,
                &[
                    "令和4年7月22日",
                    "Ⅴ 評価実施手続 1. 基礎項目評価 ②実施日",
                    "令和3年4月1日",
                    "令和4年6月30日",
                    "事後",
                    "評価の再実施のため",
                ],
            ),
            row(
                4,
                Section::Changes,
                &[
                    "<p>令和５年11月22日</p>",
                    "項目B",
                    "—",
                    "後",
                    "<p>事前</p>",
                    "",
                ],
            ),
        ];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].change_no, 1);
        assert_eq!(got[0].changed_on.as_deref(), Some("2022-07-22"));
        assert_eq!(
            got[0].item.as_deref(),
            Some("Ⅴ 評価実施手続 1. 基礎項目評価 ②実施日")
        );
        assert_eq!(got[0].before.as_deref(), Some("令和3年4月1日"));
        assert_eq!(got[0].after.as_deref(), Some("令和4年6月30日"));
        assert_eq!(got[0].submission.as_deref(), Some("事後"));
        assert_eq!(got[0].explanation.as_deref(), Some("評価の再実施のため"));
        assert_eq!(got[0].line, 3);
        assert_eq!(got[1].changed_on.as_deref(), Some("2023-11-22"));
        assert_eq!(got[1].before, None);
        assert_eq!(got[1].submission.as_deref(), Some("事前"));
        assert_eq!(got[1].explanation, None);
    }

    #[test]
    fn header_order_is_followed_and_repeated_headers_skipped() {
        let rows = vec![
            row(
                1,
                Section::Annex3,
                &["項目", "変更日", "変更前の記載", "変更後の記載", "提出時期"],
            ),
            row(
                2,
                Section::Annex3,
                &["I 基本情報", "令和4年3月9日", "前", "後", "事後"],
            ),
            row(
                3,
                Section::Annex3,
                &["項目", "変更日", "変更前の記載", "変更後の記載", "提出時期"],
            ),
            row(
                4,
                Section::Annex3,
                &["II 概要", "令和4年3月9日", "a", "b", "事後"],
            ),
        ];
        let got = extract("d", &rows, &mut Vec::new());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].item.as_deref(), Some("I 基本情報"));
        assert_eq!(got[0].changed_on.as_deref(), Some("2022-03-09"));
        assert_eq!(got[1].change_no, 2);
        assert_eq!(got[1].item.as_deref(), Some("II 概要"));
    }

    #[test]
    fn positions_without_a_header() {
        let rows = vec![row(
            1,
            Section::Changes,
            &["令和4年7月22日", "項目A", "前", "後", "事後", "説明"],
        )];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        assert_eq!(w[0].code, "missing_header");
        assert_eq!(got[0].item.as_deref(), Some("項目A"));
        assert_eq!(got[0].explanation.as_deref(), Some("説明"));
    }

    #[test]
    fn continuation_rows_keep_their_own_fields() {
        let rows = vec![
            row(1, Section::Changes, &HEADER),
            row(
                2,
                Section::Changes,
                &["令和4年7月22日", "項目A", "", "後1", "事後", "x"],
            ),
            row(3, Section::Changes, &["", "", "", "後2", "", ""]),
            row(
                4,
                Section::Changes,
                &["令和4年7月22日", "", "", "後3", "", "x"],
            ),
            row(
                5,
                Section::Changes,
                &["令和5年1月1日", "", "", "後4", "事後", ""],
            ),
            row(6, Section::Changes, &["", "項目B", "", "後5", "事後", ""]),
        ];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        let cont: Vec<bool> = got.iter().map(|c| c.continuation).collect();
        assert_eq!(cont, [false, true, true, false, false]);
        assert_eq!(got[1].changed_on, None, "the date is not copied");
        assert_eq!(got[1].after.as_deref(), Some("後2"));
        assert_eq!(got[2].changed_on.as_deref(), Some("2022-07-22"));
        assert_eq!(got[4].changed_on, None);
        assert_eq!(got[4].item.as_deref(), Some("項目B"));
        assert_eq!(w.iter().filter(|w| w.code == "continuation_row").count(), 2);
    }

    #[test]
    fn unreadable_date_and_submission_warn() {
        let rows = vec![
            row(1, Section::Changes, &HEADER),
            row(
                7,
                Section::Changes,
                &["令和某年", "項目A", "", "後", "随時", ""],
            ),
        ];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        assert_eq!(got[0].changed_on, None);
        assert_eq!(got[0].submission, None);
        let codes: Vec<&str> = w.iter().map(|w| w.code).collect();
        assert_eq!(codes, ["unreadable_date", "unreadable_submission"]);
        assert_eq!(w[0].line, Some(7));
    }

    #[test]
    fn other_sections_are_ignored() {
        let rows = vec![row(
            1,
            Section::VI,
            &["令和4年7月22日", "項目A", "", "", "", ""],
        )];
        assert!(extract("d", &rows, &mut Vec::new()).is_empty());
    }
}
