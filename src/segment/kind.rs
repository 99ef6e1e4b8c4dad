//! Telling what a row stream is: which form (and version) an assessment is
//! in, a standalone change list or correction table, or no assessment.

use std::sync::LazyLock;

use regex::Regex;

use super::Row;
use super::heading::top_section;
use crate::form::{self, Form, Kind};

/// How many rows from the top hold the title.
const TITLE_ROWS: usize = 15;
/// How many rows from the top may hold the `[平成30年5月 様式4]` marker.
const MARKER_ROWS: usize = 60;

/// What a document is.
#[derive(Debug, Clone)]
pub struct Identity {
    pub kind: Kind,
    /// The form named in the title (`全項目評価書`…).
    pub form_name: Option<&'static str>,
    /// The form and version the document is read through; `None` for
    /// tables and unknown documents.
    pub form: Option<&'static Form>,
    /// The form marker as printed (`平成30年5月 様式4`).
    pub form_version: Option<String>,
    /// Why the kind was chosen, for warnings.
    pub evidence: Evidence,
}

/// What the kind was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    Title,
    Marker,
    Headings,
    TableHeader,
    /// Section headings of the forms, but no form they all fit.
    HeadingsOfNoForm,
    /// Nothing of an assessment, change list or correction table.
    Nothing,
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\[［]\s*([^\]］]{0,30}様式\s*([2-4２-４])[^\]］]{0,10})\s*[\]］]")
        .expect("valid regex")
});

/// Identifies a document from its rows: the form its title names, its
/// form marker, the section headings it has, or a table's header row.
pub fn identify(rows: &[Row]) -> Identity {
    let compact = |r: &Row| -> String {
        r.cells
            .join(" ")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let head: Vec<String> = rows.iter().take(TITLE_ROWS).map(compact).collect();
    let marker = rows.iter().take(MARKER_ROWS).find_map(|r| {
        r.cells.iter().find_map(|c| {
            let m = MARKER.captures(c)?;
            let n = m[2].chars().next()?.to_digit(10).or_else(|| {
                // Full-width ２–４.
                m[2].chars().next().map(|c| c as u32 - '０' as u32)
            })?;
            Some((m[1].trim().to_string(), form::by_number(n as u8)?))
        })
    });
    let named = head.iter().find_map(|t| {
        if t.contains("修正等を要する部分") {
            return Some(None);
        }
        form::form_named_in(t).map(Some)
    });
    let by = |kind: Kind, evidence: Evidence, named: Option<&'static str>| {
        let form = version(rows, kind);
        Identity {
            kind,
            form_name: named,
            form,
            form_version: marker.as_ref().map(|(m, _)| m.clone()),
            evidence,
        }
    };
    // A title or marker names the form, but only a document with the
    // form's structure is one: a note or news text that names a form is not.
    let structured = || has_structure(rows);
    match named {
        Some(None) if rows.iter().any(is_correction_header) => {
            return by(Kind::CorrectionTable, Evidence::Title, None);
        }
        Some(Some(f)) if structured() => return by(f.kind, Evidence::Title, Some(f.name)),
        _ => {}
    }
    if let Some((_, kind)) = &marker
        && structured()
    {
        return by(*kind, Evidence::Marker, None);
    }
    match by_headings(rows) {
        Some(Ok(kind)) => return by(kind, Evidence::Headings, None),
        Some(Err(())) => return by(Kind::Unknown, Evidence::HeadingsOfNoForm, None),
        None => {}
    }
    // A change list names the form whose changes it lists.
    let named_form = named.flatten().map(|f| f.name);
    if rows.iter().take(TITLE_ROWS).any(is_change_header) {
        return by(Kind::ChangeList, Evidence::TableHeader, named_form);
    }
    if rows.iter().take(TITLE_ROWS).any(is_correction_header) {
        return by(Kind::CorrectionTable, Evidence::TableHeader, None);
    }
    by(Kind::Unknown, Evidence::Nothing, None)
}

/// Whether the rows have an assessment's structure: two or more of the
/// forms' section headings or cover labels.
fn has_structure(rows: &[Row]) -> bool {
    let mut seen = 0;
    for r in rows {
        let Some(first) = r.cells.iter().find(|c| !c.is_empty()) else {
            continue;
        };
        if top_section(first).is_some()
            || super::heading::cover_label(first).is_some()
            || first == "評価書番号"
        {
            seen += 1;
            if seen >= 2 {
                return true;
            }
        }
    }
    false
}

/// The version of an assessment form a document is in.
fn version(rows: &[Row], kind: Kind) -> Option<&'static Form> {
    let needs_marks = form::versions(kind).any(|f| !f.version_marks.is_empty());
    let text: String = if needs_marks {
        rows.iter()
            .flat_map(|r| r.cells.iter())
            .flat_map(|c| c.chars().filter(|c| !c.is_whitespace()))
            .collect()
    } else {
        String::new()
    };
    form::version_of(kind, &|m| text.contains(m))
}

