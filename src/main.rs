use std::process::ExitCode;

use clap::Parser;

use hyokasho::cli::{Cli, Command, summary_text};
use hyokasho::schema;

// The pipeline allocates many small strings on worker threads and frees
// them on the writer thread; mimalloc is faster at that than the system
// allocator and returns such memory instead of keeping it per thread.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status: 0 when every document is ok (or skipped: no assessment),
/// 1 when some document is not, 2 when the run itself could not proceed,
/// 130 or 143 when interrupted by SIGINT or SIGTERM.
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
            let config = match args.config() {
                Ok(config) => config,
                Err(e) => {
                    eprintln!("hyokasho: {e}");
                    return ExitCode::from(2);
                }
            };
            hyokasho::run::install_signal_handlers();
            match hyokasho::run::run(&config) {
                Ok(summary) => {
                    if !args.quiet {
                        eprintln!("{}", summary_text(&summary, &config));
                    }
                    if summary.all_ok() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    // The error's text names its cause once; printing the
                    // chain as well repeated the OS's words.
                    eprintln!("hyokasho: {e}");
                    ExitCode::from(e.exit_code())
                }
            }
        }
    }
}
