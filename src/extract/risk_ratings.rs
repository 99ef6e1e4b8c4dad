//! The `risk_ratings` table: every "リスクへの対策は十分か" of section III.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::block::{enclosing_item, enclosing_risk};
use super::choices::Found;
use super::field::{answers, field};
use crate::diag::Warning;
use crate::form::{self, Form, NotApplicable, RiskNumbering, RiskSpec};
use crate::normalize;
use crate::segment::{Part, Row};

crate::record! {
    /// III: one row per 'リスクへの対策は十分か'.
    pub struct RiskRating in "risk_ratings" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// the 特定個人情報ファイル
        // The 特定個人情報ファイル of the III block.
        pub file_name: Option<String>,
        /// the III section number (2–7)
        // The III section (2–7).
        pub section_no: u32,
        /// the section's title as written
        pub section_title: Option<String>,
        /// N of リスクN (0 for the 委託 block rating)
        // The risk number within the section; 0 for the 委託 block (III.4).
        pub risk_no: u32,
        /// III-<section_no>-R<risk_no>
        // `III-<section_no>-R<risk_no>`.
        pub risk_code: Option<String>,
        /// the risk's title as written
        // The risk's title as the source writes it.
        pub risk_title: Option<String>,
        /// the form's title for that risk
        // The form's title for the risk (DOMAIN.md), found despite noise.
        pub risk_title_canonical: Option<String>,
        /// 特に力を入れている | 十分である | 課題が残されている
        // The bracketed rating.
        pub rating: Option<String>,
        /// 1 特に力を入れている · 2 十分である · 3 課題が残されている
        // 1 特に力を入れている · 2 十分である · 3 課題が残されている.
        pub rating_level: Option<u8>,
        /// the risk's measure text
        // The measures written for the risk, `label: text` per row.
        pub measures: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
        /// the risk's place in the document's own form (様式2 IV-6-Q2, 様式3 III-6-R2)
        pub form_risk_code: Option<String>,
        /// false for the one row of a section marked not applicable (委託しない…)
        pub applicable: bool,
    }
}

/// The level of a rating answer.
fn rating_level(rating: &str) -> Option<u8> {
    let r = normalize::compact(rating);
    if r.contains("特に力を入れている") {
        Some(1)
    } else if r.contains("十分である") {
        Some(2)
    } else if r.contains("課題が残されている") {
        Some(3)
    } else {
        None
    }
}

/// The title text compared with the form's: converter noise repaired
/// (` that ` where `が` belonged), spaces removed.
fn comparable(title: &str) -> String {
    normalize::compact(&title.replace(" that ", "が"))
}

/// Character bigrams of a string.
/// The pairs of neighbouring characters of a string, in order.
type Bigrams = Vec<(char, char)>;

fn bigrams(s: &str) -> Bigrams {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The bigrams of every canonical risk title, computed once: titles are
/// compared for every rating of every document.
static CANONICAL_BIGRAMS: LazyLock<Vec<(&'static str, Bigrams)>> = LazyLock::new(|| {
    form::CANONICAL_RISKS
        .iter()
        .map(|r| (r.code, bigrams(&normalize::compact(r.title))))
        .collect()
});

/// Dice similarity of two strings' bigrams. Strings of fewer than two
/// characters have none and compare as different (no title is that short).
fn similarity(x: &[(char, char)], y: &[(char, char)]) -> f32 {
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let mut pool = y.to_vec();
    let mut common = 0;
    for g in x {
        if let Some(i) = pool.iter().position(|h| h == g) {
            pool.swap_remove(i);
            common += 1;
        }
    }
    2.0 * common as f32 / (x.len() + y.len()) as f32
}

/// How a rated risk was placed in its form's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matched {
    /// By its title (close to the canonical title, noise aside).
    Title,
    /// By its number (or order) in the form.
    Number,
}