/// The form whose numerals and parts fit the document's section headings:
/// `Ok(kind)` when one form fits them all and better than the others,
/// `Err` when there are headings but no such form, `None` without headings.
fn by_headings(rows: &[Row]) -> Option<Result<Kind, ()>> {
    let seen: Vec<(Option<&'static str>, form::Part)> = rows
        .iter()
        .filter_map(|r| {
            let first = r.cells.iter().find(|c| !c.is_empty())?;
            let alone = r.filled_cells().count() == 1;
            alone.then(|| top_section(first)).flatten()
        })
        .map(|(s, part)| (s.numeral(), part))
        .filter(|(n, _)| n.is_some())
        .collect();
    if seen.is_empty() {
        return None;
    }
    let mut scores: Vec<(Kind, usize)> = Vec::new();
    for f in form::FORMS {
        let fits = seen
            .iter()
            .filter(|(n, p)| f.parts.iter().any(|s| s.numeral == *n && s.part == *p))
            .count();
        if !scores.iter().any(|(k, _)| *k == f.kind) {
            scores.push((f.kind, fits));
        }
    }
    scores.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    // One form must fit every heading, and better than the others.
    match scores.as_slice() {
        [(k, a), (_, b), ..] if a > b && *a == seen.len() => Some(Ok(*k)),
        _ => Some(Err(())),
    }
}

/// The header row of a 変更箇所 table: 変更日 and 変更前… among three or
/// more cells.
pub fn is_change_header(row: &Row) -> bool {
    // Runs on every row: the cheap test first.
    if row.cells.len() < 3 || !row.cells.iter().any(|c| c == "変更日") {
        return false;
    }
    let cells: Vec<&str> = row.filled_cells().collect();
    cells.len() >= 3 && cells.contains(&"変更日") && cells.iter().any(|c| c.starts_with("変更前"))
}

/// The header row of a correction table (`対応する評価書の項目 | ページ |
/// 現在の評価書 | 修正案…`).
pub fn is_correction_header(row: &Row) -> bool {
    if row.cells.len() < 3 || !row.cells.iter().any(|c| c.starts_with("修正")) {
        return false;
    }
    let cells: Vec<&str> = row.filled_cells().collect();
    cells.len() >= 3
        && cells
            .iter()
            .any(|c| c.contains("評価書の項目") || *c == "項目")
        && cells.iter().any(|c| c.starts_with("修正"))
        && cells
            .iter()
            .any(|c| c.contains("ページ") || c.contains("現在の評価書"))
}

#[cfg(test)]
mod tests {
    use crate::form::{Kind, Part};
    use crate::segment::{Evidence, Segmented};

    fn seg(text: &str) -> Segmented {
        crate::segment::segment_text(text)
    }

    #[test]
    fn the_form_from_its_headings_alone() {
        // 様式3's numerals: IV is 開示請求, V 評価実施手続.
        let s = seg(
            "I 基本情報\nII 特定個人情報ファイルの概要\nIII リスク対策\nIV 開示請求、問合せ\nV 評価実施手続",
        );
        assert_eq!(
            (s.kind, s.evidence),
            (Kind::PriorityAssessment, Evidence::Headings)
        );
        assert_eq!(s.rows[3].part, Part::Disclosure);
        // 様式2's: II and III are the thresholds, IV the risks.
        let s =
            seg("I 関連情報\nII しきい値判断項目\nIII しきい値判断結果\nIV リスク対策\nV 変更箇所");
        assert_eq!(s.kind, Kind::BasicAssessment);
        assert_eq!(s.rows[3].part, Part::RiskMeasures);
        assert_eq!(s.rows[4].part, Part::Changes);
    }

    #[test]
    fn the_form_marker_names_form_and_version() {
        let s = seg(
            "［令和６年４月　様式２］\n評価書番号\t評価書名\n1\t事務\nI 関連情報\n8. 人手を介在させる作業",
        );
        assert_eq!(s.kind, Kind::BasicAssessment);
        assert_eq!(s.form_version.as_deref(), Some("令和6年4月 様式2"));
        assert!(
            s.spec
                .is_some_and(|f| f.all_risks().any(|r| r.code == "HUMAN-R1"))
        );
    }

    #[test]
    fn a_note_that_names_a_form_is_no_assessment() {
        let s = seg(
            "# お知らせ\n重点項目評価書を公表しました。\n詳しくは市のホームページをご覧ください。",
        );
        assert_eq!((s.kind, s.evidence), (Kind::Unknown, Evidence::Nothing));
        assert!(s.rows.iter().all(|r| r.part == Part::Unknown));
    }

    #[test]
    fn headings_that_fit_no_form_are_doubtful() {
        let s = seg("I 基本情報\nII しきい値判断項目\nIII リスク対策\nIV その他のリスク対策");
        assert_eq!(s.evidence, Evidence::HeadingsOfNoForm);
        assert!(s.warnings.iter().any(|w| w.code == "unknown_form"));
    }

    #[test]
    fn a_change_table_without_a_heading_is_found_by_its_header() {
        let s = seg(
            "VI 評価実施手続\n1. 基礎項目評価\n変更日\t項目\t変更前の記載\t変更後の記載\t提出時期\n令和8年3月16日\tI 基本情報\t前\t後\t事前",
        );
        assert_eq!(s.rows[2].part, Part::Changes);
        assert!(s.rows[2].is_header);
        assert_eq!(s.rows[3].part, Part::Changes);
    }
}
