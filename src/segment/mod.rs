//! Lines of cells → rows placed in the official form's section tree.
//!
//! The segmenter knows the outline of the forms (DOMAIN.md): the top-level
//! sections (I–VI, 別添1–3, the incident annex), their numbered items
//! (`1. 特定個人情報ファイル名`), and the numbered blocks below those
//! (`システム1`, `委託事項2`, `リスク3: …`, `事案 1`). Each row gets the
//! section it sits in and the headings above it, so that the extractors
//! read a tree, not a file format.
//!
//! It is tolerant of what text renderings do to headings: markdown `#` and
//! `**`, `<b>`, Roman numerals as `Ⅲ` or `III`, missing headings (a section
//! is inferred from its first recognisable item, with a warning), and the
//! table of contents (項目一覧), whose lines look like headings.

mod heading;
mod kind;

use std::sync::Arc;

use crate::decode::Line;
use crate::diag::Warning;
use crate::normalize;

pub use heading::{Section, item_number};
pub use kind::Kind;

use heading::{Block, Heading, cover_label, heading_of};

/// One source row, normalised and placed in the section tree.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based position in the document's row stream.
    pub row_no: u32,
    pub page: Option<u32>,
    pub line: u32,
    pub section: Section,
    /// The headings above the row, outermost first.
    pub path: Arc<[Arc<str>]>,
    /// The heading level when the row is itself a heading (1 = section).
    pub heading: Option<u8>,
    /// The first cell, normalised, for rows with more than one cell (even
    /// when the others are empty) and for headings; empty for a bare line.
    pub label: String,
    /// The other cells, normalised (for single-cell rows: the cell).
    pub value: String,
    /// Every cell, normalised (empty cells kept, so positions line up).
    pub cells: Vec<String>,
    /// The source text: the cells as decoded, joined by tabs.
    pub raw: String,
    /// For rows in II and III: which 特定個人情報ファイル (1-based) they
    /// belong to; 0 elsewhere.
    pub file_no: u32,
    /// True for a table's header row (change lists, correction tables).
    pub is_header: bool,
}

impl Row {
    /// The path joined with ` > `, as written in `rows.path`.
    pub fn path_string(&self) -> String {
        self.path.join(" > ")
    }

    /// The non-empty normalised cells.
    pub fn filled_cells(&self) -> impl Iterator<Item = &str> {
        self.cells
            .iter()
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }
}

/// A segmented document.
#[derive(Debug)]
pub struct Segmented {
    pub kind: Kind,
    /// The form named in the document (`全項目評価書`…), where it says so.
    pub form: Option<&'static str>,
    pub rows: Vec<Row>,
    pub warnings: Vec<Warning>,
}

/// Separator between the cells of `Row::value` when a row has several.
pub const CELL_SEPARATOR: &str = " | ";

/// Segments a decoded document.
pub fn segment(lines: Vec<Line>) -> Segmented {
    // Normalising is most of this stage's time: it stops when the
    // document's time is up (the pipeline then fails the document).
    let mut rows: Vec<Row> = lines
        .into_iter()
        .take_while(|_| !crate::limits::out_of_time())
        .map(prepare)
        .collect();
    let (kind, form) = kind::classify(&rows);
    let mut warnings = Vec::new();
    match kind {
        Kind::ChangeList => place_table(&mut rows, Section::Changes, kind),
        Kind::CorrectionTable => place_table(&mut rows, Section::Corrections, kind),
        _ => Placer::default().place(&mut rows, &mut warnings),
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.row_no = i as u32 + 1;
    }
    Segmented {
        kind,
        form,
        rows,
        warnings,
    }
}

/// Normalises the cells of a line and fills label/value.
fn prepare(line: Line) -> Row {
    let raw = line.cells.join("\t");
    let cells: Vec<String> = line
        .cells
        .iter()
        .map(|c| strip_markup(normalize::normalize_text(c)))
        .collect();
    let filled: Vec<&str> = cells
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    let (label, value) = if cells.len() > 1 && !cells[0].is_empty() {
        (cells[0].clone(), filled[1..].join(CELL_SEPARATOR))
    } else {
        (String::new(), filled.join(CELL_SEPARATOR))
    };
    Row {
        row_no: 0,
        page: line.page,
        line: line.line,
        section: Section::Cover,
        path: Arc::from(Vec::new()),
        heading: None,
        label,
        value,
        cells,
        raw,
        file_no: 0,
        is_header: false,
    }
}

