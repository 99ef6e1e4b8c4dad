//! Finding the numbered blocks and items a row sits in, from its path.

use std::sync::LazyLock;

use regex::Regex;

use crate::segment::Row;

/// The block kinds, as their headings start.
const BLOCK_KINDS: [&str; 4] = ["システム", "委託事項", "提供先", "移転先"];

/// A numbered block heading: `システム2`, `委託事項1`, `提供先3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRef {
    pub kind: &'static str,
    pub no: u32,
}

/// Reads a heading text as a single numbered block (ranges such as
/// `委託事項2～5` are placeholders, not blocks).
pub fn parse_block(text: &str) -> Option<BlockRef> {
    let text = text.trim();
    let kind = BLOCK_KINDS.into_iter().find(|k| text.starts_with(k))?;
    let (no, rest) = leading_number(text[kind.len()..].trim_start())?;
    // Nothing after the number, or a colon and one line of title.
    let rest = rest.trim_start();
    let one_line_title = |t: &str| !t.trim_start().contains('\n');
    if !rest.is_empty() && !rest.strip_prefix([':', '：']).is_some_and(one_line_title) {
        return None;
    }
    Some(BlockRef { kind, no })
}

/// The ASCII digits `text` starts with, as a number, and the text after
/// them. None when there are none, when they do not fit a u32, or when a
/// digit of another script follows: `\d` in the patterns these parsers
/// replace would have taken it in, and the number would not have parsed.
fn leading_number(text: &str) -> Option<(u32, &str)> {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.chars().next().is_some_and(is_other_digit) {
        return None;
    }
    Some((text[..text.len() - rest.len()].parse().ok()?, rest))
}

/// A decimal digit (Unicode category Nd) other than 0–9. Full-width digits
/// are folded before this runs; others are too rare to matter but are
/// told apart exactly, by the definition `\d` uses.
fn is_other_digit(c: char) -> bool {
    static DIGIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d$").expect("digit pattern"));
    !c.is_ascii() && c.is_numeric() && DIGIT.is_match(c.encode_utf8(&mut [0; 4]))
}

/// The innermost block of one of `kinds` in the row's path.
pub fn enclosing_block(row: &Row, kinds: &[&str]) -> Option<BlockRef> {
    row.path
        .iter()
        .rev()
        .filter_map(|p| parse_block(p))
        .find(|b| kinds.contains(&b.kind))
}

/// The numbered item (`3. 特定個人情報の使用`) the row sits in: its number
/// and title.
pub fn enclosing_item(row: &Row) -> Option<(u32, String)> {
    row.path.iter().rev().find_map(|p| {
        crate::segment::item_number(p).map(|(no, title)| (no, title.trim().to_string()))
    })
}

/// Reads `リスク3: 入手した…` as (3, title).
pub fn parse_risk(text: &str) -> Option<(u32, String)> {
    let rest = text.trim().strip_prefix("リスク")?.trim_start();
    let (no, rest) = leading_number(rest)?;
    let rest = rest.trim_start();
    let title = rest.strip_prefix([':', '：']).unwrap_or(rest).trim_start();
    (!title.contains('\n')).then(|| (no, title.trim().to_string()))
}

