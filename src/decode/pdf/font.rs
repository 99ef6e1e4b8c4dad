//! Fonts: string bytes → glyphs with Unicode text and advances.
//!
//! The Unicode of a code is found, in order, through
//! 1. the font's `ToUnicode` CMap;
//! 2. for composite (Type0) fonts, the predefined CMap named by `/Encoding`
//!    when its codes are themselves characters (`UniJIS-UCS2-*`,
//!    `UniJIS-UTF16-*`, Shift_JIS `90ms-RKSJ-*`, EUC-JP `EUC-*`, 7-bit JIS
//!    `H`/`V`), else the CID (`Identity-*` or an embedded CMap) through the
//!    embedded TrueType font's `cmap` table or the Adobe-Japan1 collection;
//! 3. for simple fonts, `/Encoding` (base encoding and `/Differences`).
//!
//! What none of these maps is written U+FFFD and counted as unmapped.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::CMap;
use super::encoding::{BaseEncoding, glyph_name_to_unicode};
use super::{japan1, sfnt};

/// One glyph read from a string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown {
    /// Bytes of the string the code took.
    pub len: usize,
    /// Advance in text space units per unit of font size (horizontal: the
    /// glyph width / 1000; vertical: the negative vertical advance / 1000).
    pub advance: f32,
    /// A single-byte code 32, to which word spacing applies.
    pub word_space: bool,
    /// False when the text written is U+FFFD for want of a mapping.
    pub mapped: bool,
}

/// How a composite font's string bytes are cut into codes and what the
/// codes are.
#[derive(Debug)]
enum Codes {
    /// Two-byte codes that are CIDs.
    Identity,
    /// An embedded CMap: codes → CIDs.
    Embedded(CMap),
    /// Two-byte codes that are UCS-2 characters (`UniJIS-UCS2-*`).
    Ucs2,
    /// UTF-16BE codes (`UniJIS-UTF16-*`).
    Utf16,
    /// Shift_JIS codes (`90ms-RKSJ-*`; `proportional` for `90msp-RKSJ-*`,
    /// whose one-byte codes show proportional Latin glyphs).
    Sjis { proportional: bool },
    /// EUC-JP codes (`EUC-*`).
    Euc,
    /// 7-bit JIS X 0208 two-byte codes (`H`, `V`).
    Jis7,
}

/// How a CID becomes Unicode when nothing else says.
#[derive(Debug)]
enum CidUnicode {
    /// Adobe-Japan1 collection.
    Japan1,
    /// Through the glyph id (CIDToGIDMap) and the embedded font's `cmap`.
    Glyphs {
        gid_to_char: HashMap<u16, char>,
        cid_to_gid: Option<Vec<u16>>,
        /// The collection, tried when the font's `cmap` fails.
        japan1: bool,
    },
    None,
}

#[derive(Debug)]
struct Composite {
    codes: Codes,
    cid_unicode: CidUnicode,
    /// Horizontal widths by CID (`/W`) and the default (`/DW`), in 1/1000.
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Vertical advances by CID (`/W2`) and the default (`/DW2`), in 1/1000
    /// (negative: downwards).
    vertical_advances: HashMap<u32, f32>,
    default_vertical: f32,
}

#[derive(Debug)]
struct Simple {
    chars: [Option<char>; 256],
    /// Advances in text space per unit of font size.
    widths: [f32; 256],
}

#[derive(Debug)]
enum Kind {
    Simple(Box<Simple>),
    Composite(Box<Composite>),
}

/// A font ready to decode strings.
#[derive(Debug)]
pub struct Font {
    to_unicode: Option<CMap>,
    /// `/ToUnicode /Identity-H`: two-byte codes are UCS-2 characters.
    unicode_codes: bool,
    kind: Kind,
    /// Vertical writing mode (`-V` CMaps).
    pub vertical: bool,
}

/// Helvetica's widths for codes 32..=126 (the usual metrics of an
/// unembedded standard font without `/Widths`).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

/// Follows a reference (one level is all PDF allows in practice; a few
/// more are tolerated).
pub fn deref<'a>(doc: &'a Document, mut o: &'a Object) -> &'a Object {
    for _ in 0..8 {
        match o {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(t) => o = t,
                Err(_) => return &Object::Null,
            },
            _ => return o,
        }
    }
    &Object::Null
}

pub fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

pub fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, dict, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub fn get_name<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn get_array<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, dict, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

