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
    if !kana_run.is_empty() {
        out.extend(kana_run.nfkc());
    }
    out
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
    let Some(first) = s.find(|c: char| !c.is_ascii() && (folds(c) || unify_dash(c) != c)) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    out.extend(fold_width(&s[first..]).chars().map(unify_dash));
    Cow::Owned(out)
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
    let mut out = String::with_capacity(s.len());
    for line in s.split(['\n', '\r', '\u{2028}', '\u{2029}']) {
        let mut pending_space = false;
        let start = out.len();
        // Characters that stay are copied a run at a time, not one by one.
        let mut run: Option<usize> = None;
        for (i, c) in line.char_indices() {
            let space = is_space(c);
            if space || is_zero_width(c) {
                if let Some(r) = run.take() {
                    out.push_str(&line[r..i]);
                }
                if space {
                    pending_space = out.len() > start;
                }
            } else if run.is_none() {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                run = Some(i);
            }
        }
        if let Some(r) = run {
            out.push_str(&line[r..]);
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

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{0B}' | '\u{0C}' | '\u{a0}' | '\u{3000}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{1680}'
    )
}

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\0'
    )
}

/// The characters a checkbox [`mark_checkboxes`] rewrites can start with.
pub(super) const CHECKBOX_STARTS: [char; 8] = ['[', '(', '☑', '☐', '□', '■', '☒', '⬚'];

/// Turns the many ways a checkbox is printed into one mark followed by a
/// space: [`CHECKED`] for `[○]`, `[ ○ ]`, `[☑]`, `(○)`, `☑`, `■`, `☒`;
/// [`UNCHECKED`] for `[]`, `[ ]`, `☐`, `□`; [`UNKNOWN_BOX`] for an input
/// whose state was not written (already marked by `strip_tags`). Runs after
/// width folding, so `［　］` and `（○）` are covered.
///
/// ```
/// use hyokasho::normalize::mark_checkboxes;
/// assert_eq!(mark_checkboxes("[ ○ ] 専用線 [ ] 紙 (○)接続しない"), "☑ 専用線 ☐ 紙 ☑ 接続しない");
/// ```
pub fn mark_checkboxes(s: &str) -> String {
    if !s.contains(CHECKBOX_STARTS) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let (mark, len) = match c {
            '[' | '(' => bracket_box(&chars[i..]).unwrap_or((None, 0)),
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

/// Reads a bracketed checkbox at the start of `chars`: `[` or `(`, spaces,
/// at most one mark character, spaces, the closing bracket. `(` only with a
/// tick inside, since `()` is an empty "その他 ()" field, not a box.
fn bracket_box(chars: &[char]) -> Option<(Option<char>, usize)> {
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
        None => return None,
    };
    Some((Some(mark), i + 1))
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
