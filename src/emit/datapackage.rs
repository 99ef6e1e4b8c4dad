//! `datapackage.json`: a Frictionless Data Package describing the tables
//! written beside it (every column with its type, the keys), generated
//! from the schema registry, so that pandas, DuckDB, R and Frictionless
//! tools read the types without guessing, even of a column that is empty
//! in a run.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::{CsvEncoding, CsvStyle, EmitError, TableFormat};
use crate::schema::{self, ColumnType, Table};

/// The file's name in the output folder.
pub const FILE_NAME: &str = "datapackage.json";

/// Writes the package into `dir` when CSV or JSONL tables are written
/// (SQLite carries its own types); returns whether it did.
pub fn write(dir: &Path, formats: &[TableFormat], style: CsvStyle) -> Result<bool, EmitError> {
    if !formats
        .iter()
        .any(|f| matches!(f, TableFormat::Csv | TableFormat::Jsonl))
    {
        return Ok(false);
    }
    let path = dir.join(FILE_NAME);
    let mut json =
        serde_json::to_vec_pretty(&package(formats, style)).map_err(|source| EmitError::Json {
            table: FILE_NAME.into(),
            source,
        })?;
    json.push(b'\n');
    std::fs::File::create(&path)
        .and_then(|mut f| {
            f.write_all(&json)?;
            f.sync_all()
        })
        .map_err(|source| EmitError::Io { path, source })?;
    Ok(true)
}

/// The package for the tables written in `formats` with `style`.
pub fn package(formats: &[TableFormat], style: CsvStyle) -> Value {
    let mut resources = Vec::new();
    for table in schema::TABLES {
        if formats.contains(&TableFormat::Csv) {
            let encoding = match (style.encoding, style.excel) {
                (CsvEncoding::Cp932, _) => "cp932",
                (CsvEncoding::Utf8, true) => "utf-8-sig",
                (CsvEncoding::Utf8, false) => "utf-8",
            };
            let line_end = if style.excel { "\r\n" } else { "\n" };
            resources.push(json!({
                "name": table.name,
                "path": format!("{}.csv", table.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": encoding,
                "description": table.about,
                "dialect": {
                    "delimiter": ",",
                    "quoteChar": "\"",
                    "doubleQuote": true,
                    "lineTerminator": line_end,
                    "header": true,
                },
                "schema": table_schema(table),
            }));
        }
        if formats.contains(&TableFormat::Jsonl) {
            resources.push(json!({
                "name": format!("{}-jsonl", table.name),
                "path": format!("{}.jsonl", table.name),
                "format": "jsonl",
                "mediatype": "application/jsonl",
                "encoding": "utf-8",
                "description": table.about,
                "schema": table_schema(table),
            }));
        }
    }
    json!({
        "profile": "tabular-data-package",
        "name": "hyokasho-tables",
        "title": "特定個人情報保護評価書 tables extracted by hyokasho",
        "description": "One table per record type; see docs/schema.md of hyokasho. A date column holds ISO 8601 at the source's precision (YYYY-MM-DD, YYYY-MM or YYYY), so it is typed string with a pattern.",
        "created_by": format!("hyokasho {}", env!("CARGO_PKG_VERSION")),
        "resources": resources,
    })
}

/// A Table Schema: fields in column order, `doc_id` the key of
/// `documents` and a foreign key everywhere else.
fn table_schema(table: &Table) -> Value {
    let fields: Vec<Value> = table.columns.iter().map(field).collect();
    let mut schema = json!({ "fields": fields, "missingValues": [""] });
    if table.name == "documents" {
        schema["primaryKey"] = json!(["doc_id"]);
    } else if table.columns.iter().any(|c| c.name == "doc_id") {
        schema["foreignKeys"] = json!([{
            "fields": ["doc_id"],
            "reference": { "resource": "documents", "fields": ["doc_id"] },
        }]);
    }
    schema
}

fn field(c: &schema::Column) -> Value {
    let mut f = json!({
        "name": c.name,
        "type": frictionless_type(c.ty),
        "description": c.meaning,
    });
    match c.ty {
        ColumnType::Boolean => {
            f["trueValues"] = json!(["true"]);
            f["falseValues"] = json!(["false"]);
        }
        ColumnType::Date => {
            f["format"] = json!("default");
            f["x-hyokasho-type"] = json!("date");
        }
        ColumnType::Text | ColumnType::Integer => {}
    }
    if let Some(p) = c.ty.pattern() {
        f["constraints"] = json!({ "pattern": p });
    }
    f
}

/// The Frictionless field type of a column type. A date at month
/// precision is no Frictionless `date`, so dates are strings whose
/// pattern says what they hold.
pub fn frictionless_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text | ColumnType::Date => "string",
        ColumnType::Integer => "integer",
        ColumnType::Boolean => "boolean",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_and_column_of_the_registry() {
        let p = package(&[TableFormat::Csv, TableFormat::Jsonl], CsvStyle::default());
        let resources = p["resources"].as_array().expect("resources");
        assert_eq!(resources.len(), 2 * schema::TABLES.len());
        for (t, r) in schema::TABLES.iter().zip(resources.iter().step_by(2)) {
            assert_eq!(r["path"], format!("{}.csv", t.name));
            let names: Vec<&str> = r["schema"]["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .filter_map(|f| f["name"].as_str())
                .collect();
            let want: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            assert_eq!(names, want);
        }
        let docs = &resources[0]["schema"];
        assert_eq!(docs["primaryKey"], json!(["doc_id"]));
        let field = |name: &str| {
            docs["fields"]
                .as_array()
                .and_then(|fs| fs.iter().find(|f| f["name"] == name))
                .cloned()
                .expect("field")
        };
        assert_eq!(field("assessment_no")["type"], "integer");
        assert_eq!(field("is_draft")["type"], "boolean");
        assert_eq!(field("published_on")["x-hyokasho-type"], "date");
    }

    #[test]
    fn the_csv_dialect_follows_the_style() {
        let style = CsvStyle {
            excel: true,
            encoding: CsvEncoding::Cp932,
        };
        let p = package(&[TableFormat::Csv], style);
        assert_eq!(p["resources"][0]["encoding"], "cp932");
        assert_eq!(p["resources"][0]["dialect"]["lineTerminator"], "\r\n");
        assert_eq!(
            p["resources"].as_array().map(Vec::len),
            Some(schema::TABLES.len())
        );
    }
}
