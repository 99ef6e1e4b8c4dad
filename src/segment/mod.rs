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

pub use crate::form::{Kind, Part};
pub use heading::{Section, item_number};
pub use kind::{Evidence, is_change_header, is_correction_header};

use crate::form::{FORMS, Form};
use heading::{Block, Heading, cover_label, heading_of};

/// One source row, normalised and placed in the section tree.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based position in the document's row stream.
    pub row_no: u32,
    pub page: Option<u32>,
    pub line: u32,
    /// The section as the document's form numbers it (`rows.section`).
    pub section: Section,
    /// The part of the form, the same in every form (`rows.part`).
    pub part: Part,
    /// The numbered item of the part the row is in (`3` below
    /// `3. 特定個人情報の入手・使用`); 0 before the first.
    pub item: u32,
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
    /// The form and version the rows were placed through (assessments).
    pub spec: Option<&'static Form>,
    /// The form marker as printed (`平成30年5月 様式4`).
    pub form_version: Option<String>,
    /// What the kind was read from; [`Evidence::Nothing`] means the
    /// document is no assessment, change list or correction table.
    pub evidence: Evidence,
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
    let id = kind::identify(&rows);
    let mut warnings = Vec::new();
    match id.kind {
        Kind::ChangeList => {
            place_table(&mut rows, Section::Changes, Part::Changes, is_change_header)
        }
        Kind::CorrectionTable => place_table(
            &mut rows,
            Section::Corrections,
            Part::Corrections,
            is_correction_header,
        ),
        Kind::Unknown if id.evidence == Evidence::Nothing => {
            rows.iter_mut().for_each(|r| r.part = Part::Unknown);
        }
        _ => Placer::new(id.form).place(&mut rows, &mut warnings),
    }
    if matches!(
        id.kind,
        Kind::FullAssessment | Kind::PriorityAssessment | Kind::BasicAssessment | Kind::Unknown
    ) && id.evidence != Evidence::Nothing
    {
        warnings.extend(unplaced(&rows));
    }
    if id.evidence == Evidence::HeadingsOfNoForm {
        warnings.push(Warning::new(
            "unknown_form",
            "the section headings fit none of the forms 様式2/3/4 (and no title or 様式 marker names one); rows were placed by their headings' titles",
        ));
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.row_no = i as u32 + 1;
    }
    Segmented {
        kind: id.kind,
        form: id.form_name,
        spec: id.form,
        form_version: id.form_version,
        evidence: id.evidence,
        rows,
        warnings,
    }
}

/// How many item-like rows may stand before the first part (a cover has
/// none, but a stray line is no reason to doubt a document).
const UNPLACED_LIMIT: usize = 3;

/// A warning when rows with the shape of form items (`①…` fields,
/// "…リスクへの対策は十分か") stand where no part of the form was recognised:
/// their records cannot be read.
fn unplaced(rows: &[Row]) -> Option<Warning> {
    let item_like: Vec<&Row> = rows
        .iter()
        .filter(|r| r.part == Part::Cover && r.heading.is_none())
        .filter(|r| {
            r.cells.first().is_some_and(|c| {
                c.chars().next().is_some_and(|ch| ('①'..='⑳').contains(&ch))
                    || c.contains("リスクへの対策は十分か")
            })
        })
        .collect();
    let first = item_like.first()?;
    (item_like.len() >= UNPLACED_LIMIT).then(|| {
        Warning::new(
            "unplaced_rows",
            format!(
                "{} rows with the shape of form items stand before any recognised section; their records were not read",
                item_like.len()
            ),
        )
        .at(first.page, Some(first.line))
    })
}