/// A stream's decoded bytes, within the per-stream limit.
pub fn stream_bytes(doc: &Document, o: &Object, limit: usize) -> Option<Vec<u8>> {
    match deref(doc, o) {
        Object::Stream(s) => {
            if s.dict.get(b"Filter").is_ok() {
                s.decompressed_content_with_limit(limit).ok()
            } else {
                Some(s.content.clone()).filter(|c| c.len() <= limit)
            }
        }
        _ => None,
    }
}

impl Font {
    /// Reads a font dictionary. `limit` bounds each embedded stream.
    pub fn load(doc: &Document, dict: &Dictionary, limit: usize) -> Font {
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|o| stream_bytes(doc, o, limit))
            .map(|b| CMap::parse(&b))
            .filter(CMap::has_unicode);
        let unicode_codes = matches!(
            get_name(doc, dict, b"ToUnicode"),
            Some(b"Identity-H" | b"Identity-V")
        );
        let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"");
        if subtype == b"Type0" {
            let (composite, vertical) = load_composite(doc, dict, limit);
            Font {
                to_unicode,
                unicode_codes,
                kind: Kind::Composite(Box::new(composite)),
                vertical,
            }
        } else {
            Font {
                to_unicode,
                unicode_codes: false,
                kind: Kind::Simple(Box::new(load_simple(doc, dict, subtype))),
                vertical: false,
            }
        }
    }

    /// Reads the glyph at the start of `bytes` (not empty), appending its
    /// text to `out`.
    pub fn next(&self, bytes: &[u8], out: &mut String) -> Shown {
        match &self.kind {
            Kind::Simple(s) => {
                let code = bytes[0];
                let mut mapped = true;
                let from_cmap = self
                    .to_unicode
                    .as_ref()
                    .and_then(|t| t.unicode(&bytes[..1]));
                match (from_cmap, s.chars[code as usize]) {
                    (Some(text), _) if !text.is_empty() => out.push_str(&text),
                    (_, Some(c)) => out.push(c),
                    _ => {
                        out.push('\u{FFFD}');
                        mapped = false;
                    }
                }
                Shown {
                    len: 1,
                    advance: s.widths[code as usize],
                    word_space: code == 32,
                    mapped,
                }
            }
            Kind::Composite(c) => self.next_composite(c, bytes, out),
        }
    }

    fn next_composite(&self, c: &Composite, bytes: &[u8], out: &mut String) -> Shown {
        let len = match (&c.codes, &self.to_unicode) {
            (Codes::Embedded(cmap), _) => cmap.code_len(bytes, 2),
            (Codes::Sjis { .. }, _) => {
                if matches!(bytes[0], 0x81..=0x9F | 0xE0..=0xFC) {
                    2
                } else {
                    1
                }
            }
            (Codes::Euc, _) => match bytes[0] {
                0x8F => 3,
                0x8E | 0xA1..=0xFE => 2,
                _ => 1,
            },
            (Codes::Utf16, _) => {
                if matches!(bytes[0], 0xD8..=0xDB) {
                    4
                } else {
                    2
                }
            }
            (Codes::Identity | Codes::Ucs2 | Codes::Jis7, Some(t)) if t.has_codespace() => {
                t.code_len(bytes, 2)
            }
            _ => 2,
        }
        .min(bytes.len());
        let code = &bytes[..len];
        let start = out.len();
        let mut mapped = true;
        if let Some(text) = self.to_unicode.as_ref().and_then(|t| t.unicode(code))
            && !text.is_empty()
        {
            out.push_str(&text);
        } else if self.unicode_codes
            && let Some(Ok(ch)) = (len == 2)
                .then(|| char::decode_utf16([u16::from_be_bytes([code[0], code[1]])]).next())
                .flatten()
        {
            out.push(ch);
        } else if !c.push_unicode(code, out) {
            out.push('\u{FFFD}');
            mapped = false;
        }
        let cid = c.cid(code, out.get(start..).unwrap_or(""));
        let advance = if self.vertical {
            cid.and_then(|k| c.vertical_advances.get(&k))
                .copied()
                .unwrap_or(c.default_vertical)
                / 1000.0
        } else {
            cid.and_then(|k| c.widths.get(&k))
                .copied()
                .unwrap_or(c.default_width)
                / 1000.0
        };
        Shown {
            len,
            advance,
            word_space: len == 1 && code[0] == 32,
            mapped,
        }
    }
}

