//! The forms' tables (DOMAIN.md: the 様式4 outline and "The other two
//! forms"). Titles are compared with white space removed.

use super::{CanonicalRisk, Form, Kind, NotApplicable, Part, PartSpec, RiskNumbering, RiskSpec};

const fn part(numeral: &'static str, part: Part, titles: &'static [&'static str]) -> PartSpec {
    PartSpec {
        numeral: Some(numeral),
        part,
        titles,
    }
}

const fn annex(part: Part, titles: &'static [&'static str]) -> PartSpec {
    PartSpec {
        numeral: None,
        part,
        titles,
    }
}

const fn risk(item: u32, no: u32, code: &'static str) -> RiskSpec {
    RiskSpec { item, no, code }
}

const fn na(item: u32, mark: &'static str, covers: &'static [u32]) -> NotApplicable {
    NotApplicable { item, mark, covers }
}

const fn canon(code: &'static str, section: u32, risk: u32, title: &'static str) -> CanonicalRisk {
    CanonicalRisk {
        code,
        section,
        risk,
        title,
    }
}

/// Every risk code of `risk_ratings.risk_code`, with the one title it
/// stands for. The 様式4 risks (III-<section>-R<n>); R0 is a section as a
/// whole (the 委託 block's one rating, or a section marked not
/// applicable); codes of their own for risks 様式4 does not have.
pub const CANONICAL_RISKS: &[CanonicalRisk] = &[
    canon("III-2-R1", 2, 1, "目的外の入手が行われるリスク"),
    canon("III-2-R2", 2, 2, "不適切な方法で入手が行われるリスク"),
    canon("III-2-R3", 2, 3, "入手した特定個人情報が不正確であるリスク"),
    canon(
        "III-2-R4",
        2,
        4,
        "入手の際に特定個人情報が漏えい・紛失するリスク",
    ),
    canon(
        "III-3-R1",
        3,
        1,
        "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク",
    ),
    canon(
        "III-3-R2",
        3,
        2,
        "権限のない者(元職員、アクセス権限のない職員等)によって不正に使用されるリスク",
    ),
    canon("III-3-R3", 3, 3, "従業者が事務外で使用するリスク"),
    canon(
        "III-3-R4",
        3,
        4,
        "特定個人情報ファイルが不正に複製されるリスク",
    ),
    canon(
        "III-4-R0",
        4,
        0,
        "委託先による特定個人情報の不正入手・不正な使用に関するリスク 委託先による特定個人情報の不正な提供に関するリスク 委託先による特定個人情報の保管・消去に関するリスク 委託契約終了後の不正な使用等のリスク 再委託に関するリスク",
    ),
    canon(
        "III-5-R0",
        5,
        0,
        "特定個人情報の提供・移転(委託や情報提供ネットワークシステムを通じた提供を除く。)",
    ),
    canon("III-5-R1", 5, 1, "不正な提供・移転が行われるリスク"),
    canon("III-5-R2", 5, 2, "不適切な方法で提供・移転が行われるリスク"),
    canon(
        "III-5-R3",
        5,
        3,
        "誤った情報を提供・移転してしまうリスク、誤った相手に提供・移転してしまうリスク",
    ),
    canon("III-6-R0", 6, 0, "情報提供ネットワークシステムとの接続"),
    canon("III-6-R1", 6, 1, "目的外の入手が行われるリスク"),
    canon(
        "III-6-R2",
        6,
        2,
        "安全が保たれない方法によって入手が行われるリスク",
    ),
    canon("III-6-R3", 6, 3, "入手した特定個人情報が不正確であるリスク"),
    canon(
        "III-6-R4",
        6,
        4,
        "入手の際に特定個人情報が漏えい・紛失するリスク",
    ),
    canon("III-6-R5", 6, 5, "不正な提供が行われるリスク"),
    canon("III-6-R6", 6, 6, "不適切な方法で提供されるリスク"),
    canon(
        "III-6-R7",
        6,
        7,
        "誤った情報を提供してしまうリスク、誤った相手に提供してしまうリスク",
    ),
    canon("III-7-R1", 7, 1, "特定個人情報の漏えい・滅失・毀損リスク"),
    canon(
        "III-7-R2",
        7,
        2,
        "特定個人情報が古い情報のまま保管され続けるリスク",
    ),
    canon(
        "III-7-R3",
        7,
        3,
        "特定個人情報が消去されずいつまでも存在するリスク",
    ),
    // 様式2's 人手を介在させる作業 (later versions): no 様式4 counterpart.
    canon("HUMAN-R1", 8, 1, "人為的ミスが発生するリスク"),
];

