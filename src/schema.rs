//! The output contract (OUTPUT.md) as data: every table, its columns in
//! order, their types, and a one-line meaning for each.
//!
//! A table is declared once, with [`record!`], as its record type: the
//! struct's fields are the columns. The list of tables is
//! [`crate::extract::TABLES`] (the `tables!` list there, which also makes
//! the per-document container and its counts). The writers, `hyokasho
//! schema` and docs/schema.md read only this registry.

/// The type of a column's values: one type per column, the same in CSV,
/// JSONL, SQLite and `datapackage.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text, possibly empty (null).
    Text,
    /// A whole number, possibly empty (null): digits in CSV, a JSON number,
    /// an SQLite INTEGER.
    Integer,
    /// `true` / `false`; SQLite stores 1 / 0.
    Boolean,
    /// An ISO 8601 calendar date at the precision the source gives:
    /// `YYYY-MM-DD`, or `YYYY-MM` where it gives no day (`YYYY` where it
    /// gives only a year); never other text.
    /// Written as text everywhere (SQLite TEXT), so that a month stays a
    /// month; it sorts as dates do.
    Date,
}

impl ColumnType {
    /// The SQLite type name.
    pub fn sql(self) -> &'static str {
        match self {
            ColumnType::Text | ColumnType::Date => "TEXT",
            ColumnType::Integer | ColumnType::Boolean => "INTEGER",
        }
    }

    /// The name `hyokasho schema` and docs/schema.md give the type.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Integer => "integer",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
        }
    }

    /// The pattern every non-empty value matches, where the type has one
    /// beyond its JSON type.
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            ColumnType::Date => Some("[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"),
            _ => None,
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The column's name, in every format.
    pub name: &'static str,
    /// What the column holds, in one line.
    pub meaning: &'static str,
    /// The type of its values.
    pub ty: ColumnType,
}

/// One output table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The table's name (its files are `NAME.csv`, `NAME.jsonl`).
    pub name: &'static str,
    /// What one row of it is.
    pub about: &'static str,
    /// Its columns, in order.
    pub columns: &'static [Column],
}

/// What a Rust field type says about its column's type: the registry
/// derives each column's [`ColumnType`] from its record field through this.
pub trait ColumnValue {
    /// The column type of a field of this type.
    const TYPE: ColumnType;
}

macro_rules! column_values {
    ($($rust:ty => $ty:ident),* $(,)?) => {
        $(impl ColumnValue for $rust {
            const TYPE: ColumnType = ColumnType::$ty;
        })*
    };
}

column_values! {
    String => Text,
    &'static str => Text,
    u8 => Integer,
    u16 => Integer,
    u32 => Integer,
    u64 => Integer,
    usize => Integer,
    i64 => Integer,
    bool => Boolean,
}

/// An empty cell is null: the column keeps the type of what it holds.
impl<T: ColumnValue> ColumnValue for Option<T> {
    const TYPE: ColumnType = T::TYPE;
}

/// A record type of an output table: one value is one row.
pub trait Record: serde::Serialize + Default {
    /// The table its values are rows of.
    const TABLE: &'static Table;
}

