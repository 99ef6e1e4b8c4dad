//! Whole numbers where a column holds one: 評価書番号, the page a correction
//! refers to.

use super::chars::fold_width;

/// A whole number written alone (full-width digits and surrounding spaces
/// allowed): `50`, `５０`, ` 3 `. Anything else, `第3号` included, is not
/// one: the caller keeps the row and warns rather than guess.
///
/// ```
/// use hyokasho::normalize::whole_number;
/// assert_eq!(whole_number("５０"), Some(50));
/// assert_eq!(whole_number("第3号"), None);
/// ```
pub fn whole_number(s: &str) -> Option<u32> {
    let t = fold_width(s.trim());
    let t = t.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A page or a range of pages: `3` → (3, None), `3-5`, `3～5`, `3〜5`,
/// `P3-P5`, `3ページ` → with the last page. `None` for anything else (a list
/// of pages, words).
///
/// ```
/// use hyokasho::normalize::page_range;
/// assert_eq!(page_range("12"), Some((12, None)));
/// assert_eq!(page_range("3～5"), Some((3, Some(5))));
/// assert_eq!(page_range("3、5"), None);
/// ```
pub fn page_range(s: &str) -> Option<(u32, Option<u32>)> {
    let folded = fold_width(s.trim());
    let page = |p: &str| {
        let p = p.trim();
        let p = p.strip_prefix(['P', 'p']).unwrap_or(p);
        let p = p
            .strip_suffix("ページ")
            .or_else(|| p.strip_suffix("頁"))
            .unwrap_or(p);
        whole_number(p.strip_suffix('.').unwrap_or(p))
    };
    match folded.split_once(['-', '～', '〜', '~', '—', '―', '‐', '−']) {
        None => page(&folded).map(|first| (first, None)),
        Some((a, b)) => {
            let (first, last) = (page(a)?, page(b)?);
            (last >= first).then_some((first, Some(last)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_only() {
        assert_eq!(whole_number("3"), Some(3));
        assert_eq!(whole_number(" 12 "), Some(12));
        assert_eq!(whole_number("１２"), Some(12));
        for not in ["", "-", "3.5", "3号", "三", "99999999999"] {
            assert_eq!(whole_number(not), None, "{not}");
        }
    }

    #[test]
    fn pages_and_ranges() {
        assert_eq!(page_range("4"), Some((4, None)));
        assert_eq!(page_range("P4"), Some((4, None)));
        assert_eq!(page_range("4ページ"), Some((4, None)));
        assert_eq!(page_range("4-6"), Some((4, Some(6))));
        assert_eq!(page_range("P4～P6"), Some((4, Some(6))));
        assert_eq!(page_range("６－７"), Some((6, Some(7))));
        for not in ["", "6-4", "4,6", "別紙", "4-"] {
            assert_eq!(page_range(not), None, "{not}");
        }
    }
}
