//! Finding the numbered blocks and items a row sits in, from its path.

use std::sync::LazyLock;

use regex::Regex;

use crate::segment::Row;

static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(システム|委託事項|提供先|移転先)\s*(\d+)\s*(?:[:：]\s*(.*))?$")
        .expect("block pattern")
});
static ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2})\s*[.．]\s*(.*)$").expect("item pattern"));
static RISK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^リスク\s*(\d+)\s*[:：]?\s*(.*)$").expect("risk pattern"));

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
    // Cheaper than the regex, and false for nearly every row.
    if !text.starts_with(['シ', '委', '提', '移']) {
        return None;
    }
    let c = BLOCK.captures(text)?;
    let kind = match &c[1] {
        "システム" => "システム",
        "委託事項" => "委託事項",
        "提供先" => "提供先",
        _ => "移転先",
    };
    Some(BlockRef {
        kind,
        no: c[2].parse().ok()?,
    })
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
        let c = crate::segment::maybe_item(p)
            .then(|| ITEM.captures(p))
            .flatten()?;
        Some((c[1].parse().ok()?, c[2].trim().to_string()))
    })
}

/// Reads `リスク3: 入手した…` as (3, title).
pub fn parse_risk(text: &str) -> Option<(u32, String)> {
    let text = text.trim();
    if !text.starts_with("リスク") {
        return None;
    }
    let c = RISK.captures(text)?;
    Some((c[1].parse().ok()?, c[2].trim().to_string()))
}

/// The innermost risk heading in the row's path.
pub fn enclosing_risk(row: &Row) -> Option<(u32, String)> {
    row.path.iter().rev().find_map(|p| parse_risk(p))
}

#[cfg(test)]
mod tests {
    use super::*;

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

/// Groups the rows of `section` into the blocks of the given kinds, in
/// document order.
pub fn blocks<'a>(
    rows: &'a [Row],
    section: crate::segment::Section,
    kinds: &[&str],
) -> Vec<BlockRows<'a>> {
    let mut out: Vec<BlockRows<'a>> = Vec::new();
    for row in rows.iter().filter(|r| r.section == section) {
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
