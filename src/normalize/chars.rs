//! Character-level rules: widths, dashes, spaces and checkbox marks.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use super::{CHECKED, UNCHECKED, UNKNOWN_BOX};

/// The wave dash kept for every wave-dash look-alike (`〜` U+301C, `∼`
/// U+223C): the full-width tilde U+FF5E, the character CP932 writers
/// produce and the one the official forms print (`委託事項2～5`).
pub const WAVE_DASH: char = '～';

/// The long dash kept for every dash look-alike used as a rule or
/// placeholder (`―` U+2015, which Shift_JIS decoders return for U+2014).
pub const LONG_DASH: char = '—';

/// Folds character widths the way Japanese documents are compared:
///
/// - full-width ASCII (`Ａ１（`) → ASCII (`A1(`), except `～` which stays
///   (see [`WAVE_DASH`]);
/// - half-width katakana (`ｶﾞｲﾄﾞ`) → full-width (`ガイド`), voiced marks
///   composed;
/// - Kangxi radicals and CJK radical supplements that some PDF fonts map
///   glyphs to (`⼀` U+2F00) → the unified ideograph (`一`);
/// - the ideographic space U+3000 → a space.
///
/// Circled digits (`①`), Roman numerals (`Ⅲ`), `㈱` and compatibility
/// ideographs are left alone: they carry meaning a blanket NFKC would lose.
///
/// ```
/// use hyokasho::normalize::fold_width;
/// assert_eq!(fold_width("（Ａ１）ｶﾞｲﾄﾞ①Ⅲ"), "(A1)ガイド①Ⅲ");
/// ```
pub fn fold_width(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut kana_run = String::new();
    for c in s.chars() {
        if is_halfwidth_kana(c) {
            kana_run.push(c);
            continue;
        }
        if !kana_run.is_empty() {
            out.extend(kana_run.nfkc());
            kana_run.clear();
        }
        push_folded(&mut out, c);
    }
    if !kana_run.is_empty() {
        out.extend(kana_run.nfkc());
    }
    out
}

/// Pushes one character as [`fold_width`] folds it, half-width kana aside
/// (they compose with the next character, so they are folded as runs).
fn push_folded(out: &mut String, c: char) {
    match c {
        '\u{FF5E}' => out.push(c),
        '\u{FF01}'..='\u{FF5D}' => {
            out.push(char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c));
        }
        '\u{3000}' => out.push(' '),
        '\u{FFE0}' => out.push('¢'),
        '\u{FFE1}' => out.push('£'),
        '\u{FFE5}' => out.push('¥'),
        '\u{2F00}'..='\u{2FDF}' | '\u{2E80}'..='\u{2EFF}' => out.extend(c.nfkc()),
        _ => out.push(c),
    }
}

/// Half-width katakana and punctuation (U+FF61–U+FF9F).
fn is_halfwidth_kana(c: char) -> bool {
    ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// Unifies dashes: the long dashes `—` `―` `─` (U+2014, U+2015, U+2500)
/// become [`LONG_DASH`]; hyphens and minus signs (`‐` `‑` `‒` `–` `−` `﹣`)
/// become ASCII `-`; wave dashes (`〜` `∼`) become [`WAVE_DASH`]. The
/// katakana long vowel `ー` is a letter and is kept.
///
/// ```
/// use hyokasho::normalize::unify_dashes;
/// assert_eq!(unify_dashes("―|‑|〜|ー"), "—|-|～|ー");
/// ```
pub fn unify_dashes(s: &str) -> String {
    s.chars().map(unify_dash).collect()
}

fn unify_dash(c: char) -> char {
    match c {
        '\u{2014}' | '\u{2015}' | '\u{2500}' => LONG_DASH,
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' | '\u{FE63}' => '-',
        '\u{301C}' | '\u{223C}' => WAVE_DASH,
        _ => c,
    }
}

/// [`fold_width`] then [`unify_dashes`] in one pass, borrowing `s` when
/// neither would change it (most cells): every cell of every document goes
/// through here, and two fresh strings per cell showed in profiles.
pub(super) fn fold_and_unify(s: &str) -> Cow<'_, str> {
    let Some(first) = next_changed(s) else {
        return Cow::Borrowed(s);
    };
    // One pass: unchanged text is copied a run at a time, each changed
    // character (or run of half-width kana, composed together) mapped.
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut at = first;
    loop {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(c) = rest.chars().next() else { break };
        if is_halfwidth_kana(c) {
            let end = rest
                .char_indices()
                .find(|&(_, k)| !is_halfwidth_kana(k))
                .map_or(rest.len(), |(i, _)| i);
            out.extend(rest[..end].nfkc().map(unify_dash));
            rest = &rest[end..];
        } else {
            // What `fold_width` makes of a character is never a dash.
            if folds(c) {
                push_folded(&mut out, c);
            } else {
                out.push(unify_dash(c));
            }
            rest = &rest[c.len_utf8()..];
        }
        match next_changed(rest) {
            Some(next) => at = next,
            None => {
                out.push_str(rest);
                break;
            }
        }
    }
    Cow::Owned(out)
}

