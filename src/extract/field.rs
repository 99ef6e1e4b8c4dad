//! Reading the cell conventions of the forms: labelled fields, bracketed
//! choice answers with their options, and checkbox lists.
//!
//! Everything here works on normalised text (see [`crate::normalize`]):
//! checkboxes are already marks, widths folded, spaces collapsed.

use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::{self, CHECKED, UNCHECKED, UNKNOWN_BOX};
use crate::segment::Row;

/// The state of one checkbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Checked,
    Unchecked,
    /// The source does not say (`<input type="checkbox"/>` without state).
    Unknown,
}

/// One option of a checkbox list: `☑ その他 (中間サーバ)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckItem {
    pub mark: Mark,
    /// The option's text without its parenthesised detail (`その他`).
    pub name: String,
    /// The text written in the option's parentheses, when not empty.
    pub detail: Option<String>,
}

impl CheckItem {
    /// The option as written: `その他 (中間サーバ)` or `紙`.
    pub fn text(&self) -> String {
        match &self.detail {
            Some(d) => format!("{} ({d})", self.name),
            None => self.name.clone(),
        }
    }
}

fn mark_of(c: char) -> Option<Mark> {
    match c {
        CHECKED => Some(Mark::Checked),
        UNCHECKED => Some(Mark::Unchecked),
        UNKNOWN_BOX => Some(Mark::Unknown),
        _ => None,
    }
}

/// True when the text holds at least one checkbox mark.
pub fn has_marks(s: &str) -> bool {
    s.contains([CHECKED, UNCHECKED, UNKNOWN_BOX])
}

/// Splits a checkbox list into its options. Text before the first mark
/// (a group name such as `・識別情報`) is ignored.
///
/// ```
/// use hyokasho::extract::field::{checklist, Mark};
/// let items = checklist("☐ 紙 ☑ 庁内連携システム ☑ その他 (中間サーバ)");
/// assert_eq!(items.len(), 3);
/// assert_eq!(items[1].mark, Mark::Checked);
/// assert_eq!(items[2].detail.as_deref(), Some("中間サーバ"));
/// // A detail wrapped onto the next line is the option's.
/// let items = checklist("☑ その他\n(中間サーバ)");
/// assert_eq!(items[0].detail.as_deref(), Some("中間サーバ"));
/// ```
pub fn checklist(s: &str) -> Vec<CheckItem> {
    let mut items = Vec::new();
    let mut current: Option<(Mark, String)> = None;
    for c in s.chars() {
        if let Some(m) = mark_of(c) {
            if let Some((mark, text)) = current.take() {
                items.push(item(mark, &text));
            }
            current = Some((m, String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push(c);
        }
    }
    if let Some((mark, text)) = current {
        items.push(item(mark, &text));
    }
    items.retain(|i| !i.name.is_empty());
    items
}

/// The checked options of a checkbox list, as written, joined with `;`;
/// `None` when nothing is checked.
pub fn checked_options(s: &str) -> Option<String> {
    let checked: Vec<String> = checklist(s)
        .into_iter()
        .filter(|i| i.mark == Mark::Checked)
        .map(|i| i.text())
        .collect();
    (!checked.is_empty()).then(|| checked.join(";"))
}

fn item(mark: Mark, text: &str) -> CheckItem {
    // An option ends at a line break; what follows (a group name such as
    // `・連絡先等情報`) belongs to the next group, unless it is the option's
    // parenthesised detail, wrapped onto the next line (`その他\n(中間サーバ)`).
    let mut lines = text.split('\n').map(str::trim);
    let first = lines.next().unwrap_or("");
    let joined;
    let text = match lines.next() {
        Some(next) if !first.contains('(') && next.starts_with('(') && next.ends_with(')') => {
            joined = format!("{first} {next}");
            joined.as_str()
        }
        _ => first,
    };
    let text = text.trim_end_matches(['・', ' ']);
    let (name, detail) = match (text.find('('), text.ends_with(')')) {
        (Some(open), true) => {
            let detail = text[open + 1..text.len() - 1].trim();
            let detail = normalize::non_placeholder(detail).map(str::to_string);
            (text[..open].trim().to_string(), detail)
        }
        _ => (text.to_string(), None),
    };
    CheckItem { mark, name, detail }
}

/// A bracketed answer to a choice field and the options offered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChoiceAnswer {
    /// The text in the brackets (`十分である`); empty when nothing was chosen.
    pub answer: String,
    /// The options after `<選択肢>`, without their numbers.
    pub options: Vec<String>,
}

impl ChoiceAnswer {
    /// The 1-based number of the answer among the options.
    pub fn option_no(&self) -> Option<u32> {
        let a = normalize::compact(&self.answer);
        self.options
            .iter()
            .position(|o| normalize::compact(o) == a)
            .map(|i| i as u32 + 1)
    }

    /// The answer, or `None` when the bracket was empty.
    pub fn value(&self) -> Option<String> {
        normalize::non_placeholder(&self.answer).map(str::to_string)
    }
}

/// `[answer]`: brackets whose content is not a checkbox and has no nested
/// bracket.
static ANSWER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\s*([^\[\]\n]*?)\s*\]").expect("answer pattern"));

