//! The `contractors` table: II.4 委託事項N, one record per entrustment.

use super::block::{enclosing_block, parse_block};
use super::field::{Field, checked_options, field};
use crate::diag::Warning;
use crate::normalize;
use crate::segment::{Part, Row};

crate::record! {
    /// II.4 委託事項N: one row per entrustment with content.
    pub struct Contractor in "contractors" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// the 特定個人情報ファイル the entrustment belongs to
        // The 特定個人情報ファイル the entrustment belongs to.
        pub file_name: Option<String>,
        /// N of 委託事項N
        pub entrustment_no: u32,
        /// the title given next to 委託事項N
        // The title written beside `委託事項N`, else ①委託内容.
        pub title: Option<String>,
        /// ①委託内容
        // ①委託内容.
        pub description: Option<String>,
        /// ②取扱いを委託する特定個人情報ファイルの範囲
        // ②取扱いを委託する特定個人情報ファイルの範囲 (answer).
        pub scope: Option<String>,
        /// 対象となる本人の数 (a band)
        // 対象となる本人の数 (answer).
        pub subject_count: Option<String>,
        /// ③委託先における取扱者数 (a band)
        // ③委託先における取扱者数 (answer).
        pub handler_count: Option<String>,
        /// ④委託先への特定個人情報ファイルの提供方法: checked options joined with ';'
        // ④委託先への特定個人情報ファイルの提供方法: checked options, `;`.
        pub delivery_methods: Option<String>,
        /// ⑤委託先名の確認方法
        // ⑤委託先名の確認方法.
        pub name_check_method: Option<String>,
        /// ⑥委託先名 as written
        // ⑥委託先名 as written.
        pub contractor_name: Option<String>,
        /// ⑥ with (株)/㈱ → 株式会社 and spaces inside the name removed
        // ⑥ with (株)/㈱ → 株式会社 and spaces inside the name removed.
        pub contractor_name_normalized: Option<String>,
        /// ⑦再委託の有無
        // ⑦再委託の有無 (answer).
        pub subcontracting: Option<String>,
        /// ⑧再委託の許諾方法
        // ⑧再委託の許諾方法.
        pub subcontract_approval: Option<String>,
        /// ⑨再委託事項
        // ⑨再委託事項.
        pub subcontract_scope: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
    }
}

/// Extracts the entrustments of section II.
///
/// Entrustments are the rows under a `委託事項N` heading. Where a source
/// lost the heading (and the first items with it), rows of entrustment
/// fields outside any block are kept as an entrustment of their own,
/// numbered before the next one, with a warning.
pub fn extract(
    doc_id: &str,
    rows: &[Row],
    file_name: &dyn Fn(u32) -> Option<String>,
    warnings: &mut Vec<Warning>,
) -> Vec<Contractor> {
    let mut out = Vec::new();
    let mut current: Option<(Contractor, Option<&Row>)> = None;
    for row in rows.iter().filter(|r| r.part == Part::FileOverview) {
        if row.heading.is_some() {
            if let Some(c) = current.take() {
                keep(c, &mut out);
            }
            if let Some(b) = parse_block(&row.label).filter(|b| b.kind == "委託事項") {
                current = Some((new(doc_id, row, b.no, file_name), Some(row)));
            }
            continue;
        }
        if current.is_none() && enclosing_block(row, &["委託事項", "提供先", "移転先"]).is_none()
        {
            let starts = field(row).is_some_and(|f| {
                let (_, l) = f.parts();
                l.contains("委託先名") && !l.contains("確認方法") || l.contains("委託内容")
            });
            if starts {
                current = Some((new(doc_id, row, 0, file_name), None));
            }
        }
        if let Some((c, _)) = current.as_mut()
            && let Some(f) = field(row)
        {
            fill(c, &f);
        }
    }
    if let Some(c) = current.take() {
        keep(c, &mut out);
    }
    // Number the entrustments whose heading was lost.
    for i in (0..out.len()).rev() {
        if out[i].entrustment_no == 0 {
            let next = out.get(i + 1).map_or(0, |c| c.entrustment_no);
            let prev = if i > 0 { out[i - 1].entrustment_no } else { 0 };
            out[i].entrustment_no = if next > prev + 1 { next - 1 } else { prev + 1 };
            warnings.push(
                Warning::new(
                    "entrustment_heading_missing",
                    format!(
                        "委託事項{}: the heading and items before {} are missing from the source; the entrustment starts at its first field",
                        out[i].entrustment_no,
                        out[i].contractor_name.as_deref().map_or("its fields".to_string(), |n| format!("委託先名 {n}"))
                    ),
                )
                .at(out[i].page, Some(out[i].line)),
            );
        }
    }
    out
}

