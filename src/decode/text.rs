//! Text input: detect the encoding, decode, split into lines of cells.

use std::borrow::Cow;

use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};

use super::{DecodeError, Line};

/// A decoded text document.
#[derive(Debug)]
pub struct TextDocument {
    /// The encoding the bytes were read with (`UTF-8`, `Shift_JIS`, …).
    pub encoding: &'static str,
    /// The non-blank lines with their 1-based line numbers.
    pub lines: Vec<Line>,
    /// Characters that could not be decoded and were replaced by U+FFFD.
    pub replaced: usize,
}

/// Share of suspicious characters (C0 controls, NUL, U+FFFD) above which a
/// file is treated as binary rather than text.
const BINARY_THRESHOLD: f64 = 0.02;

/// Decodes a text document. The order of evidence: a BOM; valid UTF-8;
/// UTF-16 without a BOM (NUL bytes in every other position); then
/// chardetng's guess among the Japanese legacy encodings, checked by the
/// number of undecodable sequences.
pub fn decode(bytes: &[u8]) -> Result<TextDocument, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (text, encoding) = decode_bytes(bytes);
    // Decoding a large text takes a while: its time may be up already.
    out_of_time()?;
    let (total, replaced, controls) = counts(&text);
    let total = total.max(1);
    let suspicious = replaced + controls;
    if suspicious as f64 / total as f64 > BINARY_THRESHOLD {
        return Err(DecodeError::Binary {
            detail: format!(
                "{suspicious} of {total} characters are control or undecodable characters \
                 (best guess {})",
                encoding.name()
            ),
        });
    }
    let lines = split_lines(&text);
    out_of_time()?;
    if lines.is_empty() {
        return Err(DecodeError::NoText);
    }
    Ok(TextDocument {
        encoding: encoding.name(),
        lines,
        replaced,
    })
}

/// Fails when the document's time is up (`--timeout`); a cut-short result
/// is never returned.
fn out_of_time() -> Result<(), DecodeError> {
    match crate::limits::current_deadline() {
        Some(d) if d.passed() => Err(DecodeError::Limit(d.exceeded())),
        _ if crate::limits::interrupted().is_some() => {
            Err(DecodeError::Limit("the run was interrupted".into()))
        }
        _ => Ok(()),
    }
}

/// Characters, U+FFFD replacements and control characters (other than
/// tab, line feed, form feed and carriage return) in `text`, counted on
/// its bytes: this runs over every byte of a corpus.
fn counts(text: &str) -> (usize, usize, usize) {
    let b = text.as_bytes();
    // Two simple counts over every byte, which the compiler vectorises:
    // characters start at every byte that is not a continuation byte; C0
    // controls and DEL are single bytes.
    // Byte-wide counters per chunk (at most 255 each) keep it vectorised.
    let (mut total, mut controls) = (0usize, 0usize);
    for chunk in b.chunks(255) {
        let (mut t, mut c) = (0u8, 0u8);
        for &x in chunk {
            t += u8::from((x as i8) >= -0x40);
            let c0 = (x < 0x20) & (x != b'\t') & (x != b'\n') & (x != b'\r') & (x != 0x0C);
            c += u8::from(c0 | (x == 0x7F));
        }
        total += usize::from(t);
        controls += usize::from(c);
    }
    // C1 controls (C2 80–C2 9F) and U+FFFD (EF BF BD) by their lead bytes,
    // which Japanese text seldom holds.
    let mut replaced = 0;
    for i in memchr::memchr2_iter(0xC2, 0xEF, b) {
        match b[i..] {
            [0xC2, 0x80..0xA0, ..] => controls += 1,
            [0xEF, 0xBF, 0xBD, ..] => replaced += 1,
            _ => {}
        }
    }
    (total, replaced, controls)
}

