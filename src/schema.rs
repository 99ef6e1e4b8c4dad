//! The output contract (OUTPUT.md v1) as data: every table, its columns in
//! order, and a one-line meaning for each. The writers take their headers
//! from here and `hyokasho schema` prints it; a test checks that every
//! record type serialises exactly these columns.

/// The type of a column's values, as typed outputs (SQLite) store them.
/// CSV and JSONL need no declaration: they write what the record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text, possibly empty (null).
    Text,
    /// A whole number, possibly empty (null).
    Integer,
    /// `true` / `false`; SQLite stores 1 / 0.
    Boolean,
}

impl ColumnType {
    /// The SQLite type name.
    pub fn sql(self) -> &'static str {
        match self {
            ColumnType::Text => "TEXT",
            ColumnType::Integer | ColumnType::Boolean => "INTEGER",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub meaning: &'static str,
    pub ty: ColumnType,
}

/// One output table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub about: &'static str,
    pub columns: &'static [Column],
}

macro_rules! columns {
    ($($name:literal $(as $ty:ident)? : $meaning:expr),* $(,)?) => {
        &[$(Column { name: $name, meaning: $meaning, ty: columns!(@ty $($ty)?) }),*]
    };
    (@ty) => { ColumnType::Text };
    (@ty $ty:ident) => { ColumnType::$ty };
}

const DOC_ID: &str = "16 hex characters of the BLAKE3 hash of the source file's bytes";
const PAGE: &str = "1-based PDF page of the record's first cell; empty for text input";
const LINE: &str = "1-based line in the decoded text, or in the page's reconstructed lines (PDF)";