/// `1) option`: a number not preceded by `(` (which is `(1) 件`).
static OPTION_NO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^(\d])(\d{1,2})\)\s*").expect("option pattern"));

/// `(1) 件`, the entrustment/provision count written after options.
static COUNT_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\(\s*\d+\s*\)\s*件.*$").expect("count pattern"));

/// The bracketed answers in a text, with their byte offsets.
pub fn answers(s: &str) -> Vec<(usize, String)> {
    if !s.contains('[') {
        return Vec::new();
    }
    ANSWER
        .captures_iter(s)
        .filter_map(|c| {
            let inner = c.get(1)?;
            let text = inner.as_str();
            // `[☑]` cannot survive normalisation, but be safe; `[別添1]`-like
            // references are not answers either.
            if has_marks(text) || text.starts_with("別添") || text.starts_with('※') {
                return None;
            }
            Some((c.get(0)?.start(), text.to_string()))
        })
        .collect()
}

/// The options of a choice list in `s`: the text after `<選択肢>` (or
/// from the first `1)`), split at each `N)`.
///
/// ```
/// use hyokasho::extract::field::options;
/// assert_eq!(
///     options("<選択肢> 1) 委託する 2) 委託しない (1) 件"),
///     ["委託する", "委託しない"]
/// );
/// ```
pub fn options(s: &str) -> Vec<String> {
    let body = match s.find("<選択肢>") {
        Some(i) => &s[i + "<選択肢>".len()..],
        None => s,
    };
    if !body.contains(')') {
        return Vec::new();
    }
    let marks: Vec<(usize, usize, u32)> = OPTION_NO
        .captures_iter(body)
        .filter_map(|c| {
            let n = c.get(1)?;
            Some((n.start(), c.get(0)?.end(), n.as_str().parse().ok()?))
        })
        .collect();
    // Options are numbered 1, 2, 3…, but a table of options read row by
    // row lists them out of order (`1) … 3) … 2) …`): collect by number and
    // keep the run 1..n.
    let mut by_no: Vec<Option<String>> = Vec::new();
    for (i, &(_, text_start, no)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(body.len(), |m| m.0);
        let text = body[text_start..end].trim();
        let text = first_line_with_wrap(text);
        let text = COUNT_TAIL.replace(&text, "");
        let text = text.trim().trim_end_matches(['|', ' ']).trim();
        let slot = no as usize;
        if text.is_empty() || slot == 0 || slot > 40 {
            continue;
        }
        if by_no.len() < slot {
            by_no.resize(slot, None);
        }
        if by_no[slot - 1].is_none() {
            by_no[slot - 1] = Some(text.to_string());
        }
    }
    by_no.into_iter().map_while(|o| o).collect()
}

/// The first line of an option's text: a line that does not start another
/// option ends the list, except a parenthesised remark that a PDF line
/// wrap put on the next line (`…義務付けられない\n(任意に全項目評価を実施)`).
fn first_line_with_wrap(text: &str) -> String {
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or("").trim().to_string();
    if let Some(next) = lines.next().map(str::trim)
        && next.starts_with('(')
        && next.ends_with(')')
        && !next.contains(['。', ':'])
        && next.chars().count() <= 30
    {
        out.push_str(next);
    }
    out
}

/// A label with its circled item number: `③他のシステムとの接続 ※` →
/// (Some(3), `他のシステムとの接続`).
pub fn label_parts(label: &str) -> (Option<u32>, String) {
    let mut no = None;
    let mut text = String::with_capacity(label.len());
    for c in label.chars() {
        match normalize::circled_number(c) {
            Some(n) if no.is_none() => no = Some(n),
            _ => text.push(c),
        }
    }
    let text = text.replace('※', "");
    (no, normalize::compact(&text))
}

