//! Positioned text and ruling lines → rows of cells.
//!
//! Assessments are printed from a spreadsheet: bordered cells, text wrapped
//! inside them, a title in the page header and a page number in the footer.
//! The ruling lines are the most reliable structure a PDF has, so the layout
//! reads cells from them:
//!
//! 1. Each glyph belongs to the cell formed by the nearest rules around it
//!    (above, below, left, right); merged cells come out right because a
//!    merged cell has no inner borders.
//! 2. Cells sharing a top edge make a row; the columns of a row are the
//!    vertical rules crossing it, so empty cells keep their place.
//! 3. A row whose first column has no rule at its top continues the row
//!    above (a long value the spreadsheet continued in the next row, under a
//!    label cell that spans both): its text is appended to that row.
//! 4. Inside a cell, wrapped lines are joined without a separator (or a
//!    space between two Latin words); a line that ends well before the
//!    cell's right edge ends a paragraph (`\n`).
//! 5. Text outside any cell (page headers, footers, documents without a
//!    grid) is read as lines, split into cells at wide gaps.
//!
//! Repeated page headers and footers and page numbers are removed across
//! pages by [`assemble`].

use super::page::{PageContent, Rule, TextRun};
use crate::decode::Line;

/// Rules closer than this (in points) are the same line.
const SNAP: f32 = 1.0;

/// A glyph with its box, borrowed text and font size.
#[derive(Debug, Clone, Copy)]
struct Glyph<'a> {
    x0: f32,
    x1: f32,
    /// Baseline.
    y: f32,
    size: f32,
    text: &'a str,
}

impl Glyph<'_> {
    /// A point well inside the glyph's box, used to find its cell.
    fn centre(&self) -> (f32, f32) {
        ((self.x0 + self.x1) / 2.0, self.y + self.size * 0.3)
    }
}

/// A horizontal (`y`, `x0..x1`) or vertical (`x`, `y0..y1`) rule.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    at: f32,
    from: f32,
    to: f32,
}

impl Segment {
    fn covers(&self, v: f32) -> bool {
        v >= self.from - SNAP && v <= self.to + SNAP
    }
}

/// The rules of a page, split by direction and merged where collinear.
struct Grid {
    horizontal: Vec<Segment>,
    vertical: Vec<Segment>,
    /// The same rules with a finite position, sorted by it: every glyph
    /// looks up its cell, and a scan of all rules per glyph showed in
    /// profiles. Rules at a position that is not finite never bound a cell.
    horizontal_by_at: Vec<Segment>,
    vertical_by_at: Vec<Segment>,
    /// Where vertical rules stop with no horizontal rule to close them (a
    /// row cut by a page break, a table continued without a top rule): the
    /// cells end there all the same, so these bound cells in
    /// `horizontal_by_at`, but they are not rules a row was closed with.
    open: Vec<Segment>,
}

/// `segments` with a finite position, sorted by it.
fn by_position(segments: &[Segment]) -> Vec<Segment> {
    let mut sorted: Vec<Segment> = segments
        .iter()
        .filter(|s| s.at.is_finite())
        .copied()
        .collect();
    sorted.sort_by(|a, b| a.at.total_cmp(&b.at));
    sorted
}

/// Among the rules sorted by position that cover `v`, the position of the
/// nearest one above `p` and of the nearest one below it.
fn nearest(sorted: &[Segment], p: f32, v: f32) -> (f32, f32) {
    let above = sorted.partition_point(|s| s.at <= p);
    let next = sorted[above..]
        .iter()
        .find(|s| s.at > p && s.covers(v))
        .map_or(f32::INFINITY, |s| s.at);
    let below = sorted.partition_point(|s| s.at < p);
    let previous = sorted[..below]
        .iter()
        .rev()
        .find(|s| s.at < p && s.covers(v))
        .map_or(f32::NEG_INFINITY, |s| s.at);
    (next, previous)
}

impl Grid {
    fn new(rules: &[Rule]) -> Grid {
        let mut horizontal = Vec::new();
        let mut vertical = Vec::new();
        for r in rules {
            let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
            if !(w.is_finite() && h.is_finite()) {
                continue;
            }
            if h <= 2.0 && w > 2.0 {
                horizontal.push(Segment {
                    at: (r.y0 + r.y1) / 2.0,
                    from: r.x0,
                    to: r.x1,
                });
            } else if w <= 2.0 && h > 2.0 {
                vertical.push(Segment {
                    at: (r.x0 + r.x1) / 2.0,
                    from: r.y0,
                    to: r.y1,
                });
            }
        }
        let (horizontal, vertical) = (merge(horizontal), merge(vertical));
        let open = open_ends(&horizontal, &vertical);
        let mut bounding = horizontal.clone();
        bounding.extend(open.iter().copied());
        Grid {
            horizontal_by_at: by_position(&bounding),
            vertical_by_at: by_position(&vertical),
            horizontal,
            vertical,
            open,
        }
    }

    /// Whether the open end of a cut table runs at height `y` across `x`.
    fn is_open(&self, y: f32, x: f32) -> bool {
        self.open
            .iter()
            .any(|s| (s.at - y).abs() <= SNAP && s.covers(x))
    }

    /// The cell around a point: (top, bottom, left, right).
    fn cell_at(&self, x: f32, y: f32) -> Option<Cell> {
        let (top, bottom) = nearest(&self.horizontal_by_at, y, x);
        let (right, left) = nearest(&self.vertical_by_at, x, y);
        let found = [top, bottom, left, right].iter().all(|v| v.is_finite());
        found.then_some(Cell {
            top,
            bottom,
            left,
            right,
        })
    }