/// 様式3 and 様式4 number their risks of III.2–III.5 alike.
const HEADED_RISKS_2_TO_5: &[RiskSpec] = &[
    risk(2, 1, "III-2-R1"),
    risk(2, 2, "III-2-R2"),
    risk(2, 3, "III-2-R3"),
    risk(2, 4, "III-2-R4"),
    risk(3, 1, "III-3-R1"),
    risk(3, 2, "III-3-R2"),
    risk(3, 3, "III-3-R3"),
    risk(3, 4, "III-3-R4"),
    risk(4, 0, "III-4-R0"),
    risk(5, 0, "III-5-R0"),
    risk(5, 1, "III-5-R1"),
    risk(5, 2, "III-5-R2"),
    risk(5, 3, "III-5-R3"),
];

/// …and III.7.
const HEADED_RISKS_7: &[RiskSpec] = &[
    risk(7, 1, "III-7-R1"),
    risk(7, 2, "III-7-R2"),
    risk(7, 3, "III-7-R3"),
];

const FULL_RISKS_6: &[RiskSpec] = &[
    risk(6, 0, "III-6-R0"),
    risk(6, 1, "III-6-R1"),
    risk(6, 2, "III-6-R2"),
    risk(6, 3, "III-6-R3"),
    risk(6, 4, "III-6-R4"),
    risk(6, 5, "III-6-R5"),
    risk(6, 6, "III-6-R6"),
    risk(6, 7, "III-6-R7"),
];

/// 様式3's III.6 has only 目的外の入手 and 不正な提供 (様式4's リスク5).
const PRIORITY_RISKS_6: &[RiskSpec] = &[
    risk(6, 0, "III-6-R0"),
    risk(6, 1, "III-6-R1"),
    risk(6, 2, "III-6-R5"),
];

/// 様式2 IV: one question per risk, numbered by order in the item.
const BASIC_RISKS: &[RiskSpec] = &[
    risk(2, 1, "III-2-R1"),
    risk(3, 1, "III-3-R1"),
    risk(3, 2, "III-3-R2"),
    risk(4, 0, "III-4-R0"),
    risk(4, 1, "III-4-R0"),
    risk(5, 0, "III-5-R0"),
    risk(5, 1, "III-5-R1"),
    risk(6, 0, "III-6-R0"),
    risk(6, 1, "III-6-R1"),
    risk(6, 2, "III-6-R5"),
    risk(7, 1, "III-7-R1"),
];

/// 様式2's later IV.8 人手を介在させる作業.
const BASIC_HUMAN_RISKS: &[RiskSpec] = &[risk(8, 1, "HUMAN-R1")];

const FULL_PARTS: &[PartSpec] = &[
    part("I", Part::BasicInfo, &["基本情報"]),
    annex(Part::AnnexBusiness, &["事務の内容"]),
    part(
        "II",
        Part::FileOverview,
        &["特定個人情報ファイルの概要", "ファイルの概要"],
    ),
    annex(Part::AnnexRecordItems, &["特定個人情報ファイル記録項目"]),
    part(
        "III",
        Part::RiskMeasures,
        &["特定個人情報ファイルの取扱いプロセス"],
    ),
    part("IV", Part::OtherRiskMeasures, &["その他のリスク対策"]),
    part("V", Part::Disclosure, &["開示請求"]),
    part("VI", Part::Procedure, &["評価実施手続"]),
    annex(Part::Changes, &["変更箇所"]),
];

