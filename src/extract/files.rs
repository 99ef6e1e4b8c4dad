//! The `files` table: II, one record per 特定個人情報ファイル.

use super::block::{enclosing_block, enclosing_item};
use super::field::{field, split_list};
use crate::diag::Warning;
use crate::normalize;
use crate::segment::{Part, Row};

crate::record! {
    /// II: one row per 特定個人情報ファイル.
    pub struct FileRecord in "files" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// 1-based order of the file in II
        // 1-based, in the order the files appear in II.
        pub file_no: u32,
        /// 1. 特定個人情報ファイル名
        // 1. 特定個人情報ファイル名.
        pub name: Option<String>,
        /// ①ファイルの種類
        // ①ファイルの種類 (the bracketed answer).
        pub file_type: Option<String>,
        /// ②対象となる本人の数 (a band)
        // ②対象となる本人の数 (a band such as `10万人以上100万人未満`).
        pub subject_count: Option<String>,
        /// ③対象となる本人の範囲
        // ③対象となる本人の範囲.
        pub subject_scope: Option<String>,
        /// ④記録される項目 (a band)
        // ④記録される項目 (a band such as `100項目以上`).
        pub record_item_count: Option<String>,
        /// ⑤保有開始日, ISO 8601
        // ⑤保有開始日, ISO where it reads as a date, else as written.
        pub holding_start: Option<String> as Date,
        /// ⑥事務担当部署
        // ⑥事務担当部署.
        pub department: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
    }
}

/// Extracts the files of section II.
pub fn extract(doc_id: &str, rows: &[Row], warnings: &mut Vec<Warning>) -> Vec<FileRecord> {
    let mut out: Vec<FileRecord> = Vec::new();
    let mut expect_name = false;
    for row in rows.iter().filter(|r| r.part == Part::FileOverview) {
        // The row after `1. 特定個人情報ファイル名` is the name (the segmenter
        // may have read it as a heading).
        if expect_name && !starts_numbered(&row.label) {
            expect_name = false;
            if let Some(file) = out.last_mut()
                && file.name.is_none()
            {
                let name = row.filled_cells().next().unwrap_or("");
                file.name = normalize::non_placeholder(name).map(str::to_string);
                continue;
            }
        }
        if row.heading.is_some() {
            expect_name = normalize::compact(&row.label).contains("特定個人情報ファイル名");
            if expect_name {
                let no = if row.file_no > 0 {
                    row.file_no
                } else {
                    out.len() as u32 + 1
                };
                if out.last().is_none_or(|f| f.file_no != no) {
                    out.push(FileRecord {
                        doc_id: doc_id.to_string(),
                        file_no: no,
                        page: row.page,
                        line: row.line,
                        ..FileRecord::default()
                    });
                }
                // Some renderings put the name in the heading's next cell.
                if let Some(f) = out.last_mut()
                    && f.name.is_none()
                {
                    f.name = normalize::non_placeholder(&row.value).map(str::to_string);
                }
            }
            continue;
        }
        let Some(file) = out.last_mut() else {
            continue;
        };
        // Only the items of 2. 基本情報 describe the file itself; the same
        // labels recur in 委託事項 and 提供先 blocks.
        if enclosing_block(row, &["委託事項", "提供先", "移転先"]).is_some() {
            continue;
        }
        if enclosing_item(row).is_some_and(|(no, _)| no != 2) {
            continue;
        }
        let Some(f) = field(row) else { continue };
        let (_, label) = f.parts();
        let slot = if label.contains("ファイルの種類") {
            &mut file.file_type
        } else if label.contains("対象となる本人の数") {
            &mut file.subject_count
        } else if label.contains("対象となる本人の範囲") {
            &mut file.subject_scope
        } else if label.contains("記録される項目") {
            &mut file.record_item_count
        } else if label.contains("保有開始日") {
            &mut file.holding_start
        } else if label.contains("事務担当部署") {
            &mut file.department
        } else {
            continue;
        };
        if slot.is_some() {
            continue;
        }
        *slot = if label.contains("保有開始日") {
            // A date column: text that is no date stays in rows, with a warning.
            f.text().and_then(|t| {
                let iso = normalize::iso_if_only_date(&t);
                if iso.is_none() {
                    warnings.push(
                        Warning::new(
                            "unreadable_date",
                            format!("保有開始日 \"{t}\" is not a date"),
                        )
                        .at(row.page, Some(row.line)),
                    );
                }
                iso
            })
        } else if label.contains("本人の範囲") || label.contains("事務担当部署") {
            f.text()
        } else {
            f.choice().and_then(|c| c.value()).or_else(|| f.text())
        };
    }
    out
}

/// The files of a form that lists them by name (様式2 I.2
/// 特定個人情報ファイル名): one record per name, the other columns empty.
pub fn listed(doc_id: &str, rows: &[Row]) -> Vec<FileRecord> {
    let mut out = Vec::new();
    let mut item = None;
    for row in rows.iter().filter(|r| r.part == Part::BasicInfo) {
        let text = if row.heading.is_some() {
            item = normalize::compact(&row.label)
                .contains("特定個人情報ファイル名")
                .then_some(row.item);
            row.value.as_str()
        } else if item.is_some() && item == Some(row.item) {
            &row.cells.join("\n")
        } else {
            continue;
        };
        for name in split_list(text) {
            out.push(FileRecord {
                doc_id: doc_id.to_string(),
                file_no: out.len() as u32 + 1,
                name: Some(name),
                page: row.page,
                line: row.line,
                ..FileRecord::default()
            });
        }
    }
    out
}

/// `2. 基本情報`-like: an item heading, not a file name.
fn starts_numbered(label: &str) -> bool {
    let t = label.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && t[digits..].trim_start().starts_with('.')
}