fn new(doc_id: &str, row: &Row, no: u32, file_name: &dyn Fn(u32) -> Option<String>) -> Contractor {
    Contractor {
        doc_id: doc_id.to_string(),
        file_name: file_name(row.file_no),
        entrustment_no: no,
        page: row.page,
        line: row.line,
        ..Contractor::default()
    }
}

/// Keeps an entrustment that has content (`委託事項2～5` placeholders and
/// empty blocks are not records).
fn keep((mut c, heading): (Contractor, Option<&Row>), out: &mut Vec<Contractor>) {
    let has_content = c.description.is_some()
        || c.contractor_name.is_some()
        || c.scope.is_some()
        || c.handler_count.is_some();
    if !has_content {
        return;
    }
    let title = heading.and_then(|h| normalize::non_placeholder(&h.value).map(str::to_string));
    c.title = title.or_else(|| c.description.clone());
    c.contractor_name_normalized = c.contractor_name.as_deref().map(normalize_company);
    out.push(c);
}

fn fill(c: &mut Contractor, f: &Field<'_>) {
    let (_, label) = f.parts();
    let answer = || f.choice().and_then(|a| a.value()).or_else(|| f.text());
    if label.contains("委託内容") {
        c.description = c.description.take().or_else(|| f.text());
    } else if label.contains("委託する特定個人情報ファイルの範囲") {
        c.scope = c.scope.take().or_else(answer);
    } else if label.contains("対象となる本人の数") {
        c.subject_count = c.subject_count.take().or_else(answer);
    } else if label.contains("取扱者数") {
        c.handler_count = c.handler_count.take().or_else(answer);
    } else if label.contains("提供方法") {
        if let Some(m) = checked_options(&f.value) {
            c.delivery_methods = Some(m);
        }
    } else if label.contains("委託先名の確認方法") {
        c.name_check_method = f.text();
    } else if label.contains("委託先名") {
        c.contractor_name = f.text();
    } else if label.contains("再委託の有無") {
        c.subcontracting = answer();
    } else if label.contains("再委託の許諾方法") {
        c.subcontract_approval = f.text();
    } else if label.contains("再委託事項") {
        c.subcontract_scope = f.text();
    }
}

/// Writes a company name one way: `(株)`, `㈱`, `(株)` → `株式会社`,
/// `(有)`/`㈲` → `有限会社`, and removes the spaces inside the name
/// (`N E C フィールドインクス株式会社`), keeping one space before a branch
/// (`富士通Japan株式会社 川崎支店`).
///
/// ```
/// use hyokasho::extract::contractors::normalize_company;
/// assert_eq!(normalize_company("(株)両備システムズ"), "株式会社両備システムズ");
/// assert_eq!(normalize_company("N E C フィールドインクス株式会社"), "NECフィールドインクス株式会社");
/// assert_eq!(normalize_company("富士通Japan株式会社 川崎支店"), "富士通Japan株式会社 川崎支店");
/// ```
pub fn normalize_company(name: &str) -> String {
    let s = name
        .replace('㈱', "株式会社")
        .replace("(株)", "株式会社")
        .replace("( 株 )", "株式会社")
        .replace('㈲', "有限会社")
        .replace("(有)", "有限会社");
    // Names listed one per line stay one per line.
    s.lines()
        .map(compact_company)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Removes the spaces inside one company name, keeping one before a
/// branch or office name that follows the company form.
fn compact_company(line: &str) -> String {
    const FORMS: &[&str] = &[
        "株式会社",
        "有限会社",
        "合同会社",
        "一般社団法人",
        "一般財団法人",
    ];
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        // `株式会社 ミラボ` is one name; `富士通Japan株式会社 川崎支店` is a
        // name and its branch.
        let after_form = i > 0
            && FORMS
                .iter()
                .any(|f| out.ends_with(f) && out.len() > f.len())
            && !FORMS.iter().any(|f| w.starts_with(f));
        if after_form {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}
