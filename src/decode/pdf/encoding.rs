//! Single-byte encodings of simple fonts and glyph names.

/// A base encoding of a simple font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    WinAnsi,
    MacRoman,
    Standard,
}

impl BaseEncoding {
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            _ => None,
        }
    }

    /// The character of a code, if the encoding defines one.
    pub fn char_of(self, code: u8) -> Option<char> {
        if code < 0x20 {
            return None;
        }
        match self {
            BaseEncoding::WinAnsi => {
                let bytes = [code];
                let (s, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
                (!bad).then(|| s.chars().next()).flatten()
            }
            BaseEncoding::MacRoman => {
                let bytes = [code];
                let (s, _, bad) = encoding_rs::MACINTOSH.decode(&bytes);
                (!bad).then(|| s.chars().next()).flatten()
            }
            BaseEncoding::Standard => standard(code),
        }
    }
}

/// Adobe StandardEncoding.
fn standard(code: u8) -> Option<char> {
    let c = match code {
        0x27 => '\u{2019}',
        0x60 => '\u{2018}',
        0x20..=0x7E => code as char,
        0xA1 => '¡',
        0xA2 => '¢',
        0xA3 => '£',
        0xA4 => '⁄',
        0xA5 => '¥',
        0xA6 => 'ƒ',
        0xA7 => '§',
        0xA8 => '¤',
        0xA9 => '\'',
        0xAA => '“',
        0xAB => '«',
        0xAC => '‹',
        0xAD => '›',
        0xAE => 'ﬁ',
        0xAF => 'ﬂ',
        0xB1 => '–',
        0xB2 => '†',
        0xB3 => '‡',
        0xB4 => '·',
        0xB6 => '¶',
        0xB7 => '•',
        0xB8 => '‚',
        0xB9 => '„',
        0xBA => '”',
        0xBB => '»',
        0xBC => '…',
        0xBD => '‰',
        0xBF => '¿',
        0xC1 => '`',
        0xC2 => '´',
        0xC3 => 'ˆ',
        0xC4 => '˜',
        0xC5 => '¯',
        0xC6 => '˘',
        0xC7 => '˙',
        0xC8 => '¨',
        0xCA => '˚',
        0xCB => '¸',
        0xCD => '˝',
        0xCE => '˛',
        0xCF => 'ˇ',
        0xD0 => '—',
        0xE1 => 'Æ',
        0xE3 => 'ª',
        0xE8 => 'Ł',
        0xE9 => 'Ø',
        0xEA => 'Œ',
        0xEB => 'º',
        0xF1 => 'æ',
        0xF5 => 'ı',
        0xF8 => 'ł',
        0xF9 => 'ø',
        0xFA => 'œ',
        0xFB => 'ß',
        _ => return None,
    };
    Some(c)
}

