//! Japanese text normalisation rules (not yet implemented).