fn decode_bytes(bytes: &[u8]) -> (Cow<'_, str>, &'static Encoding) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text, encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), UTF_8);
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return (text, encoding);
    }
    if mostly_utf8(bytes) {
        return (String::from_utf8_lossy(bytes), UTF_8);
    }
    // Bytes that are not UTF-8 hold at least one byte above 0x7F, so
    // ISO-2022-JP (7-bit) never decodes them cleanly, and the candidate
    // lists below all put the clean one of Shift_JIS and EUC-JP first when
    // only one is clean: chardetng's guess can change nothing then, and it
    // costs more than both strict decodes together.
    let sjis = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes);
    let euc = EUC_JP.decode_without_bom_handling_and_without_replacement(bytes);
    match (sjis, euc) {
        (Some(text), None) => return (text, SHIFT_JIS),
        (None, Some(text)) => return (text, EUC_JP),
        _ => {}
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let candidates: &[&'static Encoding] = if guess == EUC_JP {
        &[EUC_JP, SHIFT_JIS]
    } else if guess == ISO_2022_JP {
        &[ISO_2022_JP, SHIFT_JIS, EUC_JP]
    } else {
        &[SHIFT_JIS, EUC_JP]
    };
    // Take the first candidate that decodes cleanly, else the one with the
    // fewest replacements: chardetng's guess is a likelihood, the error
    // count is a fact.
    let mut best: Option<(Cow<'_, str>, &'static Encoding, usize)> = None;
    for &encoding in candidates {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        if !had_errors {
            return (text, encoding);
        }
        let errors = text.chars().filter(|&c| c == '\u{FFFD}').count();
        if best.as_ref().is_none_or(|b| errors < b.2) {
            best = Some((text, encoding, errors));
        }
    }
    match best {
        Some((text, encoding, _)) => (text, encoding),
        None => (String::from_utf8_lossy(bytes), UTF_8),
    }
}

/// Whether bytes that are not valid UTF-8 are still UTF-8 text with a few
/// damaged sequences (a flipped byte, a file cut inside a character): its
/// valid multi-byte characters far outnumber its invalid sequences. Text in
/// Shift_JIS or EUC-JP read as UTF-8 is the other way round, since their
/// byte pairs rarely form valid UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid, mut seen) = (0usize, 0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        // Lead bytes of valid UTF-8 count its non-ASCII characters.
        valid += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        invalid += usize::from(!chunk.invalid().is_empty());
        seen += chunk.valid().len() + chunk.invalid().len();
        // Even if the rest were all two-byte characters, the valid ones
        // could not catch up: stop early (most legacy files end here).
        if valid + (bytes.len() - seen) / 2 < 8 * invalid {
            return false;
        }
    }
    valid >= 8 * invalid.max(1)
}

/// UTF-16 text without a BOM shows NUL bytes in every other position for
/// the ASCII it holds (line ends at least).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let pairs = sample.len() / 2;
    // Japanese text in UTF-16 has few NULs (kana and kanji have none), so
    // the threshold is low, but the other half must be free of NULs.
    if odd * 10 >= pairs && even == 0 {
        Some(UTF_16LE)
    } else if even * 10 >= pairs && odd == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Splits on LF, CRLF or a lone CR; a last line without a newline is still
