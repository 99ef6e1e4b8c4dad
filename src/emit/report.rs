//! `report.html`: one self-contained page describing a run, built for
//! runs of 100,000 documents.
//!
//! Summaries come first (statuses, warnings by code, records per table,
//! ratings per III section, contractors), then the documents that are not
//! clean (not `ok`), at most [`MAX_LISTED`] per status and
//! [`MAX_WARNINGS_SHOWN`] warnings each, with a count of the rest, which
//! manifest.json lists in full. `ok` documents are counted, not listed, so
//! the page's size depends on the documents that need a look, not on the
//! corpus.
//!
//! The figures come from the manifest (serialised, so the page cannot
//! disagree with `manifest.json`) and from small counters filled while the
//! records stream by: warnings per code, ratings per III section and
//! entrustments per contractor, never the records themselves. The listed
//! rows are rendered as the documents go by and kept in a file in the
//! staging folder. Everything but the timings section (`id="timings"`) is
//! the same whatever the thread count.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write as _};
use std::path::Path;

use serde_json::Value;

use crate::pipeline::DocOutput;

/// The report's file name in the output folder.
pub const FILE_NAME: &str = "report.html";

/// How many contractors the report lists.
const TOP_CONTRACTORS: usize = 20;

/// How many documents of one status are listed; the others are counted.
pub const MAX_LISTED: usize = 200;

/// How many warnings of one listed document are shown; the others are
/// counted.
pub const MAX_WARNINGS_SHOWN: usize = 5;

/// How many of the slowest documents the timings section lists.
const SLOWEST: usize = 20;

/// The rating labels in the form's order, then records with no rating.
const RATINGS: &[&str] = &["特に力を入れている", "十分である", "課題が残されている"];
const NO_RATING: &str = "(no rating)";

#[derive(Debug, Default)]
struct Section {
    title: Option<String>,
    counts: BTreeMap<String, usize>,
}

#[derive(Debug, Default)]
struct ContractorTally {
    entrustments: usize,
    municipalities: BTreeSet<String>,
}

/// The statuses whose documents are listed, in the page's order; any
/// other status but `ok` is listed with `failed`.
const LISTED: [&str; 4] = ["failed", "needs_ocr", "partial", "skipped"];

/// Warnings of one code in a run.
#[derive(Debug, Default)]
struct CodeTally {
    warnings: usize,
    documents: usize,
}

/// Rendered table rows kept on disk until the page is put together.
#[derive(Debug)]
struct Rows {
    file: BufWriter<File>,
    /// Rows written.
    count: usize,
    /// Rows left out past [`MAX_LISTED`].
    more: usize,
}

impl Rows {
    fn create(path: &Path) -> io::Result<Rows> {
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        Ok(Rows {
            file: BufWriter::new(file),
            count: 0,
            more: 0,
        })
    }

    /// Writes a row, or only counts it once [`MAX_LISTED`] are written.
    fn push(&mut self, row: impl FnOnce() -> String) -> io::Result<()> {
        if self.count >= MAX_LISTED {
            self.more += 1;
            return Ok(());
        }
        self.count += 1;
        self.file.write_all(row().as_bytes())
    }

    /// Copies the rows written so far to `out`.
    fn copy_to(&mut self, out: &mut impl io::Write) -> io::Result<()> {
        self.file.flush()?;
        let file = self.file.get_mut();
        file.rewind()?;
        io::copy(file, out)?;
        Ok(())
    }
}

/// Counters and rendered rows the report needs, filled document by
/// document.
#[derive(Debug)]
pub struct ReportData {
    sections: BTreeMap<u32, Section>,
    contractors: HashMap<String, ContractorTally>,
    codes: BTreeMap<&'static str, CodeTally>,
    /// Rows of the documents that are not clean, in [`LISTED`] order.
    documents: Vec<Rows>,
    /// The slowest documents: (milliseconds, doc_id), slowest first.
    slowest: Vec<(u64, String)>,
}

impl ReportData {
    /// Starts a report whose row files live in `dir` (the staging folder).
    pub fn create(dir: &Path) -> io::Result<ReportData> {
        let mut documents = Vec::new();
        for status in LISTED {
            documents.push(Rows::create(&dir.join(format!("report.{status}.part")))?);
        }
        Ok(ReportData {
            sections: BTreeMap::new(),
            contractors: HashMap::new(),
            codes: BTreeMap::new(),
            documents,
            slowest: Vec::new(),
        })
    }

