//! The `risk_ratings` table: every "リスクへの対策は十分か" of section III.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::block::{enclosing_item, enclosing_risk};
use super::choices::Found;
use super::field::{answers, field};
use crate::diag::Warning;
use crate::normalize;
use crate::segment::{Row, Section};

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
    }
}

/// The form's risk titles by III section (全項目評価書, 様式4).
const CANONICAL: &[(u32, &[&str])] = &[
    (
        2,
        &[
            "目的外の入手が行われるリスク",
            "不適切な方法で入手が行われるリスク",
            "入手した特定個人情報が不正確であるリスク",
            "入手の際に特定個人情報が漏えい・紛失するリスク",
        ],
    ),
    (
        3,
        &[
            "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク",
            "権限のない者(元職員、アクセス権限のない職員等)によって不正に使用されるリスク",
            "従業者が事務外で使用するリスク",
            "特定個人情報ファイルが不正に複製されるリスク",
        ],
    ),
    (
        4,
        &[
            "委託先による特定個人情報の不正入手・不正な使用に関するリスク 委託先による特定個人情報の不正な提供に関するリスク 委託先による特定個人情報の保管・消去に関するリスク 委託契約終了後の不正な使用等のリスク 再委託に関するリスク",
        ],
    ),
    (
        5,
        &[
            "不正な提供・移転が行われるリスク",
            "不適切な方法で提供・移転が行われるリスク",
            "誤った情報を提供・移転してしまうリスク、誤った相手に提供・移転してしまうリスク",
        ],
    ),
    (
        6,
        &[
            "目的外の入手が行われるリスク",
            "安全が保たれない方法によって入手が行われるリスク",
            "入手した特定個人情報が不正確であるリスク",
            "入手の際に特定個人情報が漏えい・紛失するリスク",
            "不正な提供が行われるリスク",
            "不適切な方法で提供されるリスク",
            "誤った情報を提供してしまうリスク、誤った相手に提供してしまうリスク",
        ],
    ),
    (
        7,
        &[
            "特定個人情報の漏えい・滅失・毀損リスク",
            "特定個人情報が古い情報のまま保管され続けるリスク",
            "特定個人情報が消去されずいつまでも存在するリスク",
        ],
    ),
];

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