impl Composite {
    /// The characters a code stands for without ToUnicode.
    fn push_unicode(&self, code: &[u8], out: &mut String) -> bool {
        let decoded = |enc: &'static encoding_rs::Encoding, bytes: &[u8], out: &mut String| {
            let (s, bad) = enc.decode_without_bom_handling(bytes);
            if bad || s.is_empty() {
                return false;
            }
            out.push_str(&s);
            true
        };
        match &self.codes {
            Codes::Ucs2 => {
                let units = [u16::from_be_bytes([code[0], *code.get(1).unwrap_or(&0)])];
                match char::decode_utf16(units).next() {
                    Some(Ok(ch)) if code.len() == 2 => {
                        out.push(ch);
                        true
                    }
                    _ => false,
                }
            }
            Codes::Utf16 => {
                let units: Vec<u16> = code
                    .chunks(2)
                    .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
                    .collect();
                let s: Result<String, _> = char::decode_utf16(units).collect();
                match s {
                    Ok(s) if !s.is_empty() && code.len().is_multiple_of(2) => {
                        out.push_str(&s);
                        true
                    }
                    _ => false,
                }
            }
            Codes::Sjis { .. } => decoded(encoding_rs::SHIFT_JIS, code, out),
            Codes::Euc => decoded(encoding_rs::EUC_JP, code, out),
            Codes::Jis7 => {
                if code.len() == 2 && (0x21..=0x7E).contains(&code[0]) {
                    decoded(encoding_rs::EUC_JP, &[code[0] | 0x80, code[1] | 0x80], out)
                } else {
                    false
                }
            }
            Codes::Identity | Codes::Embedded(_) => {
                let Some(cid) = self.cid(code, "") else {
                    return false;
                };
                match self.cid_char(cid) {
                    Some(ch) => {
                        out.push(ch);
                        true
                    }
                    None => false,
                }
            }
        }
    }

    fn cid_char(&self, cid: u32) -> Option<char> {
        match &self.cid_unicode {
            CidUnicode::Japan1 => japan1::cid_to_unicode(cid),
            CidUnicode::Glyphs {
                gid_to_char,
                cid_to_gid,
                japan1,
            } => {
                let gid = match cid_to_gid {
                    Some(map) => map.get(cid as usize).copied(),
                    None => u16::try_from(cid).ok(),
                };
                gid.and_then(|g| gid_to_char.get(&g).copied())
                    .or_else(|| japan1.then(|| japan1::cid_to_unicode(cid)).flatten())
            }
            CidUnicode::None => None,
        }
    }

    /// The CID of a code, for its width. For predefined CMaps whose codes
    /// are characters, the CID is the one UniJIS-UTF32-H gives the decoded
    /// character (exact for the UniJIS CMaps; for the two-byte codes of
    /// Shift_JIS, EUC and JIS it is the same full-width glyph, so the same
    /// width), except the one-byte codes of Shift_JIS and EUC, which those
    /// CMaps send to the half-width Latin and kana CIDs 231.. and 326..
    fn cid(&self, code: &[u8], text: &str) -> Option<u32> {
        let two = || (code.len() == 2).then(|| u16::from_be_bytes([code[0], code[1]]) as u32);
        let by_char = || {
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(ch), None) => japan1::unicode_to_cid(ch),
                _ => None,
            }
        };
        match &self.codes {
            Codes::Identity => two(),
            Codes::Embedded(cmap) => cmap.cid(code),
            Codes::Sjis { proportional } if code.len() == 1 => match code[0] {
                b @ 0x20..=0x7E if *proportional => Some(1 + (b - 0x20) as u32),
                b @ 0x20..=0x7D => Some(231 + (b - 0x20) as u32),
                0x7E => Some(631),
                b @ 0xA0..=0xDF => Some(326 + (b - 0xA0) as u32),
                _ => None,
            },
            Codes::Euc if code.len() == 1 => match code[0] {
                b @ 0x20..=0x7E => Some(231 + (b - 0x20) as u32),
                _ => None,
            },
            Codes::Euc if code.len() == 2 && code[0] == 0x8E => match code[1] {
                b @ 0xA0..=0xDF => Some(326 + (b - 0xA0) as u32),
                _ => None,
            },
            _ => by_char(),
        }
    }
}