    /// The x positions of the vertical rules crossing height `y`.
    fn columns_at(&self, y: f32) -> Vec<f32> {
        let mut xs: Vec<f32> = self
            .vertical
            .iter()
            .filter(|s| s.from + SNAP < y && y < s.to - SNAP)
            .map(|s| s.at)
            .collect();
        xs.sort_by(f32::total_cmp);
        xs.dedup_by(|a, b| (*a - *b).abs() <= SNAP);
        xs
    }

    /// Whether a horizontal rule runs at height `y` across `x`.
    fn has_rule(&self, y: f32, x: f32) -> bool {
        self.horizontal
            .iter()
            .any(|s| (s.at - y).abs() <= SNAP && s.covers(x))
    }
}

/// The open ends of a grid: heights where two or more vertical rules stop
/// (at their top or bottom) with no horizontal rule across them, each as a
/// horizontal segment from the first of those rules to the last.
fn open_ends(horizontal: &[Segment], vertical: &[Segment]) -> Vec<Segment> {
    let closed = |y: f32, x: f32| {
        horizontal
            .iter()
            .any(|h| (h.at - y).abs() <= 2.0 * SNAP && h.covers(x))
    };
    let mut ends: Vec<(f32, f32)> = Vec::new();
    for v in vertical {
        for y in [v.from, v.to] {
            if y.is_finite() && v.at.is_finite() && !closed(y, v.at) {
                ends.push((y, v.at));
            }
        }
    }
    ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut out = Vec::new();
    let mut i = 0;
    while i < ends.len() {
        let mut j = i + 1;
        while j < ends.len() && ends[j].0 - ends[i].0 <= SNAP {
            j += 1;
        }
        if j - i >= 2 {
            let xs = ends[i..j].iter().map(|e| e.1);
            let from = xs.clone().fold(f32::INFINITY, f32::min);
            let to = xs.fold(f32::NEG_INFINITY, f32::max);
            if to - from > 2.0 {
                out.push(Segment {
                    at: ends[i].0,
                    from,
                    to,
                });
            }
        }
        i = j;
    }
    out
}

/// Merges collinear, touching or overlapping segments. Segments whose
/// positions differ by rounding (within [`SNAP`]) form one line: they are
/// gathered first, then merged in order along the line.
fn merge(mut segments: Vec<Segment>) -> Vec<Segment> {
    segments.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut i = 0;
    while i < segments.len() {
        let mut j = i + 1;
        while j < segments.len() && segments[j].at - segments[j - 1].at <= SNAP {
            j += 1;
        }
        let line = &mut segments[i..j];
        line.sort_by(|a, b| a.from.total_cmp(&b.from));
        let start = out.len();
        for s in line.iter() {
            if out.len() > start
                && let Some(last) = out.last_mut()
                && s.from <= last.to + SNAP
            {
                last.to = last.to.max(s.to);
                continue;
            }
            out.push(*s);
        }
        i = j;
    }
    out
}

/// A cell's edges.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
    top: f32,
    bottom: f32,
    left: f32,
    right: f32,
}

impl Cell {
    fn same(&self, other: &Cell) -> bool {
        (self.top - other.top).abs() <= SNAP
            && (self.bottom - other.bottom).abs() <= SNAP
            && (self.left - other.left).abs() <= SNAP
            && (self.right - other.right).abs() <= SNAP
    }
}

/// One laid-out row of a page, before headers and footers are removed.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRow {
    /// Top of the row (user space; larger is higher on the page).
    pub top: f32,
    pub cells: Vec<String>,
    /// True when the row is not part of a ruled table.
    pub free: bool,
    /// True for a table row whose first column has no rule at its top
    /// while the row is not at an open end: it continues the row above (a
    /// label cell spanning rows, or a page break).
    pub continues: bool,
    /// The x positions of the row's column rules.
    pub columns: Vec<f32>,
    /// True when the row's top is an open end of the grid (no rule was drawn
    /// there).
    pub open_top: bool,
    /// True when the row's bottom is an open end (its cells were cut).
    pub open_bottom: bool,
    /// Per cell: its last line reaches the cell's right edge, so its text
    /// may run on in a row that continues this one.
    pub full: Vec<bool>,
    /// The lowest bottom of the row's cells.
    pub bottom: f32,
    /// The largest font size in the row.
    pub size: f32,
}

impl PageRow {
    /// A row of text outside any table.
    fn free(top: f32, cells: Vec<String>) -> PageRow {
        PageRow {
            top,
            bottom: top,
            size: 0.0,
            full: vec![false; cells.len()],
            cells,
            free: true,
            continues: false,
            columns: Vec::new(),
            open_top: false,
            open_bottom: false,
        }
    }

    /// Whether two rows lie on one column grid (the same table on two
    /// pages).
    fn same_grid(&self, other: &PageRow) -> bool {
        self.cells.len() == other.cells.len()
            && self.columns.len() == other.columns.len()
            && self
                .columns
                .iter()
                .zip(&other.columns)
                .all(|(a, b)| (a - b).abs() <= 3.0)
    }

