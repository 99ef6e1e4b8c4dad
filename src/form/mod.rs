//! The three official forms as data: their parts, numerals and risks.
//!
//! The same part of an assessment carries a different numeral in each form
//! (IV is リスク対策 in 様式2, 開示請求 in 様式3, その他のリスク対策 in 様式4),
//! so nothing downstream reads a numeral as a meaning: segmentation places
//! each row in a [`Part`] through the document's [`Form`], and extractors ask
//! for parts. Each form's risks map to one canonical code (the 様式4 code,
//! or a documented code of its own where 様式4 has no counterpart), so that
//! `risk_code` means the same risk in every document.
//!
//! Supporting a new form or version is an edit of the tables in
//! [`data`]: a [`Form`] with its parts, version marks and risks.

mod data;

pub use data::{CANONICAL_RISKS, FORMS};

/// `documents.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    FullAssessment,
    PriorityAssessment,
    BasicAssessment,
    ChangeList,
    CorrectionTable,
    Unknown,
}

impl Kind {
    /// The value written in `documents.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FullAssessment => "full_assessment",
            Kind::PriorityAssessment => "priority_assessment",
            Kind::BasicAssessment => "basic_assessment",
            Kind::ChangeList => "change_list",
            Kind::CorrectionTable => "correction_table",
            Kind::Unknown => "unknown",
        }
    }
}

/// A part of the form that means the same in every form (`rows.part`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Part {
    #[default]
    Cover,
    BasicInfo,
    ThresholdItems,
    ThresholdResult,
    FileOverview,
    RiskMeasures,
    OtherRiskMeasures,
    Disclosure,
    Procedure,
    AnnexBusiness,
    AnnexRecordItems,
    Changes,
    Corrections,
    Incidents,
    Unknown,
}

impl Part {
    /// The key written in `rows.part` and `choices.part`.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Cover => "cover",
            Part::BasicInfo => "basic_info",
            Part::ThresholdItems => "threshold_items",
            Part::ThresholdResult => "threshold_result",
            Part::FileOverview => "file_overview",
            Part::RiskMeasures => "risk_measures",
            Part::OtherRiskMeasures => "other_risk_measures",
            Part::Disclosure => "disclosure",
            Part::Procedure => "procedure",
            Part::AnnexBusiness => "annex_business",
            Part::AnnexRecordItems => "annex_record_items",
            Part::Changes => "changes",
            Part::Corrections => "corrections",
            Part::Incidents => "incidents",
            Part::Unknown => "unknown",
        }
    }

    /// Parts whose rows are a table of records, not items of the form.
    pub fn is_table(self) -> bool {
        matches!(self, Part::Changes | Part::Corrections)
    }
}

/// One numbered part of a form: its numeral and the titles it is printed
/// with (compared with white space removed, as prefixes).
#[derive(Debug)]
pub struct PartSpec {
    /// `I`…`VI`; `None` for annexes.
    pub numeral: Option<&'static str>,
    pub part: Part,
    pub titles: &'static [&'static str],
}

/// How a form numbers the rated risks inside an item of its risk part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskNumbering {
    /// `リスクN: …` headings (様式3, 様式4): `III-<item>-R<N>`.
    Headed,
    /// Bare "…リスクへの対策は十分か" questions (様式2), numbered by their
    /// order inside the item: `IV-<item>-Q<k>`.
    Questions,
}

/// One rated risk of a form: its place in the form and its canonical code.
#[derive(Debug)]
pub struct RiskSpec {
    /// The item of the risk part (`6` for III.6 / IV.6).
    pub item: u32,
    /// The risk's number (`リスクN`) or question's order in the item; 0 for
    /// the item as a whole (the 委託 block, a not-applicable section).
    pub no: u32,
    /// The canonical code ([`CANONICAL_RISKS`]).
    pub code: &'static str,
}

/// A risk as the whole corpus names it.
#[derive(Debug)]
pub struct CanonicalRisk {
    pub code: &'static str,
    /// The 様式4 section of III (or the form's item where 様式4 has none).
    pub section: u32,
    pub risk: u32,
    /// The form's title of the risk.
    pub title: &'static str,
}

/// One form (and version) as data.
#[derive(Debug)]
pub struct Form {
    pub kind: Kind,
    /// The form's name as documents print it (`全項目評価書`).
    pub name: &'static str,
    /// N of `様式N`.
    pub number: u8,
    /// Phrases only this version of the form prints (its later items); a
    /// form without marks is the version that lacks every other's.
    pub version_marks: &'static [&'static str],
    pub parts: &'static [PartSpec],
    /// Whether the form lists its systems and files by name in its basic
    /// information (様式2: I.1③, I.2) instead of describing each.
    pub names_listed: bool,
    /// The numeral of the risk part, for `form_risk_code`.
    pub risk_numeral: &'static str,
    pub risk_numbering: RiskNumbering,
    /// The form's risks, in groups that forms share.
    pub risks: &'static [&'static [RiskSpec]],
    /// The items of the risk part that can be marked not applicable, with
    /// the marks that say so (compact) and the risks each mark covers.
    pub not_applicable: &'static [NotApplicable],
}

/// A "does not apply" mark of a section (`[○]委託しない`).
#[derive(Debug)]
pub struct NotApplicable {
    pub item: u32,
    pub mark: &'static str,
    /// The form's own risk numbers the mark covers.
    pub covers: &'static [u32],
}