/// The innermost risk heading in the row's path.
pub fn enclosing_risk(row: &Row) -> Option<(u32, String)> {
    row.path.iter().rev().find_map(|p| parse_risk(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings built from the pieces these headings are made of, in many
    /// orders: digits of several scripts, white space, colons, stops.
    fn heading_like() -> Vec<String> {
        let pieces = [
            "リスク",
            "システム",
            "委託事項",
            "提供先",
            "移転先",
            "1",
            "23",
            "456",
            "٣",
            "①",
            " ",
            "\u{3000}",
            "\n",
            ":",
            "：",
            ".",
            "．",
            "～",
            "入手",
            "x",
            "99999999999",
        ];
        let mut out = Vec::new();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 7) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            out.push(s);
        }
        out
    }

    #[test]
    fn hand_parsers_agree_with_the_patterns_they_replace() {
        let block =
            Regex::new(r"^(システム|委託事項|提供先|移転先)\s*(\d+)\s*(?:[:：]\s*(.*))?$").unwrap();
        let item = Regex::new(r"^(\d{1,2})\s*[.．]\s*(.*)$").unwrap();
        let risk = Regex::new(r"^リスク\s*(\d+)\s*[:：]?\s*(.*)$").unwrap();
        let mut matched = [0; 3];
        for s in heading_like() {
            let t = s.trim();
            let by_regex = block.captures(t).and_then(|c| {
                let kind = BLOCK_KINDS.into_iter().find(|k| *k == &c[1])?;
                Some(BlockRef {
                    kind,
                    no: c[2].parse().ok()?,
                })
            });
            matched[0] += usize::from(by_regex.is_some());
            assert_eq!(parse_block(&s), by_regex, "block {s:?}");
            let by_regex = item
                .captures(&s)
                .and_then(|c| Some((c[1].parse::<u32>().ok()?, c[2].to_string())));
            let by_hand = crate::segment::item_number(&s).map(|(n, t)| (n, t.to_string()));
            matched[1] += usize::from(by_regex.is_some());
            assert_eq!(by_hand, by_regex, "item {s:?}");
            let by_regex = risk
                .captures(t)
                .and_then(|c| Some((c[1].parse::<u32>().ok()?, c[2].trim().to_string())));
            matched[2] += usize::from(by_regex.is_some());
            assert_eq!(parse_risk(&s), by_regex, "risk {s:?}");
        }
        // Enough of each kind matched for the comparison to mean something.
        assert!(matched.iter().all(|&n| n >= 100), "{matched:?}");
    }

    #[test]
    fn blocks() {
        assert_eq!(
            parse_block("システム3"),
            Some(BlockRef {
                kind: "システム",
                no: 3
            })
        );
        assert_eq!(parse_block("委託事項2～5"), None);
        assert_eq!(parse_block("提供先 12").map(|b| b.no), Some(12));
    }

    #[test]
    fn risks() {
        assert_eq!(
            parse_risk("リスク3: 入手した特定個人情報 that 不正確であるリスク"),
            Some((
                3,
                "入手した特定個人情報 that 不正確であるリスク".to_string()
            ))
        );
        assert_eq!(parse_risk("リスクへの対策は十分か"), None);
    }
}

/// The rows of one numbered block: its heading row and the rows below it.
#[derive(Debug)]
pub struct BlockRows<'a> {
    pub block: BlockRef,
    pub file_no: u32,
    /// The heading row (`委託事項1 | 成人保健情報管理システムの運用・保守`).
    pub heading: &'a Row,
    pub rows: Vec<&'a Row>,
}

impl BlockRows<'_> {
    /// The text written after the block's number in its heading row.
    pub fn title(&self) -> Option<String> {
        crate::normalize::non_placeholder(&self.heading.value).map(str::to_string)
    }
}

/// Groups the rows of `part` into the blocks of the given kinds, in
/// document order.
pub fn blocks<'a>(
    rows: &'a [Row],
    part: crate::segment::Part,
    kinds: &[&str],
) -> Vec<BlockRows<'a>> {
    let mut out: Vec<BlockRows<'a>> = Vec::new();
    for row in rows.iter().filter(|r| r.part == part) {
        if row.heading.is_some()
            && let Some(b) = parse_block(&row.label).filter(|b| kinds.contains(&b.kind))
        {
            out.push(BlockRows {
                block: b,
                file_no: row.file_no,
                heading: row,
                rows: Vec::new(),
            });
            continue;
        }
        if let Some(b) = enclosing_block(row, kinds)
            && let Some(last) = out.last_mut()
            && last.block == b
            && last.file_no == row.file_no
        {
            last.rows.push(row);
        }
    }
    out
}