    /// Whether this row, the first table row of a page, continues `prev`,
    /// the last table row of the page before: a row a page break cut.
    /// Producers show the cut in three ways: the row was left open at the
    /// foot of the page (no closing rule); the first column has no rule at
    /// the top of the page (a label cell spanning the break); or the
    /// borders were redrawn at the break, and only the content tells: the
    /// row above fills its page down to `foot` (the lowest a table reaches
    /// on any page), the label cell is empty, and either every cell with
    /// text runs on from a full last line above, or only some cells have
    /// text (the long ones that did not fit); or the label cell itself was
    /// cut and runs on, as another cell does. A new row under a label
    /// spanning the break has cells of its own, all filled, that start
    /// afresh.
    fn continues_after(&self, prev: &PageRow, foot: f32) -> bool {
        if prev.free || self.free || !self.same_grid(prev) {
            return false;
        }
        if prev.open_bottom || self.continues {
            return true;
        }
        // A full label cell alone says little (a date fills a narrow
        // column), so the label must be empty.
        let filled: Vec<usize> = (1..self.cells.len())
            .filter(|&k| !self.cells[k].trim().is_empty())
            .collect();
        let line = self.size.max(prev.size).max(1.0);
        let runs_on = filled.iter().all(|&k| prev.full[k]);
        let partial = filled.len() + 1 < self.cells.len();
        let empty_label = self.cells[0].trim().is_empty();
        // A label cut mid-word (`Ⅱ 特定個人情` / `報ファイルの概要`) runs on
        // from a full line and says so by itself.
        let cut_label = !empty_label && prev.full[0] && filled.iter().any(|&k| prev.full[k]);
        prev.bottom <= foot + 1.5 * line
            && !filled.is_empty()
            && (cut_label || (empty_label && (runs_on || partial)))
    }
}

/// Lays out one page.
pub fn page_rows(page: &PageContent) -> Vec<PageRow> {
    let vertical = page.runs.iter().filter(|r| r.vertical).count();
    if vertical * 2 > page.runs.len() {
        return vertical_rows(page);
    }
    let glyphs = glyphs_of(page.runs.iter().filter(|r| !r.vertical));
    let grid = Grid::new(&page.rules);

    // 1. Glyphs into cells (or free text).
    let mut cells: Vec<(Cell, Vec<Glyph>)> = Vec::new();
    let mut free: Vec<Glyph> = Vec::new();
    for g in glyphs {
        let (x, y) = g.centre();
        match grid.cell_at(x, y) {
            Some(cell) => match cells.iter_mut().find(|(c, _)| c.same(&cell)) {
                Some((_, gs)) => gs.push(g),
                None => cells.push((cell, vec![g])),
            },
            None => free.push(g),
        }
    }

    // 2. Cells sharing a top edge make a row.
    cells.sort_by(|a, b| {
        b.0.top
            .total_cmp(&a.0.top)
            .then(a.0.left.total_cmp(&b.0.left))
    });
    let mut rows: Vec<PageRow> = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let top = cells[i].0.top;
        let mut j = i;
        while j < cells.len() && (cells[j].0.top - top).abs() <= SNAP {
            j += 1;
        }
        let group = &cells[i..j];
        let bottom = group
            .iter()
            .map(|(c, _)| c.bottom)
            .fold(f32::NEG_INFINITY, f32::max);
        let columns = grid.columns_at((top + bottom) / 2.0);
        let mut texts = vec![String::new(); columns.len().saturating_sub(1).max(1)];
        let mut full = vec![false; texts.len()];
        let size = group
            .iter()
            .flat_map(|(_, gs)| gs.iter().map(|g| g.size))
            .fold(0.0, f32::max);
        for (cell, gs) in group {
            let centre = (cell.left + cell.right) / 2.0;
            let k = columns
                .windows(2)
                .position(|w| w[0] <= centre && centre <= w[1])
                .unwrap_or(0);
            let (text, reaches) = cell_text(gs, cell.right, cell.bottom);
            let last = texts.len() - 1;
            append_text(&mut texts[k.min(last)], &text);
            full[k.min(last)] = reaches;
        }
        // 3. No rule above the first column: the row continues the one above.
        let first_x = columns.first().map(|x| x + 2.0 * SNAP);
        let open_top = first_x.is_some_and(|x| grid.is_open(top, x));
        let open_bottom = first_x.is_some_and(|x| grid.is_open(bottom, x));
        let continues = first_x.is_some_and(|x| !grid.has_rule(top, x)) && !open_top;
        match rows.last_mut() {
            Some(prev) if continues && !prev.free && prev.cells.len() == texts.len() => {
                for (p, t) in prev.cells.iter_mut().zip(texts) {
                    if !t.is_empty() {
                        let sep = if p.is_empty() {
                            ""
                        } else {
                            join_separator(p, &t)
                        };
                        p.push_str(sep);
                        p.push_str(&t);
                    }
                }
                prev.full = full;
                prev.open_bottom = open_bottom;
                prev.bottom = bottom;
                prev.size = prev.size.max(size);
            }
            _ => rows.push(PageRow {
                top,
                cells: texts,
                free: false,
                continues,
                columns,
                open_top,
                open_bottom,
                full,
                bottom,
                size,
            }),
        }
        i = j;
    }

    // 5. Free text as lines.
    rows.extend(free_lines(free));
    rows.sort_by(|a, b| b.top.total_cmp(&a.top));
    rows
}

/// Appends one cell's text to another's (a cell split by the grid lookup,
/// rare, keeps its reading order).
fn append_text(into: &mut String, text: &str) {
    if !into.is_empty() && !text.is_empty() {
        into.push('\n');
    }
    into.push_str(text);
}

/// Every glyph of the runs, with its text slice.
fn glyphs_of<'a>(runs: impl Iterator<Item = &'a TextRun>) -> Vec<Glyph<'a>> {
    let mut out = Vec::new();
    for run in runs {
        let mut start = 0usize;
        for g in &run.glyphs {
            let end = (g.text_end as usize).min(run.text.len());
            let text = run.text.get(start..end).unwrap_or("");
            start = end.max(start);
            if text.is_empty() || !(g.x.is_finite() && g.y.is_finite()) {
                continue;
            }
            out.push(Glyph {
                x0: g.x,
                x1: g.x + g.advance.max(0.0),
                y: g.y,
                size: run.size.abs().max(1.0),
                text,
            });
        }
    }
    out
}

