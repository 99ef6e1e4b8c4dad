//! The `provisions` table: II.5 提供先N / 移転先N.

use super::block::blocks;
use super::field::{checked_options, field};
use crate::segment::{Part, Row};

crate::record! {
    /// II.5 提供先N / 移転先N with content.
    pub struct Provision in "provisions" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// the 特定個人情報ファイル
        // The 特定個人情報ファイル the provision belongs to.
        pub file_name: Option<String>,
        /// 提供 | 移転
        // `提供` or `移転`.
        #[serde(deserialize_with = "crate::intern::deserialize")]
        pub kind: crate::intern::Name,
        /// N of 提供先N / 移転先N
        pub provision_no: u32,
        /// the recipient named next to 提供先N / 移転先N
        // The recipient written beside `提供先N`.
        pub recipient: Option<String>,
        /// ①法令上の根拠
        // ①法令上の根拠.
        pub legal_basis: Option<String>,
        /// ②用途
        // ②提供先における用途 / 移転先における用途.
        pub purpose: Option<String>,
        /// ③提供する情報 / 移転する情報
        // ③提供する情報 / 移転する情報.
        pub information: Option<String>,
        /// ④対象となる本人の数 (a band)
        // ④…対象となる本人の数 (answer).
        pub subject_count: Option<String>,
        /// ⑤対象となる本人の範囲
        // ⑤…対象となる本人の範囲.
        pub subject_scope: Option<String>,
        /// ⑥提供方法 / 移転方法: checked options joined with ';'
        // ⑥提供方法 / 移転方法: checked options, `;`.
        pub methods: Option<String>,
        /// ⑦時期・頻度
        // ⑦時期・頻度.
        pub timing: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
    }
}

/// Extracts the provisions and transfers of section II.
pub fn extract(
    doc_id: &str,
    rows: &[Row],
    file_name: &dyn Fn(u32) -> Option<String>,
) -> Vec<Provision> {
    let mut out = Vec::new();
    for b in blocks(rows, Part::FileOverview, &["提供先", "移転先"]) {
        let mut p = Provision {
            doc_id: doc_id.to_string(),
            file_name: file_name(b.file_no),
            kind: if b.block.kind == "提供先" {
                "提供"
            } else {
                "移転"
            },
            provision_no: b.block.no,
            recipient: b.title(),
            page: b.heading.page,
            line: b.heading.line,
            ..Provision::default()
        };
        for f in b.rows.iter().filter_map(|r| field(r)) {
            let (_, label) = f.parts();
            if label.contains("法令上の根拠") {
                p.legal_basis = f.text();
            } else if label.contains("用途") {
                p.purpose = f.text();
            } else if label.contains("本人の数") {
                p.subject_count = f.choice().and_then(|c| c.value()).or_else(|| f.text());
            } else if label.contains("本人の範囲") {
                p.subject_scope = f.text();
            } else if label.contains("する情報") {
                p.information = f.text();
            } else if label.contains("方法") {
                p.methods = checked_options(&f.value);
            } else if label.contains("時期") || label.contains("頻度") {
                p.timing = f.text();
            }
        }
        let has_content = p.legal_basis.is_some()
            || p.purpose.is_some()
            || p.information.is_some()
            || p.recipient.is_some();
        if has_content {
            out.push(p);
        }
    }
    out
}
