//! The end-to-end tests: one test binary, so that the crate is linked once.
//! Each module runs the `hyokasho` binary on the corpus and the fixtures
//! and checks real values; `common` holds what they share.

mod common;

mod answers;
mod corpus;
mod crash_safety;
mod escaping;
mod incremental;
#[cfg(unix)]
mod integrity;
mod limits;
mod mutation;
mod outputs;
mod pdf;
mod pdf_records;
mod producers;
mod records;
mod robustness;
mod tables;
mod types;
