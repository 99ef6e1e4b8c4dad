//! The command line: `hyokasho extract` and `hyokasho schema`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::emit::{CsvEncoding, CsvStyle, TableFormat};
use crate::limits::{ByteSize, Limits};
use crate::run::{RunConfig, Summary};

/// Turns Japan's published privacy impact assessments (特定個人情報保護評価書)
/// into clean tables: documents, rows, systems, contractors, risk ratings,
/// changes, corrections and more, as CSV and JSONL.
#[derive(Debug, Parser)]
#[command(name = "hyokasho", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract every table from files and folders of assessments.
    Extract(ExtractArgs),
    /// Print the data dictionary: every table and column with its meaning.
    Schema {
        /// Print Markdown (as in docs/schema.md) instead of plain text.
        #[arg(long)]
        markdown: bool,
    },
}

/// Table file formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Jsonl,
    /// Every table in one SQLite database, hyokasho.sqlite.
    Sqlite,
}

/// CSV encodings on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvEncodingArg {
    /// UTF-8, the default.
    #[value(name = "utf-8")]
    Utf8,
    /// Shift_JIS as Windows writes it; characters it cannot hold are
    /// substituted (a look-alike, else 〓) and counted in manifest.json.
    Cp932,
}

/// Arguments of `hyokasho extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or folders to read; folders are walked recursively in sorted
    /// order (hidden entries and symbolic links skipped).
    #[arg(default_value = "corpus")]
    pub inputs: Vec<PathBuf>,
    /// Output folder; created if missing. It must not be, nor contain, an
    /// input folder. The tables of the last run are replaced all at once
    /// when the run finishes.
    #[arg(short, long, default_value = "output")]
    pub output: PathBuf,
    /// Worker threads, at least 1 (default: the number of CPUs). The output
    /// is the same whatever the number.
    #[arg(short, long, value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Table formats to write, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "csv,jsonl")]
    pub format: Vec<FormatArg>,
    /// CSV for Excel: a BOM (UTF-8), CRLF line ends, and cells Excel would
    /// run as formulas prefixed with '. Needs csv among the formats.
    #[arg(long)]
    pub excel: bool,
    /// Encoding of the CSV files (cp932 has no BOM; default utf-8). Needs
    /// csv among the formats.
    #[arg(long, value_enum)]
    pub csv_encoding: Option<CsvEncodingArg>,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Reuse the results of documents processed by an earlier
    /// `--incremental` run into the same output folder (same bytes, same
    /// build, same limits): only new or changed files are processed.
    #[arg(long)]
    pub incremental: bool,
    /// Follow symbolic links met while walking folders (links named on the
    /// command line are always followed).
    #[arg(long)]
    pub follow: bool,
    /// Include or exclude files (ripgrep's syntax, relative to the input
    /// folder): `--glob '*.pdf'` reads only PDFs, `--glob '!drafts/**'`
    /// leaves a folder out. Repeat for several; the last match decides.
    #[arg(short, long, value_name = "GLOB")]
    pub glob: Vec<String>,
    /// Refuse input files larger than this (bytes, or with a unit: 64M,
    /// 1G); they are never read.
    #[arg(long, default_value_t = ByteSize(Limits::default().max_file_bytes), help_heading = "Limits")]
    pub max_file_bytes: ByteSize,
    /// Refuse text documents larger than this: decoding takes several times
    /// a text's size in memory.
    #[arg(long, default_value_t = ByteSize(Limits::default().max_text_bytes), help_heading = "Limits")]
    pub max_text_bytes: ByteSize,
    /// Largest decoded size of one PDF stream (a decompression bomb stops
    /// here).
    #[arg(long, default_value_t = ByteSize(Limits::default().max_stream_bytes as u64), help_heading = "Limits")]
    pub max_stream_bytes: ByteSize,
    /// Largest total of decoded PDF content streams in one document.
    #[arg(long, default_value_t = ByteSize(Limits::default().max_document_bytes as u64), help_heading = "Limits")]
    pub max_document_bytes: ByteSize,
    /// Most objects in one PDF.
    #[arg(long, default_value_t = Limits::default().max_objects, help_heading = "Limits")]
    pub max_objects: usize,
    /// Most content-stream operators interpreted in one PDF.
    #[arg(long, default_value_t = Limits::default().max_operators, help_heading = "Limits")]
    pub max_operators: u64,
    /// Seconds one document may take, in every stage; 0 for no limit.
    #[arg(long, default_value_t = Limits::default().timeout.unwrap_or(0.0), help_heading = "Limits")]
    pub timeout: f64,
}

