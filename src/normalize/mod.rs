//! Japanese text normalisation: small rules applied in a fixed order.
//!
//! [`normalize_text`] is what every cell goes through before segmentation:
//!
//! 1. [`strip_tags`]: HTML tags removed, block tags as line breaks,
//!    checkbox inputs as marks;
//! 2. [`decode_entities`]: `&lt;選択肢&gt;` → `<選択肢>`;
//! 3. [`fold_width`]: full-width ASCII → ASCII, half-width kana → full
//!    width, Kangxi radicals → ideographs;
//! 4. [`unify_dashes`]: `—`/`―` → `—`, hyphen and minus look-alikes → `-`,
//!    wave dashes → `～`;
//! 5. [`mark_checkboxes`]: every printed checkbox → [`CHECKED`],
//!    [`UNCHECKED`] or [`UNKNOWN_BOX`];
//! 6. [`collapse_spaces`]: one space between words, lines trimmed, blank
//!    lines dropped.
//!
//! Dates are not rewritten inside text; extractors read them with
//! [`parse_date`] / [`find_dates`] and write ISO dates in their own
//! columns. Placeholders are kept in the text and read as empty by
//! [`value`] where a value is expected.

use std::borrow::Cow;

mod chars;
mod date;
mod html;
mod number;

pub use chars::{LONG_DASH, WAVE_DASH, collapse_spaces, fold_width, mark_checkboxes, unify_dashes};
pub use date::{Date, find_dates, iso_if_only_date, parse_date};
pub use html::{decode_entities, strip_tags, table_row_cells};
pub use number::{page_range, whole_number};

/// A ticked checkbox (`[○]`, `<input checked …>`, `☑`).
pub const CHECKED: char = '☑';
/// An empty checkbox (`[ ]`, `□`).
pub const UNCHECKED: char = '☐';
/// A checkbox whose state the source does not say (`<input
/// type="checkbox"/>` without `checked`): neither ticked nor empty.
pub const UNKNOWN_BOX: char = '⬚';

/// Applies every rule, in order, to one cell.
///
/// ```
/// use hyokasho::normalize::normalize_text;
/// assert_eq!(
///     normalize_text("<p>[ 十分である ]</p> <p>&lt;選択肢&gt;\u{3000}１）特に</p>"),
///     "[ 十分である ]\n<選択肢> 1)特に"
/// );
/// ```
pub fn normalize_text(s: &str) -> String {
    let has = |b: u8| memchr::memchr(b, s.as_bytes()).is_some();
    // Plain ASCII with single spaces and no control characters: only the
    // ends can change. (Line breaks, tabs and the other controls are left
    // to collapse_spaces, which rewrites them.)
    if s.is_ascii()
        && !s
            .bytes()
            .any(|b| b < 0x20 || matches!(b, b'<' | b'&' | b'[' | b'('))
        && !s.contains("  ")
    {
        return s.trim().to_string();
    }
    // Each rule is skipped, borrowing the cell, when it has nothing to do:
    // copying every cell five times showed in profiles.
    let s = if has(b'<') {
        Cow::Owned(strip_tags(s))
    } else {
        Cow::Borrowed(s)
    };
    let s = if has(b'&') {
        Cow::Owned(decode_entities(&s))
    } else {
        s
    };
    let s = match chars::fold_and_unify(&s) {
        Cow::Owned(folded) => Cow::Owned(folded),
        Cow::Borrowed(_) => s,
    };
    let s = if chars::may_hold_checkbox(&s) {
        Cow::Owned(mark_checkboxes(&s))
    } else {
        s
    };
    collapse_spaces(&s)
}

/// True when a normalised value means "nothing was written": empty, a
/// dash (`—`, `-`, `ー`), `(記載なし)`, `(略)`, `なし` in brackets.
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    matches!(
        t,
        "" | "—" | "-" | "ー" | "--" | "——" | "(記載なし)" | "(略)" | "記載なし" | "略" | "()"
    )
}

/// A normalised value, or `None` when the cell is a placeholder.
pub fn value(s: &str) -> Option<String> {
    let v = normalize_text(s);
    (!is_placeholder(&v)).then_some(v)
}