/// The byte offset of the first character [`fold_width`] or
/// [`unify_dash`] changes. All of them are in U+2000–U+2FFF (lead byte
/// 0xE2), U+F000–U+FFFF (0xEF), or are U+3000 and U+301C (E3 80 80,
/// E3 80 9C): blocks of text without those bytes are skipped unread, and
/// only the candidates in the others are decoded.
fn next_changed(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    loop {
        let lo = next_flagged(b, from, |c, p1, p2| {
            (c == 0xE2) | (c == 0xEF) | ((p2 == 0xE3) & (p1 == 0x80) & ((c == 0x80) | (c == 0x9C)))
        })?;
        let hi = (lo + BLOCK).min(b.len());
        // A flagged E3 80 80 has its lead byte two bytes back.
        for i in lo.saturating_sub(2)..hi {
            if matches!(b[i], 0xE2 | 0xE3 | 0xEF) {
                let c = s[i..].chars().next()?;
                if folds(c) || unify_dash(c) != c {
                    return Some(i);
                }
            }
        }
        from = hi;
    }
}

/// The size of the blocks [`next_flagged`] checks at once.
const BLOCK: usize = 32;

/// Where to look from for the first byte, from `from` on, that `flag`
/// marks: its own position among the first two bytes, else the start of
/// the first block of [`BLOCK`] bytes that holds one. `flag` sees each byte
/// with the two before it (zero before the start). Blocks are checked with
/// a loop the compiler vectorises, so clean text costs a fraction of a step
/// per byte.
fn next_flagged(b: &[u8], from: usize, flag: impl Fn(u8, u8, u8) -> bool) -> Option<usize> {
    let at = |k: usize| {
        flag(
            b[k],
            if k >= 1 { b[k - 1] } else { 0 },
            if k >= 2 { b[k - 2] } else { 0 },
        )
    };
    let mut lo = from;
    // The first two bytes have fewer than two before them.
    while lo < b.len().min(2) {
        if at(lo) {
            return Some(lo);
        }
        lo += 1;
    }
    while lo < b.len() {
        let hi = (lo + BLOCK).min(b.len());
        let mut any = 0u8;
        for ((&c, &p1), &p2) in b[lo..hi]
            .iter()
            .zip(&b[lo - 1..hi - 1])
            .zip(&b[lo - 2..hi - 2])
        {
            any |= u8::from(flag(c, p1, p2));
        }
        if any != 0 {
            return Some(lo);
        }
        lo = hi;
    }
    None
}

/// True for the characters [`fold_width`] replaces.
fn folds(c: char) -> bool {
    matches!(
        c,
        '\u{FF01}'..='\u{FF5D}'
            | '\u{FF61}'..='\u{FF9F}'
            | '\u{3000}'
            | '\u{FFE0}'
            | '\u{FFE1}'
            | '\u{FFE5}'
            | '\u{2F00}'..='\u{2FDF}'
            | '\u{2E80}'..='\u{2EFF}'
    )
}