/// Normalises the cells of a line and fills label/value.
fn prepare(line: Line) -> Row {
    let raw = line.cells.join("\t");
    // A line that is one HTML table row holds its cells in `<td>`s.
    let split = match line.cells.as_slice() {
        // A PDF's columns come from its layout; a text shows them as it can.
        [one] if line.page.is_none() => {
            normalize::table_row_cells(one).or_else(|| cells_of_line(one))
        }
        [one] => normalize::table_row_cells(one),
        _ => None,
    };
    let cells: Vec<String> = split
        .as_deref()
        .unwrap_or(&line.cells)
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
        part: Part::Cover,
        item: 0,
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

/// The cells of a text line that has no tabs but shows its columns another
/// way: a markdown table row (`| 変更日 | 項目 |`), columns set apart by
/// runs of spaces (text laid out as printed), or a label and its value
/// joined by a full-width colon (`評価書番号：3`). `None` for any other line.
fn cells_of_line(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if t.len() > 2 && t.starts_with('|') && t.ends_with('|') {
        let inner = &t[1..t.len() - 1];
        let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_string()).collect();
        // `|---|:---:|` only separates the header from the body.
        if cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
        {
            return Some(Vec::new());
        }
        return (cells.len() > 1).then_some(cells);
    }
    // `Ⅱ　　しきい値判断項目`, `１．　　対象人数`: a numbering and its title
    // set apart are one heading, not two columns.
    let columns: Vec<String> = split_at_gaps(t);
    let numbering = |c: &str| {
        c.chars().all(|ch| {
            ch.is_numeric()
                || matches!(
                    ch,
                    '.' | '．' | '(' | ')' | '（' | '）' | 'I' | 'V' | 'Ⅰ'..='Ⅻ'
                )
        })
    };
    if columns.len() > 1 && heading::top_section(t).is_none() && !numbering(&columns[0]) {
        return Some(columns);
    }
    let (label, value) = t.split_once('：')?;
    let label = label.trim();
    let plausible = (1..=30).contains(&label.chars().count())
        && !label.contains(['。', '、', ' ', '\u{3000}'])
        && !label.starts_with(['・', '※', '(', '（'])
        // `リスク1：…` and `事案1：…` are headings with their titles.
        && !label.starts_with("リスク")
        && !label.starts_with("事案");
    (plausible && !value.trim().is_empty())
        .then(|| vec![label.to_string(), value.trim().to_string()])
}

