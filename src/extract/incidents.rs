//! The `incidents` table.
//!
//! The annex 個人情報に関する重大事故について (section `incidents`) holds
//! blocks `事案 N <title>`, each with labelled parts: 【事案の内容】 ①発生(発覚)時期
//! ②事案の概要 ③原因 ④影響 ⑤事故発生(発覚)時の対応, then 【再発防止策の内容】.
//! Each part's text is the rows below its label (or the cells beside it),
//! one line per row.

use std::sync::LazyLock;

use crate::diag::Warning;
use crate::normalize;
use crate::segment::{self, CELL_SEPARATOR, Row};
use regex::Regex;

crate::record! {
    /// 個人情報に関する重大事故について: one row per 事案.
    pub struct Incident in "incidents" {
        #[doc = crate::meaning!(doc_id)]
        pub doc_id: String,
        /// N of 事案 N
        pub incident_no: u32,
        /// the title after 事案 N
        pub title: Option<String>,
        /// 発生(発覚)時期: ISO 8601 where it can be read, else the words
        // ISO date where the 発生(発覚)時期 is a date, or names the date the
        // incident came to light (`…令和2年6月8日に…判明`); else the text as written.
        pub discovered: Option<String>,
        /// 事案の概要
        pub summary: Option<String>,
        /// 原因
        pub cause: Option<String>,
        /// 影響
        pub impact: Option<String>,
        /// 事故発生(発覚)時の対応
        pub response: Option<String>,
        /// 再発防止策の内容
        pub prevention: Option<String>,
        #[doc = crate::meaning!(page)]
        pub page: Option<u32>,
        #[doc = crate::meaning!(line)]
        pub line: u32,
    }
}

/// The labelled parts of a 事案.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// 【事案の内容】: a label that holds other labels.
    Container,
    Discovered,
    Summary,
    Cause,
    Impact,
    Response,
    Prevention,
}

const PARTS: usize = 6;

impl Part {
    fn index(self) -> Option<usize> {
        match self {
            Part::Container => None,
            Part::Discovered => Some(0),
            Part::Summary => Some(1),
            Part::Cause => Some(2),
            Part::Impact => Some(3),
            Part::Response => Some(4),
            Part::Prevention => Some(5),
        }
    }
}

/// `事案 1 税の委託業務における無許諾での再委託`, `事案2:…`.
static INCIDENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^事案\s*(\d{1,3})\s*[:.、。)\]]?\s*(.*)$").expect("incident pattern")
});

/// The part a label names, for a cell that looks like a label: a heading,
/// a numbered (`①`, `1.`) or bracketed (`【…】`) cell, or a bare part name.
fn part_of(cell: &str, is_heading: bool) -> Option<Part> {
    let t = normalize::compact(cell);
    let mut marked = is_heading;
    let mut s = t.as_str();
    if let Some(c) = s.chars().next()
        && normalize::circled_number(c).is_some()
    {
        s = &s[c.len_utf8()..];
        marked = true;
    } else if let Some(rest) = s
        .strip_prefix(|c: char| c.is_ascii_digit())
        .and_then(|r| r.strip_prefix(['.', ')']))
    {
        s = rest;
        marked = true;
    }
    if let Some(inner) = s
        .strip_prefix(['【', '['])
        .and_then(|r| r.strip_suffix(['】', ']']))
    {
        s = inner;
        marked = true;
    }
    let s = s.trim_end_matches([':', '：']);
    if s.is_empty() || s.chars().count() > 20 {
        return None;
    }
    let part = if matches!(s, "事案の内容" | "事故の内容" | "内容") {
        Part::Container
    } else if s.contains("再発防止") {
        Part::Prevention
    } else if s.contains("時期") || s.starts_with("発生日") || s.starts_with("発覚日") {
        Part::Discovered
    } else if s.contains("概要") {
        Part::Summary
    } else if s.ends_with("原因") {
        Part::Cause
    } else if s.contains("影響") {
        Part::Impact
    } else if s.ends_with("対応") {
        Part::Response
    } else {
        return None;
    };
    let bare = matches!(
        s,
        "事案の概要" | "原因" | "影響" | "再発防止策" | "再発防止策の内容" | "発生時期"
    );
    (marked || bare).then_some(part)
}