/// Every table, in the order they are written and documented.
pub const TABLES: &[Table] = &[
    Table {
        name: "documents",
        about: "One row per input file, whatever became of it.",
        columns: columns![
            "doc_id": DOC_ID,
            "source_path": "the file as found under the inputs",
            "format": "text | pdf",
            "encoding": "the detected text encoding (UTF-8, UTF-16LE, Shift_JIS, EUC-JP…), or pdf",
            "pages" as Integer: "page count (PDF)",
            "kind": "full_assessment | priority_assessment | basic_assessment | change_list | correction_table | unknown",
            "form": "the form named in the document (全項目評価書…)",
            "assessment_no": "評価書番号",
            "title": "評価書名 (or the title of a change list / correction table)",
            "organization": "評価実施機関名 as written (川崎市長)",
            "municipality": "the body (川崎市), from the organisation or, failing that, the text",
            "published_on": "公表日, ISO 8601",
            "is_draft" as Boolean: "true when the document is marked as a draft (案)",
            "status": "ok | partial | needs_ocr | failed",
            "error": "why the status is not ok",
            "warnings" as Integer: "number of warnings for this document in manifest.json",
            "form_version": "the form marker as printed (平成30年5月 様式4), else empty",
            "threshold_subjects": "しきい値判断: 対象人数, the band as written (様式2 II.1)",
            "threshold_subjects_as_of": "the date the 対象人数 was counted, ISO 8601",
            "threshold_handlers": "しきい値判断: 取扱者数, 500人以上 | 500人未満 (様式2 II.2)",
            "threshold_handlers_as_of": "the date the 取扱者数 was counted, ISO 8601",
            "threshold_serious_incident" as Boolean: "しきい値判断: 重大事故 発生あり → true, 発生なし → false (様式2 II.3)",
            "threshold_result": "しきい値判断結果 as written (様式2 III, 様式3 V.1②, 様式4 VI.1②)",
            "basic_assessed_on": "基礎項目評価の実施日 as a 様式3/4 gives it, ISO 8601",
        ],
    },
    Table {
        name: "rows",
        about: "Every non-empty source row, normalised, with its place in the form (lossless).",
        columns: columns![
            "doc_id": DOC_ID,
            "row_no" as Integer: "1-based position in the document's row stream",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
            "section": "cover, I–VI, annex1–annex3, incidents, changes, corrections",
            "path": "the headings above the row, joined with ' > '",
            "label": "the first cell, where the row has several cells or is a heading",
            "value": "the other cells, normalised, joined with ' | '",
            "raw": "the source text of the row, cells joined by tabs",
            "part": "the part of the form, the same in every form: cover, basic_info, threshold_items, threshold_result, file_overview, risk_measures, other_risk_measures, disclosure, procedure, annex_business, annex_record_items, changes, corrections, incidents, unknown",
        ],
    },
    Table {
        name: "systems",
        about: "I.2 システムN: the systems used by the business.",
        columns: columns![
            "doc_id": DOC_ID,
            "system_no" as Integer: "N of システムN",
            "name": "①システムの名称",
            "functions": "②システムの機能",
            "connections": "③他のシステムとの接続: the checked options in the form's order, joined with ';'",
            "other_connection": "the text of the その他 option",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
        ],
    },
    Table {
        name: "files",
        about: "II: one row per 特定個人情報ファイル.",
        columns: columns![
            "doc_id": DOC_ID,
            "file_no" as Integer: "1-based order of the file in II",
            "name": "1. 特定個人情報ファイル名",
            "file_type": "①ファイルの種類",
            "subject_count": "②対象となる本人の数 (a band)",
            "subject_scope": "③対象となる本人の範囲",
            "record_item_count": "④記録される項目 (a band)",
            "holding_start": "⑤保有開始日, ISO 8601",
            "department": "⑥事務担当部署",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
        ],
    },
    Table {
        name: "contractors",
        about: "II.4 委託事項N: one row per entrustment with content.",
        columns: columns![
            "doc_id": DOC_ID,
            "file_name": "the 特定個人情報ファイル the entrustment belongs to",
            "entrustment_no" as Integer: "N of 委託事項N",
            "title": "the title given next to 委託事項N",
            "description": "①委託内容",
            "scope": "②取扱いを委託する特定個人情報ファイルの範囲",
            "subject_count": "対象となる本人の数 (a band)",
            "handler_count": "③委託先における取扱者数 (a band)",
            "delivery_methods": "④委託先への特定個人情報ファイルの提供方法: checked options joined with ';'",
            "name_check_method": "⑤委託先名の確認方法",
            "contractor_name": "⑥委託先名 as written",
            "contractor_name_normalized": "⑥ with (株)/㈱ → 株式会社 and spaces inside the name removed",
            "subcontracting": "⑦再委託の有無",
            "subcontract_approval": "⑧再委託の許諾方法",
            "subcontract_scope": "⑨再委託事項",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
        ],
    },
    Table {
        name: "provisions",
        about: "II.5 提供先N / 移転先N with content.",
        columns: columns![
            "doc_id": DOC_ID,
            "file_name": "the 特定個人情報ファイル",
            "kind": "提供 | 移転",
            "provision_no" as Integer: "N of 提供先N / 移転先N",
            "recipient": "the recipient named next to 提供先N / 移転先N",
            "legal_basis": "①法令上の根拠",
            "purpose": "②用途",
            "information": "③提供する情報 / 移転する情報",
            "subject_count": "④対象となる本人の数 (a band)",
            "subject_scope": "⑤対象となる本人の範囲",
            "methods": "⑥提供方法 / 移転方法: checked options joined with ';'",
            "timing": "⑦時期・頻度",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
        ],
    },
    Table {
        name: "risk_ratings",
        about: "III: one row per 'リスクへの対策は十分か'.",
        columns: columns![
            "doc_id": DOC_ID,
            "file_name": "the 特定個人情報ファイル",
            "section_no" as Integer: "the III section number (2–7)",
            "section_title": "the section's title as written",
            "risk_no" as Integer: "N of リスクN (0 for the 委託 block rating)",
            "risk_code": "III-<section_no>-R<risk_no>",
            "risk_title": "the risk's title as written",
            "risk_title_canonical": "the form's title for that risk",
            "rating": "特に力を入れている | 十分である | 課題が残されている",
            "rating_level" as Integer: "1 特に力を入れている · 2 十分である · 3 課題が残されている",
            "measures": "the risk's measure text",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
            "form_risk_code": "the risk's place in the document's own form (様式2 IV-6-Q2, 様式3 III-6-R2)",
            "applicable" as Boolean: "false for the one row of a section marked not applicable (委託しない…)",
        ],
    },
    Table {
        name: "choices",
        about: "Every bracketed answer to a choice field, anywhere.",
        columns: columns![
            "doc_id": DOC_ID,
            "section": "the section key, as in rows",
            "path": "the headings above the field",
            "label": "the field's label",
            "value": "the bracketed answer",
            "option_no" as Integer: "the number of the answer among the options",
            "options": "the options, joined with ';'",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
            "part": "the part of the form (as rows.part)",
        ],
    },
    Table {
        name: "changes",
        about: "変更箇所 rows: standalone change lists and 別添3.",
        columns: columns![
            "doc_id": DOC_ID,
            "change_no" as Integer: "1-based order in the document",
            "changed_on": "変更日, ISO 8601",
            "item": "項目",
            "before": "変更前の記載",
            "after": "変更後の記載",
            "submission": "提出時期: 事前 | 事後",
            "explanation": "提出時期に係る説明",
            "continuation" as Boolean: "true where the row continues the previous row's item",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
        ],
    },
    Table {
        name: "corrections",
        about: "修正等を要する部分 rows (repeated header rows excluded).",
        columns: columns![
            "doc_id": DOC_ID,
            "correction_no" as Integer: "1-based order in the document",
            "item": "対応する評価書の項目",
            "page_ref": "ページ",
            "current": "現在の評価書",
            "revision_1_label": "the first revision column's heading",
            "revision_1": "the first revision",
            "revision_2_label": "the second revision column's heading",
            "revision_2": "the second revision",
            "final": "the last revision that is not 変更なし, else current",
            "reason_category": "the bracketed lead of the reason (【…】)",
            "reason": "理由",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
        ],
    },
    Table {
        name: "incidents",
        about: "個人情報に関する重大事故について: one row per 事案.",
        columns: columns![
            "doc_id": DOC_ID,
            "incident_no" as Integer: "N of 事案 N",
            "title": "the title after 事案 N",
            "discovered": "発生(発覚)時期: ISO 8601 where it can be read, else the words",
            "summary": "事案の概要",
            "cause": "原因",
            "impact": "影響",
            "response": "事故発生(発覚)時の対応",
            "prevention": "再発防止策の内容",
            "page" as Integer: PAGE,
            "line" as Integer: LINE,
        ],
    },
];