/// Removes markdown that text renderings add around whole cells: heading
/// marks (`## `), bold (`**…**`) and list bullets (`- `).
fn strip_markup(s: String) -> String {
    let mut t = s.trim();
    if t.starts_with('#') {
        let rest = t.trim_start_matches('#');
        if rest.starts_with(' ') || rest.is_empty() {
            t = rest.trim_start();
        }
    }
    if let Some(rest) = t.strip_prefix("- ") {
        t = rest.trim_start();
    }
    if t.contains("**") {
        t.replace("**", "").trim().to_string()
    } else if t.len() == s.len() {
        // Most cells: nothing to strip, no copy.
        s
    } else {
        t.to_string()
    }
}

/// The first cell of a row, and whether the other cells hold nothing but
/// checkbox marks (`4. 特定個人情報ファイルの取扱いの委託 | ☐ 委託しない`):
/// most headings stand alone on their row.
fn heading_text(row: &Row) -> Option<(&str, bool)> {
    let first = row.cells.first()?.as_str();
    if first.is_empty() {
        return None;
    }
    let rest_is_marks = row.cells[1..].iter().all(|c| {
        c.is_empty()
            || c.starts_with(normalize::CHECKED)
            || c.starts_with(normalize::UNCHECKED)
            || c.starts_with(normalize::UNKNOWN_BOX)
    });
    Some((first, rest_is_marks))
}

/// Places every row of a standalone table (change list, correction table).
fn place_table(rows: &mut [Row], section: Section, kind: Kind) {
    let mut title: Option<Arc<str>> = None;
    for row in rows.iter_mut() {
        row.section = section;
        if kind::is_table_header(row, kind) {
            row.is_header = true;
        } else if title.is_none() && row.filled_cells().count() == 1 && !row.value.is_empty() {
            // The first single-cell row is the table's title.
            title = Some(Arc::from(row.value.as_str()));
            row.heading = Some(1);
            row.label = std::mem::take(&mut row.value);
            continue;
        }
        if let Some(t) = &title {
            row.path = Arc::from(vec![t.clone()]);
        }
    }
}

/// The state of a walk over an assessment's rows.
#[derive(Default)]
struct Placer {
    section: Section,
    /// Headings at levels 1..=4 (index 0 = level 1).
    stack: Vec<(u8, Arc<str>)>,
    path: Option<Arc<[Arc<str>]>>,
    /// Inside 項目一覧: which sections the table of contents listed.
    toc: Option<Vec<Section>>,
    /// Numbered item of the current section (to reject stray "1." lines).
    item_no: u32,
    /// 特定個人情報ファイル counters for II and III.
    files_ii: u32,
    files_iii: u32,
}

impl Placer {
    fn place(mut self, rows: &mut [Row], warnings: &mut Vec<Warning>) {
        for row in rows.iter_mut() {
            if let Some((text, alone)) = heading_text(row) {
                let text = text.to_owned();
                self.on_heading(row, &text, alone, warnings);
            }
            row.section = self.section;
            row.file_no = match self.section {
                Section::II => self.files_ii,
                Section::III => self.files_iii,
                _ => 0,
            };
            if row.heading.is_some() {
                row.label = text_or_label(row);
                if row.cells.len() <= 1 {
                    row.value.clear();
                }
            }
            row.path = self.path_for(row);
            if self.section == Section::Annex3 && kind::is_change_header(row) {
                row.is_header = true;
            }
        }
    }