/// A doc attribute's text with the space rustdoc keeps after `///` (and at
/// the start of every further line, which then separates the lines) trimmed.
#[doc(hidden)]
pub const fn doc_text(doc: &'static str) -> &'static str {
    doc.trim_ascii()
}

/// A field's name as a column: without the `r#` of a raw identifier.
#[doc(hidden)]
pub const fn column_name(ident: &'static str) -> &'static str {
    match ident.as_bytes() {
        [b'r', b'#', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(name) => name,
            Err(_) => ident,
        },
        _ => ident,
    }
}

/// The meanings of the columns most tables share, for their fields' docs:
/// `#[doc = meaning!(doc_id)]`.
#[macro_export]
#[doc(hidden)]
macro_rules! meaning {
    (doc_id) => {
        "16 hex characters of the BLAKE3 hash of the source file's bytes"
    };
    (page) => {
        "1-based PDF page of the record's first cell; empty for text input"
    };
    (line) => {
        "1-based line in the decoded text, or in the page's reconstructed lines (PDF)"
    };
}

/// Declares a table's record type and its [`Table`] at once, so that a
/// column is one field: its name is the column's, its doc comment the
/// column's meaning, its Rust type gives the column type (see
/// [`ColumnValue`]), unless `as TYPE` after it names a [`ColumnType`].
/// The struct's doc comment says what the table holds; remarks for
/// developers go in `//` comments, which are not part of the contract.
///
/// ```
/// hyokasho::record! {
///     /// One row per thing.
///     pub struct Thing in "things" {
///         /// the thing's number
///         pub thing_no: u32,
///         /// its name, if it has one
///         pub name: Option<String>,
///     }
/// }
/// use hyokasho::schema::{ColumnType, Record};
/// assert_eq!(Thing::TABLE.name, "things");
/// assert_eq!(Thing::TABLE.about, "One row per thing.");
/// assert_eq!(Thing::TABLE.columns[0].ty, ColumnType::Integer);
/// assert_eq!(Thing::TABLE.columns[1].meaning, "its name, if it has one");
/// ```
#[macro_export]
macro_rules! record {
    (
        $(#[doc = $about:expr])+
        $vis:vis struct $record:ident in $table:literal {
            $(
                $(#[doc = $meaning:expr])+
                $(#[serde($($serde:tt)*)])*
                $fvis:vis $field:ident : $fty:ty $(as $cty:ident)?
            ),* $(,)?
        }
    ) => {
        $(#[doc = $about])+
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        $vis struct $record {
            $(
                $(#[doc = $meaning])+
                $(#[serde($($serde)*)])*
                $fvis $field: $fty,
            )*
        }

        impl $crate::schema::Record for $record {
            const TABLE: &'static $crate::schema::Table = &$crate::schema::Table {
                name: $table,
                about: $crate::schema::doc_text(concat!($($about),+)),
                columns: &[$($crate::schema::Column {
                    name: $crate::schema::column_name(stringify!($field)),
                    meaning: $crate::schema::doc_text(concat!($($meaning),+)),
                    ty: $crate::record!(@type $fty $(, $cty)?),
                }),*],
            };
        }
    };
    (@type $fty:ty) => { <$fty as $crate::schema::ColumnValue>::TYPE };
    (@type $fty:ty, $cty:ident) => { $crate::schema::ColumnType::$cty };
}

pub use crate::extract::TABLES;

/// Looks a table up by name.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// The data dictionary as Markdown (`hyokasho schema --markdown`, docs/schema.md).
pub fn markdown() -> String {
    let mut out = String::from(
        "# hyokasho output tables\n\nGenerated by `hyokasho schema --markdown`. Each table is written as \
         `NAME.csv` and `NAME.jsonl` (and, with `--format sqlite`, as a table of `hyokasho.sqlite`); \
         rows are sorted by `doc_id`, then by their own number. `datapackage.json`, written beside \
         the tables, describes them for Frictionless tools, pandas, DuckDB and R.\n\n\
         Every column has one type, the same in every format. Empty values are empty cells in CSV, \
         `null` in JSONL and `NULL` in SQLite.\n\n\
         | type | CSV | JSONL | SQLite |\n|---|---|---|---|\n\
         | text | the text | a string | TEXT |\n\
         | integer | digits | a number | INTEGER |\n\
         | boolean | `true` / `false` | `true` / `false` | INTEGER 1 / 0 |\n\
         | date | ISO 8601 at the source's precision: `YYYY-MM-DD`, or `YYYY-MM` where the source gives no day (`YYYY` where it gives only a year) | a string, the same | TEXT, the same |\n",
    );
    for t in TABLES {
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n| column | type | meaning |\n|---|---|---|\n",
            t.name, t.about
        ));
        for c in t.columns {
            let ty = c.ty.name();
            out.push_str(&format!(
                "| `{}` | {ty} | {} |\n",
                c.name,
                c.meaning.replace('|', "\\|")
            ));
        }
    }
    out.push_str(
        "\n## Risk codes across the forms\n\n`risk_ratings.risk_code` names the same risk in every form: \
         the 様式4 code, or a code of its own where 様式4 has no such risk. `form_risk_code` is the \
         risk's place in the document's own form; R0 is a section as a whole (the 委託 block's one \
         rating, or a section marked not applicable).\n\n\
         | risk_code | title | 様式4 | 様式3 | 様式2 |\n|---|---|---|---|---|\n",
    );
    for (code, title, places) in risk_mapping() {
        out.push_str(&format!(
            "| `{code}` | {title} | {} |\n",
            places.join(" | ")
        ));
    }
    out.push_str("\n## Warning codes\n\nA doubtful warning makes an `ok` document `partial`.\n\n| code | severity | meaning |\n|---|---|---|\n");
    for w in crate::diag::WARNING_CODES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            w.code,
            w.severity.as_str(),
            w.meaning.replace('|', "\\|")
        ));
    }
    out
}

/// Every canonical risk code with its title and its places in 様式4, 様式3
/// and 様式2 (the latest version of each), from the forms' data.
pub fn risk_mapping() -> Vec<(&'static str, &'static str, Vec<String>)> {
    use crate::form::{self, Kind};
    let kinds = [
        Kind::FullAssessment,
        Kind::PriorityAssessment,
        Kind::BasicAssessment,
    ];
    form::CANONICAL_RISKS
        .iter()
        .map(|r| {
            let places = kinds
                .iter()
                .map(|k| {
                    form::versions(*k)
                        .next()
                        .map(|f| {
                            f.all_risks()
                                .filter(|s| s.code == r.code)
                                .map(|s| f.risk_place(s.item, s.no))
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default()
                })
                .collect();
            (r.code, r.title, places)
        })
        .collect()
}

/// The data dictionary as plain text (`hyokasho schema`).
pub fn text() -> String {
    let mut out = String::new();
    for t in TABLES {
        out.push_str(&format!("{}: {}\n", t.name, t.about));
        for c in t.columns {
            out.push_str(&format!(
                "  {:<28} {:<8} {}\n",
                c.name,
                c.ty.name(),
                c.meaning
            ));
        }
        out.push('\n');
    }
    out.push_str("risk codes (risk_code: title; places in 様式4 / 様式3 / 様式2):\n");
    for (code, title, places) in risk_mapping() {
        out.push_str(&format!("  {code:<10} {title}; {}\n", places.join(" / ")));
    }
    out
}
