//! Recognising the form's headings in a row's first cell.

use std::sync::LazyLock;

use regex::Regex;

use crate::form::Part;

/// The form's top-level sections (`rows.section`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Section {
    #[default]
    Cover,
    I,
    II,
    III,
    IV,
    V,
    VI,
    Annex1,
    Annex2,
    Annex3,
    Incidents,
    Changes,
    Corrections,
}

impl Section {
    /// The key written in `rows.section`.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Cover => "cover",
            Section::I => "I",
            Section::II => "II",
            Section::III => "III",
            Section::IV => "IV",
            Section::V => "V",
            Section::VI => "VI",
            Section::Annex1 => "annex1",
            Section::Annex2 => "annex2",
            Section::Annex3 => "annex3",
            Section::Incidents => "incidents",
            Section::Changes => "changes",
            Section::Corrections => "corrections",
        }
    }

    /// The numeral printed for a numbered section.
    pub fn numeral(self) -> Option<&'static str> {
        Some(match self {
            Section::I => "I",
            Section::II => "II",
            Section::III => "III",
            Section::IV => "IV",
            Section::V => "V",
            Section::VI => "VI",
            _ => return None,
        })
    }

    /// The section a numeral names.
    pub fn from_numeral(numeral: &str) -> Option<Section> {
        Some(match numeral {
            "I" | "Ⅰ" => Section::I,
            "II" | "Ⅱ" => Section::II,
            "III" | "Ⅲ" => Section::III,
            "IV" | "Ⅳ" => Section::IV,
            "V" | "Ⅴ" => Section::V,
            "VI" | "Ⅵ" => Section::VI,
            _ => return None,
        })
    }

    /// The section's title in the 全項目評価書, used in paths where the
    /// document's own heading is missing.
    pub fn title(self) -> &'static str {
        match self {
            Section::Cover => "表紙",
            Section::I => "I 基本情報",
            Section::II => "II 特定個人情報ファイルの概要",
            Section::III => "III 特定個人情報ファイルの取扱いプロセスにおけるリスク対策",
            Section::IV => "IV その他のリスク対策",
            Section::V => "V 開示請求、問合せ",
            Section::VI => "VI 評価実施手続",
            Section::Annex1 => "(別添1) 事務の内容",
            Section::Annex2 => "(別添2) 特定個人情報ファイル記録項目",
            Section::Annex3 => "(別添3) 変更箇所",
            Section::Incidents => "個人情報に関する重大事故について",
            Section::Changes => "変更箇所",
            Section::Corrections => "修正等を要する部分とその内容",
        }
    }
}

/// Numbered blocks below an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// `システムN` (I.2).
    System,
    /// `委託事項N` (II.4).
    Entrustment,
    /// `提供先N` / `移転先N` (II.5).
    Provision,
    /// `リスクN: …` (III).
    Risk,
}

/// What kind of heading a first cell is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heading {
    /// A top-level section and the part its title names.
    Section(Section, Part),
    /// A numbered item (`3. 特定個人情報の入手・使用`); `file_name` marks
    /// `1. 特定個人情報ファイル名`, which starts a new file in II and III.
    Item { no: u32, file_name: bool },
    /// `システム1`, `委託事項2～5`, `リスク3: …`.
    Block(Block),
    /// `事案 N …` in the incident annex.
    Incident,
    /// A labelled part of an incident (`【事案の内容】` = 3, `①原因` = 4).
    Sub(u8),
}

static ROMAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(VI|IV|V|III|II|I|Ⅵ|Ⅳ|Ⅴ|Ⅲ|Ⅱ|Ⅰ)\s*[.．、]?\s*(\S.*)$").expect("valid regex")
});
static ANNEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[(（]\s*別添\s*([1-3])?\s*[)）]\s*(.*)$").expect("valid regex"));
static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(システム|委託事項|提供先|移転先)\s*\d+(\s*[~～〜\-]\s*\d+)?$")
        .expect("valid regex")
});
static RISK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^リスク\s*\d+\s*[:：]").expect("valid regex"));
static INCIDENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^事案\s*\d+(\s|$)").expect("valid regex"));

/// Words at least one of which every numbered item title of the forms
/// holds; a numbered line without one is content (`1. 年1回、…`).
const ITEM_WORDS: &[&str] = &[
    "事務",
    "システム",
    "ファイル",
    "理由",
    "個人番号",
    "情報連携",
    "担当部署",
    "評価実施機関",
    "基本情報",
    "入手",
    "使用",
    "委託",
    "提供",
    "移転",
    "保管",
    "消去",
    "備考",
    "接続",
    "監査",
    "教育",
    "リスク対策",
    "開示",
    "問合せ",
    "基礎項目評価",
    "意見",
    "第三者点検",
    "承認",
    // 様式2's items.
    "人数",
    "取扱者",
    "重大事故",
    "評価書の種類",
    "人手",
    "優先度",
];

