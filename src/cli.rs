//! The command line: `hyokasho extract` and `hyokasho schema`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::decode::Limits;
use crate::decode::pdf::PdfLimits;
use crate::emit::{CsvEncoding, CsvStyle, TableFormat};
use crate::pipeline::Options;
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
    /// order (hidden entries skipped).
    #[arg(default_value = "corpus")]
    pub inputs: Vec<PathBuf>,
    /// Output folder; created if missing. Existing tables are replaced when
    /// the run finishes.
    #[arg(short, long, default_value = "output")]
    pub output: PathBuf,
    /// Worker threads (default: the number of CPUs). The output is the same
    /// whatever the number.
    #[arg(short, long)]
    pub jobs: Option<usize>,
    /// Table formats to write, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "csv,jsonl")]
    pub format: Vec<FormatArg>,
    /// CSV for Excel: a BOM (UTF-8), CRLF line ends, and cells Excel would
    /// run as formulas prefixed with '.
    #[arg(long)]
    pub excel: bool,
    /// Encoding of the CSV files (cp932 has no BOM).
    #[arg(long, value_enum, default_value = "utf-8")]
    pub csv_encoding: CsvEncodingArg,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Reuse the results of documents processed by an earlier
    /// `--incremental` run into the same output folder (same bytes, same
    /// build, same limits): only new or changed files are processed.
    #[arg(long)]
    pub incremental: bool,
    /// Refuse input files larger than this many bytes.
    #[arg(long, default_value_t = 512 * 1024 * 1024, help_heading = "Limits")]
    pub max_file_bytes: u64,
    /// Largest decoded size of one PDF stream, in bytes (a decompression
    /// bomb stops here).
    #[arg(long, default_value_t = 64 * 1024 * 1024, help_heading = "Limits")]
    pub max_stream_bytes: usize,
    /// Largest total of decoded PDF content streams in one document, in bytes.
    #[arg(long, default_value_t = 256 * 1024 * 1024, help_heading = "Limits")]
    pub max_document_bytes: usize,
    /// Most objects in one PDF.
    #[arg(long, default_value_t = 1_000_000, help_heading = "Limits")]
    pub max_objects: usize,
    /// Most content-stream operators interpreted in one PDF.
    #[arg(long, default_value_t = 50_000_000, help_heading = "Limits")]
    pub max_operators: u64,
    /// Seconds one document may take; 0 for no limit.
    #[arg(long, default_value_t = 120.0, help_heading = "Limits")]
    pub timeout: f64,
}

impl ExtractArgs {
    /// The run configuration these arguments describe.
    pub fn config(&self) -> RunConfig {
        let jobs = self.jobs.filter(|&j| j > 0).unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        let mut formats: Vec<TableFormat> = self
            .format
            .iter()
            .map(|f| match f {
                FormatArg::Csv => TableFormat::Csv,
                FormatArg::Jsonl => TableFormat::Jsonl,
                FormatArg::Sqlite => TableFormat::Sqlite,
            })
            .collect();
        formats.dedup();
        let csv_style = CsvStyle {
            excel: self.excel,
            encoding: match self.csv_encoding {
                CsvEncodingArg::Utf8 => CsvEncoding::Utf8,
                CsvEncodingArg::Cp932 => CsvEncoding::Cp932,
            },
        };
        RunConfig {
            inputs: self.inputs.clone(),
            output: self.output.clone(),
            jobs,
            formats,
            csv_style,
            progress: !self.quiet && std::io::stderr().is_terminal(),
            options: Options {
                max_file_bytes: self.max_file_bytes,
                limits: Limits {
                    pdf: PdfLimits {
                        max_stream_bytes: self.max_stream_bytes,
                        max_document_bytes: self.max_document_bytes,
                        max_objects: self.max_objects,
                        max_operators: self.max_operators,
                        ..PdfLimits::default()
                    },
                },
                timeout: (self.timeout > 0.0).then_some(self.timeout),
            },
            incremental: self.incremental,
        }
    }
}

/// The end-of-run summary printed on stderr.
pub fn summary_text(summary: &Summary, output: &std::path::Path) -> String {
    let t = &summary.totals;
    let mut s = format!(
        "{} documents: {} ok, {} partial, {} needs_ocr, {} failed",
        t.documents, t.ok, t.partial, t.needs_ocr, t.failed
    );
    if t.reused > 0 {
        s.push_str(&format!(" ({} reused from the last run)", t.reused));
    }
    if t.duplicates > 0 {
        s.push_str(&format!(" ({} duplicate files skipped)", t.duplicates));
    }
    if let Some(n) = t.cp932_replacements.filter(|&n| n > 0) {
        s.push_str(&format!(
            "\n{n} characters CP932 cannot hold were substituted in the CSV files (see manifest.json)"
        ));
    }
    s.push_str(&format!(
        "\n{} rows, {} warnings, {:.2} s → {}",
        t.records.get("rows").copied().unwrap_or(0),
        t.warnings,
        summary.elapsed.as_secs_f64(),
        output.display()
    ));
    s
}
