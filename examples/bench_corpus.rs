//! Builds a synthetic corpus for `scripts/bench.sh`: N files copied round
//! robin from seed files, each made unique so that no two share a `doc_id`
//! (byte-identical files are processed once and would flatter the figures).
//!
//! `cargo run --release --example bench_corpus -- N OUT_DIR SEED…`
//!
//! The unique tail is chosen so that it changes nothing but the hash:
//! a text file gets a line break then a line of spaces and tabs spelling the
//! file's number in binary (a blank line, which the pipeline skips); a PDF
//! gets a `%` comment line after `%%EOF`, which PDF readers ignore. Prints the
//! number of files, their total bytes and, per seed, how many copies were made
//! (`seed<TAB>copies`), so that the caller can total pages.

use std::io::Write;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (
        args.first().and_then(|s| s.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: bench_corpus N OUT_DIR SEED…");
        std::process::exit(2);
    };
    let seeds: Vec<PathBuf> = args[2..].iter().map(PathBuf::from).collect();
    if seeds.is_empty() {
        eprintln!("no seed files");
        std::process::exit(2);
    }
    let out = Path::new(out);
    if let Err(e) = build(n, out, &seeds) {
        eprintln!("{}: {e}", out.display());
        std::process::exit(1);
    }
}

fn build(n: usize, out: &Path, seeds: &[PathBuf]) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let contents: Vec<Vec<u8>> = seeds.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let mut copies = vec![0usize; seeds.len()];
    let mut total = 0u64;
    for i in 0..n {
        let k = i % seeds.len();
        let seed = &seeds[k];
        let bytes = &contents[k];
        let ext = seed.extension().and_then(|e| e.to_str()).unwrap_or("txt");
        let stem = seed.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
        let path = out.join(format!("{i:06}_{stem}.{ext}"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        file.write_all(bytes)?;
        let tail = if ext.eq_ignore_ascii_case("pdf") {
            format!("\n%bench {i}\n").into_bytes()
        } else {
            text_tail(bytes, i)
        };
        file.write_all(&tail)?;
        file.flush()?;
        total += (bytes.len() + tail.len()) as u64;
        copies[k] += 1;
    }
    println!("files\t{n}\nbytes\t{total}");
    for (seed, c) in seeds.iter().zip(copies) {
        println!("{}\t{c}", seed.display());
    }
    Ok(())
}

/// A blank line whose spaces and tabs spell `i` in binary, in the file's own
/// line ending and code units (UTF-16 files need two bytes per character).
fn text_tail(bytes: &[u8], i: usize) -> Vec<u8> {
    let eol: &[u8] = if bytes.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    let mut chars = eol.to_vec();
    let mut v = i;
    loop {
        chars.push(if v & 1 == 1 { b'\t' } else { b' ' });
        v >>= 1;
        if v == 0 {
            break;
        }
    }
    chars.extend_from_slice(eol);
    match bytes {
        [0xFF, 0xFE, ..] => chars.iter().flat_map(|&c| [c, 0]).collect(),
        [0xFE, 0xFF, ..] => chars.iter().flat_map(|&c| [0, c]).collect(),
        _ => chars,
    }
}
