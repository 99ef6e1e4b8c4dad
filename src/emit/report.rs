//! `report.html`: one self-contained page describing a run.
//!
//! The figures come from the manifest (serialised, so the page cannot
//! disagree with `manifest.json`) and from small counters filled while the
//! records stream by: ratings per III section and entrustments per
//! contractor, never the records themselves. Each document's table row is
//! rendered as the document goes by and kept in a file in the staging
//! folder, so memory does not grow with the corpus. Everything but the
//! timings section (`id="timings"`) is the same whatever the thread count.

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

/// The order of the status groups on the page.
const STATUSES: [&str; 4] = ["failed", "needs_ocr", "partial", "ok"];

/// Rendered table rows kept on disk until the page is put together.
#[derive(Debug)]
struct Rows {
    file: BufWriter<File>,
    count: usize,
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
        })
    }

    fn push(&mut self, row: &str) -> io::Result<()> {
        self.count += 1;
        self.file.write_all(row.as_bytes())
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
    /// Document rows by status, in [`STATUSES`] order.
    documents: Vec<Rows>,
    timings: Rows,
}

impl ReportData {
    /// Starts a report whose row files live in `dir` (the staging folder).
    pub fn create(dir: &Path) -> io::Result<ReportData> {
        let mut documents = Vec::new();
        for status in STATUSES {
            documents.push(Rows::create(&dir.join(format!("report.{status}.part")))?);
        }
        Ok(ReportData {
            sections: BTreeMap::new(),
            contractors: HashMap::new(),
            documents,
            timings: Rows::create(&dir.join("report.timings.part"))?,
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
        let status = STATUSES.iter().position(|s| *s == m.status).unwrap_or(0);
        self.documents[status].push(&document_row(doc))?;
        self.timings.push(&format!(
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td></tr>\n",
            esc(&m.doc_id),
            m.elapsed_ms
        ))
    }
}

/// A document's row in the table of its status.
fn document_row(doc: &DocOutput) -> String {
    let (d, m) = (&doc.document, &doc.manifest);
    let mut notes = String::new();
    if let Some(e) = &m.error {
        let _ = write!(notes, "<div class=\"error\">{}</div>", esc(e));
    }
    for w in &m.warnings {
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

/// One stacked bar per section: the share of each rating.
fn stacked_chart(rows: &[(String, Vec<u64>)]) -> String {
    const COLOURS: &[&str] = &["#2e7d32", "#4a78b0", "#c62828", "#9e9e9e"];
    let (label_w, bar_w, row_h) = (260u64, 400u64, 22u64);
    let height = row_h * (rows.len() as u64 + 1) + 4;
    let mut svg = format!(
        "<svg id=\"ratings-chart\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">",
        label_w + bar_w + 20
    );
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = i as u64 * row_h + 2;
        let total: u64 = counts.iter().sum::<u64>().max(1);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6,
            y + 15,
            chart_label(label)
        );
        let mut x = label_w;
        for (j, n) in counts.iter().enumerate() {
            let w = n * bar_w / total;
            if w > 0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{}\"/>",
                    row_h - 6,
                    COLOURS[j % COLOURS.len()]
                );
            }
            x += w;
        }
    }
    // The legend.
    let y = rows.len() as u64 * row_h + 2;
    let mut x = label_w;
    for (j, label) in RATINGS.iter().chain([&NO_RATING]).enumerate() {
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y + 4,
            COLOURS[j % COLOURS.len()],
            x + 16,
            y + 15,
            esc(label)
        );
        x += 110;
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
svg.chart text{font-size:12px}#timings{color:#666}";

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
    for key in [
        "documents",
        "ok",
        "partial",
        "needs_ocr",
        "failed",
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
    }
    h.push_str("</table>\n");

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

    // Documents, grouped by status.
    h.push_str("<h2>Documents</h2>\n");
    out.write_all(h.as_bytes())?;
    h.clear();
    for (status, rows) in STATUSES.iter().zip(&mut data.documents) {
        if rows.count == 0 {
            continue;
        }
        writeln!(
            out,
            "<h3 class=\"status-{status}\">{status} ({})</h3>\n<table class=\"documents\" id=\"documents-{status}\">\n\
             <tr><th>doc_id</th><th>source</th><th>kind</th><th>municipality</th><th>title</th><th>error and warnings</th></tr>",
            rows.count
        )?;
        rows.copy_to(out)?;
        out.write_all(b"</table>\n")?;
    }

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
            esc(&t
                .municipalities
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join("、"))
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

    // Timings: the only part that changes from run to run.
    let _ = writeln!(
        h,
        "<section id=\"timings\">\n<h2>Timings</h2>\n<p>started {} · finished {}</p>\n<table>\n<tr><th>doc_id</th><th>ms</th></tr>",
        esc(text(manifest, "started_at")),
        esc(text(manifest, "finished_at")),
    );
    out.write_all(h.as_bytes())?;
    data.timings.copy_to(out)?;
    out.write_all(b"</table>\n</section>\n</body>\n</html>\n")
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
}