impl ExtractArgs {
    /// The run configuration these arguments describe, or why they make
    /// none (an option that would have no effect, a value out of range).
    pub fn config(&self) -> Result<RunConfig, String> {
        let jobs = match self.jobs {
            Some(j) => j as usize,
            None => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        };
        let mut formats: Vec<TableFormat> = Vec::new();
        for f in &self.format {
            let f = match f {
                FormatArg::Csv => TableFormat::Csv,
                FormatArg::Jsonl => TableFormat::Jsonl,
                FormatArg::Sqlite => TableFormat::Sqlite,
            };
            if !formats.contains(&f) {
                formats.push(f);
            }
        }
        if !formats.contains(&TableFormat::Csv) {
            // Silently ignored, either would leave a user wondering why the
            // files look as they do.
            if self.excel {
                return Err(
                    "--excel shapes CSV files, but no CSV is written: add csv to --format".into(),
                );
            }
            if self.csv_encoding.is_some() {
                return Err(
                    "--csv-encoding shapes CSV files, but no CSV is written: add csv to --format"
                        .into(),
                );
            }
        }
        if !(self.timeout.is_finite() && self.timeout >= 0.0) {
            return Err(format!(
                "--timeout {}: give a number of seconds, 0 for no limit",
                self.timeout
            ));
        }
        let usize_of = |b: ByteSize, name: &str| {
            usize::try_from(b.0)
                .map_err(|_| format!("{name} {b} is larger than this machine can address"))
        };
        let csv_style = CsvStyle {
            excel: self.excel,
            encoding: match self.csv_encoding {
                None | Some(CsvEncodingArg::Utf8) => CsvEncoding::Utf8,
                Some(CsvEncodingArg::Cp932) => CsvEncoding::Cp932,
            },
        };
        Ok(RunConfig {
            inputs: self.inputs.clone(),
            output: self.output.clone(),
            jobs,
            formats,
            csv_style,
            progress: !self.quiet && std::io::stderr().is_terminal(),
            options: Limits {
                max_file_bytes: self.max_file_bytes.0,
                max_text_bytes: self.max_text_bytes.0,
                max_stream_bytes: usize_of(self.max_stream_bytes, "--max-stream-bytes")?,
                max_document_bytes: usize_of(self.max_document_bytes, "--max-document-bytes")?,
                max_objects: self.max_objects,
                max_operators: self.max_operators,
                timeout: (self.timeout > 0.0).then_some(self.timeout),
                ..Limits::default()
            },
            incremental: self.incremental,
            follow: self.follow,
            globs: self.glob.clone(),
        })
    }
}

