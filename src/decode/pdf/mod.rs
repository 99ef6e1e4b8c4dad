//! PDF text layers → lines of cells.
//!
//! Two steps: the content-stream interpreter turns each page into a
//! [`page::PageContent`] (text runs with positions, ruling lines), and the
//! layout step turns those into table rows whose cells come from the ruling
//! grid.

pub mod page;