/// A row read as `label: value`. Rows of the forms put a group label in
/// the first cell and the item label in the second (`再委託 | ⑦再委託の有無
/// | [再委託する]`), or leave the first cell empty (`| 対象となる本人の数 |
/// [10万人以上]`); this finds the item label either way.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    pub label: &'a str,
    /// The remaining non-empty cells joined by a line break.
    pub value: String,
    pub row: &'a Row,
}

impl Field<'_> {
    /// The circled number and compact text of the label.
    pub fn parts(&self) -> (Option<u32>, String) {
        label_parts(self.label)
    }

    /// True when the compact label contains `word`.
    pub fn is(&self, word: &str) -> bool {
        normalize::compact(self.label).contains(word)
    }

    /// The value, `None` when it is a placeholder.
    pub fn text(&self) -> Option<String> {
        normalize::non_placeholder(&self.value).map(str::to_string)
    }

    /// The first bracketed answer of the value, with its options.
    pub fn choice(&self) -> Option<ChoiceAnswer> {
        let (_, answer) = answers(&self.value).into_iter().next()?;
        Some(ChoiceAnswer {
            answer,
            options: options(&self.value),
        })
    }
}

/// Reads a row as a field; `None` for rows with fewer than two filled
/// cells.
pub fn field(row: &Row) -> Option<Field<'_>> {
    let filled: Vec<&str> = row.filled_cells().collect();
    if filled.len() < 2 {
        return None;
    }
    let mut start = 0;
    // A group label followed by an item label: `再委託 | ⑦再委託の有無 ※ | …`.
    while start + 2 < filled.len() && looks_like_label(filled[start + 1]) {
        start += 1;
    }
    let label = filled[start];
    let first_value = filled[start + 1];
    // `再委託 | ⑦再委託の有無 ※ [再委託しない] <選択肢>…`: the item label
    // opens the value cell.
    if start == 0
        && label.chars().count() <= 8
        && !label
            .chars()
            .any(|c| normalize::circled_number(c).is_some())
        && first_value
            .chars()
            .next()
            .is_some_and(|c| normalize::circled_number(c).is_some())
    {
        let split = first_value.find('[').unwrap_or(first_value.len());
        let head = first_value[..split].trim();
        if head.chars().count() <= 30 && !head.contains('。') {
            let mut value = first_value[split..].trim().to_string();
            for cell in &filled[start + 2..] {
                if !value.is_empty() {
                    value.push('\n');
                }
                value.push_str(cell);
            }
            return Some(Field {
                label: head,
                value,
                row,
            });
        }
    }
    Some(Field {
        label,
        value: filled[start + 1..].join("\n"),
        row,
    })
}

/// A cell that reads as an item label rather than a value: it starts with
/// a circled number, or it is short and holds no answer, mark or sentence.
fn looks_like_label(cell: &str) -> bool {
    let first = cell.chars().next().unwrap_or(' ');
    if normalize::circled_number(first).is_some() {
        return true;
    }
    cell.chars().count() <= 16
        && !cell.contains(['[', '。', '、', '\n', '<'])
        && !has_marks(cell)
        && !cell.starts_with(|c: char| c.is_ascii_digit())
}

/// The names a cell lists: one a line or separated by `、`, with list
/// marks (`・`, `-`, `1)`, `(1)`, `①`) and placeholders left out. A `・`
/// inside a name (`中間サーバー・プラットフォーム`) is part of it.
pub fn split_list(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|line| line.split(['、', ',', '，', '/', '／', ';', '；']))
        .flat_map(split_at_marks)
        .map(strip_list_mark)
        .filter_map(|t| normalize::non_placeholder(t).map(str::to_string))
        .collect()
}

/// Splits a line where a list mark starts an item inside it: `・`, `(2)`,
/// `2)` or `②` after white space (`A ・B ・C`, `A (2)B (3)C`).
fn split_at_marks(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_space = false;
    for (i, c) in line.char_indices() {
        if prev_space && i > start && starts_item(&line[i..]) {
            out.push(&line[start..i]);
            start = i;
        }
        prev_space = c.is_whitespace();
    }
    out.push(&line[start..]);
    out
}