/// Glyphs into lines: sorted top-down by baseline, then left to right by
/// their centres. Centres, not left edges: typesetting squeezes
/// consecutive punctuation by pulling a glyph into the one before
/// (`(「` drawn with the box of `「` starting left of that of `(`), which
/// moves a left edge past its neighbour's but not the centre.
fn lines_of(mut glyphs: Vec<Glyph>) -> Vec<Vec<Glyph>> {
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match lines.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= line[0].size * 0.4 => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| (a.x0 + a.x1).total_cmp(&(b.x0 + b.x1)));
    }
    lines
}

/// The text of one line, with a space where glyphs stand apart.
fn line_text(line: &[Glyph]) -> String {
    let mut s = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = prev {
            let gap = g.x0 - p.x1;
            let spaced = p.text.ends_with(' ') || g.text.starts_with(' ');
            if gap > g.size * 0.25 && !spaced {
                s.push(' ');
            }
        }
        s.push_str(g.text);
        prev = Some(g);
    }
    s.trim().to_string()
}

/// The text of a cell: wrapped lines joined, paragraphs kept; and whether
/// its last line reaches the right edge (within two characters) and the
/// cell's foot, as a line whose text runs on past a page break does.
fn cell_text(glyphs: &[Glyph], right: f32, bottom: f32) -> (String, bool) {
    let lines = lines_of(glyphs.to_vec());
    let reaches = lines
        .last()
        .and_then(|l| l.last())
        .is_some_and(|g| g.x1 + 2.0 * g.size >= right && g.y - bottom <= 1.6 * g.size);
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line_text(line);
        if i > 0 {
            let prev = &lines[i - 1];
            let soft = wraps(prev, line, right);
            if soft {
                out.push_str(join_separator(&out, &text));
            } else {
                out.push('\n');
            }
        }
        out.push_str(&text);
    }
    (out, reaches)
}

/// Whether a line break inside a cell is a wrap (the next line's first word
/// would not have fitted) rather than the end of a paragraph.
fn wraps(prev: &[Glyph], next: &[Glyph], right: f32) -> bool {
    let (Some(last), Some(first)) = (prev.last(), next.first()) else {
        return false;
    };
    let room = right - last.x1;
    // The first word of the next line: one CJK character, or Latin up to a space.
    let mut word = first.x1 - first.x0;
    if is_cjk(first.text)
        && let Some(second) = next.get(1)
        && no_line_start(second.text)
    {
        // Line-breaking rules (kinsoku) keep 、。」 and the like off the
        // start of a line: the character before moves down with them.
        word = second.x1 - first.x0;
    }
    if no_line_end(first.text)
        && let Some(second) = next.get(1)
    {
        // Nor may a line end with an opening bracket: `(中` moves down
        // together.
        word = second.x1 - first.x0;
    }
    if !is_cjk(first.text) {
        for pair in next.windows(2) {
            if pair[1].text.starts_with(' ')
                || is_cjk(pair[1].text)
                || pair[1].x0 - pair[0].x1 > pair[1].size * 0.25
            {
                break;
            }
            word = word.max(pair[1].x1 - first.x0);
        }
    }
    // Cell padding and rounding: allow most of a character.
    room < word + first.size * 0.9
}

/// What goes between two wrapped pieces of text: nothing in Japanese, a
/// space between two Latin words.
fn join_separator(before: &str, after: &str) -> &'static str {
    let last = before.chars().next_back();
    let first = after.chars().next();
    match (last, first) {
        (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => " ",
        _ => "",
    }
}

/// Characters Japanese line breaking keeps off the start of a line.
fn no_line_start(text: &str) -> bool {
    text.chars().next().is_some_and(|c| {
        "、。，．,.）)」』】〕〉》］｝・ー－ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々！？!?：；:;".contains(c)
    })
}

/// Opening brackets, which Japanese line breaking keeps off the end of a
/// line.
fn no_line_end(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| "（(「『【〔〈《［[｛{".contains(c))
}

fn is_cjk(text: &str) -> bool {
    text.chars().next().is_some_and(|c| {
        matches!(c as u32,
            0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
    })
}

/// Free text as rows: one per line, split into cells at wide gaps.
fn free_lines(glyphs: Vec<Glyph>) -> Vec<PageRow> {
    lines_of(glyphs)
        .into_iter()
        .map(|line| {
            let top = line
                .iter()
                .map(|g| g.y + g.size * 0.8)
                .fold(f32::NEG_INFINITY, f32::max);
            let mut cells = Vec::new();
            let mut start = 0;
            for k in 1..=line.len() {
                let split = k == line.len() || line[k].x0 - line[k - 1].x1 > line[k].size * 2.0;
                if split {
                    cells.push(line_text(&line[start..k]));
                    start = k;
                }
            }
            PageRow::free(top, cells)
        })
        .collect()
}

/// Vertical writing: columns read right to left, each top to bottom.
fn vertical_rows(page: &PageContent) -> Vec<PageRow> {
    let mut glyphs = glyphs_of(page.runs.iter().filter(|r| r.vertical));
    glyphs.sort_by(|a, b| b.x0.total_cmp(&a.x0).then(b.y.total_cmp(&a.y)));
    let mut columns: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match columns.last_mut() {
            Some(col) if (col[0].x0 - g.x0).abs() <= col[0].size * 0.5 => col.push(g),
            _ => columns.push(vec![g]),
        }
    }
    columns
        .into_iter()
        .enumerate()
        .map(|(i, mut col)| {
            col.sort_by(|a, b| b.y.total_cmp(&a.y));
            let text: String = col.iter().map(|g| g.text).collect();
            // Keep the right-to-left order through the later sort by top.
            PageRow::free(-(i as f32), vec![text.trim().to_string()])
        })
        .collect()
}

