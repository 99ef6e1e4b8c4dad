use std::process::ExitCode;

use clap::Parser;

use hyokasho::cli::{Cli, Command, summary_text};
use hyokasho::schema;

// The pipeline allocates many small strings on worker threads and frees
// them on the writer thread; mimalloc is faster at that than the system
// allocator and returns such memory instead of keeping it per thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status: 0 when every document is ok, 1 when some document is not,
/// 2 when the run itself could not proceed.
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Schema { markdown } => {
            print!(
                "{}",
                if markdown {
                    schema::markdown()
                } else {
                    schema::text()
                }
            );
            ExitCode::SUCCESS
        }
        Command::Extract(args) => {
            let config = args.config();
            match hyokasho::run::run(&config) {
                Ok(summary) => {
                    if !args.quiet {
                        eprintln!("{}", summary_text(&summary, &config.output));
                    }
                    let t = &summary.totals;
                    if t.ok == t.documents {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    eprintln!("hyokasho: {:#}", anyhow::Error::from(e));
                    ExitCode::from(2)
                }
            }
        }
    }
}