/// Collapses white space line by line: tabs, NBSP, the ideographic space
/// and other Unicode spaces become one space, runs of spaces collapse,
/// lines are trimmed, blank lines dropped, and zero-width characters
/// removed. Line breaks between non-blank lines are kept (`\n`).
///
/// ```
/// use hyokasho::normalize::collapse_spaces;
/// assert_eq!(collapse_spaces("  a\u{3000}\u{a0} b \n\n\tc\r\n"), "a b\nc");
/// ```
pub fn collapse_spaces(s: &str) -> String {
    // Works on bytes: every cell of every document passes here, and the
    // characters it acts on are few and easy to spot by their UTF-8 lead
    // byte, so the scan steps a character at a time without decoding.
    let bytes = s.as_bytes();
    // Most cells: nothing to act on at all.
    let Some(first) = next_flagged(bytes, 0, may_collapse) else {
        return s.to_string();
    };
    let mut out = String::with_capacity(s.len());
    let mut line_start = 0;
    let mut pending_space = false;
    // Kept text is copied a run at a time, from `run` to the next space.
    // Everything before the first byte to act on is kept text: start at
    // the character that byte belongs to.
    let mut i = first;
    while i > 0 && (bytes[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    let mut run: Option<usize> = (i > 0).then_some(0);
    // The bytes before this are known to hold nothing to act on.
    let mut checked_to = first + BLOCK;
    while i < bytes.len() {
        let (kind, len) = classify(bytes, i);
        if kind == Kind::Kept {
            if run.is_none() {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                run = Some(i);
            }
            i += len;
            // Skip to the next byte that may need acting on.
            if i >= checked_to {
                match next_flagged(bytes, i, may_collapse) {
                    Some(lo) => {
                        checked_to = lo + BLOCK;
                        // Back to the start of the character `lo` is in.
                        i = lo;
                        while i > 0 && (bytes[i] & 0xC0) == 0x80 {
                            i -= 1;
                        }
                    }
                    None => i = bytes.len(),
                }
            }
            continue;
        } else {
            if let Some(r) = run.take() {
                out.push_str(&s[r..i]);
            }
            match kind {
                Kind::Space => pending_space = out.len() > line_start,
                Kind::Break => {
                    if out.len() > line_start {
                        out.push('\n');
                    }
                    line_start = out.len();
                    pending_space = false;
                }
                Kind::ZeroWidth | Kind::Kept => {}
            }
        }
        i += len;
    }
    if let Some(r) = run {
        out.push_str(&s[r..]);
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Whether a byte (with the two before it) may belong to a character
/// [`collapse_spaces`] acts on: C0 controls and the space, the lead bytes
/// 0xC2 (NBSP), 0xE1 (U+1680), 0xE2 (U+2000–U+206F) and 0xEF (U+FEFF),
/// and the last byte of U+3000 (E3 80 80).
fn may_collapse(c: u8, p1: u8, p2: u8) -> bool {
    (c <= 0x20)
        | (c == 0xC2)
        | (c == 0xE1)
        | (c == 0xE2)
        | (c == 0xEF)
        | ((p2 == 0xE3) & (p1 == 0x80) & (c == 0x80))
}

/// Whether `s` may hold a white-space character (`char::is_whitespace`):
/// every one of them is among the bytes [`may_collapse`] marks, so the
/// same vectorised scan spares decoding text without any.
pub(super) fn may_hold_space(s: &str) -> bool {
    next_flagged(s.as_bytes(), 0, may_collapse).is_some()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Kept,
    Space,
    ZeroWidth,
    Break,
}

/// What the character at byte `i` is, and its length in bytes: a line
/// break (LF, CR, U+2028, U+2029), a space (tab, VT, FF, NBSP, U+1680,
/// U+2000–U+200A, U+202F, U+205F, U+3000), a zero-width character (NUL,
/// U+200B–U+200D, U+2060, U+FEFF), or kept text. `i` is always at the
/// start of a character, since the scan steps a whole character at a time.
fn classify(b: &[u8], i: usize) -> (Kind, usize) {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    let lead = b[i];
    let kind = match lead {
        b'\n' | b'\r' => Kind::Break,
        b' ' | b'\t' | 0x0B | 0x0C => Kind::Space,
        0 => Kind::ZeroWidth,
        0xC2 if at(1) == 0xA0 => Kind::Space,
        0xE1 if at(1) == 0x9A && at(2) == 0x80 => Kind::Space,
        0xE2 => match (at(1), at(2)) {
            (0x80, 0x80..=0x8A) | (0x80, 0xAF) | (0x81, 0x9F) => Kind::Space,
            (0x80, 0x8B..=0x8D) | (0x81, 0xA0) => Kind::ZeroWidth,
            (0x80, 0xA8 | 0xA9) => Kind::Break,
            _ => Kind::Kept,
        },
        0xE3 if at(1) == 0x80 && at(2) == 0x80 => Kind::Space,
        0xEF if at(1) == 0xBB && at(2) == 0xBF => Kind::ZeroWidth,
        _ => Kind::Kept,
    };
    let len = match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    };
    (kind, len)
}

#[cfg(test)]
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{0B}' | '\u{0C}' | '\u{a0}' | '\u{3000}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{1680}'
    )
}

#[cfg(test)]
fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\0'
    )
}