/// The ISO date of a 発生(発覚)時期: its first line is a date, or one
/// sentence says when the incident came to light (判明, 発覚, 発見) and
/// names one full date.
fn discovered_iso(text: &str) -> Option<String> {
    if let Some(iso) = text.lines().next().and_then(normalize::iso_if_only_date) {
        return Some(iso);
    }
    for sentence in text.split(['。', '\n']) {
        if !["判明", "発覚", "発見"]
            .iter()
            .any(|w| sentence.contains(w))
        {
            continue;
        }
        let dates: Vec<_> = normalize::find_dates(sentence)
            .into_iter()
            .filter(|(_, d)| d.day.is_some())
            .collect();
        if let [(_, d)] = dates.as_slice() {
            return Some(d.to_iso());
        }
    }
    None
}

/// An incident being read.
struct Open {
    record: Incident,
    part: Option<Part>,
    texts: [Vec<String>; PARTS],
}

impl Open {
    fn finish(self) -> Incident {
        let Open {
            mut record, texts, ..
        } = self;
        let [discovered, summary, cause, impact, response, prevention] = texts.map(|lines| {
            let text = lines.join("\n");
            normalize::non_placeholder(&text).map(str::to_string)
        });
        record.discovered = discovered.map(|d| discovered_iso(&d).unwrap_or(d));
        record.summary = summary;
        record.cause = cause;
        record.impact = impact;
        record.response = response;
        record.prevention = prevention;
        record
    }

    fn push(&mut self, text: String, row: &Row, warnings: &mut Vec<Warning>) {
        match self.part.and_then(Part::index) {
            Some(i) => self.texts[i].push(text),
            None => warnings.push(
                Warning::new(
                    "unlabelled_text",
                    format!(
                        "text under 事案 {} outside any known part",
                        self.record.incident_no
                    ),
                )
                .at(row.page, Some(row.line)),
            ),
        }
    }
}