/// Lays out every page and turns the rows into [`Line`]s: repeated page
/// headers and footers and page numbers removed (the first page's title
/// kept once), column headers repeated at the top of each page dropped,
/// rows cut by a page break joined, line numbers counted per page.
pub fn assemble(pages: &[PageContent]) -> Vec<Line> {
    let laid: Vec<(u32, f32, Vec<PageRow>)> = pages
        .iter()
        .map(|p| (p.number, p.height, page_rows(p)))
        .collect();
    let repeated = repeated_margins(&laid);
    let foot = laid
        .iter()
        .flat_map(|(_, _, rows)| rows.iter().filter(|r| !r.free).map(|r| r.bottom))
        .fold(f32::INFINITY, f32::min);
    let mut kept_title: Vec<String> = Vec::new();
    let mut out: Vec<Line> = Vec::new();
    // The last table row written, by index into `out`, with its page and
    // layout.
    let mut last_table: Option<(usize, u32, PageRow)> = None;
    // Column headers a producer repeats at the top of each page: a page's
    // first table row that is the previous page's first table row, or a
    // row of short header cells seen before.
    let mut previous_head: Option<String> = None;
    let mut header_like: Vec<String> = Vec::new();
    for (number, height, rows) in &laid {
        let mut line = 0u32;
        let mut first_table = true;
        let mut head: Option<String> = None;
        let mut header_seen: Vec<String> = Vec::new();
        let title_keys = titles_on_first_page(rows, *height, &repeated, &kept_title);
        for row in rows {
            if row.cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if !row.free && first_table {
                let key = row_key(&row.cells);
                let filled = row.cells.iter().filter(|c| !c.trim().is_empty()).count();
                let repeated_head =
                    previous_head.as_ref() == Some(&key) || header_like.contains(&key);
                if head.is_none() {
                    head = Some(key);
                }
                if filled >= 2 && repeated_head {
                    continue;
                }
                first_table = false;
                if let Some((i, page, prev)) = &mut last_table
                    && *page + 1 == *number
                    && row.continues_after(prev, foot)
                {
                    join_cells(&mut out[*i].cells, &row.cells, &prev.full);
                    *page = *number;
                    *prev = row.clone();
                    continue;
                }
            }
            if row.free && in_margin(row.top, *height) {
                let key = margin_key(&row.cells);
                if is_page_number(&key) {
                    continue;
                }
                if repeated.contains(&key) {
                    // The title's first printing on its page is the
                    // running header; the second is kept.
                    let second = header_seen.contains(&key);
                    header_seen.push(key.clone());
                    if !second || !title_keys.contains(&key) || kept_title.contains(&key) {
                        continue;
                    }
                    kept_title.push(key);
                }
            }
            line += 1;
            if !row.free {
                last_table = Some((out.len(), *number, row.clone()));
                if looks_like_header(&row.cells) {
                    header_like.push(row_key(&row.cells));
                }
            }
            out.push(Line {
                page: Some(*number),
                line,
                cells: row.cells.clone(),
            });
        }
        previous_head = head;
    }
    out
}

/// A table row's cells as one key, white space removed (digits kept: a
/// header repeats exactly, a data row differs by its numbers).
fn row_key(cells: &[String]) -> String {
    cells
        .iter()
        .flat_map(|c| c.chars().filter(|c| !c.is_whitespace()).chain(['\t']))
        .collect()
}

/// Whether a row could be a column header: three or more cells, every
/// one filled and short.
fn looks_like_header(cells: &[String]) -> bool {
    cells.len() >= 3
        && cells
            .iter()
            .all(|c| !c.trim().is_empty() && c.chars().count() <= 24)
}

/// The repeated margin lines of a page that are its title: those printed
/// twice on it (as the running header and as the title itself) and not
/// kept before. The second printing is kept, once in the document.
fn titles_on_first_page(
    rows: &[PageRow],
    height: f32,
    repeated: &[String],
    kept: &[String],
) -> Vec<String> {
    let keys: Vec<String> = rows
        .iter()
        .filter(|r| r.free && in_margin(r.top, height))
        .map(|r| margin_key(&r.cells))
        .filter(|k| repeated.contains(k) && !kept.contains(k))
        .collect();
    let mut twice: Vec<String> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if keys[..i].contains(k) && !twice.contains(k) {
            twice.push(k.clone());
        }
    }
    twice
}

/// Appends a continued row's cells to the row it continues, cell by cell:
/// text that ran on from a full line goes on without a break, anything
/// else starts a new line.
fn join_cells(into: &mut [String], more: &[String], full: &[bool]) {
    for (k, (p, t)) in into.iter_mut().zip(more).enumerate() {
        if t.is_empty() {
            continue;
        }
        if !p.is_empty() {
            let sep = if full.get(k).copied().unwrap_or(false) {
                join_separator(p, t)
            } else {
                "\n"
            };
            p.push_str(sep);
        }
        p.push_str(t);
    }
}

/// The top and bottom 10% of a page, where headers and footers sit.
fn in_margin(top: f32, height: f32) -> bool {
    height > 0.0 && (top > height * 0.9 || top < height * 0.1)
}