/// Whether `s` starts with a list mark followed by an item.
fn starts_item(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some('・' | '①'..='⑳') => true,
        Some('(') => {
            let rest = chars.as_str();
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            digits > 0 && rest[digits..].starts_with(')')
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            s[digits..].starts_with(')')
        }
        _ => false,
    }
}

/// A name without the mark that lists it.
fn strip_list_mark(item: &str) -> &str {
    let t = item.trim();
    let t = t
        .trim_start_matches(['・', '-', '‐', '●', '○', '◦', '•'])
        .trim_start();
    let t = t.trim_start_matches(|c: char| ('①'..='⑳').contains(&c));
    // `1)`, `(1)`, `1.`
    let digits = t.trim_start_matches('(');
    let after = digits.trim_start_matches(|c: char| c.is_ascii_digit());
    if after.len() < digits.len()
        && let Some(rest) = after.strip_prefix([')', '.'])
    {
        return rest.trim();
    }
    t.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklists_from_the_seeds() {
        let items = checklist(
            "☐ 情報提供ネットワークシステム ☑ 庁内連携システム ☑ 既存住民基本台帳システム ☐ その他 ()",
        );
        let checked: Vec<_> = items
            .iter()
            .filter(|i| i.mark == Mark::Checked)
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(checked, ["庁内連携システム", "既存住民基本台帳システム"]);
        assert_eq!(items[3].detail, None);
        let items = checklist("⬚ 紙\n⬚ 電子メール");
        assert_eq!(items.len(), 2);
        assert!(items.iter().all(|i| i.mark == Mark::Unknown));
        let items = checklist("☑ 提供を行っている ( 4 ) 件 ☐ 移転を行っている ( ) 件");
        assert_eq!(items[0].name, "提供を行っている ( 4 ) 件");
    }

    #[test]
    fn answers_and_options() {
        let s =
            "[十分である]\n<選択肢>\n1) 特に力を入れている 2) 十分である\n3) 課題が残されている";
        assert_eq!(answers(s), [(0, "十分である".to_string())]);
        assert_eq!(
            options(s),
            ["特に力を入れている", "十分である", "課題が残されている"]
        );
        let s = "[無料] <選択肢> 1) 有料 2) 無料\n(手数料額、納付方法: 閲覧は無料。)";
        assert_eq!(options(s), ["有料", "無料"]);
        let s = "<選択肢> 1) 義務付けられる 2) 義務付けられない\n(任意に全項目評価を実施)";
        assert_eq!(
            options(s),
            ["義務付けられる", "義務付けられない(任意に全項目評価を実施)"]
        );
        let c = ChoiceAnswer {
            answer: "10人以上50人未満".into(),
            options: options("<選択肢> 1) 10人未満 2) 10人以上50人未満 3) 50人以上"),
        };
        assert_eq!(c.option_no(), Some(2));
        assert_eq!(answers("[ 十分である ]")[0].1, "十分である");
        assert!(options("1,000人以上 2020年").is_empty());
    }

    #[test]
    fn labels() {
        assert_eq!(
            label_parts("③他のシステムとの接続 ※"),
            (Some(3), "他のシステムとの接続".to_string())
        );
        assert_eq!(
            label_parts("再委託 ⑦再委託の有無 ※"),
            (Some(7), "再委託再委託の有無".to_string())
        );
    }

    #[test]
    fn lists_of_names() {
        assert_eq!(
            split_list("児童手当システム、団体内統合宛名システム、中間サーバー"),
            ["児童手当システム", "団体内統合宛名システム", "中間サーバー"]
        );
        assert_eq!(
            split_list("・予防接種台帳システム\n・中間サーバー・プラットフォーム\n—"),
            ["予防接種台帳システム", "中間サーバー・プラットフォーム"]
        );
        assert_eq!(
            split_list("1) 台帳ファイル\n(2) 給付ファイル"),
            ["台帳ファイル", "給付ファイル"]
        );
        assert_eq!(
            split_list("障害者福祉システム ・団体内統合宛名システム ・中間サーバー"),
            [
                "障害者福祉システム",
                "団体内統合宛名システム",
                "中間サーバー"
            ]
        );
        assert_eq!(
            split_list("(1)台帳システム (2)宛名システム (3)中間サーバー・プラットフォーム"),
            [
                "台帳システム",
                "宛名システム",
                "中間サーバー・プラットフォーム"
            ]
        );
        assert_eq!(split_list("A/B／C"), ["A", "B", "C"]);
    }
}