/// The form's risk a rating is for: among the risks of `item`, the one
/// whose canonical title is closest to the source's title, or the one at
/// the source's number when the title is missing or close to none.
fn place_risk(
    form: &Form,
    item: u32,
    no: u32,
    title: Option<&str>,
) -> Option<(&'static RiskSpec, Matched)> {
    let numbered: Vec<&'static RiskSpec> = form.risks_of(item).filter(|r| r.no > 0).collect();
    let candidates: Vec<&'static RiskSpec> = if numbered.is_empty() {
        form.risks_of(item).collect()
    } else {
        numbered
    };
    if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
        let source = bigrams(&comparable(title));
        let best = candidates
            .iter()
            .filter_map(|spec| {
                let grams = &CANONICAL_BIGRAMS.iter().find(|(c, _)| *c == spec.code)?.1;
                Some((similarity(&source, grams), *spec))
            })
            .fold(None, |acc: Option<(f32, &RiskSpec)>, cur| match acc {
                Some(a) if a.0 >= cur.0 => Some(a),
                _ => Some(cur),
            });
        if let Some((_, spec)) = best.filter(|(score, _)| *score >= 0.6) {
            return Some((spec, Matched::Title));
        }
    }
    candidates
        .into_iter()
        .find(|r| r.no == no)
        .map(|r| (r, Matched::Number))
}

/// The title a 様式2 question names: `目的外の入手が行われるリスクへの対策は十分か`
/// → `目的外の入手が行われるリスク`.
fn question_title(label: &str) -> Option<String> {
    let c = normalize::compact(label);
    let (title, _) = c.split_once("への対策は十分か")?;
    (!title.is_empty()).then(|| title.to_string())
}

/// The "does not apply" marks ticked in a row (`☑ 委託しない`), compact.
fn ticked_marks(row: &Row) -> Vec<String> {
    let mut out = Vec::new();
    for cell in &row.cells {
        for (i, _) in cell.match_indices(normalize::CHECKED) {
            let rest = &cell[i + normalize::CHECKED.len_utf8()..];
            let end = rest
                .find([
                    normalize::CHECKED,
                    normalize::UNCHECKED,
                    normalize::UNKNOWN_BOX,
                ])
                .unwrap_or(rest.len());
            out.push(normalize::compact(&rest[..end]));
        }
    }
    out
}