/// A margin line as a class: white space removed, each run of digits
/// masked as one `#` (so `- 2 -`, `7/31` and `10/31` match their
/// neighbours) and each URL as `<url>` (a browser prints the page's own).
fn margin_key(cells: &[String]) -> String {
    let mut out = String::new();
    for word in cells.join(" ").split_whitespace() {
        if word.contains("://") || word.starts_with("www.") {
            out.push_str("<url>");
            continue;
        }
        for c in word.chars() {
            if !c.is_ascii_digit() {
                out.push(c);
            } else if !out.ends_with('#') {
                out.push('#');
            }
        }
    }
    out
}

/// Margin lines found on at least half the pages (and on two or more).
fn repeated_margins(laid: &[(u32, f32, Vec<PageRow>)]) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (_, height, rows) in laid {
        let mut seen: Vec<String> = Vec::new();
        for row in rows.iter().filter(|r| r.free && in_margin(r.top, *height)) {
            let key = margin_key(&row.cells);
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        for key in seen {
            match counts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => counts.push((key, 1)),
            }
        }
    }
    let pages = laid.len();
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 2 && *n * 2 >= pages)
        .map(|(k, _)| k)
        .collect()
}

/// `-2-`, `#`, `#/#`, `P.#`, `#ページ` after masking.
fn is_page_number(key: &str) -> bool {
    let stripped = key.trim_matches(|c| c == '-' || c == '—' || c == '－');
    let core = stripped
        .trim_start_matches("P.")
        .trim_start_matches("p.")
        .trim_end_matches("ページ")
        .trim_end_matches("頁");
    !core.is_empty()
        && (core.chars().all(|c| c == '#')
            || core
                .split('/')
                .all(|p| !p.is_empty() && p.chars().all(|c| c == '#')))
}

#[cfg(test)]
mod tests {
    use super::super::page::GlyphPos;
    use super::*;