/// A line split where three or more spaces (or two ideographic spaces) set
/// its columns apart.
fn split_at_gaps(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut gap_start = None;
    let mut gap = 0;
    for (i, c) in t.char_indices() {
        let width = match c {
            ' ' => 1,
            '\u{3000}' => 2,
            _ => 0,
        };
        if width > 0 {
            if gap == 0 {
                gap_start = Some(i);
            }
            gap += width;
            continue;
        }
        if gap >= 3
            && let Some(g) = gap_start
        {
            out.push(t[start..g].to_string());
            start = i;
        }
        gap = 0;
    }
    out.push(t[start..].trim_end().to_string());
    out
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
fn place_table(rows: &mut [Row], section: Section, part: Part, is_header: fn(&Row) -> bool) {
    let mut title: Option<Arc<str>> = None;
    for row in rows.iter_mut() {
        row.section = section;
        row.part = part;
        if is_header(row) {
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
struct Placer {
    /// The form the rows are placed through (様式4 where unknown).
    form: &'static Form,
    section: Section,
    part: Part,
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
    fn new(form: Option<&'static Form>) -> Self {
        Placer {
            form: form.unwrap_or(&FORMS[0]),
            section: Section::Cover,
            part: Part::Cover,
            stack: Vec::new(),
            path: None,
            toc: None,
            item_no: 0,
            files_ii: 0,
            files_iii: 0,
        }
    }

    fn place(mut self, rows: &mut [Row], warnings: &mut Vec<Warning>) {
        for row in rows.iter_mut() {
            // A table is found by its header row wherever it stands (seed
            // 002's change list follows VI with no heading of its own).
            if !self.part.is_table() && is_change_header(row) {
                self.enter(Section::Changes, Part::Changes);
            } else if !self.part.is_table() && is_correction_header(row) {
                self.enter(Section::Corrections, Part::Corrections);
            } else if let Some((text, alone)) = heading_text(row) {
                let text = text.to_owned();
                self.on_heading(row, &text, alone, warnings);
            }
            row.section = self.section;
            row.part = self.part;
            row.item = self.item_no;
            row.file_no = match self.part {
                Part::FileOverview => self.files_ii,
                Part::RiskMeasures => self.files_iii,
                _ => 0,
            };
            if row.heading.is_some() {
                row.label = text_or_label(row);
                if row.cells.len() <= 1 {
                    row.value.clear();
                }
            }
            row.path = self.path_for(row);
            row.is_header = match self.part {
                Part::Changes => is_change_header(row),
                Part::Corrections => is_correction_header(row),
                _ => false,
            };
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
        let h = heading_of(text, self.part)
            .filter(|h| alone || matches!(h, Heading::Block(b) if *b != Block::Risk));
        let Some(h) = h else {
            if let Some(label) = cover_label(text).filter(|_| alone && self.part == Part::Cover) {
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
                Heading::Section(s, _) if !toc.contains(&s) => {
                    // A table-of-contents entry, not the section itself.
                    toc.push(s);
                    return;
                }
                _ => self.toc = None,
            }
        }
        match h {
            Heading::Section(s, part) => {
                self.enter(s, part);
                row.heading = Some(1);
                self.push(1, text);
            }
            Heading::Item { no, file_name } => {
                if let Some(p) = infer_part(self.part, &h) {
                    self.infer(p, row, text, warnings);
                }
                let restart = file_name && no == 1;
                if no <= self.item_no && !restart {
                    return; // a numbered line inside a value, not an item
                }
                match self.part {
                    Part::FileOverview if restart => self.files_ii += 1,
                    Part::RiskMeasures if restart => self.files_iii += 1,
                    _ => {}
                }
                self.item_no = no;
                row.heading = Some(2);
                self.push(2, text);
            }
            Heading::Block(_) => {
                if let Some(p) = infer_part(self.part, &h) {
                    self.infer(p, row, text, warnings);
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

    fn enter(&mut self, section: Section, part: Part) {
        self.section = section;
        self.part = part;
        self.stack.clear();
        self.path = None;
        self.item_no = 0;
    }

    /// Enters a part whose heading is missing, inferred from its content.
    fn infer(&mut self, part: Part, row: &Row, text: &str, warnings: &mut Vec<Warning>) {
        let numeral = self.form.numeral_of(part);
        let section = numeral
            .and_then(Section::from_numeral)
            .unwrap_or(Section::I);
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
        self.enter(section, part);
        let title: Arc<str> = match self.form.parts.iter().find(|p| p.part == part) {
            Some(spec) if self.form.number != 4 => Arc::from(format!(
                "{} {}",
                numeral.unwrap_or_default(),
                spec.titles.first().copied().unwrap_or_default()
            )),
            _ => Arc::from(section.title()),
        };
        self.stack.push((1, title));
    }
}

/// The part a heading found in the wrong place says the document is in.
fn infer_part(current: Part, h: &Heading) -> Option<Part> {
    match (current, h) {
        (Part::Cover, Heading::Block(Block::System) | Heading::Item { .. }) => {
            Some(Part::BasicInfo)
        }
        (Part::FileOverview | Part::AnnexRecordItems, Heading::Block(Block::Risk)) => {
            Some(Part::RiskMeasures)
        }
        (
            Part::AnnexRecordItems,
            Heading::Item {
                file_name: true, ..
            },
        ) => Some(Part::RiskMeasures),
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

/// Segments a text written as lines of tab-separated cells (for tests).
#[cfg(test)]
pub(crate) fn segment_text(text: &str) -> Segmented {
    let lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| Line {
            page: None,
            line: i as u32 + 1,
            cells: l.split('\t').map(str::to_string).collect(),
        })
        .collect();
    segment(lines)
}