/// Looks a table up by name.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// The data dictionary as Markdown (`hyokasho schema --markdown`, docs/schema.md).
pub fn markdown() -> String {
    let mut out = String::from(
        "# hyokasho output tables\n\nGenerated by `hyokasho schema --markdown`. Each table is written as \
         `NAME.csv` and `NAME.jsonl` (and, with `--format sqlite`, as a table of `hyokasho.sqlite`, \
         with the SQLite type shown); rows are sorted by `doc_id`, then by their own number.\n",
    );
    for t in TABLES {
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n| column | type | meaning |\n|---|---|---|\n",
            t.name, t.about
        ));
        for c in t.columns {
            let ty = match c.ty {
                ColumnType::Boolean => "INTEGER (0/1)",
                other => other.sql(),
            };
            out.push_str(&format!(
                "| `{}` | {ty} | {} |\n",
                c.name,
                c.meaning.replace('|', "\\|")
            ));
        }
    }
    out
}

/// The data dictionary as plain text (`hyokasho schema`).
pub fn text() -> String {
    let mut out = String::new();
    for t in TABLES {
        out.push_str(&format!("{}: {}\n", t.name, t.about));
        for c in t.columns {
            out.push_str(&format!("  {:<28} {}\n", c.name, c.meaning));
        }
        out.push('\n');
    }
    out
}