/// Common Adobe Glyph List names (ASCII punctuation and the Latin-1 and
/// typographic names PDF writers use in `/Differences`).
const NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("quoteright", '’'),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("quoteleft", '‘'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    ("bullet", '•'),
    ("endash", '–'),
    ("emdash", '—'),
    ("ellipsis", '…'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("quotesinglbase", '‚'),
    ("quotedblbase", '„'),
    ("dagger", '†'),
    ("daggerdbl", '‡'),
    ("perthousand", '‰'),
    ("guilsinglleft", '‹'),
    ("guilsinglright", '›'),
    ("guillemotleft", '«'),
    ("guillemotright", '»'),
    ("trademark", '™'),
    ("copyright", '©'),
    ("registered", '®'),
    ("degree", '°'),
    ("plusminus", '±'),
    ("multiply", '×'),
    ("divide", '÷'),
    ("minus", '−'),
    ("section", '§'),
    ("paragraph", '¶'),
    ("periodcentered", '·'),
    ("middot", '·'),
    ("yen", '¥'),
    ("sterling", '£'),
    ("cent", '¢'),
    ("Euro", '€'),
    ("nbspace", '\u{a0}'),
    ("fi", 'ﬁ'),
    ("fl", 'ﬂ'),
    ("dotlessi", 'ı'),
    ("germandbls", 'ß'),
    ("circumflex", 'ˆ'),
    ("tilde", '˜'),
    ("macron", '¯'),
    ("dieresis", '¨'),
    ("acute", '´'),
    ("cedilla", '¸'),
    ("exclamdown", '¡'),
    ("questiondown", '¿'),
    ("florin", 'ƒ'),
    ("fraction", '⁄'),
    ("currency", '¤'),
    ("brokenbar", '¦'),
    ("logicalnot", '¬'),
    ("mu", 'µ'),
    ("onehalf", '½'),
    ("onequarter", '¼'),
    ("threequarters", '¾'),
    ("ordfeminine", 'ª'),
    ("ordmasculine", 'º'),
    ("Agrave", 'À'),
    ("Aacute", 'Á'),
    ("Adieresis", 'Ä'),
    ("Aring", 'Å'),
    ("AE", 'Æ'),
    ("Ccedilla", 'Ç'),
    ("Eacute", 'É'),
    ("Ntilde", 'Ñ'),
    ("Odieresis", 'Ö'),
    ("Oslash", 'Ø'),
    ("Udieresis", 'Ü'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("acircumflex", 'â'),
    ("adieresis", 'ä'),
    ("aring", 'å'),
    ("ae", 'æ'),
    ("ccedilla", 'ç'),
    ("egrave", 'è'),
    ("eacute", 'é'),
    ("ecircumflex", 'ê'),
    ("edieresis", 'ë'),
    ("iacute", 'í'),
    ("ntilde", 'ñ'),
    ("oacute", 'ó'),
    ("odieresis", 'ö'),
    ("oslash", 'ø'),
    ("uacute", 'ú'),
    ("udieresis", 'ü'),
    ("OE", 'Œ'),
    ("oe", 'œ'),
];

/// The character a glyph name stands for: `uniXXXX`, `uXXXX[XX]`, a single
/// ASCII letter, or a common Adobe Glyph List name (`.suffix` variants
/// included).
pub fn glyph_name_to_unicode(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.split('.').next().unwrap_or(name);
    let base = base.split('_').next().unwrap_or(base);
    if base.len() == 1 && base.as_bytes()[0].is_ascii_alphabetic() {
        return base.chars().next();
    }
    if let Some(hex) = base.strip_prefix("uni").and_then(|h| h.get(..4))
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        return char::from_u32(v);
    }
    if let Some(hex) = base.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        return char::from_u32(v);
    }
    NAMES.iter().find(|(n, _)| *n == base).map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_to_unicode(b"A"), Some('A'));
        assert_eq!(glyph_name_to_unicode(b"uni3042"), Some('あ'));
        assert_eq!(glyph_name_to_unicode(b"u20BB7"), Some('𠮷'));
        assert_eq!(glyph_name_to_unicode(b"parenleft"), Some('('));
        assert_eq!(glyph_name_to_unicode(b"one.alt"), Some('1'));
        assert_eq!(glyph_name_to_unicode(b"g123"), None);
        assert_eq!(glyph_name_to_unicode(b"\xff"), None);
        assert_eq!(glyph_name_to_unicode("uni12あ".as_bytes()), None);
    }

    #[test]
    fn base_encodings() {
        assert_eq!(BaseEncoding::WinAnsi.char_of(0x41), Some('A'));
        assert_eq!(BaseEncoding::WinAnsi.char_of(0x93), Some('“'));
        assert_eq!(BaseEncoding::MacRoman.char_of(0xD2), Some('“'));
        assert_eq!(BaseEncoding::Standard.char_of(0x27), Some('’'));
        assert_eq!(BaseEncoding::Standard.char_of(0x05), None);
    }
}
