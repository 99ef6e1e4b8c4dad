//! The `cmap` table of an embedded TrueType font, read backwards: glyph id →
//! Unicode. Used for CID TrueType fonts that come without a `ToUnicode` map.

use std::collections::HashMap;

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(at)?,
        *d.get(at + 1)?,
        *d.get(at + 2)?,
        *d.get(at + 3)?,
    ]))
}

/// Finds a table by tag: its bytes.
fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let n = u16_at(font, 4)? as usize;
    for i in 0..n.min(256) {
        let rec = 12 + i * 16;
        if font.get(rec..rec + 4)? == tag {
            let off = u32_at(font, rec + 8)? as usize;
            let len = u32_at(font, rec + 12)? as usize;
            let end = off.checked_add(len)?.min(font.len());
            return font.get(off..end);
        }
    }
    None
}

/// A character that loses against any other for the same glyph: private use,
/// compatibility ideographs and Kangxi radicals.
fn weak(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF900..=0xFAFF | 0x2F00..=0x2FDF | 0x2E80..=0x2EFF)
}

/// Glyph id → Unicode from the font's Unicode `cmap` subtables (format 4
/// and 12). Empty when the font has none or cannot be read.
pub fn glyph_to_unicode(font: &[u8]) -> HashMap<u16, char> {
    let mut out = HashMap::new();
    let Some(cmap) = table(font, b"cmap") else {
        return out;
    };
    let Some(n) = u16_at(cmap, 2) else {
        return out;
    };
    // Pick the best Unicode subtable: (3,10) full, (0,*), (3,1) BMP.
    let mut best: Option<(u8, usize)> = None;
    for i in 0..n as usize {
        let rec = 4 + i * 8;
        let (Some(platform), Some(encoding), Some(offset)) = (
            u16_at(cmap, rec),
            u16_at(cmap, rec + 2),
            u32_at(cmap, rec + 4),
        ) else {
            break;
        };
        let rank = match (platform, encoding) {
            (3, 10) => 3,
            (0, _) => 2,
            (3, 1) => 1,
            _ => 0,
        };
        if rank > 0 && best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, offset as usize));
        }
    }
    let Some((_, offset)) = best else {
        return out;
    };
    let Some(sub) = cmap.get(offset..) else {
        return out;
    };
    let mut add = |code: u32, gid: u16| {
        if gid == 0 {
            return;
        }
        let Some(c) = char::from_u32(code) else {
            return;
        };
        match out.get(&gid) {
            Some(&old) if !weak(old) || weak(c) => {}
            _ => {
                out.insert(gid, c);
            }
        }
    };
    match u16_at(sub, 0) {
        Some(4) => format4(sub, &mut add),
        Some(12) => format12(sub, &mut add),
        _ => {}
    }
    out
}

fn format4(sub: &[u8], add: &mut impl FnMut(u32, u16)) {
    let Some(seg2) = u16_at(sub, 6) else {
        return;
    };
    let segs = seg2 as usize / 2;
    let ends = 14;
    let starts = ends + seg2 as usize + 2;
    let deltas = starts + seg2 as usize;
    let ranges = deltas + seg2 as usize;
    for s in 0..segs {
        let (Some(end), Some(start), Some(delta), Some(range)) = (
            u16_at(sub, ends + 2 * s),
            u16_at(sub, starts + 2 * s),
            u16_at(sub, deltas + 2 * s),
            u16_at(sub, ranges + 2 * s),
        ) else {
            return;
        };
        if start > end || start == 0xFFFF {
            continue;
        }
        for code in start..=end {
            let gid = if range == 0 {
                code.wrapping_add(delta)
            } else {
                let at = ranges + 2 * s + range as usize + 2 * (code - start) as usize;
                match u16_at(sub, at) {
                    Some(0) | None => continue,
                    Some(g) => g.wrapping_add(delta),
                }
            };
            add(code as u32, gid);
        }
    }
}

fn format12(sub: &[u8], add: &mut impl FnMut(u32, u16)) {
    let Some(groups) = u32_at(sub, 12) else {
        return;
    };
    // Bounded by the table's size: 12 bytes a group.
    let groups = (groups as usize).min(sub.len() / 12);
    for g in 0..groups {
        let at = 16 + g * 12;
        let (Some(start), Some(end), Some(gid)) =
            (u32_at(sub, at), u32_at(sub, at + 4), u32_at(sub, at + 8))
        else {
            return;
        };
        if start > end || end > 0x10FFFF || end - start > 0x10000 {
            continue;
        }
        for code in start..=end {
            let glyph = gid.saturating_add(code - start);
            if glyph <= 0xFFFF {
                add(code, glyph as u16);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A font with only a `cmap` table holding one subtable.
    fn font_with(platform: u16, encoding: u16, sub: &[u8]) -> Vec<u8> {
        let mut cmap = Vec::new();
        cmap.extend(0u16.to_be_bytes());
        cmap.extend(1u16.to_be_bytes());
        cmap.extend(platform.to_be_bytes());
        cmap.extend(encoding.to_be_bytes());
        cmap.extend(12u32.to_be_bytes());
        cmap.extend(sub);
        let mut f = Vec::new();
        f.extend(0x0001_0000u32.to_be_bytes());
        f.extend(1u16.to_be_bytes());
        f.extend([0u8; 6]);
        f.extend(b"cmap");
        f.extend(0u32.to_be_bytes());
        f.extend(28u32.to_be_bytes());
        f.extend((cmap.len() as u32).to_be_bytes());
        f.extend(cmap);
        f
    }

    #[test]
    fn format4_delta_and_format12() {
        // Segment 0x3042..=0x3044 → gids 10..12 (delta), then the 0xFFFF end.
        let mut sub = Vec::new();
        for v in [4u16, 0, 0, 4, 0, 0, 0] {
            sub.extend(v.to_be_bytes());
        }
        for v in [0x3044u16, 0xFFFF, 0, 0x3042, 0xFFFF] {
            sub.extend(v.to_be_bytes());
        }
        for v in [(10u16).wrapping_sub(0x3042), 1, 0, 0] {
            sub.extend(v.to_be_bytes());
        }
        let map = glyph_to_unicode(&font_with(3, 1, &sub));
        assert_eq!(map.get(&10), Some(&'あ'));
        assert_eq!(map.get(&12), Some(&'い'));

        let mut sub = Vec::new();
        sub.extend(12u16.to_be_bytes());
        sub.extend(0u16.to_be_bytes());
        sub.extend(28u32.to_be_bytes());
        sub.extend(0u32.to_be_bytes());
        sub.extend(1u32.to_be_bytes());
        for v in [0x20BB7u32, 0x20BB7, 5] {
            sub.extend(v.to_be_bytes());
        }
        let map = glyph_to_unicode(&font_with(3, 10, &sub));
        assert_eq!(map.get(&5), Some(&'𠮷'));
    }

    #[test]
    fn junk_does_not_panic() {
        assert!(glyph_to_unicode(b"").is_empty());
        assert!(glyph_to_unicode(&[0xff; 40]).is_empty());
        let mut f = font_with(3, 1, &[0, 4, 0xff, 0xff, 0, 0, 0xff, 0xff]);
        f.truncate(f.len() - 2);
        let _ = glyph_to_unicode(&f);
    }
}
