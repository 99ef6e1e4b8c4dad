//! The normalisation and date functions alone, on arbitrary UTF-8: cheap
//! enough to run many more inputs than the whole pipeline.
#![no_main]

use hyokasho::normalize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let n = normalize::normalize_text(s);
    // normalize_text skips rules with nothing to do and scans bytes in
    // blocks; it must still equal its rules applied one after another.
    let rules = normalize::collapse_spaces(&normalize::mark_checkboxes(&normalize::unify_dashes(
        &normalize::fold_width(&normalize::decode_entities(&normalize::strip_tags(s))),
    )));
    assert_eq!(n, rules, "{s:?}");
    let compact: String = n.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(normalize::compact(&n), compact, "{n:?}");
    std::hint::black_box(normalize::value(s));
    std::hint::black_box(normalize::is_unchanged(s));
    std::hint::black_box(normalize::find_dates(&n));
    std::hint::black_box(normalize::parse_date(&n));
    std::hint::black_box(normalize::iso_if_only_date(&n));
    std::hint::black_box(normalize::decode_entities(&normalize::strip_tags(s)));
});
