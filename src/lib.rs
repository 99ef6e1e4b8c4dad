//! hyokasho: turn Japan's published privacy impact assessments
//! (特定個人情報保護評価書) into clean tables.
//!
//! The pipeline runs one way, one module per stage:
//!
//! `source` (find and read inputs) → `decode` (bytes → lines of cells) →
//! `normalize` (Japanese text rules) → `segment` (rows and the section tree) →
//! `extract` (typed records) → `emit` (CSV / JSONL / manifest).
//!
//! [`pipeline`] ties the stages together for one document; the binary in
//! `main.rs` runs it over a corpus in parallel.

pub mod cache;
pub mod cli;
pub mod decode;
pub mod diag;
pub mod emit;
pub mod extract;
pub mod form;
pub mod intern;
pub mod limits;
pub mod normalize;
pub mod pipeline;
pub mod run;
pub mod schema;
pub mod segment;
pub mod source;
