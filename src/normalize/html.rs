//! HTML left in cells by text converters: tags, entities, checkbox inputs.
//!
//! The seeds were rendered from PDFs by converters that wrote HTML
//! fragments into cells (`<p>`, `<ul><li>`, `<table>`, `<input
//! type="checkbox"/>`). Tags are read the way a browser would before
//! entities are decoded, so `&lt;選択肢&gt;` ends as the text `<選択肢>`
//! and text in angle brackets that is not an HTML tag (`<宛名番号>`) stays.

use super::{CHECKED, UNKNOWN_BOX};

/// What a tag turns into in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagEffect {
    /// Inline markup (`<b>`, `<span>`…): nothing.
    Inline,
    /// A block boundary (`<p>`, `<li>`, `<br>`, `<tr>`…): a line break.
    Break,
    /// A table cell boundary inside a nested table: a space.
    Cell,
    /// A checkbox or radio input: its mark.
    Mark(char),
}

/// Removes HTML tags, keeping the structure they carried: block tags become
/// line breaks, table cells are separated by a space, and checkbox/radio
/// inputs become [`CHECKED`] when they carry a `checked` attribute and
/// [`UNKNOWN_BOX`] when they do not (an input without its state says nothing
/// about whether the box was ticked). Text in angle brackets that is not a
/// tag is kept.
///
/// ```
/// use hyokasho::normalize::strip_tags;
/// assert_eq!(strip_tags("<p>a</p><p>b</p>"), "\na\n\nb\n");
/// assert_eq!(strip_tags("<input checked=\"\" type=\"checkbox\"/> 紙"), "☑ 紙");
/// assert_eq!(strip_tags("<宛名番号>"), "<宛名番号>");
/// ```
pub fn strip_tags(s: &str) -> String {
    if memchr::memchr(b'<', s.as_bytes()).is_none() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = memchr::memchr(b'<', rest.as_bytes()) {
        out.push_str(&rest[..pos]);
        let candidate = &rest[pos..];
        match parse_tag(candidate) {
            Some((len, effect)) => {
                match effect {
                    TagEffect::Inline => {}
                    TagEffect::Break => out.push('\n'),
                    TagEffect::Cell => out.push(' '),
                    TagEffect::Mark(m) => out.push(m),
                }
                rest = &candidate[len..];
            }
            None => {
                out.push('<');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads an HTML tag or comment at the start of `s` (which starts with
/// `<`): its length in bytes and its effect, or `None` when it is not one.
fn parse_tag(s: &str) -> Option<(usize, TagEffect)> {
    if let Some(body) = s.strip_prefix("<!--") {
        let end = body.find("-->")?;
        return Some((4 + end + 3, TagEffect::Inline));
    }
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let name = &s[name_start..i];
    if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    // After the name: whitespace, `/` or `>`; anything else (`<p色>`) is text.
    match bytes.get(i) {
        Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r') => {}
        _ => return None,
    }
    let name = name.to_ascii_lowercase();
    if !is_html_tag(&name) {
        return None;
    }
    let end = s[i..].find('>')? + i;
    // A `<` before the `>` means the tag never closed: treat as text.
    if s[i..end].contains('<') {
        return None;
    }
    let attrs = &s[i..end];
    let effect = match name.as_str() {
        "input" if !closing => {
            let a = attrs.to_ascii_lowercase();
            if a.contains("checkbox") || a.contains("radio") {
                if has_checked_attr(&a) {
                    TagEffect::Mark(CHECKED)
                } else {
                    TagEffect::Mark(UNKNOWN_BOX)
                }
            } else {
                TagEffect::Inline
            }
        }
        "p" | "li" | "br" | "tr" | "div" | "ul" | "ol" | "table" | "h1" | "h2" | "h3" | "h4"
        | "h5" | "h6" | "dl" | "dt" | "dd" | "hr" | "tbody" | "thead" => TagEffect::Break,
        "td" | "th" => TagEffect::Cell,
        _ => TagEffect::Inline,
    };
    Some((end + 1, effect))
}

/// True when the attribute text holds a `checked` attribute (`checked`,
/// `checked=""`, `checked="checked"`), not merely the word in a value.
fn has_checked_attr(attrs: &str) -> bool {
    attrs.match_indices("checked").any(|(i, _)| {
        let before = attrs[..i].chars().next_back();
        let after = attrs[i + 7..].chars().next();
        matches!(before, Some(' ' | '\t' | '\n')) && matches!(after, None | Some('=' | ' ' | '/'))
    })
}

/// The tag names treated as HTML. Others in ASCII angle brackets
/// (`<Ver.2>`) are text.
fn is_html_tag(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "i"
            | "u"
            | "s"
            | "p"
            | "br"
            | "hr"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "div"
            | "span"
            | "font"
            | "strong"
            | "em"
            | "small"
            | "big"
            | "sup"
            | "sub"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "input"
            | "label"
            | "img"
            | "center"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "code"
            | "strike"
            | "del"
            | "ins"
            | "mark"
            | "caption"
            | "col"
            | "colgroup"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "blockquote"
    )
}

/// Decodes HTML character references: the common named ones and numeric
/// ones (`&#12354;`, `&#x3042;`). An unknown or malformed reference is
/// left as written.
///
/// ```
/// use hyokasho::normalize::decode_entities;
/// assert_eq!(decode_entities("&lt;選択肢&gt; &amp; &#x3042;"), "<選択肢> & あ");
/// ```
pub fn decode_entities(s: &str) -> String {
    if memchr::memchr(b'&', s.as_bytes()).is_none() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..pos]);
        let candidate = &rest[pos..];
        let semi = candidate
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = semi.and_then(|end| entity(&candidate[1..end]).map(|c| (c, end + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &candidate[len..];
            }
            None => {
                out.push('&');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference name (`lt`, `#60`, `#x3C`) stands for.
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        // NUL and surrogates are not characters a document can mean.
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "yen" => '¥',
        "times" => '×',
        "divide" => '÷',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "minus" => '−',
        "rarr" => '→',
        "larr" => '←',
        "uarr" => '↑',
        "darr" => '↓',
        "copy" => '©',
        "reg" => '®',
        "middot" => '·',
        "laquo" => '«',
        "raquo" => '»',
        "sect" => '§',
        "deg" => '°',
        "plusmn" => '±',
        _ => return None,
    })
}

/// The cells of a line that is one HTML table row (`<tr><td>a</td><td>b</td></tr>`),
/// as their HTML; `None` for any other line. Converters write tables a row
/// a line; their cells are the row's cells, as tabs are elsewhere.
pub fn table_row_cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    // Runs on every single-cell line: no copy unless it is a row.
    let is_row = t.get(..3).is_some_and(|h| h.eq_ignore_ascii_case("<tr"))
        && t.len() >= 5
        && t.get(t.len() - 5..)
            .is_some_and(|e| e.eq_ignore_ascii_case("</tr>"));
    if !is_row {
        return None;
    }
    let mut cells = Vec::new();
    let mut rest = t;
    while let Some(start) = find_cell_start(rest) {
        let open_end = rest[start..].find('>')? + start + 1;
        let body = &rest[open_end..];
        let end = find_cell_end(body).unwrap_or(body.len());
        cells.push(body[..end].to_string());
        rest = &body[end..];
    }
    (!cells.is_empty()).then_some(cells)
}

fn find_cell_start(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    [lower.find("<td"), lower.find("<th")]
        .into_iter()
        .flatten()
        .min()
}

fn find_cell_end(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    [
        lower.find("</td"),
        lower.find("</th"),
        lower.find("<td"),
        lower.find("<th"),
    ]
    .into_iter()
    .flatten()
    .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_tags_become_breaks_and_inline_tags_vanish() {
        assert_eq!(
            strip_tags(
                "<ul style=\"list-style-type: none\"> <li>1. 接種</li> <li>2. 管理</li></ul>"
            ),
            "\n \n1. 接種\n \n2. 管理\n\n"
        );
        assert_eq!(strip_tags("<b>Ⅲ</b> <u>リスク</u>"), "Ⅲ リスク");
        assert_eq!(strip_tags("a<br/>b<br>c"), "a\nb\nc");
    }

    #[test]
    fn checkbox_inputs_become_marks() {
        assert_eq!(
            strip_tags("[<input checked=\"checked\" type=\"checkbox\"/>] 庁内連携システム"),
            "[☑] 庁内連携システム"
        );
        assert_eq!(strip_tags("<input type=\"checkbox\"/> 紙"), "⬚ 紙");
        assert_eq!(strip_tags("[ <input type=\"radio\"/> ] 本人"), "[ ⬚ ] 本人");
        assert_eq!(strip_tags("<input checked type=\"radio\"/>x"), "☑x");
        // `checked` inside a value is not the attribute.
        assert_eq!(
            strip_tags("<input type=\"checkbox\" value=\"unchecked\"/>"),
            "⬚"
        );
    }

    #[test]
    fn angle_bracket_text_that_is_not_a_tag_stays() {
        assert_eq!(strip_tags("<選択肢> 1) 実施する"), "<選択肢> 1) 実施する");
        assert_eq!(strip_tags("<宛名番号>"), "<宛名番号>");
        assert_eq!(strip_tags("a < b > c"), "a < b > c");
        assert_eq!(strip_tags("<Ver.2>"), "<Ver.2>");
        assert_eq!(strip_tags("<p never closed"), "<p never closed");
        assert_eq!(strip_tags("x<!-- note -->y"), "xy");
    }

    #[test]
    fn nested_table_cells_are_spaced_and_rows_broken() {
        assert_eq!(
            strip_tags(
                "<table border=\"0\"> <tr> <td>1) 十分</td> <td>2) 課題</td> </tr> </table>"
            ),
            "\n \n  1) 十分   2) 課題  \n \n"
        );
    }

    #[test]
    fn entities_decode_after_tags() {
        let s = strip_tags("<span>&lt;選択肢&gt; 1) 再委託する</span>");
        assert_eq!(decode_entities(&s), "<選択肢> 1) 再委託する");
        assert_eq!(
            decode_entities("&nbsp;&#12354;&#x3044;&bogus; & ;"),
            "\u{a0}あい&bogus; & ;"
        );
        assert_eq!(decode_entities("&#0;&#xD800;"), "&#0;&#xD800;");
    }

    #[test]
    fn a_table_row_line_gives_its_cells() {
        assert_eq!(
            table_row_cells("<tr><th>評価書番号</th><th>評価書名</th></tr>"),
            Some(vec!["評価書番号".to_string(), "評価書名".to_string()])
        );
        assert_eq!(
            table_row_cells("<tr><td colspan=\"2\">宣言 <b>文</b></td></tr>"),
            Some(vec!["宣言 <b>文</b>".to_string()])
        );
        assert_eq!(table_row_cells("<p>本文</p>"), None);
        assert_eq!(table_row_cells("<tr>"), None);
    }
}
