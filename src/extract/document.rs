//! The `documents` table.

crate::record! {
    /// One row per input file, whatever became of it.
    pub struct DocumentRecord in "documents" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// the file as found under the inputs
        pub source_path: String,
        /// text | pdf
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub format: crate::intern::Name,
        /// the detected text encoding (UTF-8, UTF-16LE, Shift_JIS, EUC-JP…), or pdf
        pub encoding: Option<String>,
        /// page count (PDF)
        pub pages: Option<u32>,
        /// full_assessment | priority_assessment | basic_assessment | change_list | correction_table | unknown
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub kind: crate::intern::Name,
        /// the form named in the document (全項目評価書…)
        pub form: Option<String>,
        /// 評価書番号
        pub assessment_no: Option<u32>,
        /// 評価書名 (or the title of a change list / correction table)
        pub title: Option<String>,
        /// 評価実施機関名 as written (川崎市長)
        pub organization: Option<String>,
        /// the body (川崎市), from the organisation or, failing that, the text
        pub municipality: Option<String>,
        /// 公表日, ISO 8601
        pub published_on: Option<String> as Date,
        /// true when the document is marked as a draft (案)
        pub is_draft: bool,
        /// ok | partial | needs_ocr | failed | skipped
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub status: crate::intern::Name,
        /// why the status is not ok
        pub error: Option<String>,
        /// number of warnings for this document in manifest.json
        pub warnings: u32,
        /// the form marker as printed (平成30年5月 様式4), else empty
        pub form_version: Option<String>,
        /// しきい値判断: 対象人数, the band as written (様式2 II.1)
        pub threshold_subjects: Option<String>,
        /// the date the 対象人数 was counted, ISO 8601
        pub threshold_subjects_as_of: Option<String> as Date,
        /// しきい値判断: 取扱者数, 500人以上 | 500人未満 (様式2 II.2)
        pub threshold_handlers: Option<String>,
        /// the date the 取扱者数 was counted, ISO 8601
        pub threshold_handlers_as_of: Option<String> as Date,
        /// しきい値判断: 重大事故 発生あり → true, 発生なし → false (様式2 II.3)
        pub threshold_serious_incident: Option<bool>,
        /// しきい値判断結果 as written (様式2 III, 様式3 V.1②, 様式4 VI.1②)
        pub threshold_result: Option<String>,
        /// 基礎項目評価の実施日 as a 様式3/4 gives it, ISO 8601
        pub basic_assessed_on: Option<String> as Date,
    }
}

use std::sync::LazyLock;

use regex::Regex;

use crate::normalize;
use crate::segment::{Kind, Part, Row, Segmented};

/// What the cover (or the title of a table document) says about the
/// document; the caller adds what the decoder knows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CoverFacts {
    pub assessment_no: Option<String>,
    pub title: Option<String>,
    pub organization: Option<String>,
    pub municipality: Option<String>,
    /// True when the municipality was guessed from the text rather than
    /// read from the organisation.
    pub municipality_inferred: bool,
    pub published_on: Option<String>,
    pub is_draft: bool,
}

/// Reads the cover facts of a segmented document.
pub fn cover_facts(seg: &Segmented) -> CoverFacts {
    let cover: Vec<&Row> = seg
        .rows
        .iter()
        .filter(|r| {
            r.part == Part::Cover || matches!(seg.kind, Kind::ChangeList | Kind::CorrectionTable)
        })
        .collect();
    let mut facts = CoverFacts::default();

    if let Some(pos) = cover.iter().position(|r| {
        r.cells.first().is_some_and(|c| c == "評価書番号")
            && r.cells.get(1).is_some_and(|c| c == "評価書名")
    }) && let Some(next) = cover.get(pos + 1)
    {
        facts.assessment_no = next.cells.first().and_then(|c| normalize::value(c));
        facts.title = next.cells.get(1).and_then(|c| normalize::value(c));
    }
    if matches!(seg.kind, Kind::ChangeList | Kind::CorrectionTable) {
        facts.title = cover
            .iter()
            .find(|r| r.heading == Some(1))
            .map(|r| r.label.clone());
    }
    facts.organization = value_under(&cover, "評価実施機関名");
    facts.published_on = value_under(&cover, "公表日")
        .and_then(|v| normalize::parse_date(&v))
        .map(|d| d.to_iso());
    facts.is_draft = seg
        .rows
        .iter()
        .take(12)
        .any(|r| is_draft_mark(&r.value) || is_draft_mark(&r.label))
        || facts
            .title
            .as_deref()
            .is_some_and(|t| t.contains("(案)") || t.contains("（案）"));
    facts.municipality = facts
        .organization
        .as_deref()
        .and_then(municipality_of)
        .or_else(|| facts.title.as_deref().and_then(title_body));
    if facts.municipality.is_none() {
        facts.municipality = declared_body(&cover).or_else(|| most_named_body(&seg.rows));
        facts.municipality_inferred = facts.municipality.is_some();
    }
    facts
}

