//! The Adobe-Japan1 character collection: CID ↔ Unicode (see
//! `data/README.md` for the source and its license).

use std::sync::LazyLock;

static DATA: &[u8] = include_bytes!("data/adobe-japan1.bin");

struct Table {
    /// Unicode scalar of each CID, 0 for none.
    to_unicode: Vec<u32>,
    /// UniJIS-UTF32-H: (first scalar, length, first CID), sorted.
    to_cid: Vec<(u32, u32, u32)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut to_unicode = Vec::new();
    let mut to_cid = Vec::new();
    let be = |b: &[u8]| b.iter().fold(0u32, |acc, &x| (acc << 8) | x as u32);
    if DATA.get(..4) == Some(b"AJ1\x01".as_slice()) && DATA.len() >= 8 {
        let n = be(&DATA[4..8]) as usize;
        let end = (8 + 3 * n).min(DATA.len());
        to_unicode = DATA[8..end].chunks_exact(3).map(be).collect();
        let rest = &DATA[end..];
        if rest.get(..4) == Some(b"U2C\x01".as_slice()) && rest.len() >= 8 {
            let m = be(&rest[4..8]) as usize;
            to_cid = rest[8..]
                .chunks_exact(7)
                .take(m)
                .map(|c| (be(&c[..3]), be(&c[3..5]), be(&c[5..7])))
                .collect();
        }
    }
    Table { to_unicode, to_cid }
});

/// The character of an Adobe-Japan1 CID.
pub fn cid_to_unicode(cid: u32) -> Option<char> {
    let u = *TABLE.to_unicode.get(cid as usize)?;
    if u == 0 { None } else { char::from_u32(u) }
}

/// The CID the UniJIS-UTF32-H CMap gives a character (used to look up
/// glyph widths of fonts with predefined Unicode CMaps).
pub fn unicode_to_cid(c: char) -> Option<u32> {
    let u = c as u32;
    let table = &TABLE.to_cid;
    let k = table.partition_point(|&(first, _, _)| first <= u);
    let &(first, len, cid) = table.get(k.checked_sub(1)?)?;
    (u < first + len).then_some(cid + (u - first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_cids() {
        assert_eq!(cid_to_unicode(34), Some('A'));
        assert_eq!(cid_to_unicode(843), Some('あ'));
        assert_eq!(cid_to_unicode(0), None);
        assert_eq!(cid_to_unicode(u32::MAX), None);
        assert_eq!(unicode_to_cid('A'), Some(34));
        assert_eq!(unicode_to_cid('~'), Some(100));
        assert_eq!(unicode_to_cid('｡'), Some(327));
        assert_eq!(unicode_to_cid('\u{10FFFF}'), None);
        assert_eq!(unicode_to_cid('あ'), Some(843));
    }
}