/// The already-normalised text, or `None` when it is a placeholder.
pub fn non_placeholder(s: &str) -> Option<&str> {
    let t = s.trim();
    (!is_placeholder(t)).then_some(t)
}

/// True for a correction-table cell saying the text is unchanged from the
/// column before (`変更なし`, `（変更なし）`).
pub fn is_unchanged(s: &str) -> bool {
    let t: String = fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '「' | '」'))
        .collect();
    t == "変更なし"
}

/// The text with every white-space character removed: for comparing
/// labels and titles whatever the spacing.
pub fn compact(s: &str) -> String {
    if !chars::may_hold_space(s) {
        return s.to_string();
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The number of a circled digit (`①` → 1 … `⑳` → 20, `㉑`–`㊿`).
pub fn circled_number(c: char) -> Option<u32> {
    match c {
        '①'..='⑳' => Some(c as u32 - '①' as u32 + 1),
        '㉑'..='㉟' => Some(c as u32 - '㉑' as u32 + 21),
        '㊱'..='㊿' => Some(c as u32 - '㊱' as u32 + 36),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_cells_get_every_rule_too() {
        // Line breaks, tabs and other controls next to spaces are collapsed
        // like any other text, however plain the cell.
        assert_eq!(normalize_text("a \nb"), "a\nb");
        assert_eq!(normalize_text(" a\r\n\r\nb "), "a\nb");
        assert_eq!(normalize_text("a\u{0B}b\u{0}c"), "a bc");
        assert_eq!(normalize_text(" plain text "), "plain text");
    }

    #[test]
    fn compact_removes_every_white_space_character() {
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let s = format!("評{c}価");
            let expected: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(compact(&s), expected, "{c:?}");
        }
    }

    #[test]
    fn cells_from_the_seeds() {
        assert_eq!(
            normalize_text(
                "[] 情報提供ネットワークシステム [<input checked=\"checked\" type=\"checkbox\"/>] 庁内連携システム [] その他 ()"
            ),
            "☐ 情報提供ネットワークシステム ☑ 庁内連携システム ☐ その他 ()"
        );
        assert_eq!(
            normalize_text(
                "[ 再委託する ] <span style=\"float:right\">&lt;選択肢&gt; 1) 再委託する 2) 再委託しない</span>"
            ),
            "[ 再委託する ] <選択肢> 1) 再委託する 2) 再委託しない"
        );
        assert_eq!(
            normalize_text("修正等を要する部分とその内容（後期高齢者医療事務）"),
            "修正等を要する部分とその内容(後期高齢者医療事務)"
        );
        assert_eq!(
            normalize_text(
                "<ul style=\"list-style-type: none\"> <li>[ <input type=\"radio\"/> ] 本人又は本人の代理人</li> <li>[ <input checked=\"\" type=\"radio\"/> ] 評価実施機関内の他部署 ( 市民課 )</li></ul>"
            ),
            "⬚ 本人又は本人の代理人\n☑ 評価実施機関内の他部署 ( 市民課 )"
        );
    }

    #[test]
    fn shift_jis_and_utf8_renderings_agree() {
        // CP932 decoders return U+2015 and U+301C where the seed had U+2014
        // and U+FF5E; NBSP becomes a space.
        assert_eq!(normalize_text("—\u{a0}2～5"), normalize_text("― 2〜5"));
    }

    #[test]
    fn placeholders() {
        for p in ["", "—", "―", "-", "ー", "(記載なし)", "（略）", " － "] {
            assert!(value(p).is_none(), "{p:?}");
        }
        assert_eq!(value(" 川崎市 ").as_deref(), Some("川崎市"));
        assert!(is_unchanged("（変更なし）"));
        assert!(!is_unchanged("変更あり"));
    }

    #[test]
    fn circled_numbers() {
        assert_eq!(circled_number('①'), Some(1));
        assert_eq!(circled_number('⑩'), Some(10));
        assert_eq!(circled_number('㉑'), Some(21));
        assert_eq!(circled_number('1'), None);
    }
}
