//! `hyokasho.sqlite`: every table in one SQLite database, typed, with
//! `doc_id` foreign keys to `documents`, indexes on the join keys and a few
//! views for the questions analysts ask first.
//!
//! Records are inserted as they stream by, in one transaction with
//! prepared statements; indexes are built once at the end, which is faster
//! than maintaining them row by row.

use std::path::{Path, PathBuf};

use super::EmitError;
use crate::extract::Visitor;
use crate::schema::{self, Record, Table};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};

/// The database file's name in the output folder.
pub const FILE_NAME: &str = "hyokasho.sqlite";

/// Views created after the tables, by name.
pub const VIEWS: &[(&str, &str)] = &[
    (
        "risk_ratings_by_municipality",
        "SELECT d.municipality, r.section_no, MIN(r.section_title) AS section_title,
                r.rating_level, r.rating, COUNT(*) AS risks
         FROM risk_ratings r JOIN documents d ON d.doc_id = r.doc_id
         GROUP BY d.municipality, r.section_no, r.rating_level, r.rating",
    ),
    (
        "contractors_across_municipalities",
        "SELECT c.contractor_name_normalized AS contractor,
                COUNT(DISTINCT d.municipality) AS municipalities,
                COUNT(*) AS entrustments,
                GROUP_CONCAT(DISTINCT d.municipality) AS municipality_list
         FROM contractors c JOIN documents d ON d.doc_id = c.doc_id
         WHERE c.contractor_name_normalized IS NOT NULL
         GROUP BY c.contractor_name_normalized",
    ),
    (
        "risks_with_issues",
        "SELECT d.municipality, d.title AS document_title, r.risk_code, r.risk_title,
                r.measures, r.doc_id, r.page, r.line
         FROM risk_ratings r JOIN documents d ON d.doc_id = r.doc_id
         WHERE r.rating_level = 3",
    ),
];

/// Indexes beyond `doc_id` (which every table but `documents` gets).
const INDEXES: &[(&str, &str)] = &[
    ("documents", "municipality"),
    ("contractors", "contractor_name_normalized"),
    ("risk_ratings", "section_no, rating_level"),
];

/// Writes the database.
pub struct SqliteWriter {
    conn: Connection,
    path: PathBuf,
    inserts: Vec<(&'static str, String)>,
}

fn sql_error(path: &Path, e: rusqlite::Error) -> EmitError {
    EmitError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The `CREATE TABLE` statement for a table of the schema.
pub fn create_table_sql(table: &Table) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            let mut def = format!("{} {}", quote(c.name), c.ty.sql());
            if c.name == "doc_id" {
                def.push_str(if table.name == "documents" {
                    " PRIMARY KEY"
                } else {
                    " NOT NULL REFERENCES documents(doc_id)"
                });
            }
            def
        })
        .collect();
    format!(
        "CREATE TABLE {} (\n  {}\n)",
        quote(table.name),
        columns.join(",\n  ")
    )
}

impl SqliteWriter {
    /// Creates the database at `path` (replacing any file there) with every
    /// table of the schema, and opens the loading transaction.
    pub fn create(path: &Path) -> Result<SqliteWriter, EmitError> {
        let err = |e| sql_error(path, e);
        let _ = std::fs::remove_file(path);
        let conn = Connection::open(path).map_err(err)?;
        // The file is built in the staging folder and only renamed into
        // place once complete, so a rollback journal buys nothing.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;",
        )
        .map_err(err)?;
        let mut inserts = Vec::new();
        let mut ddl = String::new();
        for table in schema::TABLES {
            ddl.push_str(&create_table_sql(table));
            ddl.push_str(";\n");
            let names: Vec<String> = table.columns.iter().map(|c| quote(c.name)).collect();
            let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
            inserts.push((
                table.name,
                format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    quote(table.name),
                    names.join(", "),
                    marks.join(", ")
                ),
            ));
        }
        conn.execute_batch(&ddl).map_err(err)?;
        conn.execute_batch("BEGIN").map_err(err)?;
        Ok(SqliteWriter {
            conn,
            path: path.to_path_buf(),
            inserts,
        })
    }

    /// Inserts records of one table.
    pub fn insert<T: Record>(&mut self, records: &[T]) -> Result<(), EmitError> {
        if records.is_empty() {
            return Ok(());
        }
        let table = T::TABLE;
        let err = |e| sql_error(&self.path, e);
        let Some((_, sql)) = self.inserts.iter().find(|(n, _)| *n == table.name) else {
            return Ok(());
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        for record in records {
            let value = serde_json::to_value(record).map_err(|source| EmitError::Json {
                table: table.name.into(),
                source,
            })?;
            let values = table.columns.iter().map(|c| sql_value(value.get(c.name)));
            stmt.execute(params_from_iter(values)).map_err(err)?;
        }
        Ok(())
    }
}

