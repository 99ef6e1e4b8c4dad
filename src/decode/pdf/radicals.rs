//! CJK radicals read back as the kanji they stand for.
//!
//! Japanese fonts often draw a kanji and its radical code point with one
//! glyph, and a PDF writer building a ToUnicode map from such a font may
//! name the radical (`⻑` U+2ED1 for `長`, `⼾` U+2F3E for `戸`). NFKC does
//! not undo this (it leaves the CJK Radicals Supplement alone and folds
//! `⼾` to `戶`, not the Japanese `戸`), so the map is
//! [`RADICALS`](radicals_data), generated from the Unicode data by
//! `scripts/gen-radicals.py`. A radical standing alone (`部首「⺠」`) is
//! meant as a radical and kept: only radicals written next to kanji, kana
//! or other radicals are mapped.

#[path = "radicals_data.rs"]
mod radicals_data;

use radicals_data::RADICALS;

/// `‧` (hyphenation point) is what the same fonts' maps give for the
/// middle dot `・` of Japanese lists.
const LOOK_ALIKES: [(char, char); 1] = [('\u{2027}', '\u{30FB}')];

fn radical(c: char) -> Option<char> {
    RADICALS
        .binary_search_by(|(r, _)| r.cmp(&c))
        .ok()
        .map(|i| RADICALS[i].1)
}

/// Kanji, kana, the iteration mark and radicals: what a mapped radical
/// stands among.
fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{2E80}'..='\u{2FDF}')
}

/// The text with its radicals and look-alikes mapped, how many were, and
/// the first mapping made; `None` when nothing changed (the common case
/// costs one scan).
pub fn map(text: &str) -> Option<(String, u32, (char, char))> {
    let needs = |c: char| ('\u{2E80}'..='\u{2FDF}').contains(&c) || c == '\u{2027}';
    if !text.chars().any(needs) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut first = None;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let among = prev.is_some_and(is_japanese) || next.is_some_and(is_japanese);
        let mapped = if let Some(&(_, to)) = LOOK_ALIKES.iter().find(|(from, _)| *from == c) {
            Some(to)
        } else if among {
            radical(c)
        } else {
            None
        };
        match mapped {
            Some(to) => {
                out.push(to);
                count += 1;
                first.get_or_insert((c, to));
            }
            None => out.push(c),
        }
    }
    first.map(|pair| (out, count, pair))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_among_kanji_become_kanji() {
        let text = |s: &str| map(s).map(|(t, n, _)| (t, n));
        assert_eq!(text("川崎市⻑"), Some(("川崎市長".into(), 1)));
        assert_eq!(text("住⺠基本台帳"), Some(("住民基本台帳".into(), 1)));
        assert_eq!(text("松⼾市"), Some(("松戸市".into(), 1)));
        assert_eq!(text("⻭周疾患"), Some(("歯周疾患".into(), 1)));
        assert_eq!(text("⼈⼝"), Some(("人口".into(), 2)));
        assert_eq!(text("・国税‧地方税"), Some(("・国税・地方税".into(), 1)));
        assert_eq!(map("松⼾市").map(|(_, _, p)| p), Some(('⼾', '戸')));
    }

    #[test]
    fn radicals_standing_alone_and_plain_text_are_kept() {
        assert_eq!(map("部首「⺠」"), None);
        assert_eq!(map("⼈ (radical)"), None);
        assert_eq!(map("川崎市長"), None);
    }

    #[test]
    fn the_table_is_sorted_and_maps_to_ideographs() {
        assert!(RADICALS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            RADICALS
                .iter()
                .all(|(_, k)| ('\u{3400}'..='\u{9FFF}').contains(k)
                    || ('\u{20000}'..='\u{3FFFF}').contains(k))
        );
    }
}
