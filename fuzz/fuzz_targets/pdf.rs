//! The PDF path: lopdf parsing, fonts and CMaps, the content-stream
//! interpreter and layout, then segment → extract, with no panic catching
//! in between.
#![no_main]

use hyokasho::pipeline::{Options, process_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let out = process_bytes(data.to_vec(), "fuzz.pdf", "fuzz", &Options::default());
    std::hint::black_box(out);
});