/// Dice similarity of two strings' bigram multisets, 0–1.
/// Every canonical title with its section and the bigrams of its compact
/// form, computed once: titles are compared for every rating of every
/// document.
static CANONICAL_BIGRAMS: LazyLock<Vec<(u32, &'static str, Bigrams)>> = LazyLock::new(|| {
    CANONICAL
        .iter()
        .flat_map(|(s, titles)| {
            titles
                .iter()
                .map(|t| (*s, *t, bigrams(&normalize::compact(t))))
        })
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

/// The form's title for a risk: the closest title of the section to the
/// source's, or the one at the risk's number when the source has none.
/// Returns the title and whether the source differs from it.
pub fn canonical_title(
    section: u32,
    risk_no: u32,
    title: Option<&str>,
) -> Option<(&'static str, bool)> {
    let titles = CANONICAL.iter().find(|(s, _)| *s == section)?.1;
    let by_number = || titles.get((risk_no as usize).checked_sub(1)?).copied();
    let Some(title) = title.filter(|t| !t.trim().is_empty()) else {
        return by_number().map(|t| (t, false));
    };
    let source = bigrams(&comparable(title));
    let best = CANONICAL_BIGRAMS
        .iter()
        .filter(|(s, _, _)| *s == section)
        .map(|(_, t, grams)| (similarity(&source, grams), *t))
        .fold(None, |acc: Option<(f32, &str)>, cur| match acc {
            Some(a) if a.0 >= cur.0 => Some(a),
            _ => Some(cur),
        })?;
    let chosen = if best.0 >= 0.6 { best.1 } else { by_number()? };
    Some((
        chosen,
        normalize::compact(title) != normalize::compact(chosen),
    ))
}

/// Extracts the ratings of section III. `found` holds the bracketed
/// answers of all rows (see [`super::choices::find`]).
pub fn extract(
    doc_id: &str,
    rows: &[Row],
    found: &[Found],
    file_name: &dyn Fn(u32) -> Option<String>,
    warnings: &mut Vec<Warning>,
) -> Vec<RiskRating> {
    let answer_at: HashMap<usize, &Found> = found.iter().map(|f| (f.row, f)).collect();
    let mut out = Vec::new();
    let mut measures: Vec<String> = Vec::new();
    let mut block_title: Option<String> = None;
    let mut open_risk: Option<(u32, u32, Option<u32>, u32)> = None; // (section, risk, page, line)
    for (i, row) in rows.iter().enumerate() {
        if row.section != Section::III {
            continue;
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
            if let Some((sec, risk, page, line)) = open_risk.take() {
                warn_missing(sec, risk, page, line, warnings);
            }
            if let Some((risk, _)) = super::block::parse_risk(&row.label)
                && let Some((sec, _)) = enclosing_item(row)
            {
                open_risk = Some((sec, risk, row.page, row.line));
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
        let Some((section_no, section_title)) = enclosing_item(row) else {
            continue;
        };
        let (risk_no, risk_title) = if section_no == 4 {
            (0, block_title.clone())
        } else {
            match enclosing_risk(row) {
                Some((n, t)) => (n, Some(t).filter(|t| !t.is_empty())),
                None => (0, None),
            }
        };
        open_risk = None;
        let answer = (i..rows.len().min(i + 3))
            .find_map(|j| answer_at.get(&j))
            .and_then(|f| f.answer.value());
        if answer.is_none() {
            warnings.push(
                Warning::new(
                    "rating_unreadable",
                    format!("III.{section_no} リスク{risk_no}: the rating of リスクへの対策は十分か could not be read"),
                )
                .at(row.page, Some(row.line)),
            );
        }
        let canonical = canonical_title(section_no, risk_no, risk_title.as_deref());
        if let Some((c, true)) = canonical
            && risk_title.is_some()
        {
            warnings.push(
                Warning::new(
                    "risk_title_repaired",
                    format!(
                        "III.{section_no} リスク{risk_no}: title 「{}」 read as the form's 「{c}」",
                        risk_title.as_deref().unwrap_or("")
                    ),
                )
                .at(row.page, Some(row.line)),
            );
        }
        out.push(RiskRating {
            doc_id: doc_id.to_string(),
            file_name: file_name(row.file_no),
            section_no,
            section_title: Some(section_title),
            risk_no,
            risk_code: Some(format!("III-{section_no}-R{risk_no}")),
            risk_title,
            risk_title_canonical: canonical.map(|(c, _)| c.to_string()),
            rating_level: answer.as_deref().and_then(rating_level),
            rating: answer,
            measures: (!measures.is_empty()).then(|| measures.join("\n")),
            page: row.page,
            line: row.line,
        });
        measures.clear();
    }
    if let Some((sec, risk, page, line)) = open_risk {
        warn_missing(sec, risk, page, line, warnings);
    }
    out
}

fn warn_missing(
    section: u32,
    risk: u32,
    page: Option<u32>,
    line: u32,
    warnings: &mut Vec<Warning>,
) {
    warnings.push(
        Warning::new(
            "rating_missing",
            format!("III.{section} リスク{risk} has no リスクへの対策は十分か rating"),
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

    #[test]
    fn canonical_titles_despite_noise() {
        let c = |s, r, t| canonical_title(s, r, Some(t)).map(|(c, _)| c);
        assert_eq!(
            c(2, 3, "入手した特定個人情報 that 不正確であるリスク"),
            Some("入手した特定個人情報が不正確であるリスク")
        );
        assert_eq!(
            c(2, 4, "入手の際に特定個人情報漏えい・紛失するリスク"),
            Some("入手の際に特定個人情報が漏えい・紛失するリスク")
        );
        assert_eq!(
            c(
                3,
                1,
                "目的を超えた紐付け、事務に必要なない情報との紐付けが行われるリスク"
            ),
            Some("目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク")
        );
        assert_eq!(
            canonical_title(6, 2, None).map(|(c, _)| c),
            Some("安全が保たれない方法によって入手が行われるリスク")
        );
        assert_eq!(
            canonical_title(2, 1, Some("目的外の入手が行われるリスク")).map(|(_, r)| r),
            Some(false)
        );
    }

    #[test]
    fn levels() {
        assert_eq!(rating_level("十分である"), Some(2));
        assert_eq!(rating_level("特に力を入れている"), Some(1));
        assert_eq!(rating_level("課題が残されている"), Some(3));
        assert_eq!(rating_level("不明"), None);
    }
}
