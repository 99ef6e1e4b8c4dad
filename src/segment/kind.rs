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
    if rows.iter().take(TITLE_ROWS).any(is_change_header) {
        return by(Kind::ChangeList, Evidence::TableHeader, None);
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

/// The form whose numerals and parts fit the document's section headings
/// best: `Ok(kind)` when one form fits better than the others, `Err` when
/// there are headings but no form stands out, `None` without headings.
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
    match scores.as_slice() {
        [(k, a), (_, b), ..] if a > b => Some(Ok(*k)),
        _ => Some(Err(())),
    }
}

/// The header row of a 変更箇所 table: 変更日 and 変更前… among three or
/// more cells.
pub fn is_change_header(row: &Row) -> bool {
    let cells: Vec<&str> = row.filled_cells().collect();
    cells.len() >= 3 && cells.contains(&"変更日") && cells.iter().any(|c| c.starts_with("変更前"))
}

/// The header row of a correction table (`対応する評価書の項目 | ページ |
/// 現在の評価書 | 修正案…`).
pub fn is_correction_header(row: &Row) -> bool {
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
