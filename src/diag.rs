//! Diagnostics shared by every stage: warnings and document status.
//!
//! Every warning code is listed once, in [`WARNING_CODES`], with what it
//! means and whether it makes the document doubtful. A doubtful warning
//! says that something in the input could not be read or placed: the
//! document cannot be a clean `ok` ([`settle`] makes it `partial`). A note
//! says something about the source (a title repaired, a heading missing in
//! the source itself) while every record is as the source gives it.

use serde::{Deserialize, Serialize};

/// Something doubtful about a document that did not stop its processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// A stable, machine-readable code (`missing_section`, `unmapped_glyphs`…).
    #[serde(deserialize_with = "crate::intern::deserialize")]
    pub code: crate::intern::Name,
    /// A sentence for a person.
    pub message: String,
    /// 1-based PDF page, where known.
    pub page: Option<u32>,
    /// 1-based line, where known.
    pub line: Option<u32>,
}

impl Warning {
    /// A warning with no location.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
            page: None,
            line: None,
        }
    }

    /// The same warning, located at a page and line.
    pub fn at(mut self, page: Option<u32>, line: Option<u32>) -> Self {
        self.page = page;
        self.line = line;
        self
    }
}

/// How well a document could be read (`documents.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Read whole.
    Ok,
    /// Some parts could not be read; what could be read is in the tables.
    Partial,
    /// No text layer: the document needs OCR.
    NeedsOcr,
    /// Unreadable; `error` says why.
    Failed,
    /// Not an assessment, change list or correction table (a note, a
    /// README); `error` says why. Not a failure.
    Skipped,
}

impl Status {
    /// The value written in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::NeedsOcr => "needs_ocr",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

/// What a warning says about the document's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// A remark on the source; nothing was lost or guessed.
    Note,
    /// Something could not be read or placed: the document is `partial`.
    Doubtful,
}

impl Severity {
    /// The severity's name in the docs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Doubtful => "doubtful",
        }
    }
}

/// One warning code: its name, severity and meaning (`hyokasho schema`
/// lists them).
#[derive(Debug, Clone, Copy)]
pub struct WarningCode {
    pub code: &'static str,
    pub severity: Severity,
    pub meaning: &'static str,
}

macro_rules! codes {
    ($($code:literal $sev:ident : $meaning:expr),* $(,)?) => {
        &[$(WarningCode { code: $code, severity: Severity::$sev, meaning: $meaning }),*]
    };
}

/// Every warning code hyokasho writes.
pub const WARNING_CODES: &[WarningCode] = codes![
    // Finding inputs.
    "path_not_utf8" Note: "the file's path is not valid UTF-8 (or reads like such a path's escape): source_path writes each byte that is not UTF-8 as \\xHH and each backslash as \\x5C",
    // Decoding.
    "undecodable_bytes" Doubtful: "byte sequences that could not be decoded were replaced by U+FFFD",
    "unmapped_glyphs" Doubtful: "PDF glyphs with no Unicode mapping were written as U+FFFD",
    "page_unreadable" Doubtful: "a PDF page could not be read",
    "pdf_repaired" Note: "the PDF's cross-reference table was damaged and rebuilt",
    "radicals_mapped" Note: "CJK radical code points in a PDF's text layer were read as the kanji they stand for",
    "garbled_text" Doubtful: "the decoded text is implausible for Japanese (symbols, accented Latin, U+FFFD or private use among the kana): a broken text layer",
    "copy_restricted" Note: "the PDF forbids copying text; it was read for analysis all the same",
    // Segmentation.
    "missing_section" Note: "a section has no heading in the source; it was inferred from its first item",
    "municipality_inferred" Note: "no 評価実施機関名: the municipality was read from the text",
    "unknown_form" Doubtful: "the document's section headings fit none of the forms (様式2/3/4) and nothing names its form",
    "unplaced_rows" Doubtful: "rows with the shape of form items stand where no part of the form was recognised",
    // Records.
    "systems_missing" Note: "the systems are not numbered from 1: the first ones are not in the source",
    "connections_unknown" Note: "the source gives no checked state for ③他のシステムとの接続",
    "entrustment_heading_missing" Note: "an entrustment's heading and first items are missing in the source",
    "risk_title_repaired" Note: "a risk's title differs from the form's; the form's title is in risk_title_canonical",
    "rating_missing" Doubtful: "a risk has no リスクへの対策は十分か rating",
    "rating_unreadable" Doubtful: "the answer to リスクへの対策は十分か could not be read",
    "unreadable_date" Doubtful: "a date cell could not be read as a date",
    "unreadable_number" Doubtful: "a cell that holds a number (評価書番号, a correction's ページ) is not one; its text is in rows",
    "unreadable_submission" Doubtful: "a 提出時期 cell is neither 事前 nor 事後",
    "row_without_page" Doubtful: "a correction row with no ページ, which every row of the form has: perhaps the rest of the row before, cut at a page break",
    "continuation_row" Note: "a change row with no 項目 was read as the continuation of the row before",
    "missing_header" Doubtful: "a table without a header row: its columns were read by position",
    "extra_columns" Doubtful: "a correction table has more revision columns than the table keeps",
    "incident_numbers" Note: "事案 numbers are not 1, 2, …: they were renumbered in order",
    "unlabelled_text" Doubtful: "text under an incident outside any known part",
    "unclaimed_row" Doubtful: "a row with the shape of a record (a dated change row, a rating, a system name) that no record took",
    "risk_unmapped" Doubtful: "a rated risk with no place in its form's risk list: its risk_code is empty",
];