/// The characters a checkbox [`mark_checkboxes`] rewrites can start with.
pub(super) const CHECKBOX_STARTS: [char; 8] = ['[', '(', '☑', '☐', '□', '■', '☒', '⬚'];

/// Whether `s` holds one of [`CHECKBOX_STARTS`]: a byte scan first,
/// since the boxes (U+2xxx) all have the lead byte 0xE2.
pub(super) fn may_hold_checkbox(s: &str) -> bool {
    memchr::memchr3(b'[', b'(', 0xE2, s.as_bytes()).is_some() && s.contains(CHECKBOX_STARTS)
}

/// Turns the many ways a checkbox is printed into one mark followed by a
/// space: [`CHECKED`] for `[○]`, `[ ○ ]`, `[☑]`, `(○)`, `☑`, `■`, `☒`;
/// [`UNCHECKED`] for `[]`, `[ ]`, `☐`, `□`; [`UNKNOWN_BOX`] for an input
/// whose state was not written (already marked by `strip_tags`). Runs after
/// width folding, so `［　］` and `（○）` are covered.
///
/// ```
/// use hyokasho::normalize::mark_checkboxes;
/// assert_eq!(mark_checkboxes("[ ○ ] 専用線 [ ] 紙 (○)接続しない"), "☑ 専用線 ☐ 紙 ☑ 接続しない");
/// // In a list of parenthesised boxes, `( )` before an option is one too.
/// assert_eq!(mark_checkboxes("( ) 紙 (○) 専用線 ( ) その他 ( )"), "☐ 紙 ☑ 専用線 ☐ その他 ( )");
/// ```
pub fn mark_checkboxes(s: &str) -> String {
    if !may_hold_checkbox(s) {
        return s.to_string();
    }
    let paren_boxes = has_paren_tick(s);
    // Byte offsets into `s`, and text between marks copied a run at a time:
    // brackets are common in the forms' text, boxes much rarer.
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    // Only `[`, `(` and U+2000–U+2FFF (lead byte 0xE2, the boxes) can
    // start a checkbox: skip to the next such byte without decoding.
    while let Some(skip) = memchr::memchr3(b'[', b'(', 0xE2, &s.as_bytes()[i..]) {
        i += skip;
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let mark = match c {
            '[' | '(' => bracket_box(&s[i..], paren_boxes),
            '☑' | '■' | '☒' => Some((CHECKED, c.len_utf8())),
            '☐' | '□' => Some((UNCHECKED, c.len_utf8())),
            '⬚' => Some((UNKNOWN_BOX, c.len_utf8())),
            _ => None,
        };
        let Some((m, len)) = mark else {
            i += c.len_utf8();
            continue;
        };
        out.push_str(&s[copied..i]);
        out.push(m);
        // Exactly one space between the mark and its option.
        let rest = s[i + len..].trim_start_matches(' ');
        i = s.len() - rest.len();
        if !rest.is_empty() && !rest.starts_with('\n') {
            out.push(' ');
        }
        copied = i;
    }
    out.push_str(&s[copied..]);
    out
}

