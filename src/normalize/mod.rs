//! Japanese text normalisation rules (temporary minimal version).
use std::borrow::Cow;
pub const CHECKED: char = '☑';
pub const UNCHECKED: char = '☐';
pub const UNKNOWN_BOX: char = '⬚';
pub fn normalize_text(s: &str) -> String {
    let s = s.replace("&lt;", "<").replace("&gt;", ">");
    let re = regex::Regex::new(r"</?(p|ul|li|b|div|table|tr|td|span|ol)\b[^>]*>").unwrap();
    let s = re.replace_all(&s, " ");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
pub fn is_placeholder(s: &str) -> bool {
    matches!(s, "" | "—" | "-" | "ー" | "―" | "(記載なし)" | "(略)")
}
pub fn value(s: &str) -> Option<String> {
    let v = normalize_text(s);
    (!is_placeholder(&v)).then_some(v)
}
pub fn is_unchanged(s: &str) -> bool {
    s == "変更なし"
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: Option<u32>,
}
impl Date {
    pub fn to_iso(&self) -> String {
        match self.day {
            Some(d) => format!("{:04}-{:02}-{:02}", self.year, self.month, d),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }
}
pub fn parse_date(s: &str) -> Option<Date> {
    let re =
        regex::Regex::new(r"(令和|平成)\s*(\d+|元)\s*年\s*(\d+)\s*月\s*(?:(\d+)\s*日)?").unwrap();
    let c = re.captures(s)?;
    let y: i32 = if &c[2] == "元" {
        1
    } else {
        c[2].parse().ok()?
    };
    let base = if &c[1] == "令和" { 2018 } else { 1988 };
    Some(Date {
        year: base + y,
        month: c[3].parse().ok()?,
        day: c.get(4).and_then(|d| d.as_str().parse().ok()),
    })
}
pub fn find_dates(s: &str) -> Vec<(std::ops::Range<usize>, Date)> {
    parse_date(s)
        .map(|d| vec![(0..s.len(), d)])
        .unwrap_or_default()
}
pub fn fold_width(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}
