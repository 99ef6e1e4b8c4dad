//! The text path: decode (encoding detection) → normalise → segment →
//! extract, on arbitrary bytes, with no panic catching in between.
#![no_main]

use hyokasho::decode::Format;
use hyokasho::pipeline::{Options, process_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // An input with `%PDF-` in its first kilobyte is read as a PDF whatever
    // its name; that path belongs to the `pdf` target.
    if Format::sniff(data, "fuzz.txt") != Format::Text {
        return;
    }
    let out = process_bytes(data.to_vec(), "fuzz.txt", "fuzz", &Options::default());
    std::hint::black_box(out);
});
