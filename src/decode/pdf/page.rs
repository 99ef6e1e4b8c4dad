//! What the content-stream interpreter hands to the layout stage: the text
//! runs and ruling lines of one page, in PDF user space (origin bottom-left,
//! y growing upwards, units of 1/72 inch).

/// Position of one glyph inside a [`TextRun`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphPos {
    /// Left edge of the glyph (horizontal text) or its x centre (vertical text).
    pub x: f32,
    /// Baseline y (horizontal text) or top of the glyph (vertical text).
    pub y: f32,
    /// Advance of the glyph along the writing direction.
    pub advance: f32,
    /// End of this glyph's text in [`TextRun::text`], in bytes. A glyph may
    /// map to several characters (a ligature) or to none.
    pub text_end: u32,
}

/// A run of glyphs drawn with one font size along one baseline: by one
/// text-showing operator, or by several that follow on from each other.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextRun {
    /// The Unicode text of all glyphs, in drawing order. Glyphs that could
    /// not be mapped are written as U+FFFD and counted in
    /// [`PageContent::unmapped_glyphs`].
    pub text: String,
    /// One entry per glyph, in drawing order.
    pub glyphs: Vec<GlyphPos>,
    /// Font size in user space (the text matrix's scale applied).
    pub size: f32,
    /// True for vertical writing mode (…-V CMaps).
    pub vertical: bool,
}

/// A ruling line: a stroked line, or a thin filled/stroked rectangle,
/// normalised so that `x0 <= x1` and `y0 <= y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// Everything the layout stage needs from one page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageContent {
    /// 1-based page number.
    pub number: u32,
    /// Media box width and height.
    pub width: f32,
    pub height: f32,
    pub runs: Vec<TextRun>,
    pub rules: Vec<Rule>,
    /// Images drawn on the page (used to tell a scanned page from an empty one).
    pub image_count: u32,
    /// Glyphs whose code could not be mapped to Unicode.
    pub unmapped_glyphs: u32,
}