/// Reads a first cell as a heading, given the part the walk is in.
pub fn heading_of(text: &str, part: Part) -> Option<Heading> {
    if let Some((s, p)) = top_section(text) {
        return Some(Heading::Section(s, p));
    }
    match part {
        Part::Incidents => {
            if INCIDENT.is_match(text) {
                Some(Heading::Incident)
            } else if text.starts_with('【') && text.ends_with('】') {
                Some(Heading::Sub(3))
            } else if starts_with_circled(text) && text.chars().count() <= 20 {
                Some(Heading::Sub(4))
            } else {
                None
            }
        }
        Part::AnnexBusiness | Part::Changes | Part::Corrections => None,
        _ => {
            // Items start with a digit, blocks and risks with a word.
            let first = text.chars().next()?;
            if !(first.is_numeric() || matches!(first, 'シ' | '委' | '提' | '移' | 'リ')) {
                return None;
            }
            // A title wrapped in its cell (`5.特定個人情報の提供・移転\n(委託や…)`)
            // is read as one line; the plausibility test below still holds.
            let flat;
            let text = if text.contains('\n') && text.chars().count() <= 90 {
                flat = text.replace('\n', "");
                flat.as_str()
            } else {
                text
            };
            if let Some((no, title)) = item_number(text).filter(|(_, t)| !t.is_empty()) {
                let plausible = title.chars().count() <= 80
                    && !title.ends_with('。')
                    && ITEM_WORDS.iter().any(|w| title.contains(w));
                if !plausible || (part == Part::AnnexRecordItems && !is_file_name_item(title)) {
                    return None;
                }
                return Some(Heading::Item {
                    no,
                    file_name: is_file_name_item(title),
                });
            }
            if RISK.is_match(text) {
                return Some(Heading::Block(Block::Risk));
            }
            if let Some(c) = BLOCK.captures(text) {
                let block = match &c[1] {
                    "システム" => Block::System,
                    "委託事項" => Block::Entrustment,
                    _ => Block::Provision,
                };
                return Some(Heading::Block(block));
            }
            None
        }
    }
}

/// A numbered item heading read by hand (`3. 特定個人情報の入手` → 3 and
/// `特定個人情報の入手`): one or two ASCII digits, white space, a full stop
/// `.` or `．`, white space, and the rest, which must be one line. The same
/// as `^(\d{1,2})\s*[.．]\s*(.*)$` where its number parses (a test checks);
/// headings and paths are read on every row, and the regex was slow.
pub fn item_number(text: &str) -> Option<(u32, &str)> {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
    let digits = &text[..text.len() - rest.len()];
    if !(1..=2).contains(&digits.len()) {
        return None;
    }
    let rest = rest.trim_start().strip_prefix(['.', '．'])?.trim_start();
    if rest.contains('\n') {
        return None;
    }
    Some((digits.parse().ok()?, rest))
}

fn is_file_name_item(title: &str) -> bool {
    title.trim() == "特定個人情報ファイル名"
}

fn starts_with_circled(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| ('①'..='⑳').contains(&c))
}

/// A top-level section heading: a Roman numeral followed by a section
/// title of one of the forms, an annex, or the incident annex; with the
/// part its title names (a numeral means a different part in each form).
pub fn top_section(text: &str) -> Option<(Section, Part)> {
    // Every heading starts with one of these; this runs on every row.
    let first = text.chars().find(|c| !c.is_whitespace())?;
    if !matches!(first, '個' | '別' | '(' | '（' | 'I' | 'V' | 'Ⅰ'..='Ⅵ') {
        return None;
    }
    if starts_with_compact(text, "個人情報に関する重大事故について")
        || starts_with_compact(text, "別紙個人情報に関する重大事故について")
        || starts_with_compact(text, "(別紙)個人情報に関する重大事故について")
    {
        return Some((Section::Incidents, Part::Incidents));
    }
    if let Some(c) = text
        .contains("別添")
        .then(|| ANNEX.captures(text))
        .flatten()
    {
        let title: String = c[2].chars().filter(|c| !c.is_whitespace()).collect();
        let by_title = if title.starts_with("事務の内容") {
            Some(Section::Annex1)
        } else if title.contains("記録項目") {
            Some(Section::Annex2)
        } else if title.starts_with("変更箇所") {
            Some(Section::Annex3)
        } else {
            None
        };
        let section = by_title.or(match c.get(1).map(|m| m.as_str()) {
            Some("1") => Some(Section::Annex1),
            Some("2") => Some(Section::Annex2),
            Some(_) => Some(Section::Annex3),
            None => None,
        })?;
        let part = match section {
            Section::Annex1 => Part::AnnexBusiness,
            Section::Annex2 => Part::AnnexRecordItems,
            _ => Part::Changes,
        };
        return Some((section, part));
    }
    let c = ROMAN.captures(text)?;
    let title: String = c[2].chars().filter(|c| !c.is_whitespace()).collect();
    if title.chars().count() > 60 {
        return None;
    }
    let part = crate::form::part_by_title(&title)?;
    Some((Section::from_numeral(&c[1])?, part))
}