/// Extracts the ratings of the form's risk part (III of 様式3/4, IV of
/// 様式2), each under the canonical code of its form's risk. `found` holds
/// the bracketed answers of all rows (see [`super::choices::find`]).
pub fn extract(
    doc_id: &str,
    rows: &[Row],
    form: &Form,
    found: &[Found],
    file_name: &dyn Fn(u32) -> Option<String>,
    warnings: &mut Vec<Warning>,
) -> Vec<RiskRating> {
    let answer_at: HashMap<usize, &Found> = found.iter().map(|f| (f.row, f)).collect();
    let mut out = Vec::new();
    let mut measures: Vec<String> = Vec::new();
    let mut block_title: Option<String> = None;
    let mut open_risk: Option<(u32, u32, Option<u32>, u32)> = None; // (item, risk, page, line)
    // The item the walk is in: (file, item), its questions so far, and
    // the form's risk numbers its ticked "does not apply" marks cover.
    let mut at: (u32, u32) = (0, 0);
    let mut questions = 0;
    let mut not_applicable: Vec<u32> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.part != Part::RiskMeasures {
            continue;
        }
        if (row.file_no, row.item) != at {
            at = (row.file_no, row.item);
            questions = 0;
            not_applicable.clear();
        }
        let marks = ticked_marks(row);
        let newly: Vec<&NotApplicable> = form
            .not_applicable
            .iter()
            .filter(|na| na.item == row.item && marks.iter().any(|m| m.contains(na.mark)))
            .collect();
        if !newly.is_empty() {
            if not_applicable.is_empty() {
                out.push(not_applicable_row(doc_id, form, row, file_name));
            }
            not_applicable.extend(newly.iter().flat_map(|na| na.covers.iter().copied()));
        }
        if row.heading.is_some() {
            measures.clear();
            let compact = normalize::compact(&row.label);
            if compact.starts_with("委託先による") {
                block_title = Some(row.label.clone());
                continue;
            }
            if compact.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                block_title = None;
            }
            if let Some((item, risk, page, line)) = open_risk.take() {
                warn_missing(form, item, risk, page, line, warnings);
            }
            if let Some((risk, _)) = super::block::parse_risk(&row.label)
                && row.item > 0
            {
                open_risk = Some((row.item, risk, row.page, row.line));
            }
            continue;
        }
        let label = field(row)
            .map(|f| f.label.to_string())
            .or_else(|| row.filled_cells().next().map(str::to_string))
            .unwrap_or_default();
        let compact = normalize::compact(&label);
        if compact.starts_with("委託先による") {
            block_title = Some(label.clone());
            continue;
        }
        if !compact.contains("リスクへの対策は十分か") {
            if let Some(line) = measure_line(row) {
                measures.push(line);
            }
            continue;
        }
        let Some((_, section_title)) = enclosing_item(row) else {
            continue;
        };
        let item = row.item;
        let (own_no, risk_title) = match form.risk_numbering {
            RiskNumbering::Questions => {
                questions += 1;
                (questions, question_title(&label))
            }
            RiskNumbering::Headed if form.risks_of(item).all(|r| r.no == 0) => {
                (0, block_title.clone())
            }
            RiskNumbering::Headed => match enclosing_risk(row) {
                Some((n, t)) => (n, Some(t).filter(|t| !t.is_empty())),
                None => (0, None),
            },
        };
        open_risk = None;
        // The answer is on the question's row or the next ones, never
        // past the next question or heading.
        let answer = (i..rows.len().min(i + 3))
            .take_while(|&j| {
                j == i
                    || (rows[j].heading.is_none()
                        && !rows[j].cells.iter().any(|c| c.contains("十分か")))
            })
            .find_map(|j| answer_at.get(&j))
            .and_then(|f| f.answer.value());
        if answer.is_none() && not_applicable.contains(&own_no) {
            // The section's one not-applicable row stands for it.
            measures.clear();
            continue;
        }
        let place = form.risk_place(item, own_no);
        if answer.is_none() {
            warnings.push(
                Warning::new(
                    "rating_unreadable",
                    format!("{place}: the rating of リスクへの対策は十分か could not be read"),
                )
                .at(row.page, Some(row.line)),
            );
        }
        let placed = place_risk(form, item, own_no, risk_title.as_deref());
        let canonical = placed.and_then(|(spec, _)| form::canonical(spec.code));
        match (placed, canonical) {
            (Some((_, Matched::Title)), Some(c)) => {
                if let Some(t) = risk_title.as_deref()
                    && normalize::compact(t) != normalize::compact(c.title)
                {
                    warnings.push(
                        Warning::new(
                            "risk_title_repaired",
                            format!("{place}: title 「{t}」 read as the form's 「{}」", c.title),
                        )
                        .at(row.page, Some(row.line)),
                    );
                }
            }
            (None, _) | (_, None) => warnings.push(
                Warning::new(
                    "risk_unmapped",
                    format!(
                        "{place}: the rating's risk ({}) is not one of the {} form's risks; risk_code left empty",
                        risk_title.as_deref().unwrap_or("no title"),
                        form.name
                    ),
                )
                .at(row.page, Some(row.line)),
            ),
            _ => {}
        }
        out.push(RiskRating {
            doc_id: doc_id.to_string(),
            file_name: file_name(row.file_no),
            section_no: canonical.map_or(item, |c| c.section),
            section_title: Some(section_title),
            risk_no: canonical.map_or(own_no, |c| c.risk),
            risk_code: canonical.map(|c| c.code.to_string()),
            risk_title,
            risk_title_canonical: canonical.map(|c| c.title.to_string()),
            rating_level: answer.as_deref().and_then(rating_level),
            rating: answer,
            measures: (!measures.is_empty()).then(|| measures.join("\n")),
            page: row.page,
            line: row.line,
            form_risk_code: Some(place),
            applicable: true,
        });
        measures.clear();
    }
    if let Some((item, risk, page, line)) = open_risk {
        warn_missing(form, item, risk, page, line, warnings);
    }
    out
}

