//! Embedded CMaps: `ToUnicode` maps (code → Unicode, `bfchar`/`bfrange`)
//! and embedded encoding CMaps of Type0 fonts (code → CID,
//! `cidchar`/`cidrange`). Both share the code space that splits a string
//! into codes of one to four bytes.

use std::collections::HashMap;

/// One `begincodespacerange` entry: codes of `len` bytes whose every byte
/// lies between the bytes of `lo` and `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Codespace {
    len: u8,
    lo: [u8; 4],
    hi: [u8; 4],
}

impl Codespace {
    fn contains(&self, bytes: &[u8]) -> bool {
        let n = self.len as usize;
        bytes.len() >= n && (0..n).all(|i| self.lo[i] <= bytes[i] && bytes[i] <= self.hi[i])
    }
}

/// A `bfrange` too large to expand: codes `lo..=hi` map to `base` with its
/// last UTF-16 unit increased by the code's offset.
#[derive(Debug, Clone)]
struct UniRange {
    key_lo: u64,
    key_hi: u64,
    base: Vec<u16>,
}

/// A `cidrange`: codes `lo..=hi` map to CIDs from `cid`.
#[derive(Debug, Clone, Copy)]
struct CidRange {
    key_lo: u64,
    key_hi: u64,
    cid: u32,
}

/// Ranges up to this many codes are expanded into the hash map.
const EXPAND: u64 = 512;

/// A parsed CMap.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    codespaces: Vec<Codespace>,
    unicode: HashMap<u64, Box<str>>,
    unicode_ranges: Vec<UniRange>,
    cids: HashMap<u64, u32>,
    cid_ranges: Vec<CidRange>,
    /// `/WMode 1`: vertical writing.
    pub vertical: bool,
    /// The name given to `usecmap`, if any (a predefined CMap this one extends).
    pub use_cmap: Option<String>,
}

/// A code and its length together, so that `<00>` and `<0000>` differ.
fn key(code: u32, len: usize) -> u64 {
    ((len as u64) << 32) | code as u64
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32)
}