/// Every table of a document goes into its table of the database.
impl Visitor for SqliteWriter {
    type Error = EmitError;

    fn table<T: Record>(&mut self, _: usize, records: &[T]) -> Result<(), EmitError> {
        self.insert(records)
    }
}

impl SqliteWriter {
    /// Commits, builds the indexes and views, and makes sure the file is
    /// on disk.
    pub fn finish(self) -> Result<(), EmitError> {
        let path = self.path;
        let err = |e| sql_error(&path, e);
        let mut ddl = String::from("COMMIT;\n");
        for table in schema::TABLES.iter().filter(|t| t.name != "documents") {
            ddl.push_str(&format!(
                "CREATE INDEX {} ON {} (doc_id);\n",
                quote(&format!("{}_doc_id", table.name)),
                quote(table.name)
            ));
        }
        for (table, columns) in INDEXES {
            let name = format!("{table}_{}", columns.replace(", ", "_"));
            ddl.push_str(&format!(
                "CREATE INDEX {} ON {} ({columns});\n",
                quote(&name),
                quote(table)
            ));
        }
        for (name, select) in VIEWS {
            ddl.push_str(&format!("CREATE VIEW {} AS {select};\n", quote(name)));
        }
        ddl.push_str("ANALYZE;\n");
        self.conn.execute_batch(&ddl).map_err(err)?;
        self.conn.close().map_err(|(_, e)| err(e))?;
        std::fs::File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(|source| EmitError::Io {
                path: path.clone(),
                source,
            })
    }
}

fn sql_value(v: Option<&serde_json::Value>) -> SqlValue {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => SqlValue::Null,
        Some(Value::Bool(b)) => SqlValue::Integer(i64::from(*b)),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => n.as_f64().map_or(SqlValue::Null, SqlValue::Real),
        },
        Some(Value::String(s)) => SqlValue::Text(s.clone()),
        Some(other) => SqlValue::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_key_and_foreign_keys() {
        let docs = create_table_sql(schema::table("documents").expect("documents"));
        assert!(docs.contains("\"doc_id\" TEXT PRIMARY KEY"), "{docs}");
        assert!(docs.contains("\"is_draft\" INTEGER"), "{docs}");
        let changes = create_table_sql(schema::table("changes").expect("changes"));
        assert!(
            changes.contains("\"doc_id\" TEXT NOT NULL REFERENCES documents(doc_id)"),
            "{changes}"
        );
        // SQL keywords as column names are quoted.
        assert!(changes.contains("\"before\" TEXT"), "{changes}");
    }

    /// The registry's types agree with what the record types serialise
    /// (where a default record has a value to look at).
    #[test]
    fn registry_types_match_the_records() {
        use crate::extract::{Records, document::DocumentRecord};
        use crate::schema::ColumnType;
        struct Check(usize);
        impl Visitor for Check {
            type Error = ();
            fn table<T: Record>(&mut self, _: usize, _: &[T]) -> Result<(), ()> {
                let value = serde_json::to_value(T::default()).expect("serialise");
                let t = T::TABLE;
                for c in t.columns {
                    let want = match value.get(c.name) {
                        Some(serde_json::Value::Number(_)) => ColumnType::Integer,
                        Some(serde_json::Value::Bool(_)) => ColumnType::Boolean,
                        Some(serde_json::Value::String(_)) => ColumnType::Text,
                        _ => continue,
                    };
                    assert_eq!(c.ty, want, "{}.{}", t.name, c.name);
                    self.0 += 1;
                }
                Ok(())
            }
        }
        let mut check = Check(0);
        Records::default()
            .visit(&DocumentRecord::default(), &mut check)
            .expect("visit");
        assert!(check.0 > 40, "{} columns checked", check.0);
    }

    #[test]
    fn a_database_in_memory_of_the_views_compiles() {
        let conn = Connection::open_in_memory().expect("open");
        for t in schema::TABLES {
            conn.execute_batch(&create_table_sql(t)).expect("create");
        }
        for (name, select) in VIEWS {
            conn.execute_batch(&format!("CREATE VIEW {} AS {select}", quote(name)))
                .expect("view");
            let n: i64 = conn
                .query_row(&format!("SELECT COUNT(*) FROM {}", quote(name)), [], |r| {
                    r.get(0)
                })
                .expect("query");
            assert_eq!(n, 0);
        }
    }
}