    /// Counts one document's records and renders its rows.
    pub fn add(&mut self, doc: &DocOutput) -> io::Result<()> {
        let d = &doc.document;
        for r in &doc.records.risk_ratings {
            let section = self.sections.entry(r.section_no).or_default();
            if section.title.is_none() {
                section.title.clone_from(&r.section_title);
            }
            let rating = r.rating.as_deref().unwrap_or(NO_RATING);
            *section.counts.entry(rating.to_string()).or_default() += 1;
        }
        for c in &doc.records.contractors {
            let Some(name) = &c.contractor_name_normalized else {
                continue;
            };
            let tally = self.contractors.entry(name.clone()).or_default();
            tally.entrustments += 1;
            if let Some(m) = &d.municipality {
                tally.municipalities.insert(m.clone());
            }
        }
        let m = &doc.manifest;
        let mut seen = BTreeSet::new();
        for w in &m.warnings {
            let tally = self.codes.entry(w.code).or_default();
            tally.warnings += 1;
            if seen.insert(w.code) {
                tally.documents += 1;
            }
        }
        // Ties go to the smaller doc_id, so the list does not depend on
        // the order documents arrive in.
        let rank = |ms: u64, id: &str| (std::cmp::Reverse(ms), id.to_string());
        let new = rank(m.elapsed_ms, &m.doc_id);
        let at = self
            .slowest
            .iter()
            .position(|(ms, id)| rank(*ms, id) > new)
            .unwrap_or(self.slowest.len());
        if at < SLOWEST {
            self.slowest.insert(at, (m.elapsed_ms, m.doc_id.clone()));
            self.slowest.truncate(SLOWEST);
        }
        if m.status == "ok" {
            return Ok(());
        }
        let group = LISTED.iter().position(|s| *s == m.status).unwrap_or(0);
        self.documents[group].push(|| document_row(doc))
    }
}