/// a line. Blank lines are dropped, but the numbers count them.
fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut number = 0u32;
    let mut rest = text;
    // A stop at the time limit leaves the lines cut short: the caller
    // checks the time and fails the document.
    while !rest.is_empty() && !crate::limits::out_of_time() {
        number += 1;
        let end = memchr::memchr2(b'\n', b'\r', rest.as_bytes());
        let (line, next) = match end {
            Some(i) => {
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], &rest[i + skip..])
            }
            None => (rest, ""),
        };
        rest = next;
        if line.trim().is_empty() {
            continue;
        }
        // Trailing empty cells are kept: `label\t` (a label whose value is
        // empty) is not the same row as a bare line of text.
        let mut cells = Vec::new();
        let mut start = 0;
        for tab in memchr::memchr_iter(b'\t', line.as_bytes()) {
            cells.push(line[start..tab].to_owned());
            start = tab + 1;
        }
        cells.push(line[start..].to_owned());
        lines.push(Line {
            page: None,
            line: number,
            cells,
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(doc: &TextDocument) -> Vec<(u32, Vec<&str>)> {
        doc.lines
            .iter()
            .map(|l| (l.line, l.cells.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn byte_counts_agree_with_characters() {
        let text = "a\u{0}\t\n\r\u{0C}\u{1B}\u{7F}\u{80}\u{85}\u{9F}\u{A0}¢漢\u{FFFD}😀\u{FFFD}";
        let chars = text.chars().count();
        let replaced = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let controls = text
            .chars()
            .filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}'))
            .count();
        assert_eq!(counts(text), (chars, replaced, controls));
        assert_eq!(counts(text), (17, 2, 6));
    }

    #[test]
    fn damaged_utf8_is_still_utf8() {
        let text =
            "①システムの名称\t成人保健情報管理システム\n②システムの機能\t健診の記録\n".repeat(8);
        let text = text.as_str();
        // Cut inside the last character, and a byte flipped in the middle.
        let mut bytes = text.as_bytes()[..text.len() - 2].to_vec();
        bytes[20] ^= 0x40;
        assert!(std::str::from_utf8(&bytes).is_err());
        let doc = decode(&bytes).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        // The flipped continuation byte becomes a lead byte: it and the
        // byte it orphans are two replacements; the cut character a third.
        assert_eq!(doc.replaced, 3);
        assert_eq!(doc.lines[1].cells[0], "②システムの機能");
        // The same text in Shift_JIS and EUC-JP is not taken for UTF-8.
        for enc in [SHIFT_JIS, EUC_JP] {
            let (legacy, _, _) = enc.encode(text);
            assert!(!mostly_utf8(&legacy), "{}", enc.name());
            assert_eq!(decode(&legacy).unwrap().encoding, enc.name());
        }
    }

    #[test]
    fn utf8_lines_and_cells() {
        let doc = decode("評価書番号\t評価書名\n50\t健康増進事業\t\n\n最後".as_bytes()).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert_eq!(
            cells(&doc),
            [
                (1, vec!["評価書番号", "評価書名"]),
                (2, vec!["50", "健康増進事業", ""]),
                (4, vec!["最後"]),
            ]
        );
    }

    #[test]
    fn crlf_lone_cr_and_bom() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("一\r\n二\r三\n".as_bytes());
        let doc = decode(&bytes).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert_eq!(
            cells(&doc),
            [(1, vec!["一"]), (2, vec!["二"]), (3, vec!["三"])]
        );
    }

    #[test]
    fn legacy_japanese_encodings() {
        let text = "川崎市長\t令和3年12月9日\n①事務の名称\t健康増進事業の実施に関する事務\n";
        for encoding in [SHIFT_JIS, EUC_JP] {
            let (bytes, _, _) = encoding.encode(text);
            let doc = decode(&bytes).unwrap();
            assert_eq!(doc.encoding, encoding.name());
            assert_eq!(doc.lines[1].cells[1], "健康増進事業の実施に関する事務");
        }
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "公表日\n令和3年12月9日\n";
        let mut le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let doc = decode(&le).unwrap();
        assert_eq!(doc.encoding, "UTF-16LE");
        le.splice(0..0, [0xFF, 0xFE]);
        let doc = decode(&le).unwrap();
        assert_eq!(doc.encoding, "UTF-16LE");
        assert_eq!(doc.lines[1].cells[0], "令和3年12月9日");
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert!(matches!(decode(b""), Err(DecodeError::Empty)));
        assert!(matches!(decode(b"\n \n\t\n"), Err(DecodeError::NoText)));
        // A simple deterministic byte soup standing in for random junk.
        let junk: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(matches!(decode(&junk), Err(DecodeError::Binary { .. })));
    }
}
