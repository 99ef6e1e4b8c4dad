//! CSV for spreadsheets: the formula rule and CP932 encoding.
//!
//! Excel runs a cell that starts with `=`, `+`, `-` or `@` (and, through
//! some import paths, a tab or a carriage return) as a formula, so a
//! document's text could execute in the analyst's spreadsheet. Such cells
//! get a leading `'`, so Excel reads them as text (opening a CSV, Excel
//! shows the `'`: it marks a neutralised cell and is not part of the
//! extracted value). Cells that are only a number (`-1`, `+3.5`, `-1,000`, `-5%`) or a
//! placeholder made of dashes (`-`, `--`) are left alone: Excel does not
//! run them, and quoting them would change how the values look.

use std::borrow::Cow;

use encoding_rs::{EncoderResult, SHIFT_JIS};

/// What replaces a character CP932 cannot hold: 〓 (GETA MARK), the
/// conventional Japanese mark for a missing glyph, which CP932 holds.
pub const CP932_REPLACEMENT: char = '〓';

/// The cell as Excel should receive it: unchanged, or with a leading `'`
/// when Excel would otherwise run it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// True when Excel would read the cell as a formula.
pub fn is_formula(cell: &str) -> bool {
    let Some(first) = cell.chars().next() else {
        return false;
    };
    matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r')
        && !is_plain_number(cell)
        && !is_dash_placeholder(cell)
}

/// A signed decimal number, optionally with thousands separators and a
/// trailing `%`: `-1`, `+3.5`, `-1,000`, `-.5`, `-5%`.
fn is_plain_number(cell: &str) -> bool {
    let s = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let s = s.strip_suffix('%').unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    if int.is_empty() {
        return frac.is_some();
    }
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or_default();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !digits(first) {
        return false;
    }
    if int.contains(',') {
        first.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g))
    } else {
        true
    }
}

/// Only dashes: the placeholders forms use for "nothing" (`-`, `--`, `-―`).
fn is_dash_placeholder(cell: &str) -> bool {
    cell.chars()
        .all(|c| matches!(c, '-' | '‐' | '‑' | '–' | '—' | '―' | '−' | '－'))
}

/// What a character CP932 cannot hold is written as: the character
/// Windows uses for the same JIS code (— → ―, ‖ → ∥, ¢ → ￠…), a look-alike
/// that keeps a form's meaning, a space for a no-break space, else
/// [`CP932_REPLACEMENT`].
///
/// The three check-box marks stay three: ☐ (unchecked) → □, ☑ (checked)
/// → ■, ⬚ (a box whose state the source does not give) → ◇, a mark forms
/// do not use for boxes, so that an unknown box is never read as an
/// unchecked one.
pub fn cp932_substitute(c: char) -> char {
    match c {
        '\u{2014}' => '\u{2015}',
        '\u{2016}' => '\u{2225}',
        '\u{2212}' => '\u{FF0D}',
        '\u{301C}' => '\u{FF5E}',
        '\u{00A2}' => '\u{FFE0}',
        '\u{00A3}' => '\u{FFE1}',
        '\u{00AC}' => '\u{FFE2}',
        '\u{00A0}' => ' ',
        '☐' => '□',
        '⬚' => '◇',
        '☑' | '☒' | '🗹' => '■',
        _ => CP932_REPLACEMENT,
    }
}

/// Appends `text` encoded as CP932 (Shift_JIS as Windows writes it) to
/// `out`; every character CP932 cannot hold is written as
/// [`cp932_substitute`] gives it. Returns how many characters were
/// substituted.
pub fn encode_cp932(text: &str, out: &mut Vec<u8>) -> usize {
    // encoding_rs would write an HTML character reference for what it
    // cannot encode; encoding without replacement stops at each such
    // character instead, so it can be substituted and counted.
    let mut replaced = 0;
    let mut rest = text;
    let mut buf = [0u8; 4];
    let mut chunk = [0u8; 4096];
    while !rest.is_empty() {
        // Shift_JIS is stateless: a fresh encoder per chunk is exact.
        let mut encoder = SHIFT_JIS.new_encoder();
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut chunk, true);
        out.extend_from_slice(&chunk[..written]);
        rest = &rest[read..];
        if let EncoderResult::Unmappable(ch) = result {
            replaced += 1;
            let (mark, _, bad) = SHIFT_JIS.encode(cp932_substitute(ch).encode_utf8(&mut buf));
            if bad {
                let (mark, _, _) = SHIFT_JIS.encode(CP932_REPLACEMENT.encode_utf8(&mut buf));
                out.extend_from_slice(&mark);
            } else {
                out.extend_from_slice(&mark);
            }
        }
    }
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for cell in [
            "=1+1",
            "=HYPERLINK(\"http://x\")",
            "+81 3 1234",
            "-1-2",
            "-A1",
            "- 項目",
            "-1,00",
            "-1.",
            "--1",
            "+",
            "@SUM(A1)",
            "@home",
            "\t=1",
            "\r=1",
            "-‐x",
            "=",
            "+-",
            "-1e5",
        ] {
            assert!(is_formula(cell), "{cell:?} should be neutralised");
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
    }

    #[test]
    fn numbers_placeholders_and_text_are_kept() {
        for cell in [
            "",
            "-",
            "--",
            "---",
            "-―",
            "—",
            "-1",
            "+1",
            "-0",
            "+3.5",
            "-.5",
            "-1,000",
            "-12,345,678.25",
            "-5%",
            "1",
            "川崎市",
            "a=b",
            " =1",
            "'=1",
            "１０万人以上",
            "－",
        ] {
            assert!(!is_formula(cell), "{cell:?} should be kept");
            assert_eq!(neutralise(cell), cell);
        }
    }

    #[test]
    fn cp932_round_trip_counts_replacements() {
        let text = "川崎市長 ① ㈱ 髙橋 ～ 𠮷野家 🍣 ☐ 無 ☑ 有 ⬚ 不明 — end";
        let mut out = Vec::new();
        assert_eq!(encode_cp932(text, &mut out), 6);
        let (back, _, errors) = SHIFT_JIS.decode(&out);
        assert!(!errors);
        assert_eq!(
            back,
            "川崎市長 ① ㈱ 髙橋 ～ 〓野家 〓 □ 無 ■ 有 ◇ 不明 ― end"
        );
        // Unchecked, checked and unknown boxes stay three marks.
        let marks: Vec<char> = ['☐', '☑', '⬚'].map(cp932_substitute).to_vec();
        assert_eq!(marks, ['□', '■', '◇']);
        // Every substitute is itself writable.
        for c in [
            '\u{2014}', '\u{2016}', '\u{2212}', '\u{301C}', '¢', '£', '¬', '\u{a0}', '☐', '⬚', '☑',
            '☒', '🗹', '𠮷',
        ] {
            let mut out = Vec::new();
            encode_cp932(&c.to_string(), &mut out);
            assert_eq!(
                SHIFT_JIS.decode(&out).0,
                cp932_substitute(c).to_string(),
                "{c}"
            );
        }

        let mut out = Vec::new();
        assert_eq!(encode_cp932("評価書, ①", &mut out), 0);
        assert_eq!(SHIFT_JIS.decode(&out).0, "評価書, ①");
    }
}