/// The incident records of a document's 重大事故 annex, one per 事案.
pub fn extract(doc_id: &str, rows: &[Row], warnings: &mut Vec<Warning>) -> Vec<Incident> {
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    for row in rows {
        if row.part != segment::Part::Incidents {
            continue;
        }
        let cells: Vec<&str> = row.filled_cells().collect();
        let Some(first) = cells.first() else {
            continue;
        };
        if let Some(m) = INCIDENT.captures(first) {
            if let Some(o) = open.take() {
                out.push(o.finish());
            }
            let no: u32 = m[1].parse().unwrap_or_default();
            let title = match m[2].trim() {
                "" => cells[1..].join(CELL_SEPARATOR),
                t => t.to_string(),
            };
            open = Some(Open {
                record: Incident {
                    doc_id: doc_id.to_string(),
                    incident_no: no,
                    title: normalize::non_placeholder(&title).map(str::to_string),
                    page: row.page,
                    line: row.line,
                    ..Incident::default()
                },
                part: None,
                texts: Default::default(),
            });
            continue;
        }
        let Some(o) = open.as_mut() else {
            continue; // the annex title, or text before the first 事案
        };
        if let Some(part) = part_of(first, row.heading.is_some()) {
            o.part = Some(part);
            if cells.len() > 1 {
                o.push(cells[1..].join(CELL_SEPARATOR), row, warnings);
            }
            continue;
        }
        o.push(cells.join(CELL_SEPARATOR), row, warnings);
    }
    if let Some(o) = open {
        out.push(o.finish());
    }
    // Numbered in the document when the 事案 numbers are missing or repeat.
    let numbers: Vec<u32> = out.iter().map(|i| i.incident_no).collect();
    let sequential = numbers.iter().zip(1..).all(|(n, i)| *n == i);
    if !sequential {
        warnings.push(Warning::new(
            "incident_numbers",
            format!("事案 numbers {numbers:?} are not 1, 2, …: renumbered in order"),
        ));
        for (i, rec) in out.iter_mut().enumerate() {
            rec.incident_no = i as u32 + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Section;
    use std::sync::Arc;

    fn row(line: u32, heading: Option<u8>, cells: &[&str]) -> Row {
        let cells: Vec<String> = cells.iter().map(|c| normalize::normalize_text(c)).collect();
        Row {
            row_no: line,
            page: None,
            line,
            section: Section::Incidents,
            part: crate::segment::Part::Incidents,
            item: 0,
            path: Arc::from(Vec::new()),
            heading,
            label: cells.first().cloned().unwrap_or_default(),
            value: String::new(),
            raw: cells.join("\t"),
            cells,
            file_no: 0,
            is_header: false,
        }
    }

    #[test]
    fn blocks_with_labelled_parts() {
        let rows = vec![
            row(1, Some(1), &["個人情報に関する重大事故について"]),
            row(2, Some(2), &["事案 1 税の委託業務における無許諾での再委託"]),
            row(3, Some(3), &["【事案の内容】"]),
            row(4, Some(4), &["①発生（発覚）時期"]),
            row(5, None, &["平成 30 年 12 月 13 日"]),
            row(
                6,
                None,
                &["※委託期間は平成 29 年 12 月 18 日～平成 30 年 3 月 31 日"],
            ),
            row(7, Some(4), &["②事案の概要"]),
            row(8, None, &["概要の文"]),
            row(9, Some(4), &["③原因"]),
            row(10, None, &["原因の文"]),
            row(11, Some(4), &["④影響"]),
            row(12, None, &["影響1"]),
            row(13, None, &["・影響2"]),
            row(14, Some(4), &["⑤事故発生（発覚）時の対応"]),
            row(15, None, &["・対応"]),
            row(16, Some(3), &["【再発防止策の内容】"]),
            row(17, None, &["防止策"]),
            row(18, Some(2), &["事案 2 乳幼児健康診査受診票等の誤廃棄"]),
            row(
                19,
                None,
                &[
                    "①発生時期",
                    "発生日不明（平成 28 年 1 月から令和 2 年 6 月までの間）。令和 2 年 6 月 8 日に所在不明の事実が判明。",
                ],
            ),
            row(20, None, &["③原因", "原因2"]),
        ];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(got.len(), 2);
        let i = &got[0];
        assert_eq!(i.incident_no, 1);
        assert_eq!(
            i.title.as_deref(),
            Some("税の委託業務における無許諾での再委託")
        );
        assert_eq!(i.discovered.as_deref(), Some("2018-12-13"));
        assert_eq!(i.summary.as_deref(), Some("概要の文"));
        assert_eq!(i.cause.as_deref(), Some("原因の文"));
        assert_eq!(i.impact.as_deref(), Some("影響1\n・影響2"));
        assert_eq!(i.response.as_deref(), Some("・対応"));
        assert_eq!(i.prevention.as_deref(), Some("防止策"));
        assert_eq!(i.line, 2);
        let i = &got[1];
        assert_eq!(i.incident_no, 2);
        assert_eq!(i.discovered.as_deref(), Some("2020-06-08"));
        assert_eq!(i.cause.as_deref(), Some("原因2"));
        assert_eq!(i.summary, None);
        assert_eq!(i.line, 18);
    }

    #[test]
    fn discovered_kept_as_written_when_not_a_date() {
        assert_eq!(discovered_iso("平成30年度中"), None);
        assert_eq!(
            discovered_iso("令和2年6月8日から6月12日に判明した。"),
            Some("2020-06-08".into())
        );
        assert_eq!(discovered_iso("令和2年6月8日及び令和2年7月1日に判明"), None);
        let rows = vec![
            row(1, None, &["事案1", "紛失"]),
            row(2, None, &["発生時期", "平成30年度中"]),
        ];
        let got = extract("d", &rows, &mut Vec::new());
        assert_eq!(got[0].title.as_deref(), Some("紛失"));
        assert_eq!(got[0].discovered.as_deref(), Some("平成30年度中"));
    }

    #[test]
    fn labels() {
        assert_eq!(part_of("①発生(発覚)時期", false), Some(Part::Discovered));
        assert_eq!(part_of("【事案の内容】", true), Some(Part::Container));
        assert_eq!(part_of("⑤事故発生時の対応", false), Some(Part::Response));
        assert_eq!(
            part_of("【再発防止策の内容】", false),
            Some(Part::Prevention)
        );
        assert_eq!(part_of("原因", false), Some(Part::Cause));
        assert_eq!(part_of("その原因", false), None, "not marked");
        assert_eq!(part_of("誤廃棄した文書の件数等(推定値)", false), None);
    }

    #[test]
    fn text_outside_a_part_warns() {
        let rows = vec![
            row(1, None, &["事案 1 題"]),
            row(2, None, &["どこにも属さない文"]),
        ];
        let mut w = Vec::new();
        let got = extract("d", &rows, &mut w);
        assert_eq!(got.len(), 1);
        assert_eq!(w[0].code, "unlabelled_text");
        assert_eq!(w[0].line, Some(2));
    }
}