impl CMap {
    /// Parses CMap program text. Never fails: what cannot be read is skipped.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut lex = Lexer { data, pos: 0 };
        let mut prev: Vec<Tok> = Vec::new();
        while let Some(tok) = lex.next() {
            match tok {
                Tok::Word(b"begincodespacerange") => cmap.codespace_section(&mut lex),
                Tok::Word(b"beginbfchar") => cmap.bfchar_section(&mut lex),
                Tok::Word(b"beginbfrange") => cmap.bfrange_section(&mut lex),
                Tok::Word(b"begincidchar") => cmap.cidchar_section(&mut lex),
                Tok::Word(b"begincidrange") => cmap.cidrange_section(&mut lex),
                Tok::Word(b"def") => {
                    if let [.., Tok::Name(b"WMode"), Tok::Word(n)] = prev.as_slice() {
                        cmap.vertical = *n == b"1";
                    }
                }
                Tok::Word(b"usecmap") => {
                    if let Some(Tok::Name(n)) = prev.last() {
                        cmap.use_cmap = Some(String::from_utf8_lossy(n).into_owned());
                    }
                }
                _ => {}
            }
            if prev.len() >= 2 {
                prev.remove(0);
            }
            prev.push(tok);
        }
        cmap.codespaces.sort_by_key(|c| c.len);
        cmap
    }

    fn codespace_section(&mut self, lex: &mut Lexer) {
        loop {
            let Some(Tok::Hex(lo)) = lex.next() else {
                return;
            };
            let Some(Tok::Hex(hi)) = lex.next() else {
                return;
            };
            let len = lo.len().min(hi.len());
            if (1..=4).contains(&len) {
                let mut c = Codespace {
                    len: len as u8,
                    lo: [0; 4],
                    hi: [0; 4],
                };
                c.lo[..len].copy_from_slice(&lo[..len]);
                c.hi[..len].copy_from_slice(&hi[..len]);
                self.codespaces.push(c);
            }
        }
    }

    fn bfchar_section(&mut self, lex: &mut Lexer) {
        loop {
            let Some(Tok::Hex(src)) = lex.next() else {
                return;
            };
            let text = match lex.next() {
                Some(Tok::Hex(dst)) => utf16_text(&dst),
                Some(Tok::Name(name)) => super::encoding::glyph_name_to_unicode(name)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                _ => return,
            };
            if (1..=4).contains(&src.len()) {
                self.unicode
                    .insert(key(code_of(&src), src.len()), text.into_boxed_str());
            }
        }
    }

    fn bfrange_section(&mut self, lex: &mut Lexer) {
        loop {
            let Some(Tok::Hex(lo)) = lex.next() else {
                return;
            };
            let Some(Tok::Hex(hi)) = lex.next() else {
                return;
            };
            let len = lo.len();
            let ok = (1..=4).contains(&len);
            let (lo, hi) = (code_of(&lo), code_of(&hi));
            match lex.next() {
                Some(Tok::Hex(dst)) => {
                    if !ok || hi < lo {
                        continue;
                    }
                    let base = utf16_units(&dst);
                    if (hi - lo) as u64 <= EXPAND {
                        for (k, code) in (lo..=hi).enumerate() {
                            let text = offset_text(&base, k as u32);
                            self.unicode.insert(key(code, len), text.into_boxed_str());
                        }
                    } else {
                        self.unicode_ranges.push(UniRange {
                            key_lo: key(lo, len),
                            key_hi: key(hi, len),
                            base,
                        });
                    }
                }
                Some(Tok::ArrayStart) => {
                    let mut code = lo;
                    while let Some(tok) = lex.next() {
                        match tok {
                            Tok::Hex(dst) => {
                                if ok && code <= hi {
                                    self.unicode
                                        .insert(key(code, len), utf16_text(&dst).into_boxed_str());
                                }
                                code = code.saturating_add(1);
                            }
                            Tok::Name(name) => {
                                if let Some(c) = super::encoding::glyph_name_to_unicode(name)
                                    && ok
                                {
                                    self.unicode
                                        .insert(key(code, len), c.to_string().into_boxed_str());
                                }
                                code = code.saturating_add(1);
                            }
                            Tok::ArrayEnd => break,
                            _ => return,
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn cidchar_section(&mut self, lex: &mut Lexer) {
        loop {
            let Some(Tok::Hex(src)) = lex.next() else {
                return;
            };
            let Some(Tok::Word(cid)) = lex.next() else {
                return;
            };
            if let (true, Some(cid)) = ((1..=4).contains(&src.len()), parse_u32(cid)) {
                self.cids.insert(key(code_of(&src), src.len()), cid);
            }
        }
    }

    fn cidrange_section(&mut self, lex: &mut Lexer) {
        loop {
            let Some(Tok::Hex(lo)) = lex.next() else {
                return;
            };
            let (Some(Tok::Hex(hi)), Some(Tok::Word(cid))) = (lex.next(), lex.next()) else {
                return;
            };
            let len = lo.len();
            let (Some(cid), true) = (parse_u32(cid), (1..=4).contains(&len)) else {
                continue;
            };
            let (lo, hi) = (code_of(&lo), code_of(&hi));
            if hi < lo {
                continue;
            }
            if (hi - lo) as u64 <= EXPAND {
                for (k, code) in (lo..=hi).enumerate() {
                    self.cids
                        .insert(key(code, len), cid.saturating_add(k as u32));
                }
            } else {
                self.cid_ranges.push(CidRange {
                    key_lo: key(lo, len),
                    key_hi: key(hi, len),
                    cid,
                });
            }
        }
    }

    /// Whether the CMap declared any code space.
    pub fn has_codespace(&self) -> bool {
        !self.codespaces.is_empty()
    }

    /// Length in bytes of the code at the start of `bytes`: the shortest
    /// code-space range that matches, or, when none does, the shortest
    /// declared length (`default` without code spaces).
    pub fn code_len(&self, bytes: &[u8], default: usize) -> usize {
        if self.codespaces.is_empty() {
            return default.min(bytes.len()).max(1);
        }
        for c in &self.codespaces {
            if c.contains(bytes) {
                return c.len as usize;
            }
        }
        (self.codespaces[0].len as usize).min(bytes.len()).max(1)
    }

    /// The Unicode text of a code.
    pub fn unicode(&self, code: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
        let k = key(code_of(code), code.len());
        if let Some(s) = self.unicode.get(&k) {
            return Some(std::borrow::Cow::Borrowed(s));
        }
        self.unicode_ranges
            .iter()
            .find(|r| r.key_lo <= k && k <= r.key_hi)
            .map(|r| std::borrow::Cow::Owned(offset_text(&r.base, (k - r.key_lo) as u32)))
    }

    /// The CID of a code (encoding CMaps).
    pub fn cid(&self, code: &[u8]) -> Option<u32> {
        let k = key(code_of(code), code.len());
        if let Some(&c) = self.cids.get(&k) {
            return Some(c);
        }
        self.cid_ranges
            .iter()
            .find(|r| r.key_lo <= k && k <= r.key_hi)
            .map(|r| r.cid.saturating_add((k - r.key_lo) as u32))
    }

    /// Whether the CMap maps any code to Unicode.
    pub fn has_unicode(&self) -> bool {
        !self.unicode.is_empty() || !self.unicode_ranges.is_empty()
    }
}

fn parse_u32(word: &[u8]) -> Option<u32> {
    std::str::from_utf8(word).ok()?.parse().ok()
}

/// Big-endian UTF-16 units of a destination string (a lone odd byte is
/// taken as one unit).
fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    if bytes.len() == 1 {
        return vec![bytes[0] as u16];
    }
    bytes
        .chunks(2)
        .map(|c| match c {
            [a, b] => u16::from_be_bytes([*a, *b]),
            [a] => *a as u16,
            _ => 0,
        })
        .collect()
}

fn utf16_text(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(bytes))
}

/// The destination of the `k`-th code of a range: the last unit increased.
fn offset_text(base: &[u16], k: u32) -> String {
    let mut units = base.to_vec();
    if let Some(last) = units.last_mut() {
        let v = *last as u32 + k;
        if v <= 0xFFFF {
            *last = v as u16;
        } else if units.len() == 1 {
            // A BMP start overflowing into the next plane.
            return char::from_u32(v).map(String::from).unwrap_or_default();
        }
    }
    String::from_utf16_lossy(&units)
}

/// CMap tokens.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Hex(Vec<u8>),
    Name(&'a [u8]),
    Word(&'a [u8]),
    ArrayStart,
    ArrayEnd,
    /// Strings and dictionary delimiters, not used by the mappings.
    Other,
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Reads a hex string whose `<` is just before `*pos`, up to and past its
/// `>`: white space and stray bytes are skipped, an odd last digit is
/// padded with 0 (PDF 7.3.4.3).
pub(super) fn read_hex(d: &[u8], pos: &mut usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut hi: Option<u8> = None;
    while let Some(&c) = d.get(*pos) {
        *pos += 1;
        if c == b'>' {
            break;
        }
        let Some(v) = (c as char).to_digit(16) else {
            continue;
        };
        match hi.take() {
            Some(h) => out.push((h << 4) | v as u8),
            None => hi = Some(v as u8),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    out
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

impl<'a> Lexer<'a> {
    fn next(&mut self) -> Option<Tok<'a>> {
        let d = self.data;
        loop {
            while self.pos < d.len() && is_space(d[self.pos]) {
                self.pos += 1;
            }
            if self.pos < d.len() && d[self.pos] == b'%' {
                while self.pos < d.len() && d[self.pos] != b'\n' && d[self.pos] != b'\r' {
                    self.pos += 1;
                }
                continue;
            }
            break;
        }
        let &b = d.get(self.pos)?;
        self.pos += 1;
        Some(match b {
            b'<' if d.get(self.pos) == Some(&b'<') => {
                self.pos += 1;
                Tok::Other
            }
            b'<' => Tok::Hex(read_hex(d, &mut self.pos)),
            b'>' => {
                if d.get(self.pos) == Some(&b'>') {
                    self.pos += 1;
                }
                Tok::Other
            }
            b'[' => Tok::ArrayStart,
            b']' => Tok::ArrayEnd,
            b'(' => {
                let mut depth = 1;
                while let Some(&c) = d.get(self.pos) {
                    self.pos += 1;
                    match c {
                        b'\\' => self.pos += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                Tok::Other
            }
            b'/' => {
                let start = self.pos;
                while self.pos < d.len() && !is_space(d[self.pos]) && !is_delim(d[self.pos]) {
                    self.pos += 1;
                }
                Tok::Name(&d[start..self.pos])
            }
            b'{' | b'}' | b')' => Tok::Other,
            _ => {
                let start = self.pos - 1;
                while self.pos < d.len() && !is_space(d[self.pos]) && !is_delim(d[self.pos]) {
                    self.pos += 1;
                }
                Tok::Word(&d[start..self.pos])
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0010> <D842DFB7>
<0011> <00660069>
endbfchar
2 beginbfrange
<0020> <0022> <3042>
<0030> <0031> [<6F22> <5B57>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn bfchar_bfrange_and_surrogates() {
        let cmap = CMap::parse(SAMPLE);
        let u = |code: &[u8]| cmap.unicode(code).map(|s| s.into_owned());
        assert_eq!(u(&[0, 3]).as_deref(), Some(" "));
        assert_eq!(u(&[0, 0x10]).as_deref(), Some("𠮷"));
        assert_eq!(u(&[0, 0x11]).as_deref(), Some("fi"));
        assert_eq!(u(&[0, 0x20]).as_deref(), Some("あ"));
        assert_eq!(u(&[0, 0x22]).as_deref(), Some("い"));
        assert_eq!(u(&[0, 0x30]).as_deref(), Some("漢"));
        assert_eq!(u(&[0, 0x31]).as_deref(), Some("字"));
        assert_eq!(u(&[0, 0x32]), None);
        // A one-byte code is not the two-byte code of the same value.
        assert_eq!(u(&[3]), None);
    }

    #[test]
    fn mixed_code_lengths() {
        let cmap = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
             1 beginbfchar <41> <0041> endbfchar
             1 beginbfrange <889F> <88A0> <4E9C> endbfrange",
        );
        assert_eq!(cmap.code_len(b"A\x88\x9f", 2), 1);
        assert_eq!(cmap.code_len(b"\x88\x9f", 1), 2);
        assert_eq!(cmap.unicode(b"A").as_deref(), Some("A"));
        assert_eq!(cmap.unicode(b"\x88\xa0").as_deref(), Some("亝"));
    }

    #[test]
    fn large_ranges_and_cids_and_wmode() {
        let cmap = CMap::parse(
            b"/WMode 1 def 1 begincodespacerange <0000> <FFFF> endcodespacerange
             1 beginbfrange <0000> <FFFF> <0000> endbfrange
             1 begincidrange <0000> <FFFF> 0 endcidrange
             1 begincidchar <0041> 34 endcidchar",
        );
        assert!(cmap.vertical);
        assert_eq!(cmap.unicode(&[0x30, 0x42]).as_deref(), Some("あ"));
        assert_eq!(cmap.cid(&[0x12, 0x34]), Some(0x1234));
        assert_eq!(cmap.cid(&[0x00, 0x41]), Some(34));
    }

    #[test]
    fn garbage_does_not_panic() {
        for data in [
            &b"beginbfrange <00> <ff"[..],
            b"beginbfrange <01> <00> <0041> endbfrange",
            b"begincodespacerange <> <> endcodespacerange beginbfchar <> <> endbfchar",
            b"beginbfrange <0000> <0005> [<0041> /A",
            b"((((",
        ] {
            let cmap = CMap::parse(data);
            let _ = cmap.unicode(b"\x00");
            let _ = cmap.code_len(b"", 1);
        }
    }
}
