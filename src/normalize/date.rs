//! Dates as the forms write them → ISO 8601.
//!
//! Era dates (`令和3年12月9日`, `平成 30 年 12 月 13 日`, `令和元年`),
//! abbreviated era dates (`R2.6.30`, `H30.11.26`, `R2年6月30日`) and
//! western dates (`2021年12月9日`, `2021/12/9`). Digits may be full-width:
//! callers pass folded text or the parser folds it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::fold_width;

/// A calendar date; month and day are absent where the source gives none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl Date {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn to_iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.year, m),
            _ => format!("{:04}", self.year),
        }
    }
}

/// Era dates with kanji era names or their initials.
static ERA_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(令和|平成|昭和|大正|令|平|昭|[RHST])\s*(\d{1,2}|元)\s*(?:年|[./])\s*(?:(\d{1,2})\s*(?:月|[./])\s*(?:(\d{1,2})\s*日?)?)?",
    )
    .expect("era date pattern")
});

/// Western dates: `2021年12月9日`, `2021/12/09`, `2021-12-09`, `2021.12.9`.
static WESTERN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?|[/.\-](\d{1,2})[/.\-](\d{1,2}))",
    )
    .expect("western date pattern")
});

/// The first year of each era (the year its year 1 falls in).
fn era_base(era: &str) -> Option<i32> {
    Some(match era {
        "令和" | "令" | "R" => 2018,
        "平成" | "平" | "H" => 1988,
        "昭和" | "昭" | "S" => 1925,
        "大正" | "T" => 1911,
        _ => return None,
    })
}

/// Every date in `s`, with its byte range in `s`, in order.
///
/// ```
/// use hyokasho::normalize::find_dates;
/// let found = find_dates("令和3年12月9日公表 (R2.6.30諮問時)");
/// let iso: Vec<String> = found.iter().map(|(_, d)| d.to_iso()).collect();
/// assert_eq!(iso, ["2021-12-09", "2020-06-30"]);
/// ```
pub fn find_dates(s: &str) -> Vec<(Range<usize>, Date)> {
    // Folding keeps byte offsets only when nothing changes; dates in
    // full-width digits are found in the folded copy and reported over it.
    let folded = fold_width(s);
    let text = folded.as_str();
    let mut found: Vec<(Range<usize>, Date)> = Vec::new();
    for c in ERA_DATE.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        let era = &c[1];
        // An initial (`R`, `H`) must not be the end of a word (`PDF2.1`),
        // and needs the dotted form or 年.
        if era.is_ascii() {
            let before = text[..m.start()].chars().next_back();
            if before.is_some_and(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            if c.get(3).is_none() {
                continue;
            }
        }
        let Some(base) = era_base(era) else { continue };
        let year = if &c[2] == "元" {
            1
        } else {
            match c[2].parse::<i32>() {
                Ok(y) => y,
                Err(_) => continue,
            }
        };
        let month = c.get(3).and_then(|x| x.as_str().parse().ok());
        let day = month.and(c.get(4)).and_then(|x| x.as_str().parse().ok());
        if let Some(date) = checked(base + year, month, day) {
            found.push((m.range(), date));
        }
    }
    for c in WESTERN_DATE.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        if found
            .iter()
            .any(|(r, _)| r.start < m.end() && m.start() < r.end)
        {
            continue;
        }
        let before = text[..m.start()].chars().next_back();
        if before.is_some_and(|b| b.is_ascii_digit()) {
            continue;
        }
        let year = c[1].parse().unwrap_or(0);
        let month = c.get(2).or(c.get(4)).and_then(|x| x.as_str().parse().ok());
        let day = c.get(3).or(c.get(5)).and_then(|x| x.as_str().parse().ok());
        if let Some(date) = checked(year, month, day) {
            found.push((m.range(), date));
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// The date when it is a real calendar date.
fn checked(year: i32, month: Option<u32>, day: Option<u32>) -> Option<Date> {
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return None;
        }
        if let Some(d) = day
            && (d == 0 || d > days_in_month(year, m))
        {
            return None;
        }
    }
    Some(Date { year, month, day })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The first date in `s`.
///
/// ```
/// use hyokasho::normalize::parse_date;
/// assert_eq!(parse_date("平成 30 年 12 月 13 日").unwrap().to_iso(), "2018-12-13");
/// assert_eq!(parse_date("令和元年5月").unwrap().to_iso(), "2019-05");
/// ```
pub fn parse_date(s: &str) -> Option<Date> {
    find_dates(s).into_iter().next().map(|(_, d)| d)
}

/// The ISO form of the date `s` consists of, when `s` is nothing but a
/// date (allowing surrounding spaces and brackets).
pub fn iso_if_only_date(s: &str) -> Option<String> {
    let t = s.trim().trim_matches(['(', ')', '[', ']', ' ']);
    let (range, date) = find_dates(t).into_iter().next()?;
    let folded = fold_width(t);
    let rest = folded[..range.start].trim().len() + folded[range.end..].trim().len();
    (rest == 0).then(|| date.to_iso())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.to_iso())
    }

    #[test]
    fn era_dates() {
        assert_eq!(iso("令和3年12月9日").as_deref(), Some("2021-12-09"));
        assert_eq!(iso("令和4年7月22日").as_deref(), Some("2022-07-22"));
        assert_eq!(iso("平成28年4月").as_deref(), Some("2016-04"));
        assert_eq!(iso("令和元年").as_deref(), Some("2019"));
        assert_eq!(iso("昭和64年1月7日").as_deref(), Some("1989-01-07"));
        assert_eq!(iso("平成元年1月8日").as_deref(), Some("1989-01-08"));
    }

    #[test]
    fn spaced_and_full_width_digits() {
        assert_eq!(iso("平成 30 年 12 月 13 日").as_deref(), Some("2018-12-13"));
        assert_eq!(iso("令和３年１２月９日").as_deref(), Some("2021-12-09"));
    }

    #[test]
    fn initials_with_dots() {
        assert_eq!(iso("修正案(R2.6.30諮問時)").as_deref(), Some("2020-06-30"));
        assert_eq!(iso("H30.11.26").as_deref(), Some("2018-11-26"));
        assert_eq!(iso("R2.10.26現在").as_deref(), Some("2020-10-26"));
        // Not dates: a version number, a bare initial with a number.
        assert_eq!(iso("PDF2.1"), None);
        assert_eq!(iso("H30"), None);
    }

    #[test]
    fn western_dates() {
        assert_eq!(iso("2021年12月9日").as_deref(), Some("2021-12-09"));
        assert_eq!(iso("2021/12/09").as_deref(), Some("2021-12-09"));
        assert_eq!(iso("電話 2021-2-3").as_deref(), Some("2021-02-03"));
    }

    #[test]
    fn impossible_dates_are_not_dates() {
        assert_eq!(iso("令和3年13月1日"), None);
        assert_eq!(iso("令和3年2月30日").as_deref(), None);
    }

    #[test]
    fn several_dates_in_order() {
        let all = find_dates("平成27年9月10日 変更 令和2年1月");
        let iso: Vec<_> = all.iter().map(|(_, d)| d.to_iso()).collect();
        assert_eq!(iso, ["2015-09-10", "2020-01"]);
    }

    #[test]
    fn only_date() {
        assert_eq!(
            iso_if_only_date(" 令和4年7月22日 ").as_deref(),
            Some("2022-07-22")
        );
        assert_eq!(iso_if_only_date("令和4年7月22日 公表"), None);
    }
}