/// `/W` (`c [w1 w2 …]` or `c_first c_last w`) into a map, bounded.
fn cid_widths(doc: &Document, w: &[Object], vertical: bool) -> HashMap<u32, f32> {
    const MAX: u32 = 1 << 20;
    let mut out = HashMap::new();
    let mut i = 0;
    let item = |k: usize| w.get(k).map(|o| deref(doc, o));
    while let Some(first) = item(i).and_then(num) {
        let first = first.max(0.0) as u32;
        match item(i + 1) {
            Some(Object::Array(list)) => {
                let step = if vertical { 3 } else { 1 };
                for (k, chunk) in list.chunks(step).enumerate() {
                    if let Some(v) = chunk.first().map(|o| deref(doc, o)).and_then(num) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (num(o), item(i + 2).and_then(num)) else {
                    break;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(MAX));
                for cid in first..=last {
                    out.insert(cid, v);
                }
                i += if vertical { 5 } else { 3 };
            }
            None => break,
        }
        if out.len() as u32 > MAX {
            break;
        }
    }
    out
}

fn load_composite(doc: &Document, dict: &Dictionary, limit: usize) -> (Composite, bool) {
    let descendant = get_array(doc, dict, b"DescendantFonts")
        .and_then(|a| a.first())
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok());
    let empty = Dictionary::new();
    let cid_font = descendant.unwrap_or(&empty);

    let (codes, vertical) = match get(doc, dict, b"Encoding") {
        Some(Object::Name(name)) => predefined(name),
        Some(o @ Object::Stream(_)) => {
            let cmap = stream_bytes(doc, o, limit)
                .map(|b| CMap::parse(&b))
                .unwrap_or_default();
            let vertical = cmap.vertical;
            match cmap.use_cmap.as_deref() {
                Some(base) if !cmap.has_codespace() => predefined(base.as_bytes()),
                _ => (Codes::Embedded(cmap), vertical),
            }
        }
        _ => (Codes::Identity, false),
    };

    let info = get_dict(doc, cid_font, b"CIDSystemInfo");
    let ordering = info.and_then(|i| match get(doc, i, b"Ordering") {
        Some(Object::String(s, _)) => Some(s.as_slice()),
        _ => None,
    });
    let is_japan1 = ordering == Some(b"Japan1");
    let base_font = get_name(doc, dict, b"BaseFont").unwrap_or(b"");
    // Fonts named after Japanese typefaces without CIDSystemInfo.
    let japanese_name = [
        "Ryumin", "Gothic", "Mincho", "Heisei", "Kozuka", "Koz", "MS-",
    ]
    .iter()
    .any(|n| base_font.windows(n.len()).any(|w| w == n.as_bytes()));
    let japan1 = is_japan1 || (ordering.is_none() && japanese_name);

    let descriptor = get_dict(doc, cid_font, b"FontDescriptor");
    let truetype = get_name(doc, cid_font, b"Subtype") == Some(b"CIDFontType2");
    let font_file = descriptor.and_then(|d| d.get(b"FontFile2").ok());
    let needs_cid_unicode = matches!(codes, Codes::Identity | Codes::Embedded(_));
    let cid_unicode = match font_file {
        Some(file) if truetype && needs_cid_unicode && dict.get(b"ToUnicode").is_err() => {
            let gid_to_char = stream_bytes(doc, file, limit)
                .map(|b| sfnt::glyph_to_unicode(&b))
                .unwrap_or_default();
            let cid_to_gid = match get(doc, cid_font, b"CIDToGIDMap") {
                Some(o @ Object::Stream(_)) => stream_bytes(doc, o, limit).map(|b| {
                    b.chunks_exact(2)
                        .map(|p| u16::from_be_bytes([p[0], p[1]]))
                        .collect()
                }),
                _ => None,
            };
            CidUnicode::Glyphs {
                gid_to_char,
                cid_to_gid,
                japan1,
            }
        }
        _ if japan1 => CidUnicode::Japan1,
        _ => CidUnicode::None,
    };

    let default_width = get(doc, cid_font, b"DW").and_then(num).unwrap_or(1000.0);
    let widths = get_array(doc, cid_font, b"W")
        .map(|w| cid_widths(doc, w, false))
        .unwrap_or_default();
    let default_vertical = get_array(doc, cid_font, b"DW2")
        .and_then(|a| a.get(1))
        .and_then(num)
        .unwrap_or(-1000.0);
    let vertical_advances = if vertical {
        get_array(doc, cid_font, b"W2")
            .map(|w| cid_widths_vertical(doc, w))
            .unwrap_or_default()
    } else {
        HashMap::new()
    };
    (
        Composite {
            codes,
            cid_unicode,
            widths,
            default_width,
            vertical_advances,
            default_vertical,
        },
        vertical,
    )
}

