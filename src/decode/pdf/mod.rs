//! PDF text layers → positioned lines (not yet implemented).