/// The registry entry of a code.
pub fn warning_code(code: &str) -> Option<&'static WarningCode> {
    WARNING_CODES.iter().find(|c| c.code == code)
}

/// The status a document ends with: a clean `ok` only when no warning is
/// doubtful; otherwise `partial`, with the doubtful codes in `error`
/// (after any error the document already had). Unknown codes count as
/// doubtful.
pub fn settle(
    status: Status,
    error: Option<String>,
    warnings: &[Warning],
) -> (Status, Option<String>) {
    let mut doubtful: Vec<(&str, usize)> = Vec::new();
    for w in warnings {
        if warning_code(w.code).is_some_and(|c| c.severity == Severity::Note) {
            continue;
        }
        match doubtful.iter_mut().find(|(c, _)| *c == w.code) {
            Some((_, n)) => *n += 1,
            None => doubtful.push((w.code, 1)),
        }
    }
    if doubtful.is_empty() || status != Status::Ok {
        return (status, error);
    }
    let list: Vec<String> = doubtful
        .iter()
        .map(|(c, n)| {
            if *n == 1 {
                c.to_string()
            } else {
                format!("{c} ×{n}")
            }
        })
        .collect();
    let why = format!("doubtful: {} (see warnings)", list.join(", "));
    let error = match error {
        Some(e) => format!("{e}; {why}"),
        None => why,
    };
    (Status::Partial, Some(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_keep_ok_and_doubtful_warnings_make_partial() {
        let note = Warning::new("risk_title_repaired", "t");
        let bad = Warning::new("rating_unreadable", "r");
        assert_eq!(
            settle(Status::Ok, None, std::slice::from_ref(&note)),
            (Status::Ok, None)
        );
        let (s, e) = settle(Status::Ok, None, &[note, bad.clone(), bad]);
        assert_eq!(s, Status::Partial);
        assert_eq!(
            e.as_deref(),
            Some("doubtful: rating_unreadable ×2 (see warnings)")
        );
        assert_eq!(settle(Status::NeedsOcr, None, &[]).0, Status::NeedsOcr);
    }

    /// Every code written anywhere in `src/` is in the registry, and every
    /// registered code is written somewhere: the registry is the list.
    #[test]
    fn every_code_in_the_source_is_registered() {
        let re = regex::Regex::new(r#"Warning::new\(\s*"([a-z0-9_]+)""#).expect("pattern");
        let mut used = std::collections::BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source readable");
                    // Test modules use made-up codes.
                    let text = text.split("#[cfg(test)]").next().unwrap_or("");
                    for c in re.captures_iter(text) {
                        used.insert(c[1].to_string());
                    }
                }
            }
        }
        for code in &used {
            assert!(
                warning_code(code).is_some(),
                "{code} is not in WARNING_CODES"
            );
        }
        for c in WARNING_CODES {
            assert!(
                used.contains(c.code),
                "{} is registered but never written",
                c.code
            );
        }
    }
}
