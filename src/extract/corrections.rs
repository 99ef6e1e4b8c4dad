//! The `corrections` table.
//!
//! Rows of a correction table (修正等を要する部分とその内容): 対応する評価書の項目 |
//! ページ | 現在の評価書 | 修正案 (…) … | 理由. The columns are mapped by the
//! labels of the header row (by position until one is seen); header rows
//! repeated on later pages and sub-header rows that only repeat a
//! sub-heading (`後期高齢`) are skipped.

use crate::diag::Warning;
use crate::normalize;
use crate::segment::{Part, Row};

crate::record! {
    /// 修正等を要する部分 rows (repeated header rows excluded).
    pub struct Correction in "corrections" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// 1-based order in the document
        pub correction_no: u32,
        /// 対応する評価書の項目
        pub item: Option<String>,
        /// ページ: the page of the assessment the row refers to (the first, for a range)
        pub page_ref: Option<u32>,
        /// 現在の評価書
        pub current: Option<String>,
        /// the first revision column's heading
        pub revision_1_label: Option<String>,
        /// the first revision
        // As written, `変更なし` included; empty for a placeholder (`(記載なし)`).
        pub revision_1: Option<String>,
        /// the second revision column's heading
        pub revision_2_label: Option<String>,
        /// the second revision
        pub revision_2: Option<String>,
        /// the last revision that is not 変更なし, else current
        // The last revision that is not `変更なし` (nor an empty cell), else `current`.
        pub r#final: Option<String>,
        /// the bracketed lead of the reason (【…】)
        // The bracketed lead of the reason, without its brackets (`事務所管課による修正`).
        pub reason_category: Option<String>,
        /// 理由
        // The reason without its bracketed lead (which is in `reason_category`);
        // the whole reason where it has no lead.
        pub reason: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
        /// ページ: the last page of a range (3～5 → 5); empty for a single page
        pub page_ref_last: Option<u32>,
    }
}

/// The columns of a correction table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Item,
    PageRef,
    Current,
    Revision,
    Reason,
}

/// The column a header cell names.
fn column_of(label: &str) -> Option<Col> {
    let t = normalize::compact(label);
    if t.is_empty() {
        None
    } else if t.starts_with("修正") {
        // Before 現在: `修正案(R2.10.26現在)` is a revision.
        Some(Col::Revision)
    } else if t.contains("項目") {
        Some(Col::Item)
    } else if t.contains("ページ") || t.contains('頁') {
        Some(Col::PageRef)
    } else if t.contains("現在") || t.contains("現行") {
        Some(Col::Current)
    } else if t.contains("理由") {
        Some(Col::Reason)
    } else {
        None
    }
}

/// A header row: flagged by the segmenter, or naming 項目 and a 修正 column.
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
    cols.len() >= 3 && cols.contains(&Col::Item) && cols.contains(&Col::Revision)
}

/// The columns of a table, and the labels of its revision columns.
#[derive(Debug, Clone)]
struct Layout {
    cols: Vec<Option<Col>>,
    revision_labels: Vec<String>,
}

impl Layout {
    /// Whether the table has a ページ column.
    fn has_page_column(&self) -> bool {
        self.cols.contains(&Some(Col::PageRef))
    }

    /// The official order, used until a header row is seen.
    fn positional() -> Self {
        Layout {
            cols: vec![
                Some(Col::Item),
                Some(Col::PageRef),
                Some(Col::Current),
                Some(Col::Revision),
                Some(Col::Revision),
                Some(Col::Reason),
            ],
            revision_labels: Vec::new(),
        }
    }

    fn of_header(row: &Row) -> Self {
        let cols: Vec<Option<Col>> = row.cells.iter().map(|c| column_of(c)).collect();
        let revision_labels = row
            .cells
            .iter()
            .zip(&cols)
            .filter(|(_, c)| **c == Some(Col::Revision))
            .map(|(l, _)| l.trim().to_string())
            .collect();
        Layout {
            cols,
            revision_labels,
        }
    }

    /// Same columns and labels, whatever the spacing (a repeated header).
    fn same_as(&self, other: &Layout) -> bool {
        let compact = |l: &Layout| -> Vec<String> {
            l.revision_labels
                .iter()
                .map(|s| normalize::compact(s))
                .collect()
        };
        self.cols == other.cols && compact(self) == compact(other)
    }
}

/// Splits `【事務所管課による修正】 ・誤記の修正` into its lead and the rest.
fn split_reason(s: &str) -> (Option<String>, Option<String>) {
    let t = s.trim();
    if let Some(rest) = t.strip_prefix('【')
        && let Some(end) = rest.find('】')
    {
        let lead = rest[..end].trim();
        let body = rest[end + '】'.len_utf8()..].trim();
        let lead = (!lead.is_empty()).then(|| lead.to_string());
        let body = normalize::non_placeholder(body).map(str::to_string);
        return (lead, body);
    }
    (None, normalize::non_placeholder(t).map(str::to_string))
}