/// The end-of-run summary printed on stderr: the counts, the documents
/// that are not `ok` (the first [`Summary::LISTED`]), the warnings by code,
/// and where to read more.
pub fn summary_text(summary: &Summary, config: &RunConfig) -> String {
    let t = &summary.totals;
    let mut s = format!(
        "{} documents: {} ok, {} partial, {} needs_ocr, {} failed, {} skipped (no assessment)",
        t.documents, t.ok, t.partial, t.needs_ocr, t.failed, t.skipped
    );
    if t.reused > 0 {
        s.push_str(&format!(" ({} reused from the last run)", t.reused));
    }
    if t.duplicates > 0 {
        s.push_str(&format!(" ({} duplicate files skipped)", t.duplicates));
    }
    if !summary.not_ok.is_empty() {
        s.push_str("\nNot ok:");
        for d in &summary.not_ok {
            s.push_str(&format!("\n  {}  {}", d.source_path, d.status));
            if let Some(e) = &d.error {
                s.push_str(&format!("  {e}"));
            }
        }
        let more = (t.documents - t.ok).saturating_sub(summary.not_ok.len());
        if more > 0 {
            s.push_str(&format!("\n  … and {more} more (see manifest.json)"));
        }
    }
    if !t.warning_codes.is_empty() {
        let mut codes: Vec<(&String, &usize)> = t.warning_codes.iter().collect();
        // Most frequent first; ties by name, for a stable text.
        codes.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let list: Vec<String> = codes.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        s.push_str(&format!("\nWarnings: {}", list.join(", ")));
    }
    if let Some(n) = t.cp932_replacements.filter(|&n| n > 0) {
        s.push_str(&format!(
            "\n{n} characters CP932 cannot hold were substituted in the CSV files (see manifest.json)"
        ));
    }
    let output = config.output.display();
    s.push_str(&format!(
        "\n{} rows, {} warnings, {:.2} s → {output}",
        t.records.get("rows").copied().unwrap_or(0),
        t.warnings,
        summary.elapsed.as_secs_f64(),
    ));
    let warnings = if config.formats.contains(&TableFormat::Csv) {
        format!("{output}/warnings.csv")
    } else if config.formats.contains(&TableFormat::Jsonl) {
        format!("{output}/warnings.jsonl")
    } else {
        format!("the warnings table of {output}/hyokasho.sqlite")
    };
    s.push_str(&format!(
        "\nDetails: {output}/manifest.json (every document), {warnings} (every warning), \
         {output}/report.html"
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{NotOk, Totals};

    fn args(extra: &[&str]) -> Result<RunConfig, String> {
        let mut argv = vec!["hyokasho", "extract"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv)
            .map_err(|e| e.to_string())?
            .command
        {
            Command::Extract(a) => a.config(),
            Command::Schema { .. } => Err("schema".into()),
        }
    }

    #[test]
    fn options_without_effect_and_zero_jobs_are_refused() {
        assert!(args(&["--jobs", "0"]).is_err());
        assert!(args(&["--format", "jsonl", "--excel"]).is_err());
        assert!(args(&["--format", "sqlite", "--csv-encoding", "cp932"]).is_err());
        assert!(args(&["--format", "csv", "--csv-encoding", "cp932"]).is_ok());
        assert!(args(&["--timeout", "-1"]).is_err());
        let config = args(&["--max-file-bytes", "1G", "--max-text-bytes", "2M"]).unwrap();
        assert_eq!(config.options.max_file_bytes, 1 << 30);
        assert_eq!(config.options.max_text_bytes, 2 << 20);
        // The defaults are the one set of crate::limits.
        assert_eq!(args(&[]).unwrap().options, Limits::default());
    }

    #[test]
    fn the_summary_names_what_is_not_ok_and_where_to_look() {
        let config = args(&["-o", "out"]).unwrap();
        let mut totals = Totals {
            documents: 30,
            ok: 5,
            failed: 20,
            skipped: 5,
            warnings: 3,
            ..Totals::default()
        };
        totals.warning_codes.insert("unmapped_glyphs".into(), 2);
        totals.warning_codes.insert("missing_section".into(), 1);
        let not_ok = (0..Summary::LISTED)
            .map(|i| NotOk {
                source_path: format!("in/{i:02}.pdf"),
                status: "failed",
                error: Some("broken".into()),
            })
            .collect();
        let summary = Summary {
            totals,
            not_ok,
            elapsed: std::time::Duration::from_secs(1),
        };
        let text = summary_text(&summary, &config);
        assert!(
            text.contains("5 ok, 0 partial, 0 needs_ocr, 20 failed, 5 skipped"),
            "{text}"
        );
        assert!(text.contains("\n  in/00.pdf  failed  broken"), "{text}");
        assert!(text.contains("… and 5 more (see manifest.json)"), "{text}");
        assert!(
            text.contains("Warnings: unmapped_glyphs ×2, missing_section ×1"),
            "{text}"
        );
        assert!(
            text.contains("out/warnings.csv") && text.contains("out/report.html"),
            "{text}"
        );
        assert!(!summary.all_ok());
    }
}