/// Whether a cell prints its boxes as parentheses (`(○) 専用線`): then an
/// empty `( )` before an option is an unchecked box of the same list.
fn has_paren_tick(s: &str) -> bool {
    s.match_indices('(')
        .any(|(i, _)| matches!(bracket_box(&s[i..], false), Some((CHECKED, _))))
}

/// Whether an empty `( )` is a box: an option follows it (not the end of a
/// line, nor another box: `その他 ( )` is an empty detail field).
fn option_follows(rest: &str) -> bool {
    rest.trim_start_matches(' ')
        .chars()
        .next()
        .is_some_and(|c| !matches!(c, '\n' | '(' | '[' | '☑' | '■' | '☒' | '☐' | '□' | '⬚'))
}

/// Reads a bracketed checkbox at the start of `s`: `[` or `(`, spaces, at
/// most one mark character, spaces, the closing bracket, at most 13
/// characters in all. `(` only with a tick inside, since `()` is an empty
/// "その他 ()" field, not a box, unless the cell prints its boxes as
/// parentheses (`paren_boxes`) and an option follows. Returns the mark and
/// the bytes read.
fn bracket_box(s: &str, paren_boxes: bool) -> Option<(char, usize)> {
    let mut chars = s.char_indices();
    let (_, open) = chars.next()?;
    let close = if open == '[' { ']' } else { ')' };
    let mut inner = None;
    for (k, (at, c)) in chars.enumerate() {
        if c == close {
            let mark = match inner {
                Some('⬚') => UNKNOWN_BOX,
                Some('☐') | Some('□') => UNCHECKED,
                Some(_) => CHECKED,
                None if close == ']' => UNCHECKED,
                None if paren_boxes && option_follows(&s[at + c.len_utf8()..]) => UNCHECKED,
                None => return None,
            };
            return Some((mark, at + c.len_utf8()));
        }
        // The close may be the 13th character, nothing else may.
        if k + 1 >= 12 {
            return None;
        }
        match c {
            ' ' => {}
            c if inner.is_none() && is_tick(c) => inner = Some(c),
            _ => return None,
        }
    }
    None
}

