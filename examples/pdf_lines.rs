//! Prints the lines hyokasho decodes from documents, or times the decoding.
//!
//! `cargo run --release --example pdf_lines -- FILE…` prints each line as
//! `page:line<TAB>cell<TAB>cell…` (newlines inside cells shown as `⏎`), then
//! the status, error and warnings.
//! `… -- --raw PAGE FILE` prints the runs and rules of one page.
//! `… -- --repeat N FILE…` decodes every file N times and prints, per file
//! and in total, the pages and the milliseconds per page, nothing else.

use std::time::Instant;

use hyokasho::decode::{Limits, decode};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 0usize;
    if args.first().map(String::as_str) == Some("--raw") && args.len() >= 3 {
        // --raw PAGE FILE: the interpreter's runs and rules of one page.
        let page: u32 = args[1].parse().unwrap_or(1);
        let bytes = std::fs::read(&args[2]).unwrap_or_default();
        let pages = hyokasho::decode::pdf::pages(&bytes, &Default::default());
        for p in pages.iter().flatten().filter(|p| p.number == page) {
            println!(
                "page {} {}x{} images {}",
                p.number, p.width, p.height, p.image_count
            );
            for row in hyokasho::decode::pdf::layout::page_rows(p) {
                println!("row top {:.1} free {} {:?}", row.top, row.free, row.cells);
            }
            for r in &p.rules {
                println!("rule {:.1} {:.1} {:.1} {:.1}", r.x0, r.y0, r.x1, r.y1);
            }
            for r in &p.runs {
                let g0 = r.glyphs.first();
                let g1 = r.glyphs.last();
                println!(
                    "run size {:.1} v {} x {:.1}..{:.1} y {:.1} {:?}",
                    r.size,
                    r.vertical,
                    g0.map_or(0.0, |g| g.x),
                    g1.map_or(0.0, |g| g.x + g.advance),
                    g0.map_or(0.0, |g| g.y),
                    r.text
                );
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--repeat") && args.len() >= 2 {
        repeat = args[1].parse().unwrap_or(1);
        args.drain(..2);
    }
    let limits = Limits::default();
    let (mut total_pages, mut total_secs) = (0u64, 0f64);
    for path in &args {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        if repeat > 0 {
            let start = Instant::now();
            let mut pages = 0u64;
            for _ in 0..repeat {
                if let Ok(d) = decode(&bytes, path, &limits) {
                    pages += d.pages.unwrap_or(0) as u64;
                }
            }
            let secs = start.elapsed().as_secs_f64();
            total_pages += pages;
            total_secs += secs;
            println!(
                "{path}\t{} pages\t{:.3} ms/page",
                pages / repeat as u64,
                secs * 1000.0 / pages.max(1) as f64
            );
            continue;
        }
        match decode(&bytes, path, &limits) {
            Ok(d) => {
                for l in &d.lines {
                    let cells: Vec<String> = l.cells.iter().map(|c| c.replace('\n', "⏎")).collect();
                    println!("{}:{}\t{}", l.page.unwrap_or(0), l.line, cells.join("\t"));
                }
                println!(
                    "# {path}: status {} pages {:?} error {:?}",
                    d.status.as_str(),
                    d.pages,
                    d.error
                );
                for w in &d.warnings {
                    println!("# warning {} {:?}: {}", w.code, w.page, w.message);
                }
            }
            Err(e) => println!("# {path}: error: {e}"),
        }
    }
    if repeat > 0 {
        println!(
            "TOTAL\t{total_pages} pages\t{:.3} ms/page",
            total_secs * 1000.0 / total_pages.max(1) as f64
        );
    }
}