/// The correction records of a correction table, numbered from 1.
pub fn extract(doc_id: &str, rows: &[Row], warnings: &mut Vec<Warning>) -> Vec<Correction> {
    let mut out: Vec<Correction> = Vec::new();
    let mut layout = Layout::positional();
    let mut header_seen = false;
    let mut extra_warned = false;
    for row in rows {
        if row.part != Part::Corrections || row.heading.is_some() {
            continue;
        }
        if row.cells.len() < 2 || row.filled_cells().next().is_none() {
            continue;
        }
        if is_header(row) {
            let new = Layout::of_header(row);
            // A header repeated on a later page keeps the first labels, so
            // that every row of the table carries the same ones.
            if !header_seen || !new.same_as(&layout) {
                layout = new;
            }
            header_seen = true;
            continue;
        }

        let mut item: Option<&str> = None;
        let mut page_ref: Option<&str> = None;
        let mut current: Option<&str> = None;
        let mut reason: Option<&str> = None;
        let mut revisions: Vec<&str> = Vec::new();
        for (cell, col) in row.cells.iter().zip(&layout.cols) {
            let cell = cell.trim();
            let slot = match col {
                Some(Col::Item) => &mut item,
                Some(Col::PageRef) => &mut page_ref,
                Some(Col::Current) => &mut current,
                Some(Col::Reason) => &mut reason,
                Some(Col::Revision) => {
                    revisions.push(cell);
                    continue;
                }
                None => continue,
            };
            if slot.is_none() && !cell.is_empty() {
                *slot = Some(cell);
            }
        }

        let has_content =
            current.is_some() || reason.is_some() || revisions.iter().any(|r| !r.is_empty());
        if !has_content {
            // A sub-header (` | 後期高齢 | | …`), or a row with nothing to read.
            if item.is_some() {
                warnings.push(
                    Warning::new(
                        "continuation_row",
                        "correction row with an item but no content skipped",
                    )
                    .at(row.page, Some(row.line)),
                );
            }
            continue;
        }
        if !header_seen {
            header_seen = true;
            warnings.push(
                Warning::new(
                    "missing_header",
                    "correction table without a header row: columns read by position",
                )
                .at(row.page, Some(row.line)),
            );
        }
        if revisions.len() > 2 && !extra_warned {
            extra_warned = true;
            warnings.push(
                Warning::new(
                    "extra_columns",
                    format!(
                        "correction table with {} revision columns: only the first two are kept (final reads all)",
                        revisions.len()
                    ),
                )
                .at(row.page, Some(row.line)),
            );
        }

        let value = |s: Option<&str>| s.and_then(normalize::non_placeholder).map(str::to_string);
        let current = value(current);
        let final_ = match revisions
            .iter()
            .rev()
            .find(|r| !r.is_empty() && !normalize::is_unchanged(r))
        {
            Some(r) => value(Some(r)),
            None => current.clone(),
        };
        let (reason_category, reason) = match reason {
            Some(r) => split_reason(r),
            None => (None, None),
        };
        let rev = |i: usize| value(revisions.get(i).copied());
        let pages = value(page_ref).and_then(|p| {
            let pages = normalize::page_range(&p);
            if pages.is_none() {
                warnings.push(
                    Warning::new("unreadable_number", format!("ページ \"{p}\" is not a page"))
                        .at(row.page, Some(row.line)),
                );
            }
            pages
        });
        // Every row of the form names its page; one without is most often
        // the rest of the row before, cut where the page broke.
        if value(page_ref).is_none() && layout.has_page_column() {
            warnings.push(
                Warning::new(
                    "row_without_page",
                    "a correction row with no ページ: it may be the continuation of the row before",
                )
                .at(row.page, Some(row.line)),
            );
        }
        let label = |i: usize| layout.revision_labels.get(i).cloned();
        out.push(Correction {
            doc_id: doc_id.to_string(),
            correction_no: out.len() as u32 + 1,
            item: value(item),
            page_ref: pages.map(|p| p.0),
            current,
            revision_1_label: label(0),
            revision_1: rev(0),
            revision_2_label: label(1),
            revision_2: rev(1),
            r#final: final_,
            reason_category,
            reason,
            page: row.page,
            line: row.line,
            page_ref_last: pages.and_then(|p| p.1),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Section;
    use std::sync::Arc;

    fn row(line: u32, cells: &[&str]) -> Row {
        let cells: Vec<String> = cells.iter().map(|c| normalize::normalize_text(c)).collect();
        Row {
            row_no: line,
            page: Some(2),
            line,
            section: Section::Corrections,
            part: crate::segment::Part::Corrections,
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

    fn header(line: u32, spaced: bool) -> Row {
        let (a, b) = if spaced {
            ("修正案 (R2.6.30諮問時)", "修正案 (R2.10.26現在)")
        } else {
            ("修正案（R2.6.30諮問時）", "修正案（R2.10.26現在）")
        };
        row(
            line,
            &[
                "対応する評価書の項目",
                "ページ",
                "現在の評価書",
                a,
                b,
                "理由",
            ],
        )
    }

    #[test]
    fn labels_final_and_reason() {
        let rows = vec![
            header(1, false),
            row(2, &["", "後期高齢", "", "", "", ""]),
            row(
                3,
                &[
                    "I 基本情報 ②事務の内容※",
                    "3",
                    "14 上記に掲げる事務に付随する事務",
                    "14 傷病手当金の支給に係る申請書の提出の受付",
                    "変更なし",
                    "【事務所管課による修正】 ・令和2年5月の条例改正に伴う修正",
                ],
            ),
            header(4, true),
            row(5, &["", "後期高齢", "", "", "", ""]),
            row(
                6,
                &[
                    "委託事項3",
                    "14",
                    "(記載なし)",
                    "(記載なし)",
                    "データ入力(事務センター)",
                    "<p>【部会の意見による修正】</p> <p>・事務の実態に合わせて追加</p>",
                ],
            ),
            row(
                7,
                &["項目", "5", "前", "変更なし", "（変更なし）", "理由だけ"],
            ),
        ];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(got.len(), 3);

        let c = &got[0];
        assert_eq!(c.correction_no, 1);
        assert_eq!(c.item.as_deref(), Some("I 基本情報 ②事務の内容※"));
        assert_eq!((c.page_ref, c.page_ref_last), (Some(3), None));
        assert_eq!(
            c.current.as_deref(),
            Some("14 上記に掲げる事務に付随する事務")
        );
        assert_eq!(c.revision_1_label.as_deref(), Some("修正案(R2.6.30諮問時)"));
        assert_eq!(c.revision_2_label.as_deref(), Some("修正案(R2.10.26現在)"));
        assert_eq!(c.revision_2.as_deref(), Some("変更なし"));
        assert_eq!(
            c.r#final.as_deref(),
            Some("14 傷病手当金の支給に係る申請書の提出の受付")
        );
        assert_eq!(c.reason_category.as_deref(), Some("事務所管課による修正"));
        assert_eq!(
            c.reason.as_deref(),
            Some("・令和2年5月の条例改正に伴う修正")
        );
        assert_eq!((c.page, c.line), (Some(2), 3));

        let c = &got[1];
        assert_eq!(c.correction_no, 2);
        assert_eq!(
            c.revision_1_label.as_deref(),
            Some("修正案(R2.6.30諮問時)"),
            "a repeated header keeps the first labels"
        );
        assert_eq!(c.current, None);
        assert_eq!(c.revision_1, None);
        assert_eq!(c.r#final.as_deref(), Some("データ入力(事務センター)"));
        assert_eq!(c.reason_category.as_deref(), Some("部会の意見による修正"));
        assert_eq!(c.reason.as_deref(), Some("・事務の実態に合わせて追加"));

        let c = &got[2];
        assert_eq!(c.r#final.as_deref(), Some("前"), "all unchanged: current");
        assert_eq!(c.reason_category, None);
        assert_eq!(c.reason.as_deref(), Some("理由だけ"));
    }

    #[test]
    fn a_changed_header_replaces_the_labels() {
        let rows = vec![
            header(1, false),
            row(2, &["a", "1", "x", "y", "z", "r"]),
            row(
                3,
                &[
                    "項目",
                    "ページ",
                    "現行",
                    "修正案(R3.1.1)",
                    "修正案(R3.2.1)",
                    "理由",
                ],
            ),
            row(4, &["b", "2", "x", "y", "変更なし", "r"]),
        ];
        let got = extract("d", &rows, &mut Vec::new());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].r#final.as_deref(), Some("z"));
        assert_eq!(got[1].revision_1_label.as_deref(), Some("修正案(R3.1.1)"));
        assert_eq!(got[1].r#final.as_deref(), Some("y"));
    }

    #[test]
    fn without_a_header_columns_are_positional() {
        let rows = vec![row(9, &["a", "1", "x", "変更なし", "", "【区分】"])];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        assert_eq!(w[0].code, "missing_header");
        assert_eq!(got[0].revision_1_label, None);
        assert_eq!(got[0].r#final.as_deref(), Some("x"));
        assert_eq!(got[0].reason_category.as_deref(), Some("区分"));
        assert_eq!(got[0].reason, None);
    }

    #[test]
    fn reason_split() {
        assert_eq!(
            split_reason("【誤記】\n・修正"),
            (Some("誤記".into()), Some("・修正".into()))
        );
        assert_eq!(split_reason("【未完"), (None, Some("【未完".into())));
    }
}