/// `/W2`: `c [w1y vx vy …]` or `c_first c_last w1y vx vy`.
fn cid_widths_vertical(doc: &Document, w: &[Object]) -> HashMap<u32, f32> {
    cid_widths(doc, w, true)
}

/// A predefined CMap by name: its codes and writing mode.
fn predefined(name: &[u8]) -> (Codes, bool) {
    let name = std::str::from_utf8(name).unwrap_or("");
    // `Ryumin-Light-90ms-RKSJ-H`-style names carry the CMap at the end.
    let vertical = name.ends_with("-V") || name == "V";
    let codes = if name.contains("UCS2") {
        Codes::Ucs2
    } else if name.contains("UTF16") {
        Codes::Utf16
    } else if name.contains("RKSJ") {
        Codes::Sjis {
            proportional: name.contains("90msp"),
        }
    } else if name.contains("EUC") {
        Codes::Euc
    } else if name == "H" || name == "V" {
        Codes::Jis7
    } else {
        Codes::Identity
    };
    (codes, vertical)
}

fn load_simple(doc: &Document, dict: &Dictionary, subtype: &[u8]) -> Simple {
    let descriptor = get_dict(doc, dict, b"FontDescriptor");
    let base_font = get_name(doc, dict, b"BaseFont").unwrap_or(b"");

    // Encoding: base table, then Differences.
    let mut base = match subtype {
        b"TrueType" => BaseEncoding::WinAnsi,
        _ => BaseEncoding::Standard,
    };
    let mut differences: Option<&[Object]> = None;
    match get(doc, dict, b"Encoding") {
        Some(Object::Name(n)) => base = BaseEncoding::from_name(n).unwrap_or(base),
        Some(Object::Dictionary(d)) => {
            if let Some(n) = get_name(doc, d, b"BaseEncoding") {
                base = BaseEncoding::from_name(n).unwrap_or(base);
            }
            differences = get_array(doc, d, b"Differences");
        }
        _ => {}
    }
    let mut chars = [None; 256];
    for (code, slot) in chars.iter_mut().enumerate() {
        *slot = base.char_of(code as u8);
    }
    if let Some(diffs) = differences {
        let mut code = 0usize;
        for o in diffs {
            match deref(doc, o) {
                Object::Integer(i) => code = (*i).clamp(0, 256) as usize,
                Object::Name(n) => {
                    if code < 256 {
                        chars[code] = glyph_name_to_unicode(n);
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }

    // Widths: /Widths from /FirstChar, else standard metrics.
    let type3_scale = if subtype == b"Type3" {
        get_array(doc, dict, b"FontMatrix")
            .and_then(|m| m.first())
            .and_then(num)
            .unwrap_or(0.001)
    } else {
        0.001
    };
    let missing = descriptor
        .and_then(|d| get(doc, d, b"MissingWidth"))
        .and_then(num);
    let mut widths = [0.0f32; 256];
    let fixed = base_font.windows(7).any(|w| w == b"Courier");
    for (code, w) in widths.iter_mut().enumerate() {
        *w = if fixed {
            0.6
        } else if (32..=126).contains(&code) {
            HELVETICA[code - 32] as f32 / 1000.0
        } else {
            0.556
        };
    }
    if let Some(ws) = get_array(doc, dict, b"Widths") {
        let first = get(doc, dict, b"FirstChar")
            .and_then(num)
            .unwrap_or(0.0)
            .max(0.0) as usize;
        if let Some(m) = missing {
            widths.fill(m * type3_scale);
        }
        for (k, o) in ws.iter().enumerate() {
            if let (Some(w), Some(slot)) = (num(deref(doc, o)), widths.get_mut(first + k)) {
                *slot = w * type3_scale;
            }
        }
    }
    Simple { chars, widths }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn shown(font: &Font, bytes: &[u8]) -> (String, Vec<Shown>) {
        let mut text = String::new();
        let mut glyphs = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let g = font.next(&bytes[pos..], &mut text);
            pos += g.len;
            glyphs.push(g);
        }
        (text, glyphs)
    }

    fn type0(encoding: &str, cid_font: Dictionary) -> (Document, Dictionary) {
        let mut doc = Document::new();
        let id = doc.add_object(cid_font);
        let font = dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => "HeiseiMin-W3",
            "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
            "DescendantFonts" => vec![Object::Reference(id)],
        };
        (doc, font)
    }

    fn japan1_cid_font() -> Dictionary {
        dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType0",
            "BaseFont" => "HeiseiMin-W3",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Japan1"),
                "Supplement" => 2,
            },
            "DW" => 1000,
            "W" => vec![1.into(), vec![250.into(), 333.into()].into(), 231.into(), 632.into(), 500.into()],
        }
    }

    #[test]
    fn predefined_cmaps() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("UniJIS-UCS2-H", b"\x30\x42\x00A", "あA"),
            ("UniJIS-UTF16-H", b"\xd8\x42\xdf\xb7\x65\xe5", "𠮷日"),
            ("90ms-RKSJ-H", b"\x82\xa0A\x93\xfa", "あA日"),
            ("90msp-RKSJ-H", b"\x82\xa0A", "あA"),
            ("EUC-H", b"\xa4\xa2A", "あA"),
            ("H", b"\x24\x22", "あ"),
            ("Identity-H", b"\x03\x4b\x00\x22", "あA"),
        ];
        for (enc, bytes, want) in cases {
            let (doc, dict) = type0(enc, japan1_cid_font());
            let font = Font::load(&doc, &dict, 1 << 20);
            let (text, glyphs) = shown(&font, bytes);
            assert_eq!(&text, want, "{enc}");
            assert!(glyphs.iter().all(|g| g.mapped), "{enc}");
            assert!(!font.vertical);
        }
    }

    #[test]
    fn widths_through_cids() {
        // UCS2 'A' → CID 34 (not in W: DW); space → CID 1 (250).
        let (doc, dict) = type0("UniJIS-UCS2-H", japan1_cid_font());
        let font = Font::load(&doc, &dict, 1 << 20);
        let (_, g) = shown(&font, b"\x00\x20\x30\x42");
        assert_eq!(g[0].advance, 0.25);
        assert_eq!(g[1].advance, 1.0);
        // RKSJ one-byte codes → CID 231.. (500).
        let (doc, dict) = type0("90ms-RKSJ-H", japan1_cid_font());
        let font = Font::load(&doc, &dict, 1 << 20);
        let (_, g) = shown(&font, b"A \x82\xa0");
        assert_eq!(g[0].advance, 0.5);
        assert!(g[1].word_space);
        assert_eq!(g[2].advance, 1.0);
    }

    #[test]
    fn vertical_cmap() {
        let (doc, dict) = type0("UniJIS-UCS2-V", japan1_cid_font());
        let font = Font::load(&doc, &dict, 1 << 20);
        assert!(font.vertical);
        let (text, g) = shown(&font, b"\x30\x42");
        assert_eq!(text, "あ");
        assert_eq!(g[0].advance, -1.0);
    }

    #[test]
    fn unmapped_codes_become_replacement_characters() {
        let mut cid_font = japan1_cid_font();
        cid_font.set(
            "CIDSystemInfo",
            dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity") },
        );
        let (doc, dict) = type0("Identity-H", cid_font);
        let font = Font::load(&doc, &dict, 1 << 20);
        let (text, g) = shown(&font, b"\x03\x4b\x01");
        assert_eq!(text, "\u{FFFD}\u{FFFD}");
        assert!(g.iter().all(|g| !g.mapped));
    }

    #[test]
    fn simple_font_differences_and_widths() {
        let doc = Document::new();
        let dict = dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Foo",
            "FirstChar" => 65,
            "Widths" => vec![600.into(), 700.into()],
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![66.into(), Object::Name(b"uni3042".to_vec()), Object::Name(b"g7".to_vec())],
            },
        };
        let font = Font::load(&doc, &dict, 1 << 20);
        let (text, g) = shown(&font, b"ABC ");
        assert_eq!(text, "Aあ\u{FFFD} ");
        assert_eq!(g[0].advance, 0.6);
        assert!((g[1].advance - 0.7).abs() < 1e-6);
        assert!(!g[2].mapped);
        assert!(g[3].word_space);
    }
}