    #[test]
    fn cell_lookup_agrees_with_a_scan_of_every_rule() {
        let mut seed = 0x243F_6A88_85A3_08D3u64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m) as f32
        };
        for _ in 0..200 {
            let segments = |n: u64, next: &mut dyn FnMut(u64) -> f32| -> Vec<Segment> {
                (0..n)
                    .map(|_| {
                        let from = next(300);
                        Segment {
                            at: next(400) / 2.0,
                            from,
                            to: from + next(300),
                        }
                    })
                    .collect()
            };
            let (horizontal, vertical) = (
                segments(next(20) as u64, &mut next),
                segments(next(20) as u64, &mut next),
            );
            let grid = Grid {
                horizontal_by_at: by_position(&horizontal),
                vertical_by_at: by_position(&vertical),
                horizontal,
                vertical,
                open: Vec::new(),
            };
            for _ in 0..50 {
                let (x, y) = (next(700) / 2.0, next(400) / 2.0);
                let (mut top, mut bottom) = (f32::INFINITY, f32::NEG_INFINITY);
                for s in grid.horizontal.iter().filter(|s| s.covers(x)) {
                    if s.at > y && s.at < top {
                        top = s.at;
                    } else if s.at < y && s.at > bottom {
                        bottom = s.at;
                    }
                }
                let (mut left, mut right) = (f32::NEG_INFINITY, f32::INFINITY);
                for s in grid.vertical.iter().filter(|s| s.covers(y)) {
                    if s.at < x && s.at > left {
                        left = s.at;
                    } else if s.at > x && s.at < right {
                        right = s.at;
                    }
                }
                let scanned = [top, bottom, left, right]
                    .iter()
                    .all(|v| v.is_finite())
                    .then_some(Cell {
                        top,
                        bottom,
                        left,
                        right,
                    });
                assert_eq!(grid.cell_at(x, y), scanned, "{x} {y}");
            }
        }
    }

    /// A run of equal-width glyphs starting at (x, y).
    fn run(text: &str, x: f32, y: f32, size: f32) -> TextRun {
        let mut glyphs = Vec::new();
        let mut end = 0;
        for (i, c) in text.chars().enumerate() {
            end += c.len_utf8();
            glyphs.push(GlyphPos {
                x: x + i as f32 * size,
                y,
                advance: size,
                text_end: end as u32,
            });
        }
        TextRun {
            text: text.to_string(),
            glyphs,
            size,
            vertical: false,
        }
    }

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Vec<Rule> {
        vec![
            Rule { x0, y0: y1, x1, y1 },
            Rule { x0, y0, x1, y1: y0 },
            Rule { x0, y0, x1: x0, y1 },
            Rule { x0: x1, y0, x1, y1 },
        ]
    }

    #[test]
    fn cells_from_rules_with_empty_cells_kept() {
        // Two rows of label | value | options; the second row's value is empty.
        let mut rules = rect(0.0, 700.0, 100.0, 720.0);
        rules.extend(rect(100.0, 700.0, 300.0, 720.0));
        rules.extend(rect(300.0, 700.0, 400.0, 720.0));
        rules.extend(rect(0.0, 680.0, 100.0, 700.0));
        rules.extend(rect(100.0, 680.0, 300.0, 700.0));
        rules.extend(rect(300.0, 680.0, 400.0, 700.0));
        let page = PageContent {
            number: 1,
            width: 595.0,
            height: 842.0,
            runs: vec![
                run("③対象人数", 2.0, 705.0, 10.0),
                run("[30万人以上]", 102.0, 705.0, 10.0),
                run("<選択肢>", 302.0, 705.0, 10.0),
                run("⑤保有開始日", 2.0, 685.0, 10.0),
                run("備考", 302.0, 685.0, 10.0),
            ],
            rules,
            ..PageContent::default()
        };
        let rows = page_rows(&page);
        let cells: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            cells,
            [
                vec!["③対象人数", "[30万人以上]", "<選択肢>"],
                vec!["⑤保有開始日", "", "備考"]
            ]
        );
    }

    #[test]
    fn wrapped_lines_join_and_short_lines_end_paragraphs() {
        // A cell 100pt wide: 10 glyphs of 10pt fill a line.
        let rules = rect(0.0, 600.0, 100.0, 700.0);
        let page = PageContent {
            number: 1,
            height: 842.0,
            runs: vec![
                run("健康増進事業は、健康", 0.0, 680.0, 10.0),
                run("増進法に基づく。", 0.0, 668.0, 10.0),
                run("・がん検診", 0.0, 656.0, 10.0),
            ],
            rules,
            ..PageContent::default()
        };
        let rows = page_rows(&page);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].cells,
            ["健康増進事業は、健康増進法に基づく。\n・がん検診"]
        );
    }

    #[test]
    fn a_line_ending_early_before_a_kinsoku_pair_is_a_wrap() {
        // The cell holds 10 glyphs a line (and some padding); the first line
        // stops at 9 because `め、` may not be split (a line may not start
        // with `、`).
        let rules = rect(0.0, 600.0, 110.0, 700.0);
        let page = PageContent {
            number: 1,
            height: 842.0,
            runs: vec![
                run("健康の増進を図るた", 0.0, 680.0, 10.0),
                run("め、生活習慣相談等", 0.0, 668.0, 10.0),
            ],
            rules,
            ..PageContent::default()
        };
        let rows = page_rows(&page);
        assert_eq!(rows[0].cells, ["健康の増進を図るため、生活習慣相談等"]);
    }

    #[test]
    fn a_row_under_a_spanning_label_continues_the_row_above() {
        // The label cell spans two rows; the value is split between them.
        let mut rules = rect(0.0, 600.0, 100.0, 700.0);
        rules.extend(rect(100.0, 650.0, 200.0, 700.0));
        rules.extend(rect(100.0, 600.0, 200.0, 650.0));
        let page = PageContent {
            number: 1,
            height: 842.0,
            runs: vec![
                run("②事務の内容", 2.0, 680.0, 10.0),
                run("前半の文章がここまで", 100.0, 680.0, 10.0),
                run("続き、後半に入る。", 100.0, 630.0, 10.0),
            ],
            rules,
            ..PageContent::default()
        };
        let rows = page_rows(&page);
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(
            rows[0].cells,
            ["②事務の内容", "前半の文章がここまで続き、後半に入る。"]
        );
    }

    #[test]
    fn page_headers_footers_and_numbers_are_removed() {
        let page = |n: u32| PageContent {
            number: n,
            height: 842.0,
            runs: vec![
                run("健康増進事業 全項目評価書", 100.0, 800.0, 10.0),
                run("本文", 100.0, 400.0, 10.0),
                run(&format!("- {n} -"), 290.0, 30.0, 10.0),
            ],
            ..PageContent::default()
        };
        let lines = assemble(&[page(1), page(2), page(3)]);
        let texts: Vec<(Option<u32>, u32, &str)> = lines
            .iter()
            .map(|l| (l.page, l.line, l.cells[0].as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (Some(1), 1, "本文"),
                (Some(2), 1, "本文"),
                (Some(3), 1, "本文")
            ]
        );
    }

    #[test]
    fn rules_differing_by_rounding_merge_whole() {
        // Three pieces of one vertical line, their x off by float rounding,
        // so that sorting by x alone interleaves them.
        let rules = [
            Rule {
                x0: 559.2756,
                y0: 76.5,
                x1: 559.2756,
                y1: 237.1,
            },
            Rule {
                x0: 559.2756,
                y0: 274.0,
                x1: 559.2756,
                y1: 785.9,
            },
            Rule {
                x0: 559.27563,
                y0: 237.1,
                x1: 559.27563,
                y1: 274.0,
            },
        ];
        let grid = Grid::new(&rules);
        assert_eq!(grid.vertical.len(), 1, "{:?}", grid.vertical);
        assert!((grid.vertical[0].from - 76.5).abs() < 0.01);
        assert!((grid.vertical[0].to - 785.9).abs() < 0.01);
    }

    /// Vertical rules from `top` to `bottom` at each x, with horizontal
    /// rules only where given: a table cut open at a page break.
    fn columns(xs: &[f32], top: f32, bottom: f32, across: &[f32]) -> Vec<Rule> {
        let mut rules: Vec<Rule> = xs
            .iter()
            .map(|&x| Rule {
                x0: x,
                y0: bottom,
                x1: x,
                y1: top,
            })
            .collect();
        for &y in across {
            rules.push(Rule {
                x0: xs[0],
                y0: y,
                x1: xs[xs.len() - 1],
                y1: y,
            });
        }
        rules
    }

    #[test]
    fn a_row_left_open_at_a_page_foot_joins_its_rest_on_the_next_page() {
        // Page 1: a header row, then a row with no rule at its foot. Page 2:
        // the rest, with no rule at its head, then a closed row.
        let xs = [40.0, 100.0, 215.0];
        let page1 = PageContent {
            number: 1,
            height: 842.0,
            runs: vec![
                run("令和4年", 42.0, 705.0, 10.0),
                run("変更前の文章がページの", 102.0, 705.0, 10.0),
                run("終わりで切れて", 102.0, 693.0, 10.0),
            ],
            rules: columns(&xs, 720.0, 60.0, &[720.0]),
            ..PageContent::default()
        };
        let page2 = PageContent {
            number: 2,
            height: 842.0,
            runs: vec![
                run("次のページに続く。", 102.0, 770.0, 10.0),
                run("令和5年", 42.0, 735.0, 10.0),
                run("新しい行", 102.0, 735.0, 10.0),
            ],
            rules: columns(&xs, 790.0, 700.0, &[750.0, 700.0]),
            ..PageContent::default()
        };
        let lines = assemble(&[page1, page2]);
        let cells: Vec<&[String]> = lines.iter().map(|l| l.cells.as_slice()).collect();
        assert_eq!(
            cells,
            [
                &[
                    "令和4年".to_string(),
                    "変更前の文章がページの終わりで切れて\n次のページに続く。".to_string()
                ][..],
                &["令和5年".to_string(), "新しい行".to_string()][..],
            ]
        );
    }

    #[test]
    fn a_new_page_without_a_top_rule_starts_a_row_of_its_own() {
        // Page 1 closes its last row; page 2 opens with no rule above its
        // first row, which has a label: a new row.
        let xs = [40.0, 100.0, 300.0];
        let page = |n: u32, label: &str, top: f32, across: &[f32]| PageContent {
            number: n,
            height: 842.0,
            runs: vec![
                run(label, 42.0, top - 15.0, 10.0),
                run("値", 102.0, top - 15.0, 10.0),
            ],
            rules: columns(&xs, top, top - 30.0, across),
            ..PageContent::default()
        };
        let lines = assemble(&[
            page(1, "①名称", 400.0, &[400.0, 370.0]),
            page(2, "②機能", 790.0, &[760.0]),
        ]);
        let labels: Vec<&str> = lines.iter().map(|l| l.cells[0].as_str()).collect();
        assert_eq!(labels, ["①名称", "②機能"]);
    }

    #[test]
    fn a_column_header_repeated_on_the_next_page_is_dropped() {
        let xs = [40.0, 100.0, 200.0, 300.0];
        let page = |n: u32, row: &str| PageContent {
            number: n,
            height: 842.0,
            runs: vec![
                run("変更日", 42.0, 705.0, 10.0),
                run("項目", 102.0, 705.0, 10.0),
                run("変更前", 202.0, 705.0, 10.0),
                run(row, 42.0, 685.0, 10.0),
                run("内容", 102.0, 685.0, 10.0),
                run("前", 202.0, 685.0, 10.0),
            ],
            rules: columns(&xs, 720.0, 680.0, &[720.0, 700.0, 680.0]),
            ..PageContent::default()
        };
        let lines = assemble(&[page(1, "令和4年"), page(2, "令和5年")]);
        let first: Vec<&str> = lines.iter().map(|l| l.cells[0].as_str()).collect();
        assert_eq!(first, ["変更日", "令和4年", "令和5年"]);
    }

    #[test]
    fn the_title_a_running_header_repeats_is_kept_once() {
        let page = |n: u32| {
            let mut runs = vec![
                run("評価書の題名", 250.0, 820.0, 8.0),
                run(&format!("本文{n}"), 100.0, 400.0, 10.0),
                run(
                    &format!("http://example.test/doc.html {n}/{}", 10 + n),
                    50.0,
                    20.0,
                    8.0,
                ),
            ];
            if n == 1 {
                runs.push(run("評価書の題名", 200.0, 780.0, 15.0));
            }
            PageContent {
                number: n,
                height: 842.0,
                runs,
                ..PageContent::default()
            }
        };
        let pages: Vec<PageContent> = (1..=3).map(page).collect();
        let texts: Vec<String> = assemble(&pages).iter().map(|l| l.cells.join(" ")).collect();
        assert_eq!(texts, ["評価書の題名", "本文1", "本文2", "本文3"]);
    }

    #[test]
    fn margin_keys_mask_digit_runs_and_urls() {
        let key = |s: &str| margin_key(&[s.to_string()]);
        assert_eq!(key("7/31"), key("10/31"));
        assert_eq!(key("- 9 -"), key("- 10 -"));
        assert_eq!(
            key("http://127.0.0.1:8765/a.html 1/13"),
            key("http://127.0.0.1:8765/a.html 12/13")
        );
        assert_ne!(key("1. 基本情報"), key("2. 特定個人情報"));
        assert_ne!(key("本文"), key("目次"));
    }

    #[test]
    fn squeezed_brackets_keep_their_order() {
        // `「` is pulled half a character into `(`: its box starts first.
        let glyph = |text: &'static str, x0: f32, w: f32| Glyph {
            x0,
            x1: x0 + w,
            y: 100.0,
            size: 8.5,
            text,
        };
        let glyphs = vec![
            glyph("ム", 277.4, 8.5),
            glyph("(", 285.9, 3.1),
            glyph("「", 284.8, 8.5),
            glyph("宛", 293.3, 8.5),
        ];
        let lines = lines_of(glyphs);
        assert_eq!(line_text(&lines[0]), "ム(「宛");
    }

    #[test]
    fn page_number_patterns() {
        for key in ["-#-", "#", "#/#", "P.#", "#ページ", "##"] {
            assert!(is_page_number(key), "{key}");
        }
        for key in ["#.特定個人情報ファイル名", "本文", ""] {
            assert!(!is_page_number(key), "{key}");
        }
    }

    #[test]
    fn vertical_text_reads_right_to_left() {
        let mut a = run("あいうえお", 300.0, 700.0, 10.0);
        let mut b = run("日本語", 280.0, 700.0, 10.0);
        for r in [&mut a, &mut b] {
            r.vertical = true;
            let x = r.glyphs[0].x;
            for (i, g) in r.glyphs.iter_mut().enumerate() {
                g.x = x;
                g.y = 700.0 - i as f32 * 10.0;
            }
        }
        let page = PageContent {
            number: 1,
            height: 842.0,
            runs: vec![b, a],
            ..PageContent::default()
        };
        let rows = page_rows(&page);
        let texts: Vec<&str> = rows.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(texts, ["あいうえお", "日本語"]);
    }
}