/// The one row of a section marked not applicable: the section's own code
/// (risk 0), no rating.
fn not_applicable_row(
    doc_id: &str,
    form: &Form,
    row: &Row,
    file_name: &dyn Fn(u32) -> Option<String>,
) -> RiskRating {
    let spec = form.risks_of(row.item).find(|r| r.no == 0);
    let canonical = spec.and_then(|s| form::canonical(s.code));
    RiskRating {
        doc_id: doc_id.to_string(),
        file_name: file_name(row.file_no),
        section_no: canonical.map_or(row.item, |c| c.section),
        section_title: enclosing_item(row)
            .map(|(_, t)| t)
            .or_else(|| item_title(row)),
        risk_no: 0,
        risk_code: canonical.map(|c| c.code.to_string()),
        risk_title: None,
        risk_title_canonical: canonical.map(|c| c.title.to_string()),
        rating: None,
        rating_level: None,
        measures: None,
        page: row.page,
        line: row.line,
        form_risk_code: Some(form.risk_place(row.item, 0)),
        applicable: false,
    }
}

/// The title of an item heading row (`4. 特定個人情報ファイルの取扱いの委託`).
fn item_title(row: &Row) -> Option<String> {
    let first = row.cells.first()?.replace('\n', "");
    crate::segment::item_number(&first).map(|(_, t)| t.trim().to_string())
}

fn warn_missing(
    form: &Form,
    item: u32,
    risk: u32,
    page: Option<u32>,
    line: u32,
    warnings: &mut Vec<Warning>,
) {
    warnings.push(
        Warning::new(
            "rating_missing",
            format!(
                "{}.{item} リスク{risk} has no リスクへの対策は十分か rating",
                form.risk_numeral
            ),
        )
        .at(page, Some(line)),
    );
}

/// A measure row as `label: text`; rows that hold answers or options only
/// are left out.
fn measure_line(row: &Row) -> Option<String> {
    let text = row.filled_cells().collect::<Vec<_>>().join(" ");
    let t = text.trim_start();
    if t.is_empty()
        || !answers(&text).is_empty()
        || t.starts_with("<選択肢>")
        || t.split_once(')')
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    match field(row) {
        Some(f) => {
            let v = f.text()?;
            Some(format!("{}: {}", f.label, v))
        }
        None => normalize::non_placeholder(t).map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> &'static Form {
        form::versions(form::Kind::FullAssessment).next().unwrap()
    }

    #[test]
    fn risks_placed_by_title_despite_noise() {
        let code = |f: &Form, item, no, t| place_risk(f, item, no, t).map(|(r, _)| r.code);
        let f = full();
        assert_eq!(
            code(
                f,
                2,
                3,
                Some("入手した特定個人情報 that 不正確であるリスク")
            ),
            Some("III-2-R3")
        );
        assert_eq!(
            code(
                f,
                2,
                9,
                Some("入手の際に特定個人情報漏えい・紛失するリスク")
            ),
            Some("III-2-R4")
        );
        assert_eq!(code(f, 6, 2, None), Some("III-6-R2"));
        let p = form::versions(form::Kind::PriorityAssessment)
            .next()
            .unwrap();
        assert_eq!(
            code(p, 6, 2, Some("不正な提供が行われるリスク")),
            Some("III-6-R5")
        );
        assert_eq!(code(p, 6, 2, None), Some("III-6-R5"));
        let b = form::versions(form::Kind::BasicAssessment).next().unwrap();
        assert_eq!(
            code(b, 4, 1, Some("委託先における不正な使用等のリスク")),
            Some("III-4-R0")
        );
        assert_eq!(
            code(b, 6, 2, Some("不正な提供が行われるリスク")),
            Some("III-6-R5")
        );
        assert_eq!(code(b, 9, 1, Some("何か")), None);
    }

    #[test]
    fn questions_name_their_risk() {
        assert_eq!(
            question_title("目的外の入手が行われるリスクへの対策は十分か").as_deref(),
            Some("目的外の入手が行われるリスク")
        );
        assert_eq!(question_title("当該対策は十分か【再掲】"), None);
    }

    #[test]
    fn levels() {
        assert_eq!(rating_level("十分である"), Some(2));
        assert_eq!(rating_level("特に力を入れている"), Some(1));
        assert_eq!(rating_level("課題が残されている"), Some(3));
        assert_eq!(rating_level("不明"), None);
    }
}