fn is_tick(c: char) -> bool {
    matches!(
        c,
        '○' | '◯' | '●' | '✓' | '✔' | '☑' | '■' | '☒' | 'レ' | '⬚' | '☐' | '□'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_and_unify_equals_the_two_rules_in_turn() {
        for s in [
            "",
            "ascii only - (1)",
            "委託事項2～5",
            "（Ａ１）ｶﾞｲﾄﾞ①Ⅲ―‑〜ー",
            "前文 ｺﾝﾋﾟｭｰﾀ 後文−１",
            "⼀覧\u{3000}―　￥",
            "変更なし",
        ] {
            let folded = fold_and_unify(s);
            assert_eq!(folded, unify_dashes(&fold_width(s)), "{s:?}");
            assert_eq!(matches!(folded, Cow::Borrowed(_)), folded == s, "{s:?}");
        }
        // Every character of the ranges the byte scan looks at, and their
        // neighbours, between kana and kanji.
        let all: String = ('\u{1F00}'..='\u{3100}')
            .chain('\u{EF00}'..='\u{FFFF}')
            .flat_map(|c| [c, 'あ', c, '漢', 'ｶ'])
            .collect();
        assert_eq!(fold_and_unify(&all), unify_dashes(&fold_width(&all)));
        // The same characters at every offset of the blocks skipped.
        let changed = [
            '\u{3000}', '\u{301C}', '―', 'Ａ', 'ｶ', 'ﾞ', '⼀', '\u{3001}', 'ー',
        ];
        for pad in 0..70 {
            for c in changed {
                let s = format!("{}{}{c}評価{c}", "あ".repeat(pad / 3), "x".repeat(pad % 3));
                let folded = fold_and_unify(&s);
                assert_eq!(folded, unify_dashes(&fold_width(&s)), "{s:?}");
                assert_eq!(
                    matches!(folded, Cow::Borrowed(_)),
                    folded == s.as_str(),
                    "{s:?}"
                );
            }
        }
    }

    /// The rule as first written, on characters: the byte scan must agree.
    fn collapse_by_chars(s: &str) -> String {
        let mut out = String::new();
        for line in s.split(['\n', '\r', '\u{2028}', '\u{2029}']) {
            let mut pending_space = false;
            let start = out.len();
            for c in line.chars() {
                if is_space(c) {
                    pending_space = out.len() > start;
                } else if !is_zero_width(c) {
                    if pending_space {
                        out.push(' ');
                        pending_space = false;
                    }
                    out.push(c);
                }
            }
            if out.len() > start {
                out.push('\n');
            }
        }
        if out.ends_with('\n') {
            out.pop();
        }
        out
    }

    /// The rule as first written, on a vector of characters.
    fn mark_by_chars(s: &str) -> String {
        if !s.contains(CHECKBOX_STARTS) {
            return s.to_string();
        }
        let paren_boxes = has_paren_tick(s);
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let (mark, len) = match c {
                '[' | '(' => bracket_box_chars(&chars[i..], paren_boxes).unwrap_or((None, 0)),
                '☑' | '■' | '☒' => (Some(CHECKED), 1),
                '☐' | '□' => (Some(UNCHECKED), 1),
                '⬚' => (Some(UNKNOWN_BOX), 1),
                _ => (None, 0),
            };
            match mark {
                Some(m) => {
                    out.push(m);
                    i += len;
                    // Exactly one space between the mark and its option.
                    while i < chars.len() && chars[i] == ' ' {
                        i += 1;
                    }
                    if i < chars.len() && chars[i] != '\n' {
                        out.push(' ');
                    }
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }

    fn bracket_box_chars(chars: &[char], paren_boxes: bool) -> Option<(Option<char>, usize)> {
        let close = if chars[0] == '[' { ']' } else { ')' };
        let mut i = 1;
        let mut inner = None;
        while i < chars.len() && i < 12 {
            match chars[i] {
                ' ' => {}
                c if c == close => break,
                c if inner.is_none() && is_tick(c) => inner = Some(c),
                _ => return None,
            }
            i += 1;
        }
        if chars.get(i) != Some(&close) {
            return None;
        }
        let mark = match inner {
            Some('⬚') => UNKNOWN_BOX,
            Some('☐') | Some('□') => UNCHECKED,
            Some(_) => CHECKED,
            None if close == ']' => UNCHECKED,
            None if paren_boxes && option_follows(&chars[i + 1..].iter().collect::<String>()) => {
                UNCHECKED
            }
            None => return None,
        };
        Some((Some(mark), i + 1))
    }

    #[test]
    fn mark_checkboxes_by_bytes_agrees_with_characters() {
        let pieces = [
            "[",
            "]",
            "(",
            ")",
            " ",
            "\n",
            "○",
            "◯",
            "●",
            "レ",
            "☑",
            "■",
            "☒",
            "☐",
            "□",
            "⬚",
            "評価",
            "a",
            "その他",
            "  ",
            "（",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20000 {
            let mut s = String::from("[");
            for _ in 0..(seed % 16) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            assert_eq!(mark_checkboxes(&s), mark_by_chars(&s), "{s:?}");
            assert_eq!(mark_checkboxes(&s[1..]), mark_by_chars(&s[1..]), "{s:?}");
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
        }
        // Boxes near the length limit, with and without a tick.
        for k in 0..16 {
            for (open, tick, close) in [("[", "", "]"), ("(", "○", ")"), ("[", "レ", "]")] {
                let s = format!(
                    "x{open}{}{tick}{}{close} 紙",
                    " ".repeat(k),
                    " ".repeat(k / 2)
                );
                assert_eq!(mark_checkboxes(&s), mark_by_chars(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn collapse_spaces_byte_scan_agrees_with_characters() {
        // Every character the rule acts on, its neighbours in UTF-8, and
        // ordinary Japanese and ASCII text, in many orders.
        let pieces = [
            " ",
            "\t",
            "\u{0B}",
            "\u{0C}",
            "\u{a0}",
            "\u{3000}",
            "\u{2000}",
            "\u{200A}",
            "\u{202F}",
            "\u{205F}",
            "\u{1680}",
            "\u{200B}",
            "\u{200C}",
            "\u{200D}",
            "\u{2060}",
            "\u{FEFF}",
            "\0",
            "\n",
            "\r",
            "\u{2028}",
            "\u{2029}",
            "\u{2010}",
            "\u{2061}",
            "\u{3001}",
            "\u{A1}",
            "\u{FEFE}",
            "\u{1681}",
            "評価",
            "a",
            "ー",
            "—",
            // Runs of kept text long enough to fill the 32-byte blocks the
            // scan skips, and to shift the rest across block boundaries.
            "特定個人情報ファイルを取り扱う事務",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "か",
            "\u{3000}\u{3000}",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for n in 0..8000 {
            let mut s = String::new();
            let pieces_in = if n % 2 == 0 { seed % 9 } else { seed % 60 };
            for _ in 0..pieces_in {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            assert_eq!(collapse_spaces(&s), collapse_by_chars(&s), "{s:?}");
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
        }
    }

    #[test]
    fn collapse_spaces_around_zero_width_and_breaks() {
        assert_eq!(
            collapse_spaces("\u{200B} a\u{200B}b  c\u{FEFF} \u{2028}\u{3000}d\u{200B}\r\n \n"),
            "ab c\nd"
        );
        assert_eq!(collapse_spaces("x\u{200B} \u{200B}y"), "x y");
    }

    #[test]
    fn full_width_ascii_folds_but_meaningful_forms_stay() {
        assert_eq!(fold_width("ＡＢＣ１２３：（株）"), "ABC123:(株)");
        assert_eq!(fold_width("委託事項２～５"), "委託事項2～5");
        assert_eq!(fold_width("①⑩ⅢⅡ㈱"), "①⑩ⅢⅡ㈱");
        assert_eq!(fold_width("全角　空白"), "全角 空白");
    }

    #[test]
    fn half_width_katakana_widens_with_voiced_marks() {
        assert_eq!(fold_width("ｼｽﾃﾑ ﾃﾞｰﾀ ﾊﾟｽ｡"), "システム データ パス。");
    }

    #[test]
    fn kangxi_radicals_become_ideographs() {
        // pdf.js issue15340: a ToUnicode mapping 一 to the radical ⼀.
        assert_eq!(fold_width("構を⼀つの箱"), "構を一つの箱");
        assert_eq!(fold_width("⼈⽇"), "人日");
    }

    #[test]
    fn dashes_unify_to_three_forms() {
        assert_eq!(unify_dashes("—―─"), "———");
        assert_eq!(unify_dashes("TEL047‐381−9053"), "TEL047-381-9053");
        assert_eq!(unify_dashes("2〜5 2∼5 2～5"), "2～5 2～5 2～5");
        assert_eq!(unify_dashes("サーバー"), "サーバー");
    }

    #[test]
    fn spaces_collapse_and_lines_survive() {
        assert_eq!(collapse_spaces("a\u{200B}b"), "ab");
        assert_eq!(collapse_spaces("\n \n x  y \n"), "x y");
        assert_eq!(collapse_spaces("一\r\n二"), "一\n二");
    }

    #[test]
    fn checkbox_forms_become_marks() {
        assert_eq!(mark_checkboxes("[☑] 庁内連携 [] 税務"), "☑ 庁内連携 ☐ 税務");
        assert_eq!(mark_checkboxes("[○]接続しない(入手)"), "☑ 接続しない(入手)");
        assert_eq!(mark_checkboxes("[ ⬚ ] 本人"), "⬚ 本人");
        assert_eq!(mark_checkboxes("☑紙 □電子メール"), "☑ 紙 ☐ 電子メール");
        // Not boxes: empty parentheses, choice answers, text in brackets.
        assert_eq!(mark_checkboxes("その他 ()"), "その他 ()");
        assert_eq!(mark_checkboxes("[十分である]"), "[十分である]");
        assert_eq!(mark_checkboxes("(中間サーバ)"), "(中間サーバ)");
    }
}