/// Labels of the cover whose value sits on the following rows.
pub fn cover_label(text: &str) -> Option<&'static str> {
    const LABELS: &[&str] = &[
        "個人のプライバシー等の権利利益の保護の宣言",
        "特記事項",
        "評価実施機関名",
        "個人情報保護委員会承認日【行政機関等のみ】",
        "個人情報保護委員会承認日",
        "公表日",
        "項目一覧",
    ];
    LABELS.iter().copied().find(|l| eq_compact(text, l))
}

/// Whether `text`, white space left out, starts with `prefix`.
fn starts_with_compact(text: &str, prefix: &str) -> bool {
    let mut chars = text.chars().filter(|c| !c.is_whitespace());
    prefix.chars().all(|p| chars.next() == Some(p))
}

/// Whether `text`, white space left out, is `s`.
fn eq_compact(text: &str, s: &str) -> bool {
    let mut chars = text.chars().filter(|c| !c.is_whitespace());
    s.chars().all(|p| chars.next() == Some(p)) && chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_headings_from_the_seeds() {
        assert_eq!(
            top_section("I 基本情報"),
            Some((Section::I, Part::BasicInfo))
        );
        assert_eq!(
            top_section("Ⅲ 特定個人情報ファイルの取扱いプロセスにおける"),
            Some((Section::III, Part::RiskMeasures))
        );
        assert_eq!(
            top_section("IV その他のリスク対策 ※"),
            Some((Section::IV, Part::OtherRiskMeasures))
        );
        // The same numeral, another part in 様式2 and 様式3.
        assert_eq!(
            top_section("Ⅳ リスク対策"),
            Some((Section::IV, Part::RiskMeasures))
        );
        assert_eq!(
            top_section("Ⅳ 開示請求、問合せ"),
            Some((Section::IV, Part::Disclosure))
        );
        assert_eq!(
            top_section("Ⅱ しきい値判断項目"),
            Some((Section::II, Part::ThresholdItems))
        );
        assert_eq!(
            top_section("(別添) 変更箇所"),
            Some((Section::Annex3, Part::Changes))
        );
        assert_eq!(
            top_section("V 開示請求、問合せ"),
            Some((Section::V, Part::Disclosure))
        );
        assert_eq!(
            top_section("(別添3)変更箇所"),
            Some((Section::Annex3, Part::Changes))
        );
        assert_eq!(
            top_section("(別添2) 特定個人情報ファイル記録項目"),
            Some((Section::Annex2, Part::AnnexRecordItems))
        );
        assert_eq!(
            top_section("個人情報に関する重大事故について"),
            Some((Section::Incidents, Part::Incidents))
        );
        // Annex 1 of Kawasaki names the business with a Roman numeral.
        assert_eq!(top_section("I 健康増進事業の実施に関する事務"), None);
    }

    #[test]
    fn items_and_blocks() {
        assert_eq!(
            heading_of(
                "5.特定個人情報の提供・移転\n(委託や情報提供ネットワークシステムを通じた提供を除く。)",
                Part::RiskMeasures
            ),
            Some(Heading::Item {
                no: 5,
                file_name: false
            })
        );
        assert_eq!(
            heading_of("1. 特定個人情報ファイル名", Part::FileOverview),
            Some(Heading::Item {
                no: 1,
                file_name: true
            })
        );
        assert_eq!(
            heading_of("4. 特定個人情報ファイルの取扱いの委託", Part::FileOverview),
            Some(Heading::Item {
                no: 4,
                file_name: false
            })
        );
        assert_eq!(
            heading_of(
                "1. 年1回、情報セキュリティ研修を行う。",
                Part::OtherRiskMeasures
            ),
            None
        );
        assert_eq!(
            heading_of("システム2~5", Part::BasicInfo),
            Some(Heading::Block(Block::System))
        );
        assert_eq!(
            heading_of("委託事項2", Part::FileOverview),
            Some(Heading::Block(Block::Entrustment))
        );
        assert_eq!(
            heading_of("リスク1: 目的外の入手が行われるリスク", Part::RiskMeasures),
            Some(Heading::Block(Block::Risk))
        );
        assert_eq!(
            heading_of(
                "事案 1 税の委託業務における無許諾での再委託",
                Part::Incidents
            ),
            Some(Heading::Incident)
        );
        assert_eq!(
            heading_of("【事案の内容】", Part::Incidents),
            Some(Heading::Sub(3))
        );
        assert_eq!(
            heading_of("①発生(発覚)時期", Part::Incidents),
            Some(Heading::Sub(4))
        );
    }
}