/// The value of a cover label: the first row under it, or the label's own
/// row where the value sits in the next cell (`評価実施機関名 | 川崎市長`).
fn value_under(cover: &[&Row], label: &str) -> Option<String> {
    cover.iter().find_map(|r| {
        let under = r.heading.is_none() && r.path.last().is_some_and(|p| &**p == label);
        let beside = r.cells.len() > 1
            && r.cells
                .first()
                .is_some_and(|c| normalize::compact(c) == label);
        (under || beside)
            .then(|| normalize::value(&r.value))
            .flatten()
    })
}

fn is_draft_mark(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(t.as_str(), "(案)" | "（案）" | "案" | "【案】" | "[案]")
}

/// Roles that follow the body's name in 評価実施機関名.
const ROLES: &[&str] = &[
    "長",
    "知事",
    "教育委員会",
    "選挙管理委員会",
    "公営企業",
    "病院事業",
    "水道事業",
    "上下水道",
    "企業",
    "議会",
    "監査委員",
    "農業委員会",
    "消防",
    "管理者",
];

/// The body from an organisation's name: `川崎市長` → `川崎市`,
/// `千葉県知事` → `千葉県`, `四日市市長` → `四日市市`,
/// `松戸市教育委員会` → `松戸市`, `○○広域連合長` → `○○広域連合`.
pub fn municipality_of(organization: &str) -> Option<String> {
    let org: String = organization
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // The body ends at the last 都道府県市区町村 (or 広域連合/組合) that is
    // followed by a role: a city name may itself hold 市 or 都 (四日市市, 京都市).
    let mut best = None;
    for (i, c) in org.char_indices() {
        let end = i + c.len_utf8();
        let ends_body = matches!(c, '都' | '道' | '府' | '県' | '市' | '区' | '町' | '村')
            || org[..end].ends_with("広域連合")
            || org[..end].ends_with("組合");
        if ends_body && end > c.len_utf8() && ROLES.iter().any(|r| org[end..].starts_with(r)) {
            best = Some(end);
        }
    }
    best.map(|end| org[..end].to_string())
}

static DECLARATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Han}{1,6}?(?:都|道|府|県|市|区|町|村))は、").expect("valid regex")
});

/// The body named at the start of the declaration (`川崎市は、…`).
fn declared_body(cover: &[&Row]) -> Option<String> {
    cover
        .iter()
        .find_map(|r| DECLARATION.captures(&r.value).map(|c| c[1].to_string()))
}

/// The body a title starts with (`紅葉町 国民年金に関する事務 …変更箇所`).
fn title_body(title: &str) -> Option<String> {
    let m = PLACE.find(title).filter(|m| m.start() == 0)?;
    let after = title[m.end()..].chars().next();
    // The name ends there: `松戸市 予防接種…`, not `市町村民税…`.
    (after.is_none_or(|c| c.is_whitespace()) && is_body_name(m.as_str()))
        .then(|| m.as_str().to_string())
}

/// Words before 市/町/村 that make no body's name (`本市`, `転出元市町村`).
const NOT_NAMES: &[&str] = &[
    "本", "当", "同", "各", "他", "全", "区", "市", "町", "都", "該", "転出", "転入", "元", "先",
];

/// Whether a `…市` / `…町` / `…村` found in text names a body.
fn is_body_name(name: &str) -> bool {
    let stem = &name[..name.len() - '市'.len_utf8()];
    stem.chars().count() >= 2
        && !NOT_NAMES
            .iter()
            .any(|n| stem.starts_with(n) || stem.ends_with(n))
        && !name.contains("町村")
}

static PLACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{Han}{1,3}[市町村]").expect("valid regex"));

/// The municipality most often named in a document without a cover
/// (change lists, correction tables): `浦安市`, `千葉市`.
fn most_named_body(rows: &[Row]) -> Option<String> {
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        for m in PLACE.find_iter(&row.value) {
            let name = m.as_str();
            if !is_body_name(name) {
                continue;
            }
            match counts.iter_mut().find(|(n, _, _)| n == name) {
                Some(entry) => entry.1 += 1,
                None => counts.push((name.to_string(), 1, i)),
            }
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|(n, _, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipality_from_organization() {
        assert_eq!(municipality_of("川崎市長").as_deref(), Some("川崎市"));
        assert_eq!(municipality_of("千葉県知事").as_deref(), Some("千葉県"));
        assert_eq!(municipality_of("京都市長").as_deref(), Some("京都市"));
        assert_eq!(
            municipality_of("松戸市教育委員会").as_deref(),
            Some("松戸市")
        );
        assert_eq!(municipality_of("世田谷区長").as_deref(), Some("世田谷区"));
        assert_eq!(municipality_of("四日市市長").as_deref(), Some("四日市市"));
        assert_eq!(municipality_of("東京都知事").as_deref(), Some("東京都"));
        assert_eq!(
            municipality_of("後期高齢者医療広域連合長").as_deref(),
            Some("後期高齢者医療広域連合")
        );
        assert_eq!(municipality_of("個人情報保護委員会"), None);
    }
}