impl Form {
    /// The part a top-level heading names: by its title, else by its
    /// numeral in this form.
    pub fn part_of_heading(&self, numeral: Option<&str>, title: &str) -> Option<Part> {
        part_by_title(title).or_else(|| {
            let n = numeral?;
            self.parts
                .iter()
                .find(|p| p.numeral == Some(n))
                .map(|p| p.part)
        })
    }

    /// The numeral this form prints for a part.
    pub fn numeral_of(&self, part: Part) -> Option<&'static str> {
        self.parts
            .iter()
            .find(|p| p.part == part)
            .and_then(|p| p.numeral)
    }

    /// The form's risks of one item of its risk part.
    pub fn risks_of(&self, item: u32) -> impl Iterator<Item = &'static RiskSpec> + use<> {
        self.all_risks().filter(move |r| r.item == item)
    }

    /// Every risk of the form.
    pub fn all_risks(&self) -> impl Iterator<Item = &'static RiskSpec> + use<> {
        let groups: &'static [&'static [RiskSpec]] = self.risks;
        groups.iter().flat_map(|g| g.iter())
    }

    /// `form_risk_code`: the risk's place in this form.
    pub fn risk_place(&self, item: u32, no: u32) -> String {
        match self.risk_numbering {
            RiskNumbering::Headed => format!("{}-{item}-R{no}", self.risk_numeral),
            RiskNumbering::Questions => format!("{}-{item}-Q{no}", self.risk_numeral),
        }
    }
}

/// The part a section title names, whatever the form: the part with the
/// longest title that starts it (white space removed), so that
/// `しきい値判断結果` is not read as `しきい値判断`.
pub fn part_by_title(title: &str) -> Option<Part> {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_start_matches(['.', '．', '、']);
    FORMS
        .iter()
        .flat_map(|f| f.parts)
        .flat_map(|p| p.titles.iter().map(move |title| (*title, p.part)))
        .filter(|(title, _)| t.starts_with(title))
        .max_by_key(|(title, _)| title.len())
        .map(|(_, part)| part)
}

/// The form a document's title names (`全項目評価書` …), searched in `text`
/// with white space removed.
pub fn form_named_in(text: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| text.contains(f.name))
}

/// The forms of one kind, the version with the most marks first.
pub fn versions(kind: Kind) -> impl Iterator<Item = &'static Form> {
    let mut v: Vec<&'static Form> = FORMS.iter().filter(|f| f.kind == kind).collect();
    v.sort_by_key(|f| std::cmp::Reverse(f.version_marks.len()));
    v.into_iter()
}

/// The version of a form kind that a document is in, from the marks its
/// text holds (`has` says whether a compact phrase occurs).
pub fn version_of(kind: Kind, has: &dyn Fn(&str) -> bool) -> Option<&'static Form> {
    let all: Vec<&'static Form> = versions(kind).collect();
    all.iter()
        .find(|f| f.version_marks.iter().any(|m| has(m)))
        .or(all.last())
        .copied()
}

/// The form of `様式N`.
pub fn by_number(n: u8) -> Option<Kind> {
    FORMS.iter().find(|f| f.number == n).map(|f| f.kind)
}

/// A canonical risk by its code.
pub fn canonical(code: &str) -> Option<&'static CanonicalRisk> {
    CANONICAL_RISKS.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_by_title_whatever_the_numeral() {
        assert_eq!(
            part_by_title("その他のリスク対策 ※"),
            Some(Part::OtherRiskMeasures)
        );
        assert_eq!(part_by_title("リスク対策"), Some(Part::RiskMeasures));
        assert_eq!(
            part_by_title("特定個人情報ファイルの取扱いプロセスにおけるリスク対策"),
            Some(Part::RiskMeasures)
        );
        assert_eq!(
            part_by_title("しきい値判断項目"),
            Some(Part::ThresholdItems)
        );
        assert_eq!(
            part_by_title("しきい値判断結果"),
            Some(Part::ThresholdResult)
        );
        assert_eq!(part_by_title("関連情報"), Some(Part::BasicInfo));
        assert_eq!(part_by_title("健康増進事業の実施に関する事務"), None);
    }

    #[test]
    fn every_form_risk_has_one_canonical_risk() {
        for f in FORMS {
            for r in f.all_risks() {
                assert!(canonical(r.code).is_some(), "{} {}", f.name, r.code);
            }
            for na in f.not_applicable {
                assert!(
                    f.risks_of(na.item).any(|r| r.no == 0),
                    "{} {}",
                    f.name,
                    na.item
                );
            }
        }
        let mut codes: Vec<&str> = CANONICAL_RISKS.iter().map(|r| r.code).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "a code listed twice");
    }

    #[test]
    fn priority_iii_6_risk_2_is_the_full_forms_risk_5() {
        let p = versions(Kind::PriorityAssessment).next().unwrap();
        let r = p.risks_of(6).find(|r| r.no == 2).unwrap();
        assert_eq!(r.code, "III-6-R5");
        assert_eq!(p.risk_place(6, 2), "III-6-R2");
        assert_eq!(
            canonical(r.code).unwrap().title,
            "不正な提供が行われるリスク"
        );
    }

    #[test]
    fn basic_versions_by_their_marks() {
        let later = version_of(Kind::BasicAssessment, &|p| p == "人手を介在させる作業").unwrap();
        assert!(later.all_risks().any(|r| r.code == "HUMAN-R1"));
        let older = version_of(Kind::BasicAssessment, &|_| false).unwrap();
        assert!(older.all_risks().all(|r| r.code != "HUMAN-R1"));
        assert_eq!(older.risk_place(3, 2), "IV-3-Q2");
    }
}