/// A document's row in the table of its status.
fn document_row(doc: &DocOutput) -> String {
    let (d, m) = (&doc.document, &doc.manifest);
    let mut notes = String::new();
    if let Some(e) = &m.error {
        let _ = write!(notes, "<div class=\"error\">{}</div>", esc(e));
    }
    for w in m.warnings.iter().take(MAX_WARNINGS_SHOWN) {
        let at = match (w.page, w.line) {
            (Some(p), Some(l)) => format!(" (p. {p}, line {l})"),
            (Some(p), None) => format!(" (p. {p})"),
            (None, Some(l)) => format!(" (line {l})"),
            (None, None) => String::new(),
        };
        let _ = write!(
            notes,
            "<div class=\"warning\"><code>{}</code> {}{}</div>",
            esc(w.code),
            esc(&w.message),
            at
        );
    }
    if m.warnings.len() > MAX_WARNINGS_SHOWN {
        let _ = write!(
            notes,
            "<div class=\"more\">and {} more warnings (manifest.json)</div>",
            m.warnings.len() - MAX_WARNINGS_SHOWN
        );
    }
    if let Some(n) = m.cp932_replacements {
        let _ = write!(
            notes,
            "<div class=\"warning\"><code>cp932_replacements</code> {n} characters replaced in the CSV files</div>"
        );
    }
    format!(
        "<tr class=\"document\" data-doc-id=\"{id}\" data-status=\"{}\" data-warnings=\"{}\"><td><code>{id}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{notes}</td></tr>\n",
        m.status,
        m.warnings.len(),
        esc(&m.source_path),
        esc(d.kind),
        esc(d.municipality.as_deref().unwrap_or("")),
        esc(d.title.as_deref().unwrap_or("")),
        id = esc(&m.doc_id),
    )
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A chart label that fits the label column (about 20 full-width
/// characters at 12px); the whole label goes into a tooltip.
fn chart_label(label: &str) -> String {
    const MAX: usize = 20;
    let short: String = if label.chars().count() > MAX {
        label.chars().take(MAX - 1).chain(['…']).collect()
    } else {
        label.to_string()
    };
    format!("<title>{}</title>{}", esc(label), esc(&short))
}

/// A horizontal bar chart: one bar per item, labelled, scaled to the
/// largest value.
fn bar_chart(id: &str, items: &[(String, u64)]) -> String {
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (260u64, 360u64, 22u64);
    let height = row_h * items.len() as u64 + 4;
    let mut svg = format!(
        "<svg id=\"{id}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">",
        label_w + bar_w + 80
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let y = i as u64 * row_h + 2;
        let w = n * bar_w / max;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"#4a78b0\"/>\
             <text x=\"{}\" y=\"{}\">{n}</text>",
            label_w - 6,
            y + 15,
            chart_label(label),
            row_h - 6,
            label_w + w + 6,
            y + 15,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One stacked bar per section, its length the section's number of
/// ratings (so a section with 2 ratings looks small next to one with
/// 2,000), each part labelled with its count where it is wide enough and
/// the total after the bar; the legend below, one entry per line, so that
/// no label can run into the next.
fn stacked_chart(rows: &[(String, Vec<u64>)]) -> String {
    const COLOURS: &[&str] = &["#2e7d32", "#4a78b0", "#c62828", "#9e9e9e"];
    let (label_w, bar_w, row_h) = (260u64, 400u64, 22u64);
    let legend = RATINGS.len() as u64 + 1;
    let height = row_h * (rows.len() as u64 + legend) + 8;
    let max = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = format!(
        "<svg id=\"ratings-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">",
        label_w + bar_w + 80
    );
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = i as u64 * row_h + 2;
        let total: u64 = counts.iter().sum();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6,
            y + 15,
            chart_label(label)
        );
        let mut x = label_w;
        for (j, n) in counts.iter().enumerate() {
            let w = n * bar_w / max;
            if w > 0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{}\"><title>{}: {n}</title></rect>",
                    row_h - 6,
                    COLOURS[j % COLOURS.len()],
                    esc(RATINGS.get(j).copied().unwrap_or(NO_RATING))
                );
                // The count inside its part, where its digits fit.
                let digits = n.to_string().len() as u64;
                if w >= digits * 7 + 6 {
                    let _ = write!(
                        svg,
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#fff\">{n}</text>",
                        x + w / 2,
                        y + 14
                    );
                }
            }
            x += w;
        }
        let _ = write!(svg, "<text x=\"{}\" y=\"{}\">{total}</text>", x + 6, y + 15);
    }
    // The legend: one line per rating.
    for (j, label) in RATINGS.iter().chain([&NO_RATING]).enumerate() {
        let y = (rows.len() as u64 + j as u64) * row_h + 8;
        let _ = write!(
            svg,
            "<rect x=\"{label_w}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y + 2,
            COLOURS[j % COLOURS.len()],
            label_w + 18,
            y + 13,
            esc(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

// System fonts only: the page must open offline and fetch nothing.
const STYLE: &str = "body{font-family:'Hiragino Sans','Yu Gothic','Meiryo','Noto Sans CJK JP',sans-serif;margin:2em;color:#222}\
table.documents td:nth-child(2){overflow-wrap:anywhere;min-width:10em}\
table.documents td:nth-child(5){min-width:12em}table.documents td:nth-child(6){overflow-wrap:anywhere;min-width:24em}\
table{border-collapse:collapse;margin:.5em 0 1.5em}\
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
td.n{text-align:right}.status-ok{color:#2e7d32}.status-partial{color:#b26a00}\
.status-needs_ocr{color:#6a1b9a}.status-failed{color:#c62828}\
svg.chart text{font-size:12px}#timings{color:#666}.more{color:#666}";

/// Writes the page from the serialised manifest (its totals and options)
/// and the counters and rows gathered document by document.
pub fn render(manifest: &Value, mut data: ReportData, out: &mut impl io::Write) -> io::Result<()> {
    let totals = &manifest["totals"];
    let mut h = String::new();
    h.push_str(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>hyokasho run report</title>\n",
    );
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(
        h,
        "<h1>hyokasho run report</h1>\n<p>{} {} · inputs: {} · formats: {}</p>",
        esc(text(manifest, "tool")),
        esc(text(manifest, "version")),
        esc(&list(&manifest["options"]["inputs"])),
        esc(&list(&manifest["options"]["formats"])),
    );

    // The run summary.
    h.push_str("<h2>Summary</h2>\n<table id=\"summary\">\n");
    let mut status_bars = Vec::new();
    for key in [
        "documents",
        "ok",
        "partial",
        "needs_ocr",
        "failed",
        "skipped",
        "duplicates",
        "reused",
        "warnings",
        "cp932_replacements",
    ] {
        // Figures of options not in use are left out, as in the manifest.
        if totals.get(key).is_none() {
            continue;
        }
        let _ = writeln!(
            h,
            "<tr><th>{key}</th><td class=\"n\" id=\"total-{key}\">{}</td></tr>",
            num(&totals[key])
        );
        if ["ok", "partial", "needs_ocr", "failed", "skipped"].contains(&key) {
            status_bars.push((key.to_string(), num(&totals[key])));
        }
    }
    h.push_str("</table>\n");
    h.push_str(&bar_chart("status-chart", &status_bars));
    h.push('\n');

    // Warnings by code.
    h.push_str(
        "<h2>Warnings by code</h2>\n<table id=\"warning-codes\">\n\
         <tr><th>code</th><th>severity</th><th>meaning</th><th>warnings</th><th>documents</th></tr>\n",
    );
    let mut code_bars = Vec::new();
    for (code, t) in &data.codes {
        let (severity, meaning) = match crate::diag::warning_code(code) {
            Some(c) => (
                match c.severity {
                    crate::diag::Severity::Note => "note",
                    crate::diag::Severity::Doubtful => "doubtful",
                },
                c.meaning,
            ),
            None => ("doubtful", ""),
        };
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{severity}</td><td>{}</td><td class=\"n\" id=\"code-{}\">{}</td><td class=\"n\">{}</td></tr>",
            esc(code),
            esc(meaning),
            esc(code),
            t.warnings,
            t.documents
        );
        code_bars.push((code.to_string(), t.warnings as u64));
    }
    h.push_str("</table>\n");
    if !code_bars.is_empty() {
        h.push_str(&bar_chart("warnings-chart", &code_bars));
        h.push('\n');
    }

    // Records per table.
    h.push_str("<h2>Records per table</h2>\n<table id=\"records\">\n<tr><th>table</th><th>records</th></tr>\n");
    let mut bars = Vec::new();
    if let Some(records) = totals["records"].as_object() {
        for (table, n) in records {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\" id=\"records-{}\">{}</td></tr>",
                esc(table),
                esc(table),
                num(n)
            );
            bars.push((table.clone(), num(n)));
        }
    }
    h.push_str("</table>\n");
    h.push_str(&bar_chart("records-chart", &bars));
    h.push('\n');

    // Risk ratings by section.
    h.push_str(
        "<h2>Risk ratings by section (III)</h2>\n<table id=\"ratings\">\n<tr><th>section</th>",
    );
    for r in RATINGS.iter().chain([&NO_RATING]) {
        let _ = write!(h, "<th>{}</th>", esc(r));
    }
    h.push_str("<th>total</th></tr>\n");
    let mut stacked = Vec::new();
    for (no, s) in &data.sections {
        let mut counts: Vec<u64> = RATINGS
            .iter()
            .map(|r| s.counts.get(*r).copied().unwrap_or(0) as u64)
            .collect();
        // Anything that is not one of the form's ratings counts as none.
        let other: usize = s
            .counts
            .iter()
            .filter(|(k, _)| !RATINGS.contains(&k.as_str()))
            .map(|(_, n)| n)
            .sum();
        counts.push(other as u64);
        let label = format!("III-{no} {}", s.title.as_deref().unwrap_or(""));
        let _ = write!(h, "<tr data-section=\"{no}\"><td>{}</td>", esc(&label));
        for n in &counts {
            let _ = write!(h, "<td class=\"n\">{n}</td>");
        }
        let _ = writeln!(
            h,
            "<td class=\"n\">{}</td></tr>",
            counts.iter().sum::<u64>()
        );
        stacked.push((label, counts));
    }
    h.push_str("</table>\n");
    if !stacked.is_empty() {
        h.push_str(&stacked_chart(&stacked));
        h.push('\n');
    }

    // The most frequent contractors.
    let mut top: Vec<(&String, &ContractorTally)> = data.contractors.iter().collect();
    top.sort_by(|a, b| {
        b.1.entrustments
            .cmp(&a.1.entrustments)
            .then_with(|| a.0.cmp(b.0))
    });
    top.truncate(TOP_CONTRACTORS);
    let _ = writeln!(
        h,
        "<h2>Most frequent contractors</h2>\n<table id=\"contractors\">\n\
         <tr><th>contractor (normalised)</th><th>entrustments</th><th>municipalities</th></tr>"
    );
    for (name, t) in &top {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(name),
            t.entrustments,
            esc(&municipality_list(&t.municipalities))
        );
    }
    h.push_str("</table>\n");
    let bars: Vec<(String, u64)> = top
        .iter()
        .map(|(n, t)| ((*n).clone(), t.entrustments as u64))
        .collect();
    if !bars.is_empty() {
        h.push_str(&bar_chart("contractors-chart", &bars));
        h.push('\n');
    }

    // The documents that are not clean, grouped by status.
    let listed: usize = data.documents.iter().map(|r| r.count + r.more).sum();
    let _ = writeln!(
        h,
        "<h2>Documents that are not ok ({listed})</h2>\n<p>Documents with status <code>ok</code> are \
         counted above, not listed; manifest.json lists every document with all its warnings.</p>"
    );
    out.write_all(h.as_bytes())?;
    h.clear();
    for (status, rows) in LISTED.iter().zip(&mut data.documents) {
        if rows.count == 0 {
            continue;
        }
        writeln!(
            out,
            "<h3 class=\"status-{status}\">{status} ({})</h3>\n<table class=\"documents\" id=\"documents-{status}\">\n\
             <tr><th>doc_id</th><th>source</th><th>kind</th><th>municipality</th><th>title</th><th>error and warnings</th></tr>",
            rows.count + rows.more
        )?;
        rows.copy_to(out)?;
        out.write_all(b"</table>\n")?;
        if rows.more > 0 {
            writeln!(
                out,
                "<p class=\"more\" id=\"more-{status}\">and {} more {status} documents: see manifest.json</p>",
                rows.more
            )?;
        }
    }

    // Timings: the only part that changes from run to run.
    let _ = writeln!(
        h,
        "<section id=\"timings\">\n<h2>Timings</h2>\n<p>started {} · finished {}</p>\n\
         <p>The {} slowest documents:</p>\n<table>\n<tr><th>doc_id</th><th>ms</th></tr>",
        esc(text(manifest, "started_at")),
        esc(text(manifest, "finished_at")),
        data.slowest.len()
    );
    for (ms, id) in &data.slowest {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\">{ms}</td></tr>",
            esc(id)
        );
    }
    h.push_str("</table>\n</section>\n</body>\n</html>\n");
    out.write_all(h.as_bytes())
}

/// The municipalities of a contractor, the first ten by name and a count
/// of the rest: a nationwide contractor has hundreds.
fn municipality_list(names: &BTreeSet<String>) -> String {
    const SHOWN: usize = 10;
    let mut s = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("、");
    if names.len() > SHOWN {
        let _ = write!(s, " and {} more", names.len() - SHOWN);
    }
    s
}

fn list(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn renders_the_manifest_figures_and_the_document_rows() {
        use crate::diag::Warning;
        use crate::extract::Records;
        use crate::extract::document::DocumentRecord;

        let dir = std::env::temp_dir().join(format!("hyokasho-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut data = ReportData::create(&dir).unwrap();
        let document = DocumentRecord {
            doc_id: "aa".into(),
            source_path: "a.txt".into(),
            status: "failed",
            error: Some("<bad>".into()),
            ..DocumentRecord::default()
        };
        let warning = Warning::new("x", "m").at(None, Some(3));
        let mut doc = DocOutput::assemble(document, Records::default(), vec![warning]);
        doc.manifest.elapsed_ms = 17;
        data.add(&doc).unwrap();
        let manifest = serde_json::json!({
            "tool": "hyokasho", "version": "0", "options": {"inputs": ["c"], "formats": ["csv"]},
            "started_at": "s", "finished_at": "f", "documents": [],
            "totals": {"documents": 1, "ok": 0, "partial": 0, "needs_ocr": 0, "failed": 1,
                       "duplicates": 0, "warnings": 1, "records": {"rows": 7}},
        });
        let mut html = Vec::new();
        render(&manifest, data, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(html.contains("id=\"total-documents\">1<"));
        assert!(html.contains("id=\"total-failed\">1<"));
        assert!(html.contains("id=\"records-rows\">7<"));
        assert!(html.contains("failed (1)</h3>"));
        assert!(html.contains("data-doc-id=\"aa\" data-status=\"failed\" data-warnings=\"1\""));
        assert!(html.contains("&lt;bad&gt;"));
        assert!(html.contains("(line 3)"));
        assert!(html.contains("<td class=\"n\">17</td>"));
        assert!(!html.contains("ok (0)"));
        assert!(!html.contains("total-cp932_replacements"));
        assert!(!html.contains("<script"));
    }

    /// 2,000 documents, a tenth of them partial with 30 warnings each: the
    /// page stays under 1 MB, lists at most MAX_LISTED per status and
    /// counts the rest.
    #[test]
    fn a_large_run_gives_a_bounded_page() {
        use crate::diag::Warning;
        use crate::extract::Records;
        use crate::extract::document::DocumentRecord;

        let dir = std::env::temp_dir().join(format!("hyokasho-report-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut data = ReportData::create(&dir).unwrap();
        for i in 0..2000u32 {
            let partial = i % 10 == 0;
            let document = DocumentRecord {
                doc_id: format!("{i:016x}"),
                source_path: format!("自治体/{i:05}_全項目評価書.pdf"),
                status: if partial { "partial" } else { "ok" },
                title: Some("健康増進事業の実施に関する事務 全項目評価書".into()),
                ..DocumentRecord::default()
            };
            let warnings = (0..if partial { 30 } else { 3 })
                .map(|n| Warning::new("unreadable_date", format!("変更日 \"{n}\" is not a date")))
                .collect();
            let mut doc = DocOutput::assemble(document, Records::default(), warnings);
            doc.manifest.elapsed_ms = u64::from(i % 97);
            data.add(&doc).unwrap();
        }
        let manifest = serde_json::json!({
            "tool": "hyokasho", "version": "0", "options": {"inputs": ["c"], "formats": ["csv"]},
            "started_at": "s", "finished_at": "f", "documents": [],
            "totals": {"documents": 2000, "ok": 1800, "partial": 200, "needs_ocr": 0, "failed": 0,
                       "duplicates": 0, "warnings": 11400, "records": {"rows": 7}},
        });
        let mut html = Vec::new();
        render(&manifest, data, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(html.len() < 1_000_000, "{} bytes", html.len());
        assert_eq!(html.matches("<tr class=\"document\"").count(), MAX_LISTED);
        assert!(html.contains("partial (200)</h3>"));
        // 200 partial documents, all listed (the cap is 200), none more.
        assert!(!html.contains("id=\"more-partial\""));
        assert!(html.contains("and 25 more warnings"));
        assert!(html.contains("id=\"code-unreadable_date\">11400<"));
        // The 20 slowest: 96 ms, smallest doc_ids first.
        let timings = &html[html.find("id=\"timings\"").unwrap()..];
        assert_eq!(timings.matches("<tr><td><code>").count(), SLOWEST);
        assert!(timings.contains(&format!("<code>{:016x}</code></td><td class=\"n\">96<", 96)));
    }

    #[test]
    fn documents_past_the_cap_are_counted() {
        let dir = std::env::temp_dir().join(format!("hyokasho-report-cap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut rows = Rows::create(&dir.join("x.part")).unwrap();
        for _ in 0..MAX_LISTED + 7 {
            rows.push(|| "<tr></tr>\n".to_string()).unwrap();
        }
        assert_eq!((rows.count, rows.more), (MAX_LISTED, 7));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Legend entries stand on lines of their own: no label can reach the
    /// next swatch, whatever its length.
    #[test]
    fn legend_entries_do_not_share_a_line() {
        let svg = stacked_chart(&[("III-2".into(), vec![5, 3, 1, 0])]);
        let ys: Vec<u64> = svg
            .split("<rect x=\"260\" y=\"")
            .skip(1)
            .filter(|s| s.contains("width=\"12\""))
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect();
        assert_eq!(ys.len(), 4);
        assert!(ys.windows(2).all(|w| w[1] >= w[0] + 16), "{ys:?}");
        // Counts on the bars: 5, 3 and 1 are written inside their parts.
        for n in ["5", "3", "1"] {
            assert!(svg.contains(&format!("fill=\"#fff\">{n}</text>")), "{n}");
        }
    }
}