    fn path_for(&mut self, row: &Row) -> Arc<[Arc<str>]> {
        // A heading's own path is the headings above it.
        let depth = row.heading.map(|l| l as usize - 1);
        let take = |stack: &[(u8, Arc<str>)]| -> Arc<[Arc<str>]> {
            let upto = depth.unwrap_or(usize::MAX);
            stack
                .iter()
                .filter(|(l, _)| (*l as usize) <= upto)
                .map(|(_, t)| t.clone())
                .collect()
        };
        if depth.is_some() {
            return take(&self.stack);
        }
        self.path.get_or_insert_with(|| take(&self.stack)).clone()
    }

    fn push(&mut self, level: u8, text: &str) {
        self.stack.retain(|(l, _)| *l < level);
        self.stack.push((level, Arc::from(text)));
        self.path = None;
    }

    fn on_heading(&mut self, row: &mut Row, text: &str, alone: bool, warnings: &mut Vec<Warning>) {
        // Blocks carry their title in the next cell (`委託事項1 | 運用・保守`);
        // other headings stand alone.
        let h = heading_of(text, self.section)
            .filter(|h| alone || matches!(h, Heading::Block(b) if *b != Block::Risk));
        let Some(h) = h else {
            if let Some(label) =
                cover_label(text).filter(|_| alone && self.section == Section::Cover)
            {
                row.heading = Some(2);
                self.push(2, label);
                if label == "項目一覧" {
                    self.toc = Some(Vec::new());
                }
            } else if self.toc.is_some() {
                self.toc = None;
            }
            return;
        };
        if let Some(toc) = &mut self.toc {
            match h {
                Heading::Section(s) if !toc.contains(&s) => {
                    // A table-of-contents entry, not the section itself.
                    toc.push(s);
                    return;
                }
                _ => self.toc = None,
            }
        }
        match h {
            Heading::Section(s) => {
                self.enter(s);
                row.heading = Some(1);
                self.push(1, text);
            }
            Heading::Item { no, file_name } => {
                if let Some(s) = infer_section(self.section, &h) {
                    self.infer(s, row, text, warnings);
                }
                let restart = file_name && no == 1;
                if no <= self.item_no && !restart {
                    return; // a numbered line inside a value, not an item
                }
                if restart && matches!(self.section, Section::II | Section::III) {
                    match self.section {
                        Section::II => self.files_ii += 1,
                        _ => self.files_iii += 1,
                    }
                }
                self.item_no = no;
                row.heading = Some(2);
                self.push(2, text);
            }
            Heading::Block(_) => {
                if let Some(s) = infer_section(self.section, &h) {
                    self.infer(s, row, text, warnings);
                }
                row.heading = Some(3);
                self.push(3, text);
            }
            Heading::Incident => {
                row.heading = Some(2);
                self.push(2, text);
            }
            Heading::Sub(level) => {
                row.heading = Some(level);
                self.push(level, text);
            }
        }
    }

    fn enter(&mut self, section: Section) {
        self.section = section;
        self.stack.clear();
        self.path = None;
        self.item_no = 0;
    }

    /// Enters a section whose heading is missing, inferred from its content.
    fn infer(&mut self, section: Section, row: &Row, text: &str, warnings: &mut Vec<Warning>) {
        warnings.push(
            Warning::new(
                "missing_section",
                format!(
                    "section {} has no heading; inferred from \"{}\"",
                    section.as_str(),
                    truncate(text, 40)
                ),
            )
            .at(row.page, Some(row.line)),
        );
        self.toc = None;
        self.enter(section);
        let title = section.title();
        self.stack.push((1, Arc::from(title)));
    }
}

/// Where a heading found in the wrong place says the document really is.
fn infer_section(current: Section, h: &Heading) -> Option<Section> {
    match (current, h) {
        (Section::Cover, Heading::Block(Block::System) | Heading::Item { .. }) => Some(Section::I),
        (Section::II | Section::Annex2, Heading::Block(Block::Risk)) => Some(Section::III),
        (
            Section::Annex2,
            Heading::Item {
                file_name: true, ..
            },
        ) => Some(Section::III),
        _ => None,
    }
}

fn text_or_label(row: &Row) -> String {
    row.cells.first().cloned().unwrap_or_default()
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
