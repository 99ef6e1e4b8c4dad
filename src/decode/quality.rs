//! A plausibility check of decoded text: is this Japanese?
//!
//! A PDF whose ToUnicode maps are wrong (a re-distilled file whose maps
//! point into the wrong font) decodes without a single error into text
//! like `新型´ンõû¸ン¶等`. Assessments are Japanese prose with some Latin
//! and digits; accented Latin, Latin-1 symbols, U+FFFD, private-use code
//! points, C1 controls and stray combining marks have almost no place in
//! them. A page where such characters make a noticeable share of the text
//! is reported as garbled, so the document cannot pass as a clean `ok`.

use super::Line;
use crate::diag::Warning;

/// Share of a page's characters that must be implausible for it to count
/// as garbled, and the least number of them (a stray `é` is not enough).
const SHARE: f64 = 0.03;
const AT_LEAST: usize = 8;

/// Whether a character has no place in a Japanese assessment's text.
fn implausible(c: char) -> bool {
    match c {
        // Latin-1 signs an assessment may use: × ÷ ° ± § ¥ · © ®.
        '\u{D7}' | '\u{F7}' | '\u{B0}' | '\u{B1}' | '\u{A7}' | '\u{A5}' | '\u{B7}' | '\u{A9}'
        | '\u{AE}' | '\u{A0}' => false,
        '\u{80}'..='\u{24F}' => true,
        '\u{2B0}'..='\u{36F}' => true,
        '\u{FFFD}' => true,
        '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}' => true,
        _ => false,
    }
}

/// A `garbled_text` warning naming the pages (PDF) or lines (text) whose
/// text is implausible, with a sample; `None` for plausible text.
pub fn check(lines: &[Line]) -> Option<Warning> {
    // (page, implausible, total, sample) per page; text input is one "page".
    let mut pages: Vec<(Option<u32>, usize, usize, u32, String)> = Vec::new();
    for line in lines {
        if pages.last().is_none_or(|p| p.0 != line.page) {
            pages.push((line.page, 0, 0, line.line, String::new()));
        }
        let Some(p) = pages.last_mut() else { continue };
        for cell in &line.cells {
            // Runs on every cell of every document: only cells holding a
            // lead byte of an implausible character are looked at closely.
            if !cell
                .bytes()
                .any(|b| matches!(b, 0xC2..=0xCD | 0xEE | 0xEF | 0xF3 | 0xF4))
            {
                p.2 += cell.chars().filter(|c| !c.is_whitespace()).count();
                continue;
            }
            let chars: Vec<char> = cell.chars().filter(|c| !c.is_whitespace()).collect();
            for (i, &c) in chars.iter().enumerate() {
                p.2 += 1;
                if implausible(c) {
                    p.1 += 1;
                    if p.4.is_empty() {
                        let from = i.saturating_sub(4);
                        p.4 = chars[from..(i + 8).min(chars.len())].iter().collect();
                        p.3 = line.line;
                    }
                }
            }
        }
    }
    let bad: Vec<&(Option<u32>, usize, usize, u32, String)> = pages
        .iter()
        .filter(|p| p.1 >= AT_LEAST && p.1 as f64 >= SHARE * p.2 as f64)
        .collect();
    let first = bad.first()?;
    let (count, total) = bad.iter().fold((0, 0), |a, p| (a.0 + p.1, a.1 + p.2));
    let place = match first.0 {
        Some(_) => {
            let list: Vec<String> = bad
                .iter()
                .filter_map(|p| p.0.map(|n| n.to_string()))
                .collect();
            format!("on {} page(s): {}", list.len(), list.join(", "))
        }
        None => "in the text".to_string(),
    };
    Some(
        Warning::new(
            "garbled_text",
            format!(
                "the decoded text is implausible for Japanese {place} ({count} of {total} \
                 characters are symbols, accented Latin, U+FFFD or private use, e.g. {:?}): \
                 the text layer is probably broken",
                first.4
            ),
        )
        .at(first.0, Some(first.3)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u32, text: &str) -> Line {
        Line {
            page: Some(n),
            line: 1,
            cells: vec![text.to_string()],
        }
    }

    #[test]
    fn garbled_pages_are_named() {
        let lines = [
            page(1, "新型コロナウイルス感染症対策に係る予防接種事務 × 3 ± 1°"),
            page(2, "新型´ンõû¸ン¶等の予防接種´õû¸¶事務ÀÁÂÃ"),
        ];
        let w = check(&lines).expect("garbled");
        assert_eq!(w.code, "garbled_text");
        assert_eq!(w.page, Some(2));
        assert!(w.message.contains("1 page(s): 2"), "{}", w.message);
    }

    #[test]
    fn japanese_with_a_few_odd_characters_is_plausible() {
        let lines = [
            page(
                1,
                "Café の名称、①事務の内容 ※ 〒279-8501 浦安市猫実一丁目1番1号",
            ),
            page(2, "〇 特定個人情報ファイル ・ 住民票 [ ○ ] 10万人以上"),
        ];
        assert_eq!(check(&lines), None);
    }
}