const PRIORITY_PARTS: &[PartSpec] = &[
    part("I", Part::BasicInfo, &["基本情報"]),
    part("II", Part::FileOverview, &["特定個人情報ファイルの概要"]),
    part(
        "III",
        Part::RiskMeasures,
        &["特定個人情報ファイルの取扱いプロセス", "リスク対策"],
    ),
    part("IV", Part::Disclosure, &["開示請求"]),
    part("V", Part::Procedure, &["評価実施手続"]),
    annex(Part::Changes, &["変更箇所"]),
];

const BASIC_PARTS: &[PartSpec] = &[
    part("I", Part::BasicInfo, &["関連情報", "基本情報"]),
    part(
        "II",
        Part::ThresholdItems,
        &["しきい値判断項目", "しきい値判断"],
    ),
    part("III", Part::ThresholdResult, &["しきい値判断結果"]),
    part("IV", Part::RiskMeasures, &["リスク対策"]),
    part("V", Part::Changes, &["変更箇所"]),
];

const HEADED_NA: &[NotApplicable] = &[
    na(4, "委託しない", &[0]),
    na(5, "提供・移転しない", &[1, 2, 3]),
    na(6, "接続しない(入手)", &[1, 2, 3, 4]),
    na(6, "接続しない(提供)", &[5, 6, 7]),
];

const PRIORITY_NA: &[NotApplicable] = &[
    na(4, "委託しない", &[0]),
    na(5, "提供・移転しない", &[1, 2, 3]),
    na(6, "接続しない(入手)", &[1]),
    na(6, "接続しない(提供)", &[2]),
];

const BASIC_NA: &[NotApplicable] = &[
    na(4, "委託しない", &[1]),
    na(5, "提供・移転しない", &[1]),
    na(6, "接続しない(入手)", &[1]),
    na(6, "接続しない(提供)", &[2]),
];

/// Every form and version hyokasho reads.
pub const FORMS: &[Form] = &[
    Form {
        kind: Kind::FullAssessment,
        name: "全項目評価書",
        number: 4,
        version_marks: &[],
        parts: FULL_PARTS,
        names_listed: false,
        risk_numeral: "III",
        risk_numbering: RiskNumbering::Headed,
        risks: &[HEADED_RISKS_2_TO_5, FULL_RISKS_6, HEADED_RISKS_7],
        not_applicable: HEADED_NA,
    },
    Form {
        kind: Kind::PriorityAssessment,
        name: "重点項目評価書",
        number: 3,
        version_marks: &[],
        parts: PRIORITY_PARTS,
        names_listed: false,
        risk_numeral: "III",
        risk_numbering: RiskNumbering::Headed,
        risks: &[HEADED_RISKS_2_TO_5, PRIORITY_RISKS_6, HEADED_RISKS_7],
        not_applicable: PRIORITY_NA,
    },
    Form {
        kind: Kind::BasicAssessment,
        name: "基礎項目評価書",
        number: 2,
        version_marks: &["人手を介在させる作業", "最も優先度が高いと考えられる対策"],
        parts: BASIC_PARTS,
        names_listed: true,
        risk_numeral: "IV",
        risk_numbering: RiskNumbering::Questions,
        risks: &[BASIC_RISKS, BASIC_HUMAN_RISKS],
        not_applicable: BASIC_NA,
    },
    Form {
        kind: Kind::BasicAssessment,
        name: "基礎項目評価書",
        number: 2,
        version_marks: &[],
        parts: BASIC_PARTS,
        names_listed: true,
        risk_numeral: "IV",
        risk_numbering: RiskNumbering::Questions,
        risks: &[BASIC_RISKS],
        not_applicable: BASIC_NA,
    },
];
